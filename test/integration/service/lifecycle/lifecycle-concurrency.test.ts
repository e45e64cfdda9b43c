// The lifecycle beside other writers, on a real PostgreSQL server (PGlite has one
// session, so nothing there runs at once): a row a writer holds is skipped, not waited
// for, and two runs at once never archive a child twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../../domain/dates.js';
import { verifyAuditChain } from '../../../../service/audit/verify.js';
import { SettableClock } from '../../../../service/context.js';
import { runLifecycle } from '../../../../service/lifecycle/lifecycle.js';
import { addChild, traceableChild } from '../../../support/children.js';
import { openTestStore, type TestStore } from '../../../support/stores.js';

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore('postgres');
});
afterAll(() => store?.close());

const at = (day: string) => new Date(`${day}T12:00:00Z`);

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function status(cpNumber: string): Promise<string | undefined> {
  const [row] = await store.db.query<{ status: string }>('SELECT status FROM children WHERE cp_number = $1', [
    cpNumber,
  ]);
  return row?.status;
}

describe('the lifecycle beside other writers (PostgreSQL)', () => {
  it('skips a child a writer holds, without waiting, and archives it at the next run', async () => {
    const clock = new SettableClock(at('2024-01-01'));
    const held = (
      await addChild(store.db, traceableChild({ dob: '2006-03-01', family: 'Heldback' }), { at: clock.now() })
    ).cpNumber;
    const free = (
      await addChild(store.db, traceableChild({ dob: '2006-03-01', family: 'Freeling' }), { at: clock.now() })
    ).cpNumber;
    clock.set(at('2024-03-01'));

    const locked = deferred();
    const release = deferred();
    const writer = store.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM children WHERE cp_number = $1 FOR UPDATE', [held]);
      locked.resolve();
      await release.promise;
    });
    await locked.promise;
    try {
      // Would hang (and time out) if the run waited for the writer's lock.
      expect(await runLifecycle(store.db, clock)).toEqual({ archived: 1, destroyed: 0 });
      expect(await status(held)).toBe('active');
      expect(await status(free)).toBe('archived');
    } finally {
      release.resolve();
      await writer;
    }
    expect(await runLifecycle(store.db, clock)).toEqual({ archived: 1, destroyed: 0 });
    expect(await status(held)).toBe('archived');
  });

  it('archives each child once when two runs go at the same time', async () => {
    const clock = new SettableClock(at('2024-01-01'));
    const cps: string[] = [];
    for (let i = 0; i < 24; i++)
      cps.push(
        (
          await addChild(store.db, traceableChild({ dob: addDays('2006-04-01', i % 5), family: `Racer${i}x` }), {
            at: clock.now(),
          })
        ).cpNumber,
      );
    clock.set(at('2024-04-10'));

    const [a, b] = await Promise.all([
      runLifecycle(store.db, clock, { batchSize: 3 }),
      runLifecycle(store.db, clock, { batchSize: 3 }),
    ]);
    expect(a.archived + b.archived).toBe(24);
    const tombstones = await store.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM changes WHERE kind = 'tombstone' AND reason = 'archived' AND cp_number = ANY($1::text[])",
      [cps],
    );
    expect(tombstones[0]?.n).toBe(24);
    const audits = await store.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'archived' AND cp_number = ANY($1::text[])",
      [cps],
    );
    expect(audits[0]?.n).toBe(24);
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: true });
  });
});

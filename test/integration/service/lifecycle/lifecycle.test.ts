// The record lifecycle against a real (embedded) store, with a clock the tests move:
// archived on the day it is due and not before, destroyed six years later with
// nothing of the record left, tombstoned in the feed and audited both times.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayNumber, isoFromDayNumber } from '../../../../domain/dates.js';
import { destructionDueDate } from '../../../../domain/lifecycle.js';
import { SettableClock } from '../../../../service/context.js';
import { verifyAuditChain } from '../../../../service/audit/verify.js';
import {
  lastArchiveDateDueForDestruction,
  runLifecycle,
  startLifecycleTimer,
} from '../../../../service/lifecycle/lifecycle.js';
import { lifecycleRoutes } from '../../../../service/lifecycle/routes.js';
import { loadChild, updateChild } from '../../../../service/records/child-store.js';
import type { Database } from '../../../../service/store/database.js';
import { migrate } from '../../../../service/store/migrations.js';
import { openPglite } from '../../../../service/store/pglite.js';
import { addChild, CHESHIRE_WEST_AND_CHESTER, traceableChild, WIRRAL } from '../../../support/children.js';
import { testSecrets } from '../../../support/secrets.js';

let db: Database;
beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
});
afterAll(() => db.close());

const at = (day: string, time = '12:00:00') => new Date(`${day}T${time}Z`);

async function statusOf(cpNumber: string): Promise<{ status: string; archivedOn: string | null } | null> {
  const child = await loadChild(db, cpNumber);
  return child && { status: child.status, archivedOn: child.archivedOn };
}

async function feedFor(cpNumber: string) {
  return db.query<{ local_authority: string; kind: string; reason: string | null }>(
    'SELECT local_authority, kind, reason FROM changes WHERE cp_number = $1 ORDER BY local_authority, seq',
    [cpNumber],
  );
}

async function auditFor(cpNumber: string) {
  return db.query<{ action: string; user_id: string | null }>(
    'SELECT action, user_id FROM audit_log WHERE cp_number = $1 ORDER BY seq',
    [cpNumber],
  );
}

describe('archiving', () => {
  it('archives a child on its 18th birthday, not the day before', async () => {
    const clock = new SettableClock(at('2024-01-01'));
    const cp = (await addChild(db, traceableChild({ dob: '2006-05-10', family: 'Birthdayworth' }), { at: clock.now() }))
      .cpNumber;

    clock.set(at('2024-05-09', '23:59:59'));
    await runLifecycle(db, clock);
    expect(await statusOf(cp)).toEqual({ status: 'active', archivedOn: null });
    expect((await feedFor(cp)).map((c) => c.kind)).toEqual(['upsert']);

    clock.set(at('2024-05-10', '00:00:01'));
    const result = await runLifecycle(db, clock);
    expect(result.archived).toBeGreaterThanOrEqual(1);
    expect(await statusOf(cp)).toEqual({ status: 'archived', archivedOn: '2024-05-10' });
    expect(await feedFor(cp)).toEqual([
      { local_authority: WIRRAL, kind: 'upsert', reason: null },
      { local_authority: WIRRAL, kind: 'tombstone', reason: 'archived' },
    ]);
    expect(await auditFor(cp)).toEqual([{ action: 'archived', user_id: null }]);
  });

  it('keeps a 24-year-old whose consented archive age is 25, and archives at 25', async () => {
    const clock = new SettableClock(at('2024-01-01'));
    const careLeaver = (
      await addChild(db, traceableChild({ dob: '2000-03-02', family: 'Careleaverson', archiveAge: 25 }), {
        at: clock.now(),
      })
    ).cpNumber;
    const sameAgeAt18 = (
      await addChild(db, traceableChild({ dob: '2000-03-02', family: 'Eighteenham' }), { at: clock.now() })
    ).cpNumber;

    clock.set(at('2025-03-01'));
    await runLifecycle(db, clock);
    expect((await statusOf(careLeaver))?.status).toBe('active');
    expect(await statusOf(sameAgeAt18)).toEqual({ status: 'archived', archivedOn: '2025-03-01' });

    clock.set(at('2025-03-02'));
    await runLifecycle(db, clock);
    expect(await statusOf(careLeaver)).toEqual({ status: 'archived', archivedOn: '2025-03-02' });
  });

  it('archives one year after death, when that comes before the archive age', async () => {
    const clock = new SettableClock(at('2020-07-01'));
    const died = (
      await addChild(db, traceableChild({ dob: '2015-01-01', dateOfDeath: '2020-06-15', family: 'Mournington' }), {
        at: clock.now(),
      })
    ).cpNumber;

    clock.set(at('2021-06-14'));
    await runLifecycle(db, clock);
    expect((await statusOf(died))?.status).toBe('active');

    clock.set(at('2021-06-15'));
    await runLifecycle(db, clock);
    expect(await statusOf(died)).toEqual({ status: 'archived', archivedOn: '2021-06-15' });
  });

  it('archives at the archive age when that comes before a year after death', async () => {
    const clock = new SettableClock(at('2020-12-10'));
    // 18 on 2021-01-01; a year after death would be 2021-12-01.
    const cp = (
      await addChild(db, traceableChild({ dob: '2003-01-01', dateOfDeath: '2020-12-01', family: 'Earlierfield' }), {
        at: clock.now(),
      })
    ).cpNumber;

    clock.set(at('2020-12-31'));
    await runLifecycle(db, clock);
    expect((await statusOf(cp))?.status).toBe('active');

    clock.set(at('2021-01-01'));
    await runLifecycle(db, clock);
    expect(await statusOf(cp)).toEqual({ status: 'archived', archivedOn: '2021-01-01' });
  });

  it('archives a child whose death is recorded more than a year late at the next run', async () => {
    const clock = new SettableClock(at('2023-01-01'));
    const cp = (await addChild(db, traceableChild({ dob: '2010-01-01', family: 'Latenotice' }), { at: clock.now() }))
      .cpNumber;
    await runLifecycle(db, clock);
    expect((await statusOf(cp))?.status).toBe('active');

    await db.transaction(async (tx) => {
      const current = (await loadChild(tx, cp, { forUpdate: true }))!;
      await updateChild(tx, cp, current.version, { ...current.record, dateOfDeath: '2021-09-01' }, { at: clock.now() });
    });
    await runLifecycle(db, clock);
    expect(await statusOf(cp)).toEqual({ status: 'archived', archivedOn: '2023-01-01' });
    expect((await feedFor(cp)).map((c) => `${c.kind}:${c.reason ?? ''}`)).toEqual([
      'upsert:',
      'upsert:',
      'tombstone:archived',
    ]);
  });

  it('tombstones a child in its own authority’s feed', async () => {
    const clock = new SettableClock(at('2024-01-01'));
    const cp = (
      await addChild(
        db,
        traceableChild({ dob: '2006-02-01', family: 'Chesterby', localAuthority: CHESHIRE_WEST_AND_CHESTER }),
        { at: clock.now() },
      )
    ).cpNumber;
    clock.set(at('2024-02-01'));
    await runLifecycle(db, clock);
    expect(await feedFor(cp)).toEqual([
      { local_authority: CHESHIRE_WEST_AND_CHESTER, kind: 'upsert', reason: null },
      { local_authority: CHESHIRE_WEST_AND_CHESTER, kind: 'tombstone', reason: 'archived' },
    ]);
  });

  it('archives every due child when they take several batches', async () => {
    const clock = new SettableClock(at('2024-01-01'));
    const cps: string[] = [];
    for (let i = 0; i < 7; i++)
      cps.push(
        (
          await addChild(db, traceableChild({ dob: addDays('2006-08-01', i), family: `Batchling${'abcdefg'[i]}` }), {
            at: clock.now(),
          })
        ).cpNumber,
      );

    clock.set(at('2024-08-20'));
    await runLifecycle(db, clock, { batchSize: 2 });
    for (const cp of cps) expect((await statusOf(cp))?.status).toBe('archived');
  });
});

describe('destruction', () => {
  it('destroys a record exactly six years after archiving, leaving no trace of it but the audit trail and tombstones', async () => {
    const family = 'Vanishwright';
    const clock = new SettableClock(at('2017-01-01'));
    const cp = (await addChild(db, traceableChild({ dob: '2000-09-30', family }), { at: clock.now() })).cpNumber;
    // What other parts of the service keep about the child.
    await db.query('INSERT INTO involvement_owners (cp_number, involvement_id, user_id) VALUES ($1, $2, $3)', [
      cp,
      'inv-1',
      'u-nurse',
    ]);
    await db.query('INSERT INTO supply_links (supplier, supplier_ref, cp_number) VALUES ($1, $2, $3)', [
      'nhs',
      `NHS-${family}`,
      cp,
    ]);

    clock.set(at('2018-09-30'));
    await runLifecycle(db, clock);
    expect(await statusOf(cp)).toEqual({ status: 'archived', archivedOn: '2018-09-30' });

    clock.set(at('2024-09-29', '23:59:59'));
    await runLifecycle(db, clock);
    expect(await statusOf(cp)).toEqual({ status: 'archived', archivedOn: '2018-09-30' });

    clock.set(at('2024-09-30', '00:00:00'));
    const result = await runLifecycle(db, clock);
    expect(result.destroyed).toBeGreaterThanOrEqual(1);
    expect(await statusOf(cp)).toBeNull();
    expect(await db.query('SELECT 1 FROM involvement_owners WHERE cp_number = $1', [cp])).toEqual([]);
    expect(await db.query('SELECT 1 FROM supply_links WHERE cp_number = $1', [cp])).toEqual([]);

    // The name (in the record, the parent's name and the supplier reference) is nowhere.
    const tables = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['children', 'changes', 'audit_log', 'supply_links']),
    );
    for (const { table_name } of tables) {
      const rows = await db.query(`SELECT 1 FROM "${table_name.replaceAll('"', '""')}" t WHERE t::text ILIKE $1`, [
        `%${family}%`,
      ]);
      expect(rows, `table ${table_name}`).toEqual([]);
    }

    expect(await feedFor(cp)).toEqual([
      { local_authority: WIRRAL, kind: 'upsert', reason: null },
      { local_authority: WIRRAL, kind: 'tombstone', reason: 'archived' },
      { local_authority: WIRRAL, kind: 'tombstone', reason: 'destroyed' },
    ]);
    expect(await auditFor(cp)).toEqual([
      { action: 'archived', user_id: null },
      { action: 'destroyed', user_id: null },
    ]);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('counts six years from the 29th of February as the domain rule does (1 March in a common year)', async () => {
    const clock = new SettableClock(at('2022-01-01'));
    const cp = (
      await addChild(db, traceableChild({ dob: '2006-02-28', family: 'Leapington', archiveAge: 18 }), {
        at: clock.now(),
      })
    ).cpNumber;
    // Due on 2024-02-28; the service was down that day, so it is archived on the 29th.
    clock.set(at('2024-02-29'));
    await runLifecycle(db, clock);
    expect(await statusOf(cp)).toEqual({ status: 'archived', archivedOn: '2024-02-29' });

    clock.set(at('2030-02-28'));
    await runLifecycle(db, clock);
    expect((await statusOf(cp))?.status).toBe('archived');
    clock.set(at('2030-03-01'));
    await runLifecycle(db, clock);
    expect(await statusOf(cp)).toBeNull();
  });

  it('finds the exact last archive date due for destruction on any day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), (n) => {
        const day = isoFromDayNumber(n);
        const last = lastArchiveDateDueForDestruction(day);
        expect(destructionDueDate(last) <= day).toBe(true);
        expect(destructionDueDate(addDays(last, 1)) > day).toBe(true);
      }),
      { numRuns: 2000, examples: [[dayNumber('2028-02-29')], [dayNumber('2030-03-01')], [dayNumber('2030-02-28')]] },
    );
  });
});

describe('running again', () => {
  it('changes nothing the second time on the same day', async () => {
    const clock = new SettableClock(at('2029-06-01'));
    await addChild(db, traceableChild({ dob: '2011-06-01', family: 'Twiceover' }), { at: clock.now() });
    const counts = async () =>
      (
        await db.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM changes) + (SELECT count(*) FROM audit_log) * 1000 + (SELECT count(*) FROM children WHERE status = 'archived') * 1000000 AS n`,
        )
      )[0]!.n;
    const first = await runLifecycle(db, clock);
    expect(first.archived).toBeGreaterThanOrEqual(1);
    const before = await counts();
    expect(await runLifecycle(db, clock)).toEqual({ archived: 0, destroyed: 0 });
    expect(await counts()).toBe(before);
  });
});

describe('the timer and the route', () => {
  it('runs the lifecycle on a timer until stopped', async () => {
    const clock = new SettableClock(at('2024-01-01'));
    const cp = (await addChild(db, traceableChild({ dob: '2006-01-01', family: 'Tickover' }), { at: clock.now() }))
      .cpNumber;
    const ran = new Promise<{ archived: number }>((resolve, reject) => {
      const timer = startLifecycleTimer(db, clock, 5, {
        onRun: (result) => void timer.stop().then(() => resolve(result)),
        onError: reject,
      });
    });
    expect((await ran).archived).toBeGreaterThanOrEqual(1);
    expect((await statusOf(cp))?.status).toBe('archived');
  });

  it('lets the national administrator run it now, and no one else', async () => {
    const route = lifecycleRoutes.find((r) => r.method === 'POST' && r.path === '/v1/lifecycle/run')!;
    expect(route.auth === 'signed' && route.roles).toEqual(['national-admin']);
    const clock = new SettableClock(at('2024-01-01'));
    const cp = (await addChild(db, traceableChild({ dob: '2006-01-02', family: 'Operatorfield' }), { at: clock.now() }))
      .cpNumber;
    clock.set(at('2024-01-02'));
    const actor = {
      userId: 'u-admin',
      name: 'Admin',
      roles: ['national-admin'] as const,
      organisation: {
        id: 'org-dfe',
        name: 'DfE',
        kind: 'national' as const,
        accredited: true,
        localAuthority: null,
        supplier: null,
      },
      localAuthority: null,
      sessionId: 's-1',
    };
    const response = await route.handle(
      { params: {}, query: {}, body: undefined, headers: {}, remoteAddress: '127.0.0.1', actor },
      { db, clock, randomBytes: () => Buffer.alloc(0), trainingMode: true, secrets: testSecrets },
    );
    expect(response.status).toBe(200);
    expect((response.body as { archived: number }).archived).toBeGreaterThanOrEqual(1);
    expect(await statusOf(cp)).toEqual({ status: 'archived', archivedOn: '2024-01-02' });
  });
});

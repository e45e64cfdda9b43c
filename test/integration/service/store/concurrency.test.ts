// The ordering guarantees the sync feed and the audit chain rest on, under many writers
// at once: on a real PostgreSQL server with one connection per writer, and (smaller) on
// PGlite, where transactions queue for its single session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, entryHash, type AuditAction } from '../../../../service/audit/audit-log.js';
import { insertChild, loadChild, updateChild } from '../../../../service/records/child-store.js';
import type { Database } from '../../../../service/store/database.js';
import { openPostgres } from '../../../../service/store/postgres.js';
import { child, WIRRAL } from '../../../support/children.js';
import { openTestStore, type StoreEngine, type TestStore } from '../../../support/stores.js';

/** A small deterministic random source per writer, so a failure can be rerun alike. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** Wait 0-2 ms: enough to let other transactions interleave with this one. */
const jitter = (rand: () => number) => new Promise((resolve) => setTimeout(resolve, Math.floor(rand() * 3)));

const scales: { engine: StoreEngine; writers: number; each: number }[] = [
  { engine: 'postgres', writers: 8, each: 50 },
  { engine: 'pglite', writers: 4, each: 15 },
];

const LIVERPOOL = 'E08000012';
const KNOWSLEY = 'E08000011';

describe.each(scales)('concurrent writers on $engine ($writers × $each)', ({ engine, writers, each }) => {
  let store: TestStore;
  /** The writers' connections: a pool of one per writer on PostgreSQL. */
  let writerDb: Database;
  beforeAll(async () => {
    store = await openTestStore(engine);
    writerDb = store.url ? await openPostgres(store.url, { max: writers }) : store.db;
  });
  afterAll(async () => {
    if (writerDb !== store.db) await writerDb.close();
    await store.close();
  });

  it('gives a reader following the sync feed every entry exactly once, in sequence, with no gap', async () => {
    let done = false;
    const seen: number[] = [];
    let polls = 0;
    let pollsWithNews = 0;

    // The reader: what a client's sync does, as fast as it can, while the writers run.
    const reader = (async () => {
      let cursor = 0;
      for (;;) {
        const finished = done;
        const rows = await store.db.query<{ seq: number }>(
          'SELECT seq FROM changes WHERE local_authority = $1 AND seq > $2 ORDER BY seq',
          [WIRRAL, cursor],
        );
        polls++;
        if (rows.length > 0) pollsWithNews++;
        for (const r of rows) seen.push(r.seq);
        cursor = rows.at(-1)?.seq ?? cursor;
        // One last poll after every writer has committed.
        if (finished) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    const writer = async (w: number) => {
      const rand = random(1000 + w);
      const mine: { cpNumber: string; version: number; serial: number }[] = [];
      for (let i = 0; i < each; i++) {
        const own = mine[Math.floor(rand() * mine.length)];
        await writerDb.transaction(async (tx) => {
          await jitter(rand);
          if (own && rand() < 0.4) {
            const next = child({ serial: own.serial, gender: rand() < 0.5 ? 'male' : 'female' });
            const stored = await updateChild(tx, own.cpNumber, own.version, next, { at: new Date() });
            own.version = stored.version;
          } else {
            const serial = 10_000 + w * 1_000 + i;
            const stored = await insertChild(tx, child({ serial }), { at: new Date() });
            mine.push({ cpNumber: stored.record.cpNumber, version: 1, serial });
          }
          // Still holding the feed's head: the commit comes after a pause.
          await jitter(rand);
        });
      }
    };

    try {
      await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
    } finally {
      done = true;
    }
    await reader;

    const total = writers * each;
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const [head] = await store.db.query('SELECT last_seq FROM change_heads WHERE local_authority = $1', [WIRRAL]);
    expect(head).toEqual({ last_seq: total });
    // The reader really did read while the writers wrote, not just once at the end.
    expect(polls).toBeGreaterThan(1);
    if (engine === 'postgres') expect(pollsWithNews).toBeGreaterThan(1);
  });

  it('chains audit entries from concurrent appenders in one gapless order', async () => {
    const actions: AuditAction[] = ['search', 'read', 'record-changed', 'sign-in'];
    const appender = async (w: number) => {
      const rand = random(2000 + w);
      for (let i = 0; i < Math.ceil(each / 2); i++) {
        await writerDb.transaction(async (tx) => {
          await jitter(rand);
          await appendAudit(tx, {
            at: new Date(),
            userId: `user-${w}`,
            action: actions[i % actions.length]!,
            cpNumber: null,
            reason: i % 2 === 0 ? 'routine' : null,
            detail: { writer: w, i },
          });
          await jitter(rand);
        });
      }
    };
    await Promise.all(Array.from({ length: writers }, (_, w) => appender(w)));

    const total = writers * Math.ceil(each / 2);
    const rows = await store.db.query<{
      seq: number;
      at: Date;
      user_id: string | null;
      action: string;
      cp_number: string | null;
      reason: string | null;
      detail: Record<string, unknown>;
      prev_hash: string;
      hash: string;
    }>('SELECT seq, at, user_id, action, cp_number, reason, detail, prev_hash, hash FROM audit_log ORDER BY seq');
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    let previous = '0'.repeat(64);
    for (const r of rows) {
      expect(r.prev_hash).toBe(previous);
      const recomputed = entryHash({
        seq: r.seq,
        at: r.at.toISOString(),
        userId: r.user_id,
        action: r.action,
        cpNumber: r.cp_number,
        reason: r.reason,
        detail: r.detail,
        prevHash: r.prev_hash,
      });
      expect(r.hash).toBe(recomputed);
      previous = r.hash;
    }
    expect(await store.db.query('SELECT seq, hash FROM audit_head')).toEqual([{ seq: total, hash: previous }]);
    // Every appender's every entry is there.
    const perWriter = new Map<unknown, number>();
    for (const r of rows) perWriter.set(r.detail.writer, (perWriter.get(r.detail.writer) ?? 0) + 1);
    expect([...perWriter.values()]).toEqual(Array.from({ length: writers }, () => Math.ceil(each / 2)));
  });

  it('moves children between two authorities in both directions at once without deadlock or a broken feed', async () => {
    const moves = Math.ceil(each / 5);
    const failures: unknown[] = [];
    const mover = async (w: number) => {
      const rand = random(3000 + w);
      const record = child({ serial: 20_000 + w, localAuthority: w % 2 === 0 ? LIVERPOOL : KNOWSLEY });
      await writerDb.transaction((tx) => insertChild(tx, record, { at: new Date() }));
      for (let i = 0; i < moves; i++) {
        await writerDb
          .transaction(async (tx) => {
            const current = await loadChild(tx, record.cpNumber, { forUpdate: true });
            if (!current) throw new Error('the child vanished');
            await jitter(rand);
            const to = current.localAuthority === LIVERPOOL ? KNOWSLEY : LIVERPOOL;
            await updateChild(
              tx,
              record.cpNumber,
              current.version,
              { ...current.record, localAuthority: to },
              { at: new Date() },
            );
          })
          .catch((e: unknown) => failures.push(e));
      }
    };
    await Promise.all(Array.from({ length: writers }, (_, w) => mover(w)));
    expect(failures).toEqual([]);

    let entries = 0;
    for (const la of [LIVERPOOL, KNOWSLEY]) {
      const rows = await store.db.query<{ seq: number }>(
        'SELECT seq FROM changes WHERE local_authority = $1 ORDER BY seq',
        [la],
      );
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
      entries += rows.length;
    }
    // One upsert per new child; a tombstone and an upsert per move.
    expect(entries).toBe(writers + 2 * writers * moves);
    // Each child's last entries agree with where it is now.
    for (let w = 0; w < writers; w++) {
      const cpNumber = child({ serial: 20_000 + w }).cpNumber;
      const stored = await loadChild(store.db, cpNumber);
      const last = await store.db.query<{ local_authority: string; kind: string; version: number }>(
        'SELECT local_authority, kind, version FROM changes WHERE cp_number = $1 ORDER BY version DESC, kind',
        [cpNumber],
      );
      expect(stored?.version).toBe(moves + 1);
      const previous = stored?.localAuthority === LIVERPOOL ? KNOWSLEY : LIVERPOOL;
      expect(last.slice(0, 2)).toEqual([
        { local_authority: previous, kind: 'tombstone', version: moves + 1 },
        { local_authority: stored?.localAuthority, kind: 'upsert', version: moves + 1 },
      ]);
    }
  });
});

// The audit chain sealed with a key held outside the database, on both engines: entries
// written before migration 13 still verify by their hashes; from the migration on every
// entry carries a seal; a chain recomputed without the key, or with another key, is
// caught at the first rewritten entry; and a signed checkpoint catches what the
// database alone cannot (a chain cut short, or its seals stripped and keyed_from raised).
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, entryHash, type AuditRow } from '../../../../service/audit/audit-log.js';
import { sealKeyFrom, signingKeyFrom, useAuditKeys, type AuditKeys } from '../../../../service/audit/audit-key.js';
import { CheckpointPublisher } from '../../../../service/audit/checkpoints.js';
import { GENESIS_HASH, verifyAuditChain, type AuditChainVerdict } from '../../../../service/audit/verify.js';
import { SettableClock } from '../../../../service/context.js';
import type { Queryable } from '../../../../service/store/database.js';
import { migrate, migrations } from '../../../../service/store/migrations.js';
import { openTestStore, storeEngines, type TestStore } from '../../../support/stores.js';

const newKeys = (): AuditKeys => ({
  seal: sealKeyFrom(randomBytes(32)),
  signing: signingKeyFrom(generateKeyPairSync('ed25519').privateKey),
});

const LEGACY = 4;
const SEALED = 6;
const brokenAt = (v: AuditChainVerdict) => (v.ok ? 'intact' : `${v.firstBroken.seq} ${v.firstBroken.problem}`);

type Row = AuditRow;

/** Recompute the hashes of entries `from` onward, as someone with write access but without the key would, and move the head. */
async function rechain(
  tx: Queryable,
  from: number,
  change: (row: Row) => Partial<Row>,
  seal: (hash: string) => string | null,
) {
  const rows = await tx.query<Row>('SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq', [from]);
  const [before] = await tx.query<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = $1', [from - 1]);
  let prev = before?.hash ?? GENESIS_HASH;
  for (const original of rows) {
    const row = { ...original, ...(original.seq === from ? change(original) : {}) };
    const hash = entryHash({
      seq: row.seq,
      at: row.at.toISOString(),
      userId: row.user_id,
      action: row.action,
      cpNumber: row.cp_number,
      reason: row.reason,
      detail: row.detail,
      prevHash: prev,
    });
    await tx.query('UPDATE audit_log SET reason = $2, prev_hash = $3, hash = $4, mac = $5 WHERE seq = $1', [
      row.seq,
      row.reason,
      prev,
      hash,
      seal(hash),
    ]);
    prev = hash;
  }
  await tx.query('UPDATE audit_head SET hash = $1', [prev]);
}

describe.each(storeEngines)('the sealed audit chain on %s', (engine) => {
  let store: TestStore;
  let keys: AuditKeys;
  class Rollback extends Error {}
  /** Tamper, verify, undo. */
  const tampered = async (
    tamper: (tx: Queryable) => Promise<unknown>,
    options: Parameters<typeof verifyAuditChain>[1] = {},
  ) => {
    let verdict: AuditChainVerdict | undefined;
    await store.db
      .transaction(async (tx) => {
        await tamper(tx);
        verdict = await verifyAuditChain(tx, { batchSize: 3, ...options });
        throw new Rollback();
      })
      .catch((e: unknown) => {
        if (!(e instanceof Rollback)) throw e;
      });
    return verdict!;
  };

  beforeAll(async () => {
    store = await openTestStore(engine, { migrated: false });
    keys = newKeys();
    useAuditKeys(store.db, keys);
    // A store as it was before sealing: entries chained by unkeyed SHA-256 only.
    await migrate(
      store.db,
      migrations.filter((m) => m.version < 13),
    );
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= LEGACY; seq++) {
      const body = {
        seq,
        at: new Date(Date.UTC(2024, 0, seq)).toISOString(),
        userId: `u-${seq}`,
        action: 'search',
        cpNumber: null,
        reason: null,
        detail: { results: seq },
        prevHash: prev,
      };
      const hash = entryHash(body);
      await store.db.query(
        `INSERT INTO audit_log (seq, at, user_id, action, cp_number, reason, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, NULL, NULL, $5::jsonb, $6, $7)`,
        [seq, body.at, body.userId, body.action, JSON.stringify(body.detail), prev, hash],
      );
      await store.db.query('UPDATE audit_head SET seq = $1, hash = $2', [seq, hash]);
      prev = hash;
    }
    await migrate(store.db);
    for (let i = 1; i <= SEALED; i++) {
      await store.db.transaction((tx) =>
        appendAudit(tx, {
          at: new Date(Date.UTC(2024, 1, i)),
          userId: 'u-sealed',
          action: 'read',
          reason: `Reason ${i}`,
          detail: { i },
        }),
      );
    }
  });
  afterAll(() => store.close());

  it('seals every entry from the migration on with HMAC-SHA-256 of its hash, and leaves the older ones as they were', async () => {
    const rows = await store.db.query<{ seq: number; hash: string; mac: string | null }>(
      'SELECT seq, hash, mac FROM audit_log ORDER BY seq',
    );
    expect(rows).toHaveLength(LEGACY + SEALED);
    for (const r of rows) {
      if (r.seq <= LEGACY) expect(r.mac).toBeNull();
      // Computed here with node's HMAC directly, not with the code under test.
      else expect(r.mac).toBe(createHmac('sha256', keys.seal.secret).update(r.hash).digest('hex'));
    }
    const [head] = await store.db.query<{ keyed_from: number }>('SELECT keyed_from FROM audit_head');
    expect(head!.keyed_from).toBe(LEGACY + 1);
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: true, entries: LEGACY + SEALED });
  });

  it('still names a changed entry written before sealing began', async () => {
    expect(brokenAt(await tampered((tx) => tx.query("UPDATE audit_log SET user_id = 'u-other' WHERE seq = 2")))).toBe(
      '2 hash-mismatch',
    );
  });

  it('catches a chain recomputed with unkeyed hashes at the first rewritten entry, seals kept or dropped', async () => {
    const reason = () => ({ reason: 'rewritten' });
    expect(brokenAt(await tampered((tx) => rechain(tx, LEGACY + 2, reason, () => null)))).toBe(
      `${LEGACY + 2} seal-missing`,
    );
    // Keeping the old seals does not help: they seal the old hashes.
    const keepOld = async (tx: Queryable) => {
      const old = new Map(
        (await tx.query<{ seq: number; mac: string }>('SELECT seq, mac FROM audit_log')).map((r) => [r.seq, r.mac]),
      );
      let seq = LEGACY + 1;
      await rechain(tx, LEGACY + 1, reason, () => old.get(seq++) ?? null);
    };
    expect(brokenAt(await tampered(keepOld))).toBe(`${LEGACY + 1} seal-mismatch`);
  });

  it('catches a chain rewritten and sealed with another key', async () => {
    const other = newKeys().seal.secret;
    const wrongSeal = (hash: string) => createHmac('sha256', other).update(hash).digest('hex');
    expect(brokenAt(await tampered((tx) => rechain(tx, LEGACY + 3, () => ({ reason: 'rewritten' }), wrongSeal)))).toBe(
      `${LEGACY + 3} seal-mismatch`,
    );
    // And the intact chain, checked with the wrong key, fails at its first sealed entry.
    expect(brokenAt(await verifyAuditChain(store.db, { seal: sealKeyFrom(other) }))).toBe(
      `${LEGACY + 1} seal-mismatch`,
    );
  });

  it('with a signed checkpoint, catches a chain cut short and a chain whose seals were stripped as if it were older', async () => {
    const publisher = new CheckpointPublisher({
      db: store.db,
      clock: new SettableClock(new Date('2024-03-01T00:00:00Z')),
      keys,
    });
    const checkpoint = await publisher.publish('on-demand');
    expect(checkpoint).toMatchObject({ size: LEGACY + SEALED, keyedFrom: LEGACY + 1 });
    expect(await verifyAuditChain(store.db, { checkpoint })).toMatchObject({ ok: true });

    const cutShort = async (tx: Queryable) => {
      await tx.query('DELETE FROM audit_log WHERE seq > $1', [LEGACY + SEALED - 2]);
      await tx.query('UPDATE audit_head SET seq = seq - 2, hash = (SELECT hash FROM audit_log WHERE seq = $1)', [
        LEGACY + SEALED - 2,
      ]);
    };
    // The database alone is consistent after the cut: only the checkpoint knows.
    expect(brokenAt(await tampered(cutShort))).toBe('intact');
    expect(brokenAt(await tampered(cutShort, { checkpoint }))).toBe(`${LEGACY + SEALED - 1} checkpoint-mismatch`);

    const passOffAsOld = async (tx: Queryable) => {
      await rechain(
        tx,
        LEGACY + 2,
        () => ({ reason: 'rewritten' }),
        () => null,
      );
      await tx.query('UPDATE audit_log SET mac = NULL');
      await tx.query('UPDATE audit_head SET keyed_from = 1000');
    };
    expect(brokenAt(await tampered(passOffAsOld))).toBe('intact');
    expect(brokenAt(await tampered(passOffAsOld, { checkpoint }))).toBe(`${LEGACY + 1} seal-missing`);
  });
});

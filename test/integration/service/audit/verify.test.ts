// The audit chain check against a real (embedded) store: an intact chain passes, and
// each way of tampering with the tables directly is caught at the first entry it
// breaks. Each tampering happens inside a transaction that is then rolled back, so
// every test starts from the same intact chain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, entryHash, type AuditAction } from '../../../../service/audit/audit-log.js';
import { GENESIS_HASH, verifyAuditChain, type AuditChainVerdict } from '../../../../service/audit/verify.js';
import type { Database, Queryable } from '../../../../service/store/database.js';
import { migrate } from '../../../../service/store/migrations.js';
import { openPglite } from '../../../../service/store/pglite.js';

const ENTRIES = 12;
const actions: AuditAction[] = ['sign-in', 'search', 'read', 'shield-override', 'record-changed', 'sign-out'];

let db: Database;
beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  for (let i = 1; i <= ENTRIES; i++) {
    await db.transaction((tx) =>
      appendAudit(tx, {
        at: new Date(Date.UTC(2024, 4, 1, 9, 0, i, i)),
        userId: `u-${i % 3}`,
        action: actions[i % actions.length]!,
        cpNumber: i % 2 === 0 ? `CP1000000${i % 10}` : null,
        reason: i % 4 === 0 ? `Referral ${i}` : null,
        detail: { results: i, zeta: { b: 1, a: [i, 'x'] } },
      }),
    );
  }
});
afterAll(() => db.close());

class Rollback extends Error {}

/** Tamper, verify, and undo the tampering. */
async function verifyTampered(
  tamper: (tx: Queryable) => Promise<unknown>,
  batchSize = 5,
  options: { seal?: null } = {},
): Promise<AuditChainVerdict> {
  let verdict: AuditChainVerdict | undefined;
  await db
    .transaction(async (tx) => {
      await tamper(tx);
      verdict = await verifyAuditChain(tx, { batchSize, ...options });
      throw new Rollback();
    })
    .catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return verdict!;
}

const brokenAt = (v: AuditChainVerdict) => (v.ok ? 'intact' : `${v.firstBroken.seq} ${v.firstBroken.problem}`);

/** Rewrite an entry's content and give it a hash that matches: what a careful forger does. */
async function forge(tx: Queryable, seq: number, reason: string) {
  const [row] = await tx.query<{
    at: Date;
    user_id: string | null;
    action: string;
    cp_number: string | null;
    detail: Record<string, unknown>;
    prev_hash: string;
  }>('SELECT at, user_id, action, cp_number, detail, prev_hash FROM audit_log WHERE seq = $1', [seq]);
  const hash = entryHash({
    seq,
    at: row!.at.toISOString(),
    userId: row!.user_id,
    action: row!.action,
    cpNumber: row!.cp_number,
    reason,
    detail: row!.detail,
    prevHash: row!.prev_hash,
  });
  await tx.query('UPDATE audit_log SET reason = $2, hash = $3 WHERE seq = $1', [seq, reason, hash]);
  return hash;
}

describe('verifyAuditChain', () => {
  it('passes an intact chain, across batches, and reports progress to the end', async () => {
    const progress: [number, number][] = [];
    const verdict = await verifyAuditChain(db, {
      batchSize: 5,
      onProgress: (checked, total) => progress.push([checked, total]),
    });
    const [head] = await db.query<{ hash: string }>('SELECT hash FROM audit_head');
    expect(verdict).toEqual({ ok: true, entries: ENTRIES, lastHash: head!.hash });
    expect(progress).toEqual([
      [5, ENTRIES],
      [10, ENTRIES],
      [12, ENTRIES],
    ]);
  });

  it('passes an empty chain', async () => {
    const verdict = await verifyTampered(async (tx) => {
      await tx.query('DELETE FROM audit_log');
      await tx.query('UPDATE audit_head SET seq = 0, hash = $1', [GENESIS_HASH]);
    });
    expect(verdict).toEqual({ ok: true, entries: 0, lastHash: GENESIS_HASH });
  });

  it('names an entry whose reason was changed', async () => {
    const verdict = await verifyTampered((tx) =>
      tx.query("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 7"),
    );
    expect(brokenAt(verdict)).toBe('7 hash-mismatch');
    expect(verdict).toMatchObject({ entries: 6 });
  });

  it('names an entry whose detail, time or user was changed', async () => {
    expect(
      brokenAt(await verifyTampered((tx) => tx.query(`UPDATE audit_log SET detail = '{"results": 0}' WHERE seq = 3`))),
    ).toBe('3 hash-mismatch');
    expect(
      brokenAt(await verifyTampered((tx) => tx.query("UPDATE audit_log SET at = at + interval '1 ms' WHERE seq = 11"))),
    ).toBe('11 hash-mismatch');
    expect(
      brokenAt(await verifyTampered((tx) => tx.query("UPDATE audit_log SET user_id = 'u-other' WHERE seq = 1"))),
    ).toBe('1 hash-mismatch');
  });

  it('names a deleted entry', async () => {
    expect(brokenAt(await verifyTampered((tx) => tx.query('DELETE FROM audit_log WHERE seq = 7')))).toBe(
      '7 missing-entry',
    );
    expect(brokenAt(await verifyTampered((tx) => tx.query('DELETE FROM audit_log WHERE seq = 1')))).toBe(
      '1 missing-entry',
    );
    // The batch boundary (5 | 6) is no hiding place.
    expect(brokenAt(await verifyTampered((tx) => tx.query('DELETE FROM audit_log WHERE seq IN (6, 9)')))).toBe(
      '6 missing-entry',
    );
  });

  it('names a deleted last entry, which the head still counts', async () => {
    expect(brokenAt(await verifyTampered((tx) => tx.query(`DELETE FROM audit_log WHERE seq = ${ENTRIES}`)))).toBe(
      `${ENTRIES} missing-entry`,
    );
  });

  it('names the first of two entries whose contents were swapped', async () => {
    const swapContent = (tx: Queryable) =>
      tx.query(
        `UPDATE audit_log a SET at = b.at, user_id = b.user_id, action = b.action, cp_number = b.cp_number, reason = b.reason, detail = b.detail
           FROM audit_log b WHERE (a.seq, b.seq) IN ((4, 9), (9, 4))`,
      );
    expect(brokenAt(await verifyTampered(swapContent))).toBe('4 hash-mismatch');
  });

  it('names the first of two entries that were reordered, hashes and all', async () => {
    const reorder = async (tx: Queryable) => {
      await tx.query('UPDATE audit_log SET seq = -seq WHERE seq IN (4, 9)');
      await tx.query('UPDATE audit_log SET seq = CASE seq WHEN -4 THEN 9 ELSE 4 END WHERE seq IN (-4, -9)');
    };
    expect(brokenAt(await verifyTampered(reorder))).toBe('4 hash-mismatch');
  });

  it('names a forged entry whose hash was recomputed by its seal; without the key, by the link after it', async () => {
    expect(brokenAt(await verifyTampered((tx) => forge(tx, 7, 'forged')))).toBe('7 seal-mismatch');
    expect(brokenAt(await verifyTampered((tx) => forge(tx, 7, 'forged'), 5, { seal: null }))).toBe('8 broken-link');
  });

  it('names a forged first entry that links to something other than the start of the chain', async () => {
    const verdict = await verifyTampered(async (tx) => {
      await tx.query("UPDATE audit_log SET prev_hash = repeat('1', 64) WHERE seq = 1");
      await forge(tx, 1, 'forged');
    });
    expect(brokenAt(verdict)).toBe('1 broken-link');
  });

  it('names a changed audit head', async () => {
    expect(brokenAt(await verifyTampered((tx) => tx.query("UPDATE audit_head SET hash = repeat('a', 64)")))).toBe(
      `${ENTRIES} head-mismatch`,
    );
    expect(brokenAt(await verifyTampered((tx) => tx.query('UPDATE audit_head SET seq = seq - 2')))).toBe(
      `${ENTRIES - 1} head-mismatch`,
    );
    expect(brokenAt(await verifyTampered((tx) => tx.query('UPDATE audit_head SET seq = seq + 1')))).toBe(
      `${ENTRIES + 1} missing-entry`,
    );
  });

  it('names the first entry of a fully rewritten tail by its seal; without the key, only its last hash shows it', async () => {
    const noted = await verifyAuditChain(db);
    expect(noted.ok).toBe(true);
    const rewriteTail = async (tx: Queryable) => {
      // Rewrite entry 11 and re-chain everything after it, head included.
      const hash11 = await forge(tx, 11, 'rewritten');
      const [row] = await tx.query<{
        at: Date;
        user_id: string | null;
        action: string;
        cp_number: string | null;
        reason: string | null;
        detail: Record<string, unknown>;
      }>('SELECT at, user_id, action, cp_number, reason, detail FROM audit_log WHERE seq = 12');
      const hash12 = entryHash({
        seq: 12,
        at: row!.at.toISOString(),
        userId: row!.user_id,
        action: row!.action,
        cpNumber: row!.cp_number,
        reason: row!.reason,
        detail: row!.detail,
        prevHash: hash11,
      });
      await tx.query('UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = 12', [hash11, hash12]);
      await tx.query('UPDATE audit_head SET hash = $1', [hash12]);
    };
    expect(brokenAt(await verifyTampered(rewriteTail))).toBe('11 seal-mismatch');
    const verdict = await verifyTampered(rewriteTail, 5, { seal: null });
    expect(verdict.ok).toBe(true);
    expect(verdict.ok && noted.ok && verdict.lastHash !== noted.lastHash).toBe(true);
  });

  it('checks entries appended while it reads', async () => {
    let appended = false;
    const verdict = await verifyAuditChain(db, {
      batchSize: 5,
      onProgress: () => {
        if (appended) return;
        appended = true;
        // Lands between batches: PGlite runs one statement at a time.
        void db.transaction((tx) =>
          appendAudit(tx, { at: new Date(Date.UTC(2024, 4, 2)), userId: 'u-late', action: 'search' }),
        );
      },
    });
    expect(verdict).toMatchObject({ ok: true, entries: ENTRIES + 1 });
  });
});

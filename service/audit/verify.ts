// Checking the audit trail is what it was: every entry's hash recomputed, every link
// to the previous entry followed, no seq missing, and the head (the last entry's seq
// and hash, kept apart) agreeing with the log; with the seal key, every seal from the
// head's keyed_from on; with a checkpoint, the chain passing through its signed head. The log may hold millions of entries,
// so it is read in seq order, a batch at a time, never in one long transaction: an
// entry appended while we read is simply checked too, or left for the next run.
import type { Queryable } from '../store/database.js';
import { auditKeysOf, type SealKey } from './audit-key.js';
import { entryOfRow, type AuditRow } from './audit-log.js';
import { ChainBroken, ChainChecker, type AuditChainProblem, type CheckpointAnchor } from './chain.js';

export { GENESIS_HASH, type AuditChainProblem } from './chain.js';

export type AuditChainVerdict =
  | { ok: true; entries: number; lastHash: string }
  | { ok: false; entries: number; firstBroken: { seq: number; problem: AuditChainProblem; message: string } };

export interface VerifyOptions {
  /** Entries read per query (default 5,000). */
  batchSize?: number;
  /** Called after each batch with the entries checked so far and the total expected. */
  onProgress?(checked: number, total: number): void;
  /** The seal key; default the store's (audit-key.ts). null: check hashes and links only. */
  seal?: SealKey | null;
  /** A signed checkpoint the chain must pass through (its signature checked by the caller). */
  checkpoint?: CheckpointAnchor;
}

/** Verify the whole audit chain; names the first entry at which it is broken. */
export async function verifyAuditChain(db: Queryable, options: VerifyOptions = {}): Promise<AuditChainVerdict> {
  const batchSize = options.batchSize ?? 5000;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a whole number above 0: ${batchSize}`);

  const head = async () => {
    const [row] = await db.query<{ seq: number; hash: string; keyed_from: number }>(
      'SELECT seq, hash, keyed_from FROM audit_head WHERE id',
    );
    if (!row) throw new ChainBroken(1, 'head-mismatch', 'The audit head is missing.');
    return row;
  };
  // The expected total, for progress only: the head's seq when we start.
  let total = 0;
  let checker: ChainChecker | undefined;

  // Read and check every entry after the last checked (up to `upTo`, when given).
  const readFrom = async (c: ChainChecker, upTo?: number) => {
    for (;;) {
      const rows = await db.query<AuditRow>(
        `SELECT seq, at, user_id, action, cp_number, reason, detail, prev_hash, hash, mac
           FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
        [c.lastSeq, upTo ?? Number.MAX_SAFE_INTEGER, batchSize],
      );
      for (const r of rows) {
        c.check(entryOfRow(r));
      }
      total = Math.max(total, c.lastSeq);
      options.onProgress?.(c.lastSeq, total);
      if (rows.length < batchSize) return;
    }
  };

  try {
    const first = await head();
    total = first.seq;
    // The lower of the store's keyed_from and the checkpoint's: someone may have raised
    // the store's to pass rewritten entries off as old, unsealed ones.
    const keyedFrom = Math.min(first.keyed_from, options.checkpoint?.keyedFrom ?? Number.MAX_SAFE_INTEGER);
    const seal = options.seal === undefined ? auditKeysOf(db).seal : options.seal;
    const c = (checker = new ChainChecker({
      seal,
      keyedFrom,
      ...(options.checkpoint ? { anchor: options.checkpoint } : {}),
    }));
    await readFrom(c);
    // The head is read after the log: every entry it names was committed before we
    // read it, so each one must now be in the log.
    const now = await head();
    if (now.seq < c.lastSeq) {
      throw new ChainBroken(
        now.seq + 1,
        'head-mismatch',
        `The audit head says the log ends at entry ${now.seq}, but it goes on to entry ${c.lastSeq}.`,
      );
    }
    if (now.seq > c.lastSeq) {
      await readFrom(c, now.seq);
      if (c.lastSeq < now.seq) {
        throw new ChainBroken(
          c.lastSeq + 1,
          'missing-entry',
          `Entry ${c.lastSeq + 1} is missing: the audit head says the log goes on to entry ${now.seq}.`,
        );
      }
    }
    // lastHash is now the checked hash of the entry the head names (or the genesis hash).
    if (c.lastHash !== now.hash) {
      throw new ChainBroken(
        now.seq,
        'head-mismatch',
        `The audit head does not match entry ${now.seq}, the last entry it names.`,
      );
    }
    c.finish();
    return { ok: true, entries: now.seq, lastHash: now.hash };
  } catch (e) {
    if (!(e instanceof ChainBroken)) throw e;
    return {
      ok: false,
      entries: checker?.lastSeq ?? 0,
      firstBroken: { seq: e.seq, problem: e.problem, message: e.message },
    };
  }
}

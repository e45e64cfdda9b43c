// Checking the audit trail is what it was: every entry's hash recomputed, every link
// to the previous entry followed, no seq missing, and the head (the last entry's seq
// and hash, kept apart) agreeing with the log. The log may hold millions of entries,
// so it is read in seq order, a batch at a time, never in one long transaction: an
// entry appended while we read is simply checked too, or left for the next run.
import type { Queryable } from '../store/database.js';
import { entryHash } from './audit-log.js';

/** What the first entry of the chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditChainProblem = 'hash-mismatch' | 'broken-link' | 'missing-entry' | 'head-mismatch';

export type AuditChainVerdict =
  | { ok: true; entries: number; lastHash: string }
  | { ok: false; entries: number; firstBroken: { seq: number; problem: AuditChainProblem; message: string } };

export interface VerifyOptions {
  /** Entries read per query (default 5,000). */
  batchSize?: number;
  /** Called after each batch with the entries checked so far and the total expected. */
  onProgress?(checked: number, total: number): void;
}

interface AuditRow {
  seq: number;
  at: Date;
  user_id: string | null;
  action: string;
  cp_number: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

class ChainBroken extends Error {
  constructor(
    readonly seq: number,
    readonly problem: AuditChainProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Verify the whole audit chain; names the first entry at which it is broken. */
export async function verifyAuditChain(db: Queryable, options: VerifyOptions = {}): Promise<AuditChainVerdict> {
  const batchSize = options.batchSize ?? 5000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a whole number above 0: ${batchSize}`);

  let lastSeq = 0;
  let lastHash = GENESIS_HASH;
  const head = async () => {
    const [row] = await db.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id');
    if (!row) throw new ChainBroken(lastSeq + 1, 'head-mismatch', 'The audit head is missing.');
    return row;
  };
  // The expected total, for progress only: the head's seq when we start.
  let total = 0;

  const check = (row: AuditRow) => {
    const expected = lastSeq + 1;
    if (row.seq !== expected) {
      throw new ChainBroken(expected, 'missing-entry', `Entry ${expected} is missing: the next entry in the log is ${row.seq}.`);
    }
    const recomputed = entryHash({
      seq: row.seq,
      at: row.at.toISOString(),
      userId: row.user_id,
      action: row.action,
      cpNumber: row.cp_number,
      reason: row.reason,
      detail: row.detail,
      prevHash: row.prev_hash,
    });
    if (recomputed !== row.hash) {
      throw new ChainBroken(row.seq, 'hash-mismatch', `Entry ${row.seq} has been changed: its content does not match its hash.`);
    }
    if (row.prev_hash !== lastHash) {
      throw new ChainBroken(
        row.seq,
        'broken-link',
        row.seq === 1
          ? 'Entry 1 does not start the chain: it links to an earlier entry.'
          : `Entry ${row.seq} does not link to entry ${lastSeq}: one of them has been replaced.`,
      );
    }
    lastSeq = row.seq;
    lastHash = row.hash;
  };

  // Read and check every entry after lastSeq (up to `upTo`, when given).
  const readFrom = async (upTo?: number) => {
    for (;;) {
      const rows = await db.query<AuditRow>(
        `SELECT seq, at, user_id, action, cp_number, reason, detail, prev_hash, hash
           FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
        [lastSeq, upTo ?? Number.MAX_SAFE_INTEGER, batchSize],
      );
      for (const row of rows) check(row);
      total = Math.max(total, lastSeq);
      options.onProgress?.(lastSeq, total);
      if (rows.length < batchSize) return;
    }
  };

  try {
    total = (await head()).seq;
    await readFrom();
    // The head is read after the log: every entry it names was committed before we
    // read it, so each one must now be in the log.
    const now = await head();
    if (now.seq < lastSeq) {
      throw new ChainBroken(
        now.seq + 1,
        'head-mismatch',
        `The audit head says the log ends at entry ${now.seq}, but it goes on to entry ${lastSeq}.`,
      );
    }
    if (now.seq > lastSeq) {
      await readFrom(now.seq);
      if (lastSeq < now.seq) {
        throw new ChainBroken(lastSeq + 1, 'missing-entry', `Entry ${lastSeq + 1} is missing: the audit head says the log goes on to entry ${now.seq}.`);
      }
    }
    // lastHash is now the checked hash of the entry the head names (or the genesis hash).
    if (lastHash !== now.hash) {
      throw new ChainBroken(now.seq, 'head-mismatch', `The audit head does not match entry ${now.seq}, the last entry it names.`);
    }
    return { ok: true, entries: now.seq, lastHash: now.hash };
  } catch (e) {
    if (!(e instanceof ChainBroken)) throw e;
    return { ok: false, entries: lastSeq, firstBroken: { seq: e.seq, problem: e.problem, message: e.message } };
  }
}

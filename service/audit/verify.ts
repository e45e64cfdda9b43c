// Checking the audit trail is what it was: every entry's hash recomputed, every link
// to the previous entry followed, no seq missing, and the head (the last entry's seq
// and hash, kept apart) agreeing with the log; with the seal key, every seal from the
// head's keyed_from on; with a checkpoint, the chain passing through its signed head. The log may hold millions of entries,
// so it is read in seq order, a batch at a time, never in one long transaction: an
// entry appended while we read is simply checked too, or left for the next run.
//
// A partitioned trail (audit-log.ts) is checked partition by partition, each as the one
// chain was, after the national chain (national.ts): each partition must pass through
// every head a fold recorded; up to the fold a signed checkpoint names, every folded
// partition must still have its head and reach its folded seq; no entry may lie in a
// partition without a head.
import type { Queryable } from '../store/database.js';
import { auditKeysOf, type SealKey } from './audit-key.js';
import { createHash } from 'node:crypto';
import { canonicalJson, entryOfRow, partitionOf, partitionSpan, type AuditRow } from './audit-log.js';
import { ChainBroken, ChainChecker, GENESIS_HASH, type AuditChainProblem, type CheckpointAnchor } from './chain.js';
import { checkNationalChain, partitionHeads } from './national.js';

export { GENESIS_HASH, type AuditChainProblem } from './chain.js';

export type AuditChainVerdict =
  | { ok: true; entries: number; lastHash: string; partitions?: number }
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
  const cp = options.checkpoint;

  const headOf = async (part: number) => {
    const [row] = await db.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE part = $1', [
      part,
    ]);
    return row;
  };
  // The expected total, for progress only: the heads' entries when we start.
  let total = 0;
  let done = 0;
  let checker: ChainChecker | undefined;

  // Read and check every entry of the partition after the last checked, up to `upTo`.
  const readFrom = async (c: ChainChecker, upTo: number, base: number, folded?: Map<number, string>) => {
    for (;;) {
      const rows = await db.query<AuditRow>(
        `SELECT seq, at, user_id, action, cp_number, reason, detail, prev_hash, hash, mac
           FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
        [c.lastSeq, upTo, batchSize],
      );
      for (const r of rows) {
        const e = entryOfRow(r);
        c.check(e);
        const pinned = folded?.get(e.seq);
        if (pinned !== undefined && pinned !== e.hash) {
          throw new ChainBroken(
            e.seq,
            'checkpoint-mismatch',
            `Entry ${e.seq} is not the entry the national chain folded as its partition's head: the chain up to it has been rewritten.`,
          );
        }
      }
      total = Math.max(total, done + c.lastSeq - base);
      options.onProgress?.(done + c.lastSeq - base, total);
      if (rows.length < batchSize) return;
    }
  };

  try {
    const first = await partitionHeads(db);
    if (!first.some((h) => h.part === 0)) throw new ChainBroken(1, 'head-mismatch', 'The audit head is missing.');
    total = first.reduce((n, h) => n + h.seq - h.part * partitionSpan, 0);
    const seal = options.seal === undefined ? auditKeysOf(db).seal : options.seal;
    // The national chain first: what it folded, every partition must still pass through.
    const national = await checkNationalChain(db, {
      seal,
      anchor: cp?.national ? { ...cp.national, at: cp.at } : undefined,
    });
    const parts = [
      ...new Set([
        ...first.map((h) => h.part),
        ...national.anchored.keys(),
        ...(cp ? [0] : []),
        ...(cp?.partitions ?? []).map((p) => p.part),
      ]),
    ].sort((a, b) => a - b);
    const ends: { part: number; seq: number; hash: string }[] = [];
    for (const part of parts) {
      const base = part * partitionSpan;
      const start = first.find((h) => h.part === part);
      if (!start) {
        throw new ChainBroken(
          base + 1,
          'head-mismatch',
          `The head of audit partition ${part} is missing, but a checkpoint or the national chain holds it: it has been removed.`,
        );
      }
      const pinned = part === 0 ? cp : cp?.partitions?.find((p) => p.part === part);
      const anchor =
        pinned && cp ? { size: pinned.size, head: pinned.head, keyedFrom: pinned.keyedFrom, at: cp.at } : undefined;
      const fold = national.anchored.get(part);
      // The lowest of the store's keyed_from, the checkpoint's and its folds': someone may
      // have raised the store's to pass rewritten entries off as old, unsealed ones.
      const keyedFrom = Math.min(
        start.keyedFrom,
        anchor?.keyedFrom ?? Number.MAX_SAFE_INTEGER,
        fold?.keyedFrom ?? Number.MAX_SAFE_INTEGER,
      );
      const c = (checker = new ChainChecker({
        seal,
        keyedFrom,
        ...(anchor ? { anchor } : {}),
        start: { seq: base, hash: GENESIS_HASH },
      }));
      const end = base + partitionSpan - 1;
      const folded = national.folded.get(part);
      await readFrom(c, end, base, folded);
      // The head is read after the log: every entry it names was committed before we
      // read it, so each one must now be in the log.
      const now = await headOf(part);
      if (!now) throw new ChainBroken(base + 1, 'head-mismatch', `The head of audit partition ${part} is missing.`);
      if (now.seq < c.lastSeq) {
        throw new ChainBroken(
          now.seq + 1,
          'head-mismatch',
          `The audit head says the log ends at entry ${now.seq}, but it goes on to entry ${c.lastSeq}.`,
        );
      }
      if (now.seq > c.lastSeq) {
        await readFrom(c, now.seq, base, folded);
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
      if (fold && c.lastSeq < fold.seq) {
        throw new ChainBroken(
          c.lastSeq + 1,
          'checkpoint-mismatch',
          `The national chain folded this partition up to entry ${fold.seq} by the checkpoint of ${cp?.at ?? ''}, but it ends at entry ${c.lastSeq}: entries have been removed.`,
        );
      }
      done += now.seq - base;
      ends.push({ part, seq: now.seq, hash: now.hash });
    }
    // Entries of a partition that has no head: between and after the partitions checked.
    const gaps: [number, number][] = [];
    let from = Number.MIN_SAFE_INTEGER;
    for (const part of parts) {
      gaps.push([from, part === 0 ? 1 : part * partitionSpan]);
      from = (part + 1) * partitionSpan;
    }
    gaps.push([from, Number.MAX_SAFE_INTEGER]);
    for (const [lo, hi] of gaps) {
      if (lo >= hi) continue;
      const [stray] = await db.query<{ seq: number }>(
        'SELECT seq FROM audit_log WHERE seq >= $1 AND seq < $2 ORDER BY seq LIMIT 1',
        [lo, hi],
      );
      if (stray) {
        throw new ChainBroken(
          stray.seq,
          'head-mismatch',
          `Entry ${stray.seq} belongs to audit partition ${partitionOf(stray.seq)}, which has no head: its head has been removed.`,
        );
      }
    }
    // With one partition, its last entry's hash; with several, a digest of every head.
    const lastHash = ends.length === 1 ? ends[0]!.hash : createHash('sha256').update(canonicalJson(ends)).digest('hex');
    return { ok: true, entries: done, lastHash, ...(ends.length > 1 ? { partitions: ends.length } : {}) };
  } catch (e) {
    if (!(e instanceof ChainBroken)) throw e;
    return {
      ok: false,
      entries: done + (checker ? checker.lastSeq - partitionOf(checker.lastSeq) * partitionSpan : 0),
      firstBroken: { seq: e.seq, problem: e.problem, message: e.message },
    };
  }
}

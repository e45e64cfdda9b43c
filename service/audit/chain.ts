// Checking a run of audit entries, one at a time, in seq order: each entry's hash
// recomputed, its link to the one before followed, its seal checked (when the key is at
// hand) and, at a checkpoint's size, its hash compared with the signed head. The same
// checker reads the store (verify.ts) and a downloaded range (checkpoints.ts), so the
// two can never disagree about what "intact" means.
import { entryHash, type AuditEntry } from './audit-log.js';
import { sealMatches, type SealKey } from './audit-key.js';

/** What the first entry of the chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditChainProblem =
  | 'hash-mismatch'
  | 'broken-link'
  | 'missing-entry'
  | 'head-mismatch'
  | 'seal-missing'
  | 'seal-mismatch'
  | 'checkpoint-mismatch'
  | 'checkpoint-signature'
  | 'wrong-key'
  | 'outside-range';

export const auditChainProblems: readonly AuditChainProblem[] = [
  'hash-mismatch',
  'broken-link',
  'missing-entry',
  'head-mismatch',
  'seal-missing',
  'seal-mismatch',
  'checkpoint-mismatch',
  'checkpoint-signature',
  'wrong-key',
  'outside-range',
];

/** An entry as the chain sees it: `at` as the ISO string it was hashed with. */
export type ChainEntry = AuditEntry;

/** The head a signed checkpoint vouches for. */
export interface CheckpointAnchor {
  size: number;
  head: string;
  keyedFrom: number;
  at: string;
  /** The heads of partitions other than 0 (a partitioned trail, migration 23). */
  partitions?: { part: number; size: number; head: string; keyedFrom: number }[] | undefined;
  /** The fold of the national chain the checkpoint signed. */
  national?: { size: number; head: string } | undefined;
}

export class ChainBroken extends Error {
  constructor(
    readonly seq: number,
    readonly problem: AuditChainProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface ChainCheckerOptions {
  /** Check seals with this key; null or undefined: seals are not checked (no key at hand). */
  seal?: SealKey | null;
  /** The first seq that must carry a seal. */
  keyedFrom: number;
  /** A checkpoint the chain must pass through. */
  anchor?: CheckpointAnchor;
  /** Where checking starts: the entry before the first one checked (0 and the genesis hash for the whole chain). */
  start?: { seq: number; hash: string | null };
}

export class ChainChecker {
  lastSeq: number;
  /** null: the range starts mid-chain and its first link cannot be checked. */
  lastHash: string | null;
  constructor(private readonly options: ChainCheckerOptions) {
    this.lastSeq = options.start?.seq ?? 0;
    this.lastHash = options.start ? options.start.hash : GENESIS_HASH;
  }

  check(e: ChainEntry): void {
    const expected = this.lastSeq + 1;
    if (e.seq !== expected) {
      throw new ChainBroken(expected, 'missing-entry', `Entry ${expected} is missing: the next entry is ${e.seq}.`);
    }
    // entryHash reads only the hashed fields, so the entry itself can be given.
    const recomputed = entryHash(e);
    if (recomputed !== e.hash) {
      throw new ChainBroken(
        e.seq,
        'hash-mismatch',
        `Entry ${e.seq} has been changed: its content does not match its hash.`,
      );
    }
    if (this.lastHash !== null && e.prevHash !== this.lastHash) {
      throw new ChainBroken(
        e.seq,
        'broken-link',
        e.seq === 1
          ? 'Entry 1 does not start the chain: it links to an earlier entry.'
          : `Entry ${e.seq} does not link to entry ${this.lastSeq}: one of them has been replaced.`,
      );
    }
    const { seal, keyedFrom, anchor } = this.options;
    if (seal) {
      if (e.mac === null) {
        if (e.seq >= keyedFrom) {
          throw new ChainBroken(
            e.seq,
            'seal-missing',
            `Entry ${e.seq} has no seal, but every entry from ${keyedFrom} on is sealed: it has been rewritten.`,
          );
        }
      } else if (!sealMatches(seal, e.hash, e.mac)) {
        throw new ChainBroken(
          e.seq,
          'seal-mismatch',
          `Entry ${e.seq}'s seal is wrong: the entry, or the chain before it, was rewritten by someone without the audit key.`,
        );
      }
    }
    if (anchor && e.seq === anchor.size && e.hash !== anchor.head) {
      throw new ChainBroken(
        e.seq,
        'checkpoint-mismatch',
        `Entry ${e.seq} is not the entry the checkpoint of ${anchor.at} signed: the chain up to it has been rewritten` +
          (seal ? '.' : ' (check with the audit key to find the first rewritten entry).'),
      );
    }
    this.lastSeq = e.seq;
    this.lastHash = e.hash;
  }

  /** After the last entry: a checkpoint beyond it means entries were removed from the end. */
  finish(): void {
    const { anchor } = this.options;
    if (anchor && this.lastSeq < anchor.size) {
      throw new ChainBroken(
        this.lastSeq + 1,
        'checkpoint-mismatch',
        `The checkpoint of ${anchor.at} counted ${anchor.size} entries, but the chain ends at entry ${this.lastSeq}: entries have been removed.`,
      );
    }
  }
}

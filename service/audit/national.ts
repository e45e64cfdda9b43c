// The national chain: every partition's head (audit-log.ts), folded at each signed
// checkpoint into one more hash chain, so that the partitions are pinned together. Each
// fold records, for every partition, its last seq, that entry's hash and where its seals
// begin; the fold's hash covers those heads and the previous fold's hash, and its seal
// (HMAC with the audit key) is made outside the database. Verification (verify.ts) then
// checks the national chain itself (hashes, links, seals, no head moving back, no
// partition leaving) and, with a signed checkpoint (which names its fold), that every
// partition folded up to it still has its head, passes through every head folded and
// reaches the last: a partition rewritten, rewound, cut short or dropped is caught, and
// so is a rewrite of the national chain. Without a checkpoint the folds bind nothing:
// whoever can write the database can remove the last folds as easily as the last entries.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../store/database.js';
import { auditKeysOf, sealOf, sealMatches, type SealKey } from './audit-key.js';
import { canonicalJson, partitionSpan } from './audit-log.js';
import { ChainBroken, GENESIS_HASH } from './chain.js';

/** One partition's head as a fold records it. */
export interface FoldedHead {
  part: number;
  /** The partition's last seq (part·10¹² when it has no entry yet). */
  seq: number;
  hash: string;
  keyedFrom: number;
}

export interface NationalEntry {
  seq: number;
  at: string;
  heads: FoldedHead[];
  prevHash: string;
  hash: string;
  mac: string;
}

interface NationalRow {
  seq: number;
  at: Date;
  heads: FoldedHead[];
  prev_hash: string;
  hash: string;
  mac: string;
}

// Serialises folds, so two instances folding at once make two links, not a fork.
const foldLock = 4_201_023;

export function nationalHash(e: Omit<NationalEntry, 'hash' | 'mac'>): string {
  return createHash('sha256')
    .update(canonicalJson({ chain: 'national', seq: e.seq, at: e.at, heads: e.heads, prevHash: e.prevHash }))
    .digest('hex');
}

/** Every partition's committed head, by partition. */
export async function partitionHeads(db: Queryable): Promise<FoldedHead[]> {
  const rows = await db.query<{ part: number; seq: number; hash: string; keyed_from: number }>(
    'SELECT part, seq, hash, keyed_from FROM audit_head ORDER BY part',
  );
  return rows.map((r) => ({ part: r.part, seq: r.seq, hash: r.hash, keyedFrom: r.keyed_from }));
}

/** Fold every partition's head into the national chain; returns the new fold. */
export async function foldHeads(db: Database, at: Date): Promise<NationalEntry> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [foldLock]);
    const [last] = await tx.query<{ seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_national ORDER BY seq DESC LIMIT 1',
    );
    // Read after the lock: each head is committed, so every entry it names is in the log.
    const heads = await partitionHeads(tx);
    if (heads.length === 0) throw new Error('The audit head is missing: the store is not migrated.');
    const body = { seq: (last?.seq ?? 0) + 1, at: at.toISOString(), heads, prevHash: last?.hash ?? GENESIS_HASH };
    const hash = nationalHash(body);
    const mac = sealOf(auditKeysOf(tx).seal, hash);
    await tx.query(
      'INSERT INTO audit_national (seq, at, heads, prev_hash, hash, mac) VALUES ($1, $2, $3::jsonb, $4, $5, $6)',
      [body.seq, at, JSON.stringify(heads), body.prevHash, hash, mac],
    );
    return { ...body, hash, mac };
  });
}

/** What the national chain says every partition must pass through. */
export interface NationalFacts {
  /** Folds checked. */
  size: number;
  /** The last fold's hash (the genesis hash when there is none). */
  head: string;
  /** Per partition: folded seq → hash, of every fold up to the one a signed checkpoint names. */
  folded: Map<number, Map<number, string>>;
  /** Per partition: the highest seq folded, and the lowest keyed_from, in every fold. */
  latest: Map<number, { seq: number; keyedFrom: number }>;
  /**
   * The same, up to the fold a signed checkpoint names (empty without one). Only these
   * bind how far a partition must reach: whoever can write the database can remove the
   * last folds as easily as the last entries, so a cut since the last checkpoint is
   * caught by the checkpoint alone, as with one chain.
   */
  anchored: Map<number, { seq: number; keyedFrom: number }>;
}

/**
 * Check the national chain (hash, link and, with the key, seal of every fold; no head
 * moving back, no partition leaving) and, when a signed checkpoint names a fold, that the
 * chain passes through it. Throws ChainBroken, naming the fold by its seq.
 */
export async function checkNationalChain(
  db: Queryable,
  options: { seal: SealKey | null; anchor?: { size: number; head: string; at: string } | undefined },
): Promise<NationalFacts> {
  const facts: NationalFacts = {
    size: 0,
    head: GENESIS_HASH,
    folded: new Map(),
    latest: new Map(),
    anchored: new Map(),
  };
  for (;;) {
    const rows = await db.query<NationalRow>(
      'SELECT seq, at, heads, prev_hash, hash, mac FROM audit_national WHERE seq > $1 ORDER BY seq LIMIT 1000',
      [facts.size],
    );
    for (const r of rows) {
      const fold = `Fold ${r.seq} of the national chain`;
      if (r.seq !== facts.size + 1) {
        throw new ChainBroken(r.seq, 'missing-entry', `Fold ${facts.size + 1} of the national chain is missing.`);
      }
      const e = { seq: r.seq, at: r.at.toISOString(), heads: r.heads, prevHash: r.prev_hash };
      if (nationalHash(e) !== r.hash) {
        throw new ChainBroken(r.seq, 'hash-mismatch', `${fold} has been changed: its content does not match its hash.`);
      }
      if (r.prev_hash !== facts.head) {
        throw new ChainBroken(r.seq, 'broken-link', `${fold} does not link to the fold before it.`);
      }
      if (options.seal && !sealMatches(options.seal, r.hash, r.mac)) {
        throw new ChainBroken(
          r.seq,
          'seal-mismatch',
          `${fold}'s seal is wrong: it was rewritten without the audit key.`,
        );
      }
      const parts = new Set(r.heads.map((h) => h.part));
      for (const part of facts.latest.keys()) {
        if (!parts.has(part)) {
          throw new ChainBroken(r.seq, 'head-mismatch', `${fold} has no head for partition ${part}: it was dropped.`);
        }
      }
      for (const h of r.heads) {
        const before = facts.latest.get(h.part);
        if (before && h.seq < before.seq) {
          throw new ChainBroken(
            r.seq,
            'head-mismatch',
            `${fold} has partition ${h.part} ending at entry ${h.seq}, before the ${before.seq} folded earlier.`,
          );
        }
        if (options.anchor && r.seq <= options.anchor.size && h.seq !== h.part * partitionSpan) {
          let seqs = facts.folded.get(h.part);
          if (!seqs) facts.folded.set(h.part, (seqs = new Map()));
          seqs.set(h.seq, h.hash);
        }
        facts.latest.set(h.part, {
          seq: h.seq,
          keyedFrom: Math.min(h.keyedFrom, before?.keyedFrom ?? Number.MAX_SAFE_INTEGER),
        });
      }
      if (options.anchor && r.seq === options.anchor.size && r.hash !== options.anchor.head) {
        throw new ChainBroken(
          r.seq,
          'checkpoint-mismatch',
          `${fold} is not the fold the checkpoint of ${options.anchor.at} signed: the national chain has been rewritten.`,
        );
      }
      if (options.anchor && r.seq === options.anchor.size) facts.anchored = new Map(facts.latest);
      facts.size = r.seq;
      facts.head = r.hash;
    }
    if (rows.length < 1000) break;
  }
  if (options.anchor && facts.size < options.anchor.size) {
    throw new ChainBroken(
      facts.size + 1,
      'checkpoint-mismatch',
      `The checkpoint of ${options.anchor.at} counted ${options.anchor.size} folds of the national chain, but it ends at fold ${facts.size}: folds have been removed.`,
    );
  }
  return facts;
}

// The audit trail: every sign-in, search, read, override and change, appended in the
// same transaction as the thing it records. Entries form a hash chain: each entry's
// hash covers its content and the previous entry's hash, so changing, removing or
// reordering any entry breaks every hash after it.
//
// The hash is plain SHA-256, so anyone holding a signed checkpoint (checkpoints.ts) can
// check a downloaded range offline. What stops a rewrite by someone who can write the
// database is the seal beside it: HMAC-SHA-256 of the hash with a key held outside the
// database (audit-key.ts). Entries written before migration 13 have no seal; from the
// head's keyed_from on, every entry must have one.
//
// The trail is K chains (partitions, migration 23), each with its own head, so that
// appends in different partitions do not wait for each other's commits: partition p's
// entries have seqs p·10¹² + 1, + 2, ..., so one number names an entry and its place in
// its chain, and partition 0 is the single chain of before. An entry goes to the
// partition of its user, so one person's actions stay in one strict order. Every
// partition's head is folded into the national chain (national.ts) at each checkpoint.
import { createHash } from 'node:crypto';
import { storeOf, type Database, type Queryable } from '../store/database.js';
import { auditKeysOf, sealOf } from './audit-key.js';

/** Seqs per partition: partition p's entries are p·span + 1, p·span + 2, ... */
export const partitionSpan = 1_000_000_000_000;
/** At most this many partitions (seqs stay exact in a JavaScript number). */
export const maxAuditPartitions = 64;
/** The setting that gives the number of partitions new entries are spread over. */
export const auditPartitionsEnv = 'CP_AUDIT_PARTITIONS';
/** The partition a seq (or a head's seq) belongs to. */
export const partitionOf = (seq: number): number => Math.floor(seq / partitionSpan);

/** A number of partitions from a setting: a whole number from 1 to 64, or an error naming it. */
export function parseAuditPartitions(text: string, where: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n < 1 || n > maxAuditPartitions) {
    throw new RangeError(`${where} must be a whole number of audit partitions from 1 to ${maxAuditPartitions}.`);
  }
  return n;
}

// How many partitions each store spreads its appends over: 1 (one chain, as before)
// unless the service is told otherwise (keeping.ts). Partitions once used stay and are
// always verified, whatever the setting later.
const storePartitions = new WeakMap<Database, number>();

export function useAuditPartitions(db: Database, count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > maxAuditPartitions) {
    throw new RangeError(`The number of audit partitions must be a whole number from 1 to ${maxAuditPartitions}.`);
  }
  storePartitions.set(db, count);
}

export function auditPartitionsOf(q: Queryable): number {
  const db = storeOf(q);
  return (db && storePartitions.get(db)) ?? 1;
}

/** The partition a user's entries go to (FNV-1a of the user id); entries with no user go to 0. */
export function partitionFor(userId: string | null, count: number): number {
  if (count <= 1 || userId === null) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}

export const auditActions = [
  'sign-in',
  'sign-in-refused',
  'sign-in-rate-limited',
  'sign-out',
  'search',
  'read',
  'shield-override',
  'involvement-recorded',
  'involvement-ended',
  'involvement-updated',
  'record-changed',
  'record-created',
  'shield-applied',
  'shield-removed',
  'unshield-requested',
  'unshield-approved',
  'unshield-rejected',
  'unshield-cancelled',
  'unshield-requests-read',
  'match-resolved',
  'supply-received',
  'archived',
  'archive-read',
  'archive-read-refused',
  'archive-listed',
  'destroyed',
  'account-changed',
  'audit-read',
  'alert-acknowledged',
  'alert-closed',
  'audit-signals-read',
  'alerts-read',
  'match-reviews-read',
  'sync-read',
  'management-information-read',
  'transfer-requested',
  'transfer-accepted',
  'transfer-rejected',
  'transfer-cancelled',
  'transfers-read',
  /** A request that needs a second person (accounts/account-requests.ts): requested, confirmed, cancelled. */
  'account-request',
  /** An activation with a wrong code or card proof. */
  'activation-refused',
  /** A practitioner's report of a problem with a record (referrals/store.ts): made, read by the team, closed. */
  'referral-made',
  'referrals-read',
  'referral-closed',
  /** A child's subject-access report made by a data manager (records/subject-access.ts). */
  'subject-access-report',
] as const;
export type AuditAction = (typeof auditActions)[number];

export interface AuditEntryInput {
  at: Date;
  userId: string | null;
  action: AuditAction;
  cpNumber?: string | null;
  reason?: string | null;
  /** Small, structured facts (counts, codes): never search terms or personal data. */
  detail?: Record<string, unknown>;
}

/** An audit_log row as the store returns it. */
export interface AuditRow {
  seq: number;
  at: Date;
  user_id: string | null;
  action: string;
  cp_number: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
  mac: string | null;
}

/** The row as the chain hashes it (and as an export carries it). */
export function entryOfRow(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    at: r.at.toISOString(),
    userId: r.user_id,
    action: r.action,
    cpNumber: r.cp_number,
    reason: r.reason,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
    mac: r.mac,
  };
}

export interface AuditEntry {
  seq: number;
  at: string;
  userId: string | null;
  action: string;
  cpNumber: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
  /** HMAC-SHA-256(seal key, hash); null on entries written before migration 13. */
  mac: string | null;
}

/** Canonical JSON: keys sorted at every level, so the same entry always hashes alike. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function entryHash(e: Omit<AuditEntry, 'hash' | 'mac'>): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        seq: e.seq,
        at: e.at,
        userId: e.userId,
        action: e.action,
        cpNumber: e.cpNumber,
        reason: e.reason,
        detail: e.detail,
        prevHash: e.prevHash,
      }),
    )
    .digest('hex');
}

/** Append one entry. Call inside the transaction of the action it records. */
export async function appendAudit(tx: Queryable, input: AuditEntryInput): Promise<AuditEntry> {
  const part = partitionFor(input.userId, auditPartitionsOf(tx));
  const lockHead = () =>
    tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE part = $1 FOR UPDATE', [part]);
  let [head] = await lockHead();
  if (!head && part > 0) {
    // A partition's first entry: its head starts at the genesis, sealed from its first entry.
    await tx.query(
      `INSERT INTO audit_head (part, seq, hash, keyed_from) VALUES ($1, $2, repeat('0', 64), $3) ON CONFLICT (part) DO NOTHING`,
      [part, part * partitionSpan, part * partitionSpan + 1],
    );
    [head] = await lockHead();
  }
  if (!head) throw new Error('The audit head is missing: the store is not migrated.');
  if (head.seq + 1 >= (part + 1) * partitionSpan) throw new Error(`Audit partition ${part} is full.`);
  const body = {
    seq: head.seq + 1,
    at: input.at.toISOString(),
    userId: input.userId,
    action: input.action,
    cpNumber: input.cpNumber ?? null,
    reason: input.reason ?? null,
    detail: input.detail ?? {},
    prevHash: head.hash,
  };
  const hash = entryHash(body);
  // The seal costs one HMAC in process (microseconds) and one more parameter: still one
  // statement, one round trip, while the head is locked.
  const mac = sealOf(auditKeysOf(tx).seal, hash);
  // The entry and the head's move in one statement: one round trip fewer while the head is locked.
  await tx.query(
    `WITH entry AS (
       INSERT INTO audit_log (seq, at, user_id, action, cp_number, reason, detail, prev_hash, hash, mac)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)
     )
     UPDATE audit_head SET seq = $1, hash = $9 WHERE part = $11`,
    [
      body.seq,
      input.at,
      body.userId,
      body.action,
      body.cpNumber,
      body.reason,
      JSON.stringify(body.detail),
      body.prevHash,
      hash,
      mac,
      part,
    ],
  );
  return { ...body, hash, mac };
}

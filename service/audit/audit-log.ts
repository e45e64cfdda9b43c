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
import { createHash } from 'node:crypto';
import type { Queryable } from '../store/database.js';
import { auditKeysOf, sealOf } from './audit-key.js';

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
  const [head] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id FOR UPDATE');
  if (!head) throw new Error('The audit head is missing: the store is not migrated.');
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
     UPDATE audit_head SET seq = $1, hash = $9 WHERE id`,
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
    ],
  );
  return { ...body, hash, mac };
}

// Submissions: a local authority team's changes to records (cleansing, shields), sent in
// batches from its working set. Each item stands alone, in its own transaction, and is
// applied only against the version it was made from, so a change made offline never
// silently overwrites someone else's. An idempotency key answers a retry with the first
// result instead of applying the item twice.
import { createHash } from 'node:crypto';
import type { EditableChanges, SubmissionItem, SubmissionResult } from '../../domain/api/sync.js';
import { childRecordSchema, type ChildRecord } from '../../domain/child-record.js';
import { lifeDateProblems } from '../../domain/lifecycle.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { appendAudit, canonicalJson, type AuditAction } from '../audit/audit-log.js';
import { today, type ServiceContext } from '../context.js';
import { problemsOf } from '../http/validation.js';
import { loadChild, updateChild } from '../records/child-store.js';
import type { Queryable } from '../store/database.js';

/** The hash an idempotency key is bound to: the item's canonical JSON. */
export function itemHash(item: SubmissionItem): string {
  return createHash('sha256').update(canonicalJson(item)).digest('hex');
}

/** The record `changes` would make of `record`; null removes an optional field. */
export function applyChanges(record: ChildRecord, changes: EditableChanges): ChildRecord {
  const next: Record<string, unknown> = { ...record };
  for (const [field, value] of Object.entries(changes)) {
    if (field === 'identifiers' || value === undefined) continue;
    // address is nullable in the record itself: null there means "no address".
    if (value === null && field !== 'address') delete next[field];
    else next[field] = value;
  }
  if (changes.identifiers) {
    const ids: Record<string, unknown> = { ...record.identifiers };
    for (const [field, value] of Object.entries(changes.identifiers)) {
      if (value === undefined) continue;
      if (value === null) delete ids[field];
      else ids[field] = value;
    }
    next.identifiers = ids;
  }
  return next as ChildRecord;
}

/** The fields an item touches, for the audit entry (names only, never values). */
function touchedFields(item: SubmissionItem): string[] {
  if (item.op !== 'update') return ['shielded'];
  return Object.entries(item.changes).flatMap(([k, v]) =>
    k === 'identifiers' && v !== null && typeof v === 'object' ? Object.keys(v).map((f) => `identifiers.${f}`) : [k],
  );
}

const auditActionOf: Record<SubmissionItem['op'], AuditAction> = {
  update: 'record-changed',
  shield: 'shield-applied',
  unshield: 'shield-removed',
};

async function applyItem(tx: Queryable, ctx: ServiceContext, actor: Actor, item: SubmissionItem): Promise<SubmissionResult> {
  const key = item.idempotencyKey;
  const child = await loadChild(tx, item.cpNumber, { forUpdate: true });
  // An archived record is in the archive, not in anyone's working set.
  if (!child || child.status !== 'active') {
    return { idempotencyKey: key, status: 'not-found', message: 'There is no active child with that ContactPoint number.' };
  }
  const nationalScope = hasRole(actor, 'data-manager');
  if (!nationalScope && child.localAuthority !== actor.localAuthority) {
    return { idempotencyKey: key, status: 'forbidden', message: "A local authority team may change only its own authority's children." };
  }
  if (child.version !== item.baseVersion) {
    return {
      idempotencyKey: key,
      status: 'conflict',
      currentVersion: child.version,
      message: `The record has changed since version ${item.baseVersion}: it is now at version ${child.version}. Fetch it, reapply the change and submit with a new key.`,
    };
  }
  const merged =
    item.op === 'update'
      ? applyChanges(child.record, item.changes)
      : { ...child.record, shielded: item.op === 'shield' };
  const parsed = childRecordSchema.safeParse(merged);
  if (!parsed.success) {
    return {
      idempotencyKey: key,
      status: 'invalid',
      message: 'The change would make the record invalid.',
      problems: problemsOf(parsed.error),
    };
  }
  const dateProblems = lifeDateProblems(parsed.data, today(ctx.clock));
  if (dateProblems.length > 0) {
    return { idempotencyKey: key, status: 'invalid', message: 'The change would make the record invalid.', problems: dateProblems };
  }
  const at = ctx.clock.now();
  const stored = await updateChild(tx, item.cpNumber, item.baseVersion, parsed.data, { at });
  await appendAudit(tx, {
    at,
    userId: actor.userId,
    action: auditActionOf[item.op],
    cpNumber: item.cpNumber,
    detail: { fields: touchedFields(item), version: stored.version },
  });
  return { idempotencyKey: key, status: 'applied', version: stored.version };
}

/**
 * Apply each item in its own transaction, in order. The caller must be la-team (its own
 * authority's children) or data-manager (any); the route checks the role.
 */
export async function submitItems(ctx: ServiceContext, actor: Actor, items: readonly SubmissionItem[]): Promise<SubmissionResult[]> {
  const results: SubmissionResult[] = [];
  for (const item of items) {
    const hash = itemHash(item);
    const result = await ctx.db.transaction(async (tx) => {
      // Claim the key first: a concurrent submission of the same key waits here until
      // this one commits, then finds the stored result.
      const claimed = await tx.query(
        `INSERT INTO submission_items (user_id, idempotency_key, request_hash, result, at)
         VALUES ($1, $2, $3, '{}'::jsonb, $4) ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING 1`,
        [actor.userId, item.idempotencyKey, hash, ctx.clock.now()],
      );
      if (claimed.length === 0) {
        const [earlier] = await tx.query<{ request_hash: string; result: SubmissionResult }>(
          'SELECT request_hash, result FROM submission_items WHERE user_id = $1 AND idempotency_key = $2',
          [actor.userId, item.idempotencyKey],
        );
        if (earlier && earlier.request_hash === hash) return { ...earlier.result, replayed: true } as SubmissionResult;
        return {
          idempotencyKey: item.idempotencyKey,
          status: 'key-reused',
          message: 'This idempotency key was used for a different item: use a new key for a new change.',
        } satisfies SubmissionResult;
      }
      const outcome = await applyItem(tx, ctx, actor, item);
      await tx.query('UPDATE submission_items SET result = $3::jsonb WHERE user_id = $1 AND idempotency_key = $2', [
        actor.userId,
        item.idempotencyKey,
        JSON.stringify(outcome),
      ]);
      return outcome;
    });
    results.push(result);
  }
  return results;
}

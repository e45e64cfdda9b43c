// Submissions: a local authority team's changes to records (cleansing, shields), sent in
// batches from its working set. Each item stands alone, in its own transaction, and is
// applied only against the version it was made from, so a change made offline never
// silently overwrites someone else's. An idempotency key answers a retry with the first
// result instead of applying the item twice.
import type { EditableChanges, SubmissionItem, SubmissionResult } from '../../domain/api/sync.js';
import { childRecordSchema, type ChildRecord } from '../../domain/child-record.js';
import { lifeDateProblems } from '../../domain/lifecycle.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { appendAudit, type AuditAction } from '../audit/audit-log.js';
import { today, type ServiceContext } from '../context.js';
import { problemsOf } from '../http/validation.js';
import { ApiError } from '../http/api-error.js';
import { requestHash } from '../http/idempotency.js';
import { loadChild, updateChild, type StoredChild } from '../records/child-store.js';
import { markUnshieldRequestsStale } from '../shields/shields.js';
import { lockLinkedChildren, mergeChildren, needsSecondPerson, recomputeShieldPending } from '../supply/reviews.js';
import type { Queryable } from '../store/database.js';
import { recordWorkingSetAccess } from './working-set-access.js';

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
  if (item.op === 'merge') return item.changes ? touchedFields({ ...item, op: 'update', changes: item.changes }) : [];
  if (item.op === 'possible-duplicate' || item.op === 'not-duplicate') return [];
  if (item.op !== 'update') return ['shielded'];
  return Object.entries(item.changes).flatMap(([k, v]) =>
    k === 'identifiers' && v !== null && typeof v === 'object' ? Object.keys(v).map((f) => `identifiers.${f}`) : [k],
  );
}

const auditActionOf: Record<'update' | 'shield', AuditAction> = {
  update: 'record-changed',
  shield: 'shield-applied',
};

/**
 * A pair item applied: when it moved the record on only by its own shield-pending change,
 * it says from which version (the children are locked, so nobody else's change is between).
 */
function applied(key: string, before: number, now: number): SubmissionResult {
  return { idempotencyKey: key, status: 'applied', version: now, ...(now !== before ? { markedFrom: before } : {}) };
}

type PairItem = Extract<SubmissionItem, { op: 'merge' | 'possible-duplicate' | 'not-duplicate' }>;

/**
 * The items about two records (a merge, a possible duplicate, "not a duplicate"). Both
 * children are locked in a fixed order, so two such items never wait on each other.
 */
async function applyPairItem(
  tx: Queryable,
  ctx: ServiceContext,
  actor: Actor,
  item: PairItem,
): Promise<SubmissionResult> {
  const key = item.idempotencyKey;
  const other = item.op === 'merge' ? item.duplicate.cpNumber : item.of;
  if (other === item.cpNumber)
    return {
      idempotencyKey: key,
      status: 'invalid',
      message: 'A record cannot be a duplicate of itself.',
      problems: [],
    };
  const locked = new Map<string, StoredChild | null>();
  for (const cp of [item.cpNumber, other].sort()) locked.set(cp, await loadChild(tx, cp, { forUpdate: true }));
  // Every child linked to either, before anything is written (supply/reviews.ts lockLinkedChildren).
  await lockLinkedChildren(tx, [item.cpNumber, other]);
  const first = locked.get(item.cpNumber) ?? null;
  const second = locked.get(other) ?? null;
  if (!first || first.status !== 'active' || !second || second.status !== 'active') {
    return {
      idempotencyKey: key,
      status: 'not-found',
      message: 'One of the two children is no longer active: it may have been merged, archived or transferred.',
    };
  }
  const nationalScope = hasRole(actor, 'data-manager');
  if (
    !nationalScope &&
    (first.localAuthority !== actor.localAuthority || second.localAuthority !== actor.localAuthority)
  ) {
    return {
      idempotencyKey: key,
      status: 'forbidden',
      message: "A local authority team may act only on its own authority's children.",
    };
  }
  const at = ctx.clock.now();
  // A decision waiting for a second person (a doubtful pair's merge, or "different
  // children" against a shielded child) is settled only in the match reviews, by another
  // person: neither a merge nor "not a duplicate" from a working set settles it alone.
  if (item.op !== 'possible-duplicate') {
    const [waiting] = await tx.query(
      `SELECT 1 FROM match_reviews WHERE status = 'open' AND second_look IS NOT NULL
          AND ((cp_number = $1 AND candidate_cp_number = $2) OR (cp_number = $2 AND candidate_cp_number = $1))`,
      [item.cpNumber, other],
    );
    if (waiting) return { idempotencyKey: key, status: 'forbidden', message: secondLookRefusal };
  }
  if (item.op === 'possible-duplicate') {
    const [open] = await tx.query(
      `SELECT 1 FROM match_reviews WHERE status = 'open'
          AND ((cp_number = $1 AND candidate_cp_number = $2) OR (cp_number = $2 AND candidate_cp_number = $1))`,
      [item.cpNumber, other],
    );
    if (!open) {
      await tx.query(
        'INSERT INTO match_reviews (cp_number, candidate_cp_number, score, created_at) VALUES ($1, $2, $3, $4)',
        [item.cpNumber, other, item.score, at],
      );
    }
    // Either may be the shielded one: both sides, and all linked to them, are worked out again.
    const now = (await recomputeShieldPending(tx, [item.cpNumber, other], at)).get(item.cpNumber)!;
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'match-resolved',
      cpNumber: item.cpNumber,
      detail: { decision: 'review-opened', candidate: other },
    });
    return applied(key, first.version, now.version);
  }
  if (item.op === 'not-duplicate') {
    // Settling an open review between a shielded or shield-pending child and another is
    // the match-review queue's two-person decision: one person's "not a duplicate" from
    // the working set must not end a pending shield on its own.
    if (needsSecondPerson(first, second)) {
      const [open] = await tx.query(
        `SELECT 1 FROM match_reviews WHERE status = 'open'
            AND ((cp_number = $1 AND candidate_cp_number = $2) OR (cp_number = $2 AND candidate_cp_number = $1))`,
        [item.cpNumber, other],
      );
      if (open) return { idempotencyKey: key, status: 'forbidden', message: notDuplicateRefusal };
    }
    await tx.query(
      `UPDATE match_reviews SET status = 'different-children', resolved_at = $3, resolved_by = $4
        WHERE status = 'open' AND ((cp_number = $1 AND candidate_cp_number = $2) OR (cp_number = $2 AND candidate_cp_number = $1))`,
      [item.cpNumber, other, at, actor.userId],
    );
    const now = (await recomputeShieldPending(tx, [item.cpNumber, other], at)).get(item.cpNumber)!;
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'match-resolved',
      cpNumber: item.cpNumber,
      detail: { decision: 'different-children', candidate: other },
    });
    return applied(key, first.version, now.version);
  }
  // A merge: both records must be as the team saw them.
  for (const [child, base] of [
    [first, item.baseVersion],
    [second, item.duplicate.baseVersion],
  ] as const) {
    if (child.version !== base) {
      return {
        idempotencyKey: key,
        status: 'conflict',
        currentVersion: child.version,
        message: `${child.record.cpNumber} has changed since version ${base}: it is now at version ${child.version}. Compare the two again before merging.`,
      };
    }
  }
  let merged: { version: number; moved: string[] };
  try {
    merged = await mergeChildren(tx, first, second, at);
  } catch (e) {
    if (e instanceof ApiError)
      return {
        idempotencyKey: key,
        status: 'invalid',
        message: e.message,
        problems: (e.details?.problems as { path: string; message: string }[] | undefined) ?? [],
      };
    throw e;
  }
  if (item.changes) {
    const survivor = (await loadChild(tx, item.cpNumber, { forUpdate: true }))!;
    const parsed = childRecordSchema.safeParse(applyChanges(survivor.record, item.changes));
    const problems = parsed.success ? lifeDateProblems(parsed.data, today(ctx.clock)) : problemsOf(parsed.error);
    if (!parsed.success || problems.length > 0) {
      // Nothing of the merge may stand without the chosen values: undo it all.
      throw new MergeRefused({
        idempotencyKey: key,
        status: 'invalid',
        message: 'The values chosen for the merged record would make it invalid.',
        problems,
      });
    }
    await updateChild(tx, item.cpNumber, survivor.version, parsed.data, { at });
  }
  // The survivor carries the duplicate's reviews and shield now: everything linked to it.
  const { version } = (await recomputeShieldPending(tx, [item.cpNumber, ...merged.moved], at)).get(item.cpNumber)!;
  await appendAudit(tx, {
    at,
    userId: actor.userId,
    action: 'match-resolved',
    cpNumber: item.cpNumber,
    detail: { decision: 'same-child', duplicate: other, fields: touchedFields(item), version },
  });
  return { idempotencyKey: key, status: 'applied', version };
}

/** Thrown inside an item's transaction to roll it back and answer with `result`. */
export class MergeRefused extends Error {
  constructor(readonly result: SubmissionResult) {
    super(result.message);
  }
}

/** Why a submission cannot take a shield off: four eyes (shields/shields.ts). */
export const notDuplicateRefusal =
  'One of these children is shielded or treated as shielded: a second member of the team must agree they are different children. Decide it in the national match reviews, where a second person confirms.';

/** Why a submission cannot settle a pair whose decision waits for a second person. */
export const secondLookRefusal =
  'A decision on these two children is waiting for a second person: it is settled in the national match reviews, by a member of the team independent of the first.';

export const unshieldRefusal =
  'A shield is removed only when a second member of the team approves: ask for it to be removed.';

async function applyItem(
  tx: Queryable,
  ctx: ServiceContext,
  actor: Actor,
  item: SubmissionItem,
): Promise<SubmissionResult> {
  const key = item.idempotencyKey;
  if (item.op === 'merge' || item.op === 'possible-duplicate' || item.op === 'not-duplicate')
    return applyPairItem(tx, ctx, actor, item);
  if (item.op === 'working-set-access') return recordWorkingSetAccess(tx, ctx, actor, item);
  // One person may not take a shield off: POST /v1/children/{cp}/unshield-requests, approved by another.
  if (item.op === 'unshield') return { idempotencyKey: key, status: 'forbidden', message: unshieldRefusal };
  const child = await loadChild(tx, item.cpNumber, { forUpdate: true });
  // An archived record is in the archive, not in anyone's working set.
  if (!child || child.status !== 'active') {
    return {
      idempotencyKey: key,
      status: 'not-found',
      message: 'There is no active child with that ContactPoint number.',
    };
  }
  const nationalScope = hasRole(actor, 'data-manager');
  if (!nationalScope && child.localAuthority !== actor.localAuthority) {
    return {
      idempotencyKey: key,
      status: 'forbidden',
      message: "A local authority team may change only its own authority's children.",
    };
  }
  if (child.version !== item.baseVersion) {
    return {
      idempotencyKey: key,
      status: 'conflict',
      currentVersion: child.version,
      message: `The record has changed since version ${item.baseVersion}: it is now at version ${child.version}. Fetch it, reapply the change and submit with a new key.`,
    };
  }
  const merged = item.op === 'update' ? applyChanges(child.record, item.changes) : { ...child.record, shielded: true };
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
    return {
      idempotencyKey: key,
      status: 'invalid',
      message: 'The change would make the record invalid.',
      problems: dateProblems,
    };
  }
  const at = ctx.clock.now();
  if (item.op === 'shield') await lockLinkedChildren(tx, [item.cpNumber]);
  let stored = await updateChild(tx, item.cpNumber, item.baseVersion, parsed.data, { at });
  if (item.op === 'shield') {
    // Shielded afresh: a request to remove the shield it had no longer fits it.
    await markUnshieldRequestsStale(tx, [item.cpNumber], at);
    // Its possible duplicates, wherever they are, are treated as shielded from now on.
    stored = (await recomputeShieldPending(tx, [item.cpNumber], at)).get(item.cpNumber)!;
  }
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
export async function submitItems(
  ctx: ServiceContext,
  actor: Actor,
  items: readonly SubmissionItem[],
): Promise<SubmissionResult[]> {
  const results: SubmissionResult[] = [];
  for (const item of items) {
    // The key is bound to the item itself, as a whole request's is (http/idempotency.ts).
    const hash = requestHash(item);
    const result = await submitOne(ctx, actor, item, hash).catch(async (e: unknown) => {
      if (!(e instanceof MergeRefused)) throw e;
      // The merge was rolled back; record the answer for the key in a transaction of its own.
      await ctx.db.transaction((tx) =>
        tx.query(
          `INSERT INTO submission_items (user_id, idempotency_key, request_hash, result, at) VALUES ($1, $2, $3, $4::jsonb, $5)
           ON CONFLICT (user_id, idempotency_key) DO NOTHING`,
          [actor.userId, item.idempotencyKey, hash, JSON.stringify(e.result), ctx.clock.now()],
        ),
      );
      return e.result;
    });
    results.push(result);
  }
  return results;
}

function submitOne(ctx: ServiceContext, actor: Actor, item: SubmissionItem, hash: string): Promise<SubmissionResult> {
  {
    return ctx.db.transaction(async (tx) => {
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
  }
}

// Shields applied by the management team, and removed only with four eyes
// (contactpoint.md "Shielding"): a shield goes on at once, with a reason; taking it off
// is asked for by one member of the team and done only when a different member of the
// same authority's team (or a data manager) approves. A mistaken removal would reveal
// where a child at risk lives, so no one person can do it.
//
// Locks: the child's row first, then the request's, everywhere, so a request being
// made and one being decided for the same child never wait on each other.
import type { UnshieldRequestStatus, UnshieldRequestView } from '../../domain/api/shields.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { independenceProblem, notIndependent } from '../accounts/account-requests.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../context.js';
import { ApiError, conflict, forbidden, notFound } from '../http/api-error.js';
import {
  childRequestView,
  loadChild,
  lockChildAndRequest,
  updateChild,
  type ChildRequestRow,
  type StoredChild,
} from '../records/child-store.js';
import type { Queryable } from '../store/database.js';
import { lockLinkedChildren, recomputeShieldPending } from '../supply/reviews.js';

export const MAX_LISTED_REQUESTS = 500;

const noSuchChild = () => notFound('There is no child with that ContactPoint number.');
const noSuchRequest = () =>
  new ApiError(404, 'request-not-found', 'There is no such request to remove a shield that you may decide.');

/** An LA team acts for its own authority's children; a data manager for any. Anyone else's: as if absent. */
function mayActOn(actor: Actor, localAuthority: string): boolean {
  if (hasRole(actor, 'data-manager')) return true;
  return hasRole(actor, 'la-team') && actor.localAuthority !== null && actor.localAuthority === localAuthority;
}

/** The active child the actor may shield, locked for this transaction; 404 otherwise. */
async function lockChildInScope(tx: Queryable, actor: Actor, cpNumber: string): Promise<StoredChild> {
  const child = await loadChild(tx, cpNumber, { forUpdate: true });
  if (!child || child.status !== 'active' || !mayActOn(actor, child.localAuthority)) throw noSuchChild();
  return child;
}

/** Shield a child now, with a reason. 409 already-shielded when its record is shielded already. */
export async function applyShield(
  ctx: ServiceContext,
  actor: Actor,
  cpNumber: string,
  reason: string,
): Promise<{ cpNumber: string; shielded: true; version: number }> {
  const at = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const child = await lockChildInScope(tx, actor, cpNumber);
    // A pending shield (a possible duplicate of a shielded child) is not the child's
    // own: shielding it makes the shield its own, so that it stays when the review ends.
    if (child.record.shielded) throw conflict('already-shielded', 'This record is shielded already.');
    await lockLinkedChildren(tx, [cpNumber]);
    const stored = await updateChild(tx, cpNumber, child.version, { ...child.record, shielded: true }, { at });
    // Its possible duplicates (open match reviews, any authority) are shield-pending from now on.
    await recomputeShieldPending(tx, [cpNumber], at);
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'shield-applied',
      cpNumber,
      reason,
      detail: { fields: ['shielded'], version: stored.version },
    });
    return { cpNumber, shielded: true as const, version: stored.version };
  });
}

interface RequestRow extends ChildRequestRow<UnshieldRequestStatus> {
  local_authority: string;
  stale_since: Date | null;
}

const requestColumns =
  'id, cp_number, local_authority, requested_by, requested_at, reason, status, decided_by, decided_at, stale_since';

function viewOf(row: RequestRow): UnshieldRequestView {
  return { ...childRequestView(row), localAuthority: row.local_authority };
}

/**
 * Open requests about these children no longer fit them: they were merged, or shielded
 * afresh. Deciding one then cancels it (409 request-stale): whoever asked must ask
 * again about the child as it now is. Call in the transaction of the change.
 */
export async function markUnshieldRequestsStale(tx: Queryable, cpNumbers: readonly string[], at: Date): Promise<void> {
  await tx.query(
    "UPDATE unshield_requests SET stale_since = $2 WHERE status = 'open' AND stale_since IS NULL AND cp_number = ANY($1::text[])",
    [[...cpNumbers], at],
  );
}

/** Why an open request no longer fits its child, or null when it still does. */
function staleness(row: RequestRow, child: StoredChild | null): string | null {
  if (!child) return 'child-gone';
  if (child.status !== 'active') return 'child-archived';
  if (child.localAuthority !== row.local_authority) return 'child-transferred';
  if (!child.record.shielded) return 'not-shielded';
  if (row.stale_since !== null) return 'child-changed';
  return null;
}

async function cancelStale(tx: Queryable, actor: Actor, row: RequestRow, why: string, at: Date): Promise<void> {
  await tx.query("UPDATE unshield_requests SET status = 'cancelled', decided_at = $2 WHERE id = $1", [row.id, at]);
  await appendAudit(tx, {
    at,
    userId: actor.userId,
    action: 'unshield-cancelled',
    cpNumber: row.cp_number,
    detail: { request: String(row.id), why },
  });
}

/** Ask for a child's shield to be removed; a different member of the team decides. */
export async function requestUnshield(
  ctx: ServiceContext,
  actor: Actor,
  cpNumber: string,
  reason: string,
): Promise<UnshieldRequestView> {
  const at = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const child = await lockChildInScope(tx, actor, cpNumber);
    if (!child.record.shielded) throw conflict('not-shielded', 'This record is not shielded.');
    const [open] = await tx.query<RequestRow>(
      `SELECT ${requestColumns} FROM unshield_requests WHERE cp_number = $1 AND status = 'open' FOR UPDATE`,
      [cpNumber],
    );
    if (open) {
      const why = staleness(open, child);
      if (why === null)
        throw conflict(
          'unshield-requested',
          'Removing this shield has been asked for already: a second member of the team decides.',
        );
      await cancelStale(tx, actor, open, why, at);
    }
    const [row] = await tx.query<RequestRow>(
      `INSERT INTO unshield_requests (cp_number, local_authority, requested_by, requested_at, reason)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${requestColumns}`,
      [cpNumber, child.localAuthority, actor.userId, at, reason],
    );
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'unshield-requested',
      cpNumber,
      reason,
      detail: { request: String(row!.id) },
    });
    return viewOf(row!);
  });
}

/** Requests in `status`, oldest first: an LA team's own authority's, or all for a data manager. */
export async function listUnshieldRequests(
  ctx: ServiceContext,
  actor: Actor,
  status: UnshieldRequestStatus,
): Promise<UnshieldRequestView[]> {
  const national = hasRole(actor, 'data-manager');
  if (!national && actor.localAuthority === null) {
    throw forbidden(
      'no-local-authority',
      'Your account belongs to no local authority, so there are no requests you may see.',
    );
  }
  const authority = national ? null : actor.localAuthority;
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.query<RequestRow>(
      `SELECT ${requestColumns} FROM unshield_requests WHERE status = $1 AND ($2::text IS NULL OR local_authority = $2)
        ORDER BY id LIMIT ${MAX_LISTED_REQUESTS}`,
      [status, authority],
    );
    // CP numbers and reasons read by the management team: on the record like any read.
    await appendAudit(tx, {
      at: ctx.clock.now(),
      userId: actor.userId,
      action: 'unshield-requests-read',
      detail: { status, count: rows.length },
    });
    return rows.map(viewOf);
  });
}

/** Thrown after the transaction that cancelled a stale request has committed. */
const staleRequest = () =>
  conflict(
    'request-stale',
    'The child has changed since this was asked for (merged, archived, transferred or shielded again): the request is cancelled. Ask again if the shield should still go.',
  );

export type Decision = { decision: 'approve' } | { decision: 'reject'; reason?: string | undefined };

/**
 * Approve or reject an open request. Approving is for a different person than the one
 * who asked (403 own-request), of the same authority's team or a data manager: the
 * child is unshielded (its version bumps, the feed carries it). A request that no
 * longer fits its child is cancelled instead (409 request-stale).
 */
export async function decideUnshieldRequest(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  decision: Decision,
): Promise<{ request: UnshieldRequestView; version?: number }> {
  const at = ctx.clock.now();
  const outcome = await ctx.db.transaction(async (tx) => {
    // The child is locked before the request (see the top of this file).
    const locked = await lockChildAndRequest<RequestRow>(tx, 'unshield_requests', requestColumns, id);
    if (!locked || !mayActOn(actor, locked.row.local_authority)) throw noSuchRequest();
    const { child, row } = locked;
    if (row.status !== 'open') throw conflict('request-decided', `This request was ${row.status} already.`);
    if (decision.decision === 'approve' && row.requested_by === actor.userId) {
      throw forbidden(
        'own-request',
        'You asked for this shield to be removed: a second member of the team must approve it.',
      );
    }
    // Four eyes means two people: not an account the requester made, reset or enrolled a card for, nor one that did so for them.
    if (decision.decision === 'approve' && (await independenceProblem(tx, actor.userId, row.requested_by)) !== null)
      throw notIndependent();
    const why = staleness(row, child);
    if (why !== null) {
      await cancelStale(tx, actor, row, why, at);
      return { stale: true as const };
    }
    if (decision.decision === 'reject') {
      const reason = decision.reason === undefined || decision.reason === '' ? null : decision.reason;
      const [decided] = await tx.query<RequestRow>(
        `UPDATE unshield_requests SET status = 'rejected', decided_by = $2, decided_at = $3, decision_reason = $4 WHERE id = $1 RETURNING ${requestColumns}`,
        [row.id, actor.userId, at, reason],
      );
      await appendAudit(tx, {
        at,
        userId: actor.userId,
        action: 'unshield-rejected',
        cpNumber: row.cp_number,
        reason,
        detail: { request: String(row.id) },
      });
      return { request: viewOf(decided!) };
    }
    await lockLinkedChildren(tx, [row.cp_number]);
    const stored = await updateChild(tx, row.cp_number, child!.version, { ...child!.record, shielded: false }, { at });
    // Possible duplicates pending only through this shield are pending no longer.
    await recomputeShieldPending(tx, [row.cp_number], at);
    const [decided] = await tx.query<RequestRow>(
      `UPDATE unshield_requests SET status = 'approved', decided_by = $2, decided_at = $3 WHERE id = $1 RETURNING ${requestColumns}`,
      [row.id, actor.userId, at],
    );
    const detail = { request: String(row.id), requestedBy: row.requested_by, version: stored.version };
    await appendAudit(tx, { at, userId: actor.userId, action: 'unshield-approved', cpNumber: row.cp_number, detail });
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'shield-removed',
      cpNumber: row.cp_number,
      detail: { ...detail, fields: ['shielded'] },
    });
    return { request: viewOf(decided!), version: stored.version };
  });
  if ('stale' in outcome) throw staleRequest();
  return outcome;
}

// A record opened in a local authority team's working set, recorded in the child's
// audit trail. The desktop keeps the entry in its encrypted outbox until it can send it
// (offline work is audited too), so the entry arrives after the fact: it is recorded at
// the time the record was viewed, as the member of the team who viewed it, with the
// purpose they gave, and says when it arrived and, if someone else's session sent it,
// whose.
import type { SubmissionItem, SubmissionResult } from '../../domain/api/sync.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../context.js';
import { loadChild } from '../records/child-store.js';
import type { Queryable } from '../store/database.js';

type AccessItem = Extract<SubmissionItem, { op: 'working-set-access' }>;

/** How far ahead of the service's clock a view may claim to be (the request signature allows about as much skew). */
export const maxViewedAheadMs = 5 * 60_000;

/**
 * Whether the child was ever in `localAuthority`'s working set: it is the authority's now,
 * or the authority's feed carried it (a child since transferred, merged or archived was
 * still in the working set when it was viewed).
 */
async function wasInWorkingSet(tx: Queryable, cpNumber: string, localAuthority: string): Promise<boolean> {
  const child = await loadChild(tx, cpNumber);
  if (child?.localAuthority === localAuthority) return true;
  // Rare (the child has left the authority since it was viewed): one authority's feed, scanned.
  const [fed] = await tx.query('SELECT 1 FROM changes WHERE local_authority = $1 AND cp_number = $2 LIMIT 1', [
    localAuthority,
    cpNumber,
  ]);
  return fed !== undefined;
}

/** Whether `userId` is a member of `localAuthority`'s ContactPoint team (a colleague on the same computer). */
async function isTeamMember(tx: Queryable, userId: string, localAuthority: string): Promise<boolean> {
  const [row] = await tx.query(
    `SELECT 1 FROM users u JOIN organisations o ON o.id = u.organisation_id
      WHERE u.id = $1 AND 'la-team' = ANY (u.roles) AND COALESCE(u.local_authority, o.local_authority) = $2`,
    [userId, localAuthority],
  );
  return row !== undefined;
}

export async function recordWorkingSetAccess(
  tx: Queryable,
  ctx: ServiceContext,
  actor: Actor,
  item: AccessItem,
): Promise<SubmissionResult> {
  const key = item.idempotencyKey;
  const now = ctx.clock.now();
  const viewedAt = new Date(item.viewedAt);
  if (viewedAt.getTime() > now.getTime() + maxViewedAheadMs) {
    return {
      idempotencyKey: key,
      status: 'invalid',
      message: "viewedAt is in the future by the service's clock: check the computer's clock, then send again.",
      problems: [{ path: 'viewedAt', message: 'must not be in the future' }],
    };
  }
  const nationalScope = hasRole(actor, 'data-manager');
  if (!nationalScope) {
    if (actor.localAuthority === null || !(await wasInWorkingSet(tx, item.cpNumber, actor.localAuthority))) {
      return {
        idempotencyKey: key,
        status: 'forbidden',
        message: "A local authority team may record access only to its own authority's children.",
      };
    }
    // A working set is shared by the team on that computer: whoever signs in next may send
    // a colleague's entries, never someone outside the team's.
    if (item.viewedBy !== actor.userId && !(await isTeamMember(tx, item.viewedBy, actor.localAuthority))) {
      return {
        idempotencyKey: key,
        status: 'forbidden',
        message: "viewedBy must be a member of your authority's ContactPoint team.",
      };
    }
  } else if (item.viewedBy !== actor.userId) {
    return { idempotencyKey: key, status: 'forbidden', message: 'A data manager may record only their own access.' };
  }
  await appendAudit(tx, {
    at: viewedAt,
    userId: item.viewedBy,
    action: 'read',
    cpNumber: item.cpNumber,
    reason: item.reason,
    detail: {
      via: 'working-set',
      view: item.view,
      context: item.context,
      version: item.baseVersion,
      receivedAt: now.toISOString(),
      ...(item.viewedBy !== actor.userId ? { sentBy: actor.userId } : {}),
    },
  });
  return { idempotencyKey: key, status: 'applied' };
}

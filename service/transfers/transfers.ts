// Transfers of a child's responsible authority (the item 6): agreed by both
// authorities. The sending authority's ContactPoint team asks, with a reason; the
// receiving authority's team accepts or rejects; the sender may withdraw it while it is
// open. Accepting moves the child: its version bumps, the old authority's feed gets a
// tombstone (reason "transferred") and the new one's an upsert
// (records/child-store.ts), so each working set has it, or loses it, at its next sync.
//
// Locks: the child's row first, then the transfer's, everywhere (as
// shields/shields.ts), so a transfer being asked for and one being decided for the same
// child never deadlock.
import type { TransferStatus, TransferView } from '../../domain/api/transfers.js';
import type { Actor } from '../../domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../context.js';
import { ApiError, conflict, forbidden, notFound, unprocessable } from '../http/api-error.js';
import {
  childRequestView,
  loadChild,
  lockChildAndRequest,
  updateChild,
  type ChildRequestRow,
  type StoredChild,
} from '../records/child-store.js';
import type { Queryable } from '../store/database.js';

export const MAX_LISTED_TRANSFERS = 500;

const noSuchChild = () => notFound('There is no active child of your authority with that ContactPoint number.');
const noSuchTransfer = () =>
  new ApiError(404, 'transfer-not-found', 'There is no such transfer into or out of your authority.');

interface TransferRow extends ChildRequestRow<TransferStatus> {
  from_local_authority: string;
  to_local_authority: string;
}

const columns =
  'id, cp_number, from_local_authority, to_local_authority, requested_by, requested_at, reason, status, decided_by, decided_at';

/** The actor's own authority: transfers are between ContactPoint teams, each acting for its own. */
function ownAuthority(actor: Actor): string {
  if (actor.localAuthority === null) {
    throw forbidden(
      'no-local-authority',
      'Your account belongs to no local authority, so there are no transfers you may see or make.',
    );
  }
  return actor.localAuthority;
}

function viewOf(row: TransferRow, la: string): TransferView {
  return {
    ...childRequestView(row),
    fromLocalAuthority: row.from_local_authority,
    toLocalAuthority: row.to_local_authority,
    direction: row.to_local_authority === la ? 'incoming' : 'outgoing',
  };
}

/** Whether an authority has a ContactPoint team on the national index to accept a transfer. */
async function hasTeam(tx: Queryable, localAuthority: string): Promise<boolean> {
  const rows = await tx.query(
    "SELECT 1 FROM users WHERE local_authority = $1 AND 'la-team' = ANY(roles) AND NOT suspended AND closed_at IS NULL LIMIT 1",
    [localAuthority],
  );
  return rows.length > 0;
}

/** Ask for one of the actor's authority's active children to move to another authority. */
export async function requestTransfer(
  ctx: ServiceContext,
  actor: Actor,
  body: { cpNumber: string; toLocalAuthority: string; reason: string },
): Promise<TransferView> {
  const la = ownAuthority(actor);
  const at = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const child = await loadChild(tx, body.cpNumber, { forUpdate: true });
    if (!child || child.status !== 'active' || child.localAuthority !== la) throw noSuchChild();
    if (body.toLocalAuthority === la) {
      throw unprocessable(
        'same-authority',
        'toLocalAuthority is your own authority: a transfer moves a child to another authority.',
      );
    }
    if (!(await hasTeam(tx, body.toLocalAuthority))) {
      throw unprocessable(
        'unknown-authority',
        `toLocalAuthority ${body.toLocalAuthority} has no ContactPoint team on the national index to accept the child: check the authority's code.`,
      );
    }
    const [open] = await tx.query<{ id: number }>(
      "SELECT id FROM transfers WHERE cp_number = $1 AND status = 'open' FOR UPDATE",
      [body.cpNumber],
    );
    if (open)
      throw conflict(
        'transfer-open',
        `A transfer of this child is open already (transfer ${open.id}): it must be accepted, rejected or withdrawn first.`,
      );
    const [row] = await tx.query<TransferRow>(
      `INSERT INTO transfers (cp_number, from_local_authority, to_local_authority, requested_by, requested_at, reason)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${columns}`,
      [body.cpNumber, la, body.toLocalAuthority, actor.userId, at, body.reason],
    );
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'transfer-requested',
      cpNumber: body.cpNumber,
      reason: body.reason,
      detail: { transfer: String(row!.id), from: la, to: body.toLocalAuthority },
    });
    return viewOf(row!, la);
  });
}

/** Transfers in `status` into or out of the actor's authority, oldest first. Audited with the count. */
export async function listTransfers(
  ctx: ServiceContext,
  actor: Actor,
  status: TransferStatus,
): Promise<TransferView[]> {
  const la = ownAuthority(actor);
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.query<TransferRow>(
      `SELECT ${columns} FROM transfers WHERE status = $1 AND (from_local_authority = $2 OR to_local_authority = $2)
        ORDER BY id LIMIT ${MAX_LISTED_TRANSFERS}`,
      [status, la],
    );
    await appendAudit(tx, {
      at: ctx.clock.now(),
      userId: actor.userId,
      action: 'transfers-read',
      detail: { status, count: rows.length },
    });
    return rows.map((r) => viewOf(r, la));
  });
}

export type TransferDecision = 'accept' | 'reject' | 'cancel';

/** Why an open transfer no longer fits its child, or null when it still does. */
function staleness(row: TransferRow, child: StoredChild | null): string | null {
  if (!child) return 'child-gone';
  if (child.status !== 'active') return 'child-archived';
  if (child.localAuthority !== row.from_local_authority) return 'child-moved';
  return null;
}

const staleTransfer = () =>
  conflict(
    'transfer-stale',
    'The child has been merged, archived or moved since the transfer was asked for: the transfer is cancelled.',
  );

/**
 * Accept or reject (the receiving authority's team) or withdraw (the sending one's) an
 * open transfer. Accepting moves the child to the receiving authority. A transfer whose
 * child has since been merged, archived or moved is cancelled instead (409 transfer-stale).
 */
export async function decideTransfer(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  decision: TransferDecision,
): Promise<TransferView> {
  const la = ownAuthority(actor);
  const at = ctx.clock.now();
  const outcome = await ctx.db.transaction(async (tx) => {
    const locked = await lockChildAndRequest<TransferRow>(tx, 'transfers', columns, id);
    if (!locked || (locked.row.from_local_authority !== la && locked.row.to_local_authority !== la))
      throw noSuchTransfer();
    const { child, row } = locked;
    if (row.status !== 'open') throw conflict('transfer-decided', `This transfer was ${row.status} already.`);
    const receiving = row.to_local_authority === la;
    if (decision === 'cancel' && receiving) {
      throw forbidden(
        'not-sending-authority',
        'Only the sending authority’s team may withdraw a transfer: reject it instead.',
      );
    }
    if (decision !== 'cancel' && !receiving) {
      throw forbidden(
        'not-receiving-authority',
        `Only the receiving authority’s team (${row.to_local_authority}) may ${decision} this transfer: both authorities must agree.`,
      );
    }
    const why = staleness(row, child);
    if (why !== null) {
      await tx.query("UPDATE transfers SET status = 'cancelled', decided_at = $2 WHERE id = $1", [row.id, at]);
      await appendAudit(tx, {
        at,
        userId: actor.userId,
        action: 'transfer-cancelled',
        cpNumber: row.cp_number,
        detail: { transfer: String(row.id), why },
      });
      return { stale: true as const };
    }
    const status = decision === 'accept' ? 'accepted' : decision === 'reject' ? 'rejected' : 'cancelled';
    const detail: Record<string, unknown> = {
      transfer: String(row.id),
      from: row.from_local_authority,
      to: row.to_local_authority,
    };
    if (decision === 'accept') {
      const stored = await updateChild(
        tx,
        row.cp_number,
        child!.version,
        { ...child!.record, localAuthority: row.to_local_authority },
        { at },
      );
      detail['version'] = stored.version;
      detail['requestedBy'] = row.requested_by;
    }
    const [decided] = await tx.query<TransferRow>(
      `UPDATE transfers SET status = $2, decided_by = $3, decided_at = $4 WHERE id = $1 RETURNING ${columns}`,
      [row.id, status, actor.userId, at],
    );
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: `transfer-${status}` as const,
      cpNumber: row.cp_number,
      detail,
    });
    return { transfer: viewOf(decided!, la) };
  });
  if ('stale' in outcome) throw staleTransfer();
  return outcome.transfer;
}

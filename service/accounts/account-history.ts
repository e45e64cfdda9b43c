// An account's history for the helpdesk (issue 21, item 4): the audited actions naming
// the account (created, changed, unlocked, token replaced, card enrolled or revoked,
// requests asked, confirmed, cancelled, activated), and the refused sign-ins that lead
// to a lock-out, newest first, with who acted and the reason they gave. Read within the same scope as the account itself (getUser), and
// the read is audited.
import type { AccountHistoryEntry } from '../../domain/api/accounts.js';
import type { Actor } from '../../domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../context.js';
import { getUser } from './management.js';

/** The newest entries shown; an account with more has them all in the audit trail. */
export const HISTORY_LIMIT = 200;

interface HistoryRow {
  seq: number;
  at: Date;
  user_id: string | null;
  action: string;
  change: string | null;
  kind: string | null;
  reason: string | null;
}

export async function accountHistory(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
): Promise<{ entries: AccountHistoryEntry[] }> {
  // 404 for an account outside the actor's scope, as for the account itself.
  await getUser(ctx, actor, id);
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.query<HistoryRow>(
      `SELECT a.seq, a.at, a.user_id, a.action, a.detail ->> 'change' AS change,
              CASE WHEN a.action = 'sign-in-refused' THEN a.detail ->> 'method' ELSE a.detail ->> 'kind' END AS kind, a.reason
         FROM audit_log a
        WHERE ((a.detail ->> 'account') = $1 AND a.action IN ('account-changed', 'account-request'))
           OR (a.user_id = $1 AND a.action = 'sign-in-refused')
        ORDER BY a.at DESC, a.seq DESC LIMIT $2`,
      [id, HISTORY_LIMIT],
    );
    // Whose history was read is a fact for the audit; `about`, not `account`, so the read is not itself history.
    await appendAudit(tx, {
      at: ctx.clock.now(),
      userId: actor.userId,
      action: 'audit-read',
      detail: { about: id, entries: rows.length, filters: ['account'] },
    });
    return {
      entries: rows.map((r) => ({
        seq: Number(r.seq),
        at: r.at.toISOString(),
        by: r.user_id,
        action: r.action,
        change: r.change,
        kind: r.kind,
        reason: r.reason,
      })),
    };
  });
}

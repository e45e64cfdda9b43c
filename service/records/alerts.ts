// Events raised to the management team (shield overrides first of all): a local
// authority's team sees its own authority's; data managers and national
// administrators see all. Acknowledging records who looked at it, and when.
import type { AlertView } from '../../domain/api/records.js';
import type { Actor } from '../../domain/roles.js';
import { hasRole } from '../../domain/roles.js';
import { forbidden, notFound } from '../http/api-error.js';
import { appendAudit } from '../audit/audit-log.js';
import type { Queryable, SqlValue } from '../store/database.js';

/** Open alerts first, newest first; at most this many. */
export const maxAlerts = 500;

interface AlertRow {
  id: number;
  at: Date;
  kind: string;
  user_id: string | null;
  cp_number: string | null;
  acknowledged_at: Date | null;
}

function view(row: AlertRow): AlertView {
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    kind: row.kind,
    userId: row.user_id,
    cpNumber: row.cp_number,
    acknowledged: row.acknowledged_at !== null,
  };
}

/** The SQL condition limiting alerts to those the actor's role covers. */
function scope(actor: Actor, params: SqlValue[]): string {
  if (hasRole(actor, 'data-manager', 'national-admin')) return 'true';
  if (hasRole(actor, 'la-team') && actor.localAuthority !== null) {
    params.push(actor.localAuthority);
    return `local_authority = $${params.length}`;
  }
  throw forbidden('alerts-not-permitted', 'Only the management team may see alerts.');
}

export async function listAlerts(tx: Queryable, actor: Actor): Promise<AlertView[]> {
  const params: SqlValue[] = [];
  const where = scope(actor, params);
  const rows = await tx.query<AlertRow>(
    `SELECT id, at, kind, user_id, cp_number, acknowledged_at FROM alerts WHERE ${where}
      ORDER BY acknowledged_at IS NOT NULL, at DESC, id DESC LIMIT ${maxAlerts}`,
    params,
  );
  return rows.map(view);
}

/** Acknowledge one alert (again is harmless); an alert outside the actor's scope is not found. */
export async function acknowledgeAlert(tx: Queryable, actor: Actor, id: string, at: Date): Promise<AlertView> {
  const params: SqlValue[] = [];
  const where = scope(actor, params);
  if (!/^\d{1,15}$/.test(id)) throw notFound('There is no such alert.');
  params.push(Number(id), at, actor.userId);
  const n = params.length;
  const rows = await tx.query<AlertRow>(
    `UPDATE alerts SET acknowledged_at = COALESCE(acknowledged_at, $${n - 1}), acknowledged_by = COALESCE(acknowledged_by, $${n})
      WHERE id = $${n - 2} AND ${where}
      RETURNING id, at, kind, user_id, cp_number, acknowledged_at`,
    params,
  );
  if (!rows[0]) throw notFound('There is no such alert.');
  await appendAudit(tx, { at, userId: actor.userId, action: 'alert-acknowledged', cpNumber: rows[0].cp_number, detail: { alert: rows[0].id } });
  return view(rows[0]);
}

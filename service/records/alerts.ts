// Events raised to the management team (shield overrides first of all): a local
// authority's team sees its own authority's; data managers and national
// administrators see all. An alert is open until someone acknowledges it
// (investigating), and closed with an outcome by a named person.
import type { AlertOutcome, AlertsQuery, AlertView, CloseAlertBody } from '../../domain/api/records.js';
import type { Actor } from '../../domain/roles.js';
import { hasRole } from '../../domain/roles.js';
import { conflict, forbidden, notFound } from '../http/api-error.js';
import { appendAudit } from '../audit/audit-log.js';
import type { Queryable, SqlValue } from '../store/database.js';

/** Open alerts first, then those being investigated, then closed ones; newest first; at most this many. */
export const maxAlerts = 500;

interface AlertRow {
  id: number;
  at: Date;
  kind: string;
  user_id: string | null;
  cp_number: string | null;
  status: AlertView['status'];
  outcome: AlertOutcome | null;
  note: string | null;
  closed_by: string | null;
  closed_at: Date | null;
}

const columns = 'id, at, kind, user_id, cp_number, status, outcome, note, closed_by, closed_at';

function view(row: AlertRow): AlertView {
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    kind: row.kind,
    userId: row.user_id,
    cpNumber: row.cp_number,
    status: row.status,
    acknowledged: row.status !== 'open',
    outcome: row.outcome,
    note: row.note,
    closedBy: row.closed_by,
    closedAt: row.closed_at?.toISOString() ?? null,
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

const noSuchAlert = () => notFound('There is no such alert.');

function alertId(id: string): number {
  if (!/^\d{1,15}$/.test(id)) throw noSuchAlert();
  return Number(id);
}

export async function listAlerts(tx: Queryable, actor: Actor, status: AlertsQuery['status']): Promise<AlertView[]> {
  const params: SqlValue[] = [];
  const where = [scope(actor, params)];
  if (status !== 'all') {
    params.push(status);
    where.push(`status = $${params.length}`);
  }
  const rows = await tx.query<AlertRow>(
    `SELECT ${columns} FROM alerts WHERE ${where.join(' AND ')}
      ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'investigating' THEN 1 ELSE 2 END, at DESC, id DESC LIMIT ${maxAlerts}`,
    params,
  );
  return rows.map(view);
}

/**
 * Acknowledge one alert: an open one is then being investigated. Again is harmless, and
 * a closed one stays closed. An alert outside the actor's scope is not found.
 */
export async function acknowledgeAlert(tx: Queryable, actor: Actor, id: string, at: Date): Promise<AlertView> {
  const params: SqlValue[] = [];
  const where = scope(actor, params);
  params.push(alertId(id), at, actor.userId);
  const n = params.length;
  const rows = await tx.query<AlertRow>(
    `UPDATE alerts SET acknowledged_at = COALESCE(acknowledged_at, $${n - 1}), acknowledged_by = COALESCE(acknowledged_by, $${n}),
            status = CASE WHEN status = 'open' THEN 'investigating' ELSE status END
      WHERE id = $${n - 2} AND ${where}
      RETURNING ${columns}`,
    params,
  );
  if (!rows[0]) throw noSuchAlert();
  await appendAudit(tx, {
    at,
    userId: actor.userId,
    action: 'alert-acknowledged',
    cpNumber: rows[0].cp_number,
    detail: { alert: rows[0].id },
  });
  return view(rows[0]);
}

/**
 * Close an alert with its outcome (an open one too: closing says it was looked at). The
 * note is free text, so it stays on the alert and never goes into the audit trail.
 */
export async function closeAlert(
  tx: Queryable,
  actor: Actor,
  id: string,
  body: CloseAlertBody,
  at: Date,
): Promise<AlertView> {
  const params: SqlValue[] = [];
  const where = scope(actor, params);
  params.push(alertId(id));
  const [current] = await tx.query<AlertRow>(
    `SELECT ${columns} FROM alerts WHERE id = $${params.length} AND ${where} FOR UPDATE`,
    params,
  );
  if (!current) throw noSuchAlert();
  if (current.status === 'closed')
    throw conflict('alert-closed', 'This alert is already closed: its outcome stays as it was recorded.');
  const note = body.note !== undefined && body.note !== '' ? body.note : null;
  const [row] = await tx.query<AlertRow>(
    `UPDATE alerts SET status = 'closed', outcome = $2, note = $3, closed_by = $4, closed_at = $5,
            acknowledged_at = COALESCE(acknowledged_at, $5), acknowledged_by = COALESCE(acknowledged_by, $4)
      WHERE id = $1 RETURNING ${columns}`,
    [current.id, body.outcome, note, actor.userId, at],
  );
  await appendAudit(tx, {
    at,
    userId: actor.userId,
    action: 'alert-closed',
    cpNumber: row!.cp_number,
    detail: { alert: row!.id, outcome: body.outcome },
  });
  return view(row!);
}

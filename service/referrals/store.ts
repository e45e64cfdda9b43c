// Referrals (issue 20, item 5): a practitioner reports a problem with a child's record
// ("the address is wrong", "not known to us", "broker contact with an unspecified
// service"); it goes to the ContactPoint team of the child's authority, which closes it
// with an outcome.
//
// Who may see what:
// - Reporting takes what reading takes: a role that may read records, a reason for access
//   (audited), and a record the reporter may open. An archived record is not found, as
//   it is for anyone but a data manager; a data manager is told it is archived.
// - The reporter is told that it was received and its reference: nothing about the
//   child, so a report on a shielded child shows its authority to no one who may not see it.
// - The queue: the team of the authority the referral was routed to, and data managers.
//   Anyone else, the reporter included, may not list referrals (403), and a referral
//   outside one's scope is not found (404). The queue shows the child's name and date of
//   birth (what every reader sees, shielded or not) and the ContactPoint number: the
//   team opens the record itself, as it may, for anything more.
// - Free text (the report's and the outcome's) is held to the no-case-information rule
//   and stays on the referral: the audit trail has the reference and the kind, not the text.
import type { Actor } from '../../domain/roles.js';
import { hasRole } from '../../domain/roles.js';
import {
  caseInformationMessage,
  caseWordsIn,
  referralsPerHour,
  type CloseReferralBody,
  type MakeReferralBody,
  type ReferralReceipt,
  type ReferralsQuery,
  type ReferralView,
} from '../../domain/api/referrals.js';
import { appendAudit } from '../audit/audit-log.js';
import { ApiError, conflict, forbidden, notFound } from '../http/api-error.js';
import type { Queryable, SqlValue } from '../store/database.js';
import { loadChild } from '../records/child-store.js';
import { assertMayViewRecords } from '../records/read.js';

/** The most referrals a list returns: open first, newest first. */
export const maxReferrals = 500;

interface ReferralRow {
  reference: string;
  at: Date;
  cp_number: string;
  kind: ReferralView['kind'];
  text: string | null;
  user_id: string;
  reporter_name: string;
  organisation_name: string;
  status: ReferralView['status'];
  outcome: string | null;
  closed_by: string | null;
  closed_at: Date | null;
  given: string | null;
  family: string | null;
  dob: string | null;
}

const columns = `r.reference, r.at, r.cp_number, r.kind, r.text, r.user_id, r.reporter_name, r.organisation_name,
  r.status, r.outcome, r.closed_by, r.closed_at,
  c.record->'name'->>'given' AS given, c.record->'name'->>'family' AS family, c.record->>'dob' AS dob`;

function view(row: ReferralRow): ReferralView {
  return {
    reference: row.reference,
    cpNumber: row.cp_number,
    child:
      row.given === null || row.family === null || row.dob === null
        ? null
        : { given: row.given, family: row.family, dob: row.dob },
    kind: row.kind,
    text: row.text,
    reportedBy: { userId: row.user_id, name: row.reporter_name, organisation: row.organisation_name },
    reportedAt: row.at.toISOString(),
    status: row.status,
    outcome: row.outcome,
    closedBy: row.closed_by,
    closedAt: row.closed_at?.toISOString() ?? null,
  };
}

/** The SQL condition limiting referrals to the actor's queue; 403 for anyone without one. */
function scope(actor: Actor, params: SqlValue[]): string {
  if (hasRole(actor, 'data-manager')) return 'true';
  if (hasRole(actor, 'la-team') && actor.localAuthority !== null) {
    params.push(actor.localAuthority);
    return `r.local_authority = $${params.length}`;
  }
  throw forbidden(
    'referrals-not-permitted',
    "Only the ContactPoint team of the child's authority and data managers may see referrals.",
  );
}

function refuseCaseInformation(field: string, text: string | undefined): void {
  const words = caseWordsIn(text);
  if (words.length > 0) {
    throw new ApiError(422, 'case-information', caseInformationMessage(field, words), {
      problems: [{ path: field, message: `contains words that suggest case information (${words.join(', ')})` }],
    });
  }
}

/** A reference a person can read out on the phone: RF- and ten letters and digits, no look-alikes. */
const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export function newReference(randomBytes: (n: number) => Buffer): string {
  const bytes = randomBytes(10);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return `RF-${out}`;
}
export const referencePattern = /^RF-[A-Z2-9]{10}$/;

export interface MakeOptions {
  reason: string;
  at: Date;
  randomBytes(n: number): Buffer;
}

/** Report a problem with a child's record: routed to the child's authority, audited with the reason. */
export async function makeReferral(
  tx: Queryable,
  actor: Actor,
  cpNumber: string,
  body: MakeReferralBody,
  options: MakeOptions,
): Promise<ReferralReceipt> {
  assertMayViewRecords(actor);
  const stored = await loadChild(tx, cpNumber);
  if (!stored || (stored.status !== 'active' && !hasRole(actor, 'data-manager')))
    throw notFound('There is no child with that ContactPoint number.');
  if (stored.status !== 'active')
    throw conflict('record-archived', 'This record is in the archive: there is no team to refer it to.');
  const text = body.text !== undefined && body.text !== '' ? body.text : undefined;
  refuseCaseInformation('text', text);

  const since = new Date(options.at.getTime() - 3_600_000);
  const [recent] = await tx.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM referrals WHERE user_id = $1 AND at > $2',
    [actor.userId, since],
  );
  if ((recent?.n ?? 0) >= referralsPerHour) {
    throw new ApiError(
      429,
      'too-many-referrals',
      `You have made ${referralsPerHour} referrals in the last hour, the most one person may: try again later.`,
      { retryAfter: 3600 },
    );
  }

  const reference = newReference(options.randomBytes);
  await tx.query(
    `INSERT INTO referrals (reference, at, cp_number, local_authority, kind, text, user_id, reporter_name, organisation_name)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      reference,
      options.at,
      cpNumber,
      stored.localAuthority,
      body.kind,
      text ?? null,
      actor.userId,
      actor.name,
      actor.organisation.name,
    ],
  );
  await appendAudit(tx, {
    at: options.at,
    userId: actor.userId,
    action: 'referral-made',
    cpNumber,
    reason: options.reason,
    detail: { reference, kind: body.kind },
  });
  return { reference, kind: body.kind, status: 'open', receivedAt: options.at.toISOString() };
}

/** The actor's queue: open referrals first, then closed ones, newest first. Audited with the count. */
export async function listReferrals(
  tx: Queryable,
  actor: Actor,
  status: ReferralsQuery['status'],
  at: Date,
): Promise<ReferralView[]> {
  const params: SqlValue[] = [];
  const where = [scope(actor, params)];
  if (status !== 'all') {
    params.push(status);
    where.push(`r.status = $${params.length}`);
  }
  const rows = await tx.query<ReferralRow>(
    `SELECT ${columns} FROM referrals r LEFT JOIN children c ON c.cp_number = r.cp_number
      WHERE ${where.join(' AND ')}
      ORDER BY CASE r.status WHEN 'open' THEN 0 ELSE 1 END, r.at DESC, r.id DESC LIMIT ${maxReferrals}`,
    params,
  );
  await appendAudit(tx, {
    at,
    userId: actor.userId,
    action: 'referrals-read',
    detail: { count: rows.length, status },
  });
  return rows.map(view);
}

const noSuchReferral = () => notFound('There is no such referral.');

/** Close a referral with what was done. Outside the actor's scope it is not found. */
export async function closeReferral(
  tx: Queryable,
  actor: Actor,
  reference: string,
  body: CloseReferralBody,
  at: Date,
): Promise<ReferralView> {
  const params: SqlValue[] = [];
  const where = scope(actor, params);
  if (!referencePattern.test(reference)) throw noSuchReferral();
  refuseCaseInformation('outcome', body.outcome);
  params.push(reference);
  const [current] = await tx.query<{ id: number; status: string; cp_number: string }>(
    `SELECT r.id, r.status, r.cp_number FROM referrals r WHERE r.reference = $${params.length} AND ${where} FOR UPDATE`,
    params,
  );
  if (!current) throw noSuchReferral();
  if (current.status === 'closed')
    throw conflict('referral-closed', 'This referral is already closed: its outcome stays as it was recorded.');
  await tx.query(`UPDATE referrals SET status = 'closed', outcome = $2, closed_by = $3, closed_at = $4 WHERE id = $1`, [
    current.id,
    body.outcome,
    actor.userId,
    at,
  ]);
  await appendAudit(tx, {
    at,
    userId: actor.userId,
    action: 'referral-closed',
    cpNumber: current.cp_number,
    detail: { reference },
  });
  const [row] = await tx.query<ReferralRow>(
    `SELECT ${columns} FROM referrals r LEFT JOIN children c ON c.cp_number = r.cp_number WHERE r.id = $1`,
    [current.id],
  );
  return view(row!);
}

// Opening one child's record: with a reason (audited), under the archive's rules, and
// the child-protection shield override (audited and raised to the management team).
import type { IncomingHttpHeaders } from 'node:http';
import {
  accessReasonHeader,
  accessReasonSchema,
  archivePurposeHeader,
  archivePurposeSchema,
  type ArchivePurpose,
  type RecordView,
  type ShieldOverrideBody,
} from '../../domain/api/records.js';
import { daysBetween } from '../../domain/dates.js';
import { archiveFirstYearDays } from '../../domain/lifecycle.js';
import type { Actor, Role } from '../../domain/roles.js';
import { hasRole, managementRoles } from '../../domain/roles.js';
import { recordView } from '../../domain/visibility.js';
import { appendAudit } from '../audit/audit-log.js';
import { ApiError, badRequest, conflict, forbidden, notFound } from '../http/api-error.js';
import type { Queryable } from '../store/database.js';
import { loadChild, type StoredChild } from './child-store.js';

/** The roles that may search for and read records (a supplier's system may only supply). */
export const viewerRoles: readonly Role[] = ['practitioner', 'child-protection', ...managementRoles];

export function assertMayViewRecords(actor: Actor): void {
  if (!hasRole(actor, ...viewerRoles)) {
    throw forbidden('records-not-permitted', 'This account may not search for or read records.');
  }
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Printable ASCII, space to tilde. Node reads a header's bytes as Latin-1, so UTF-8 sent
 * in it would be audited garbled ("cafÃ©"): anything else is refused, never stored.
 * The desktop folds typographic punctuation and accents to ASCII before it sends.
 */
const printableAscii = /^[\x20-\x7E]*$/;

/** The reason for access from the CP-Access-Reason header: required, 1 to 500 printable ASCII characters. */
export function accessReasonFrom(headers: IncomingHttpHeaders): string {
  const raw = headerValue(headers, accessReasonHeader);
  if (raw === undefined || raw.trim() === '') {
    throw badRequest(
      'access-reason-required',
      'Give a reason for access (the CP-Access-Reason header) before a record opens.',
    );
  }
  if (!printableAscii.test(raw)) {
    throw badRequest(
      'access-reason-invalid',
      'The CP-Access-Reason header must be printable ASCII only (letters, digits, spaces and ordinary punctuation, no accents, ' +
        'typographic quotes, tabs or other characters): write the reason in plain characters.',
    );
  }
  const parsed = accessReasonSchema.safeParse(raw);
  if (!parsed.success)
    throw badRequest('access-reason-too-long', 'The reason for access must be at most 500 characters.');
  return parsed.data;
}

/** The statutory purpose from CP-Archive-Purpose, when given. */
export function archivePurposeFrom(headers: IncomingHttpHeaders): ArchivePurpose | undefined {
  const raw = headerValue(headers, archivePurposeHeader);
  if (raw === undefined || raw.trim() === '') return undefined;
  const parsed = archivePurposeSchema.safeParse(raw.trim());
  if (!parsed.success) {
    throw badRequest(
      'archive-purpose-invalid',
      'CP-Archive-Purpose must be one of s47-enquiry, serious-case-review, child-death-review.',
    );
  }
  return parsed.data;
}

const noSuchChild = () => notFound('There is no child with that ContactPoint number.');

export interface ReadOptions {
  reason: string;
  archivePurpose?: ArchivePurpose | undefined;
  at: Date;
  /** Today (YYYY-MM-DD) by the injected clock: the archive's first year counts from it. */
  today: string;
}

/** Read one child as `actor` may see it; audited in the caller's transaction. */
export async function readChild(
  tx: Queryable,
  actor: Actor,
  cpNumber: string,
  options: ReadOptions,
): Promise<RecordView> {
  assertMayViewRecords(actor);
  const stored = await loadChild(tx, cpNumber);
  if (!stored) throw noSuchChild();
  if (stored.status === 'archived') {
    const purpose = archiveAccess(actor, stored, options);
    await appendAudit(tx, {
      at: options.at,
      userId: actor.userId,
      action: 'archive-read',
      cpNumber,
      reason: options.reason,
      detail: purpose !== undefined ? { purpose } : {},
    });
  } else {
    await appendAudit(tx, { at: options.at, userId: actor.userId, action: 'read', cpNumber, reason: options.reason });
  }
  return markOwnInvolvements(tx, actor, recordView({ record: stored.record, shielded: stored.shielded }, { actor }));
}

/**
 * Marks the involvements the viewer recorded (`mine: true`), so a client can offer
 * "end my involvement" on those only. Says nothing about anyone else's.
 */
async function markOwnInvolvements(tx: Queryable, actor: Actor, view: RecordView): Promise<RecordView> {
  if (view.involvements === undefined || view.involvements.length === 0) return view;
  const own = await tx.query<{ involvement_id: string }>(
    'SELECT involvement_id FROM involvement_owners WHERE cp_number = $1 AND user_id = $2',
    [view.cpNumber, actor.userId],
  );
  if (own.length === 0) return view;
  const ids = new Set(own.map((r) => r.involvement_id));
  return { ...view, involvements: view.involvements.map((inv) => (ids.has(inv.id) ? { ...inv, mine: true } : inv)) };
}

/**
 * A refused attempt to open an archived record. The caller audits it (in a transaction
 * that commits) before answering: attempts on the archive are what reviewers look for.
 */
export class ArchiveRefusal extends ApiError {
  constructor(status: number, code: string, message: string) {
    super(status, code, message);
    this.name = 'ArchiveRefusal';
  }
}

/**
 * The archive's rules: in its first year only a data manager may open a record; after
 * that a data manager only for a statutory purpose. Anyone else is told nothing (404),
 * so the archive does not reveal who is in it. Returns the purpose that was relied on.
 */
function archiveAccess(actor: Actor, stored: StoredChild, options: ReadOptions): ArchivePurpose | undefined {
  if (!hasRole(actor, 'data-manager'))
    throw new ArchiveRefusal(404, 'not-found', 'There is no child with that ContactPoint number.');
  // No archive date is a broken row: hold it to the stricter rule.
  const inFirstYear =
    stored.archivedOn !== null && daysBetween(stored.archivedOn, options.today) < archiveFirstYearDays;
  if (inFirstYear) return options.archivePurpose;
  if (options.archivePurpose === undefined) {
    throw new ArchiveRefusal(
      403,
      'archive-restricted',
      'This record has been in the archive for more than a year: it may be opened only for a s.47 enquiry, a serious case review or a child-death review (CP-Archive-Purpose).',
    );
  }
  return options.archivePurpose;
}

/**
 * A child-protection user overrides a shield: the hidden data (not sensitive services)
 * is returned for this response only. Audited and raised to the management team of
 * the child's authority in the caller's transaction.
 */
export async function overrideShield(
  tx: Queryable,
  actor: Actor,
  cpNumber: string,
  body: ShieldOverrideBody,
  at: Date,
): Promise<RecordView> {
  if (!hasRole(actor, 'child-protection')) {
    throw forbidden('override-not-permitted', 'Only users with child-protection duties may override a shield.');
  }
  const stored = await loadChild(tx, cpNumber);
  if (!stored || stored.status !== 'active') throw noSuchChild();
  if (!stored.shielded)
    throw conflict('not-shielded', 'This record is not shielded: open it with a reason for access instead.');
  await appendAudit(tx, { at, userId: actor.userId, action: 'shield-override', cpNumber, reason: body.reason });
  await tx.query(
    `INSERT INTO alerts (at, kind, local_authority, user_id, cp_number, detail) VALUES ($1, 'shield-override', $2, $3, $4, $5::jsonb)`,
    [at, stored.localAuthority, actor.userId, cpNumber, JSON.stringify({ organisationId: actor.organisation.id })],
  );
  return markOwnInvolvements(
    tx,
    actor,
    recordView({ record: stored.record, shielded: stored.shielded }, { actor, override: true }),
  );
}

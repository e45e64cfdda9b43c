// A child's subject-access report (issue 21, item 6): what the national index holds about
// a child and who opened the record, when and why. For a data manager only, with a reason
// (the request's own reference), itself a read of the record and audited as a report.
// The record is read through readChild, so the archive's rules apply as to any read by a
// data manager, who sees a shielded record in full; the report says it is shielded, and
// the desktop shows that its hidden details must not go to whoever asked unchecked.
import {
  SUBJECT_ACCESS_MAX_ENTRIES,
  type SubjectAccessEntry,
  type SubjectAccessReport,
} from '../../domain/api/subject-access.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import { forbidden } from '../http/api-error.js';
import type { Queryable } from '../store/database.js';
import { loadChild } from './child-store.js';
import { readChild, type ReadOptions } from './read.js';

interface EntryRow {
  seq: string | number;
  at: Date;
  action: string;
  user_id: string | null;
  name: string | null;
  organisation: string | null;
  reason: string | null;
  context: string | null;
}

export async function subjectAccessReport(
  tx: Queryable,
  actor: Actor,
  cpNumber: string,
  options: ReadOptions,
): Promise<SubjectAccessReport> {
  if (!hasRole(actor, 'data-manager'))
    throw forbidden('forbidden-role', "Only a data manager may produce a child's subject-access report.");
  // The trail as it stood before this report: read first, then the report's own entries.
  const rows = await tx.query<EntryRow>(
    `SELECT a.seq, a.at, a.action, a.user_id, u.name, o.name AS organisation, a.reason,
            CASE WHEN jsonb_typeof(a.detail->'context') = 'string' THEN a.detail->>'context' END AS context
       FROM audit_log a
       LEFT JOIN users u ON u.id = a.user_id
       LEFT JOIN organisations o ON o.id = u.organisation_id
      WHERE a.cp_number = $1
      ORDER BY a.at, a.seq
      LIMIT $2`,
    [cpNumber, SUBJECT_ACCESS_MAX_ENTRIES + 1],
  );
  const record = await readChild(tx, actor, cpNumber, options);
  const stored = (await loadChild(tx, cpNumber))!;
  const entries: SubjectAccessEntry[] = rows.slice(0, SUBJECT_ACCESS_MAX_ENTRIES).map((r) => ({
    seq: Number(r.seq),
    at: r.at.toISOString(),
    action: r.action,
    userId: r.user_id,
    name: r.name,
    organisation: r.organisation,
    reason: r.reason,
    context: r.context,
  }));
  const sources = Object.entries(stored.provenance)
    .map(([field, p]) => ({ field, supplier: p.supplier, date: p.date }))
    .sort((a, b) => a.field.localeCompare(b.field));
  await appendAudit(tx, {
    at: options.at,
    userId: actor.userId,
    action: 'subject-access-report',
    cpNumber,
    reason: options.reason,
    detail: { entries: entries.length, shielded: stored.shielded },
  });
  return {
    cpNumber,
    generatedAt: options.at.toISOString(),
    generatedBy: { userId: actor.userId, name: actor.name },
    reason: options.reason,
    status: stored.status,
    archivedOn: stored.archivedOn,
    record,
    sources,
    entries,
    truncated: rows.length > SUBJECT_ACCESS_MAX_ENTRIES,
  };
}

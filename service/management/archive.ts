// The archive list (contactpoint.md "Archive"): what a data manager sees of the archive
// without opening a record: its CP number, authority, when it was archived, when it
// will be destroyed, and which rule opening it falls under (a data manager's own access
// in its first year, restricted to the three purposes after). No names, no dates of
// birth: opening a record is a separate, reasoned and audited read.
import { daysBetween } from '../../domain/dates.js';
import { archiveFirstYearDays, destructionDueDate } from '../../domain/lifecycle.js';
import type { Actor } from '../../domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import { today, type ServiceContext } from '../context.js';
import type { SqlValue } from '../store/database.js';

export const ARCHIVE_PAGE_DEFAULT = 100;
export const ARCHIVE_PAGE_MAX = 500;

export interface ArchivedRecordView {
  cpNumber: string;
  localAuthority: string;
  /** The day it left the live index (YYYY-MM-DD). */
  archivedAt: string;
  /** The day it is due to be destroyed (YYYY-MM-DD): six years after archiving. */
  destroyAfter: string;
  /** data-manager: in its first year; restricted: only for a s.47 enquiry, a serious case review or a child-death review. */
  access: 'data-manager' | 'restricted';
}

interface Row {
  cp_number: string;
  local_authority: string;
  archived_on: string | null;
  archive_due: string;
}

/** One page of the archive in CP number order, after the CP number `after`. Audited 'archive-listed' with the count. */
export async function listArchive(
  ctx: ServiceContext,
  actor: Actor,
  query: { after?: string | undefined; limit?: number | undefined; localAuthority?: string | undefined },
): Promise<{ records: ArchivedRecordView[]; next: string | null }> {
  const limit = query.limit ?? ARCHIVE_PAGE_DEFAULT;
  const day = today(ctx.clock);
  const params: SqlValue[] = [query.after ?? ''];
  let where = "status = 'archived' AND cp_number > $1";
  if (query.localAuthority !== undefined) {
    params.push(query.localAuthority);
    where += ` AND local_authority = $${params.length}`;
  }
  params.push(limit + 1);
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.query<Row>(
      `SELECT cp_number, local_authority, archived_on::text AS archived_on, archive_due::text AS archive_due
         FROM children WHERE ${where} ORDER BY cp_number LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    await appendAudit(tx, {
      at: ctx.clock.now(),
      userId: actor.userId,
      action: 'archive-listed',
      detail: {
        count: page.length,
        ...(query.localAuthority !== undefined ? { localAuthority: query.localAuthority } : {}),
      },
    });
    return {
      records: page.map((r) => {
        // A row without its archive day is broken: its due day stands in, and it is held to the stricter rule (as records/read.ts does).
        const archivedAt = r.archived_on ?? r.archive_due;
        const inFirstYear = r.archived_on !== null && daysBetween(r.archived_on, day) < archiveFirstYearDays;
        return {
          cpNumber: r.cp_number,
          localAuthority: r.local_authority,
          archivedAt,
          destroyAfter: destructionDueDate(archivedAt),
          access: inFirstYear ? 'data-manager' : 'restricted',
        };
      }),
      next: rows.length > limit ? (page.at(-1)?.cp_number ?? null) : null,
    };
  });
}

// Usage and data quality over time (issue 21, item 5). The management information is a
// snapshot of now; this is the same authority over the last weeks:
// - searches and record opens each week, by the kind of organisation the user works for
//   (from the audit trail: a search counts for the searching user's authority, a record
//   opened for the authority holding the child);
// - supplier loads each week and their match outcomes (each load's audit entry carries
//   its counts: matched, created, possible duplicate, invalid, refused);
// - the service's daily snapshot of each authority (active records, with an NHS number,
//   shielded, open match reviews), taken by the hourly lifecycle run when today has none
//   and at the service's start, so the NHS number match rate is a series against its
//   target.
// Counts only: no CP number, name or search term leaves here.
import type { DailySnapshot, HistoryView, SupplyWeek, UsageWeek } from '../../domain/api/mi-history.js';
import type { Actor } from '../../domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import { today, type Clock, type ServiceContext } from '../context.js';
import type { Queryable } from '../store/database.js';
import { ALL_AUTHORITIES, authorityFor, NHS_MATCH_TARGET } from './information.js';

const DAY = 24 * 3600 * 1000;

/** The Monday (UTC) of the week `at` is in. */
export function weekOf(at: Date): Date {
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return new Date(midnight - ((at.getUTCDay() + 6) % 7) * DAY);
}

/**
 * Today's snapshot of every authority holding records, unless today has one already.
 * Answers how many authorities it wrote (0 when today's was taken before).
 */
export async function takeDailySnapshot(db: Queryable, clock: Clock): Promise<number> {
  const day = today(clock);
  const seen = await db.query('SELECT 1 FROM daily_snapshots WHERE day = $1::date LIMIT 1', [day]);
  if (seen.length > 0) return 0;
  // Shielded as the management information counts it: a pending shield counts only when
  // the record is shielded in its own right.
  const written = await db.query(
    `WITH held AS (
       SELECT local_authority,
              count(*) FILTER (WHERE status = 'active') AS active,
              count(*) FILTER (WHERE status = 'active' AND nhs_number IS NOT NULL) AS with_nhs,
              count(*) FILTER (WHERE status = 'active' AND shielded
                                 AND (NOT shield_pending OR (record->>'shielded')::boolean)) AS shielded,
              count(*) FILTER (WHERE status = 'active' AND shield_pending) AS shield_pending,
              count(*) FILTER (WHERE status = 'archived') AS archived
         FROM children GROUP BY local_authority),
     reviews AS (
       SELECT ch.local_authority, count(*) AS n FROM match_reviews m JOIN children ch ON ch.cp_number = m.cp_number
        WHERE m.status = 'open' GROUP BY 1)
     INSERT INTO daily_snapshots (day, local_authority, active, with_nhs_number, shielded, shield_pending, archived,
                                  open_match_reviews, taken_at)
     SELECT $1::date, h.local_authority, h.active, h.with_nhs, h.shielded, h.shield_pending, h.archived,
            coalesce(r.n, 0), $2
       FROM held h LEFT JOIN reviews r ON r.local_authority = h.local_authority
     ON CONFLICT (day, local_authority) DO NOTHING
     RETURNING local_authority`,
    [day, clock.now()],
  );
  return written.length;
}

interface KindRow {
  week: string;
  kind: string;
  n: number;
}
interface SupplyRow {
  week: string;
  loads: number;
  records: number;
  matched: number;
  created: number;
  possible: number;
  invalid: number;
  forbidden: number;
}
interface SnapshotRow {
  day: string;
  active: number;
  with_nhs: number;
  shielded: number;
  shield_pending: number;
  archived: number;
  reviews: number;
}

/** The last `weeks` weeks of the authority (default 12), audited 'management-information-read'. */
export async function managementHistory(
  ctx: ServiceContext,
  actor: Actor,
  query: { localAuthority?: string | undefined; weeks?: number | undefined },
): Promise<HistoryView> {
  const la = authorityFor(actor, query.localAuthority);
  const now = ctx.clock.now();
  const n = query.weeks ?? 12;
  const thisWeek = weekOf(now);
  const weeks = Array.from({ length: n }, (_, i) => new Date(thisWeek.getTime() - (n - 1 - i) * 7 * DAY));
  const from = weeks[0]!;
  const until = new Date(thisWeek.getTime() + 7 * DAY);
  const week = `to_char(date_trunc('week', a.at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;
  return ctx.db.transaction(async (tx) => {
    const searches = await tx.query<KindRow>(
      `SELECT ${week} AS week, coalesce(o.kind, 'unknown') AS kind, count(*)::int AS n
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN organisations o ON o.id = u.organisation_id
        WHERE a.action = 'search' AND a.at >= $2 AND a.at < $3 AND ($1::text IS NULL OR u.local_authority = $1)
        GROUP BY 1, 2`,
      [la, from, until],
    );
    const reads = await tx.query<KindRow>(
      `SELECT ${week} AS week, coalesce(o.kind, 'unknown') AS kind, count(*)::int AS n
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN organisations o ON o.id = u.organisation_id
        WHERE a.action = 'read' AND a.at >= $2 AND a.at < $3
          AND ($1::text IS NULL OR EXISTS (SELECT 1 FROM children ch WHERE ch.cp_number = a.cp_number AND ch.local_authority = $1))
        GROUP BY 1, 2`,
      [la, from, until],
    );
    const outcome = (key: string) => `coalesce(sum((a.detail->>'${key}')::int), 0)::int`;
    const supply = await tx.query<SupplyRow>(
      `SELECT ${week} AS week, count(*)::int AS loads, ${outcome('records')} AS records, ${outcome('matched')} AS matched,
              ${outcome('created')} AS created, ${outcome('possible-duplicate')} AS possible,
              ${outcome('invalid')} AS invalid, ${outcome('forbidden')} AS forbidden
         FROM audit_log a
        WHERE a.action = 'supply-received' AND a.at >= $2 AND a.at < $3
          AND ($1::text IS NULL OR a.detail->>'localAuthority' = $1)
        GROUP BY 1`,
      [la, from, until],
    );
    const snapshots = await tx.query<SnapshotRow>(
      `SELECT day::text AS day, sum(active)::int AS active, sum(with_nhs_number)::int AS with_nhs,
              sum(shielded)::int AS shielded, sum(shield_pending)::int AS shield_pending,
              sum(archived)::int AS archived, sum(open_match_reviews)::int AS reviews
         FROM daily_snapshots WHERE day >= $2::date AND ($1::text IS NULL OR local_authority = $1)
        GROUP BY day ORDER BY day`,
      [la, from.toISOString().slice(0, 10)],
    );
    await appendAudit(tx, {
      at: now,
      userId: actor.userId,
      action: 'management-information-read',
      detail: { localAuthority: la ?? ALL_AUTHORITIES, history: true, weeks: n },
    });

    const days = weeks.map((w) => w.toISOString().slice(0, 10));
    const kinds = [...new Set([...searches, ...reads].map((r) => r.kind))].sort();
    const get = (rows: KindRow[], w: string, k: string) => rows.find((r) => r.week === w && r.kind === k)?.n ?? 0;
    const usage: UsageWeek[] = days.flatMap((w) =>
      kinds.map((kind) => ({ week: w, kind, searches: get(searches, w, kind), reads: get(reads, w, kind) })),
    );
    const supplyWeeks: SupplyWeek[] = days.map((w) => {
      const r = supply.find((s) => s.week === w);
      return {
        week: w,
        loads: r?.loads ?? 0,
        records: r?.records ?? 0,
        matched: r?.matched ?? 0,
        created: r?.created ?? 0,
        possibleDuplicate: r?.possible ?? 0,
        invalid: r?.invalid ?? 0,
        forbidden: r?.forbidden ?? 0,
      };
    });
    const series: DailySnapshot[] = snapshots.map((s) => ({
      day: s.day,
      active: s.active,
      withNhsNumber: s.with_nhs,
      matchRate: s.active === 0 ? 0 : s.with_nhs / s.active,
      shielded: s.shielded,
      shieldPending: s.shield_pending,
      archived: s.archived,
      openMatchReviews: s.reviews,
    }));
    return {
      localAuthority: la ?? ALL_AUTHORITIES,
      weeks: days,
      usage,
      supply: supplyWeeks,
      snapshots: series,
      target: NHS_MATCH_TARGET,
    };
  });
}

// Management information (contactpoint.md; the item 7): the counts a local
// ContactPoint team reports on, for one authority or for all. Aggregates only: no CP
// number, name or service of any one child leaves here. Sensitive services are counted
// together under one label, never by their category, so a small count cannot point at
// a child's sexual-health, mental-health or substance-misuse service.
import { hasRole, type Actor } from '../../domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../context.js';
import { forbidden } from '../http/api-error.js';

/** The label sensitive services are counted under. */
export const SENSITIVE_SERVICES_LABEL = 'Sensitive services (not named)';
/** What stands for every authority when a national role asks for no one authority. */
export const ALL_AUTHORITIES = 'all';
/** The NHS number match rate the NHS successor required before going live. */
export const NHS_MATCH_TARGET = 0.95;

export interface ManagementInformation {
  localAuthority: string;
  at: string;
  children: { active: number; shielded: number; shieldPending: number; archived: number };
  nhs: { withNumber: number; active: number; matchRate: number; target: number };
  involvementsByService: { service: string; open: number }[];
  openMatchReviews: number;
  openAlerts: number;
  openUnshieldRequests: number;
  transfers: { incoming: number; outgoing: number };
}

/**
 * Whose figures: an LA team's own authority (asking for another's is 403); a data manager
 * or the national administrator any one authority, or all when none is named.
 */
export function authorityFor(actor: Actor, asked: string | undefined): string | null {
  if (hasRole(actor, 'data-manager', 'national-admin')) return asked ?? null;
  if (actor.localAuthority === null)
    throw forbidden(
      'no-local-authority',
      'Your account belongs to no local authority, so there are no figures you may see.',
    );
  if (asked !== undefined && asked !== actor.localAuthority) {
    throw forbidden('other-authority', "An LA team sees its own authority's management information only.");
  }
  return actor.localAuthority;
}

const n = (v: unknown) => Number(v ?? 0);

/** The figures now, read in one transaction (one snapshot), audited 'management-information-read'. */
export async function managementInformation(
  ctx: ServiceContext,
  actor: Actor,
  asked: string | undefined,
): Promise<ManagementInformation> {
  const la = authorityFor(actor, asked);
  const at = ctx.clock.now();
  // $1 is the authority, or null for all of them.
  const mine = (column: string) => `($1::text IS NULL OR ${column} = $1::text)`;
  return ctx.db.transaction(async (tx) => {
    // Each figure is a count over a few bytes per child (migration 11's index, read by an
    // index-only scan); a plan this cheap gains nothing from compiling it (JIT), which
    // would take longer than the scan.
    await tx.query('SET LOCAL jit = off');
    const [c] = await tx.query<Record<string, unknown>>(
      `SELECT count(*) FILTER (WHERE status = 'active')::int8 AS active,
              count(*) FILTER (WHERE status = 'active' AND shielded AND NOT shield_pending)::int8 AS shielded,
              count(*) FILTER (WHERE status = 'active' AND shield_pending)::int8 AS shield_pending,
              count(*) FILTER (WHERE status = 'archived')::int8 AS archived,
              count(*) FILTER (WHERE status = 'active' AND nhs_number IS NOT NULL)::int8 AS with_nhs,
              coalesce(sum(open_sensitive) FILTER (WHERE status = 'active'), 0)::int8 AS open_sensitive
         FROM children WHERE ${mine('local_authority')}`,
      [la],
    );
    // A child whose shield is pending is counted as shielded only when it is also
    // shielded in its own right, which only its record says: the few such records are
    // found through the partial index and opened.
    const [pendingOwn] = await tx.query<{ n: unknown }>(
      `SELECT count(*)::int8 AS n FROM children
        WHERE shield_pending AND ${mine('local_authority')} AND status = 'active' AND shielded AND (record->>'shielded')::boolean`,
      [la],
    );
    // Open involvements by service (migration 10's columns); sensitive ones under one label.
    const named = await tx.query<{ service: string; open: unknown }>(
      `SELECT s.service, count(*)::int8 AS open
         FROM children ch, jsonb_array_elements_text(ch.open_services) AS s(service)
        WHERE ch.status = 'active' AND ${mine('ch.local_authority')}
        GROUP BY 1`,
      [la],
    );
    const sensitive = n(c?.open_sensitive);
    const services = [...named, ...(sensitive > 0 ? [{ service: SENSITIVE_SERVICES_LABEL, open: sensitive }] : [])]
      .map((s) => ({ service: s.service, open: n(s.open) }))
      .sort((a, b) => b.open - a.open || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
    const [q] = await tx.query<Record<string, unknown>>(
      `SELECT (SELECT count(*) FROM match_reviews m JOIN children ch ON ch.cp_number = m.cp_number
                WHERE m.status = 'open' AND ${mine('ch.local_authority')})::int8 AS match_reviews,
              (SELECT count(*) FROM alerts WHERE status <> 'closed' AND ${mine('local_authority')})::int8 AS alerts,
              (SELECT count(*) FROM unshield_requests WHERE status = 'open' AND ${mine('local_authority')})::int8 AS unshield,
              (SELECT count(*) FROM transfers WHERE status = 'open' AND ${mine('to_local_authority')})::int8 AS incoming,
              (SELECT count(*) FROM transfers WHERE status = 'open' AND ${mine('from_local_authority')})::int8 AS outgoing`,
      [la],
    );
    const active = n(c?.active);
    const withNumber = n(c?.with_nhs);
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'management-information-read',
      detail: { localAuthority: la ?? ALL_AUTHORITIES },
    });
    return {
      localAuthority: la ?? ALL_AUTHORITIES,
      at: at.toISOString(),
      children: {
        active,
        shielded: n(c?.shielded) + n(pendingOwn?.n),
        shieldPending: n(c?.shield_pending),
        archived: n(c?.archived),
      },
      nhs: { withNumber, active, matchRate: active === 0 ? 0 : withNumber / active, target: NHS_MATCH_TARGET },
      involvementsByService: services,
      openMatchReviews: n(q?.match_reviews),
      openAlerts: n(q?.alerts),
      openUnshieldRequests: n(q?.unshield),
      transfers: { incoming: n(q?.incoming), outgoing: n(q?.outgoing) },
    };
  });
}

// Roll-out progress (issue 21, item 3): how far each authority has come in accrediting
// its partners and readying its practitioners, month by month. Counted from the stage
// history of organisations (migration 19) and the list of practitioners to ready
// (migration 20): accredited partners at each month's end are those whose latest step by
// then left them accredited (or, with no step recorded, their stage since it was set);
// identified, trained (course passed) and with access (account
// activated) are those with that date by then. A team sees its own authority; a data
// manager and the national administrator every authority, side by side.
import type { RolloutMonth, RolloutView } from '../../domain/api/rollout.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { forbidden } from '../http/api-error.js';
import type { Queryable } from '../store/database.js';

interface StageRow {
  local_authority: string | null;
  organisation_id: string;
  stage: string;
  at: Date;
}
interface PersonRow {
  local_authority: string;
  organisation_id: string;
  added_at: Date;
  course_passed_on: string | null;
  access_at: Date | null;
}
interface OrganisationRow {
  id: string;
  name: string;
  kind: string;
  stage: string | null;
  stage_since: Date | null;
  local_authority: string | null;
}

/** The last `n` months up to the one `now` is in, oldest first, with each month's last instant. */
function monthsUpTo(now: Date, n: number): { month: string; end: Date }[] {
  const out: { month: string; end: Date }[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1) - 1);
    out.push({ month: start.toISOString().slice(0, 7), end });
  }
  return out;
}

const dateOf = (d: string | Date): string => (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

export async function rolloutProgress(
  db: Queryable,
  actor: Actor,
  query: { localAuthority?: string | undefined; months?: number | undefined },
  now: Date,
): Promise<RolloutView> {
  const national = hasRole(actor, 'data-manager') || hasRole(actor, 'national-admin');
  let only: string | null = query.localAuthority ?? null;
  if (!national) {
    if (only !== null && only !== actor.localAuthority)
      throw forbidden('other-authority', 'A ContactPoint team sees only its own authority’s roll-out.');
    only = actor.localAuthority;
    if (only === null) throw forbidden('other-authority', 'This account belongs to no authority.');
  }
  const months = monthsUpTo(now, query.months ?? 12);
  const organisations = await db.query<OrganisationRow>(
    `SELECT id, name, kind, stage, stage_since, local_authority FROM organisations
      WHERE local_authority IS NOT NULL AND ($1::text IS NULL OR local_authority = $1) AND kind NOT IN ('national', 'supplier')
      ORDER BY local_authority, name`,
    [only],
  );
  const stages = await db.query<StageRow>(
    `SELECT o.local_authority, s.organisation_id, s.stage, s.at FROM organisation_stages s
       JOIN organisations o ON o.id = s.organisation_id
      WHERE o.local_authority IS NOT NULL AND ($1::text IS NULL OR o.local_authority = $1) AND o.kind NOT IN ('national', 'supplier')
      ORDER BY s.id`,
    [only],
  );
  const people = await db.query<PersonRow>(
    `SELECT p.local_authority, p.organisation_id, p.added_at, p.course_passed_on::text AS course_passed_on,
            CASE WHEN r.status = 'completed' THEN r.ended_at END AS access_at
       FROM practitioners_to_ready p LEFT JOIN account_requests r ON r.id = p.account_request_id
      WHERE ($1::text IS NULL OR p.local_authority = $1)`,
    [only],
  );

  const authorities = [
    ...new Set([...organisations.map((o) => o.local_authority!), ...people.map((p) => p.local_authority)]),
  ].sort();
  if (only !== null && !authorities.includes(only)) authorities.push(only);
  return {
    months: months.map((m) => m.month),
    authorities: authorities.map((la) => {
      const ownStages = stages.filter((s) => s.local_authority === la);
      const ownPeople = people.filter((p) => p.local_authority === la);
      const stepped = new Set(ownStages.map((s) => s.organisation_id));
      const series: RolloutMonth[] = months.map(({ month, end }) => {
        // Each organisation's stage as its latest step by the month's end left it.
        const stageBy = new Map<string, string>();
        for (const s of ownStages) if (s.at <= end) stageBy.set(s.organisation_id, s.stage);
        // An organisation written without a step (the training seed, older rows) has had
        // its stage since stage_since, or since before anything was counted.
        for (const o of organisations)
          if (o.local_authority === la && o.stage !== null && !stepped.has(o.id) && (o.stage_since ?? end) <= end)
            stageBy.set(o.id, o.stage);
        const day = dateOf(end);
        return {
          month,
          accreditedPartners: [...stageBy.values()].filter((s) => s === 'accredited').length,
          identified: ownPeople.filter((p) => p.added_at <= end).length,
          trained: ownPeople.filter((p) => p.course_passed_on !== null && p.course_passed_on <= day).length,
          withAccess: ownPeople.filter((p) => p.access_at !== null && p.access_at <= end).length,
        };
      });
      return {
        localAuthority: la,
        series,
        organisations: organisations
          .filter((o) => o.local_authority === la)
          .map((o) => {
            const theirs = ownPeople.filter((p) => p.organisation_id === o.id);
            return {
              id: o.id,
              name: o.name,
              kind: o.kind,
              stage: o.stage,
              identified: theirs.length,
              trained: theirs.filter((p) => p.course_passed_on !== null).length,
              withAccess: theirs.filter((p) => p.access_at !== null).length,
            };
          }),
      };
    }),
  };
}

// The directory of partner organisations and their accreditation as a process (issue 21,
// item 1). The stage table (domain/organisation-stages.ts) says who may take which step
// from which stage; this file enforces it with what a table cannot say:
//   - scope: an authority's team sees and proposes only its own authority's organisations
//     (another's is 404, so a team cannot probe), a data manager or the national
//     administrator all;
//   - four eyes: nobody accredits an organisation they proposed or prepared (403
//     own-request), nor one proposed or prepared by someone whose credentials or powers
//     they took part in issuing, or who took part in theirs (403 not-independent), as
//     domain/separation-of-duties.ts `organisation-accredit` says;
//   - nobody changes their own organisation's stage (403 own-organisation);
//   - evidence notes hold no case information (422 case-information).
// Each step is one transaction: the organisation row locked, the history entry written,
// the audit appended. The stage sets `accredited` (migration 19's trigger), which every
// request checks, so a suspension or withdrawal stops the organisation's users at their
// next request.
import { caseInformationMessage, caseWordsIn } from '../../domain/api/referrals.js';
import type {
  DirectoryEntryView,
  OrganisationDetailView,
  OrganisationsQuery,
  ProposeOrganisation,
  StageEntryView,
  StageStep,
} from '../../domain/api/organisations.js';
import {
  basedInProblem,
  mayTakeStep,
  nextSteps,
  stageLabels,
  stageRuleFor,
  type OrganisationKind,
  type OrganisationStage,
  type StageAction,
} from '../../domain/organisation-stages.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import { today, type ServiceContext } from '../context.js';
import { ApiError, forbidden } from '../http/api-error.js';
import type { Queryable } from '../store/database.js';
import { independenceProblem, notIndependent } from './account-requests.js';

interface DirectoryRow {
  id: string;
  name: string;
  kind: OrganisationKind;
  stage: OrganisationStage;
  accredited: boolean;
  local_authority: string | null;
  supplier: string | null;
  ods_code: string | null;
  urn: string | null;
  based_in: string | null;
  responsible_officer: string | null;
  agreement_signed_on: string | Date | null;
  evidence: string | null;
  stage_since: Date | null;
  users: number;
}

const columns = `o.id, o.name, o.kind, o.stage, o.accredited, o.local_authority, o.supplier, o.ods_code, o.urn,
  o.based_in, o.responsible_officer, o.agreement_signed_on::text AS agreement_signed_on, o.evidence, o.stage_since,
  (SELECT count(*)::int FROM users u WHERE u.organisation_id = o.id) AS users`;

const dateText = (d: string | Date | null): string | null =>
  d === null ? null : typeof d === 'string' ? d : d.toISOString().slice(0, 10);

const entryView = (r: DirectoryRow): DirectoryEntryView => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  stage: r.stage,
  accredited: r.accredited,
  localAuthority: r.local_authority,
  supplier: r.supplier,
  odsCode: r.ods_code,
  urn: r.urn,
  basedIn: r.based_in,
  responsibleOfficer: r.responsible_officer,
  agreementSignedOn: dateText(r.agreement_signed_on),
  evidence: r.evidence,
  stageSince: r.stage_since?.toISOString() ?? null,
  users: r.users,
});

// The same answer for an organisation that does not exist and one outside the caller's authority.
const notFound = () => new ApiError(404, 'organisation-not-found', 'There is no such organisation in your directory.');

/** Every authority's organisations for a data manager or the national administrator; a team its own. */
function national(actor: Actor): boolean {
  return hasRole(actor, 'national-admin', 'data-manager');
}

function teamAuthority(actor: Actor): string {
  if (actor.localAuthority === null)
    throw forbidden('no-local-authority', 'Your account belongs to no local authority, so it has no directory.');
  return actor.localAuthority;
}

/** The directory, by stage and kind if asked, ordered by name. */
export async function listDirectory(
  ctx: ServiceContext,
  actor: Actor,
  query: OrganisationsQuery,
): Promise<{ organisations: DirectoryEntryView[] }> {
  const all = national(actor);
  const rows = await ctx.db.query<DirectoryRow>(
    `SELECT ${columns} FROM organisations o
      WHERE ($1::boolean OR o.local_authority = $2)
        AND ($3::text IS NULL OR o.stage = $3) AND ($4::text IS NULL OR o.kind = $4)
      ORDER BY o.name COLLATE "C", o.id COLLATE "C"`,
    [all, all ? null : teamAuthority(actor), query.stage ?? null, query.kind ?? null],
  );
  return { organisations: rows.map(entryView) };
}

async function visibleRow(tx: Queryable, actor: Actor, id: string, lock: boolean): Promise<DirectoryRow> {
  const [row] = await tx.query<DirectoryRow>(
    `SELECT ${columns} FROM organisations o WHERE o.id = $1${lock ? ' FOR UPDATE OF o' : ''}`,
    [id],
  );
  if (!row) throw notFound();
  if (!national(actor) && row.local_authority !== teamAuthority(actor)) throw notFound();
  return row;
}

interface HistoryRow {
  action: StageAction | 'recorded';
  stage: OrganisationStage;
  at: Date;
  decided_by: string | null;
  decided_by_name: string | null;
  responsible_officer: string | null;
  agreement_signed_on: string | null;
  evidence: string | null;
}

async function historyOf(tx: Queryable, id: string): Promise<HistoryRow[]> {
  return tx.query<HistoryRow>(
    `SELECT s.action, s.stage, s.at, s.decided_by, u.name AS decided_by_name, s.responsible_officer,
            s.agreement_signed_on::text AS agreement_signed_on, s.evidence
       FROM organisation_stages s LEFT JOIN users u ON u.id = s.decided_by
      WHERE s.organisation_id = $1 ORDER BY s.id`,
    [id],
  );
}

const historyView = (h: HistoryRow): StageEntryView => ({
  action: h.action,
  stage: h.stage,
  at: h.at.toISOString(),
  decidedBy: h.decided_by ? { id: h.decided_by, name: h.decided_by_name ?? h.decided_by } : null,
  responsibleOfficer: h.responsible_officer,
  agreementSignedOn: h.agreement_signed_on,
  evidence: h.evidence,
});

/** Who proposed or prepared the organisation: none of them, nor anyone bound to them, may accredit it. */
const preparers = (history: readonly HistoryRow[]): string[] => [
  ...new Set(
    history
      .filter((h) => ['propose', 'start', 'prepare', 'propose-again'].includes(h.action) && h.decided_by !== null)
      .map((h) => h.decided_by!),
  ),
];

/** Why `actor` may not accredit an organisation with this history, or null. */
async function accreditProblem(tx: Queryable, actor: Actor, history: readonly HistoryRow[]): Promise<ApiError | null> {
  const people = preparers(history);
  if (people.includes(actor.userId))
    return forbidden(
      'own-request',
      'You proposed or prepared this organisation: someone independent of you must accredit it.',
    );
  for (const p of people) if ((await independenceProblem(tx, actor.userId, p)) !== null) return notIndependent();
  return null;
}

export async function getOrganisation(ctx: ServiceContext, actor: Actor, id: string): Promise<OrganisationDetailView> {
  return ctx.db.transaction(async (tx) => {
    const row = await visibleRow(tx, actor, id, false);
    const history = await historyOf(tx, id);
    const steps =
      id === actor.organisation.id ? [] : nextSteps(row.stage, actor.roles, actor.localAuthority, row.local_authority);
    const allowed: StageAction[] = [];
    for (const s of steps) {
      if (s.action === 'accredit' && (await accreditProblem(tx, actor, history)) !== null) continue;
      allowed.push(s.action);
    }
    return { ...entryView(row), history: history.map(historyView), nextActions: allowed };
  });
}

function refuseCaseInformation(field: string, text: string | undefined): void {
  const words = caseWordsIn(text);
  if (words.length > 0) {
    throw new ApiError(422, 'case-information', caseInformationMessage(field, words), {
      problems: [{ path: field, message: `contains words that suggest case information (${words.join(', ')})` }],
    });
  }
}

const invalid = (field: string, message: string) =>
  new ApiError(422, 'invalid-organisation', `${field}: ${message}`, { problems: [{ path: field, message }] });

/** Propose an organisation: it enters the directory at the stage "proposed". */
export async function proposeOrganisation(
  ctx: ServiceContext,
  actor: Actor,
  body: ProposeOrganisation,
): Promise<OrganisationDetailView> {
  const rule = stageRuleFor('propose');
  let authority: string;
  if (hasRole(actor, 'national-admin')) {
    if (!body.localAuthority)
      throw invalid('localAuthority', 'say which authority the organisation partners (its ONS code)');
    authority = body.localAuthority;
  } else {
    authority = teamAuthority(actor);
    if (body.localAuthority && body.localAuthority !== authority)
      throw forbidden('other-authority', 'A ContactPoint team proposes organisations for its own authority only.');
  }
  if (!mayTakeStep(rule, actor.roles, actor.localAuthority, authority))
    throw forbidden(
      'forbidden-role',
      'Only the authority’s ContactPoint team or the national administrator proposes organisations.',
    );
  const basedIn = basedInProblem(body.kind, body.basedIn || null, authority);
  if (basedIn) throw invalid('basedIn', basedIn);
  const now = ctx.clock.now();
  const id = `org-${ctx.randomBytes(8).toString('hex')}`;
  await ctx.db.transaction(async (tx) => {
    const [clash] = await tx.query<{ id: string }>(
      'SELECT id FROM organisations WHERE ($1::text IS NOT NULL AND ods_code = $1) OR ($2::text IS NOT NULL AND urn = $2) LIMIT 1',
      [body.odsCode || null, body.urn || null],
    );
    if (clash)
      throw new ApiError(
        409,
        'organisation-exists',
        'An organisation with this ODS code or URN is already in the directory: find it there instead.',
      );
    await tx.query(
      `INSERT INTO organisations (id, name, kind, stage, local_authority, supplier, ods_code, urn, based_in, stage_since)
       VALUES ($1, $2, $3, 'proposed', $4, NULL, $5, $6, $7, $8)`,
      [id, body.name, body.kind, authority, body.odsCode || null, body.urn || null, body.basedIn || null, now],
    );
    await tx.query(
      'INSERT INTO organisation_stages (organisation_id, action, stage, at, decided_by) VALUES ($1, $2, $3, $4, $5)',
      [id, 'propose', 'proposed', now, actor.userId],
    );
    await appendAudit(tx, {
      at: now,
      userId: actor.userId,
      action: 'account-changed',
      detail: { change: 'organisation-proposed', organisation: id, kind: body.kind, localAuthority: authority },
    });
  });
  return getOrganisation(ctx, actor, id);
}

/** Take one step of the process on an organisation. */
export async function takeStep(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  step: StageStep,
): Promise<OrganisationDetailView> {
  const rule = stageRuleFor(step.action);
  refuseCaseInformation('evidence', step.evidence);
  if (step.agreementSignedOn !== undefined && step.agreementSignedOn > today(ctx.clock))
    throw invalid('agreementSignedOn', 'must be today or earlier: the day the agreement was signed');
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const row = await visibleRow(tx, actor, id, true);
    if (!mayTakeStep(rule, actor.roles, actor.localAuthority, row.local_authority)) {
      const who = [...rule.anywhere, ...rule.ownAuthority.map((r) => `${r} of the organisation's authority`)].join(
        ', ',
      );
      throw forbidden('forbidden-role', `Only ${who} may ${rule.label.toLowerCase()}.`);
    }
    if (id === actor.organisation.id)
      throw forbidden(
        'own-organisation',
        'You may not change the accreditation of your own organisation: someone from another must do it.',
      );
    if (step.expectedStage !== undefined && step.expectedStage !== row.stage)
      throw new ApiError(
        409,
        'stage-changed',
        `The organisation is now ${stageLabels[row.stage].toLowerCase()}: someone changed it since you looked. Look again.`,
        { stage: row.stage },
      );
    if (!rule.from.includes(row.stage))
      throw new ApiError(
        409,
        'wrong-stage',
        `"${rule.label}" is not a step from ${stageLabels[row.stage].toLowerCase()} (only from ${rule.from.map((s) => stageLabels[s].toLowerCase()).join(' or ')}).`,
        { stage: row.stage },
      );
    // The preparation (officer, agreement, evidence) is the team's, recorded by start and
    // prepare; the other steps keep it as it is and carry only their own note.
    const preparing = step.action === 'start' || step.action === 'prepare';
    if (!preparing && (step.responsibleOfficer !== undefined || step.agreementSignedOn !== undefined))
      throw invalid(
        step.responsibleOfficer !== undefined ? 'responsibleOfficer' : 'agreementSignedOn',
        `is recorded while preparing (mark in progress, record preparation), not by "${rule.label}"`,
      );
    const officer = (preparing ? step.responsibleOfficer : undefined) ?? row.responsible_officer;
    const agreement = (preparing ? step.agreementSignedOn : undefined) ?? dateText(row.agreement_signed_on);
    const evidence = (preparing ? step.evidence : undefined) ?? row.evidence;
    for (const need of rule.needs) {
      if (need === 'responsibleOfficer' && !step.responsibleOfficer)
        throw invalid('responsibleOfficer', 'name the responsible officer in the organisation');
      if (need === 'evidence' && !step.evidence)
        throw invalid('evidence', 'say what was seen, or why, in a short note');
    }
    if (step.action === 'prepare' && !step.responsibleOfficer && !step.agreementSignedOn && !step.evidence)
      throw invalid('evidence', 'record at least one of the officer, the agreement’s date or the evidence');
    const history = await historyOf(tx, id);
    if (step.action === 'accredit') {
      const missing = [
        officer ? null : 'the responsible officer',
        agreement ? null : 'the date the agreement was signed',
        evidence ? null : 'the evidence',
      ].filter((m): m is string => m !== null);
      if (missing.length > 0)
        throw new ApiError(
          409,
          'preparation-incomplete',
          `The organisation cannot be accredited before its team records ${missing.join(', ')}.`,
          { missing },
        );
      const problem = await accreditProblem(tx, actor, history);
      if (problem) throw problem;
    }
    await tx.query(
      `UPDATE organisations SET stage = $2, responsible_officer = $3, agreement_signed_on = $4, evidence = $5,
              stage_since = CASE WHEN stage = $2 THEN stage_since ELSE $6 END
        WHERE id = $1`,
      [id, rule.to, officer, agreement, evidence, now],
    );
    await tx.query(
      `INSERT INTO organisation_stages (organisation_id, action, stage, at, decided_by, responsible_officer, agreement_signed_on, evidence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        step.action,
        rule.to,
        now,
        actor.userId,
        step.responsibleOfficer ?? null,
        step.agreementSignedOn ?? null,
        step.evidence ?? null,
      ],
    );
    await appendAudit(tx, {
      at: now,
      userId: actor.userId,
      action: 'account-changed',
      detail: {
        change: 'organisation-stage',
        organisation: id,
        step: step.action,
        fields: ['stage', 'accredited'],
        was: { stage: row.stage, accredited: row.accredited },
        to: { stage: rule.to, accredited: rule.to === 'accredited' },
      },
    });
  });
  return getOrganisation(ctx, actor, id);
}

// Practitioners to ready (issue 21, item 2): each authority's list of the people of its
// partner organisations who will need access, in training order, with what each still
// needs (domain/practitioners-to-ready.ts holds the rules). This file adds what a rule
// cannot say:
//   - scope: a team sees and changes only its own authority's list, and only people of
//     its own partner organisations (another authority's entry is 404, so a team cannot
//     probe); a data manager or the national administrator reads every authority's;
//   - an import is all or nothing: every row is checked, and one bad row (named by its
//     row number and field) refuses the whole file, nothing stored;
//   - an account is asked for only when every item is met, and then only through the
//     two-person account request (account-requests.ts): this creates no credential, and
//     whoever asks cannot also confirm, nor can anyone bound to them;
//   - lapsing items come up as tasks 30 days ahead, for people not yet with access and,
//     through lapsing.ts, for accounts.
// Names and email addresses are personal data: errors name the row and field, never the
// value, and the audit keeps the entry's id only.
import type {
  AddPractitioner,
  ImportEntry,
  PractitionersQuery,
  PractitionerView,
  ReadinessTaskView,
  UpdatePractitioner,
} from '../../domain/api/practitioners.js';
import type { AccountRequestView } from '../../domain/api/accounts.js';
import type { OrganisationStage } from '../../domain/organisation-stages.js';
import {
  checkLapsesOn,
  checkPractitioner,
  datedTasks,
  missingFor,
  missingItemLabels,
  organisationMatcher,
  practitionerFieldLabels,
  refresherDueOn,
  TASK_NOTICE_DAYS,
  type FieldProblem,
  type PractitionerDraft,
  type PractitionerFacts,
  type Readiness,
  type ReadinessRole,
} from '../../domain/practitioners-to-ready.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import { today, type ServiceContext } from '../context.js';
import { ApiError, conflict, forbidden } from '../http/api-error.js';
import type { Queryable } from '../store/database.js';
import { lapsingUsers } from './lapsing.js';
import { createUserIn } from './management.js';

interface EntryRow {
  id: string;
  local_authority: string;
  organisation_id: string;
  org_name: string;
  org_stage: OrganisationStage;
  org_accredited: boolean;
  name: string;
  work_email: string;
  role: ReadinessRole;
  training_priority: number;
  enhanced_check_date: string | null;
  course_booked_on: string | null;
  course_attended_on: string | null;
  course_passed_on: string | null;
  agreement_signed_on: string | null;
  user_id: string | null;
  request_id: string | null;
  request_status: string | null;
}

const columns = `p.id::text AS id, p.local_authority, p.organisation_id, o.name AS org_name, o.stage AS org_stage,
  o.accredited AS org_accredited, p.name, p.work_email, p.role, p.training_priority,
  p.enhanced_check_date::text AS enhanced_check_date, p.course_booked_on::text AS course_booked_on,
  p.course_attended_on::text AS course_attended_on, p.course_passed_on::text AS course_passed_on,
  p.agreement_signed_on::text AS agreement_signed_on, p.user_id, r.id::text AS request_id, r.status AS request_status`;
const from = `practitioners_to_ready p JOIN organisations o ON o.id = p.organisation_id
  LEFT JOIN account_requests r ON r.id = p.account_request_id`;

function viewOf(row: EntryRow, day: string): PractitionerView {
  const missing = missingFor(
    {
      enhancedCheckDate: row.enhanced_check_date,
      coursePassedOn: row.course_passed_on,
      agreementSignedOn: row.agreement_signed_on,
    },
    row.org_accredited,
    day,
  );
  const readiness: Readiness =
    row.user_id === null
      ? missing.length === 0
        ? 'ready'
        : 'needs-items'
      : row.request_status === 'completed'
        ? 'has-account'
        : 'account-requested';
  return {
    id: row.id,
    localAuthority: row.local_authority,
    organisation: {
      id: row.organisation_id,
      name: row.org_name,
      stage: row.org_stage,
      accredited: row.org_accredited,
    },
    name: row.name,
    workEmail: row.work_email,
    role: row.role,
    trainingPriority: row.training_priority,
    enhancedCheckDate: row.enhanced_check_date,
    checkLapsesOn: row.enhanced_check_date === null ? null : checkLapsesOn(row.enhanced_check_date),
    courseBookedOn: row.course_booked_on,
    courseAttendedOn: row.course_attended_on,
    coursePassedOn: row.course_passed_on,
    refresherDueOn: row.course_passed_on === null ? null : refresherDueOn(row.course_passed_on),
    agreementSignedOn: row.agreement_signed_on,
    userId: row.user_id,
    accountRequest: row.request_id === null ? null : { id: row.request_id, status: row.request_status ?? '' },
    missing,
    readiness,
  };
}

const national = (actor: Actor) => hasRole(actor, 'national-admin', 'data-manager');

function teamAuthority(actor: Actor): string {
  if (actor.localAuthority === null)
    throw forbidden('no-local-authority', 'Your account belongs to no local authority, so it has no list to keep.');
  return actor.localAuthority;
}

/** Only an authority's team keeps its list: a data manager or administrator reads it. */
function writerAuthority(actor: Actor): string {
  if (!hasRole(actor, 'la-team'))
    throw forbidden('forbidden-role', 'Only the authority’s ContactPoint team keeps its list of practitioners.');
  return teamAuthority(actor);
}

// The same answer for an entry that does not exist and one of another authority.
const notFound = () =>
  new ApiError(404, 'practitioner-not-found', 'There is no such person on your list of practitioners to ready.');

/** 422 naming each field's problem (never its value). */
function invalid(problems: readonly FieldProblem[]): ApiError {
  const text = problems.map((p) => `${practitionerFieldLabels[p.field]}: ${p.message}`).join('; ');
  return new ApiError(422, 'invalid-practitioner', text, {
    problems: problems.map((p) => ({ path: p.field, message: p.message })),
  });
}

const draftOf = (b: Omit<AddPractitioner, 'organisationId'>): PractitionerDraft => ({
  name: b.name,
  workEmail: b.workEmail,
  role: b.role,
  trainingPriority: b.trainingPriority,
  enhancedCheckDate: b.enhancedCheckDate ?? null,
  courseBookedOn: b.courseBookedOn ?? null,
  courseAttendedOn: b.courseAttendedOn ?? null,
  coursePassedOn: b.coursePassedOn ?? null,
  agreementSignedOn: b.agreementSignedOn ?? null,
});

/** The organisation if it is one of the authority's partners; else a 422 naming the field. */
async function partnerOf(tx: Queryable, authority: string, organisationId: string): Promise<void> {
  const [org] = await tx.query<{ id: string }>('SELECT id FROM organisations WHERE id = $1 AND local_authority = $2', [
    organisationId,
    authority,
  ]);
  if (!org)
    throw new ApiError(
      422,
      'unknown-organisation',
      'Organisation: must be one of your authority’s partner organisations (see the Organisations tab).',
      { problems: [{ path: 'organisationId', message: 'must be one of your authority’s partner organisations' }] },
    );
}

const emailTaken = () =>
  conflict('practitioner-exists', 'Work email: this person is on your list already. Find them there and update them.');

async function insertEntry(
  tx: Queryable,
  actor: Actor,
  authority: string,
  organisationId: string,
  f: PractitionerFacts,
  at: Date,
): Promise<string | null> {
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO practitioners_to_ready (local_authority, organisation_id, name, work_email, role, training_priority,
        enhanced_check_date, course_booked_on, course_attended_on, course_passed_on, agreement_signed_on, added_by, added_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (local_authority, work_email) DO NOTHING RETURNING id::text AS id`,
    [
      authority,
      organisationId,
      f.name,
      f.workEmail,
      f.role,
      f.trainingPriority,
      f.enhancedCheckDate,
      f.courseBookedOn,
      f.courseAttendedOn,
      f.coursePassedOn,
      f.agreementSignedOn,
      actor.userId,
      at,
    ],
  );
  return rows[0]?.id ?? null;
}

async function entryById(tx: Queryable, id: string, lock = false): Promise<EntryRow | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const [row] = await tx.query<EntryRow>(
    `SELECT ${columns} FROM ${from} WHERE p.id = $1${lock ? ' FOR UPDATE OF p' : ''}`,
    [id],
  );
  return row;
}

/** The list, ordered by training priority (then name), filtered by organisation and readiness if asked. */
export async function listPractitioners(
  ctx: ServiceContext,
  actor: Actor,
  query: PractitionersQuery,
): Promise<{ practitioners: PractitionerView[] }> {
  const all = national(actor);
  if (!all && query.localAuthority !== undefined && query.localAuthority !== teamAuthority(actor))
    throw forbidden('other-authority', 'A ContactPoint team sees only its own authority’s list.');
  const rows = await ctx.db.query<EntryRow>(
    `SELECT ${columns} FROM ${from}
      WHERE ($1::boolean OR p.local_authority = $2) AND ($3::text IS NULL OR p.local_authority = $3)
        AND ($4::text IS NULL OR p.organisation_id = $4)
      ORDER BY p.training_priority, p.name COLLATE "C", p.id`,
    [all, all ? null : teamAuthority(actor), query.localAuthority ?? null, query.organisationId ?? null],
  );
  const day = today(ctx.clock);
  const views = rows.map((r) => viewOf(r, day));
  return { practitioners: query.readiness ? views.filter((v) => v.readiness === query.readiness) : views };
}

export async function addPractitioner(
  ctx: ServiceContext,
  actor: Actor,
  body: AddPractitioner,
): Promise<PractitionerView> {
  const authority = writerAuthority(actor);
  const checked = checkPractitioner(draftOf(body), today(ctx.clock));
  if (!checked.ok) throw invalid(checked.problems);
  const at = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    await partnerOf(tx, authority, body.organisationId);
    const id = await insertEntry(tx, actor, authority, body.organisationId, checked.facts, at);
    if (id === null) throw emailTaken();
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'account-changed',
      detail: { change: 'practitioner-added', practitioner: id, organisation: body.organisationId },
    });
    return viewOf((await entryById(tx, id))!, today(ctx.clock));
  });
}

/** Fields that describe who the person is: fixed once an account is asked for (change the account instead). */
const identityFields = ['organisationId', 'name', 'workEmail', 'role'] as const;

export async function updatePractitioner(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  body: UpdatePractitioner,
): Promise<PractitionerView> {
  const authority = writerAuthority(actor);
  const day = today(ctx.clock);
  const at = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const row = await entryById(tx, id, true);
    if (!row || row.local_authority !== authority) throw notFound();
    const changed = (Object.keys(body) as (keyof UpdatePractitioner)[]).filter((k) => body[k] !== undefined);
    if (row.user_id !== null) {
      const fixed = changed.find((k) => (identityFields as readonly string[]).includes(k));
      if (fixed)
        throw conflict(
          'account-requested',
          `${practitionerFieldLabels[fixed === 'organisationId' ? 'organisation' : fixed]}: an account has been asked for this person, so it is changed on the account (Accounts tab), not here.`,
        );
    }
    const keep = <T>(value: T | undefined, current: T) => (value === undefined ? current : value);
    const checked = checkPractitioner(
      {
        name: keep(body.name, row.name),
        workEmail: keep(body.workEmail, row.work_email),
        role: keep(body.role, row.role),
        trainingPriority: keep(body.trainingPriority, row.training_priority),
        enhancedCheckDate: keep(body.enhancedCheckDate, row.enhanced_check_date),
        courseBookedOn: keep(body.courseBookedOn, row.course_booked_on),
        courseAttendedOn: keep(body.courseAttendedOn, row.course_attended_on),
        coursePassedOn: keep(body.coursePassedOn, row.course_passed_on),
        agreementSignedOn: keep(body.agreementSignedOn, row.agreement_signed_on),
      },
      day,
    );
    if (!checked.ok) throw invalid(checked.problems);
    const organisationId = body.organisationId ?? row.organisation_id;
    if (organisationId !== row.organisation_id) await partnerOf(tx, authority, organisationId);
    const f = checked.facts;
    const clash = await tx.query(
      'SELECT 1 FROM practitioners_to_ready WHERE local_authority = $1 AND work_email = $2 AND id <> $3',
      [authority, f.workEmail, id],
    );
    if (clash.length > 0) throw emailTaken();
    await tx.query(
      `UPDATE practitioners_to_ready SET organisation_id = $2, name = $3, work_email = $4, role = $5, training_priority = $6,
          enhanced_check_date = $7, course_booked_on = $8, course_attended_on = $9, course_passed_on = $10,
          agreement_signed_on = $11, updated_by = $12, updated_at = $13
        WHERE id = $1`,
      [
        id,
        organisationId,
        f.name,
        f.workEmail,
        f.role,
        f.trainingPriority,
        f.enhancedCheckDate,
        f.courseBookedOn,
        f.courseAttendedOn,
        f.coursePassedOn,
        f.agreementSignedOn,
        actor.userId,
        at,
      ],
    );
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'account-changed',
      detail: { change: 'practitioner-updated', practitioner: id, fields: changed },
    });
    return viewOf((await entryById(tx, id))!, day);
  });
}

/** A row of an import that cannot be stored, and why, field by field. */
export interface RowProblems {
  row: number;
  problems: FieldProblem[];
}

/** How a refusal of an import reads: the first rows named, the rest counted. */
function importRefused(bad: readonly RowProblems[]): ApiError {
  const shown = bad
    .slice(0, 5)
    .map(
      (r) => `row ${r.row}: ${r.problems.map((p) => `${practitionerFieldLabels[p.field]} ${p.message}`).join('; ')}`,
    );
  const more = bad.length > shown.length ? `; and ${bad.length - shown.length} more rows` : '';
  return new ApiError(
    422,
    'import-refused',
    `Nothing was imported: ${bad.length === 1 ? '1 row has' : `${bad.length} rows have`} problems. ${shown.join('. ')}${more}.`,
    { rows: bad },
  );
}

/**
 * Add many people at once, all or nothing: every row is checked (its facts, its
 * organisation among the authority's partners, its email new to the list and to the
 * file) before any is stored, and one transaction stores them all.
 */
export async function importPractitioners(
  ctx: ServiceContext,
  actor: Actor,
  entries: readonly ImportEntry[],
): Promise<{ imported: number }> {
  const authority = writerAuthority(actor);
  const day = today(ctx.clock);
  const at = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const orgs = await tx.query<{ id: string; name: string; ods_code: string | null; urn: string | null }>(
      'SELECT id, name, ods_code, urn FROM organisations WHERE local_authority = $1',
      [authority],
    );
    const organisationOf = organisationMatcher(
      orgs.map((o) => ({ id: o.id, name: o.name, odsCode: o.ods_code, urn: o.urn })),
    );
    const existing = new Set(
      (
        await tx.query<{ work_email: string }>(
          'SELECT work_email FROM practitioners_to_ready WHERE local_authority = $1',
          [authority],
        )
      ).map((r) => r.work_email),
    );
    const inFile = new Map<string, number>();
    const bad: RowProblems[] = [];
    const good: { organisationId: string; facts: PractitionerFacts }[] = [];
    for (const e of entries) {
      const problems: FieldProblem[] = [];
      const organisation = organisationOf(e.organisation);
      if ('problem' in organisation) problems.push({ field: 'organisation', message: organisation.problem });
      const checked = checkPractitioner(
        {
          name: e.name,
          workEmail: e.workEmail,
          role: e.role,
          trainingPriority: e.trainingPriority,
          enhancedCheckDate: e.enhancedCheckDate ?? null,
          courseBookedOn: e.courseBookedOn ?? null,
          courseAttendedOn: e.courseAttendedOn ?? null,
          coursePassedOn: e.coursePassedOn ?? null,
          agreementSignedOn: e.agreementSignedOn ?? null,
        },
        day,
      );
      if (!checked.ok) problems.push(...checked.problems);
      else {
        const email = checked.facts.workEmail;
        if (existing.has(email)) problems.push({ field: 'workEmail', message: 'is on your list already' });
        else if (inFile.has(email))
          problems.push({ field: 'workEmail', message: `is on row ${inFile.get(email)} of the file too` });
        else inFile.set(email, e.row);
      }
      if (problems.length > 0) bad.push({ row: e.row, problems });
      else if (checked.ok && 'id' in organisation) good.push({ organisationId: organisation.id, facts: checked.facts });
    }
    if (bad.length > 0) throw importRefused(bad);
    for (const g of good) {
      // Another import between our read and this insert: the whole file is refused, as it would have been.
      if ((await insertEntry(tx, actor, authority, g.organisationId, g.facts, at)) === null) throw emailTaken();
    }
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'account-changed',
      detail: { change: 'practitioners-imported', count: good.length },
    });
    return { imported: good.length };
  });
}

/** The account id made from a work email: what comes before the @, kept to the letters an id may hold. */
export function userIdFromEmail(email: string): string {
  const local = (email.split('@')[0] ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '.')
    .replace(/^[._-]+/, '');
  return local.slice(0, 64) || 'practitioner';
}

/**
 * Ask for the person's account once every item is met (409 not-ready naming what is
 * missing otherwise). The account is made with no credential and an account request
 * opened, in one transaction with the link from the list: a second, independent person
 * confirms it (POST /v1/account-requests/{id}/confirm), and only the holder activates it.
 */
export async function requestPractitionerAccount(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  userId: string | undefined,
): Promise<{ practitioner: PractitionerView; request: AccountRequestView; firstHalf: string }> {
  const authority = writerAuthority(actor);
  const day = today(ctx.clock);
  const at = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const row = await entryById(tx, id, true);
    if (!row || row.local_authority !== authority) throw notFound();
    if (row.user_id !== null)
      throw conflict(
        'account-requested',
        `An account has been asked for this person already (${row.user_id}): see the Accounts tab.`,
      );
    const view = viewOf(row, day);
    if (view.missing.length > 0)
      throw new ApiError(
        409,
        'not-ready',
        `This person is not ready for an account: still needs ${view.missing.map((m) => missingItemLabels[m]).join(', ')}.`,
        { missing: view.missing },
      );
    const account = userId ?? userIdFromEmail(row.work_email);
    const issued = await createUserIn(ctx, tx, actor, {
      id: account,
      name: row.name,
      organisationId: row.organisation_id,
      roles: [row.role],
      localAuthority: row.local_authority,
      enhancedCheckDate: row.enhanced_check_date,
      trainingCompleted: true,
      agreementSigned: true,
    });
    await tx.query('UPDATE practitioners_to_ready SET user_id = $2, account_request_id = $3 WHERE id = $1', [
      id,
      account,
      issued.request.id,
    ]);
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'account-changed',
      detail: { change: 'practitioner-account-requested', practitioner: id, account, request: issued.request.id },
    });
    return {
      practitioner: viewOf((await entryById(tx, id))!, day),
      request: issued.request,
      firstHalf: issued.firstHalf,
    };
  });
}

/**
 * Lapsing items falling due within `days` (or overdue): checks and refreshers of people
 * not yet with access, and of accounts (lapsing.ts for the accounts' checks, training
 * and agreement; the list's course dates for their refreshers). Now first, then by day.
 */
export async function readinessTasks(
  ctx: ServiceContext,
  actor: Actor,
  days = TASK_NOTICE_DAYS,
): Promise<{ tasks: ReadinessTaskView[] }> {
  const all = national(actor);
  const day = today(ctx.clock);
  const rows = await ctx.db.query<EntryRow & { user_stopped: boolean | null }>(
    `SELECT ${columns}, (u.suspended OR u.closed_at IS NOT NULL) AS user_stopped
       FROM ${from} LEFT JOIN users u ON u.id = p.user_id
      WHERE ($1::boolean OR p.local_authority = $2)
        AND (p.enhanced_check_date IS NOT NULL OR p.course_passed_on IS NOT NULL)`,
    [all, all ? null : teamAuthority(actor)],
  );
  const tasks: ReadinessTaskView[] = [];
  for (const r of rows) {
    const organisation = { id: r.organisation_id, name: r.org_name };
    for (const t of datedTasks(
      { enhancedCheckDate: r.enhanced_check_date, coursePassedOn: r.course_passed_on },
      day,
      days,
    )) {
      if (r.user_id === null)
        tasks.push({ kind: t.kind, due: t.due, name: r.name, practitionerId: r.id, userId: null, organisation });
      // An account's check comes from the account itself (below); its refresher from the list.
      else if (t.kind === 'refresher-due' && r.user_stopped === false)
        tasks.push({ kind: t.kind, due: t.due, name: r.name, practitionerId: r.id, userId: r.user_id, organisation });
    }
  }
  const linked = new Map(rows.filter((r) => r.user_id !== null).map((r) => [r.user_id!, r.id]));
  const { users } = await lapsingUsers(ctx, actor, days);
  for (const u of users)
    for (const reason of u.reasons)
      tasks.push({
        kind: reason.kind === 'enhanced-check' ? 'enhanced-check-lapses' : reason.kind,
        due: reason.kind === 'enhanced-check' ? reason.date : null,
        name: u.name,
        practitionerId: linked.get(u.id) ?? null,
        userId: u.id,
        organisation: u.organisation,
      });
  const order = (d: string | null) => d ?? '';
  tasks.sort((a, b) =>
    order(a.due) !== order(b.due)
      ? order(a.due) < order(b.due)
        ? -1
        : 1
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0,
  );
  return { tasks };
}

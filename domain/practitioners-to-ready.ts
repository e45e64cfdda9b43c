// Practitioners to ready (issue 21, item 2): the people of an authority's partner
// organisations who will need access, in the order they will be trained, and what each
// still needs before an account is asked for. The seed's teams ran this list beside
// accreditation for two years ("the identification of the practitioners that will require
// access and the priority order for training"). The rules here are the service's and the
// desktop's both: zod-free, so the renderer may import them (its bundle carries no zod).
//
// An account is asked for only when every item is met (contactpoint.md "Access,
// accreditation, audit"): an enhanced check under 3 years old, the course passed (and
// not due a refresher), the end-user agreement signed, and the organisation accredited.
import { addDays, addYears, isValidIsoDate } from './dates.js';

/** The roles a team readies people for: never a management role (those are the national administrator's to give). */
export const readinessRoles = ['practitioner', 'child-protection'] as const;
export type ReadinessRole = (typeof readinessRoles)[number];
export const readinessRoleLabels: Record<ReadinessRole, string> = {
  practitioner: 'Practitioner',
  'child-protection': 'Child protection',
};

/** An enhanced criminal records check is valid this long (as service/accounts/accreditation.ts refuses after). */
export const CHECK_VALID_YEARS = 3;
/**
 * Training is refreshed this long after the course was passed. The brief sets no period;
 * three years matches the enhanced check's, so one renewal cycle covers both, and the
 * seed's two-year roll-out ends before the first refresher falls due.
 */
export const REFRESHER_YEARS = 3;
/** Lapsing items come up as tasks this many days ahead. */
export const TASK_NOTICE_DAYS = 30;
export const PRIORITY_MAX = 100_000;

/** The facts kept about one person, as the wire and the forms name them. */
export interface PractitionerFacts {
  name: string;
  workEmail: string;
  role: ReadinessRole;
  trainingPriority: number;
  enhancedCheckDate: string | null;
  courseBookedOn: string | null;
  courseAttendedOn: string | null;
  coursePassedOn: string | null;
  agreementSignedOn: string | null;
}

export type PractitionerField = keyof PractitionerFacts | 'organisation';

export const practitionerFieldLabels: Record<PractitionerField, string> = {
  organisation: 'Organisation',
  name: 'Name',
  workEmail: 'Work email',
  role: 'Role',
  trainingPriority: 'Training priority',
  enhancedCheckDate: 'Enhanced check date',
  courseBookedOn: 'Course booked for',
  courseAttendedOn: 'Course attended on',
  coursePassedOn: 'Course passed on',
  agreementSignedOn: 'Agreement signed on',
};

export const dateFields = [
  'enhancedCheckDate',
  'courseBookedOn',
  'courseAttendedOn',
  'coursePassedOn',
  'agreementSignedOn',
] as const satisfies readonly (keyof PractitionerFacts)[];
export type DateField = (typeof dateFields)[number];

/**
 * A day as a person types it: ISO (2026-03-31) or the UK's day/month/year (31/03/2026,
 * 31-3-2026). The ISO date, null for an empty cell, or undefined for a day that is not one.
 */
export function parseDay(text: string): string | null | undefined {
  const t = text.trim();
  if (t === '') return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return isValidIsoDate(t) ? t : undefined;
  const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  if (!uk) return undefined;
  const iso = `${uk[3]}-${uk[2]!.padStart(2, '0')}-${uk[1]!.padStart(2, '0')}`;
  return isValidIsoDate(iso) ? iso : undefined;
}

const emailPattern = /^[^\s@"<>,;]+@[^\s@"<>,;]+\.[A-Za-z0-9-]{2,}$/;

export interface FieldProblem {
  field: PractitionerField;
  message: string;
}

/** Facts as typed or read, before they are checked: every value text (a number for the priority from the wire). */
export interface PractitionerDraft {
  name: string;
  workEmail: string;
  role: string;
  trainingPriority: string | number;
  enhancedCheckDate: string | null;
  courseBookedOn: string | null;
  courseAttendedOn: string | null;
  coursePassedOn: string | null;
  agreementSignedOn: string | null;
}

/**
 * What is wrong with a person's facts, field by field (never quoting the value: these are
 * personal data), or the facts made good: names trimmed, the email in lower case, days ISO.
 */
export function checkPractitioner(
  draft: PractitionerDraft,
  today: string,
): { ok: true; facts: PractitionerFacts } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const name = draft.name.trim();
  if (name === '') problems.push({ field: 'name', message: 'enter the person’s name' });
  else if (name.length > 200) problems.push({ field: 'name', message: 'must be 200 characters or fewer' });
  const workEmail = draft.workEmail.trim().toLowerCase();
  if (workEmail === '') problems.push({ field: 'workEmail', message: 'enter the person’s work email address' });
  else if (workEmail.length > 254 || !emailPattern.test(workEmail))
    problems.push({ field: 'workEmail', message: 'must be an email address, such as name@example.org.uk' });
  const role = draft.role.trim().toLowerCase().replace(/\s+/g, '-');
  if (!(readinessRoles as readonly string[]).includes(role))
    problems.push({ field: 'role', message: 'must be practitioner or child-protection' });
  const priorityText = String(draft.trainingPriority).trim();
  const trainingPriority = Number(priorityText);
  if (!/^\d{1,6}$/.test(priorityText) || trainingPriority < 1 || trainingPriority > PRIORITY_MAX)
    problems.push({
      field: 'trainingPriority',
      message: `must be a whole number from 1 (trained first) to ${PRIORITY_MAX}`,
    });
  const days = {} as Record<DateField, string | null>;
  for (const field of dateFields) {
    const value = draft[field];
    const day = value === null ? null : parseDay(value);
    if (day === undefined) {
      problems.push({ field, message: 'must be a real date, such as 2026-03-31 or 31/03/2026' });
      days[field] = null;
    } else days[field] = day;
  }
  const past = (field: DateField, what: string) => {
    const d = days[field];
    if (d !== null && d > today) problems.push({ field, message: `must be today or earlier: ${what}` });
  };
  past('enhancedCheckDate', 'the day the check was issued');
  past('courseAttendedOn', 'the day the person attended the course');
  past('coursePassedOn', 'the day the person passed the course');
  past('agreementSignedOn', 'the day the person signed the end-user agreement');
  const { courseAttendedOn: attended, coursePassedOn: passed } = days;
  if (passed !== null && attended === null)
    problems.push({ field: 'courseAttendedOn', message: 'give the day the course was attended: it was passed' });
  else if (passed !== null && attended !== null && passed < attended)
    problems.push({ field: 'coursePassedOn', message: 'must be on or after the day the course was attended' });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    facts: { name, workEmail, role: role as ReadinessRole, trainingPriority, ...days },
  };
}

/** What a person still needs before an account may be asked for. */
export const missingItems = [
  'enhanced-check',
  'enhanced-check-lapsed',
  'course-passed',
  'refresher-due',
  'agreement',
  'organisation-accredited',
] as const;
export type MissingItem = (typeof missingItems)[number];

export const missingItemLabels: Record<MissingItem, string> = {
  'enhanced-check': 'an enhanced check',
  'enhanced-check-lapsed': 'a new enhanced check (the last is over 3 years old)',
  'course-passed': 'the training course passed',
  'refresher-due': `a refresher course (the course was passed over ${REFRESHER_YEARS} years ago)`,
  agreement: 'the end-user agreement signed',
  'organisation-accredited': 'the organisation accredited',
};

/** The first day a check dated `checked` is no longer valid. */
export const checkLapsesOn = (checked: string) => addYears(checked, CHECK_VALID_YEARS);
/** The day a refresher is due for a course passed on `passed`. */
export const refresherDueOn = (passed: string) => addYears(passed, REFRESHER_YEARS);

/** Everything still missing, in the order the list shows it; empty when the person is ready. */
export function missingFor(
  p: Pick<PractitionerFacts, 'enhancedCheckDate' | 'coursePassedOn' | 'agreementSignedOn'>,
  organisationAccredited: boolean,
  today: string,
): MissingItem[] {
  const missing: MissingItem[] = [];
  if (p.enhancedCheckDate === null) missing.push('enhanced-check');
  else if (checkLapsesOn(p.enhancedCheckDate) <= today) missing.push('enhanced-check-lapsed');
  if (p.coursePassedOn === null) missing.push('course-passed');
  else if (refresherDueOn(p.coursePassedOn) <= today) missing.push('refresher-due');
  if (p.agreementSignedOn === null) missing.push('agreement');
  if (!organisationAccredited) missing.push('organisation-accredited');
  return missing;
}

/** Where a person stands: items still needed, ready for an account, the account asked for, or the account in use. */
export const readinessStates = ['needs-items', 'ready', 'account-requested', 'has-account'] as const;
export type Readiness = (typeof readinessStates)[number];
export const readinessLabels: Record<Readiness, string> = {
  'needs-items': 'Still needs items',
  ready: 'Ready for an account',
  'account-requested': 'Account asked for',
  'has-account': 'Has an account',
};

/** Tasks the team chases: each due on a day (null: now, as the account may not act). */
export const taskKinds = [
  'enhanced-check-lapses',
  'refresher-due',
  'enhanced-check-missing',
  'training-missing',
  'agreement-missing',
] as const;
export type TaskKind = (typeof taskKinds)[number];
export const taskLabels: Record<TaskKind, string> = {
  'enhanced-check-lapses': 'Enhanced check lapses',
  'refresher-due': 'Refresher training due',
  'enhanced-check-missing': 'No enhanced check recorded',
  'training-missing': 'Training not recorded',
  'agreement-missing': 'Agreement not signed',
};

/** A person's dated tasks falling due within `days` of today (or overdue). */
export function datedTasks(
  p: Pick<PractitionerFacts, 'enhancedCheckDate' | 'coursePassedOn'>,
  today: string,
  days = TASK_NOTICE_DAYS,
): { kind: 'enhanced-check-lapses' | 'refresher-due'; due: string }[] {
  const horizon = addDays(today, days);
  const tasks: { kind: 'enhanced-check-lapses' | 'refresher-due'; due: string }[] = [];
  if (p.enhancedCheckDate !== null) {
    const due = checkLapsesOn(p.enhancedCheckDate);
    if (due <= horizon) tasks.push({ kind: 'enhanced-check-lapses', due });
  }
  if (p.coursePassedOn !== null) {
    const due = refresherDueOn(p.coursePassedOn);
    if (due <= horizon) tasks.push({ kind: 'refresher-due', due });
  }
  return tasks;
}

/**
 * The columns of an import file, by the names a team's spreadsheet may give them (case,
 * spaces, dashes and underscores do not matter). `organisation` is the organisation's
 * id, ODS code, DfE URN or name as the directory has it.
 */
export const csvColumns: Record<PractitionerField, readonly string[]> = {
  organisation: ['organisation', 'organization', 'organisation id', 'ods code', 'urn'],
  name: ['name', 'full name'],
  workEmail: ['work email', 'email', 'email address'],
  role: ['role'],
  trainingPriority: ['training priority', 'priority'],
  enhancedCheckDate: ['enhanced check date', 'enhanced check', 'dbs check date'],
  courseBookedOn: ['course booked', 'course booked for', 'course booked on'],
  courseAttendedOn: ['course attended', 'course attended on'],
  coursePassedOn: ['course passed', 'course passed on'],
  agreementSignedOn: ['agreement signed', 'agreement signed on'],
};

/** The columns an import must have; the dates may be left out. */
export const requiredCsvColumns = [
  'organisation',
  'name',
  'workEmail',
  'role',
  'trainingPriority',
] as const satisfies readonly PractitionerField[];

/** A header as matched: lower case, spaces for dashes and underscores, one space between words. */
export const headerKey = (h: string) => h.trim().toLowerCase().replace(/[-_]+/g, ' ').replace(/\s+/g, ' ');

/** An organisation as an import may name it. */
export interface NamedOrganisation {
  id: string;
  name: string;
  odsCode: string | null;
  urn: string | null;
}

/**
 * Finds the organisation an import row names, by id, ODS code, DfE URN or name (case and
 * spacing do not matter), among the authority's partners; or says why it cannot.
 */
export function organisationMatcher(
  organisations: readonly NamedOrganisation[],
): (text: string) => { id: string } | { problem: string } {
  const key = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');
  const byKey = new Map<string, Set<string>>();
  for (const o of organisations)
    for (const k of [o.id, o.name, o.odsCode, o.urn]) {
      if (k === null || k.trim() === '') continue;
      const set = byKey.get(key(k)) ?? new Set<string>();
      set.add(o.id);
      byKey.set(key(k), set);
    }
  return (text) => {
    if (text.trim() === '') return { problem: 'give the organisation’s name, ODS code, URN or id' };
    const found = [...(byKey.get(key(text)) ?? [])];
    if (found.length === 0) return { problem: 'is not one of your authority’s partner organisations' };
    if (found.length > 1) return { problem: 'names more than one organisation: give its ODS code or id' };
    return { id: found[0]! };
  };
}

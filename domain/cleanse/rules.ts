// The cleansing checks: each a named rule with a plain-English explanation that is shown
// with its tasks. A rule looks at one record (and its provenance) and says what, if
// anything, a person should look at. Records are taken loosely (`unknown` fields are
// checked, not trusted), because data that has not passed validation is exactly what
// cleansing is for. Possible duplicates come from the matcher (domain/dedupe); their
// rule is described here so that every queue is explained in one place.
import { addDays, ageOn, daysBetween, isValidIsoDate } from '../dates.js';
import { archiveDueDate, keepAfterDeathYears } from '../lifecycle.js';
import { isValidNhsNumber } from '../nhs-number.js';
import { isValidPostcode } from '../postcode.js';
import { isValidUpn } from '../upn.js';

export type Priority = 'urgent' | 'high' | 'normal' | 'low';
export const PRIORITY_ORDER: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

export const RULE_IDS = [
  'possible-duplicate-of-shielded',
  'possible-duplicate',
  'invalid-nhs-number',
  'invalid-upn',
  'invalid-postcode',
  'missing-without-not-known',
  'supplier-discrepancy',
  'possible-case-information',
  'no-educational-setting',
  'no-nhs-number',
  'no-gp-practice',
  'deceased-not-archived',
  'archive-due',
  'stale-involvement',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface RuleInfo {
  id: RuleId;
  title: string;
  /** What the rule means and what to do: shown with every task of the rule. */
  explanation: string;
  priority: Priority;
}

export const RULES: Record<RuleId, RuleInfo> = {
  'possible-duplicate-of-shielded': {
    id: 'possible-duplicate-of-shielded',
    title: 'Possible duplicate of a shielded record',
    explanation:
      'Two records look like the same child and one of them is shielded. In 2009 supplies created unshielded duplicates of shielded children; so until you decide, the other record is treated as shielded too. Compare them and merge, or mark them as different children.',
    priority: 'urgent',
  },
  'possible-duplicate': {
    id: 'possible-duplicate',
    title: 'Possible duplicate',
    explanation:
      'Two records look like the same child. The comparison shows how much each field added to or took from the likelihood. Merge them, choosing the value to keep for each field, or mark them as different children (twins and siblings often look alike): that decision is remembered.',
    priority: 'high',
  },
  'invalid-nhs-number': {
    id: 'invalid-nhs-number',
    title: 'Invalid NHS number',
    explanation:
      'The NHS number does not have 10 digits with a valid check digit, so it cannot be the child’s. Correct it from the GP registration, or remove it.',
    priority: 'high',
  },
  'invalid-upn': {
    id: 'invalid-upn',
    title: 'Invalid Unique Pupil Number',
    explanation:
      'The UPN is not 13 characters with a valid check letter. Correct it from the school census, or remove it.',
    priority: 'normal',
  },
  'invalid-postcode': {
    id: 'invalid-postcode',
    title: 'Invalid postcode',
    explanation:
      'A postcode on the record is not a UK postcode (such as CH41 1AA). Practitioners cannot rely on the address: correct it.',
    priority: 'normal',
  },
  'missing-without-not-known': {
    id: 'missing-without-not-known',
    title: 'Missing item not marked "not known"',
    explanation:
      'An item is empty where the record should say it is not known ("not specified", "no known address", "not known" for a return to England). A silent gap looks like an error to the next practitioner: fill it or mark it not known.',
    priority: 'normal',
  },
  'supplier-discrepancy': {
    id: 'supplier-discrepancy',
    title: 'Suppliers disagree',
    explanation:
      'Two suppliers gave different values for the same item (date of birth, gender, name or address). The record holds the newest. Check which is right with the suppliers and correct the record if needed.',
    priority: 'normal',
  },
  'possible-case-information': {
    id: 'possible-case-information',
    title: 'Possible case information',
    explanation:
      'ContactPoint holds no case information: no assessments, concerns, diagnoses or reasons for involvement. Free text on this record contains words that suggest some. Remove it, keeping only the service and contact details.',
    priority: 'high',
  },
  'no-educational-setting': {
    id: 'no-educational-setting',
    title: 'No educational setting (possible child missing education)',
    explanation:
      'The child is of compulsory school age and no school or other educational setting is recorded. The child may be missing education: check with the education welfare service and record the setting when known.',
    priority: 'high',
  },
  'no-nhs-number': {
    id: 'no-nhs-number',
    title: 'No NHS number',
    explanation:
      'The record has no NHS number, so it cannot be matched with health records (the aim is 95% of children matched). Find it from the GP registration or the health supplier and record it; if it cannot be traced, record that it is confirmed not known.',
    priority: 'normal',
  },
  'no-gp-practice': {
    id: 'no-gp-practice',
    title: 'No GP practice',
    explanation:
      'No GP practice is recorded, so the child may have no access to primary health care. Record the practice from the health supplier; if the child is not registered with one, record that it is confirmed not known, or refer the family to the health visiting or school nursing service.',
    priority: 'normal',
  },
  'deceased-not-archived': {
    id: 'deceased-not-archived',
    title: 'Died more than a year ago, not archived',
    explanation: `A record is kept for ${keepAfterDeathYears} year after a child’s death, then archived. This one is past that date and still live: check the date of death and let the archive run take it.`,
    priority: 'high',
  },
  'archive-due': {
    id: 'archive-due',
    title: 'Archive within 30 days',
    explanation:
      'The record reaches its archive age within 30 days. If the young person stays with consent (Connexions to 19, care leavers to 25), record the new archive age before then; otherwise nothing is needed.',
    priority: 'low',
  },
  'stale-involvement': {
    id: 'stale-involvement',
    title: 'Open involvement with no activity for two years',
    explanation:
      'An involvement started more than two years ago and has no end date or later change. Ask the service whether it is still involved; end the involvement if not.',
    priority: 'low',
  },
};

/** One thing a person should look at. */
export interface Finding {
  rule: RuleId;
  /** Where in the record, e.g. "identifiers.nhsNumber" or "involvements.2.service". */
  path: string;
  /** What is wrong, in a sentence, without repeating personal data beyond the field's own value. */
  message: string;
  /** For discrepancies: each supplier's value and date. */
  values?: { supplier: string; value: unknown; date: string }[];
}

/** Words that suggest case information in free text (whole words, case-insensitive). */
export const CASE_WORDS = [
  'abuse',
  'abused',
  'neglect',
  'neglected',
  'assault',
  'assaulted',
  'rape',
  'diagnosis',
  'diagnosed',
  'self-harm',
  'self harm',
  'overdose',
  'suicidal',
  'suicide',
  'allegation',
  'alleged',
  'disclosure',
  'disclosed',
  'investigation',
  'section 47',
  's47',
  'child protection plan',
  'cp plan',
  'domestic violence',
  'domestic abuse',
  'police',
  'arrested',
  'conviction',
  'offence',
  'assessment',
  'concern',
  'concerns',
  'risk of harm',
  'at risk',
  'referral',
  'referred for',
  'medication',
  'pregnant',
  'pregnancy',
  'termination',
  'hiv',
  'sti',
  'drug use',
  'alcohol',
  'custody',
  'care order',
  'looked after',
  'adhd',
  'autism',
  'autistic',
];
/** The words as alternatives: a space or hyphen in one matches a space, a hyphen or nothing. */
const CASE_ALTERNATIVES = CASE_WORDS.map((w) => w.replace(/[-\s]/g, '[-\\s]?')).join('|');
const CASE_PATTERN = new RegExp(`(?<![a-z])(${CASE_ALTERNATIVES})(?![a-z])`, 'gi');

// Most text holds none of the words: one test without collecting matches settles it.
// The test asks for a start of text or a non-letter before the word instead of looking
// behind at every position, which finds the same texts in about two thirds of the time.
const CASE_TEST = new RegExp(`(?:^|[^a-z])(?:${CASE_ALTERNATIVES})(?![a-z])`, 'i');

export function caseWords(text: string): string[] {
  if (!CASE_TEST.test(text)) return [];
  return [...new Set([...text.matchAll(CASE_PATTERN)].map((m) => m[1]!.toLowerCase()))];
}

/**
 * Compulsory school age, simplified to school years: from the first 1 September after
 * the fifth birthday to 30 June of the school year (September to August) in which the
 * child turns 16.
 */
export function ofCompulsorySchoolAge(dob: string, today: string): boolean {
  if (!isValidIsoDate(dob) || dob > today) return false;
  const year = Number(dob.slice(0, 4));
  const lateInYear = dob.slice(5) >= '09-01';
  const starts = `${year + (lateInYear ? 6 : 5)}-09-01`;
  const leaves = `${year + (lateInYear ? 17 : 16)}-06-30`;
  return today >= starts && today <= leaves;
}

const STALE_DAYS = 730;

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : null;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The free-text fields of a record, with their paths. */
function freeText(r: Loose): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const add = (path: string, v: unknown) => {
    const s = str(v);
    if (s !== null) out.push({ path, text: s });
  };
  arr(obj(r.address)?.lines).forEach((l, i) => add(`address.lines.${i}`, l));
  arr(r.parents).forEach((p, i) => add(`parents.${i}.name`, obj(p)?.name));
  add('education.name', obj(r.education)?.name);
  add('gp.name', obj(r.gp)?.name);
  arr(r.involvements).forEach((inv, i) => {
    const o = obj(inv);
    add(`involvements.${i}.service`, o?.service);
    add(`involvements.${i}.practitioner.name`, obj(o?.practitioner)?.name);
    add(`involvements.${i}.practitioner.organisation`, obj(o?.practitioner)?.organisation);
  });
  return out;
}

/** Postcodes on a record (the child's address, parents', setting's and GP's contacts), with their paths. */
function postcodes(r: Loose): { path: string; value: unknown }[] {
  const out: { path: string; value: unknown }[] = [];
  const address = obj(r.address);
  if (address && 'postcode' in address) out.push({ path: 'address.postcode', value: address.postcode });
  arr(r.parents).forEach((p, i) => {
    const a = obj(obj(obj(p)?.contact)?.address);
    if (a && 'postcode' in a) out.push({ path: `parents.${i}.contact.address.postcode`, value: a.postcode });
  });
  for (const k of ['education', 'gp']) {
    const a = obj(obj(obj(r[k])?.contact)?.address);
    if (a && 'postcode' in a) out.push({ path: `${k}.contact.address.postcode`, value: a.postcode });
  }
  return out;
}

const DISCREPANCY_FIELDS: Record<string, string> = {
  dob: 'date of birth',
  gender: 'gender',
  'name.given': 'given name',
  'name.family': 'family name',
  address: 'address',
};

function canonical(v: unknown): string {
  if (typeof v === 'string') return `"${/\s/.test(v) ? v.toLowerCase().replace(/\s+/g, ' ') : v.toLowerCase()}"`;
  if (v === null || typeof v !== 'object')
    return JSON.stringify(v ?? null)
      .toLowerCase()
      .replace(/\s+/g, ' ');
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v as Loose)
    .sort()
    .map((k) => `${k}:${canonical((v as Loose)[k])}`)
    .join(',')}}`;
}

/**
 * Every finding for one record. `provenance` is the per-field provenance as the feed
 * sends it ({field: {supplier, date, values: {supplier: {value, date}}}}), or null.
 */
export function checkRecord(record: unknown, provenance: unknown, today: string): Finding[] {
  const r = obj(record) ?? {};
  const findings: Finding[] = [];
  const ids = obj(r.identifiers) ?? {};

  if (ids.nhsNumber !== undefined && !(typeof ids.nhsNumber === 'string' && isValidNhsNumber(ids.nhsNumber))) {
    findings.push({
      rule: 'invalid-nhs-number',
      path: 'identifiers.nhsNumber',
      message: `"${String(ids.nhsNumber)}" is not a valid NHS number.`,
    });
  }
  if (ids.upn !== undefined && !(typeof ids.upn === 'string' && isValidUpn(ids.upn))) {
    findings.push({
      rule: 'invalid-upn',
      path: 'identifiers.upn',
      message: `"${String(ids.upn)}" is not a valid Unique Pupil Number.`,
    });
  }
  for (const { path, value } of postcodes(r)) {
    if (!(typeof value === 'string' && isValidPostcode(value))) {
      findings.push({ rule: 'invalid-postcode', path, message: `"${String(value ?? '')}" is not a UK postcode.` });
    }
  }

  // Items that must be present or say "not known".
  const name = obj(r.name);
  if (str(name?.given) === null)
    findings.push({ rule: 'missing-without-not-known', path: 'name.given', message: 'The given name is empty.' });
  if (str(name?.family) === null)
    findings.push({ rule: 'missing-without-not-known', path: 'name.family', message: 'The family name is empty.' });
  if (str(r.gender) === null)
    findings.push({
      rule: 'missing-without-not-known',
      path: 'gender',
      message: 'Gender is empty: record it, or "not specified".',
    });
  if (str(r.dob) === null)
    findings.push({ rule: 'missing-without-not-known', path: 'dob', message: 'The date of birth is empty.' });
  const whereabouts = str(r.whereabouts);
  if (whereabouts === null) {
    findings.push({
      rule: 'missing-without-not-known',
      path: 'whereabouts',
      message: 'Whereabouts are empty: give an address, or "no known address".',
    });
  } else if ((whereabouts === 'current' || whereabouts === 'last-known') && obj(r.address) === null) {
    findings.push({
      rule: 'missing-without-not-known',
      path: 'address',
      message: 'There is no address: give one, or "no known address".',
    });
  } else if (whereabouts === 'left-england' && str(r.intendsToReturn) === null) {
    findings.push({
      rule: 'missing-without-not-known',
      path: 'intendsToReturn',
      message: 'The child has left England: say whether they intend to return, or "not known".',
    });
  }

  // Suppliers that disagree. A date of birth or gender never changes, so any two values
  // disagree; names and addresses do change (a move, an adoption), so only statements
  // made within a year of each other count: older ones are history, not a discrepancy.
  const prov = obj(provenance) ?? {};
  for (const [field, label] of Object.entries(DISCREPANCY_FIELDS)) {
    const values = obj(obj(prov[field])?.values);
    if (!values) continue;
    const statements = Object.entries(values)
      .map(([supplier, s]) => ({
        supplier,
        value: obj(s)?.value,
        date: String(obj(s)?.date ?? ''),
        key: canonical(obj(s)?.value),
      }))
      .filter((s) => s.value !== undefined && s.value !== null);
    const changes = field === 'address' || field.startsWith('name.');
    const clash = statements.some((a, i) =>
      statements.some(
        (b, j) =>
          j > i &&
          a.key !== b.key &&
          (!changes ||
            (isValidIsoDate(a.date) && isValidIsoDate(b.date) && Math.abs(daysBetween(a.date, b.date)) <= 365)),
      ),
    );
    if (clash) {
      const distinct = new Set(statements.map((s) => s.key)).size;
      findings.push({
        rule: 'supplier-discrepancy',
        path: field,
        message: `${statements.length} suppliers gave ${distinct} different values for the ${label}.`,
        values: statements
          .map(({ supplier, value, date }) => ({ supplier, value, date }))
          .sort((a, b) => b.date.localeCompare(a.date)),
      });
    }
  }

  for (const { path, text } of freeText(r)) {
    const words = caseWords(text);
    if (words.length > 0)
      findings.push({
        rule: 'possible-case-information',
        path,
        message: `Contains ${words.map((w) => `"${w}"`).join(', ')}.`,
      });
  }

  const dob = str(r.dob);
  const validDob = dob !== null && isValidIsoDate(dob);
  if (
    validDob &&
    obj(r.education) === null &&
    ofCompulsorySchoolAge(dob, today) &&
    r.dateOfDeath === undefined &&
    whereabouts !== 'left-england'
  ) {
    findings.push({
      rule: 'no-educational-setting',
      path: 'education',
      message: `The child is ${ageOn(dob, today)} and has no educational setting recorded.`,
    });
  }

  // Worklists behind the aims (access to primary health care; the NHS number match
  // target): a living child in England with no NHS number, or no GP practice.
  if (r.dateOfDeath === undefined && whereabouts !== 'left-england') {
    if (ids.nhsNumber === undefined)
      findings.push({ rule: 'no-nhs-number', path: 'identifiers.nhsNumber', message: 'The record has no NHS number.' });
    if (r.gp === undefined || r.gp === null)
      findings.push({ rule: 'no-gp-practice', path: 'gp', message: 'The record has no GP practice.' });
  }

  const death = str(r.dateOfDeath);
  if (death !== null && isValidIsoDate(death) && addDays(death, 0) <= today) {
    const byDeath = archiveDueDate({ dob: validDob ? dob : death, archiveAge: 25, dateOfDeath: death });
    if (byDeath < today)
      findings.push({
        rule: 'deceased-not-archived',
        path: 'dateOfDeath',
        message: `The child died on ${death}; the record was due to be archived on ${byDeath}.`,
      });
  }

  if (validDob) {
    const archiveAge = typeof r.archiveAge === 'number' ? r.archiveAge : 18;
    const due = archiveDueDate({
      dob,
      archiveAge,
      ...(death !== null && isValidIsoDate(death) ? { dateOfDeath: death } : {}),
    });
    if (due >= today && due <= addDays(today, 30)) {
      findings.push({
        rule: 'archive-due',
        path: 'archiveAge',
        message: `The record is due to be archived on ${due} (archive age ${archiveAge}).`,
      });
    }
  }

  arr(r.involvements).forEach((inv, i) => {
    const o = obj(inv);
    const start = str(o?.startDate);
    if (
      o &&
      o.endDate === undefined &&
      start !== null &&
      isValidIsoDate(start) &&
      start < addDays(today, -STALE_DAYS)
    ) {
      findings.push({
        rule: 'stale-involvement',
        path: `involvements.${i}`,
        message: `${str(o.service) ?? 'A service'} has been open since ${start} with no end date.`,
      });
    }
  });
  return findings;
}

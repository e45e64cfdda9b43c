// Training exports: generated children written the way a council's case-management
// system exports them (profiles/case-management.json reads this layout), with the
// columns such exports really carry that ContactPoint must never take (case notes,
// referral reasons, ethnicity). Deterministic from the seed, like the rest of the
// training data; for the adapter's tests, benchmarks and the training kiosk.
import type { ChildRecord } from '../../domain/child-record.js';
import { generateChildren } from './generator.js';
import { createRandom } from './random.js';

export const CASE_MANAGEMENT_COLUMNS = [
  'Person ID',
  'Forename',
  'Surname',
  'Previous Surnames',
  'Gender',
  'Date of Birth',
  'Address Line 1',
  'Address Line 2',
  'Address Line 3',
  'Town',
  'Postcode',
  'NHS Number',
  'UPN',
  'Main Carer Name',
  'Main Carer Relationship',
  'Main Carer Phone',
  'Service',
  'Allocated Worker',
  'Team',
  'Worker Phone',
  'Involvement Start',
  'Involvement End',
  'Lead Professional',
  'CAF Completed',
  'Ethnicity',
  'Referral Reason',
  'Case Notes',
  'Last Updated',
] as const;
export type CaseManagementRow = Record<(typeof CASE_MANAGEMENT_COLUMNS)[number], string>;

const SERVICES = ['Children’s Social Care', 'Early Help', 'Family Support', 'Youth Service', 'Education Welfare'];
const TEAMS = ['Assessment Team', 'Locality Team North', 'Locality Team South', 'Early Help Hub'];
const NOTES = [
  'Concerns raised by school about neglect',
  'Referred after police attended the home',
  'Assessment completed, plan agreed',
  '',
];
const REASONS = ['Neglect', 'Domestic abuse', 'Parental substance misuse', 'Not given'];
const ETHNICITY = ['WBRI', 'WIRI', 'MWBC', 'AIND', 'BCRB', 'NOBT'];

const ukDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const gender = (g: ChildRecord['gender']) => (g === 'male' ? 'M' : g === 'female' ? 'F' : 'U');

/** Rows of a case-management export: one per child, from the training population of `seed`. */
export function* caseManagementRows(options: {
  seed: string;
  count: number;
  today: string;
}): Generator<CaseManagementRow> {
  const random = createRandom(`${options.seed}/case-management-export`);
  let n = 0;
  for (const child of generateChildren({ seed: options.seed, count: options.count, today: options.today })) {
    const r = child.record;
    const lines = r.address?.lines ?? [];
    const carer = r.parents[0];
    const start =
      r.dob > '2020-01-01' ? r.dob : `${2020 + random.int(0, 5)}-0${1 + random.int(0, 8)}-1${random.int(0, 9)}`;
    const ended = random.chance(0.3);
    n++;
    yield {
      'Person ID': `LCS${String(100000 + n)}`,
      Forename: random.chance(0.2) ? r.name.given.toUpperCase() : r.name.given,
      Surname: random.chance(0.2) ? r.name.family.toUpperCase() : r.name.family,
      'Previous Surnames': r.name.former.map((f) => f.family).join(';'),
      Gender: gender(r.gender),
      'Date of Birth': ukDate(r.dob),
      'Address Line 1': lines[0] ?? '',
      'Address Line 2': lines.length > 2 ? lines[1]! : '',
      'Address Line 3': lines.length > 3 ? lines[2]! : '',
      Town: lines.length > 1 ? lines[lines.length - 1]! : '',
      Postcode: r.address
        ? random.chance(0.3)
          ? r.address.postcode.replace(' ', '').toLowerCase()
          : r.address.postcode
        : '',
      'NHS Number': r.identifiers.nhsNumber
        ? r.identifiers.nhsNumber.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3')
        : '',
      UPN: r.identifiers.upn ?? '',
      'Main Carer Name': carer?.name ?? '',
      'Main Carer Relationship': carer ? carer.relationship.replace(/^./, (c) => c.toUpperCase()) : '',
      'Main Carer Phone': carer?.contact?.phone ?? '',
      Service: random.pick(SERVICES),
      'Allocated Worker': `${random.pick(['Alex', 'Jo', 'Sam', 'Chris', 'Pat'])} ${random.pick(['Hughes', 'Khan', 'Murphy', 'Okafor', 'Walsh'])}`,
      Team: random.pick(TEAMS),
      'Worker Phone': `0151 496 ${String(random.int(0, 999)).padStart(4, '0')}`,
      'Involvement Start': ukDate(start),
      'Involvement End': ended ? ukDate(options.today) : '',
      'Lead Professional': random.chance(0.4) ? 'Y' : 'N',
      'CAF Completed': random.chance(0.3) ? 'Y' : 'N',
      Ethnicity: random.pick(ETHNICITY),
      'Referral Reason': random.pick(REASONS),
      'Case Notes': random.pick(NOTES),
      'Last Updated': `${ukDate(options.today)} ${String(random.int(8, 17)).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')}`,
    };
  }
}

/** A CSV cell as such exports write it: quoted when it holds a comma, quote or line break. */
export function exportCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A row as one CSV line (no line end). */
export function caseManagementLine(row: CaseManagementRow): string {
  return CASE_MANAGEMENT_COLUMNS.map((c) => exportCell(row[c])).join(',');
}

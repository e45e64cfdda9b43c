// A subject-access report laid out for people: the same sections on the screen (and its
// printed page) and in the PDF main writes, so the two never say different things. No
// schema library here: the renderer imports it.
import type { SubjectAccessEntry, SubjectAccessReport } from './api/subject-access.js';

export interface ReportSection {
  heading: string;
  rows: [label: string, value: string][];
}

/** Audit actions in plain words; any other is shown as the service names it. */
const ACTIONS: Record<string, string> = {
  read: 'Opened the record',
  'archive-read': 'Opened the archived record',
  'archive-read-refused': 'Was refused the archived record',
  'shield-override': 'Overrode the shield',
  search: 'Found the child in a search',
  'record-created': 'Record created',
  'record-changed': 'Record changed',
  'supply-received': 'A supplier supplied data',
  'involvement-recorded': 'Recorded an involvement',
  'involvement-ended': 'Ended an involvement',
  'involvement-updated': 'Changed an involvement',
  'shield-applied': 'Shielded the record',
  'shield-removed': 'Removed the shield',
  'unshield-requested': 'Asked for the shield to be removed',
  'unshield-approved': 'Approved removing the shield',
  'unshield-rejected': 'Refused removing the shield',
  'match-resolved': 'Decided a possible duplicate',
  'transfer-requested': 'Asked to transfer the record',
  'referral-made': 'Reported a problem with the record',
  'referral-closed': 'Closed a reported problem',
  'audit-read': "Read the record's audit trail",
  'subject-access-report': 'Made a subject-access report',
  archived: 'Record archived',
};

export function actionLabel(action: string): string {
  return ACTIONS[action] ?? action;
}

/** The record's items as the report names them; any other by its path. */
const FIELDS: Record<string, string> = {
  'name.given': 'Given name',
  'name.family': 'Family name',
  dob: 'Date of birth',
  gender: 'Gender',
  address: 'Address',
  whereabouts: 'Whereabouts',
  'identifiers.nhsNumber': 'NHS number',
  'identifiers.upn': 'Unique Pupil Number',
  education: 'Educational setting',
  gp: 'GP practice',
  parents: 'Parents and carers',
  dateOfDeath: 'Date of death',
};

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** Who did it: the holder's name and organisation, or the account, or the system. */
export function entryWho(e: SubjectAccessEntry): string {
  if (e.userId === null) return 'ContactPoint (automatic)';
  const who = e.name ?? e.userId;
  return e.organisation ? `${who}, ${e.organisation}` : who;
}

/** One line of the trail: when, what, who, why, from where. */
export function entryLine(e: SubjectAccessEntry): [when: string, what: string, who: string, why: string] {
  const where = e.context ? ` (from ${e.context})` : '';
  return [when(e.at), `${actionLabel(e.action)}${where}`, entryWho(e), e.reason ?? ''];
}

/** What is held, section by section. */
export function heldSections(report: SubjectAccessReport): ReportSection[] {
  const r = report.record;
  const person: [string, string][] = [
    ['ContactPoint number', r.cpNumber],
    ['Name', `${r.name.given} ${r.name.family}`],
    ...r.name.former.map((f): [string, string] => ['Former surname', f.family]),
    ['Date of birth', r.dob],
    ['Gender', r.gender],
  ];
  if (r.dateOfDeath) person.push(['Date of death', r.dateOfDeath]);
  if (r.whereabouts) person.push(['Whereabouts', r.whereabouts.replace(/-/g, ' ')]);
  if (r.address) person.push(['Address', [...r.address.lines, r.address.postcode].join(', ')]);
  if (r.identifiers?.nhsNumber) person.push(['NHS number', r.identifiers.nhsNumber]);
  if (r.identifiers?.upn) person.push(['Unique Pupil Number', r.identifiers.upn]);
  if (r.archiveAge !== undefined) person.push(['Archive age', String(r.archiveAge)]);
  person.push(['Shielded', r.shielded ? 'yes' : 'no']);
  person.push(['Status', report.status === 'archived' ? `archived on ${report.archivedOn ?? 'unknown'}` : 'live']);

  const parents = r.parents.map((p, i): [string, string] => [
    `Parent or carer ${i + 1}`,
    [p.name, p.relationship.replace(/-/g, ' '), p.contact?.phone, p.contact?.email].filter(Boolean).join(', '),
  ]);
  const services: [string, string][] = [];
  if (r.education)
    services.push([
      'Educational setting',
      `${r.education.name} (URN ${r.education.urn}), from ${r.education.startDate}`,
    ]);
  if (r.gp) services.push(['GP practice', `${r.gp.name} (${r.gp.odsCode})`]);
  for (const inv of r.involvements ?? []) {
    const who = inv.practitioner ? `: ${inv.practitioner.name}, ${inv.practitioner.organisation}` : '';
    const lead = inv.leadProfessional ? ', lead professional' : '';
    services.push([inv.service, `from ${inv.startDate}${inv.endDate ? ` to ${inv.endDate}` : ''}${lead}${who}`]);
  }
  return [
    { heading: 'The child', rows: person },
    { heading: 'Parents and carers', rows: parents },
    { heading: 'Services involved', rows: services },
    {
      heading: 'Where each item came from',
      rows: report.sources.map((s): [string, string] => [
        FIELDS[s.field] ?? s.field,
        `${s.supplier}, ${s.date.slice(0, 10)}`,
      ]),
    },
  ];
}

// "Correct a record": the form a local authority's ContactPoint team fills in, the
// changes it makes of it (only what differs from the record), checked with the same
// schemas as the national index (child-record.ts: the NHS number, UPN, postcode and
// date validators), the before and after of each change for the check-your-answers
// page, and the IPC shapes of a correction and of its answer.
//
// A shielded record whose details are withheld offers only what a shield leaves
// visible (names, gender, date of birth, parents' names): the rest is not on the
// screen to be corrected until "Show shielded details" has been asked for (main checks
// the role and audits it), and a change to it is refused in main as well.
//
// This module holds no schema library, so the renderer may import it: zod probes `new
// Function`, which the page's Trusted Types policy refuses. The schema checks and the IPC
// shapes are in correction-check.ts, which main runs (the renderer asks through
// `correction.check`).
import type { EditableChanges } from './api/sync.js';
import type { Gender, Whereabouts } from './child-record.js';

export const archiveBases = ['connexions', 'care-leaver'] as const;
export type ArchiveBasis = (typeof archiveBases)[number];
/** The archive age each legal basis allows (contactpoint.md): Connexions to 19, a care leaver to 25. */
export const ARCHIVE_AGE_OF: Record<ArchiveBasis, number> = { connexions: 19, 'care-leaver': 25 };

export interface ParentForm {
  name: string;
  relationship: string;
  phone: string;
  email: string;
}

/** The form as the screen holds it: text as typed, "not known" as an explicit choice. */
export interface CorrectionForm {
  given: string;
  family: string;
  dob: string;
  gender: Gender;
  /** Empty: the child is not known to have died. */
  dateOfDeath: string;
  whereabouts: Whereabouts;
  intendsToReturn: '' | 'yes' | 'no' | 'not-known';
  /** One address line per line of text. */
  addressLines: string;
  postcode: string;
  nhsNumber: string;
  nhsNotKnown: boolean;
  upn: string;
  upnNotKnown: boolean;
  parents: ParentForm[];
  educationUrn: string;
  educationName: string;
  educationStart: string;
  educationNotKnown: boolean;
  gpOds: string;
  gpName: string;
  gpNotKnown: boolean;
  /** 18, or above it on a legal basis with consent recorded. */
  archive: '18' | ArchiveBasis;
  archiveConsent: boolean;
}

/** The form's fields, as the error summary names them and the page's ids use them. */
export const FORM_LABELS: Record<string, string> = {
  given: 'Given name',
  family: 'Family name',
  dob: 'Date of birth',
  gender: 'Gender',
  dateOfDeath: 'Date of death',
  whereabouts: 'Whereabouts',
  intendsToReturn: 'Intends to return to England',
  addressLines: 'Address',
  postcode: 'Postcode',
  nhsNumber: 'NHS number',
  upn: 'Unique Pupil Number (UPN)',
  parents: 'Parents and carers',
  educationUrn: 'School URN',
  educationName: 'School name',
  educationStart: 'Date started at the school',
  gpOds: 'GP practice ODS code',
  gpName: 'GP practice name',
  archive: 'Archive age',
  archiveConsent: 'Consent recorded',
};

type Loose = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The form filled in from the record as the screen holds it. */
export function formFromRecord(record: Loose): CorrectionForm {
  const name = (record.name ?? {}) as Loose;
  const address = record.address as { lines?: string[]; postcode?: string } | null | undefined;
  const ids = (record.identifiers ?? {}) as Loose;
  const education = record.education as Loose | undefined;
  const gp = record.gp as Loose | undefined;
  const parents = Array.isArray(record.parents) ? (record.parents as Loose[]) : [];
  const basis = (record.archiveConsent as { basis?: ArchiveBasis } | undefined)?.basis;
  return {
    given: str(name.given),
    family: str(name.family),
    dob: str(record.dob),
    gender: (record.gender as Gender | undefined) ?? 'not-specified',
    dateOfDeath: str(record.dateOfDeath),
    whereabouts: (record.whereabouts as Whereabouts | undefined) ?? 'current',
    intendsToReturn: (record.intendsToReturn as CorrectionForm['intendsToReturn'] | undefined) ?? '',
    addressLines: address?.lines?.join('\n') ?? '',
    postcode: address?.postcode ?? '',
    nhsNumber: str(ids.nhsNumber),
    nhsNotKnown: ids.nhsNumber === undefined && record.identifiers !== undefined,
    upn: str(ids.upn),
    upnNotKnown: ids.upn === undefined && record.identifiers !== undefined,
    parents: parents.map((p) => {
      const contact = (p.contact ?? {}) as Loose;
      return {
        name: str(p.name),
        relationship: str(p.relationship),
        phone: str(contact.phone),
        email: str(contact.email),
      };
    }),
    educationUrn: str(education?.urn),
    educationName: str(education?.name),
    educationStart: str(education?.startDate),
    educationNotKnown: education === undefined,
    gpOds: str(gp?.odsCode),
    gpName: str(gp?.name),
    gpNotKnown: gp === undefined,
    // An age above 18 kept before its basis was recorded: the basis its age implies.
    archive:
      basis ??
      (typeof record.archiveAge === 'number' && record.archiveAge > 18
        ? record.archiveAge <= 19
          ? 'connexions'
          : 'care-leaver'
        : '18'),
    archiveConsent: basis !== undefined,
  };
}

export interface FieldError {
  /** The form field (its input's id), named in the error summary. */
  field: string;
  message: string;
}

/** A value's JSON with object keys sorted: two records' fields compare by content, not key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .filter((k) => (v as Loose)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Loose)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}
const same = (a: unknown, b: unknown) => canonical(a ?? null) === canonical(b ?? null);

/** The top-level record fields a change touches, dotted for identifiers. */
export function changedPaths(changes: EditableChanges): string[] {
  return Object.entries(changes).flatMap(([k, v]) =>
    k === 'identifiers' && v !== null && typeof v === 'object' ? Object.keys(v).map((f) => `identifiers.${f}`) : [k],
  );
}

/** Where a schema problem's path sits on the form. */
export function fieldOf(path: readonly PropertyKey[]): string {
  const [head, second] = path.map(String);
  if (head === 'name') return second === 'family' ? 'family' : 'given';
  if (head === 'identifiers') return second === 'upn' ? 'upn' : 'nhsNumber';
  if (head === 'address') return path.map(String).includes('postcode') ? 'postcode' : 'addressLines';
  if (head === 'education')
    return second === 'urn' ? 'educationUrn' : second === 'startDate' ? 'educationStart' : 'educationName';
  if (head === 'gp') return second === 'odsCode' ? 'gpOds' : 'gpName';
  if (head === 'parents') return 'parents';
  if (head === 'archiveAge' || head === 'archiveConsent') return 'archive';
  return head ?? 'given';
}

/**
 * The changes the form makes to the record: only the fields that differ. With `withheld`,
 * the record's shielded details are not on the screen and only the visible fields count.
 * Every problem is named by its field; nothing is changed when there is one.
 */
export function draftFromForm(
  record: Loose,
  form: CorrectionForm,
  options: { withheld: boolean },
): { draft: Loose; errors: [] } | { draft: null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const out: Loose = {};
  const name = (record.name ?? {}) as Loose;
  const required = (field: keyof CorrectionForm, what: string) => {
    if (String(form[field]).trim() === '') errors.push({ field, message: `Enter the ${what}` });
  };
  required('given', 'given name');
  required('family', 'family name');
  required('dob', 'date of birth');
  if (form.given.trim() !== str(name.given) || form.family.trim() !== str(name.family)) {
    out.name = { given: form.given.trim(), family: form.family.trim(), former: name.former ?? [] };
  }
  if (form.dob.trim() !== str(record.dob)) out.dob = form.dob.trim();
  if (form.gender !== record.gender) out.gender = form.gender;
  const parents = Array.isArray(record.parents) ? (record.parents as Loose[]) : [];
  const nextParents = form.parents.map((p, i) => {
    const old = parents[i] ?? {};
    if (options.withheld) return { name: p.name.trim(), relationship: p.relationship };
    const contact: Loose = { ...((old.contact ?? {}) as Loose) };
    delete contact.phone;
    delete contact.email;
    if (p.phone.trim() !== '') contact.phone = p.phone.trim();
    if (p.email.trim() !== '') contact.email = p.email.trim();
    return {
      name: p.name.trim(),
      relationship: p.relationship,
      ...(Object.keys(contact).length > 0 || old.contact !== undefined ? { contact } : {}),
    };
  });
  const parentsNow = options.withheld ? parents.map((p) => ({ name: p.name, relationship: p.relationship })) : parents;
  if (!same(nextParents, parentsNow)) {
    // Withheld: the hidden contact details stay as they are (main puts them back).
    out.parents = nextParents;
  }

  if (!options.withheld) {
    if (form.dateOfDeath.trim() !== str(record.dateOfDeath))
      out.dateOfDeath = form.dateOfDeath.trim() === '' ? null : form.dateOfDeath.trim();
    const needsAddress = form.whereabouts === 'current' || form.whereabouts === 'last-known';
    const address = needsAddress
      ? {
          lines: form.addressLines
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => l !== ''),
          postcode: form.postcode.trim().toUpperCase(),
        }
      : null;
    if (needsAddress && address!.lines.length === 0)
      errors.push({ field: 'addressLines', message: 'Enter the address, or choose "no known address"' });
    if (needsAddress && address!.postcode === '')
      errors.push({ field: 'postcode', message: 'Enter the postcode, or choose "no known address"' });
    if (form.whereabouts !== record.whereabouts) out.whereabouts = form.whereabouts;
    if (!same(address, record.address)) out.address = address;
    const intends = form.whereabouts === 'left-england' ? form.intendsToReturn : '';
    if (form.whereabouts === 'left-england' && intends === '')
      errors.push({ field: 'intendsToReturn', message: 'Say whether the child intends to return, or "not known"' });
    if (intends !== str(record.intendsToReturn)) out.intendsToReturn = intends === '' ? null : intends;

    const ids = (record.identifiers ?? {}) as Loose;
    const idChanges: Loose = {};
    const nhs = form.nhsNotKnown ? '' : form.nhsNumber.replace(/\s+/g, '');
    if (!form.nhsNotKnown && nhs === '')
      errors.push({ field: 'nhsNumber', message: 'Enter the NHS number, or choose "not known"' });
    if (nhs !== str(ids.nhsNumber)) idChanges.nhsNumber = nhs === '' ? null : nhs;
    const upn = form.upnNotKnown ? '' : form.upn.trim().toUpperCase();
    if (!form.upnNotKnown && upn === '') errors.push({ field: 'upn', message: 'Enter the UPN, or choose "not known"' });
    if (upn !== str(ids.upn)) idChanges.upn = upn === '' ? null : upn;
    if (Object.keys(idChanges).length > 0) out.identifiers = idChanges;

    const education = form.educationNotKnown
      ? null
      : {
          name: form.educationName.trim(),
          urn: form.educationUrn.trim(),
          contact: ((record.education as Loose | undefined)?.contact as Loose | undefined) ?? {},
          startDate: form.educationStart.trim(),
        };
    if (education) {
      if (education.urn === '')
        errors.push({ field: 'educationUrn', message: 'Enter the school URN, or choose "not known"' });
      if (education.name === '') errors.push({ field: 'educationName', message: 'Enter the school name' });
      if (education.startDate === '')
        errors.push({ field: 'educationStart', message: 'Enter the date the child started at the school' });
    }
    if (!same(education, record.education)) out.education = education;
    const gp = form.gpNotKnown
      ? null
      : {
          name: form.gpName.trim(),
          odsCode: form.gpOds.trim().toUpperCase(),
          contact: ((record.gp as Loose | undefined)?.contact as Loose | undefined) ?? {},
        };
    if (gp) {
      if (gp.odsCode === '')
        errors.push({ field: 'gpOds', message: 'Enter the practice ODS code, or choose "not known"' });
      if (gp.name === '') errors.push({ field: 'gpName', message: 'Enter the GP practice name' });
    }
    if (!same(gp, record.gp)) out.gp = gp;

    // The archive age only when the person changed it (an age kept before its basis was recorded stays).
    const initial = formFromRecord(record);
    if (form.archive !== initial.archive || form.archiveConsent !== initial.archiveConsent) {
      const basis = form.archive === '18' ? null : form.archive;
      if (basis !== null && !form.archiveConsent)
        errors.push({
          field: 'archiveConsent',
          message: 'An archive age above 18 needs consent: confirm that consent is recorded',
        });
      const age = basis === null ? 18 : ARCHIVE_AGE_OF[basis];
      if (age !== (record.archiveAge ?? 18)) out.archiveAge = age;
      const consentNow = (record.archiveConsent as Loose | undefined) ?? null;
      const consent = basis === null ? null : { basis, consentRecorded: true };
      if (!same(consent, consentNow)) out.archiveConsent = consent;
    }
  }
  if (errors.length > 0) return { draft: null, errors: dedupe(errors) };
  if (Object.keys(out).length === 0)
    return { draft: null, errors: [{ field: 'given', message: 'Change at least one thing, or cancel' }] };

  return { draft: out, errors: [] };
}

export function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => (seen.has(e.field) ? false : (seen.add(e.field), true)));
}

/** The record a change makes (as the service's applyChanges: null removes an optional field). */
export function applyEditable(record: Loose, changes: EditableChanges): Loose {
  const next: Loose = { ...record };
  for (const [field, value] of Object.entries(changes)) {
    if (field === 'identifiers' || value === undefined) continue;
    if (value === null && field !== 'address') delete next[field];
    else next[field] = value;
  }
  if (changes.identifiers) {
    const ids: Loose = { ...((record.identifiers ?? {}) as Loose) };
    for (const [field, value] of Object.entries(changes.identifiers)) {
      if (value === undefined) continue;
      if (value === null) delete ids[field];
      else ids[field] = value;
    }
    next.identifiers = ids;
  }
  return next;
}

/** One line of the check-your-answers page. */
export interface ChangeLine {
  key: string;
  label: string;
  before: string;
  after: string;
}

const LINE_LABELS: Record<string, string> = {
  name: 'Name',
  dob: 'Date of birth',
  gender: 'Gender',
  dateOfDeath: 'Date of death',
  whereabouts: 'Whereabouts',
  intendsToReturn: 'Intends to return to England',
  address: 'Address',
  parents: 'Parents and carers',
  education: 'Educational setting',
  gp: 'GP practice',
  archiveAge: 'Archive age',
  archiveConsent: 'Legal basis for the archive age',
  'identifiers.nhsNumber': 'NHS number',
  'identifiers.upn': 'Unique Pupil Number (UPN)',
};

/** A changed field's name as a person reads it ("Educational setting" for education). */
export function labelOf(path: string): string {
  return LINE_LABELS[path] ?? path;
}

/** A value as a person reads it. */
export function describe(key: string, v: unknown): string {
  if (v === undefined || v === null || v === '') return key === 'address' ? 'No address' : 'Not known';
  if (key === 'name') {
    const n = v as { given?: string; family?: string };
    return `${n.given ?? ''} ${n.family ?? ''}`.trim();
  }
  if (key === 'address') {
    const a = v as { lines?: string[]; postcode?: string };
    return [...(a.lines ?? []), a.postcode ?? ''].filter(Boolean).join(', ');
  }
  if (key === 'education') {
    const e = v as { name?: string; urn?: string; startDate?: string };
    return `${e.name ?? ''} (URN ${e.urn ?? ''}, from ${e.startDate ?? ''})`;
  }
  if (key === 'gp') {
    const g = v as { name?: string; odsCode?: string };
    return `${g.name ?? ''} (${g.odsCode ?? ''})`;
  }
  if (key === 'parents')
    return (v as { name?: string; relationship?: string; contact?: { phone?: string; email?: string } }[])
      .map((p) =>
        [`${p.name ?? ''} (${p.relationship ?? ''})`, p.contact?.phone, p.contact?.email].filter(Boolean).join(', '),
      )
      .join('; ');
  if (key === 'archiveConsent') {
    const c = v as { basis?: ArchiveBasis };
    return c.basis === 'connexions' ? 'Connexions, with consent recorded' : 'Care leaver, with consent recorded';
  }
  if (key === 'whereabouts')
    return (
      {
        current: 'Current address',
        'last-known': 'Last known address',
        'no-known-address': 'No known address',
        'left-england': 'Left England',
      }[String(v)] ?? String(v)
    );
  if (key === 'gender')
    return v === 'not-specified' ? 'Not specified' : String(v).replace(/^./, (c) => c.toUpperCase());
  return String(v);
}

/** Before and after, field by field, of a change to a record. */
export function changeLines(record: Loose, changes: EditableChanges): ChangeLine[] {
  const ids = (record.identifiers ?? {}) as Loose;
  return changedPaths(changes).map((path) => {
    const [head, sub] = path.split('.') as [string, string | undefined];
    const before = sub ? ids[sub] : record[head];
    const after = sub ? (changes.identifiers as Loose)[sub] : (changes as Loose)[head];
    return {
      key: path,
      label: LINE_LABELS[path] ?? path,
      before: describe(head, before),
      after: describe(head, after),
    };
  });
}

const AUTHORITY_NAMES: Record<string, string> = {
  E08000015: 'Wirral',
  E06000050: 'Cheshire West and Chester',
};

/** Who made a change and when, as the record's provenance shows it: "Wirral ContactPoint team, 2026-12-06". */
export function provenanceOf(localAuthority: string | null, date: string): string {
  const name = localAuthority === null ? null : (AUTHORITY_NAMES[localAuthority] ?? localAuthority);
  return `${name === null ? 'The' : name} ContactPoint team, ${date}`;
}

// ---------------------------------------------------------------------------------
// The IPC shapes' types (their schemas: correction-check.ts)

export type {
  CorrectionConflictView,
  CorrectionRecord,
  CorrectionRequest,
  CorrectionState,
  CorrectionView,
} from './correction-check.js';

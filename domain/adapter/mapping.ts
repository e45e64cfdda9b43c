// A profile compiled once into a function from a source row to a supply record, then
// checked with the same rules the national service applies (the supplier record schema,
// the date rules) and the same case-information check cleansing uses. Every problem
// names the field and the column it came from, never the value (it may be personal
// data), so a report can be shared with the system's owners.
import { supplierRecordSchema, type SupplierRecord } from '../child-record.js';
import { supplyRecordProblems } from '../api/supply.js';
import { caseWords } from '../cleanse/rules.js';
import type { LinesSource, Profile, Source } from './profile.js';
import { quickAccept } from './quick-accept.js';
import { applyTransform, DEFAULT_CODES, lookupCode, readDate, splitName } from './transforms.js';

export type Severity = 'error' | 'warning';

export interface RowProblem {
  /** The record field, e.g. "dob" or "parents.0.contact.phone". */
  field: string;
  /** The source column(s) it came from, when there is one. */
  column: string | null;
  message: string;
  severity: Severity;
}

export interface MappedRow {
  row: number;
  /** The source system's id for the child, when it could be read. */
  reference: string | null;
  /** The supply record: null when the row has an error (it is then never sent). */
  record: SupplierRecord | null;
  problems: RowProblem[];
}

type Fields = Record<string, string>;
type Value = string | boolean | string[] | null;
/**
 * Reads a value from a row; a value that cannot be read is null, with `unreadable` set to
 * why. (A million rows of twenty-odd reads each: no object is made per read.)
 */
type Reader = (fields: Fields) => Value;

/** Why the last read gave null for a value it could not read; `get` reports and clears it. */
let unreadable: string | undefined;
function refuse(problem: string): null {
  unreadable = problem;
  return null;
}

interface Compiled {
  read: Reader;
  column: string | null;
}

function compileSource(
  s: Source,
  kind: 'text' | 'list' | 'date' | 'code' | 'flag',
  options: { today: string; defaults?: Record<string, string | boolean> },
): Compiled {
  if ('value' in s) {
    const constant = s.value;
    return { read: () => constant, column: null };
  }
  const transforms = s.transforms ?? [];
  // Composed once: most sources have no transform or one.
  const transform: (v: string) => string | null =
    transforms.length === 0
      ? (v) => v
      : transforms.length === 1
        ? (v) => applyTransform(v, transforms[0]!)
        : (v) => {
            let out: string | null = v;
            for (const t of transforms) {
              if (out === null) return null;
              out = applyTransform(out, t);
            }
            return out;
          };
  const transformFailed = () =>
    `cannot be read as ${transforms.includes('postcode') ? 'a postcode' : transforms.includes('phone-uk') ? 'a UK telephone number' : 'the profile says'}`;
  if ('columns' in s) {
    const cols = s.columns;
    if (kind === 'list') {
      return {
        column: cols.join(' + '),
        read: (f) => {
          const items: string[] = [];
          for (const c of cols) {
            const v = (f[c] ?? '').trim();
            if (v === '') continue;
            const t = transform(v);
            if (t === null) return refuse(transformFailed());
            items.push(t);
          }
          return items.length > 0 ? items : null;
        },
      };
    }
    const join = s.join ?? ' ';
    return {
      column: cols.join(' + '),
      read: (f) => {
        const parts: string[] = [];
        for (const c of cols) {
          const v = (f[c] ?? '').trim();
          if (v !== '') parts.push(v);
        }
        if (parts.length === 0) return null;
        const t = transform(parts.join(join));
        return t === null ? refuse(transformFailed()) : t;
      },
    };
  }
  const col = s.column;
  const codes = s.codes
    ? Object.fromEntries(Object.entries(s.codes).map(([k, v]) => [k.trim().toLowerCase(), v]))
    : options.defaults;
  const others = s.otherCodes ?? 'error';
  // A column of codes holds a handful of distinct values ("M", "F", "Y"...): each is looked up once.
  const known = new Map<string, string | boolean | undefined>();
  const codeOf = (raw: string): string | boolean | undefined => {
    if (codes === undefined) return undefined;
    const hit = known.get(raw);
    if (hit !== undefined || known.has(raw)) return hit;
    const looked = lookupCode(raw, codes);
    if (known.size < 256) known.set(raw, looked);
    return looked;
  };
  return {
    column: col,
    read: (f) => {
      const raw = (f[col] ?? '').trim();
      if (raw === '') return null;
      if (kind === 'list') {
        const items: string[] = [];
        for (const part of raw.split(s.split ?? '\n')) {
          const v = part.trim();
          if (v === '') continue;
          const t = transform(v);
          if (t === null) return refuse(transformFailed());
          items.push(t);
        }
        return items.length > 0 ? items : null;
      }
      if (kind === 'code' || kind === 'flag' || s.codes) {
        const code = codeOf(raw);
        if (code === undefined)
          return others === 'blank' ? null : refuse('has a code that is not in the profile’s code list');
        return code;
      }
      if (kind === 'date' || s.date) {
        const t = transform(raw);
        if (t === null) return refuse(transformFailed());
        if (!s.date) return t;
        const iso = readDate(t, s.date, options.today);
        return iso === null ? refuse(`is not a date written ${s.date}`) : iso;
      }
      const t = transform(raw);
      return t === null ? refuse(transformFailed()) : t;
    },
  };
}

/** The schema's path of a problem, as the profile field and column a person can fix. */
function locate(
  path: readonly PropertyKey[],
  columns: Map<string, string | null>,
): { field: string; column: string | null } {
  const field = path.map(String).join('.');
  for (let n = path.length; n > 0; n--) {
    const key = path.slice(0, n).map(String).join('.');
    if (columns.has(key)) return { field, column: columns.get(key) ?? null };
  }
  return { field, column: null };
}

interface RowState {
  fields: Fields;
  problems: RowProblem[];
}

function fail(st: RowState, field: string, column: string | null, message: string): void {
  st.problems.push({ field, column, message, severity: 'error' });
}

function get(st: RowState, c: Compiled | null, field: string): Value {
  if (c === null) return null;
  unreadable = undefined;
  const v = c.read(st.fields);
  if (unreadable !== undefined) {
    fail(st, field, c.column, unreadable);
    unreadable = undefined;
  }
  return v;
}

function str(st: RowState, c: Compiled | null, field: string): string | null {
  const v = get(st, c, field);
  return typeof v === 'string' ? v : null;
}

function strs(st: RowState, c: Compiled | null, field: string): string[] | null {
  const v = get(st, c, field);
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : null;
}

const asFormer = (family: string) => ({ family });

interface ContactSources {
  phone: Compiled | null;
  email: Compiled | null;
  lines: Compiled | null;
  postcode: Compiled | null;
}

function contactOf(st: RowState, c: ContactSources, path: string): Record<string, unknown> | undefined {
  const phone = str(st, c.phone, `${path}.phone`);
  const email = str(st, c.email, `${path}.email`);
  const l = strs(st, c.lines, `${path}.address.lines`);
  const pc = str(st, c.postcode, `${path}.address.postcode`);
  if (phone === null && email === null && l === null && pc === null) return undefined;
  const out: Record<string, unknown> = {};
  if (phone !== null) out.phone = phone;
  if (email !== null) out.email = email;
  if (l !== null || pc !== null) out.address = { lines: l ?? [], postcode: pc };
  return out;
}

export interface CompiledProfile {
  /** The row's values as the profile reads them, unchecked (duplicate detection compares data that may not pass validation). */
  extract(fields: Fields): { record: Record<string, unknown>; problems: RowProblem[]; otherId: string | null };
  /** The row as a supply record, checked with the service's rules. */
  map(fields: Fields, row: number): MappedRow;
}

/** Turns a profile into a row mapper, compiled once. `today` dates the load (YYYY-MM-DD). */
export function compileMapping(profile: Profile, options: { today: string }): CompiledProfile {
  const { today } = options;
  const f = profile.fields;
  const columns = new Map<string, string | null>();
  const text = (s: Source | undefined, path: string) => {
    if (s === undefined) return null;
    const c = compileSource(s, 'text', { today });
    columns.set(path, c.column);
    return c;
  };
  const date = (s: Source | undefined, path: string) => {
    if (s === undefined) return null;
    const c = compileSource(s, 'date', { today });
    columns.set(path, c.column);
    return c;
  };
  const code = (
    s: Source | undefined,
    path: string,
    defaults: Record<string, string | boolean>,
    kind: 'code' | 'flag' = 'code',
  ) => {
    if (s === undefined) return null;
    const c = compileSource(s, kind, { today, defaults });
    columns.set(path, c.column);
    return c;
  };
  const list = (s: Source | LinesSource | undefined, path: string): Compiled | null => {
    if (s === undefined) return null;
    if (Array.isArray(s)) {
      // One source per line: each read as text, the empty ones left out.
      const parts = s.map((line) => compileSource(line, 'text', { today }));
      const column =
        parts
          .map((p) => p.column)
          .filter(Boolean)
          .join(' + ') || null;
      columns.set(path, column);
      return {
        column,
        read: (f) => {
          const items: string[] = [];
          for (const p of parts) {
            const v = p.read(f);
            // The line's problem stays in `unreadable`, reported against the whole list.
            if (unreadable !== undefined) return null;
            if (typeof v === 'string') items.push(v);
          }
          return items.length > 0 ? items : null;
        },
      };
    }
    const c = compileSource(s, 'list', { today });
    columns.set(path, c.column);
    return c;
  };

  const reference = text(profile.reference, 'supplierRef')!;
  const receivedAt = date(profile.receivedAt, 'receivedAt');
  const given = text(f.given, 'name.given');
  const family = text(f.family, 'name.family');
  const fullName = text(f.fullName, 'name');
  if (fullName) {
    columns.set('name.given', fullName.column);
    columns.set('name.family', fullName.column);
  }
  const former = list(f.formerFamily, 'name.former');
  const gender = code(f.gender, 'gender', DEFAULT_CODES.gender)!;
  const dob = date(f.dob, 'dob')!;
  const lines = list(f.addressLines, 'address.lines');
  const postcode = text(f.postcode, 'address.postcode');
  if (lines) columns.set('address', [lines.column, postcode?.column].filter(Boolean).join(' + '));
  const nhs = text(f.nhsNumber, 'nhsNumber');
  const upn = text(f.upn, 'upn');

  const contact = (
    m: {
      phone?: Source | undefined;
      email?: Source | undefined;
      addressLines?: LinesSource | undefined;
      postcode?: Source | undefined;
    },
    path: string,
  ): ContactSources => ({
    phone: text(m.phone, `${path}.phone`),
    email: text(m.email, `${path}.email`),
    lines: list(m.addressLines, `${path}.address.lines`),
    postcode: text(m.postcode, `${path}.address.postcode`),
  });
  const parents = (f.parents ?? []).map((p, i) => ({
    name: text(p.name, `parents.${i}.name`)!,
    relationship: code(p.relationship, `parents.${i}.relationship`, DEFAULT_CODES.relationship)!,
    contact: contact(p, `parents.${i}.contact`),
  }));
  const education = f.education && {
    name: text(f.education.name, 'education.name')!,
    urn: text(f.education.urn, 'education.urn')!,
    startDate: date(f.education.startDate, 'education.startDate')!,
    contact: contact(f.education, 'education.contact'),
  };
  const gp = f.gp && {
    name: text(f.gp.name, 'gp.name')!,
    odsCode: text(f.gp.odsCode, 'gp.odsCode')!,
    contact: contact(f.gp, 'gp.contact'),
  };
  const inv = f.involvement && {
    service: text(f.involvement.service, 'involvement.service')!,
    name: text(f.involvement.practitionerName, 'involvement.practitioner.name'),
    organisation: text(f.involvement.practitionerOrganisation, 'involvement.practitioner.organisation'),
    phone: text(f.involvement.practitionerPhone, 'involvement.practitioner.phone'),
    email: text(f.involvement.practitionerEmail, 'involvement.practitioner.email'),
    startDate: date(f.involvement.startDate, 'involvement.startDate')!,
    endDate: date(f.involvement.endDate, 'involvement.endDate'),
    lead: code(f.involvement.leadProfessional, 'involvement.leadProfessional', DEFAULT_CODES.flag, 'flag'),
    caf: code(f.involvement.cafCompleted, 'involvement.cafCompleted', DEFAULT_CODES.flag, 'flag'),
  };

  const otherId = text(f.otherIdentifier, 'otherIdentifier');

  // Per row: no closures are made here (a million rows), only values read through the compiled sources.
  const extract = (fields: Fields) => {
    const st: RowState = { fields, problems: [] };
    const ref = str(st, reference, 'supplierRef');
    if (ref === null && st.problems.length === 0)
      fail(st, 'supplierRef', reference.column, 'is empty: every row needs the source system’s id for the child');

    const record: Record<string, unknown> = {
      supplier: profile.supplier,
      supplierRef: ref,
      receivedAt: receivedAt ? (str(st, receivedAt, 'receivedAt') ?? today) : today,
    };
    let g = str(st, given, 'name.given');
    let fam = str(st, family, 'name.family');
    if (fullName) {
      const whole = str(st, fullName, 'name');
      if (whole !== null) {
        const split = splitName(whole, profile.fields.nameSplit!);
        if (split) ({ given: g, family: fam } = split);
        else
          fail(
            st,
            'name',
            fullName.column,
            `cannot be split into given and family names (${profile.fields.nameSplit})`,
          );
      }
    }
    const formerNames = strs(st, former, 'name.former');
    record.name = { given: g, family: fam, former: formerNames === null ? [] : formerNames.map(asFormer) };
    record.gender = get(st, gender, 'gender');
    record.dob = str(st, dob, 'dob');
    if (lines) {
      const l = strs(st, lines, 'address.lines');
      const pc = str(st, postcode, 'address.postcode');
      record.address = l === null && pc === null ? null : { lines: l ?? [], postcode: pc };
    } else {
      record.address = null;
    }
    const n = str(st, nhs, 'nhsNumber');
    if (n !== null) record.nhsNumber = n;
    const u = str(st, upn, 'upn');
    if (u !== null) record.upn = u;

    if (parents.length > 0) {
      const ps: Record<string, unknown>[] = [];
      for (let i = 0; i < parents.length; i++) {
        const p = parents[i]!;
        const name = str(st, p.name, `parents.${i}.name`);
        const relationship = get(st, p.relationship, `parents.${i}.relationship`);
        const c = contactOf(st, p.contact, `parents.${i}.contact`);
        // A parent the export leaves blank is simply not given.
        if (name === null && relationship === null && c === undefined) continue;
        ps.push(c ? { name, relationship, contact: c } : { name, relationship });
      }
      if (ps.length > 0) record.parents = ps;
    }
    if (education) {
      const name = str(st, education.name, 'education.name');
      if (name !== null) {
        record.education = {
          name,
          urn: str(st, education.urn, 'education.urn'),
          startDate: str(st, education.startDate, 'education.startDate'),
          contact: contactOf(st, education.contact, 'education.contact') ?? {},
        };
      }
    }
    if (gp) {
      const name = str(st, gp.name, 'gp.name');
      if (name !== null)
        record.gp = {
          name,
          odsCode: str(st, gp.odsCode, 'gp.odsCode'),
          contact: contactOf(st, gp.contact, 'gp.contact') ?? {},
        };
    }
    if (inv) {
      const service = str(st, inv.service, 'involvement.service');
      if (service !== null) {
        const practitioner: Record<string, unknown> = {};
        const pn = str(st, inv.name, 'involvement.practitioner.name');
        if (pn !== null) practitioner.name = pn;
        const po = str(st, inv.organisation, 'involvement.practitioner.organisation');
        if (po !== null) practitioner.organisation = po;
        const pp = str(st, inv.phone, 'involvement.practitioner.phone');
        if (pp !== null) practitioner.phone = pp;
        const pe = str(st, inv.email, 'involvement.practitioner.email');
        if (pe !== null) practitioner.email = pe;
        const involvement: Record<string, unknown> = { service };
        if (pn !== null || po !== null || pp !== null || pe !== null) involvement.practitioner = practitioner;
        involvement.startDate = str(st, inv.startDate, 'involvement.startDate');
        const end = str(st, inv.endDate, 'involvement.endDate');
        if (end !== null) involvement.endDate = end;
        involvement.leadProfessional = get(st, inv.lead, 'involvement.leadProfessional') === true;
        involvement.cafCompleted = get(st, inv.caf, 'involvement.cafCompleted') === true;
        record.involvement = involvement;
      }
    }
    return { record, problems: st.problems, otherId: otherId ? str(st, otherId, 'otherIdentifier') : null };
  };

  const map = (fields: Fields, row: number): MappedRow => {
    const { record, problems } = extract(fields);
    const ref = typeof record.supplierRef === 'string' ? record.supplierRef : null;
    // The service's own rules: the schema (types, check digits, postcodes, lengths) and
    // dates. A record quickAccept is sure of is what the schema would give back; any
    // other goes through the schema, which decides and names what is wrong.
    const parsed = quickAccept(record)
      ? { success: true as const, data: record as SupplierRecord }
      : supplierRecordSchema.safeParse(record);
    if (!parsed.success) {
      schemaProblems(parsed.error.issues, problems, columns);
      return { row, reference: ref, record: null, problems };
    }
    for (const p of supplyRecordProblems(parsed.data, today)) {
      const where = locate(p.path.split('.'), columns);
      problems.push({ field: where.field, column: where.column, message: p.message, severity: 'error' });
    }
    caseInformation(parsed.data, problems, columns);
    if (problems.length > 0) return { row, reference: ref, record: null, problems };
    if (parsed.data.nhsNumber === undefined) problems.push(noNhsNumber);
    return { row, reference: ref, record: parsed.data, problems };
  };
  const noNhsNumber: RowProblem = {
    field: 'nhsNumber',
    column: columns.get('nhsNumber') ?? null,
    message: 'is not given: the child is matched on name, date of birth and postcode only',
    severity: 'warning',
  };
  return { extract, map };
}

/** The schema's issues as problems a person can fix; a field the mapping could not read is not reported twice. */
function schemaProblems(
  issues: readonly { path: PropertyKey[]; message: string; code: string; input?: unknown; origin?: string }[],
  problems: RowProblem[],
  columns: Map<string, string | null>,
): void {
  const unread = problems.map((p) => p.field);
  const seen = new Set<string>();
  for (const issue of issues) {
    const where = locate(issue.path, columns);
    const key = `${where.field}|${issue.message}`;
    if (
      seen.has(key) ||
      unread.some((u) => where.field === u || where.field.startsWith(`${u}.`) || u.startsWith(`${where.field}.`))
    )
      continue;
    seen.add(key);
    const message =
      issue.code === 'invalid_type' && (issue.input === null || issue.input === undefined)
        ? 'is missing: the column is empty or not mapped'
        : issue.code === 'too_small' && issue.origin === 'array'
          ? 'is missing'
          : // The schema speaks of the form it holds (YYYY-MM-DD), not the form the file wrote.
            /real calendar date/.test(issue.message)
            ? 'is not a real calendar date'
            : issue.message;
    problems.push({ field: where.field, column: where.column, message, severity: 'error' });
  }
}

/** No case information: the same words cleansing looks for, in every free-text field. */
// Councils name teams after their work ("Assessment Team", "Referral and Assessment
// Service"): in a team's or service's name those words say who, not what happened.
const TEAM_NAME = /\b(team|service|hub|unit|centre|center|front door)s?\b/i;
const TEAM_WORDS = new Set(['assessment', 'referral']);

function caseInformation(r: SupplierRecord, problems: RowProblem[], columns: Map<string, string | null>): void {
  // The free-text values, in this order; no list or path is made for a value with no such words (nearly all of them).
  const x = r as SupplierRecord & {
    parents?: { name: string }[];
    education?: { name: string };
    gp?: { name: string };
    involvement?: { service: string; practitioner?: { name?: string; organisation?: string } };
  };
  const lines = x.address?.lines;
  if (lines) for (let i = 0; i < lines.length; i++) caseText(lines[i]!, 'address.lines.', i, false);
  const ps = x.parents;
  if (ps) for (let i = 0; i < ps.length; i++) caseText(ps[i]!.name, 'parents.', i, false);
  if (x.education) caseText(x.education.name, 'education.name', -1, false);
  if (x.gp) caseText(x.gp.name, 'gp.name', -1, false);
  const inv = x.involvement;
  if (inv) {
    caseText(inv.service, 'involvement.service', -1, true);
    if (inv.practitioner?.name) caseText(inv.practitioner.name, 'involvement.practitioner.name', -1, false);
    if (inv.practitioner?.organisation)
      caseText(inv.practitioner.organisation, 'involvement.practitioner.organisation', -1, true);
  }

  function caseText(text: string, path: string, index: number, team: boolean): void {
    let words = caseWords(text);
    if (words.length === 0) return;
    if (team && TEAM_NAME.test(text)) words = words.filter((w) => !TEAM_WORDS.has(w));
    if (words.length === 0) return;
    // A line is address.lines.N; a parent's name is parents.N.name.
    const full = index < 0 ? path : path === 'parents.' ? `parents.${index}.name` : `${path}${index}`;
    const where = locate(full.split('.'), columns);
    problems.push({
      field: where.field,
      column: where.column,
      message: `contains words that suggest case information (${words.join(', ')}), which ContactPoint never holds`,
      severity: 'error',
    });
  }
}

// A fast, conservative check of a supply record, for loads of millions of rows: true
// only when the record certainly passes supplierRecordSchema unchanged (every string
// already trimmed, every default already present, every key known). Anything it is not
// sure of (an email address, an untrimmed name, a key it does not know) returns false,
// and the schema itself decides and names the problem. So the schema stays the one
// source of truth: a test checks, over many generated and spoilt records, that whatever
// this accepts the schema accepts, giving back the same record.
import { isValidIsoDate } from '../dates.js';
import { isValidNhsNumber } from '../nhs-number.js';
import { isValidPostcode } from '../postcode.js';
import { isValidUpn } from '../upn.js';

type Loose = Record<string, unknown>;

const SUPPLIERS = new Set(['gro', 'dwp', 'nhs', 'school-census', 'local-authority', 'youth-offending']);
const GENDERS = new Set(['male', 'female', 'not-specified']);
const RELATIONSHIPS = new Set(['mother', 'father', 'step-parent', 'carer', 'guardian', 'grandparent', 'other']);
const PHONE = /^\+?[0-9 ]{10,16}$/;

const isObject = (v: unknown): v is Loose => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A string the schema's text(max) keeps as it is: no surrounding space, 1..max characters. */
function text(v: unknown, max: number): boolean {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) return false;
  const first = v.charCodeAt(0);
  const last = v.charCodeAt(v.length - 1);
  // Anything that String.prototype.trim could remove at either end: leave it to the schema.
  return (
    first > 0x20 && last > 0x20 && first !== 0xa0 && last !== 0xa0 && first < 0x1680 && last < 0x1680 && v === v.trim()
  );
}

/** Only these keys, each holding something (an optional key holding undefined is for the schema to judge). */
function onlyKeys(o: Loose, allowed: ReadonlySet<string>): boolean {
  for (const k in o) if (!allowed.has(k) || o[k] === undefined) return false;
  return true;
}

const date = (v: unknown) => typeof v === 'string' && isValidIsoDate(v);

const ADDRESS_KEYS = new Set(['lines', 'postcode']);
function address(v: unknown): boolean {
  if (!isObject(v) || !onlyKeys(v, ADDRESS_KEYS)) return false;
  const lines = v.lines;
  if (!Array.isArray(lines) || lines.length < 1 || lines.length > 5) return false;
  for (const l of lines) if (!text(l, 100)) return false;
  return typeof v.postcode === 'string' && isValidPostcode(v.postcode);
}

// Email addresses are left to the schema's own rule.
const CONTACT_KEYS = new Set(['address', 'phone']);
function contact(v: unknown): boolean {
  if (!isObject(v) || !onlyKeys(v, CONTACT_KEYS)) return false;
  if ('address' in v && !address(v.address)) return false;
  return !('phone' in v) || (typeof v.phone === 'string' && PHONE.test(v.phone));
}

const NAME_KEYS = new Set(['given', 'family', 'former']);
const FORMER_KEYS = new Set(['given', 'family']);
function name(v: unknown): boolean {
  if (!isObject(v) || !onlyKeys(v, NAME_KEYS) || !text(v.given, 100) || !text(v.family, 100)) return false;
  const former = v.former;
  if (!Array.isArray(former) || former.length > 10) return false;
  for (const f of former) {
    if (!isObject(f) || !onlyKeys(f, FORMER_KEYS) || !text(f.family, 100)) return false;
    if ('given' in f && !text(f.given, 100)) return false;
  }
  return true;
}

const PARENT_KEYS = new Set(['name', 'relationship', 'contact']);
function parents(v: unknown): boolean {
  if (!Array.isArray(v) || v.length > 8) return false;
  for (const p of v) {
    if (
      !isObject(p) ||
      !onlyKeys(p, PARENT_KEYS) ||
      !text(p.name, 200) ||
      typeof p.relationship !== 'string' ||
      !RELATIONSHIPS.has(p.relationship)
    )
      return false;
    if ('contact' in p && !contact(p.contact)) return false;
  }
  return true;
}

const EDUCATION_KEYS = new Set(['name', 'urn', 'contact', 'startDate']);
const education = (v: unknown) =>
  isObject(v) &&
  onlyKeys(v, EDUCATION_KEYS) &&
  text(v.name, 200) &&
  typeof v.urn === 'string' &&
  /^\d{6}$/.test(v.urn) &&
  contact(v.contact) &&
  date(v.startDate);

const GP_KEYS = new Set(['name', 'odsCode', 'contact']);
const gp = (v: unknown) =>
  isObject(v) &&
  onlyKeys(v, GP_KEYS) &&
  text(v.name, 200) &&
  typeof v.odsCode === 'string' &&
  /^[A-Z]\d{5}$/.test(v.odsCode) &&
  contact(v.contact);

const PRACTITIONER_KEYS = new Set(['name', 'organisation', 'phone']);
const INVOLVEMENT_KEYS = new Set([
  'service',
  'practitioner',
  'startDate',
  'endDate',
  'leadProfessional',
  'cafCompleted',
]);
function involvement(v: unknown): boolean {
  if (!isObject(v) || !onlyKeys(v, INVOLVEMENT_KEYS) || !text(v.service, 200) || !date(v.startDate)) return false;
  if ('endDate' in v && !date(v.endDate)) return false;
  if (typeof v.leadProfessional !== 'boolean' || typeof v.cafCompleted !== 'boolean') return false;
  if ('practitioner' in v) {
    const p = v.practitioner;
    if (!isObject(p) || !onlyKeys(p, PRACTITIONER_KEYS) || !text(p.name, 200)) return false;
    if ('organisation' in p && !text(p.organisation, 200)) return false;
    if ('phone' in p && !(typeof p.phone === 'string' && PHONE.test(p.phone))) return false;
  }
  return true;
}

const RECORD_KEYS = new Set([
  'supplier',
  'supplierRef',
  'receivedAt',
  'name',
  'gender',
  'dob',
  'address',
  'nhsNumber',
  'upn',
  'parents',
  'education',
  'gp',
  'involvement',
]);

/** True only when supplierRecordSchema would accept `r` and give it back unchanged. */
export function quickAccept(r: unknown): boolean {
  if (!isObject(r)) return false;
  for (const k in r) if (!RECORD_KEYS.has(k) || (r[k] === undefined && k !== 'address')) return false;
  if (typeof r.supplier !== 'string' || !SUPPLIERS.has(r.supplier)) return false;
  if (!text(r.supplierRef, 64) || !date(r.receivedAt) || !date(r.dob) || !name(r.name)) return false;
  if (typeof r.gender !== 'string' || !GENDERS.has(r.gender)) return false;
  if (r.address !== null && !address(r.address)) return false;
  if ('nhsNumber' in r && !(typeof r.nhsNumber === 'string' && isValidNhsNumber(r.nhsNumber))) return false;
  if ('upn' in r && !(typeof r.upn === 'string' && isValidUpn(r.upn))) return false;
  if ('parents' in r && !parents(r.parents)) return false;
  if ('education' in r && !education(r.education)) return false;
  if ('gp' in r && !gp(r.gp)) return false;
  return !('involvement' in r) || involvement(r.involvement);
}

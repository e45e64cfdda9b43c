// The value transforms of a mapping profile: dates in the formats council systems
// write, names split and cased, code lists, postcodes and UK phone numbers. Each
// returns null for a value it cannot read, so the row's report can say which field
// and column; none of them ever guesses silently.
import { normalisePostcode } from '../postcode.js';
import type { DateFormat, TextTransform } from './profile.js';

const MONTHS: Record<string, string> = {
  jan: '01',
  feb: '02',
  mar: '03',
  apr: '04',
  may: '05',
  jun: '06',
  jul: '07',
  aug: '08',
  sep: '09',
  sept: '09',
  oct: '10',
  nov: '11',
  dec: '12',
};

const pad = (s: string) => (s.length === 1 ? `0${s}` : s);

/**
 * YYYY-MM-DD from a date written in `format`, or null. A time after the date
 * ("2015-03-04 00:00:00", "04/03/2015 00:00") is ignored: exports often add one. The
 * calendar itself (31 February) is checked by validation, which names the field.
 * Two-digit years (DD/MM/YY) are taken as 20YY unless that is after `today`'s year.
 */
const TIME = /[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** TIME, as the whole of what follows a date. */
const TIME_AFTER_DATE = new RegExp(`^${TIME.source}`);
const DAY_FIRST: Record<string, RegExp> = {
  '/': /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/,
  '-': /^(\d{1,2})-(\d{1,2})-(\d{4})$/,
  '.': /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/,
};

/** Whether value[from..to) is all ASCII digits. */
function digitsAt(value: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function readDate(value: string, format: DateFormat, today: string): string | null {
  // The commonest case, read without a regular expression: DD/MM/YYYY written in full.
  // (With a time after it, as "last updated" columns often have, when the time is all that follows.)
  if (format === 'DD/MM/YYYY' && value.length >= 10 && value.charCodeAt(2) === 47 && value.charCodeAt(5) === 47) {
    if (
      digitsAt(value, 0, 2) &&
      digitsAt(value, 3, 5) &&
      digitsAt(value, 6, 10) &&
      (value.length === 10 || TIME_AFTER_DATE.test(value.slice(10)))
    ) {
      return `${value.slice(6, 10)}-${value.slice(3, 5)}-${value.slice(0, 2)}`;
    }
  }
  let v = value.trim();
  if (v.length > 10) v = v.replace(TIME, '');
  let m: RegExpExecArray | null;
  switch (format) {
    case 'YYYY-MM-DD':
      m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
      return m ? `${m[1]}-${pad(m[2]!)}-${pad(m[3]!)}` : null;
    case 'YYYY/MM/DD':
      m = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(v);
      return m ? `${m[1]}-${pad(m[2]!)}-${pad(m[3]!)}` : null;
    case 'YYYYMMDD':
      m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
      return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
    case 'DD/MM/YYYY':
    case 'DD-MM-YYYY':
    case 'DD.MM.YYYY': {
      m = DAY_FIRST[format[2]!]!.exec(v);
      return m ? `${m[3]}-${pad(m[2]!)}-${pad(m[1]!)}` : null;
    }
    case 'MM/DD/YYYY':
      m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
      return m ? `${m[3]}-${pad(m[1]!)}-${pad(m[2]!)}` : null;
    case 'DD/MM/YY': {
      m = /^(\d{1,2})\/(\d{1,2})\/(\d{2})$/.exec(v);
      if (!m) return null;
      const century = Number(`20${m[3]}`) > Number(today.slice(0, 4)) ? '19' : '20';
      return `${century}${m[3]}-${pad(m[2]!)}-${pad(m[1]!)}`;
    }
    case 'DD-MMM-YYYY': {
      m = /^(\d{1,2})[- ]([A-Za-z]{3,4})[- ](\d{4})$/.exec(v);
      const month = m ? MONTHS[m[2]!.toLowerCase()] : undefined;
      return m && month ? `${m[3]}-${month}-${pad(m[1]!)}` : null;
    }
  }
}

/** "o'BRIEN-smith" → "O'Brien-Smith"; Mc keeps its capital ("MCDONALD" → "McDonald"; Mac is left alone: Machin, Macey). */
export function titleCase(name: string): string {
  if (alreadyTitled(name)) return name;
  const lower = name.toLowerCase();
  let out = '';
  let start = true;
  for (let i = 0; i < lower.length; i++) {
    const c = lower[i]!;
    out += start ? c.toUpperCase() : c;
    start = c === ' ' || c === '-' || c === "'" || c === '’';
  }
  return out.includes('Mc') ? out.replace(/\bMc(\p{Ll})/gu, (_m, letter: string) => `Mc${letter.toUpperCase()}`) : out;
}

/**
 * Whether titleCase would give `name` back as it is, for the common case only: one word of
 * ASCII letters, a capital then small letters, not starting "Mc" (Mcdonald becomes McDonald).
 * Anything else (separators, other letters) takes the long road.
 */
function alreadyTitled(name: string): boolean {
  const n = name.length;
  if (n === 0) return false;
  const first = name.charCodeAt(0);
  if (first < 65 || first > 90) return false;
  if (first === 77 && n > 1 && name.charCodeAt(1) === 99) return false; // "Mc"
  for (let i = 1; i < n; i++) {
    const c = name.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/**
 * A UK telephone number in the form ContactPoint stores ("0151 496 0000", "07700 900123"),
 * from any punctuation or an international +44 prefix; null when it has the wrong number of digits.
 */
const CANONICAL_PHONE = /^(0\d{3} \d{3} \d{4}|0\d{4} \d{6}|02\d \d{4} \d{4})$/;

export function ukPhone(value: string): string | null {
  // Most exports already write numbers this way.
  if (CANONICAL_PHONE.test(value)) return value;
  let d = value
    .replace(/^\s*\+/, '00')
    .replace(/\(0\)/, '')
    .replace(/\D/g, '');
  if (d.startsWith('0044')) d = `0${d.slice(4)}`;
  else if (d.startsWith('44') && d.length === 12) d = `0${d.slice(2)}`;
  if (!/^0\d{9,10}$/.test(d)) return null;
  if (d.length === 10) return `${d.slice(0, 5)} ${d.slice(5)}`;
  if (d.startsWith('02')) return `${d.slice(0, 3)} ${d.slice(3, 7)} ${d.slice(7)}`;
  if (/^01\d1/.test(d) || d.startsWith('011')) return `${d.slice(0, 4)} ${d.slice(4, 7)} ${d.slice(7)}`;
  return `${d.slice(0, 5)} ${d.slice(5)}`;
}

/** White space other than a single space, or two spaces together: what collapse-spaces changes. */
const NEEDS_COLLAPSE = /[^\S ]| {2}/;
const NOT_DIGIT = /\D/;

/** A text transform; null when the value cannot be read that way (postcode, phone). */
export function applyTransform(value: string, t: TextTransform): string | null {
  switch (t) {
    case 'upper':
      return value.toUpperCase();
    case 'lower':
      return value.toLowerCase();
    case 'title-case':
      return titleCase(value);
    case 'collapse-spaces':
      // Most values have no run of spaces and no other white space: nothing to replace.
      return NEEDS_COLLAPSE.test(value) ? value.replace(/\s+/g, ' ') : value;
    case 'digits-only':
      return NOT_DIGIT.test(value) ? value.replace(/\D/g, '') : value;
    case 'postcode':
      return normalisePostcode(value);
    case 'phone-uk':
      return ukPhone(value);
  }
}

/** Splits a whole name into given and family names; null when it cannot be split that way. */
export function splitName(
  full: string,
  how: 'given-family' | 'family-given' | 'family-comma-given',
): { given: string; family: string } | null {
  const v = full.trim().replace(/\s+/g, ' ');
  if (how === 'family-comma-given') {
    const comma = v.indexOf(',');
    if (comma <= 0) return null;
    const family = v.slice(0, comma).trim();
    const given = v.slice(comma + 1).trim();
    return family && given ? { given, family } : null;
  }
  const parts = v.split(' ');
  if (parts.length < 2) return null;
  // Middle names stay with the given name; the family name is the last (or first) word.
  return how === 'given-family'
    ? { given: parts.slice(0, -1).join(' '), family: parts[parts.length - 1]! }
    : { given: parts.slice(1).join(' '), family: parts[0]! };
}

/** The codes ContactPoint understands without a code list in the profile. */
export const DEFAULT_CODES: Record<'gender' | 'relationship' | 'flag', Record<string, string | boolean>> = {
  gender: {
    m: 'male',
    male: 'male',
    boy: 'male',
    '1': 'male',
    f: 'female',
    female: 'female',
    girl: 'female',
    '2': 'female',
    u: 'not-specified',
    x: 'not-specified',
    '0': 'not-specified',
    '9': 'not-specified',
    unknown: 'not-specified',
    'not known': 'not-specified',
    'not specified': 'not-specified',
    'not-specified': 'not-specified',
    indeterminate: 'not-specified',
    other: 'not-specified',
  },
  relationship: {
    mother: 'mother',
    mum: 'mother',
    'birth mother': 'mother',
    father: 'father',
    dad: 'father',
    'birth father': 'father',
    'step-parent': 'step-parent',
    'step parent': 'step-parent',
    stepmother: 'step-parent',
    stepfather: 'step-parent',
    'step-mother': 'step-parent',
    'step-father': 'step-parent',
    carer: 'carer',
    'foster carer': 'carer',
    'kinship carer': 'carer',
    guardian: 'guardian',
    'special guardian': 'guardian',
    grandparent: 'grandparent',
    grandmother: 'grandparent',
    grandfather: 'grandparent',
    other: 'other',
  },
  flag: { y: true, yes: true, true: true, '1': true, n: false, no: false, false: false, '0': false },
};

/** A code through a code list (keys compared trimmed and case-insensitive): undefined when not in it. */
export function lookupCode(value: string, codes: Record<string, string | boolean>): string | boolean | undefined {
  const key = value.trim().toLowerCase();
  if (Object.hasOwn(codes, key)) return codes[key];
  for (const [k, v] of Object.entries(codes)) if (k.trim().toLowerCase() === key) return v;
  return undefined;
}

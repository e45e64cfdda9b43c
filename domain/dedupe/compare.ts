// The comparisons of duplicate detection: for each field, which "level" of agreement two
// records reach (exactly the same, spelt slightly differently, sound alike, ...). The
// levels are what the model weighs; each is named in plain English for the people who
// act on a pair. Level 0 is always "one or both records do not say": it weighs nothing.
//
// Records are prepared once (names interned as terms with their Double Metaphone codes)
// so that comparing a pair is a handful of integer tests and, for names, a cached lookup.
import { doubleMetaphone } from 'double-metaphone';
import { sameNameGroup } from '../matching.js';
import { nameKey } from '../name-key.js';
import type { ChildRecord } from '../child-record.js';

/** One record as duplicate detection sees it, from any source. Absent fields are null. */
export interface DedupeRecord {
  id: string;
  given: string | null;
  family: string | null;
  /** Earlier family names. */
  former: readonly string[];
  /** YYYY-MM-DD. */
  dob: string | null;
  gender: 'male' | 'female' | null;
  postcode: string | null;
  /** The first line of the address (house number and street). */
  address: string | null;
  /** Town, suburb or locality. */
  locality: string | null;
  nhs: string | null;
  upn: string | null;
  /** Another identifier the source keeps (a social security number, a supplier reference). */
  otherId: string | null;
  shielded: boolean;
}

export { FIELDS, FIELD_LABELS, LEVELS, type Field } from './fields.js';
import { FIELDS } from './fields.js';

/** Bits per field in a packed comparison pattern (every field has fewer than 8 levels). */
export const BITS = 3;
export const NAME_EXACT = 1;
export const NAME_DIFFERENT = 5;
export const NAME_SWAPPED = 6;
/** Added to the address's and the locality's level when the postcodes differ beyond one slip (fields.ts). */
export const APART = 3;

/** A name as a term: its key and sound codes, shared by every record that has it. */
export interface Term {
  key: string;
  dm1: string;
  dm2: string;
  /** The parts of a two-part name ("smith jones", "mary jane"), when it has more than one. */
  parts: readonly string[] | null;
  /** A number for the primary sound code (names that sound alike share it), and the initial (0-25). */
  dmId: number;
  initial: number;
}

/** Numbers for strings: the same string, the same number (-1 for ''). */
export class Interner {
  private readonly ids = new Map<string, number>();
  id(s: string): number {
    if (s === '') return -1;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(s, id);
    }
    return id;
  }
  get size(): number {
    return this.ids.size;
  }
}

export class TermTable {
  readonly terms: Term[] = [];
  private readonly ids = new Map<string, number>();
  private readonly sounds = new Interner();

  /** The term id of a name, or -1 when the name is empty. */
  id(name: string | null): number {
    if (name === null) return -1;
    const key = nameKey(name);
    if (key.length === 0) return -1;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.terms.length;
      const [dm1, dm2] = doubleMetaphone(key);
      const parts = name
        .split(/[\s\-']+/)
        .map(nameKey)
        .filter((p) => p.length > 1);
      this.terms.push({
        key,
        dm1,
        dm2,
        parts: parts.length > 1 ? parts : null,
        dmId: this.sounds.id(dm1 === '' ? `=${key}` : dm1),
        initial: Math.min(25, Math.max(0, key.charCodeAt(0) - 97)),
      });
      this.ids.set(key, id);
    }
    return id;
  }
}

/** The records in columns, ready for comparison. */
export interface Prepared {
  count: number;
  ids: string[];
  names: TermTable;
  localities: TermTable;
  given: Int32Array;
  family: Int32Array;
  former: (readonly number[] | null)[];
  /** YYYYMMDD as text ('' when absent). */
  dob: string[];
  gender: Int8Array;
  /** Without spaces, upper case ('' when absent). */
  postcode: string[];
  address: string[];
  locality: Int32Array;
  nhs: string[];
  upn: string[];
  otherId: string[];
  shielded: Uint8Array;
  /** Numbers for blocking: YYYYMMDD (-1 absent), and interned postcode, address and identifiers. */
  dobNum: Int32Array;
  postcodeId: Int32Array;
  addressId: Int32Array;
  nhsId: Int32Array;
  upnId: Int32Array;
  otherIdId: Int32Array;
}

const squash = (s: string | null): string => (s === null ? '' : s.replace(/\s+/g, ' ').trim().toLowerCase());

export function prepare(records: readonly DedupeRecord[]): Prepared {
  const n = records.length;
  const names = new TermTable();
  const localities = new TermTable();
  const p: Prepared = {
    count: n,
    ids: new Array<string>(n),
    names,
    localities,
    given: new Int32Array(n),
    family: new Int32Array(n),
    former: new Array<readonly number[] | null>(n),
    dob: new Array<string>(n),
    gender: new Int8Array(n),
    postcode: new Array<string>(n),
    address: new Array<string>(n),
    locality: new Int32Array(n),
    nhs: new Array<string>(n),
    upn: new Array<string>(n),
    otherId: new Array<string>(n),
    shielded: new Uint8Array(n),
    dobNum: new Int32Array(n),
    postcodeId: new Int32Array(n),
    addressId: new Int32Array(n),
    nhsId: new Int32Array(n),
    upnId: new Int32Array(n),
    otherIdId: new Int32Array(n),
  };
  const interned = {
    postcode: new Interner(),
    address: new Interner(),
    nhs: new Interner(),
    upn: new Interner(),
    otherId: new Interner(),
  };
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    p.ids[i] = r.id;
    p.given[i] = names.id(r.given);
    p.family[i] = names.id(r.family);
    const former = r.former.map((f) => names.id(f)).filter((t) => t >= 0);
    p.former[i] = former.length > 0 ? former : null;
    p.dob[i] = r.dob === null ? '' : r.dob.replace(/-/g, '');
    p.gender[i] = r.gender === 'male' ? 1 : r.gender === 'female' ? 2 : 0;
    p.postcode[i] = r.postcode === null ? '' : r.postcode.replace(/\s+/g, '').toUpperCase();
    p.address[i] = squash(r.address);
    p.locality[i] = localities.id(r.locality);
    p.nhs[i] = r.nhs === null ? '' : r.nhs.replace(/\s+/g, '');
    p.upn[i] = r.upn === null ? '' : r.upn.trim().toUpperCase();
    p.otherId[i] = squash(r.otherId);
    p.shielded[i] = r.shielded ? 1 : 0;
    p.dobNum[i] = /^\d{8}$/.test(p.dob[i]!) ? Number(p.dob[i]) : -1;
    p.postcodeId[i] = interned.postcode.id(p.postcode[i]!);
    p.addressId[i] = interned.address.id(p.address[i]!);
    p.nhsId[i] = interned.nhs.id(p.nhs[i]!);
    p.upnId[i] = interned.upn.id(p.upn[i]!);
    p.otherIdId[i] = interned.otherId.id(p.otherId[i]!);
  }
  return p;
}

// ---------------------------------------------------------------------------------
// String tests

/** Same length and one position different, or two neighbouring positions swapped. */
export function oneSlip(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let first = -1;
  let diffs = 0;
  for (let i = 0; i < a.length; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) {
      if (++diffs > 2) return false;
      if (first < 0) first = i;
    }
  }
  if (diffs === 1) return true;
  return diffs === 2 && a[first] === b[first + 1] && a[first + 1] === b[first];
}

/** Edit distance (adjacent swap counts one) when it is at most `max`, else max + 1. */
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

export function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  if (rows[0]!.length <= n) rows = [new Int32Array(n + 1), new Int32Array(n + 1), new Int32Array(n + 1)];
  let [prev2, prev, cur] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let best = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj)
        best = Math.min(best, prev2[j - 2]! + 1);
      cur[j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[n]!, max + 1);
}

let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

/** Jaro-Winkler as in matching.ts, without allocating: it runs millions of times here. */
export function fastJaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (flagsA.length < la) flagsA = new Uint8Array(la * 2);
  if (flagsB.length < lb) flagsB = new Uint8Array(lb * 2);
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 1 || c !== b.charCodeAt(j)) continue;
      flagsA[i] = 1;
      flagsB[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let half = 0;
  for (let i = 0, j = 0; i < la; i++) {
    if (flagsA[i] !== 1) continue;
    while (flagsB[j] !== 1) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) half++;
    j++;
  }
  const jaro = (matches / la + matches / lb + (matches - half / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

// ---------------------------------------------------------------------------------
// Field levels

/** Name levels by pair of term ids, worked out once per pair of names. */
export class NameLevels {
  private readonly cache = new Map<number, number>();
  /** Keys a * stride + b stay small integers (fast Map keys) while the table is under 46,000 names. */
  private readonly stride: number;

  /** `cached` false: for pairs drawn at random, which rarely meet the same two names twice. */
  constructor(
    private readonly table: TermTable,
    private readonly cached = true,
  ) {
    this.stride = table.terms.length + 1;
  }

  level(a: number, b: number): number {
    if (a < 0 || b < 0) return 0;
    if (a === b) return NAME_EXACT;
    if (!this.cached) return this.compute(this.table.terms[a]!, this.table.terms[b]!);
    const key = a < b ? a * this.stride + b : b * this.stride + a;
    let level = this.cache.get(key);
    if (level === undefined) {
      level = this.compute(this.table.terms[a]!, this.table.terms[b]!);
      this.cache.set(key, level);
    }
    return level;
  }

  private compute(a: Term, b: Term): number {
    // Jaro's greedy alignment can differ slightly by direction: take the kinder one.
    const jw = Math.max(fastJaroWinkler(a.key, b.key), fastJaroWinkler(b.key, a.key));
    if (jw >= 0.92) return 2;
    if (sameNameGroup(a.key, b.key)) return 3;
    if (a.dm1 === b.dm1 || (b.dm2 !== '' && a.dm1 === b.dm2) || (a.dm2 !== '' && a.dm2 === b.dm1)) return 3;
    if ((a.parts ?? [a.key]).some((p) => (b.parts ?? [b.key]).includes(p))) return 3;
    if (jw >= 0.8) return 4;
    return NAME_DIFFERENT;
  }

  /** At least "sound alike": strong enough to count a former name or a swap. */
  close(a: number, b: number): boolean {
    const l = this.level(a, b);
    return l >= 1 && l <= 3;
  }
}

function dobLevel(a: string, b: string): number {
  if (a === '' || b === '') return 0;
  if (a === b) return 1;
  // YYYYMMDD: the same year with day and month the other way round.
  if (
    a.length === 8 &&
    b.length === 8 &&
    a.charCodeAt(0) === b.charCodeAt(0) &&
    a.charCodeAt(1) === b.charCodeAt(1) &&
    a.charCodeAt(2) === b.charCodeAt(2) &&
    a.charCodeAt(3) === b.charCodeAt(3) &&
    a.charCodeAt(4) === b.charCodeAt(6) &&
    a.charCodeAt(5) === b.charCodeAt(7) &&
    a.charCodeAt(6) === b.charCodeAt(4) &&
    a.charCodeAt(7) === b.charCodeAt(5)
  ) {
    return 2;
  }
  if (oneSlip(a, b)) return 3;
  return 4;
}

function postcodeLevel(a: string, b: string): number {
  if (a === '' || b === '') return 0;
  if (a === b) return 1;
  if (boundedEditDistance(a, b, 1) <= 1) return 2;
  // The inward code is always the last three characters of a UK postcode.
  if (a.length > 4 && b.length > 4 && a.slice(0, -3) === b.slice(0, -3)) return 3;
  return 4;
}

function addressLevel(a: string, b: string): number {
  if (a === '' || b === '') return 0;
  if (a === b) return 1;
  return boundedEditDistance(a, b, 2) <= 2 ? 2 : 3;
}

function identifierLevel(a: string, b: string): number {
  if (a === '' || b === '') return 0;
  if (a === b) return 1;
  return oneSlip(a, b) ? 2 : 3;
}

/** Compares pairs of prepared records into packed patterns (BITS per field, in FIELDS order). */
export class Comparator {
  readonly names: NameLevels;
  private readonly localityCache = new Map<number, number>();

  constructor(
    readonly p: Prepared,
    cached = true,
  ) {
    this.names = new NameLevels(p.names, cached);
  }

  /** The levels of one pair, one per field in FIELDS order. */
  levels(i: number, j: number): number[] {
    const pattern = this.pattern(i, j);
    return FIELDS.map((_, f) => levelOf(pattern, f));
  }

  /** The levels of one pair packed into one number (BITS per field, in FIELDS order). */
  pattern(i: number, j: number): number {
    const p = this.p;
    const names = this.names;
    const gi = p.given[i]!;
    const gj = p.given[j]!;
    const fi = p.family[i]!;
    const fj = p.family[j]!;
    let given = names.level(gi, gj);
    let family = names.level(fi, fj);
    if (family > 3 && this.formerMatch(i, j)) family = 3;
    // Forename and surname the other way round on one of the two.
    if (given > 3 && family > 3 && names.close(gi, fj) && names.close(fi, gj)) {
      // One fact, weighed once, on the given name: the family name's level is then a
      // group of its own, which weighs nothing (fields.ts, LEVEL_GROUPS).
      given = NAME_SWAPPED;
      family = NAME_SWAPPED;
    }
    const xi = p.gender[i]!;
    const xj = p.gender[j]!;
    const gender = xi === 0 || xj === 0 ? 0 : xi === xj ? 1 : 2;
    const upn = p.upn[i] === '' || p.upn[j] === '' ? 0 : p.upn[i] === p.upn[j] ? 1 : 2;
    // Where the two live is one fact seen three ways: a move changes the postcode, the
    // street and often the town at once, and the model multiplies the fields as if each
    // were separate evidence, so it would weigh one move three times. So the street and
    // the town have levels of their own for when the postcodes already differ (APART +
    // level), learned apart: where a move changes everything at once, a different street
    // says nothing the postcode has not said and weighs about nothing; where the fields
    // go wrong one at a time, the same street still counts. Likewise their levels beside
    // the same postcode weigh only what they add to it.
    const postcode = postcodeLevel(p.postcode[i]!, p.postcode[j]!);
    const apart = postcode >= 3 ? APART : 0;
    const address = addressLevel(p.address[i]!, p.address[j]!);
    const locality = this.localityLevel(p.locality[i]!, p.locality[j]!);
    // FIELDS order, 8 levels per field: given + 8 family + 64 dob + ...
    return (
      given +
      8 * family +
      64 * dobLevel(p.dob[i]!, p.dob[j]!) +
      512 * gender +
      4096 * postcode +
      32768 * (address > 0 ? address + apart : 0) +
      262144 * (locality > 0 ? locality + apart : 0) +
      2097152 * identifierLevel(p.nhs[i]!, p.nhs[j]!) +
      16777216 * upn +
      134217728 * identifierLevel(p.otherId[i]!, p.otherId[j]!)
    );
  }

  private formerMatch(i: number, j: number): boolean {
    const p = this.p;
    const fi = p.former[i];
    const fj = p.former[j];
    if (fj && fj.some((t) => this.names.close(p.family[i]!, t))) return true;
    if (fi && fi.some((t) => this.names.close(t, p.family[j]!))) return true;
    return false;
  }

  private localityLevel(a: number, b: number): number {
    if (a < 0 || b < 0) return 0;
    if (a === b) return 1;
    const stride = this.p.localities.terms.length + 1;
    const key = a < b ? a * stride + b : b * stride + a;
    let level = this.localityCache.get(key);
    if (level === undefined) {
      const ta = this.p.localities.terms[a]!.key;
      const tb = this.p.localities.terms[b]!.key;
      level = Math.max(fastJaroWinkler(ta, tb), fastJaroWinkler(tb, ta)) >= 0.88 ? 2 : 3;
      this.localityCache.set(key, level);
    }
    return level;
  }
}

/** The level of field number f in a packed pattern. */
export function levelOf(pattern: number, f: number): number {
  return Math.floor(pattern / 8 ** f) % 8;
}

/** A held record as duplicate detection sees it. */
export function dedupeRecordFromChild(c: ChildRecord, shielded = c.shielded): DedupeRecord {
  return {
    id: c.cpNumber,
    given: c.name.given,
    family: c.name.family,
    former: c.name.former.map((f) => f.family),
    dob: c.dob,
    gender: c.gender === 'not-specified' ? null : c.gender,
    postcode: c.address?.postcode ?? null,
    address: c.address?.lines[0] ?? null,
    locality: c.address && c.address.lines.length > 1 ? c.address.lines[c.address.lines.length - 1]! : null,
    nhs: c.identifiers.nhsNumber ?? null,
    upn: c.identifiers.upn ?? null,
    otherId: null,
    shielded,
  };
}

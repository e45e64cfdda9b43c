// Blocking: which pairs are worth comparing. Comparing every record with every other is
// half a trillion pairs for a million children; each rule below groups records that
// share a key, and only pairs within a group are compared. Several rules, each leaving
// out a different field, so that one typo (or a swapped name, or a move) does not hide
// a pair: a pair missed by one rule is found by another. A pair found by more than one
// rule is compared once, under the first.
import type { Field, Prepared } from './compare.js';

export interface BlockingRule {
  name: string;
  /** The fields the key is made from: the model does not learn them from this rule's pairs, which all agree on them. */
  uses: readonly Field[];
  /**
   * The rule's key for record i (a whole number below 2^53), or -1 when the record lacks
   * what the rule needs. `small` numbers a large number densely, to make room beside it.
   */
  key(p: Prepared, i: number, small: (n: number) => number): number;
}

const DM = 2 ** 20;
const dm = (p: Prepared, term: number): number => p.names.terms[term]!.dmId;
const initial = (p: Prepared, term: number): number => p.names.terms[term]!.initial;
const year = (p: Prepared, i: number): number => Math.floor(p.dobNum[i]! / 10000);
/** The two names' sound codes, smaller first, as one number (names either way round agree). */
const namePair = (p: Prepared, i: number): number => {
  const a = dm(p, p.given[i]!);
  const b = dm(p, p.family[i]!);
  return a < b ? a * DM + b : b * DM + a;
};
const has = (...values: number[]): boolean => values.every((v) => v >= 0);
/** YYYYMMDD with day and month in order, smaller first: a date and its day-month swap share it. */
const eitherWay = (dob: number): number => {
  const month = Math.floor(dob / 100) % 100;
  const day = dob % 100;
  return dob - month * 100 - day + Math.min(month, day) * 100 + Math.max(month, day);
};
/** The two names' initials, smaller first, as one number below 26 * 26 (names either way round agree). */
const initials = (p: Prepared, i: number): number => {
  const a = initial(p, p.given[i]!);
  const b = initial(p, p.family[i]!);
  return a < b ? a * 26 + b : b * 26 + a;
};

export const BLOCKING_RULES: readonly BlockingRule[] = [
  { name: 'Same NHS number', uses: ['nhs'], key: (p, i) => p.nhsId[i]! },
  { name: 'Same Unique Pupil Number', uses: ['upn'], key: (p, i) => p.upnId[i]! },
  { name: 'Same other identifier', uses: ['otherId'], key: (p, i) => p.otherIdId[i]! },
  {
    name: 'Same date of birth and given-name initial',
    uses: ['dob', 'given'],
    key: (p, i) => (has(p.dobNum[i]!, p.given[i]!) ? p.dobNum[i]! * 32 + initial(p, p.given[i]!) : -1),
  },
  {
    name: 'Same date of birth and family-name initial',
    uses: ['dob', 'family'],
    key: (p, i) => (has(p.dobNum[i]!, p.family[i]!) ? p.dobNum[i]! * 32 + initial(p, p.family[i]!) : -1),
  },
  {
    name: 'Given and family names sound alike, same year of birth',
    uses: ['given', 'family', 'dob'],
    key: (p, i) =>
      has(p.given[i]!, p.family[i]!, p.dobNum[i]!)
        ? (dm(p, p.family[i]!) * DM + dm(p, p.given[i]!)) * 4096 + (year(p, i) % 4096)
        : -1,
  },
  {
    name: 'Same postcode, given name sounds alike, family-name initial',
    uses: ['postcode', 'given', 'family'],
    key: (p, i) =>
      has(p.postcodeId[i]!, p.given[i]!, p.family[i]!)
        ? (p.postcodeId[i]! * DM + dm(p, p.given[i]!)) * 32 + initial(p, p.family[i]!)
        : -1,
  },
  {
    name: 'Same postcode, family name sounds alike, given-name initial',
    uses: ['postcode', 'family', 'given'],
    key: (p, i) =>
      has(p.postcodeId[i]!, p.given[i]!, p.family[i]!)
        ? (p.postcodeId[i]! * DM + dm(p, p.family[i]!)) * 32 + initial(p, p.given[i]!)
        : -1,
  },
  {
    name: 'Same date of birth and the two names either way round',
    uses: ['dob', 'given', 'family'],
    key: (p, i, small) =>
      has(p.dobNum[i]!, p.given[i]!, p.family[i]!) ? p.dobNum[i]! * 2 ** 22 + small(namePair(p, i)) : -1,
  },
  {
    name: 'Family name sounds alike and same address',
    uses: ['address', 'family'],
    key: (p, i) => (has(p.addressId[i]!, p.family[i]!) ? p.addressId[i]! * DM + dm(p, p.family[i]!) : -1),
  },
  // Two slips at once that the rules above each need one of intact: names the other way
  // round with a typo in one (so they no longer sound alike), or with the day and month
  // swapped; a nickname or a former surname beside the same street. Initials survive a
  // typo (the generator's and most people's slips leave the first letter).
  {
    name: 'Same date of birth (day and month either way) and the two initials either way round',
    uses: ['dob', 'given', 'family'],
    key: (p, i) =>
      has(p.dobNum[i]!, p.given[i]!, p.family[i]!) ? eitherWay(p.dobNum[i]!) * 1024 + initials(p, i) : -1,
  },
  {
    name: 'Same address and year of birth',
    uses: ['address', 'dob'],
    key: (p, i) => (has(p.addressId[i]!, p.dobNum[i]!) ? p.addressId[i]! * 4096 + (year(p, i) % 4096) : -1),
  },
];

/**
 * The rules the model learns m from (each leaves out the fields it is keyed on). Stricter
 * than the candidate rules on purpose: a group keyed on an address is a household, and a
 * group keyed on names that merely sound alike holds brothers and sisters (Sophie and
 * Sophia); either would teach the model that one child may have two dates of birth.
 * Exact names and exact dates of birth keep brothers, sisters and twins apart, and a
 * rule whose groups are mostly other people that happen to share a name (the same name
 * anywhere in the authority) would let the model learn "lives in the same district"
 * instead of "is the same child": every rule here is one duplicates mostly satisfy.
 */
export const TRAINING_RULES: readonly BlockingRule[] = [
  {
    // Learns date of birth and the identifiers. Postcode, address and locality say one
    // another, and a given name says the gender: all left out.
    name: 'Same given name, family name and postcode',
    uses: ['given', 'family', 'gender', 'postcode', 'address', 'locality'],
    key: (p, i, small) =>
      has(p.given[i]!, p.family[i]!, p.postcodeId[i]!)
        ? small(p.given[i]! * 2 ** 22 + p.family[i]!) * 2 ** 22 + p.postcodeId[i]!
        : -1,
  },
  {
    // Learns family name and whereabouts.
    name: 'Same date of birth and given name',
    uses: ['dob', 'given', 'gender'],
    key: (p, i) => (has(p.dobNum[i]!, p.given[i]!) ? p.dobNum[i]! * 2 ** 22 + p.given[i]! : -1),
  },
  // These learn everything else, the given name included.
  { name: 'Same NHS number', uses: ['nhs'], key: (p, i) => p.nhsId[i]! },
  { name: 'Same Unique Pupil Number', uses: ['upn'], key: (p, i) => p.upnId[i]! },
  { name: 'Same other identifier', uses: ['otherId'], key: (p, i) => p.otherIdId[i]! },
];

export interface RuleStats {
  name: string;
  /** Pairs this rule added (not already found by an earlier rule). */
  pairs: number;
  /** Groups too large to compare pair by pair, and the records in them. */
  skippedGroups: number;
  skippedRecords: number;
}

/** One rule's groups of two or more records, compactly: members[starts[g] .. starts[g + 1]). */
export interface Groups {
  members: Int32Array;
  starts: Int32Array;
  count: number;
  pairs: number;
}

export interface Blocks {
  rules: readonly BlockingRule[];
  /** Per rule, each record's group id (-1 none, or a group left out for size). */
  keys: Int32Array[];
  groups: Groups[];
  stats: RuleStats[];
}

function groupsOf(
  p: Prepared,
  rule: BlockingRule,
  maxGroup: number,
): { keys: Int32Array; groups: Groups; skippedGroups: number; skippedRecords: number } {
  const n = p.count;
  const keys = new Int32Array(n).fill(-1);
  const ids = new Map<number, number>();
  const smalls = new Map<number, number>();
  const small = (v: number): number => {
    let s = smalls.get(v);
    if (s === undefined) {
      s = smalls.size;
      smalls.set(v, s);
    }
    return s;
  };
  for (let i = 0; i < n; i++) {
    const key = rule.key(p, i, small);
    if (key === -1) continue;
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    keys[i] = id;
  }
  const sizes = new Int32Array(ids.size);
  for (let i = 0; i < n; i++) if (keys[i]! >= 0) sizes[keys[i]!]!++;
  // Keep groups of two or more (and not too large); renumber them densely.
  const dense = new Int32Array(ids.size).fill(-1);
  let count = 0;
  let skippedGroups = 0;
  let skippedRecords = 0;
  let pairs = 0;
  for (let g = 0; g < sizes.length; g++) {
    const size = sizes[g]!;
    if (size < 2) continue;
    if (size > maxGroup) {
      skippedGroups++;
      skippedRecords += size;
      continue;
    }
    dense[g] = count++;
    pairs += (size * (size - 1)) / 2;
  }
  const starts = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) {
    const g = keys[i]! >= 0 ? dense[keys[i]!]! : -1;
    keys[i] = g;
    if (g >= 0) starts[g + 1]!++;
  }
  for (let g = 0; g < count; g++) starts[g + 1]! += starts[g]!;
  const fill = starts.slice(0, count);
  const members = new Int32Array(starts[count]!);
  for (let i = 0; i < n; i++) {
    const g = keys[i]!;
    if (g >= 0) members[fill[g]!++] = i;
  }
  return { keys, groups: { members, starts, count, pairs }, skippedGroups, skippedRecords };
}

/** Groups larger than this are not compared pair by pair (a common name on one date, say). */
export const DEFAULT_MAX_GROUP = 2000;

export function buildBlocks(
  p: Prepared,
  rules: readonly BlockingRule[] = BLOCKING_RULES,
  maxGroup = DEFAULT_MAX_GROUP,
): Blocks {
  const keys: Int32Array[] = [];
  const groups: Groups[] = [];
  const stats: RuleStats[] = [];
  for (const rule of rules) {
    const built = groupsOf(p, rule, maxGroup);
    keys.push(built.keys);
    groups.push(built.groups);
    stats.push({ name: rule.name, pairs: 0, skippedGroups: built.skippedGroups, skippedRecords: built.skippedRecords });
  }
  return { rules, keys, groups, stats };
}

/** Whether an earlier rule than `rule` already put records i and j in one group it compared. */
export function foundEarlier(b: Blocks, rule: number, i: number, j: number): boolean {
  for (let q = 0; q < rule; q++) {
    const k = b.keys[q]!;
    const ki = k[i]!;
    if (ki >= 0 && ki === k[j]) return true;
  }
  return false;
}

/** A name's sound code as its blocking key numbers it (dmId): the primary code, or the name itself when it has none. */
const sound = (p: Prepared, term: number): string => {
  const t = p.names.terms[term]!;
  return t.dm1 === '' ? `=${t.key}` : t.dm1;
};
const init = (p: Prepared, term: number): string => String(initial(p, term));
const when = (ok: boolean, key: () => string): string | null => (ok ? key() : null);

/**
 * Each candidate rule's key as text that does not depend on which records were prepared
 * together (the numeric keys number names and postcodes in the order they were met):
 * two records share a rule's text key exactly when they share its numeric key. The
 * incremental run stores these (hashed) for every child, to find a changed child's
 * groups among a million without reading the million.
 */
export const BLOCKING_TEXT: readonly ((p: Prepared, i: number) => string | null)[] = [
  (p, i) => when(p.nhsId[i]! >= 0, () => p.nhs[i]!),
  (p, i) => when(p.upnId[i]! >= 0, () => p.upn[i]!),
  (p, i) => when(p.otherIdId[i]! >= 0, () => p.otherId[i]!),
  (p, i) => when(has(p.dobNum[i]!, p.given[i]!), () => `${p.dobNum[i]!}|${init(p, p.given[i]!)}`),
  (p, i) => when(has(p.dobNum[i]!, p.family[i]!), () => `${p.dobNum[i]!}|${init(p, p.family[i]!)}`),
  (p, i) =>
    when(
      has(p.given[i]!, p.family[i]!, p.dobNum[i]!),
      () => `${sound(p, p.family[i]!)}|${sound(p, p.given[i]!)}|${year(p, i) % 4096}`,
    ),
  (p, i) =>
    when(
      has(p.postcodeId[i]!, p.given[i]!, p.family[i]!),
      () => `${p.postcode[i]!}|${sound(p, p.given[i]!)}|${init(p, p.family[i]!)}`,
    ),
  (p, i) =>
    when(
      has(p.postcodeId[i]!, p.given[i]!, p.family[i]!),
      () => `${p.postcode[i]!}|${sound(p, p.family[i]!)}|${init(p, p.given[i]!)}`,
    ),
  (p, i) =>
    when(has(p.dobNum[i]!, p.given[i]!, p.family[i]!), () => {
      const a = sound(p, p.given[i]!);
      const b = sound(p, p.family[i]!);
      return `${p.dobNum[i]!}|${a < b ? `${a}|${b}` : `${b}|${a}`}`;
    }),
  (p, i) => when(has(p.addressId[i]!, p.family[i]!), () => `${p.address[i]!}|${sound(p, p.family[i]!)}`),
  (p, i) => when(has(p.dobNum[i]!, p.given[i]!, p.family[i]!), () => `${eitherWay(p.dobNum[i]!)}|${initials(p, i)}`),
  (p, i) => when(has(p.addressId[i]!, p.dobNum[i]!), () => `${p.address[i]!}|${year(p, i) % 4096}`),
];

// A labelled evaluation set for search ranking (issue 24, "rank the right child first"):
// queries a practitioner would type from what a supplier said about a child, each with
// the ContactPoint number of the child meant. Deterministic from a seed: the children
// come from the training generator, the choice of supply and of query kind from a seeded
// random stream, so two runs of the same seed ask the same questions.
//
// A supply is what a supplier sent, mistakes and all (typos, nicknames, spelling
// variants, day and month swapped, names swapped, an older address): the query copies
// it. Half the cases are taken from a supply with a mistake in a field the query uses
// (where the child has one), so fuzzy matching is asked as much as exact matching; each
// case says which it is, and accuracy is reported per kind and per clean/corrupted.
import type { ChildRecord, SupplierRecord } from '../../domain/child-record.js';
import type { LocalSearchQuery } from '../../domain/local-search.js';
import { nameKey } from '../../domain/name-key.js';
import { createRandom, type GeneratedChild } from '../../service/training/index.js';

/** What the practitioner typed: the fields a supplier gave them, in the mix they come. */
export const QUERY_KINDS = [
  'surname+forename+dob',
  'surname+dob',
  'surname+forename+dob+postcode',
  'surname+forename',
  'surname+forename+postcode',
] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

/** Share of each kind (per cent): a date of birth is usually known, a postcode sometimes. */
const KIND_WEIGHTS: Record<QueryKind, number> = {
  'surname+forename+dob': 35,
  'surname+dob': 20,
  'surname+forename+dob+postcode': 15,
  'surname+forename': 15,
  'surname+forename+postcode': 15,
};

export interface RankingCase {
  kind: QueryKind;
  query: LocalSearchQuery;
  /** The label: the child the practitioner means. */
  cpNumber: string;
  /** The real child behind the record: a duplicate record of the same child shares it. */
  truthId: string;
  /** The supply differs from the held record in a field the query uses. */
  corrupted: boolean;
}

export interface RankingSetOptions {
  seed: string;
  /** How many cases at most. */
  count: number;
  /** Take one child in this many (spread over the population, not its first households). */
  every: number;
  /** Only children this keeps can be labels (the working set holds one authority). */
  keep?: (record: ChildRecord) => boolean;
}

/** The fields of a query kind. */
export function kindFields(kind: QueryKind): ('surname' | 'forename' | 'dob' | 'postcode')[] {
  return kind.split('+') as ('surname' | 'forename' | 'dob' | 'postcode')[];
}

/** Whether a supply says something different from the record in one of `fields`. */
function differs(s: SupplierRecord, r: ChildRecord, fields: readonly string[]): boolean {
  return fields.some((f) => {
    if (f === 'surname') return nameKey(s.name.family) !== nameKey(r.name.family);
    if (f === 'forename') return nameKey(s.name.given) !== nameKey(r.name.given);
    if (f === 'dob') return s.dob !== r.dob;
    return (s.address?.postcode ?? null) !== (r.address?.postcode ?? null);
  });
}

/**
 * The cases, from `children` in order (the caller passes the population the stores hold).
 * Shielded children are left out: a postcode never finds them (the shield rule), and what
 * a search may show of them is not what this set measures. Duplicate records are never
 * labels (the original is), but they stay in the population.
 */
export function rankingCases(children: Iterable<GeneratedChild>, options: RankingSetOptions): RankingCase[] {
  const r = createRandom(`ranking-set:${options.seed}`);
  const kinds = QUERY_KINDS.flatMap((k) => Array.from({ length: KIND_WEIGHTS[k] }, () => k));
  const seen = new Set<string>();
  const cases: RankingCase[] = [];
  let i = 0;
  for (const child of children) {
    const first = !seen.has(child.truthId);
    seen.add(child.truthId);
    if (i++ % options.every !== 0) continue;
    const record = child.record;
    if (!first || record.shielded || (options.keep && !options.keep(record))) continue;
    let kind = r.pick(kinds);
    if (kind.includes('postcode') && record.address === null) kind = 'surname+forename+dob';
    const fields = kindFields(kind);
    const wrong = child.supplies.filter((s) => differs(s, record, fields));
    const supply = wrong.length > 0 && r.chance(0.5) ? r.pick(wrong) : r.pick(child.supplies);
    const query: LocalSearchQuery = {};
    for (const f of fields) {
      if (f === 'surname') query.surname = supply.name.family;
      else if (f === 'forename') query.forename = supply.name.given;
      else if (f === 'dob') query.dob = supply.dob;
      // A supplier without an address for the child: the practitioner types the one held.
      else query.postcode = supply.address?.postcode ?? record.address!.postcode;
    }
    cases.push({
      kind,
      query,
      cpNumber: record.cpNumber,
      truthId: child.truthId,
      corrupted: differs(supply, record, fields),
    });
    if (cases.length >= options.count) break;
  }
  return cases;
}

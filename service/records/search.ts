// Finding a child: tolerant of the ways names and dates go wrong (Smith/Smyth,
// Katherine/Catherine, hyphenated and former surnames, forename and surname swapped,
// day and month transposed), and fast on a national index. Candidates come only
// through indexes (trigram, double metaphone, former-name array, NHS number, date of
// birth with postcode); they are then scored in SQL and the best 50 returned.
import type { ChildSearchQuery, ChildSearchResult } from '../../domain/api/records.js';
import type { ChildRecord } from '../../domain/child-record.js';
import { transposeDayMonth } from '../../domain/dates.js';
import { nameKey } from '../../domain/name-key.js';
import type { Actor } from '../../domain/roles.js';
import { hasRole } from '../../domain/roles.js';
import { searchResultView } from '../../domain/visibility.js';
import { appendAudit } from '../audit/audit-log.js';
import { timed } from '../http/request-timing.js';
import type { Queryable, SqlValue } from '../store/database.js';
import { assertMayViewRecords } from './read.js';

export const maxSearchResults = 50;

/** Trigram similarity below which a surname is not a candidate (pg_trgm's own default). */
const similarityThreshold = 0.3;
/** How much of the query must appear, in order, inside a longer (double-barrelled) surname. */
const wordSimilarityThreshold = 0.6;
/**
 * A child born on the date searched for (or its transposition) with this score is a
 * good match: the date and the forename exactly and some of the surname, or the date
 * and most of the surname. The date-of-birth-first answer then stands.
 */
const goodDateMatch = 0.6;

// Field weights of the score: the surname says most, then date of birth, forename, postcode.
const weights = { family: 4, given: 2, dob: 3, postcode: 1 } as const;

export interface SearchOutcome {
  results: ChildSearchResult[];
  truncated: boolean;
}

interface ResultRow {
  record: ChildRecord;
  shielded: boolean;
  score: number;
}

/** Builds parameterised SQL: every value goes in as $n, never into the text. */
class Params {
  readonly values: SqlValue[] = [];
  add(v: SqlValue): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Which fields a query used: what the audit records (never the values). */
export function fieldsUsed(query: ChildSearchQuery): string[] {
  return (['surname', 'forename', 'dob', 'postcode', 'nhsNumber', 'cpNumber'] as const).filter(
    (f) => query[f] !== undefined,
  );
}

/**
 * Search active children. A search that uses the postcode (a field a shield hides)
 * never returns a shielded child the actor may not see in full, so a postcode cannot
 * be used to find where a shielded child lives.
 */
export async function searchChildren(
  tx: Queryable,
  actor: Actor,
  query: ChildSearchQuery,
  at: Date,
): Promise<SearchOutcome> {
  assertMayViewRecords(actor);
  const bounded = searchSql(actor, query, 'bounded');
  const exact = searchSql(actor, query, 'exact');
  const full = searchSql(actor, query, 'full');
  if (full === null) return audited(tx, actor, query, at, { results: [], truncated: false });

  const rows = await timed('service.query', () => candidates(tx, bounded, exact, full));
  const truncated = rows.length > maxSearchResults;
  const results = rows
    .slice(0, maxSearchResults)
    .map((row) =>
      searchResultView({ record: row.record, shielded: row.shielded }, actor, Math.min(1, Math.max(0, row.score))),
    );
  return audited(tx, actor, query, at, { results, truncated });
}

/**
 * The best children: by date of birth first, or by the exact name first, when that
 * answer stands; else the full search.
 */
async function candidates(
  tx: Queryable,
  bounded: SearchSql | null,
  exact: SearchSql | null,
  full: SearchSql,
): Promise<ResultRow[]> {
  if (exact !== null) {
    // A common name typed in full: more children carry exactly that name than a search
    // shows, each scoring the most there is with no letter wrong, so they are the
    // answer, in the full search's order, from the names index alone (no trigram scan
    // of every Smith-like surname in England).
    const rows = await tx.query<ResultRow>(exact.sql, exact.values);
    if (rows.length > maxSearchResults && rows.every((r) => r.score >= 1)) return rows;
  }
  await tx.query(
    "SELECT set_config('pg_trgm.similarity_threshold', $1, true), set_config('pg_trgm.word_similarity_threshold', $2, true)",
    [String(similarityThreshold), String(wordSimilarityThreshold)],
  );
  let rows: ResultRow[] | undefined;
  if (bounded !== null) {
    // Date of birth first: a few thousand children share a birthday, so this costs the
    // same at any size. It stands when its best child scores above what any child it
    // left out could score, or when a child born on the date is a good match by name;
    // otherwise the full search answers.
    rows = await tx.query<ResultRow>(bounded.sql, bounded.values);
    const best = rows[0];
    const goodByDate = rows.some((r) => r.score >= goodDateMatch && bounded.dobs.includes(r.record.dob));
    if (best === undefined || (best.score <= bounded.ceiling && !goodByDate)) rows = undefined;
  }
  return rows ?? (await tx.query<ResultRow>(full.sql, full.values));
}

export interface SearchSql {
  sql: string;
  values: SqlValue[];
  /** The highest score a child left out of the bounded candidates can reach. */
  ceiling: number;
  /** The date of birth searched for and its day/month transposition. */
  dobs: string[];
}

/**
 * The SQL of a search. `full` takes every candidate the indexes give: a surname with a
 * typo brings its trigram and double-metaphone neighbours, a share of the whole store
 * for a common surname. `bounded` (only when a surname comes with a date of birth)
 * takes the children born on the date or its day/month transposition whose surname or
 * forename gives evidence (the same tests as the scores), and those of exactly the same
 * surname and forename (or the two swapped) born on another day; the identifier and
 * postcode candidates stay. A child it leaves out was not born on the date, so cannot score above
 * `ceiling`: every child scoring above it is in both answers, in the same order, with
 * the same score. Null when there is nothing to search by (or, for `bounded`, no date
 * of birth).
 * Exported for the tests, which compare the two answers.
 */
export function searchSql(actor: Actor, query: ChildSearchQuery, mode: 'full' | 'bounded' | 'exact'): SearchSql | null {
  const p = new Params();
  const family = query.surname !== undefined ? nameKey(query.surname) : undefined;
  const given = query.forename !== undefined ? nameKey(query.forename) : undefined;
  const postcodeKey = query.postcode?.replace(/\s+/g, '');
  const dobs =
    query.dob !== undefined ? [query.dob, transposeDayMonth(query.dob)].filter((d): d is string => d !== null) : [];
  const hasFamily = family !== undefined && family.length > 0;
  const hasGiven = given !== undefined && given.length > 0;
  if (mode === 'bounded' && !(hasFamily && dobs.length > 0)) return null;
  const namesOnly =
    query.dob === undefined &&
    query.postcode === undefined &&
    query.nhsNumber === undefined &&
    query.cpNumber === undefined;
  if (mode === 'exact' && !(hasFamily && namesOnly)) return null;

  // Candidates: each alternative is answerable from an index on its own, so the
  // planner ORs index scans together rather than reading every child.
  const alternatives: string[] = [];
  if (query.cpNumber !== undefined) alternatives.push(`c.cp_number = ${p.add(query.cpNumber)}`);
  if (query.nhsNumber !== undefined) alternatives.push(`c.nhs_number = ${p.add(query.nhsNumber)}`);
  let fam = '';
  let giv = '';
  if (hasFamily) {
    fam = p.add(family);
    const surname = [
      `c.family_key % ${fam}`,
      `${fam} <% c.family_key`,
      `dmetaphone(c.family_key) = dmetaphone(${fam})`,
      `c.former_keys @> ARRAY[${fam}]::text[]`,
    ];
    if (hasGiven) giv = p.add(given);
    if (mode === 'exact') {
      // Exactly the name typed: from the names index (family_key, given_key).
      alternatives.push(hasGiven ? `(c.family_key = ${fam} AND c.given_key = ${giv})` : `c.family_key = ${fam}`);
    } else if (mode === 'full') {
      alternatives.push(...surname);
    } else {
      // Those born on the date whose surname or forename gives evidence: the date of
      // birth index alone finds them (a few thousand share a birthday in England), the
      // names are tested on those rows only. And the same name exactly, born on another
      // day, from the names index (migration 024).
      // The swapped names are tested on those rows too (a trigram scan of a short name
      // on its own reads a share of the store), and looked up exactly.
      const nameEvidence = [...surname];
      if (hasGiven) {
        nameEvidence.push(
          `c.given_key % ${giv}`,
          `dmetaphone(c.given_key) = dmetaphone(${giv})`,
          `starts_with(c.given_key, ${giv})`,
          `(c.given_key % ${fam} AND c.family_key % ${giv})`,
        );
        alternatives.push(
          `(c.family_key = ${fam} AND c.given_key = ${giv})`,
          `(c.family_key = ${giv} AND c.given_key = ${fam})`,
        );
      }
      alternatives.push(`(c.dob = ANY(${p.add(dobs)}::date[]) AND (${nameEvidence.join(' OR ')}))`);
    }
    if (hasGiven && mode === 'full') alternatives.push(`(c.given_key % ${fam} AND c.family_key % ${giv})`);
  } else if (hasGiven) {
    giv = p.add(given);
  }
  if (postcodeKey !== undefined && dobs.length > 0) {
    alternatives.push(`(c.postcode_key = ${p.add(postcodeKey)} AND c.dob = ANY(${p.add(dobs)}::date[]))`);
  }
  if (alternatives.length === 0) return null;

  // Score: a weighted mean over the fields given, each 0..1; an exact identifier is 1.
  const parts: { weight: number; expr: string }[] = [];
  // Equal scores are ordered by how far what was typed is from what is held, in letters
  // (the fewer slips, the likelier the child meant: Hssan is Hassan before Hussain), then
  // by name and CP number as before. A function of the row alone, so the bounded and full
  // answers order their common children alike.
  const distance: string[] = [];
  if (fam) {
    const surnameScore = `GREATEST(
        similarity(c.family_key, ${fam}),
        CASE WHEN dmetaphone(c.family_key) = dmetaphone(${fam}) THEN 0.8 ELSE 0 END,
        word_similarity(${fam}, c.family_key) * 0.85,
        CASE WHEN cardinality(c.former_keys) = 0 THEN 0
             ELSE COALESCE((SELECT max(similarity(k, ${fam})) FROM unnest(c.former_keys) AS k), 0) * 0.95 END)`;
    if (giv) {
      const givenScore = forenameScore(giv);
      const straight = `(${weights.family} * ${surnameScore} + ${weights.given} * ${givenScore}) / ${weights.family + weights.given}`;
      const swapped = `LEAST(similarity(c.given_key, ${fam}), similarity(c.family_key, ${giv})) * 0.9`;
      parts.push({ weight: weights.family + weights.given, expr: `GREATEST(${straight}, ${swapped})` });
      distance.push(
        `LEAST(levenshtein(c.family_key, ${fam}) + levenshtein(c.given_key, ${giv}), levenshtein(c.given_key, ${fam}) + levenshtein(c.family_key, ${giv}))`,
      );
    } else {
      parts.push({ weight: weights.family, expr: surnameScore });
      distance.push(`levenshtein(c.family_key, ${fam})`);
    }
  } else if (giv) {
    parts.push({ weight: weights.given, expr: forenameScore(giv) });
    distance.push(`levenshtein(c.given_key, ${giv})`);
  }
  if (dobs.length > 0) {
    const exact = p.add(dobs[0]!);
    const transposed = dobs[1] !== undefined ? p.add(dobs[1]) : null;
    parts.push({
      weight: weights.dob,
      expr: `CASE WHEN c.dob = ${exact}::date THEN 1${transposed ? ` WHEN c.dob = ${transposed}::date THEN 0.7` : ''} ELSE 0 END`,
    });
    distance.push(`levenshtein(to_char(c.dob, 'YYYY-MM-DD'), ${p.add(dobs[0]!)}::text)`);
  }
  if (postcodeKey !== undefined) {
    const pc = p.add(postcodeKey);
    parts.push({
      weight: weights.postcode,
      expr: `CASE WHEN c.postcode_key = ${pc} THEN 1 ELSE 0 END`,
    });
    distance.push(`levenshtein(COALESCE(c.postcode_key, ''), ${pc})`);
  }
  const identity: string[] = [];
  if (query.cpNumber !== undefined) identity.push(`c.cp_number = ${p.add(query.cpNumber)}`);
  if (query.nhsNumber !== undefined) identity.push(`c.nhs_number = ${p.add(query.nhsNumber)}`);
  const totalWeight = parts.reduce((s, x) => s + x.weight, 0);
  const fuzzy =
    parts.length > 0 ? `(${parts.map((x) => `${x.weight} * (${x.expr})`).join(' + ')}) / ${totalWeight}` : '0';
  const score = identity.length > 0 ? `CASE WHEN ${identity.join(' OR ')} THEN 1 ELSE ${fuzzy} END` : fuzzy;

  // What a child the bounded search leaves out can score: not born on the date nor on
  // its transposition, so nothing for the date of birth; at most everything for the
  // names and the postcode.
  const ceiling =
    (weights.family + (giv ? weights.given : 0) + (postcodeKey !== undefined ? weights.postcode : 0)) / totalWeight;

  // The shield rule for searches that use a hidden field: the postcode, and the NHS
  // number (a shield leaves only name, gender, date of birth, CP number and parents'
  // names visible). It applies to whichever candidates the search took.
  let shieldFilter = '';
  const usesHiddenField = postcodeKey !== undefined || query.nhsNumber !== undefined;
  if (usesHiddenField && !hasRole(actor, 'data-manager', 'national-admin')) {
    const ownAuthority = hasRole(actor, 'la-team') ? actor.localAuthority : null;
    shieldFilter =
      ownAuthority !== null
        ? ` AND (NOT c.shielded OR c.local_authority = ${p.add(ownAuthority)})`
        : ' AND NOT c.shielded';
  }

  if (mode === 'exact') {
    // Every child carrying exactly the name scores 1 at distance 0, so their order is the
    // names index's own: read the first 51 from it and score only those (to check).
    const sql = `WITH named AS (
            SELECT c.cp_number FROM children c
             WHERE ${alternatives.join(' OR ')} AND c.status = 'active'${shieldFilter}
             ORDER BY c.family_key, c.given_key, c.cp_number
             LIMIT ${maxSearchResults + 1})
     SELECT c.record, c.shielded, round((${score})::numeric, 3)::float8 AS score
       FROM named n JOIN children c USING (cp_number)
      ORDER BY c.family_key, c.given_key, c.cp_number`;
    return { sql, values: p.values, ceiling, dobs };
  }
  const sql = `WITH scored AS (
            SELECT c.cp_number, c.family_key, c.given_key, round((${score})::numeric, 3)::float8 AS score,
                   ${distance.length > 0 ? distance.join(' + ') : '0'} AS distance
              FROM children c
             WHERE (${alternatives.join(' OR ')}) AND c.status = 'active'${shieldFilter}
             ORDER BY score DESC, distance, c.family_key, c.given_key, c.cp_number
             LIMIT ${maxSearchResults + 1})
     SELECT c.record, c.shielded, s.score
       FROM scored s JOIN children c USING (cp_number)
      ORDER BY s.score DESC, s.distance, s.family_key, s.given_key, s.cp_number`;
  return { sql, values: p.values, ceiling, dobs };
}

/** A forename's score: spelling variants count, and so do short forms written as the start of the name. */
function forenameScore(giv: string): string {
  return `GREATEST(
      similarity(c.given_key, ${giv}),
      CASE WHEN dmetaphone(c.given_key) = dmetaphone(${giv}) THEN 0.8 ELSE 0 END,
      CASE WHEN length(${giv}) >= 3 AND starts_with(c.given_key, ${giv}) THEN 0.7 ELSE 0 END)`;
}

/**
 * Whether the query's surname is the searcher's own (the last word of their account
 * name), compared by search key so case, spacing and punctuation do not hide it.
 * Searching for relatives is a known misuse; the audit notes the fact, never the name.
 */
export function isOwnSurname(actor: Pick<Actor, 'name'>, query: Pick<ChildSearchQuery, 'surname'>): boolean {
  if (query.surname === undefined) return false;
  const own = nameKey(actor.name.trim().split(/\s+/).at(-1) ?? '');
  return own !== '' && nameKey(query.surname.trim()) === own;
}

async function audited(
  tx: Queryable,
  actor: Actor,
  query: ChildSearchQuery,
  at: Date,
  outcome: SearchOutcome,
): Promise<SearchOutcome> {
  await timed('service.audit', () =>
    appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'search',
      detail: {
        fields: fieldsUsed(query),
        resultCount: outcome.results.length,
        truncated: outcome.truncated,
        ...(isOwnSurname(actor, query) ? { ownSurname: true } : {}),
      },
    }),
  );
  return outcome;
}

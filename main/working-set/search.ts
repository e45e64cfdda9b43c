// Search over the working set (see domain/local-search.ts for what counts as a match).
// Candidates come from indexes, never a scan of the whole set:
// - a ContactPoint or NHS number: its unique index;
// - a date of birth: that date and its day/month swap (a few hundred children even in
//   a million);
// - a surname: the names held that look or sound like it (trigrams and sound-alike keys
//   over the term dictionary, a few thousand names), then the children with those names
//   or those former surnames;
// - a postcode: the full postcode, or every postcode of an outward code.
// Each candidate is scored and the best come back first; equal scores in order of the
// evidence (domain/local-search.ts), which weighs an exact name by how common it is here.
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import type { LocalSearchQuery, NameFrequencies } from '../../domain/local-search.js';
import {
  byRank,
  dobCandidates,
  nameKey,
  postcodeQuery,
  scoreMatch,
  soundKey,
  trigrams,
  trigramSimilarity,
} from '../../domain/local-search.js';
import { compareNames } from '../../domain/matching.js';
import { childId, type WorkingSetStore } from './store.js';

export interface LocalSearchResult {
  cpNumber: string;
  given: string;
  family: string;
  dob: string | null;
  postcode: string | null;
  shielded: boolean;
  shieldPending: boolean;
  score: number;
  reasons: string[];
}

export interface LocalSearchAnswer {
  results: LocalSearchResult[];
  /** More children matched than were compared: the query should be narrowed. */
  truncated: boolean;
}

/** Candidates compared at most; a broader query is answered from these and says so. */
export const CANDIDATE_LIMIT = 3000;
const TERM_LIMIT = 40;
/** How long name frequencies are kept before they are counted again (syncs change them a little). */
const FREQUENCY_TTL_MS = 15 * 60_000;
const TERM_SIMILARITY = 0.45;

interface Candidate {
  id: number;
  cp: string;
  surname: string;
  forename: string;
  dob: string | null;
  postcode: string | null;
  nhs: string | null;
  shielded: number;
  shield_pending: number;
}

const COLUMNS = 'id, cp, surname, forename, dob, postcode, nhs, shielded, shield_pending';

export function createLocalSearch(
  store: WorkingSetStore,
): (query: LocalSearchQuery, limit?: number) => LocalSearchAnswer {
  const db = store.db;
  const byId = db.prepare<[number], Candidate>(`SELECT ${COLUMNS} FROM child_keys WHERE id = ?`);
  const byNhs = db.prepare<[string], Candidate>(`SELECT ${COLUMNS} FROM child_keys WHERE nhs = ?`);
  const bySound = db.prepare<[string], { term: string }>('SELECT term FROM name_terms WHERE sound = ?');
  const display = db.prepare<[number], { given: string | null; family: string | null }>(
    "SELECT json_extract(CAST(record AS TEXT), '$.name.given') AS given, json_extract(CAST(record AS TEXT), '$.name.family') AS family FROM children WHERE id = ?",
  );
  const cache = new Map<string, Statement>();
  const prepared = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

  // How common each surname and forename is: counted once (one pass over the narrow
  // search rows, a few thousand names) and kept a while; shares move little with a sync.
  let frequencies: { at: number; value: NameFrequencies } | null = null;
  function nameFrequencies(): NameFrequencies {
    const now = Date.now();
    if (frequencies !== null && now - frequencies.at < FREQUENCY_TTL_MS) return frequencies.value;
    const count = (column: 'surname' | 'forename') => {
      const rows = db.prepare(`SELECT ${column} AS term, count(*) AS n FROM child_keys GROUP BY ${column}`).all() as {
        term: string;
        n: number;
      }[];
      const total = rows.reduce((sum, r) => sum + r.n, 0);
      const shares = new Map(rows.map((r) => [r.term, r.n / Math.max(1, total)]));
      let typical = 0;
      for (const f of shares.values()) typical += f * f;
      return { shares, typical };
    };
    const surnames = count('surname');
    const forenames = count('forename');
    const value: NameFrequencies = {
      surname: (key) => surnames.shares.get(key) ?? 0,
      forename: (key) => forenames.shares.get(key) ?? 0,
      surnameTypical: surnames.typical,
      forenameTypical: forenames.typical,
    };
    frequencies = { at: now, value };
    return value;
  }

  /** Names held that look or sound like `name`, most alike first. */
  function similarTerms(name: string): string[] {
    const key = nameKey(name);
    if (key.length === 0) return [];
    const grams = trigrams(key);
    const shared = prepared(
      `SELECT term, count(*) AS shared FROM name_grams WHERE gram IN (${placeholders(grams.length)}) GROUP BY term`,
    ).all(...grams) as { term: string; shared: number }[];
    const scored = new Map<string, number>();
    for (const { term, shared: n } of shared) {
      const sim = trigramSimilarity(n, grams.length, trigrams(term).length);
      if (sim >= TERM_SIMILARITY || (n >= 2 && compareNames(key, term) === 'variant')) scored.set(term, sim);
    }
    for (const { term } of bySound.all(soundKey(key))) if (!scored.has(term)) scored.set(term, TERM_SIMILARITY);
    scored.set(key, 2);
    return [...scored.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TERM_LIMIT)
      .map(([t]) => t);
  }

  return (query, limit = 50) => {
    const found = new Map<number, Candidate>();
    const former = new Map<number, string[]>();
    let truncated = false;
    const add = (rows: Candidate[]) => {
      for (const r of rows) {
        if (found.size >= CANDIDATE_LIMIT) {
          truncated = true;
          return;
        }
        found.set(r.id, r);
      }
    };

    const cp = query.cpNumber?.trim().toUpperCase();
    const nhs = query.nhsNumber?.replace(/\s+/g, '');
    const id = cp ? childId(cp) : null;
    if (id !== null) add(byId.all(id));
    if (nhs) add(byNhs.all(nhs));
    const identifierOnly = (cp || nhs) && !query.surname && !query.dob && !query.postcode;
    // A date of birth narrows to a few hundred children at once; names are compared with each.
    const surnameTerms = query.surname && !identifierOnly && !query.dob ? similarTerms(query.surname) : [];

    if (!identifierOnly && query.dob) {
      const dobs = dobCandidates(query.dob);
      add(
        prepared(`SELECT ${COLUMNS} FROM child_keys WHERE dob IN (${placeholders(dobs.length)})`).all(
          ...dobs,
        ) as Candidate[],
      );
    } else if (surnameTerms.length > 0) {
      const forenameTerms = query.forename ? similarTerms(query.forename) : [];
      const where =
        forenameTerms.length > 0
          ? `surname IN (${placeholders(surnameTerms.length)}) AND forename IN (${placeholders(forenameTerms.length)})`
          : `surname IN (${placeholders(surnameTerms.length)})`;
      add(
        prepared(`SELECT ${COLUMNS} FROM child_keys WHERE ${where} LIMIT ${CANDIDATE_LIMIT + 1}`).all(
          ...surnameTerms,
          ...forenameTerms,
        ) as Candidate[],
      );
      // The names the wrong way round, as suppliers sometimes send them: the same index.
      if (forenameTerms.length > 0)
        add(
          prepared(
            `SELECT ${COLUMNS} FROM child_keys WHERE surname IN (${placeholders(forenameTerms.length)}) AND forename IN (${placeholders(surnameTerms.length)}) LIMIT ${CANDIDATE_LIMIT + 1}`,
          ).all(...forenameTerms, ...surnameTerms) as Candidate[],
        );
      const viaFormer = prepared(
        `SELECT f.term, ${COLUMNS.split(', ')
          .map((c) => `c.${c}`)
          .join(', ')} FROM former_surnames f JOIN child_keys c ON c.id = f.child_id
          WHERE f.term IN (${placeholders(surnameTerms.length)}) LIMIT ${CANDIDATE_LIMIT + 1}`,
      ).all(...surnameTerms) as (Candidate & { term: string })[];
      add(viaFormer);
      for (const r of viaFormer) former.set(r.id, [...(former.get(r.id) ?? []), r.term]);
    } else if (!identifierOnly && query.postcode) {
      const pc = postcodeQuery(query.postcode);
      if (pc && 'full' in pc)
        add(
          prepared(`SELECT ${COLUMNS} FROM child_keys WHERE postcode = ? LIMIT ${CANDIDATE_LIMIT + 1}`).all(
            pc.full,
          ) as Candidate[],
        );
      // "CH41 " up to "CH41!": every postcode of that outward code and no other.
      else if (pc)
        add(
          prepared(
            `SELECT ${COLUMNS} FROM child_keys WHERE postcode >= ? AND postcode < ? LIMIT ${CANDIDATE_LIMIT + 1}`,
          ).all(`${pc.outward} `, `${pc.outward}!`) as Candidate[],
        );
    }

    // Former surnames of candidates found another way, in one query.
    if (query.surname && found.size > 0 && found.size <= 1000) {
      const ids = [...found.keys()].filter((id) => !former.has(id));
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const rows = prepared(
          `SELECT child_id, term FROM former_surnames WHERE child_id IN (${placeholders(chunk.length)})`,
        ).all(...chunk) as {
          child_id: number;
          term: string;
        }[];
        for (const r of rows) former.set(r.child_id, [...(former.get(r.child_id) ?? []), r.term]);
      }
    }
    // A shielded record (or one treated as shielded) is matched on what a shield leaves
    // visible only: a postcode or NHS number given neither finds it nor counts for or
    // against it, so no result (nor its score, nor its reasons) says what those hide.
    const visibleOnly = Object.fromEntries(
      Object.entries(query).filter(([k]) => k !== 'postcode' && k !== 'nhsNumber'),
    ) as LocalSearchQuery;
    const names = found.size > 0 && (query.surname || query.forename) ? nameFrequencies() : undefined;
    const scored = [...found.values()].map((c) => {
      const formerSurnames = former.get(c.id) ?? [];
      const hidden = c.shielded === 1 || c.shield_pending === 1;
      const match = scoreMatch(
        hidden ? visibleOnly : query,
        {
          surname: c.surname,
          forename: c.forename,
          formerSurnames,
          dob: c.dob,
          postcode: hidden ? null : c.postcode,
          nhsNumber: hidden ? null : c.nhs,
          cpNumber: c.cp,
        },
        names,
      );
      return { c, match };
    });
    scored.sort((a, b) => byRank({ match: a.match, cpNumber: a.c.cp }, { match: b.match, cpNumber: b.c.cp }));
    const results = scored
      // A surname asked for and nothing like it: the date or postcode alone found a stranger.
      .filter((s) => s.match.score > 0 && (s.match.score === 100 || !s.match.reasons.includes('surname different')))
      .slice(0, limit)
      .map(({ c, match }) => {
        const name = display.get(c.id)!;
        return {
          cpNumber: c.cp,
          given: name.given ?? '',
          family: name.family ?? '',
          dob: c.dob,
          // The postcode is one of the details a shield hides ("Show shielded details" shows it).
          postcode: c.shielded === 1 || c.shield_pending === 1 ? null : c.postcode,
          shielded: c.shielded === 1,
          shieldPending: c.shield_pending === 1,
          score: match.score,
          reasons: match.reasons,
        };
      });
    return { results, truncated };
  };
}

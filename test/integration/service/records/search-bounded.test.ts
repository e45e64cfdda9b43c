// The date-of-birth-first search (service/records/search.ts): with a surname and a date
// of birth, candidates come from the date (and its day/month transposition) and the
// exact name, not from every child whose surname looks alike; the full search answers
// only when those give no good match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childSearchQuerySchema } from '../../../../domain/api/records.js';
import { searchChildren, searchSql, type SearchOutcome } from '../../../../service/records/search.js';
import { addChild, CHESHIRE_WEST_AND_CHESTER, child } from '../../../support/children.js';
import { openTestStore, storeEngines, type TestStore } from '../../../support/stores.js';
import { actor, seedAccounts, type ActorName } from './fixtures.js';

const at = new Date('2025-03-01T10:00:00Z');
const cps = (o: SearchOutcome) => o.results.map((r) => r.cpNumber);

describe.each(storeEngines)('date-of-birth-first search on %s', (engine) => {
  let store: TestStore;
  const search = (query: Record<string, string>, who: ActorName = 'practitioner') =>
    store.db.transaction((tx) => searchChildren(tx, actor(who), childSearchQuerySchema.parse(query), at));

  let oliver: string;
  let transposed: string;
  let olivia: string;
  let namesake: string;
  let hemberton: string;
  const crowd: string[] = [];

  beforeAll(async () => {
    store = await openTestStore(engine);
    await seedAccounts(store.db);
    const add = async (given: string, family: string, dob: string) =>
      (await addChild(store.db, child({ given, family, dob }))).cpNumber;
    oliver = await add('Oliver', 'Pemberton', '2012-04-09');
    transposed = await add('Oliver', 'Pemberton', '2012-09-04');
    olivia = await add('Olivia', 'Pemberton', '2015-11-02');
    namesake = await add('Oliver', 'Pemberton', '2010-10-10');
    // Born on a date searched for below, with a surname only like the one searched.
    hemberton = await add('Yusuf', 'Hemberton', '2001-01-01');
    // Pembertons with neither the date of birth nor a forename like Oliver: the full
    // search lists them (by the surname alone), the date-of-birth-first one does not.
    for (const [i, given] of ['Harriet', 'Thomas', 'Grace', 'Kwame', 'Ffion', 'Zainab', 'Bethan', 'Dmitri'].entries())
      crowd.push(await add(given, 'Pemberton', `2009-0${i + 1}-2${i}`));
  });
  afterAll(() => store.close());

  it('finds the child with a surname typo from the date of birth, first, and leaves out the surname-only crowd', async () => {
    const out = await search({ surname: 'Pembertin', forename: 'Oliver', dob: '2012-04-09' });
    expect(cps(out).slice(0, 2)).toEqual([oliver, transposed]);
    expect(out.results[0]!.score).toBeGreaterThan(out.results[1]!.score);
    // Children with only a surname like the one searched are not (the full search lists them).
    for (const cp of [...crowd, olivia, namesake]) expect(cps(out)).not.toContain(cp);
    expect(out.truncated).toBe(false);
    // Spelt right, the same name born on another day is listed too, below them.
    const right = await search({ surname: 'Pemberton', forename: 'Oliver', dob: '2012-04-09' });
    expect(cps(right).slice(0, 3)).toEqual([oliver, transposed, namesake]);
    for (const cp of [...crowd, olivia]) expect(cps(right)).not.toContain(cp);
  });

  it('lists every child the full search scores above the ceiling, in its order, with its score', async () => {
    const queries: Record<string, string>[] = [
      { surname: 'Pembertin', forename: 'Oliver', dob: '2012-04-09' },
      { surname: 'Pemberton', forename: 'Harriet', dob: '2012-09-04' },
      { surname: 'Pemberton', dob: '2015-11-02' },
      { surname: 'Pembertn', forename: 'Olivia', dob: '2015-11-02', postcode: 'CH41 1AA' },
    ];
    for (const q of queries) {
      const query = childSearchQuerySchema.parse(q);
      const bounded = searchSql(actor('practitioner'), query, 'bounded')!;
      const full = searchSql(actor('practitioner'), query, 'full')!;
      const rows = await store.db.transaction(async (tx) => {
        await tx.query(
          "SELECT set_config('pg_trgm.similarity_threshold', '0.3', true), set_config('pg_trgm.word_similarity_threshold', '0.6', true)",
        );
        const run = async (s: { sql: string; values: unknown[] }) =>
          (await tx.query<{ record: { cpNumber: string }; score: number }>(s.sql, s.values as never)).map((r) => ({
            cp: r.record.cpNumber,
            score: r.score,
          }));
        return { bounded: await run(bounded), full: await run(full) };
      });
      const above = (xs: { cp: string; score: number }[]) => xs.filter((x) => x.score > bounded.ceiling);
      expect(above(rows.full).length).toBeGreaterThan(0);
      // It may hold more (born on the date, the forename matching, the surname far off).
      const inFull = new Set(rows.full.map((r) => r.cp));
      expect(above(rows.bounded).filter((r) => inFull.has(r.cp))).toEqual(above(rows.full));
      // The full search had more: the bounded one really left children out.
      expect(rows.full.length).toBeGreaterThan(rows.bounded.length);
      // And searchChildren answers with the bounded rows.
      expect(cps(await search(q)).slice(0, rows.bounded.length)).toEqual(rows.bounded.map((r) => r.cp));
    }
  });

  it('falls back to the full search when the date of birth and forename give no good match', async () => {
    // Nobody matches the forename; only Hemberton was born that day, a weak match: the
    // full search answers, so every Pemberton is there, below Hemberton.
    const weak = await search({ surname: 'Pemberton', forename: 'Xanthe', dob: '2001-01-01' });
    expect(cps(weak)[0]).toBe(hemberton);
    for (const cp of [...crowd, oliver, olivia, namesake]) expect(cps(weak)).toContain(cp);
    // Nobody born that day, nobody of that forename: the full search again.
    const none = await search({ surname: 'Pemberton', forename: 'Xanthe', dob: '2003-06-06' });
    for (const cp of [...crowd, oliver, olivia]) expect(cps(none)).toContain(cp);
    // Hemberton too, now last: its surname is further off and its date no longer helps.
    expect(cps(none).at(-1)).toBe(hemberton);
  });

  it('a search without a date of birth still finds by the surname alone', async () => {
    const out = await search({ surname: 'Pembertin' });
    for (const cp of [...crowd, oliver, transposed, olivia, namesake]) expect(cps(out)).toContain(cp);
  });

  describe('shielded children', () => {
    const home = {
      whereabouts: 'current' as const,
      address: { lines: ['4 Quarry Lane', 'Moreton'], postcode: 'CH46 0PQ' },
      dob: '2014-02-11',
    };
    let shielded: string;
    let elsewhere: string;
    let sibling: string;
    beforeAll(async () => {
      const add = async (over: Parameters<typeof child>[0]) => (await addChild(store.db, child(over))).cpNumber;
      shielded = await add({ ...home, given: 'Ruby', family: 'Ashcombe', shielded: true });
      elsewhere = await add({
        ...home,
        given: 'Rubie',
        family: 'Ashcombe',
        shielded: true,
        localAuthority: CHESHIRE_WEST_AND_CHESTER,
      });
      sibling = await add({ ...home, given: 'Jack', family: 'Ashcombe' });
    });
    const query = { surname: 'Ashcomb', forename: 'Ruby', dob: '2014-02-11' };

    it('a search with the postcode does not find a shielded child for a practitioner or another team', async () => {
      const withPostcode = { ...query, postcode: 'CH46 0PQ' };
      for (const who of ['practitioner', 'child-protection', 'la-cheshire'] as const) {
        const out = cps(await search(withPostcode, who));
        expect(out).toContain(sibling);
        expect(out).not.toContain(shielded);
      }
      expect(cps(await search(withPostcode, 'la-cheshire'))).toContain(elsewhere);
      expect(cps(await search(withPostcode, 'la-wirral'))).not.toContain(elsewhere);
      for (const who of ['la-wirral', 'data-manager'] as const) {
        const out = await search(withPostcode, who);
        expect(out.results[0]).toMatchObject({ cpNumber: shielded, postcode: 'CH46 0PQ' });
      }
    });

    it('a name and date search finds them, without their postcode or authority', async () => {
      const out = await search(query);
      expect(cps(out)[0]).toBe(shielded);
      for (const cp of [shielded, elsewhere]) {
        const r = out.results.find((x) => x.cpNumber === cp)!;
        expect(r.shielded).toBe(true);
        expect(r).not.toHaveProperty('postcode');
        expect(r).not.toHaveProperty('localAuthority');
      }
    });
  });
});

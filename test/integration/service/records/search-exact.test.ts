// The exact-name-first search (service/records/search.ts): a common name typed in full,
// with nothing else, is answered from the names index when more children carry exactly
// that name than a search shows. They all score the most there is with no letter wrong,
// so the answer is the full search's, child for child, score for score; with fewer of
// them (or a typo) the full search answers, near spellings and former names included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childSearchQuerySchema } from '../../../../domain/api/records.js';
import { maxSearchResults, searchChildren, searchSql } from '../../../../service/records/search.js';
import { addChild, child } from '../../../support/children.js';
import { openTestStore, storeEngines, type TestStore } from '../../../support/stores.js';
import { actor, seedAccounts } from './fixtures.js';

const at = new Date('2025-03-01T10:00:00Z');

describe.each(storeEngines)('exact-name-first search on %s', (engine) => {
  let store: TestStore;
  const search = (query: Record<string, string>) =>
    store.db.transaction((tx) => searchChildren(tx, actor('practitioner'), childSearchQuerySchema.parse(query), at));
  const both = (query: Record<string, string>) => {
    const parsed = childSearchQuerySchema.parse(query);
    const exact = searchSql(actor('practitioner'), parsed, 'exact');
    const full = searchSql(actor('practitioner'), parsed, 'full')!;
    return store.db.transaction(async (tx) => {
      await tx.query(
        "SELECT set_config('pg_trgm.similarity_threshold', '0.3', true), set_config('pg_trgm.word_similarity_threshold', '0.6', true)",
      );
      const run = async (s: { sql: string; values: unknown[] }) =>
        (await tx.query<{ record: { cpNumber: string }; score: number }>(s.sql, s.values as never)).map((r) => ({
          cp: r.record.cpNumber,
          score: r.score,
        }));
      return { exact: exact === null ? null : await run(exact), full: await run(full) };
    });
  };
  const near: string[] = [];

  beforeAll(async () => {
    store = await openTestStore(engine);
    await seedAccounts(store.db);
    const add = async (given: string, family: string, former?: string[]) =>
      (await addChild(store.db, child({ given, family, ...(former ? { former } : {}) }))).cpNumber;
    // 55 Fairbrothers, 53 of them Oliver: more than a search shows, both ways.
    for (let i = 0; i < 53; i++) await add('Oliver', 'Fairbrother');
    await add('Amira', 'Fairbrother');
    await add('Zeb', 'Fairbrother');
    // Children the full search finds by a near spelling, a former name or a longer surname.
    near.push(await add('Oliver', 'Fairbrothers'));
    near.push(await add('Oliver', 'Farebrother'));
    near.push(await add('Oliver', 'Quist', ['Fairbrother']));
    near.push(await add('Oliver', 'Fairbrother-Jones'));
  });
  afterAll(() => store.close());

  it.each([[{ surname: 'Fairbrother' }], [{ surname: 'Fairbrother', forename: 'Oliver' }]])(
    'answers %j from the exact name, as the full search would, child for child',
    async (query) => {
      const rows = await both(query);
      expect(rows.exact).not.toBeNull();
      expect(rows.exact!.length).toBe(maxSearchResults + 1);
      expect(rows.exact!.every((r) => r.score === 1)).toBe(true);
      // The full search really had more candidates (the near ones): the exact one left them out.
      expect(rows.full.length).toBe(maxSearchResults + 1);
      expect(rows.exact).toEqual(rows.full);
      const out = await search(query);
      expect(out.truncated).toBe(true);
      expect(out.results.map((r) => r.cpNumber)).toEqual(rows.full.slice(0, maxSearchResults).map((r) => r.cp));
    },
  );

  it('leaves it to the full search when fewer carry the name than a search shows', async () => {
    // Two Fairbrothers called Amira or Zeb: not enough, so the near spellings are listed too.
    const rows = await both({ surname: 'Fairbrother', forename: 'Amira' });
    expect(rows.exact!.length).toBe(1);
    const out = await search({ surname: 'Fairbrother', forename: 'Amira' });
    expect(out.results[0]!.score).toBe(1);
    expect(out.results.length).toBeGreaterThan(rows.exact!.length);
    // A typo: nobody is called that exactly; the full search finds the Fairbrothers.
    const typo = await search({ surname: 'Fairbrothar' });
    expect(typo.results.length).toBeGreaterThan(0);
    expect(typo.results.every((r) => r.score < 1)).toBe(true);
  });

  it('is never used with a date of birth, a postcode or an identifier', () => {
    for (const extra of [{ dob: '2012-05-20' }, { postcode: 'CH41 1AA' }, { nhsNumber: '9990000018' }]) {
      const parsed = childSearchQuerySchema.parse({ surname: 'Fairbrother', ...extra });
      expect(searchSql(actor('practitioner'), parsed, 'exact')).toBeNull();
      expect(searchSql(actor('practitioner'), parsed, 'full')).not.toBeNull();
    }
  });

  it('a surname alone still finds near spellings and former names when few carry it exactly', async () => {
    const out = await search({ surname: 'Farebrother' });
    const found = out.results.map((r) => r.cpNumber);
    expect(found).toContain(near[1]);
    expect(out.results[0]!.cpNumber).toBe(near[1]);
    // Only one child is called Farebrother: the Fairbrothers come by the near spelling.
    expect(out.results.filter((r) => r.name.family === 'Fairbrother').length).toBeGreaterThan(40);
  });
});

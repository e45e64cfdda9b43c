// National search ranking (issue 24): children with equal scores are ordered by how far
// what was typed is from what is held (fewer slips first), not by name or CP number, on
// both store engines, and the date-of-birth-first answer orders them as the full one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childSearchQuerySchema } from '../../../../domain/api/records.js';
import { searchChildren, type SearchOutcome } from '../../../../service/records/search.js';
import { addChild, child } from '../../../support/children.js';
import { openTestStore, storeEngines, type TestStore } from '../../../support/stores.js';
import { actor, seedAccounts } from './fixtures.js';

const at = new Date('2025-03-01T10:00:00Z');
const cps = (o: SearchOutcome) => o.results.map((r) => r.cpNumber);

describe.each(storeEngines)('search ranking on %s', (engine) => {
  let store: TestStore;
  const search = (query: Record<string, string>) =>
    store.db.transaction((tx) => searchChildren(tx, actor('practitioner'), childSearchQuerySchema.parse(query), at));
  const add = async (given: string, family: string, dob: string, postcode = 'CH41 1AA') =>
    (await addChild(store.db, child({ given, family, dob, address: { lines: ['1 High Street'], postcode } }))).cpNumber;

  beforeAll(async () => {
    store = await openTestStore(engine);
    await seedAccounts(store.db);
  });
  afterAll(() => store.close());

  it('puts the nearer spelling first when two surnames score the same', async () => {
    // Added first: the lower CP number, and first in the alphabet too.
    const hassin = await add('Teddy', 'Hassin', '2014-05-27');
    const hussain = await add('Teddy', 'Hussain', '2016-06-26');
    const out = await search({ surname: 'Husain', forename: 'Teddy' });
    const [a, b] = out.results.filter((r) => r.cpNumber === hassin || r.cpNumber === hussain);
    expect(a!.score).toBe(b!.score);
    expect(cps(out).slice(0, 2)).toEqual([hussain, hassin]);
  });

  it('puts the namesake at the nearer postcode first', async () => {
    const far = await add('Oliver', 'Jacksonne', '2019-04-11', 'CH49 9SR');
    const near = await add('Oliver', 'Jacksonne', '2024-08-21', 'CH63 1LT');
    const out = await search({ surname: 'Jacksonne', forename: 'Oliver', postcode: 'CH63 1QT' });
    expect(cps(out).slice(0, 2)).toEqual([near, far]);
    expect(out.results[0]!.score).toBe(out.results[1]!.score);
  });

  it('ranks a typo of the surname with the exact date of birth first, the bounded answer as the full one', async () => {
    const meant = await add('Amara', 'Pemberley', '2012-04-09');
    const sameDay = await add('Amara', 'Pembrey', '2012-04-09');
    const out = await search({ surname: 'Pemberly', forename: 'Amara', dob: '2012-04-09' });
    expect(cps(out).slice(0, 2)).toEqual([meant, sameDay]);
  });
});

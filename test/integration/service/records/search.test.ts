import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childSearchQuerySchema } from '../../../../domain/api/records.js';
import { searchChildren, type SearchOutcome } from '../../../../service/records/search.js';
import type { Database } from '../../../../service/store/database.js';
import { migrate } from '../../../../service/store/migrations.js';
import { openPglite } from '../../../../service/store/pglite.js';
import { addChild, CHESHIRE_WEST_AND_CHESTER, child } from '../../../support/children.js';
import { actor, lastAudit, refusal, seedAccounts, type ActorName } from './fixtures.js';

let db: Database;
const at = new Date('2025-03-01T10:00:00Z');

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  await seedAccounts(db);
});
afterAll(async () => db.close());

async function search(query: Record<string, string>, who: ActorName = 'practitioner'): Promise<SearchOutcome> {
  const parsed = childSearchQuerySchema.parse(query);
  return db.transaction((tx) => searchChildren(tx, actor(who), parsed, at));
}

const cps = (o: SearchOutcome) => o.results.map((r) => r.cpNumber);

describe('childSearchQuerySchema', () => {
  it('refuses a search that could list everyone, naming what is missing', () => {
    for (const q of [
      {},
      { forename: 'Amelia' },
      { dob: '2012-05-20' },
      { postcode: 'CH41 1AA' },
      { surname: '', forename: 'Amelia' },
    ]) {
      const r = childSearchQuerySchema.safeParse(q);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['surname']);
      expect(r.error?.issues[0]?.message).toMatch(/NHS number.*ContactPoint number.*date of birth with a postcode/);
    }
  });

  it('accepts a surname, an NHS or CP number, or a date of birth with a postcode, and normalises them', () => {
    expect(childSearchQuerySchema.parse({ surname: ' Smith ' })).toEqual({ surname: 'Smith' });
    expect(childSearchQuerySchema.parse({ nhsNumber: '943 476 5919' })).toEqual({ nhsNumber: '9434765919' });
    expect(childSearchQuerySchema.parse({ cpNumber: 'cp123456782' })).toEqual({ cpNumber: 'CP123456782' });
    expect(childSearchQuerySchema.parse({ dob: '2012-05-20', postcode: 'ch411aa' })).toEqual({
      dob: '2012-05-20',
      postcode: 'CH41 1AA',
    });
  });

  it('refuses unknown fields, over-long values and malformed identifiers', () => {
    const unknown = childSearchQuerySchema.safeParse({ surname: 'Smith', notes: 'x' });
    expect(unknown.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['notes'] });
    expect(childSearchQuerySchema.safeParse({ surname: 'S'.repeat(101) }).success).toBe(false);
    expect(childSearchQuerySchema.safeParse({ surname: 'S'.repeat(100) }).success).toBe(true);
    expect(childSearchQuerySchema.safeParse({ nhsNumber: '9434765918' }).success).toBe(false);
    expect(childSearchQuerySchema.safeParse({ cpNumber: 'CP123456781' }).success).toBe(false);
    expect(childSearchQuerySchema.safeParse({ dob: '2012-02-30', postcode: 'CH41 1AA' }).success).toBe(false);
    expect(childSearchQuerySchema.safeParse({ surname: '1234' }).success).toBe(false);
  });
});

describe('searchChildren', () => {
  it('finds Smyth when searching for Smith, and Catherine for Katherine, exact spelling first', async () => {
    const smith = await addChild(db, child({ given: 'Katherine', family: 'Smith', dob: '2011-07-09' }));
    const smyth = await addChild(db, child({ given: 'Catherine', family: 'Smyth', dob: '2011-07-09' }));
    const out = await search({ surname: 'Smith', forename: 'Katherine', dob: '2011-07-09' });
    expect(cps(out).slice(0, 2)).toEqual([smith.cpNumber, smyth.cpNumber]);
    expect(out.results[0]!.score).toBe(1);
    expect(out.results[1]!.score).toBeGreaterThan(0.5);
    expect(out.results[1]!.score).toBeLessThan(1);
    expect(cps(await search({ surname: 'Smyth' }))).toContain(smith.cpNumber);
  });

  it('finds a child whose forename and surname were swapped', async () => {
    const c = await addChild(db, child({ given: 'Megan', family: 'Pritchard' }));
    const out = await search({ surname: 'Megan', forename: 'Pritchard' });
    expect(cps(out)).toContain(c.cpNumber);
    expect(out.results.find((r) => r.cpNumber === c.cpNumber)!.score).toBeGreaterThan(0.8);
  });

  it('finds a double-barrelled surname by either part, and a child by a former surname', async () => {
    const hyphen = await addChild(db, child({ given: 'Ava', family: 'Whitworth-Okonkwo' }));
    const former = await addChild(db, child({ given: 'Lily', family: 'Brown', former: ['Fairbairn'] }));
    expect(cps(await search({ surname: 'Whitworth' }))).toContain(hyphen.cpNumber);
    expect(cps(await search({ surname: 'Okonkwo' }))).toContain(hyphen.cpNumber);
    expect(cps(await search({ surname: 'Whitworth Okonkwo' }))).toContain(hyphen.cpNumber);
    const byFormer = await search({ surname: 'Fairbairn', forename: 'Lily' });
    expect(cps(byFormer)).toEqual([former.cpNumber]);
    expect(byFormer.results[0]!.score).toBeGreaterThan(0.9);
  });

  it('scores a transposed day and month below the exact date of birth, above a different date', async () => {
    const exact = await addChild(db, child({ given: 'Noah', family: 'Ashworth', dob: '2013-04-09' }));
    const transposed = await addChild(db, child({ given: 'Noah', family: 'Ashworth', dob: '2013-09-04' }));
    const other = await addChild(db, child({ given: 'Noah', family: 'Ashworth', dob: '2013-11-20' }));
    const out = await search({ surname: 'Ashworth', forename: 'Noah', dob: '2013-04-09' });
    expect(cps(out)).toEqual([exact.cpNumber, transposed.cpNumber, other.cpNumber]);
    const [a, b, c] = out.results.map((r) => r.score);
    expect(a).toBe(1);
    expect(b).toBeLessThan(a!);
    expect(c).toBeLessThan(b!);
  });

  it('scores an exact NHS number or ContactPoint number 1, first', async () => {
    const c = await addChild(
      db,
      child({ given: 'Oscar', family: 'Lindqvist', identifiers: { nhsNumber: '9434765919', supplierRefs: [] } }),
    );
    const byNhs = await search({ nhsNumber: '9434765919' });
    expect(byNhs.results).toHaveLength(1);
    expect(byNhs.results[0]).toMatchObject({ cpNumber: c.cpNumber, score: 1 });
    const byCp = await search({ cpNumber: c.cpNumber, surname: 'Lindquist' });
    expect(byCp.results[0]).toMatchObject({ cpNumber: c.cpNumber, score: 1 });
  });

  it('returns at most 50, best first, and says when more matched', async () => {
    for (let i = 0; i < 55; i++)
      await addChild(db, child({ given: `Twin${String.fromCharCode(97 + (i % 26))}`, family: 'Quennell' }));
    const many = await search({ surname: 'Quennell' });
    expect(many.results).toHaveLength(50);
    expect(many.truncated).toBe(true);
    const scores = many.results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    for (let i = 0; i < 3; i++) await addChild(db, child({ family: 'Zebedee' }));
    const few = await search({ surname: 'Zebedee' });
    expect(few.results).toHaveLength(3);
    expect(few.truncated).toBe(false);
  });

  it('never returns an archived child', async () => {
    const c = await addChild(db, child({ family: 'Archibald' }));
    await db.query("UPDATE children SET status = 'archived', archived_on = '2025-01-02' WHERE cp_number = $1", [
      c.cpNumber,
    ]);
    expect(cps(await search({ surname: 'Archibald' }))).not.toContain(c.cpNumber);
  });

  describe('shielded children', () => {
    const home = {
      whereabouts: 'current' as const,
      address: { lines: ['4 Quarry Lane', 'Moreton'], postcode: 'CH46 0PQ' },
      dob: '2014-02-11',
    };
    let shielded: string;
    let pending: string;
    let sibling: string;

    beforeAll(async () => {
      shielded = (await addChild(db, child({ ...home, given: 'Ruby', family: 'Hollingsworth', shielded: true })))
        .cpNumber;
      // A possible duplicate of a shielded child, awaiting a person: treated as shielded.
      pending = (
        await addChild(db, child({ ...home, given: 'Rubie', family: 'Hollingsworth' }), { shieldPending: true })
      ).cpNumber;
      sibling = (await addChild(db, child({ ...home, given: 'Jack', family: 'Hollingsworth' }))).cpNumber;
    });

    it('a postcode search does not find a shielded child for a practitioner', async () => {
      const byPostcode = await search({ dob: '2014-02-11', postcode: 'CH46 0PQ' });
      expect(cps(byPostcode)).toEqual([sibling]);
      const withSurname = await search({ surname: 'Hollingsworth', postcode: 'CH46 0PQ' });
      expect(cps(withSurname)).toEqual([sibling]);
      // Nor for a child-protection user (who must override on the record itself) or another authority's team.
      expect(cps(await search({ dob: '2014-02-11', postcode: 'CH46 0PQ' }, 'child-protection'))).toEqual([sibling]);
      expect(cps(await search({ dob: '2014-02-11', postcode: 'CH46 0PQ' }, 'la-cheshire'))).toEqual([sibling]);
    });

    it('a postcode search finds them for the team of their authority and for a data manager', async () => {
      for (const who of ['la-wirral', 'data-manager', 'national-admin'] as const) {
        const out = await search({ dob: '2014-02-11', postcode: 'CH46 0PQ' }, who);
        expect(cps(out).sort()).toEqual([shielded, pending, sibling].sort());
        expect(out.results.find((r) => r.cpNumber === shielded)?.postcode).toBe('CH46 0PQ');
      }
    });

    it('a name search finds them, without their postcode or authority', async () => {
      const out = await search({ surname: 'Hollingsworth' });
      expect(cps(out).sort()).toEqual([shielded, pending, sibling].sort());
      for (const cp of [shielded, pending]) {
        const r = out.results.find((x) => x.cpNumber === cp)!;
        expect(r.shielded).toBe(true);
        expect(r).not.toHaveProperty('postcode');
        expect(r).not.toHaveProperty('localAuthority');
      }
      expect(out.results.find((x) => x.cpNumber === sibling)).toMatchObject({ shielded: false, postcode: 'CH46 0PQ' });
    });

    it('another authority\u2019s shielded child is hidden from a postcode search by this team', async () => {
      const there = await addChild(
        db,
        child({
          ...home,
          given: 'Ivy',
          family: 'Hollingsworth',
          shielded: true,
          localAuthority: CHESHIRE_WEST_AND_CHESTER,
        }),
      );
      expect(cps(await search({ dob: '2014-02-11', postcode: 'CH46 0PQ' }, 'la-wirral'))).not.toContain(there.cpNumber);
      expect(cps(await search({ dob: '2014-02-11', postcode: 'CH46 0PQ' }, 'la-cheshire'))).toContain(there.cpNumber);
    });
  });

  it('treats SQL and script in a surname as letters to match, harmlessly', async () => {
    const c = await addChild(db, child({ given: 'Sean', family: "O'Brien" }));
    expect(cps(await search({ surname: "O'Brien" }))).toContain(c.cpNumber);
    for (const surname of [
      "Robert'); DROP TABLE children;--",
      '<script>alert(1)</script>',
      "' OR '1'='1",
      'x%_%',
      "x\\' OR 1=1; --",
    ]) {
      const out = await search({ surname });
      expect(out.results.every((r) => r.score <= 1)).toBe(true);
      expect(JSON.stringify(out)).not.toContain('<script>');
    }
    // Nothing but letters is searchable, so a value of wildcards alone is refused before it reaches SQL.
    expect(childSearchQuerySchema.safeParse({ surname: '%_%' }).success).toBe(false);
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM children');
    expect(row!.n).toBeGreaterThan(60);
  });

  it('refuses a supplier\u2019s system', async () => {
    expect(await refusal(search({ surname: 'Smith' }, 'supplier'))).toMatchObject({
      status: 403,
      code: 'records-not-permitted',
    });
  });

  it('audits every search with the fields used and the count, never the values', async () => {
    await addChild(db, child({ given: 'Theodora', family: 'Vandersloot', dob: '2010-01-02' }));
    const out = await search({ surname: 'Vandersloot', forename: 'Theodora', dob: '2010-01-02' }, 'la-wirral');
    const entry = await lastAudit(db);
    expect(entry).toMatchObject({
      user_id: 'u-la-wirral',
      action: 'search',
      cp_number: null,
      detail: { fields: ['surname', 'forename', 'dob'], resultCount: out.results.length, truncated: false },
    });
    const text = JSON.stringify(entry);
    for (const value of ['Vandersloot', 'vandersloot', 'Theodora', 'theodora', '2010-01-02'])
      expect(text).not.toContain(value);
    // A search that finds nothing is audited too.
    await search({ nhsNumber: '9991544275' });
    expect(await lastAudit(db)).toMatchObject({ action: 'search', detail: { fields: ['nhsNumber'], resultCount: 0 } });
  });
});

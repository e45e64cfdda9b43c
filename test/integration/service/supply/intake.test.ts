import { afterAll, describe, expect, it } from 'vitest';
import { supplyBodySchema } from '../../../../domain/api/supply.js';
import type { ChildRecord, SupplierRecord } from '../../../../domain/child-record.js';
import { isValidCpNumber } from '../../../../domain/cp-number.js';
import { ApiError } from '../../../../service/http/api-error.js';
import { problemsOf } from '../../../../service/http/validation.js';
import { insertChild, loadChild } from '../../../../service/records/child-store.js';
import { receiveSupply } from '../../../../service/supply/intake.js';
import { discrepancies, type SupplyProvenance } from '../../../../service/supply/provenance.js';
import { readFeedPage } from '../../../../service/sync/feed.js';
import { CHESHIRE_WEST_AND_CHESTER, child, nextNhsNumber, supplierRecord, WIRRAL } from '../../../support/children.js';
import { laTeam, openContext, supplierSystem } from '../sync/fixtures.js';

const ctx = await openContext();
afterAll(() => ctx.db.close());

// Each test uses its own surname, date of birth and postcode, so that no test's supply
// can match another test's children.
async function held(over: Partial<ChildRecord>) {
  // A boy, as a supplied record is unless the test says otherwise.
  const record = child({ gender: 'male', ...over });
  await ctx.db.transaction((tx) => insertChild(tx, record, { at: ctx.clock.now() }));
  return record;
}
const load = async (cp: string) => (await loadChild(ctx.db, cp))!;
const supplyAs = (supplier: SupplierRecord['supplier'], records: SupplierRecord[], localAuthority = WIRRAL) =>
  receiveSupply(ctx, supplierSystem(supplier), { localAuthority, records });
const address = (postcode: string, line = '1 Test Street') => ({ lines: [line, 'Birkenhead'], postcode });
const name = (given: string, family: string) => ({ given, family, former: [] });

async function links(cp: string): Promise<string[]> {
  const rows = await ctx.db.query<{ supplier: string; supplier_ref: string }>(
    'SELECT supplier, supplier_ref FROM supply_links WHERE cp_number = $1 ORDER BY supplier, supplier_ref',
    [cp],
  );
  return rows.map((r) => `${r.supplier}:${r.supplier_ref}`);
}
async function childrenNamed(family: string): Promise<number> {
  const [row] = await ctx.db.query<{ n: number }>(
    "SELECT count(*)::int8 AS n FROM children WHERE record->'name'->>'family' = $1",
    [family],
  );
  return row!.n;
}

describe('resolving a supplied record to a child', () => {
  it('an NHS number matches an active child, whatever else differs, and links the reference', async () => {
    const nhs = nextNhsNumber();
    const c = await held({
      name: name('Ava', 'Abernathy'),
      dob: '2016-01-11',
      address: address('CH42 1AA'),
      identifiers: { nhsNumber: nhs, supplierRefs: [] },
    });
    const s = supplierRecord({
      supplier: 'nhs',
      name: name('Ava', 'Abernathy-Jones'),
      dob: '2016-01-11',
      address: address('CH43 9ZZ'),
      nhsNumber: nhs,
    });
    const { results } = await supplyAs('nhs', [s]);
    expect(results).toEqual([{ supplierRef: s.supplierRef, status: 'matched', cpNumber: c.cpNumber }]);
    const now = await load(c.cpNumber);
    expect(now.version).toBe(2);
    expect(now.record.address).toEqual(address('CH43 9ZZ'));
    expect(now.record.name.family).toBe('Abernathy-Jones');
    expect(now.record.identifiers.supplierRefs).toEqual([{ supplier: 'nhs', reference: s.supplierRef }]);
    expect(await links(c.cpNumber)).toEqual([`nhs:${s.supplierRef}`]);
  });

  it("a supplier's reference seen before finds its child even when everything else has changed", async () => {
    const first = supplierRecord({
      supplier: 'gro',
      name: name('Bella', 'Blackwood'),
      dob: '2016-02-12',
      address: address('CH44 2BB'),
    });
    const [created] = (await supplyAs('gro', [first])).results;
    expect(created!.status).toBe('created');
    const renamed = {
      ...first,
      receivedAt: '2025-02-20',
      name: name('Isabella', 'Whitfield'),
      address: address('M1 1AE'),
    };
    const [again] = (await supplyAs('gro', [renamed])).results;
    expect(again).toEqual({ supplierRef: first.supplierRef, status: 'matched', cpNumber: created!.cpNumber });
    expect((await load(created!.cpNumber!)).record.name.family).toBe('Whitfield');
    expect(await childrenNamed('Whitfield')).toBe(1);
  });

  it('a spelling variant and a typo still match by name, date of birth and postcode', async () => {
    const c = await held({
      name: name('Catherine', 'Carrington'),
      gender: 'female',
      dob: '2013-03-13',
      address: address('CH45 3AB'),
    });
    const s = supplierRecord({
      name: name('Katherine', 'Carington'),
      gender: 'female',
      dob: '2013-03-13',
      address: address('CH45 3AB'),
    });
    const [r] = (await supplyAs('dwp', [s])).results;
    expect(r).toMatchObject({ status: 'matched', cpNumber: c.cpNumber });
    // One child: the newer spelling is held (newest wins), the older one kept in provenance.
    expect((await childrenNamed('Carington')) + (await childrenNamed('Carrington'))).toBe(1);
    const now = await load(c.cpNumber);
    expect((now.provenance as SupplyProvenance)['name.family']!.values['unattributed']!.value).toBe('Carrington');
  });

  it('swapped forename and surname still match', async () => {
    const c = await held({
      name: name('Darcy', 'Dunmore'),
      gender: 'female',
      dob: '2012-04-14',
      address: address('CH46 4DD'),
    });
    const s = supplierRecord({
      name: name('Dunmore', 'Darcy'),
      gender: 'female',
      dob: '2012-04-14',
      address: address('CH46 4DD'),
    });
    expect((await supplyAs('dwp', [s])).results[0]).toMatchObject({ status: 'matched', cpNumber: c.cpNumber });
  });

  it('a transposed day and month still matches', async () => {
    const c = await held({ name: name('Eli', 'Eastwood'), dob: '2014-05-09', address: address('CH47 5EE') });
    const s = supplierRecord({ name: name('Eli', 'Eastwood'), dob: '2014-09-05', address: address('CH47 5EE') });
    expect((await supplyAs('dwp', [s])).results[0]).toMatchObject({ status: 'matched', cpNumber: c.cpNumber });
  });

  it('twins are two children: same date of birth and address, different given names', async () => {
    const harry = await held({ name: name('Harry', 'Fairclough'), dob: '2015-06-15', address: address('CH48 6FF') });
    const s = supplierRecord({ name: name('Jack', 'Fairclough'), dob: '2015-06-15', address: address('CH48 6FF') });
    const [r] = (await supplyAs('gro', [{ ...s, supplier: 'gro' }])).results;
    expect(r!.status).toBe('created');
    expect(r!.cpNumber).not.toBe(harry.cpNumber);
    expect((await load(harry.cpNumber)).version).toBe(1);
    const reviews = await ctx.db.query('SELECT 1 FROM match_reviews WHERE cp_number = $1', [r!.cpNumber!]);
    expect(reviews).toHaveLength(0);
  });

  it('a child no one holds is created with a new ContactPoint number, provenance and a link', async () => {
    const nhs = nextNhsNumber();
    const s = supplierRecord({
      supplier: 'gro',
      receivedAt: '2025-01-20',
      name: name('Greta', 'Goldsworthy'),
      gender: 'female',
      dob: '2024-12-30',
      address: address('CH49 7GG'),
      nhsNumber: nhs,
    });
    const [r] = (await supplyAs('gro', [s], CHESHIRE_WEST_AND_CHESTER)).results;
    expect(r!.status).toBe('created');
    expect(isValidCpNumber(r!.cpNumber!)).toBe(true);
    const [serial] = await ctx.db.query<{ v: number }>('SELECT last_value AS v FROM cp_serial');
    expect(Number(r!.cpNumber!.slice(2, 10))).toBe(serial!.v);
    const child = await load(r!.cpNumber!);
    expect(child).toMatchObject({
      localAuthority: CHESHIRE_WEST_AND_CHESTER,
      shielded: false,
      shieldPending: false,
      version: 1,
    });
    expect(child.record).toMatchObject({
      name: s.name,
      gender: 'female',
      dob: '2024-12-30',
      whereabouts: 'current',
      address: s.address,
      identifiers: { nhsNumber: nhs, supplierRefs: [{ supplier: 'gro', reference: s.supplierRef }] },
    });
    expect(child.provenance['dob']).toEqual({
      supplier: 'gro',
      date: '2025-01-20',
      values: { gro: { value: '2024-12-30', date: '2025-01-20' } },
    });
    expect(child.provenance['identifiers.nhsNumber']).toMatchObject({ supplier: 'gro', date: '2025-01-20' });
    expect(await links(r!.cpNumber!)).toEqual([`gro:${s.supplierRef}`]);
  });

  it('a child supplied without an address has no known address', async () => {
    const s = supplierRecord({ name: name('Hugo', 'Hazeldine'), dob: '2019-07-17', address: null });
    const [r] = (await supplyAs('dwp', [s])).results;
    expect((await load(r!.cpNumber!)).record).toMatchObject({ whereabouts: 'no-known-address', address: null });
  });
});

describe('the shield rule', () => {
  it('a possible duplicate of a shielded child is created shielded, pending review, and hidden as shielded in the feed', async () => {
    const shielded = await held({
      name: name('Imogen', 'Ingleby'),
      gender: 'female',
      dob: '2011-08-18',
      address: address('CH60 8HH'),
      shielded: true,
    });
    // A surname typo and a new address: not certain enough to merge, too close to ignore.
    const s = supplierRecord({
      name: name('Imogen', 'Inglebey'),
      gender: 'female',
      dob: '2011-08-18',
      address: address('L1 8JJ'),
    });
    const [r] = (await supplyAs('dwp', [s])).results;
    expect(r!.status).toBe('possible-duplicate');
    expect(r!.cpNumber).not.toBe(shielded.cpNumber);
    const [row] = await ctx.db.query<{ shielded: boolean; shield_pending: boolean }>(
      'SELECT shielded, shield_pending FROM children WHERE cp_number = $1',
      [r!.cpNumber!],
    );
    expect(row).toEqual({ shielded: true, shield_pending: true });
    const reviews = await ctx.db.query<{ candidate_cp_number: string; status: string; score: number }>(
      'SELECT candidate_cp_number, status, score FROM match_reviews WHERE cp_number = $1',
      [r!.cpNumber!],
    );
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ candidate_cp_number: shielded.cpNumber, status: 'open' });
    expect(reviews[0]!.score).toBeGreaterThanOrEqual(0.6);
    expect(reviews[0]!.score).toBeLessThan(0.9);
    const feed = await readFeedPage(ctx, laTeam(WIRRAL), WIRRAL, { limit: 1000 });
    const entry = feed.changes.filter((e) => e.cpNumber === r!.cpNumber).at(-1);
    expect(entry).toMatchObject({ kind: 'upsert', shielded: true, shieldPending: true });
  });

  it('a possible duplicate of an unshielded child is an ordinary new child with a review', async () => {
    const c = await held({ name: name('Jasper', 'Jevons'), dob: '2010-09-19', address: address('CH61 9JJ') });
    const s = supplierRecord({ name: name('Jasper', 'Jevon'), dob: '2010-09-19', address: address('L2 9LL') });
    const [r] = (await supplyAs('dwp', [s])).results;
    expect(r!.status).toBe('possible-duplicate');
    expect(await load(r!.cpNumber!)).toMatchObject({ shielded: false, shieldPending: false });
    const reviews = await ctx.db.query<{ candidate_cp_number: string }>(
      'SELECT candidate_cp_number FROM match_reviews WHERE cp_number = $1',
      [r!.cpNumber!],
    );
    expect(reviews.map((x) => x.candidate_cp_number)).toEqual([c.cpNumber]);
  });

  it('a supply that matches a shielded child updates it and never unshields it', async () => {
    const c = await held({
      name: name('Kit', 'Kingsley'),
      dob: '2012-10-20',
      address: address('CH62 1NN'),
      shielded: true,
    });
    const s = supplierRecord({
      name: name('Kit', 'Kingsley'),
      dob: '2012-10-20',
      address: address('CH62 1NN', '99 New Road'),
    });
    const [r] = (await supplyAs('dwp', [s])).results;
    expect(r).toMatchObject({ status: 'matched', cpNumber: c.cpNumber });
    const now = await load(c.cpNumber);
    expect(now.record.address!.lines[0]).toBe('99 New Road');
    expect(now.record.shielded).toBe(true);
    expect(now.shielded).toBe(true);
  });
});

describe('provenance', () => {
  it('keeps what each supplier said, the newest value held, and the disagreement visible', async () => {
    const gro = supplierRecord({
      supplier: 'gro',
      receivedAt: '2025-01-05',
      name: name('Lola', 'Lockwood'),
      gender: 'female',
      dob: '2014-03-07',
      address: address('CH63 2LL'),
    });
    const [created] = (await supplyAs('gro', [gro])).results;
    const cp = created!.cpNumber!;
    // The NHS has the day and month the other way round, and says so later.
    const nhs = supplierRecord({
      supplier: 'nhs',
      receivedAt: '2025-02-10',
      name: name('Lola', 'Lockwood'),
      gender: 'female',
      dob: '2014-07-03',
      address: address('CH63 2LL'),
    });
    expect((await supplyAs('nhs', [nhs])).results[0]).toMatchObject({ status: 'matched', cpNumber: cp });
    let child = await load(cp);
    expect(child.record.dob).toBe('2014-07-03');
    const dob = (child.provenance as SupplyProvenance)['dob']!;
    expect(dob).toEqual({
      supplier: 'nhs',
      date: '2025-02-10',
      values: { gro: { value: '2014-03-07', date: '2025-01-05' }, nhs: { value: '2014-07-03', date: '2025-02-10' } },
    });
    expect(discrepancies(child.provenance as SupplyProvenance)).toEqual([
      {
        field: 'dob',
        statements: [
          { supplier: 'gro', value: '2014-03-07', date: '2025-01-05' },
          { supplier: 'nhs', value: '2014-07-03', date: '2025-02-10' },
        ],
      },
    ]);

    // An older statement is kept, but does not replace the newer value.
    const version = child.version;
    const dwp = supplierRecord({
      supplier: 'dwp',
      receivedAt: '2024-12-01',
      name: name('Lola', 'Lockwood'),
      gender: 'female',
      dob: '2014-03-07',
      address: address('CH63 2LL'),
    });
    expect((await supplyAs('dwp', [dwp])).results[0]).toMatchObject({ status: 'matched', cpNumber: cp });
    child = await load(cp);
    expect(child.record.dob).toBe('2014-07-03');
    expect((child.provenance as SupplyProvenance)['dob']).toMatchObject({
      supplier: 'nhs',
      values: { dwp: { value: '2014-03-07', date: '2024-12-01' } },
    });
    // Nothing in the record changed (the reference is the only news): a new version only for that.
    expect(child.version).toBe(version + 1);
    // The same supply again changes nothing at all: no new version, no feed entry.
    await supplyAs('dwp', [dwp]);
    expect((await load(cp)).version).toBe(version + 1);
  });

  it('a value entered by hand before any supply stays visible as unattributed', async () => {
    const c = await held({ name: name('Milo', 'Merriweather'), dob: '2013-11-21', address: address('CH64 3PP') });
    const s = supplierRecord({
      name: name('Milo', 'Merriweather'),
      dob: '2013-11-21',
      address: address('CH64 3PP', '5 Other Road'),
    });
    await supplyAs('dwp', [s]);
    const child = await load(c.cpNumber);
    expect(child.record.address!.lines[0]).toBe('5 Other Road');
    expect((child.provenance as SupplyProvenance)['address']!.values['unattributed']).toEqual({
      value: c.address,
      date: '',
    });
  });
});

describe('who may supply what', () => {
  it('a record naming another supplier is forbidden on its own; the rest go through', async () => {
    const good = supplierRecord({
      supplier: 'nhs',
      name: name('Nell', 'Northcott'),
      dob: '2017-01-23',
      address: address('CH65 4NN'),
    });
    const bad = supplierRecord({
      supplier: 'gro',
      name: name('Noah', 'Northcott'),
      dob: '2018-02-24',
      address: address('CH65 4NN'),
    });
    const { results } = await supplyAs('nhs', [bad, good]);
    expect(results.map((r) => r.status)).toEqual(['forbidden', 'created']);
    expect(results[0]!.cpNumber).toBeUndefined();
    expect(await childrenNamed('Northcott')).toBe(1);
  });

  it("a local authority team supplies its own authority's data as local-authority, and no one else's", async () => {
    const s = supplierRecord({
      supplier: 'local-authority',
      name: name('Otto', 'Oakenfold'),
      dob: '2016-03-25',
      address: address('CH66 5QQ'),
    });
    const { results } = await receiveSupply(ctx, laTeam(WIRRAL), { localAuthority: WIRRAL, records: [s] });
    expect(results[0]!.status).toBe('created');
    const e = await receiveSupply(ctx, laTeam(WIRRAL), {
      localAuthority: CHESHIRE_WEST_AND_CHESTER,
      records: [s],
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('other-authority');
    const [asDwp] = (
      await receiveSupply(ctx, laTeam(WIRRAL), { localAuthority: WIRRAL, records: [{ ...s, supplier: 'dwp' }] })
    ).results;
    expect(asDwp!.status).toBe('forbidden');
  });

  it('each supply is audited once with counts and no personal data', async () => {
    const a = supplierRecord({ name: name('Pia', 'Pendlebury'), dob: '2015-04-26', address: address('CH67 6PP') });
    await supplyAs('dwp', [a, { ...a, supplier: 'gro', supplierRef: 'other' }]);
    const [row] = await ctx.db.query<{ detail: Record<string, unknown> }>(
      "SELECT detail FROM audit_log WHERE action = 'supply-received' ORDER BY seq DESC LIMIT 1",
    );
    expect(row!.detail).toEqual({
      supplier: 'dwp',
      localAuthority: WIRRAL,
      records: 2,
      matched: 0,
      created: 1,
      'possible-duplicate': 0,
      invalid: 0,
      forbidden: 1,
    });
    expect(JSON.stringify(row)).not.toMatch(/Pendlebury|Pia|CH67/);
  });

  it('the body schema refuses unknown fields in a record, by name', () => {
    const r = supplyBodySchema.safeParse({ localAuthority: WIRRAL, records: [{ ...supplierRecord(), notes: 'x' }] });
    expect(r.success).toBe(false);
    expect(problemsOf(r.error!).map((p) => p.path)).toEqual(['records.0.notes']);
  });
});

// Supply intake under the review findings: common names that overflow the candidate
// list, local authority supplies reaching other authorities' children, dates that would
// pin a value for ever, and per-record audit.
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildRecord, SupplierRecord } from '../../../../domain/child-record.js';
import { insertChild, insertChildren, loadChild } from '../../../../service/records/child-store.js';
import { receiveSupply } from '../../../../service/supply/intake.js';
import { listMatchReviews } from '../../../../service/supply/reviews.js';
import { CHESHIRE_WEST_AND_CHESTER, child, nextNhsNumber, supplierRecord, WIRRAL } from '../../../support/children.js';
import { laTeam, openContext, supplierSystem } from '../sync/fixtures.js';

const ctx = await openContext();
afterAll(() => ctx.db.close());

const address = (postcode: string, line = '1 Test Street') => ({ lines: [line, 'Birkenhead'], postcode });
const name = (given: string, family: string) => ({ given, family, former: [] });
const load = async (cp: string) => (await loadChild(ctx.db, cp))!;
const TODAY = '2025-03-01'; // the fixtures' clock

async function held(over: Partial<ChildRecord>) {
  // A boy, as a supplied record is unless the test says otherwise.
  const record = child({ gender: 'male', ...over });
  await ctx.db.transaction((tx) => insertChild(tx, record, { at: ctx.clock.now() }));
  return record;
}

/** `n` boys called Oliver born on `dob` at `postcode`, each with another surname. */
async function crowd(dob: string, postcode: string, n = 120) {
  const letters = (i: number) => String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + Math.floor(i / 26));
  const records = Array.from({ length: n }, (_, i) =>
    child({
      name: name('Oliver', `Family${letters(i)}x`),
      gender: 'male',
      dob,
      address: address(postcode),
      parents: [],
    }),
  );
  await ctx.db.transaction((tx) => insertChildren(tx, records, { at: ctx.clock.now() }));
}

async function flags(cp: string) {
  const [row] = await ctx.db.query<{ shielded: boolean; shield_pending: boolean }>(
    'SELECT shielded, shield_pending FROM children WHERE cp_number = $1',
    [cp],
  );
  return row;
}
async function reviewCandidates(cp: string): Promise<string[]> {
  const rows = await ctx.db.query<{ candidate_cp_number: string }>(
    "SELECT candidate_cp_number FROM match_reviews WHERE cp_number = $1 AND status = 'open'",
    [cp],
  );
  return rows.map((r) => r.candidate_cp_number);
}
const supplyAs = (supplier: SupplierRecord['supplier'], records: SupplierRecord[], localAuthority = WIRRAL) =>
  receiveSupply(ctx, supplierSystem(supplier), { localAuthority, records });
const supplyAsTeam = (la: string, records: SupplierRecord[]) =>
  receiveSupply(ctx, laTeam(la), {
    localAuthority: la,
    records: records.map((r) => ({ ...r, supplier: 'local-authority' as const })),
  });

describe('a common name never hides a shielded near-match', () => {
  it('120 Olivers born the same day do not crowd out a shielded Oliver: the supply is shield-pending with a review', async () => {
    await crowd('2014-03-07', 'CH43 2AB');
    const shielded = await held({
      name: name('Oliver', 'Hetherington'),
      dob: '2014-03-07',
      address: address('CH41 1AA'),
      shielded: true,
    });
    const s = supplierRecord({
      supplier: 'nhs',
      name: name('Oliver', 'Hetherinton'),
      dob: '2014-03-07',
      address: address('CH62 5BB'),
    });
    const [r] = (await supplyAs('nhs', [s])).results;
    expect(r!.status).toBe('possible-duplicate');
    expect(await flags(r!.cpNumber!)).toEqual({ shielded: true, shield_pending: true });
    expect(await reviewCandidates(r!.cpNumber!)).toContain(shielded.cpNumber);
  });

  it('a shielded near-match that ranks below the crowd (day and month swapped, postcode a slip) is still found', async () => {
    await crowd('2013-04-09', 'CH44 3AB');
    // Held with the day and month the other way round, at a postcode one character off.
    const shielded = await held({
      name: name('Oliver', 'Ashworthington'),
      dob: '2013-09-04',
      address: address('CH44 3AD'),
      shielded: true,
    });
    const s = supplierRecord({
      supplier: 'nhs',
      name: name('Oliver', 'Ashworthingtn'),
      dob: '2013-04-09',
      address: address('CH44 3AB'),
    });
    const [r] = (await supplyAs('nhs', [s])).results;
    expect(r!.status).toBe('possible-duplicate');
    expect(await flags(r!.cpNumber!)).toEqual({ shielded: true, shield_pending: true });
    expect(await reviewCandidates(r!.cpNumber!)).toContain(shielded.cpNumber);
  });

  it('when the candidates overflow, a new child is not created silently: a person reviews the likeliest', async () => {
    await crowd('2012-05-10', 'CH45 4AB');
    const s = supplierRecord({
      supplier: 'nhs',
      name: name('Oliver', 'Quixleworth'),
      dob: '2012-05-10',
      address: address('CH45 4AB'),
    });
    const [r] = (await supplyAs('nhs', [s])).results;
    expect(r!.status).toBe('possible-duplicate');
    const candidates = await reviewCandidates(r!.cpNumber!);
    expect(candidates.length).toBeGreaterThan(0);
    expect(candidates.length).toBeLessThanOrEqual(5);
    expect(await flags(r!.cpNumber!)).toEqual({ shielded: false, shield_pending: false });
  });
});

describe("a local authority's supply stays within its own authority", () => {
  it("does not match, change or reveal another authority's child by NHS number", async () => {
    const nhs = nextNhsNumber();
    const other = await held({
      localAuthority: CHESHIRE_WEST_AND_CHESTER,
      name: name('Bethan', 'Bellingham'),
      gender: 'female',
      dob: '2016-06-01',
      address: address('CH66 4DE'),
      identifiers: { nhsNumber: nhs, supplierRefs: [] },
    });
    const s = supplierRecord({
      receivedAt: TODAY,
      name: name('Zzz', 'Overwritten'),
      gender: 'male',
      dob: '2010-01-01',
      address: address('CH41 9ZZ'),
      nhsNumber: nhs,
    });
    const [r] = (await supplyAsTeam(WIRRAL, [s])).results;
    expect(r!.cpNumber).not.toBe(other.cpNumber);
    expect(r!.status).toBe('created');
    expect(await load(other.cpNumber)).toMatchObject({
      version: 1,
      record: { name: other.name, dob: other.dob, address: other.address },
    });
  });

  it("does not match another authority's child by name, date of birth and postcode, nor by the same reference", async () => {
    const cheshire = supplierRecord({
      supplierRef: 'CASE-0001',
      name: name('Cedric', 'Carmichael'),
      dob: '2015-07-02',
      address: address('CH65 7AB'),
    });
    const [c] = (await supplyAsTeam(CHESHIRE_WEST_AND_CHESTER, [cheshire])).results;
    expect(c!.status).toBe('created');
    // Wirral's case system happens to use the same reference, for the same-looking child.
    const [w] = (
      await supplyAsTeam(WIRRAL, [{ ...cheshire, receivedAt: TODAY, address: address('CH65 7AB', '2 Other Road') }])
    ).results;
    expect(w!.status).toBe('created');
    expect(w!.cpNumber).not.toBe(c!.cpNumber);
    expect(await load(c!.cpNumber!)).toMatchObject({
      version: 1,
      localAuthority: CHESHIRE_WEST_AND_CHESTER,
      record: { address: cheshire.address },
    });
    expect(await load(w!.cpNumber!)).toMatchObject({ localAuthority: WIRRAL });
    // Each authority's reference still finds its own child.
    const [again] = (await supplyAsTeam(CHESHIRE_WEST_AND_CHESTER, [{ ...cheshire, name: name('Cedric', 'Renamed') }]))
      .results;
    expect(again).toMatchObject({ status: 'matched', cpNumber: c!.cpNumber });
  });

  it("still matches its own authority's children, and a national supplier still matches any", async () => {
    const nhs = nextNhsNumber();
    const own = await held({
      name: name('Dora', 'Delacroix'),
      gender: 'female',
      dob: '2014-08-03',
      address: address('CH46 8DD'),
      identifiers: { nhsNumber: nhs, supplierRefs: [] },
    });
    const [r] = (
      await supplyAsTeam(WIRRAL, [
        supplierRecord({
          name: name('Dora', 'Delacroix'),
          gender: 'female',
          dob: '2014-08-03',
          address: address('CH46 8DD'),
          nhsNumber: nhs,
        }),
      ])
    ).results;
    expect(r).toMatchObject({ status: 'matched', cpNumber: own.cpNumber });
    const nhs2 = nextNhsNumber();
    const elsewhere = await held({
      localAuthority: CHESHIRE_WEST_AND_CHESTER,
      name: name('Elsa', 'Ecclestone'),
      gender: 'female',
      dob: '2013-09-04',
      address: address('CH64 9EE'),
      identifiers: { nhsNumber: nhs2, supplierRefs: [] },
    });
    const [n] = (
      await supplyAs('nhs', [
        supplierRecord({
          supplier: 'nhs',
          name: name('Elsa', 'Ecclestone'),
          gender: 'female',
          dob: '2013-09-04',
          address: address('CH64 9EE'),
          nhsNumber: nhs2,
        }),
      ])
    ).results;
    expect(n).toMatchObject({ status: 'matched', cpNumber: elsewhere.cpNumber });
  });

  it("a likeness to another authority's shielded child is kept shielded, but never merged", async () => {
    const shielded = await held({
      localAuthority: CHESHIRE_WEST_AND_CHESTER,
      name: name('Freya', 'Fotheringay'),
      gender: 'female',
      dob: '2012-10-05',
      address: address('CH63 1FF'),
      shielded: true,
    });
    const [r] = (
      await supplyAsTeam(WIRRAL, [
        supplierRecord({
          receivedAt: TODAY,
          name: name('Freya', 'Fotheringay'),
          gender: 'female',
          dob: '2012-10-05',
          address: address('CH41 2ZZ'),
        }),
      ])
    ).results;
    expect(r!.status).toBe('possible-duplicate');
    expect(r!.cpNumber).not.toBe(shielded.cpNumber);
    expect(await flags(r!.cpNumber!)).toEqual({ shielded: true, shield_pending: true });
    expect(await load(shielded.cpNumber)).toMatchObject({ version: 1 });
    const review = (await listMatchReviews(ctx, laTeam(WIRRAL), 'open')).reviews.find(
      (v) => v.cpNumber === r!.cpNumber,
    );
    expect(review).toMatchObject({ candidateCpNumber: shielded.cpNumber, shieldPending: true });
  });
});

describe('dates that cannot be true', () => {
  it('a statement dated in the future is refused, and so cannot outrank later true ones', async () => {
    const c = await held({
      name: name('Gwen', 'Garraway'),
      gender: 'female',
      dob: '2015-11-06',
      address: address('CH47 1GG'),
    });
    const future = supplierRecord({
      supplier: 'nhs',
      receivedAt: '2199-12-31',
      name: name('Gwen', 'Garraway'),
      gender: 'female',
      dob: '2015-11-06',
      address: address('CH47 1GG', '1 Wrong Road'),
    });
    const [r] = (await supplyAs('nhs', [future])).results;
    expect(r).toEqual({
      supplierRef: future.supplierRef,
      status: 'invalid',
      problems: [expect.objectContaining({ path: 'receivedAt' })],
    });
    expect((await load(c.cpNumber)).version).toBe(1);
    const tomorrow = { ...future, supplierRef: 'TOMORROW-1', receivedAt: '2025-03-02' };
    expect((await supplyAs('nhs', [tomorrow])).results[0]!.status).toBe('invalid');
    // A true statement today is taken, and a later one (tomorrow, in its turn) wins over it.
    const now = { ...future, supplierRef: 'TODAY-1', receivedAt: TODAY, address: address('CH47 1GG', '2 Right Road') };
    expect((await supplyAs('nhs', [now])).results[0]).toMatchObject({ status: 'matched', cpNumber: c.cpNumber });
    expect((await load(c.cpNumber)).record.address!.lines[0]).toBe('2 Right Road');
  });

  it('a date of birth in the future or of someone over 25 is refused, alone', async () => {
    const ok = supplierRecord({ name: name('Hal', 'Hardcastle'), dob: '1999-03-02', address: address('CH48 2HH') });
    const future = supplierRecord({ name: name('Ivo', 'Ironside'), dob: '2025-03-02', address: address('CH48 2HH') });
    const far = supplierRecord({ name: name('Jed', 'Jarrow'), dob: '2190-01-01', address: address('CH48 2HH') });
    const old = supplierRecord({ name: name('Kai', 'Kettering'), dob: '1999-03-01', address: address('CH48 2HH') });
    const { results } = await supplyAs('dwp', [ok, future, far, old]);
    expect(results.map((r) => r.status)).toEqual(['created', 'invalid', 'invalid', 'invalid']);
    for (const r of results.slice(1)) {
      expect(r.cpNumber).toBeUndefined();
      expect(r.problems!.map((p) => p.path)).toEqual(['dob']);
    }
  });
});

describe('each record is audited as it is taken in', () => {
  async function auditOf(cp: string) {
    return ctx.db.query<{ action: string; user_id: string; detail: Record<string, unknown> }>(
      'SELECT action, user_id, detail FROM audit_log WHERE cp_number = $1 ORDER BY seq',
      [cp],
    );
  }

  it('a created child and a changed child each get an entry with their ContactPoint number; a refused record does not stop the batch', async () => {
    const c = await held({
      name: name('Lena', 'Lindqvist'),
      gender: 'female',
      dob: '2016-12-07',
      address: address('CH49 3LL'),
    });
    const change = supplierRecord({
      name: name('Lena', 'Lindqvist'),
      gender: 'female',
      dob: '2016-12-07',
      address: address('CH49 3LL', '7 New Road'),
    });
    const fresh = supplierRecord({ name: name('Milo', 'Marchbank'), dob: '2017-01-08', address: address('CH49 3LL') });
    const broken = supplierRecord({ name: name('Nia', 'Northwick'), dob: '2190-01-01', address: null });
    const { results } = await supplyAs('dwp', [change, fresh, broken]);
    expect(results.map((r) => r.status)).toEqual(['matched', 'created', 'invalid']);
    expect(await auditOf(c.cpNumber)).toEqual([
      { action: 'record-changed', user_id: 'u-supplier-dwp', detail: { supplier: 'dwp', status: 'matched' } },
    ]);
    expect(await auditOf(results[1]!.cpNumber!)).toEqual([
      { action: 'record-created', user_id: 'u-supplier-dwp', detail: { supplier: 'dwp', status: 'created' } },
    ]);
    // The same supply again changes nothing, and so records no change.
    await supplyAs('dwp', [change]);
    expect(await auditOf(c.cpNumber)).toHaveLength(1);
  });
});

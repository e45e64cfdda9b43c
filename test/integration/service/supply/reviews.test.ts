import { afterAll, describe, expect, it } from 'vitest';
import type { ChildRecord, SupplierRecord } from '../../../../domain/child-record.js';
import { ApiError } from '../../../../service/http/api-error.js';
import { insertChild, insertChildren, loadChild, updateChild } from '../../../../service/records/child-store.js';
import { receiveSupply } from '../../../../service/supply/intake.js';
import type { SupplyProvenance } from '../../../../service/supply/provenance.js';
import { listMatchReviews, resolveMatchReview } from '../../../../service/supply/reviews.js';
import { readFeedPage } from '../../../../service/sync/feed.js';
import { CHESHIRE_WEST_AND_CHESTER, child, supplierRecord, WIRRAL } from '../../../support/children.js';
import { dataManager, laTeam, openContext, supplierSystem } from '../sync/fixtures.js';

const ctx = await openContext();
afterAll(() => ctx.db.close());

const address = (postcode: string) => ({ lines: ['1 Test Street', 'Birkenhead'], postcode });
const name = (given: string, family: string) => ({ given, family, former: [] });

/**
 * A held child (shielded or not) and a supply close enough to be a possible duplicate:
 * a surname typo and another address. Returns both ContactPoint numbers and the review.
 */
async function possibleDuplicate(
  family: string,
  dob: string,
  postcode: string,
  options: { shielded: boolean; la?: string },
) {
  const heldRecord: ChildRecord = child({
    name: name('Rosa', family),
    gender: 'female',
    dob,
    address: address(postcode),
    shielded: options.shielded,
    involvements: [
      {
        id: 'inv-held',
        service: 'School nursing',
        sensitive: false,
        leadProfessional: false,
        cafCompleted: false,
        startDate: '2024-01-01',
      },
    ],
  });
  await ctx.db.transaction((tx) => insertChild(tx, heldRecord, { at: ctx.clock.now() }));
  const s: SupplierRecord = supplierRecord({
    supplier: 'nhs',
    receivedAt: '2025-02-15',
    name: name('Rosa', `${family}e`),
    gender: 'female',
    dob,
    address: address('L3 9AA'),
    nhsNumber: undefined,
  });
  const [r] = (await receiveSupply(ctx, supplierSystem('nhs'), { localAuthority: options.la ?? WIRRAL, records: [s] }))
    .results;
  expect(r!.status).toBe('possible-duplicate');
  const [review] = await ctx.db.query<{ id: number }>('SELECT id FROM match_reviews WHERE cp_number = $1', [
    r!.cpNumber!,
  ]);
  return { held: heldRecord.cpNumber, created: r!.cpNumber!, reviewId: review!.id, supplierRef: s.supplierRef };
}

const load = (cp: string) => loadChild(ctx.db, cp);

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

describe('match reviews', () => {
  it("are listed to the new child's authority team and to data managers", async () => {
    const w = await possibleDuplicate('Quarrington', '2012-01-02', 'CH41 1AB', { shielded: false });
    const c = await possibleDuplicate('Quenby', '2012-01-03', 'CH41 1AD', {
      shielded: false,
      la: CHESHIRE_WEST_AND_CHESTER,
    });
    const wirral = (await listMatchReviews(ctx, laTeam(WIRRAL), 'open')).reviews.map((r) => r.id);
    expect(wirral).toContain(w.reviewId);
    expect(wirral).not.toContain(c.reviewId);
    const all = (await listMatchReviews(ctx, dataManager(), 'open')).reviews;
    expect(all.map((r) => r.id)).toEqual(expect.arrayContaining([w.reviewId, c.reviewId]));
    expect(all.find((r) => r.id === c.reviewId)).toMatchObject({
      cpNumber: c.created,
      candidateCpNumber: c.held,
      localAuthority: CHESHIRE_WEST_AND_CHESTER,
      status: 'open',
      shieldPending: false,
    });
  });

  it('different children: the pending shield is lifted, and the new child is shielded only if its own record says so', async () => {
    const d = await possibleDuplicate('Ravenscroft', '2011-02-03', 'CH41 2AB', { shielded: true });
    expect(await load(d.created)).toMatchObject({ shielded: true, shieldPending: true });
    // Against a shielded child the first person's decision is only recorded (issue 18: a second person).
    expect(await resolveMatchReview(ctx, laTeam(WIRRAL, 'u-la-first'), d.reviewId, 'different-children')).toMatchObject(
      {
        status: 'awaiting-second-person',
        shieldPending: true,
      },
    );
    expect(await load(d.created)).toMatchObject({ shielded: true, shieldPending: true });
    const outcome = await resolveMatchReview(ctx, laTeam(WIRRAL), d.reviewId, 'different-children');
    expect(outcome).toMatchObject({
      id: d.reviewId,
      status: 'different-children',
      cpNumber: d.created,
      shieldPending: false,
      version: 2,
    });
    expect(await load(d.created)).toMatchObject({ shielded: false, shieldPending: false });
    expect(await load(d.held)).toMatchObject({ shielded: true });
    const [review] = await ctx.db.query<{ status: string; resolved_by: string }>(
      'SELECT status, resolved_by FROM match_reviews WHERE id = $1',
      [d.reviewId],
    );
    expect(review).toEqual({ status: 'different-children', resolved_by: `u-la-${WIRRAL}` });
    const [audit] = await ctx.db.query<{ cp_number: string; detail: Record<string, unknown> }>(
      "SELECT cp_number, detail FROM audit_log WHERE action = 'match-resolved' ORDER BY seq DESC LIMIT 1",
    );
    expect(audit).toEqual({
      cp_number: d.created,
      detail: { reviewId: d.reviewId, decision: 'different-children', candidate: d.held, proposedBy: 'u-la-first' },
    });
    // Settled once only.
    expect((await apiError(resolveMatchReview(ctx, laTeam(WIRRAL), d.reviewId, 'same-child'))).code).toBe(
      'review-resolved',
    );
  });

  it('same child: the new record is merged into the held one, its links move, and the feed gets a "merged" tombstone', async () => {
    const d = await possibleDuplicate('Sandringham', '2010-03-04', 'CH41 3AB', { shielded: true });
    // Meanwhile a practitioner recorded an involvement on the new record: it must not be lost.
    await ctx.db.transaction(async (tx) => {
      const c = (await loadChild(tx, d.created, { forUpdate: true }))!;
      const inv = {
        id: 'inv-new',
        service: 'Health visiting',
        sensitive: false,
        leadProfessional: true,
        cafCompleted: false,
        startDate: '2025-02-20',
      };
      await updateChild(tx, d.created, c.version, { ...c.record, involvements: [inv] }, { at: ctx.clock.now() });
    });
    const outcome = await resolveMatchReview(ctx, laTeam(WIRRAL), d.reviewId, 'same-child');
    expect(outcome).toMatchObject({ status: 'same-child', cpNumber: d.held, version: 2 });
    expect(await load(d.created)).toBeNull();
    const survivor = (await load(d.held))!;
    expect(survivor.shielded).toBe(true);
    expect(survivor.record.shielded).toBe(true);
    expect(survivor.record.involvements.map((i) => i.id)).toEqual(['inv-held', 'inv-new']);
    expect(survivor.record.identifiers.supplierRefs).toEqual([{ supplier: 'nhs', reference: d.supplierRef }]);
    // What the supplier said about the surname is kept, and (newer) holds.
    expect(survivor.record.name.family).toBe('Sandringhame');
    const family = (survivor.provenance as SupplyProvenance)['name.family']!;
    expect(family.supplier).toBe('nhs');
    expect(family.values['unattributed']).toEqual({ value: 'Sandringham', date: '' });
    const linked = await ctx.db.query<{ cp_number: string }>(
      'SELECT cp_number FROM supply_links WHERE supplier = $1 AND supplier_ref = $2',
      ['nhs', d.supplierRef],
    );
    expect(linked).toEqual([{ cp_number: d.held }]);
    const feed = await readFeedPage(ctx, laTeam(WIRRAL), WIRRAL, { limit: 1000 });
    const last = feed.changes.filter((e) => e.cpNumber === d.created).at(-1);
    expect(last).toMatchObject({ kind: 'tombstone', reason: 'merged' });
    // The same supplier reference now finds the survivor.
    const again = supplierRecord({
      supplier: 'nhs',
      supplierRef: d.supplierRef,
      name: name('Rosa', 'Sandringham'),
      gender: 'female',
      dob: '2010-03-04',
      address: address('L3 9AA'),
    });
    const [r] = (await receiveSupply(ctx, supplierSystem('nhs'), { localAuthority: WIRRAL, records: [again] })).results;
    expect(r).toMatchObject({ status: 'matched', cpNumber: d.held });
  });

  it("another authority's team may not resolve, and an unknown review is 404", async () => {
    const d = await possibleDuplicate('Thistlewood', '2009-04-05', 'CH41 4AB', { shielded: false });
    expect(
      (await apiError(resolveMatchReview(ctx, laTeam(CHESHIRE_WEST_AND_CHESTER), d.reviewId, 'same-child'))).code,
    ).toBe('other-authority');
    expect(await load(d.created)).not.toBeNull();
    expect((await apiError(resolveMatchReview(ctx, laTeam(WIRRAL), 999_999, 'same-child'))).status).toBe(404);
    await expect(resolveMatchReview(ctx, dataManager(), d.reviewId, 'different-children')).resolves.toMatchObject({
      status: 'different-children',
    });
  });

  it('same child: the survivor takes over an open review against a shielded child, and with it the pending shield', async () => {
    // A new child X resembling both an unshielded child H and a shielded child C.
    const dob = '2016-05-06';
    const mk = (given: string, shielded: boolean) =>
      child({ name: name(given, 'Merrowdale'), gender: 'female', dob, address: address('CH41 6AB'), shielded });
    const [h, c, x] = [mk('Ann', false), mk('Anne', true), mk('Anna', false)];
    await ctx.db.transaction(async (tx) => {
      await insertChildren(tx, [h, c], { at: ctx.clock.now() });
      await insertChild(tx, x, { at: ctx.clock.now(), shieldPending: true });
      await tx.query(
        'INSERT INTO match_reviews (cp_number, candidate_cp_number, score, created_at) VALUES ($1, $2, 0.85, $3), ($1, $4, 0.7, $3)',
        [x.cpNumber, h.cpNumber, ctx.clock.now(), c.cpNumber],
      );
    });
    const [review] = await ctx.db.query<{ id: number }>(
      'SELECT id FROM match_reviews WHERE cp_number = $1 AND candidate_cp_number = $2',
      [x.cpNumber, h.cpNumber],
    );
    const outcome = await resolveMatchReview(ctx, laTeam(WIRRAL), review!.id, 'same-child');
    // H now stands where X stood: possibly the same child as the shielded C, so treated as shielded.
    expect(outcome).toMatchObject({ cpNumber: h.cpNumber, shieldPending: true });
    expect(await load(h.cpNumber)).toMatchObject({ shielded: true, shieldPending: true, version: outcome.version });
    const open = await ctx.db.query<{ cp_number: string; candidate_cp_number: string }>(
      "SELECT cp_number, candidate_cp_number FROM match_reviews WHERE status = 'open' AND candidate_cp_number = $1",
      [c.cpNumber],
    );
    expect(open).toEqual([{ cp_number: h.cpNumber, candidate_cp_number: c.cpNumber }]);
    // The feed tells the authority H is now shielded.
    const feed = await readFeedPage(ctx, laTeam(WIRRAL), WIRRAL, { limit: 1000 });
    expect(feed.changes.filter((e) => e.cpNumber === h.cpNumber).at(-1)).toMatchObject({
      kind: 'upsert',
      shielded: true,
      shieldPending: true,
    });
    // Audited under the child that remains, naming the one merged into it.
    const [audit] = await ctx.db.query<{ cp_number: string; detail: Record<string, unknown> }>(
      "SELECT cp_number, detail FROM audit_log WHERE action = 'match-resolved' ORDER BY seq DESC LIMIT 1",
    );
    expect(audit).toEqual({
      cp_number: h.cpNumber,
      detail: { reviewId: review!.id, decision: 'same-child', duplicate: x.cpNumber },
    });
    // Once a person says H and C are different children, H is no longer pending.
    const [left] = await ctx.db.query<{ id: number }>(
      "SELECT id FROM match_reviews WHERE status = 'open' AND cp_number = $1",
      [h.cpNumber],
    );
    // H is pending, so that takes two people.
    expect(await resolveMatchReview(ctx, laTeam(WIRRAL, 'u-la-first'), left!.id, 'different-children')).toMatchObject({
      status: 'awaiting-second-person',
      cpNumber: h.cpNumber,
      shieldPending: true,
    });
    expect(await resolveMatchReview(ctx, laTeam(WIRRAL), left!.id, 'different-children')).toMatchObject({
      cpNumber: h.cpNumber,
      shieldPending: false,
    });
    expect(await load(h.cpNumber)).toMatchObject({ shielded: false, shieldPending: false });
  });

  it('a child reviewed against the merged duplicate is now reviewed against the survivor, and shielded by it', async () => {
    const dob = '2015-06-07';
    const mk = (given: string, shielded: boolean) =>
      child({ name: name(given, 'Tolverne'), gender: 'female', dob, address: address('CH41 7AB'), shielded });
    // S is shielded; D (a supply's new child) may be S; Y (another new child) may be D.
    const [s, d, y] = [mk('Sian', true), mk('Siân', false), mk('Sienna', false)];
    await ctx.db.transaction(async (tx) => {
      await insertChildren(tx, [s, d, y], { at: ctx.clock.now() });
      await tx.query(
        'INSERT INTO match_reviews (cp_number, candidate_cp_number, score, created_at) VALUES ($1, $2, 0.8, $3), ($4, $1, 0.7, $3)',
        [d.cpNumber, s.cpNumber, ctx.clock.now(), y.cpNumber],
      );
    });
    const [review] = await ctx.db.query<{ id: number }>('SELECT id FROM match_reviews WHERE cp_number = $1', [
      d.cpNumber,
    ]);
    await resolveMatchReview(ctx, laTeam(WIRRAL), review!.id, 'same-child');
    const [moved] = await ctx.db.query<{ candidate_cp_number: string }>(
      "SELECT candidate_cp_number FROM match_reviews WHERE cp_number = $1 AND status = 'open'",
      [y.cpNumber],
    );
    expect(moved).toEqual({ candidate_cp_number: s.cpNumber });
    expect(await load(y.cpNumber)).toMatchObject({ shielded: true, shieldPending: true });
  });

  it("a team may not merge its new child into another authority's child; a data manager may", async () => {
    const d = await possibleDuplicate('Underwood', '2008-05-06', 'CH41 8AB', { shielded: false, la: WIRRAL });
    await ctx.db.transaction(async (tx) => {
      const h = (await loadChild(tx, d.held, { forUpdate: true }))!;
      await updateChild(
        tx,
        d.held,
        h.version,
        { ...h.record, localAuthority: CHESHIRE_WEST_AND_CHESTER },
        { at: ctx.clock.now() },
      );
    });
    expect((await apiError(resolveMatchReview(ctx, laTeam(WIRRAL), d.reviewId, 'same-child'))).code).toBe(
      'other-authority',
    );
    expect(await load(d.created)).not.toBeNull();
    await expect(resolveMatchReview(ctx, dataManager(), d.reviewId, 'same-child')).resolves.toMatchObject({
      cpNumber: d.held,
    });
  });
});

// Pending shields that are always right (issue 18), by example, on both store engines:
// a possible duplicate whose review opened before the held child was shielded is
// shield-pending from the moment the shield goes on (through the API or a sync
// submission), in whatever authority it is, and stops being so when the shield comes
// off. Each case first shows the duplicate findable by its postcode, so a search that
// does not find it afterwards is the shield's doing and not a search that finds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildRecord, SupplierRecord } from '../../../../domain/child-record.js';
import type { Actor } from '../../../../domain/roles.js';
import { insertChild, loadChild } from '../../../../service/records/child-store.js';
import { applyShield, decideUnshieldRequest, requestUnshield } from '../../../../service/shields/shields.js';
import { runLifecycle } from '../../../../service/lifecycle/lifecycle.js';
import { receiveSupply } from '../../../../service/supply/intake.js';
import { resolveMatchReview } from '../../../../service/supply/reviews.js';
import { submitItems } from '../../../../service/sync/submissions.js';
import { CHESHIRE_WEST_AND_CHESTER, child, supplierRecord, WIRRAL } from '../../../support/children.js';
import { storeEngines, type TestStore } from '../../../support/stores.js';
import { dataManager, laTeam, supplierSystem } from '../sync/fixtures.js';
import {
  hiddenFieldsIn,
  openPendingContext,
  ordinaryUser,
  readAs,
  searchByPostcode,
  secondMember,
  WorkingSet,
  type PendingContext,
} from './pending-support.js';

describe.each(storeEngines)('pending shields on %s', (engine) => {
  let ctx: PendingContext;
  let store: TestStore;
  beforeAll(async () => {
    ({ ctx, store } = await openPendingContext(engine));
  }, 120_000);
  afterAll(async () => {
    await store?.close();
  });

  const address = (postcode: string) => ({ lines: ['1 Test Street', 'Birkenhead'], postcode });
  let n = 0;

  /**
   * A held child of `heldLa` (not shielded), and a supply to `supplyLa` close enough to
   * be a possible duplicate of it (a surname typo, another address): the new child,
   * with its review open and no pending shield yet.
   */
  async function duplicateOfUnshielded(heldLa: string, supplyLa: string) {
    const family = `Pendleford${String.fromCharCode(97 + (n % 26))}${String.fromCharCode(97 + Math.floor(n / 26))}`;
    const dob = `2013-0${1 + (n % 9)}-${13 + (n % 15)}`;
    n++;
    const held: ChildRecord = child({
      name: { given: 'Rosa', family, former: [] },
      gender: 'female',
      dob,
      address: address('CH41 1AB'),
      localAuthority: heldLa,
    });
    await ctx.db.transaction((tx) => insertChild(tx, held, { at: ctx.clock.now() }));
    const s: SupplierRecord = supplierRecord({
      supplier: 'nhs',
      receivedAt: '2025-02-15',
      name: { given: 'Rosa', family: `${family}e`, former: [] },
      gender: 'female',
      dob,
      address: address('L3 9AA'),
    });
    const [r] = (await receiveSupply(ctx, supplierSystem('nhs'), { localAuthority: supplyLa, records: [s] })).results;
    expect(r).toMatchObject({ status: 'possible-duplicate' });
    const created = r!.cpNumber!;
    const reviews = await ctx.db.query<{ candidate_cp_number: string }>(
      "SELECT candidate_cp_number FROM match_reviews WHERE cp_number = $1 AND status = 'open'",
      [created],
    );
    expect(reviews).toEqual([{ candidate_cp_number: held.cpNumber }]);
    expect(await loadChild(ctx.db, created)).toMatchObject({ shielded: false, shieldPending: false });
    return {
      held: held.cpNumber,
      created,
      query: { surname: `${family}e`, dob, postcode: 'L3 9AA' },
      heldQuery: { surname: family, dob, postcode: 'CH41 1AB' },
    };
  }

  /** What each way of learning where the child lives shows of `cp` to someone who may not see shielded details. */
  async function exposure(cp: string, query: { surname: string; dob: string; postcode: string }, la: string) {
    const set = new WorkingSet(ctx, la);
    await set.sync();
    const entry = set.children.get(cp);
    return {
      foundByPostcode: (await searchByPostcode(ctx, ordinaryUser(), query)).includes(cp),
      hiddenFieldsRead: hiddenFieldsIn(await readAs(ctx, ordinaryUser(), cp)),
      workingSet: { shielded: entry?.shielded, shieldPending: entry?.shieldPending },
    };
  }
  const exposed = {
    foundByPostcode: true,
    hiddenFieldsRead: expect.arrayContaining(['address', 'localAuthority']),
    workingSet: { shielded: false, shieldPending: false },
  };
  const pending = { foundByPostcode: false, hiddenFieldsRead: [], workingSet: { shielded: true, shieldPending: true } };

  async function unshield(cp: string, la: string, asker: Actor = laTeam(la), approver: Actor = secondMember(la)) {
    const request = await requestUnshield(ctx, asker, cp, 'The risk has passed');
    await decideUnshieldRequest(ctx, approver, request.id, { decision: 'approve' });
  }

  it('a review opened before the shield: once the held child is shielded, its possible duplicate is not found by postcode', async () => {
    const d = await duplicateOfUnshielded(WIRRAL, WIRRAL);
    expect(await exposure(d.created, d.query, WIRRAL)).toEqual(exposed);
    const before = (await loadChild(ctx.db, d.created))!.version;
    await applyShield(ctx, laTeam(WIRRAL), d.held, 'Risk of harm from a former partner');
    expect(await exposure(d.created, d.query, WIRRAL)).toEqual(pending);
    // A new version, so a working set that already held the child replaces it.
    expect((await loadChild(ctx.db, d.created))!.version).toBe(before + 1);
  });

  it('the same through a shield submission from a working set', async () => {
    const d = await duplicateOfUnshielded(WIRRAL, WIRRAL);
    const held = (await loadChild(ctx.db, d.held))!;
    const [result] = await submitItems(ctx, laTeam(WIRRAL), [
      { op: 'shield', cpNumber: d.held, baseVersion: held.version, idempotencyKey: `shield-${d.held}` },
    ]);
    expect(result).toMatchObject({ status: 'applied' });
    expect(await exposure(d.created, d.query, WIRRAL)).toEqual(pending);
  });

  it('unshielding (asked for and approved by a second person) lifts the pending shield it caused', async () => {
    const d = await duplicateOfUnshielded(WIRRAL, WIRRAL);
    await applyShield(ctx, laTeam(WIRRAL), d.held, 'Risk of harm');
    expect(await exposure(d.created, d.query, WIRRAL)).toEqual(pending);
    await unshield(d.held, WIRRAL);
    expect(await exposure(d.created, d.query, WIRRAL)).toEqual(exposed);
  });

  it("a duplicate in another authority: that authority's feed, searches and reads treat it as shielded", async () => {
    // The held child is Cheshire's; a national supply created the possible duplicate in Wirral.
    const d = await duplicateOfUnshielded(CHESHIRE_WEST_AND_CHESTER, WIRRAL);
    expect(await exposure(d.created, d.query, WIRRAL)).toEqual(exposed);
    await applyShield(ctx, laTeam(CHESHIRE_WEST_AND_CHESTER), d.held, 'Risk of harm');
    expect(await exposure(d.created, d.query, WIRRAL)).toEqual(pending);
    await unshield(d.held, CHESHIRE_WEST_AND_CHESTER);
    expect(await exposure(d.created, d.query, WIRRAL)).toEqual(exposed);
  });

  it('either side: shielding the new record makes the held child it may be pending, until the review is resolved', async () => {
    const d = await duplicateOfUnshielded(WIRRAL, WIRRAL);
    expect(await exposure(d.held, d.heldQuery, WIRRAL)).toEqual(exposed);
    await applyShield(ctx, laTeam(WIRRAL), d.created, 'The supply came from a refuge');
    expect(await exposure(d.held, d.heldQuery, WIRRAL)).toEqual(pending);
    const [review] = await ctx.db.query<{ id: number }>(
      "SELECT id FROM match_reviews WHERE cp_number = $1 AND status = 'open'",
      [d.created],
    );
    // One person's "not a duplicate" from the working set cannot lift it (a shielded child
    // is on one side): it takes two independent members in the match-review queue.
    const [result] = await submitItems(ctx, laTeam(WIRRAL), [
      { op: 'not-duplicate', cpNumber: d.created, of: d.held, baseVersion: 1, idempotencyKey: `nd-${review!.id}` },
    ]);
    expect(result).toMatchObject({ status: 'forbidden' });
    expect(await exposure(d.held, d.heldQuery, WIRRAL)).toEqual(pending);
    await resolveMatchReview(ctx, laTeam(WIRRAL), review!.id, 'different-children');
    expect(await exposure(d.held, d.heldQuery, WIRRAL)).toEqual(pending);
    await resolveMatchReview(ctx, secondMember(WIRRAL), review!.id, 'different-children');
    expect(await exposure(d.held, d.heldQuery, WIRRAL)).toEqual(exposed);
  });

  it('through a chain: a child reviewed against a pending duplicate is pending too, and both lift together', async () => {
    const d = await duplicateOfUnshielded(WIRRAL, WIRRAL);
    // A third record, in Cheshire, that a data manager found may be the new one.
    const third = child({
      name: { given: 'Rosie', family: d.query.surname, former: [] },
      gender: 'female',
      dob: d.query.dob,
      address: address('CH2 1AA'),
      localAuthority: CHESHIRE_WEST_AND_CHESTER,
    });
    await ctx.db.transaction((tx) => insertChild(tx, third, { at: ctx.clock.now() }));
    const thirdQuery = { surname: d.query.surname, dob: d.query.dob, postcode: 'CH2 1AA' };
    const [opened] = await submitItems(ctx, dataManager(), [
      {
        op: 'possible-duplicate',
        cpNumber: third.cpNumber,
        of: d.created,
        score: 0.7,
        baseVersion: 1,
        idempotencyKey: `pd-${third.cpNumber}`,
      },
    ]);
    expect(opened).toMatchObject({ status: 'applied' });
    expect(await exposure(third.cpNumber, thirdQuery, CHESHIRE_WEST_AND_CHESTER)).toEqual(exposed);
    await applyShield(ctx, laTeam(WIRRAL), d.held, 'Risk of harm');
    expect(await exposure(third.cpNumber, thirdQuery, CHESHIRE_WEST_AND_CHESTER)).toEqual(pending);
    await unshield(d.held, WIRRAL);
    expect(await exposure(third.cpNumber, thirdQuery, CHESHIRE_WEST_AND_CHESTER)).toEqual(exposed);
    expect(await exposure(d.created, d.query, WIRRAL)).toEqual(exposed);
  });

  it('a shield and a supply of a possible duplicate at the same moment: either order, the duplicate ends pending and neither fails', async () => {
    // On PostgreSQL the two run on two connections at once; on PGlite one after the other.
    for (let i = 0; i < 8; i++) {
      const family = `Concurra${String.fromCharCode(97 + i)}${String.fromCharCode(97 + (n++ % 26))}`;
      const dob = `2014-0${1 + (i % 9)}-${13 + i}`;
      const held = child({
        name: { given: 'Rosa', family, former: [] },
        gender: 'female',
        dob,
        address: address('CH41 1AB'),
      });
      await ctx.db.transaction((tx) => insertChild(tx, held, { at: ctx.clock.now() }));
      const s = supplierRecord({
        supplier: 'nhs',
        name: { given: 'Rosa', family: `${family}e`, former: [] },
        gender: 'female',
        dob,
        address: address('L3 9AA'),
      });
      const [, supplied] = await Promise.all([
        applyShield(ctx, laTeam(WIRRAL), held.cpNumber, 'Risk of harm'),
        receiveSupply(ctx, supplierSystem('nhs'), { localAuthority: WIRRAL, records: [s] }),
      ]);
      const created = supplied.results[0]!;
      expect(created.status).toBe('possible-duplicate');
      expect(await loadChild(ctx.db, created.cpNumber!)).toMatchObject({ shielded: true, shieldPending: true });
      expect(await searchByPostcode(ctx, ordinaryUser(), { dob, postcode: 'L3 9AA' })).not.toContain(created.cpNumber);
    }
  });

  it("destroying the shielded child's archived record lifts the pending shield it caused", async () => {
    const d = await duplicateOfUnshielded(WIRRAL, WIRRAL);
    await applyShield(ctx, laTeam(WIRRAL), d.held, 'Risk of harm');
    expect(await exposure(d.created, d.query, WIRRAL)).toEqual(pending);
    // The held child was archived seven years ago (its review stayed open): today's run destroys it.
    await ctx.db.query("UPDATE children SET status = 'archived', archived_on = '2018-01-01' WHERE cp_number = $1", [
      d.held,
    ]);
    expect(await exposure(d.created, d.query, WIRRAL)).toEqual(pending);
    expect((await runLifecycle(ctx.db, ctx.clock)).destroyed).toBeGreaterThanOrEqual(1);
    expect(await exposure(d.created, d.query, WIRRAL)).toEqual(exposed);
  });
});

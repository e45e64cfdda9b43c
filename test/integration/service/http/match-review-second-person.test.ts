// Issue 20 item 4 and issue 18, over HTTP on PGlite and PostgreSQL: "different children"
// on a review against a shielded (or shield-pending) child ends the new record's pending
// shield, so it takes two independent people. One person alone cannot end it by any
// sequence (deciding twice, deciding then deciding otherwise, or with a second account
// they made or confirmed); two independent members can; a disagreement goes to a data
// manager independent of both; the list shows a team nothing of the first decision; an
// unshielded review still settles in one step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeShieldPending } from '../../../../service/supply/reviews.js';
import { WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

describe.each(storeEngines)('a second person for "different children" on %s', (engine) => {
  let h: ServiceHarness;
  let team: SignedClient;
  let team2: SignedClient;
  let dataManager: SignedClient;
  /** A Wirral team member `team` asked for (so bound to `team`). */
  let madeByTeam: SignedClient;
  /** A Wirral team member the administrator asked for and `team` confirmed (so bound to `team`). */
  let confirmedByTeam: SignedClient;
  /** A data manager the administrator asked for and the training data manager confirmed. */
  let madeByAdmin: SignedClient;

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 200, now: new Date('2026-11-24T10:00:00Z') });
    team = await h.signIn('trn-la-team');
    team2 = await h.signIn('trn-la-team-2');
    dataManager = await h.signIn('trn-data-manager');
    const admin = await h.signIn('trn-national-admin');
    madeByTeam = await h.newMember(team, 'rv-made-by-team', 'org-wirral', ['la-team']);
    madeByAdmin = await h.newMember(admin, 'rv-made-by-admin', 'org-national', ['data-manager']);
    const confirmed = await h.newAccount(
      admin,
      {
        id: 'rv-confirmed-by-team',
        name: 'Test confirmed',
        organisationId: 'org-wirral',
        roles: ['la-team'],
        enhancedCheckDate: '2025-01-01',
        trainingCompleted: true,
        agreementSigned: true,
      },
      team,
    );
    confirmedByTeam = await h.signInWith(confirmed.id, confirmed.password, confirmed.totpSecret);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  let taken = 0;
  /**
   * Two Wirral children linked by an open review, as supply intake opens one for a possible
   * duplicate (the held one shielded by the team first, if asked), their pending shields
   * worked out as intake does.
   */
  async function review(shielded: boolean): Promise<{ id: number; created: string; held: string }> {
    const rows = await h.db.query<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded AND NOT shield_pending ORDER BY cp_number DESC LIMIT 2 OFFSET $2",
      [WIRRAL, taken],
    );
    taken += 2;
    const [held, created] = [rows[0]!.cp_number, rows[1]!.cp_number];
    if (shielded)
      expect((await team.post(`/v1/children/${held}/shield`, { reason: 'Risk of harm if found' })).status).toBe(200);
    const id = await h.db.transaction(async (tx) => {
      const [r] = await tx.query<{ id: number }>(
        'INSERT INTO match_reviews (cp_number, candidate_cp_number, score, created_at) VALUES ($1, $2, 0.8, $3) RETURNING id',
        [created, held, h.clock.now()],
      );
      await recomputeShieldPending(tx, [created, held], h.clock.now());
      return Number(r!.id);
    });
    return { id, created, held };
  }

  const decide = (who: SignedClient, id: number, decision: 'same-child' | 'different-children') =>
    who.post(`/v1/match-reviews/${id}/resolve`, { decision });
  const pending = async (cp: string) =>
    (await h.db.query<{ shield_pending: boolean }>('SELECT shield_pending FROM children WHERE cp_number = $1', [cp]))[0]
      ?.shield_pending;
  const reviewStatus = async (id: number) =>
    (await h.db.query<{ status: string }>('SELECT status FROM match_reviews WHERE id = $1', [id]))[0]?.status;
  const listed = async (who: SignedClient, id: number) => {
    const res = await who.get('/v1/match-reviews?status=open');
    expect(res.status).toBe(200);
    return (res.body.reviews as { id: number }[]).find((r) => r.id === id) as Record<string, unknown> | undefined;
  };

  it('one person alone cannot end the pending shield, by any sequence or with an account bound to them', async () => {
    const r = await review(true);
    expect(await pending(r.created)).toBe(true);
    const first = await decide(team, r.id, 'different-children');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ id: r.id, status: 'awaiting-second-person', shieldPending: true });
    expect(await pending(r.created)).toBe(true);
    // Deciding again, or otherwise, is the same person.
    for (const decision of ['different-children', 'same-child'] as const) {
      const again = await decide(team, r.id, decision);
      expect([again.status, again.body.error.code], decision).toEqual([403, 'own-request']);
    }
    // Accounts the decider made or confirmed are not a second person.
    for (const bound of [madeByTeam, confirmedByTeam]) {
      for (const decision of ['different-children', 'same-child'] as const) {
        const res = await decide(bound, r.id, decision);
        expect([res.status, res.body.error.code], `${bound.user.id} ${decision}`).toEqual([403, 'not-independent']);
      }
    }
    expect(await pending(r.created)).toBe(true);
    expect(await reviewStatus(r.id)).toBe('open');
    // The other way round: what the decider's maker decides is not a second person either.
    const r2 = await review(true);
    expect((await decide(madeByTeam, r2.id, 'different-children')).body.status).toBe('awaiting-second-person');
    const byMaker = await decide(team, r2.id, 'different-children');
    expect([byMaker.status, byMaker.body.error.code]).toEqual([403, 'not-independent']);
    expect(await pending(r2.created)).toBe(true);
  });

  it('two independent members settle it, and each step is audited', async () => {
    const r = await review(true);
    expect((await decide(team, r.id, 'different-children')).body.status).toBe('awaiting-second-person');
    const second = await decide(team2, r.id, 'different-children');
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body).toMatchObject({
      id: r.id,
      status: 'different-children',
      cpNumber: r.created,
      shieldPending: false,
    });
    expect(await pending(r.created)).toBe(false);
    expect(await reviewStatus(r.id)).toBe('different-children');
    const audit = await h.db.query<{ user_id: string; detail: Record<string, unknown> }>(
      "SELECT user_id, detail FROM audit_log WHERE action = 'match-resolved' AND cp_number = $1 ORDER BY seq",
      [r.created],
    );
    expect(audit.map((a) => [a.user_id, a.detail])).toEqual([
      ['trn-la-team', { reviewId: r.id, decision: 'different-children', candidate: r.held, step: 'first-of-two' }],
      [
        'trn-la-team-2',
        { reviewId: r.id, decision: 'different-children', candidate: r.held, proposedBy: 'trn-la-team' },
      ],
    ]);
    const again = await decide(team, r.id, 'same-child');
    expect([again.status, again.body.error.code]).toEqual([409, 'review-resolved']);
  });

  it('is blind: a team member sees only that a second look is needed; a data manager sees the decision', async () => {
    const r = await review(true);
    const before = await listed(team2, r.id);
    expect(before).toBeDefined();
    expect(before).not.toHaveProperty('secondLook');
    await decide(team, r.id, 'different-children');
    for (const who of [team, team2]) {
      const item = await listed(who, r.id);
      expect(item).toMatchObject({ id: r.id, status: 'open', secondLook: 'needed' });
      expect(item).not.toHaveProperty('decisions');
      expect(item).not.toHaveProperty('resolvedBy');
      const text = JSON.stringify(item);
      expect(text).not.toContain('trn-la-team');
      expect(text).not.toContain('different-children');
      expect(text).not.toContain('same-child');
    }
    const seen = await listed(dataManager, r.id);
    expect(seen).toMatchObject({
      secondLook: 'needed',
      decisions: [{ decision: 'different-children', by: 'trn-la-team', at: expect.any(String) }],
    });
  });

  it('a disagreement goes to a data manager, who must be independent of both', async () => {
    const r = await review(true);
    await decide(team, r.id, 'different-children');
    const disagree = await decide(team2, r.id, 'same-child');
    expect(disagree.status, JSON.stringify(disagree.body)).toBe(200);
    expect(disagree.body).toMatchObject({ status: 'disputed', shieldPending: true });
    // Nothing merged, nothing exposed.
    expect(await pending(r.created)).toBe(true);
    expect(await reviewStatus(r.id)).toBe('open');
    // A team can no longer settle it, whoever asks.
    for (const who of [team, team2, madeByTeam]) {
      for (const decision of ['different-children', 'same-child'] as const) {
        const res = await decide(who, r.id, decision);
        expect(res.status, `${who.user.id} ${decision}`).toBeGreaterThanOrEqual(403);
        expect(res.status).toBeLessThanOrEqual(409);
        expect(await pending(r.created)).toBe(true);
      }
    }
    const teamView = await listed(team, r.id);
    expect(teamView).toMatchObject({ secondLook: 'data-manager' });
    expect(JSON.stringify(teamView)).not.toContain('trn-la-team');
    expect(await listed(dataManager, r.id)).toMatchObject({
      secondLook: 'data-manager',
      decisions: [
        { decision: 'different-children', by: 'trn-la-team' },
        { decision: 'same-child', by: 'trn-la-team-2' },
      ],
    });
    const settled = await decide(dataManager, r.id, 'different-children');
    expect(settled.body).toMatchObject({ status: 'different-children', shieldPending: false });
    expect(await pending(r.created)).toBe(false);

    // A data manager who decided first, or is bound to who did, may not settle the dispute.
    const d = await review(true);
    expect((await decide(dataManager, d.id, 'different-children')).body.status).toBe('awaiting-second-person');
    expect((await decide(team2, d.id, 'same-child')).body.status).toBe('disputed');
    const own = await decide(dataManager, d.id, 'different-children');
    expect([own.status, own.body.error.code]).toEqual([403, 'own-request']);
    const bound = await decide(madeByAdmin, d.id, 'different-children');
    expect([bound.status, bound.body.error.code]).toEqual([403, 'not-independent']);
    expect(await pending(d.created)).toBe(true);
    expect(await reviewStatus(d.id)).toBe('open');
  });

  it('an unshielded review still settles in one step', async () => {
    const r = await review(false);
    expect(await pending(r.created)).toBe(false);
    const res = await decide(team, r.id, 'different-children');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: r.id, status: 'different-children', shieldPending: false });
    expect(await reviewStatus(r.id)).toBe('different-children');
  });

  it('same child still settles in one step against a shielded child (a merge exposes nothing)', async () => {
    const r = await review(true);
    const res = await decide(team, r.id, 'same-child');
    expect(res.body).toMatchObject({ status: 'same-child', cpNumber: r.held });
    expect(await reviewStatus(r.id)).toBe('same-child');
  });
});

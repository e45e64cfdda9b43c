// Issue 20 item 4, over HTTP on PGlite and PostgreSQL: a second look for doubtful pairs.
// A team member's "same child" on a pair from the review band opens a review and merges
// nothing; a second member independent of the first decides blind (no first decision,
// no score); agreement merges, disagreement goes to a data manager independent of both.
// One person can never settle it alone: not by deciding again, not by asking again, not
// with an account bound to them, not through the sync feed's merge or "not a duplicate".
// The agreement rate comes from the service's own rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpNumberFromSerial } from '../../../../domain/cp-number.js';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

describe.each(storeEngines)('a second look for doubtful pairs on %s', (engine) => {
  let h: ServiceHarness;
  let team: SignedClient;
  let team2: SignedClient;
  let dataManager: SignedClient;
  let madeByTeam: SignedClient;
  let confirmedByTeam: SignedClient;
  let madeByAdmin: SignedClient;

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 200, now: new Date('2026-11-24T10:00:00Z') });
    team = await h.signIn('trn-la-team');
    team2 = await h.signIn('trn-la-team-2');
    dataManager = await h.signIn('trn-data-manager');
    const admin = await h.signIn('trn-national-admin');
    madeByTeam = await h.newMember(team, 'rb-made-by-team', 'org-wirral', ['la-team']);
    madeByAdmin = await h.newMember(admin, 'rb-made-by-admin', 'org-national', ['data-manager']);
    const confirmed = await h.newAccount(
      admin,
      {
        id: 'rb-confirmed-by-team',
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
  /** Two unshielded children of an authority, not yet used by another test. */
  async function pair(authority = WIRRAL): Promise<[string, string]> {
    const rows = await h.db.query<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded AND NOT shield_pending ORDER BY cp_number LIMIT 2 OFFSET $2",
      [authority, taken],
    );
    taken += 2;
    return [rows[0]!.cp_number, rows[1]!.cp_number];
  }
  const ask = (who: SignedClient, cpNumber: string, candidateCpNumber: string, score = 0.3) =>
    who.post('/v1/match-reviews', { cpNumber, candidateCpNumber, score, decision: 'same-child' });
  const decide = (who: SignedClient, id: number, decision: 'same-child' | 'different-children') =>
    who.post(`/v1/match-reviews/${id}/resolve`, { decision });
  const status = async (cp: string) =>
    (await h.db.query<{ status: string }>('SELECT status FROM children WHERE cp_number = $1', [cp]))[0]?.status ??
    'gone';
  const reviewOf = async (id: number) =>
    (
      await h.db.query<{ status: string; second_look: string | null }>(
        'SELECT status, second_look FROM match_reviews WHERE id = $1',
        [id],
      )
    )[0];
  const listed = async (who: SignedClient, id: number) => {
    const res = await who.get('/v1/match-reviews?status=open');
    expect(res.status).toBe(200);
    return (res.body.reviews as { id: number }[]).find((r) => r.id === id) as Record<string, unknown> | undefined;
  };
  const submit = async (who: SignedClient, item: Record<string, unknown>) => {
    const res = await who.post('/v1/submissions', { items: [{ idempotencyKey: `rb-${engine}-${++taken}`, ...item }] });
    expect(res.status).toBe(200);
    return res.body.results[0] as { status: string; message?: string };
  };
  const version = async (cp: string) =>
    (await h.db.query<{ version: number }>('SELECT version FROM children WHERE cp_number = $1', [cp]))[0]!.version;

  it('merges nothing: a review opens with the decision recorded, blind to a second team member', async () => {
    const [dup, keep] = await pair();
    const opened = await ask(team, dup, keep, 0.31);
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body).toMatchObject({ status: 'awaiting-second-person', cpNumber: dup, candidateCpNumber: keep });
    expect([await status(dup), await status(keep)]).toEqual(['active', 'active']);
    for (const who of [team, team2]) {
      const item = await listed(who, opened.body.id);
      expect(item).toMatchObject({ id: opened.body.id, cpNumber: dup, candidateCpNumber: keep, secondLook: 'needed' });
      // No score, no origin, no decision, nobody's name.
      for (const hidden of ['score', 'origin', 'decisions', 'resolvedBy']) expect(item).not.toHaveProperty(hidden);
      const text = JSON.stringify(item);
      for (const word of ['trn-la-team', 'same-child', 'different-children', 'review-band', '0.31'])
        expect(text).not.toContain(word);
    }
    expect(await listed(dataManager, opened.body.id)).toMatchObject({
      origin: 'review-band',
      score: 0.31,
      secondLook: 'needed',
      decisions: [{ decision: 'same-child', by: 'trn-la-team', at: expect.any(String) }],
    });
    const audit = await h.db.query<{ user_id: string; detail: Record<string, unknown> }>(
      "SELECT user_id, detail FROM audit_log WHERE action = 'match-resolved' AND cp_number = $1",
      [dup],
    );
    expect(audit.map((a) => [a.user_id, a.detail])).toEqual([
      [
        'trn-la-team',
        {
          reviewId: opened.body.id,
          decision: 'same-child',
          candidate: keep,
          step: 'first-of-two',
          origin: 'review-band',
        },
      ],
    ]);
  });

  it('one person cannot settle it alone: not again, not by asking again, not with a bound account, not by sync', async () => {
    const [dup, keep] = await pair();
    const id = (await ask(team, dup, keep)).body.id as number;
    for (const decision of ['same-child', 'different-children'] as const) {
      const again = await decide(team, id, decision);
      expect([again.status, again.body.error.code], decision).toEqual([403, 'own-request']);
    }
    // Asking again, either way round, is the same person.
    for (const [a, b] of [
      [dup, keep],
      [keep, dup],
    ]) {
      const re = await ask(team, a!, b!);
      expect([re.status, re.body.error.code]).toEqual([403, 'own-request']);
    }
    // Another member asking is not a decision either: they decide it in the reviews.
    const other = await ask(team2, dup, keep);
    expect([other.status, other.body.error.code]).toEqual([409, 'review-open']);
    for (const bound of [madeByTeam, confirmedByTeam]) {
      for (const decision of ['same-child', 'different-children'] as const) {
        const res = await decide(bound, id, decision);
        expect([res.status, res.body.error.code], `${bound.user.id} ${decision}`).toEqual([403, 'not-independent']);
      }
    }
    // The sync feed's merge and "not a duplicate", by anyone, settle nothing while it waits.
    for (const who of [team, team2]) {
      const merge = await submit(who, {
        cpNumber: keep,
        baseVersion: await version(keep),
        op: 'merge',
        duplicate: { cpNumber: dup, baseVersion: await version(dup) },
      });
      expect(merge).toMatchObject({ status: 'forbidden', message: expect.stringMatching(/second person/) });
      const notDuplicate = await submit(who, { cpNumber: dup, baseVersion: 1, op: 'not-duplicate', of: keep });
      expect(notDuplicate).toMatchObject({ status: 'forbidden', message: expect.stringMatching(/second person/) });
    }
    expect([await status(dup), await status(keep)]).toEqual(['active', 'active']);
    expect(await reviewOf(id)).toEqual({ status: 'open', second_look: 'awaiting-second-person' });
  });

  it('a second, independent member who agrees merges the pair', async () => {
    const [dup, keep] = await pair();
    const id = (await ask(team, dup, keep)).body.id as number;
    const agreed = await decide(team2, id, 'same-child');
    expect(agreed.status, JSON.stringify(agreed.body)).toBe(200);
    expect(agreed.body).toMatchObject({ id, status: 'same-child', cpNumber: keep });
    expect([await status(dup), await status(keep)]).toEqual(['gone', 'active']);
    expect((await reviewOf(id))!.status).toBe('same-child');
    const last = await h.db.query<{ user_id: string; detail: Record<string, unknown> }>(
      "SELECT user_id, detail FROM audit_log WHERE action = 'match-resolved' AND cp_number = $1 ORDER BY seq DESC LIMIT 1",
      [keep],
    );
    expect(last[0]).toMatchObject({
      user_id: 'trn-la-team-2',
      detail: { reviewId: id, decision: 'same-child', duplicate: dup, proposedBy: 'trn-la-team' },
    });
  });

  it('a disagreement goes to a data manager independent of both; the team can no longer settle it', async () => {
    const [dup, keep] = await pair();
    const id = (await ask(team, dup, keep)).body.id as number;
    const disagree = await decide(team2, id, 'different-children');
    expect(disagree.body).toMatchObject({ status: 'disputed' });
    expect([await status(dup), await status(keep)]).toEqual(['active', 'active']);
    for (const who of [team, team2, madeByTeam]) {
      for (const decision of ['same-child', 'different-children'] as const) {
        const res = await decide(who, id, decision);
        expect(res.status, `${who.user.id} ${decision}`).toBeGreaterThanOrEqual(403);
        expect(res.status).toBeLessThanOrEqual(409);
      }
    }
    expect(await listed(team, id)).toMatchObject({ secondLook: 'data-manager' });
    expect(await listed(dataManager, id)).toMatchObject({
      decisions: [
        { decision: 'same-child', by: 'trn-la-team' },
        { decision: 'different-children', by: 'trn-la-team-2' },
      ],
    });
    const settled = await decide(dataManager, id, 'different-children');
    expect(settled.body).toMatchObject({ status: 'different-children' });
    expect([await status(dup), await status(keep)]).toEqual(['active', 'active']);

    // Settled the other way by a data manager independent of both: the merge goes ahead.
    const [dup2, keep2] = await pair();
    const id2 = (await ask(team, dup2, keep2)).body.id as number;
    expect((await decide(team2, id2, 'different-children')).body.status).toBe('disputed');
    const merged = await decide(madeByAdmin, id2, 'same-child');
    expect(merged.body).toMatchObject({ status: 'same-child', cpNumber: keep2 });
    expect([await status(dup2), await status(keep2)]).toEqual(['gone', 'active']);
  });

  it('only for two of the team’s own active children; an undecided review of the pair becomes the second look', async () => {
    const [mine] = await pair();
    const [theirs] = await pair(CHESHIRE_WEST_AND_CHESTER);
    const foreign = await ask(team, mine, theirs);
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'other-authority']);
    const self = await ask(team, mine, mine);
    expect([self.status, self.body.error.code]).toEqual([422, 'invalid-pair']);
    const gone = await ask(team, mine, cpNumberFromSerial(99_999_999));
    expect(gone.status).toBe(404);
    const dm = await ask(dataManager, mine, mine);
    expect(dm.status).toBe(403);
    // Supply intake (here: a working set's "possible duplicate") opened a review nobody decided.
    const [a, b] = await pair();
    expect(
      await submit(team, { cpNumber: a, baseVersion: 1, op: 'possible-duplicate', of: b, score: 0.4 }),
    ).toMatchObject({ status: 'applied' });
    const opened = await ask(team, b, a);
    expect(opened.status).toBe(201);
    const rows = await h.db.query<{ id: number; cp_number: string; origin: string }>(
      "SELECT id, cp_number, origin FROM match_reviews WHERE status = 'open' AND (cp_number = $1 OR candidate_cp_number = $1)",
      [a],
    );
    expect(rows.map((r) => [Number(r.id), r.cp_number, r.origin])).toEqual([[opened.body.id, b, 'review-band']]);
  });

  it("reports the agreement rate from the service's rows: a team its own authority's, a data manager all", async () => {
    const rate = await team.get('/v1/match-reviews/agreement');
    expect(rate.status).toBe(200);
    // Agreed: the merge above; disagreed: the two disputes; waiting: the first two pairs' and the last.
    expect(rate.body).toEqual({ agreed: 1, disagreed: 2, awaiting: 3, rate: 1 / 3 });
    const all = await dataManager.get('/v1/match-reviews/agreement');
    expect(all.body).toMatchObject({ agreed: 1, disagreed: 2 });
    const cheshire = await h.signIn('trn-la-team-cwac');
    const none = await cheshire.get('/v1/match-reviews/agreement');
    expect(none.status === 200 ? none.body : none.status).toEqual({ agreed: 0, disagreed: 0, awaiting: 0, rate: null });
  });
});

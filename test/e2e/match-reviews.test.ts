// The national match-review queue, end to end: Chromium through the harness, main's IPC
// and signed calls to a real service. Supply intake opens reviews (a possible duplicate
// of a Wirral child; one of a shielded child of another authority); the Wirral team sees
// them on the cleansing screen, opens one side by side from the keyboard, decides "the
// same child", and the national index has merged them. An insider's calls through the
// same channels never bring a shielded child's hidden details of another authority to
// the renderer, and a merge into another authority's child is refused.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChildRecord } from '../../domain/child-record.js';
import type { ServiceContext } from '../../service/context.js';
import { systemClock } from '../../service/context.js';
import { insertChild } from '../../service/records/child-store.js';
import { receiveSupply } from '../../service/supply/intake.js';
import { CHESHIRE_WEST_AND_CHESTER, child, supplierRecord, WIRRAL } from '../support/children.js';
import { testSecrets } from '../support/secrets.js';
import { describeWhere } from '../support/skip.js';
import { keyringUnavailable } from '../support/working-set.js';
import { supplierSystem } from '../integration/service/sync/fixtures.js';
import { startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, signInWithToken } from './journey-support.js';

const purpose = 'Reviewing possible duplicates from supplies';

describeWhere(keyringUnavailable(), 'the national match-review queue, as the Wirral team sees it', () => {
  let h: Harness;
  let ctx: ServiceContext;
  /** A Wirral child and the possible duplicate a supply made of it. */
  let plain: { held: string; created: string; reviewId: number };
  /** A shielded Cheshire West and Chester child and a Wirral possible duplicate of it. */
  let shielded: { held: string; created: string; reviewId: number; postcode: string };
  /** A Cheshire West and Chester child and a possible duplicate of it there: not the Wirral team's. */
  let cheshire: { held: string; created: string; reviewId: number };

  /** A held child and a supply close enough to be a possible duplicate (surname typo, another address). */
  async function possibleDuplicate(held: ChildRecord, supplyLa: string) {
    await ctx.db.transaction((tx) => insertChild(tx, held, { at: new Date() }));
    const s = supplierRecord({
      supplier: 'nhs',
      receivedAt: '2025-02-15',
      name: { given: held.name.given, family: `${held.name.family}e`, former: [] },
      gender: held.gender,
      dob: held.dob,
      address: { lines: ['1 Test Street', 'Liverpool'], postcode: 'L3 9AA' },
    });
    const [r] = (await receiveSupply(ctx, supplierSystem('nhs'), { localAuthority: supplyLa, records: [s] })).results;
    expect(r!.status).toBe('possible-duplicate');
    const [review] = await ctx.db.query<{ id: number }>('SELECT id FROM match_reviews WHERE cp_number = $1', [
      r!.cpNumber!,
    ]);
    return { held: held.cpNumber, created: r!.cpNumber!, reviewId: review!.id };
  }

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 500 });
    ctx = {
      db: h.service!.db,
      clock: systemClock,
      randomBytes: (n) => randomBytes(n),
      trainingMode: true,
      secrets: testSecrets,
    };
    plain = await possibleDuplicate(
      child({ name: { given: 'Rosa', family: 'Quarrington', former: [] }, dob: '2013-04-05' }),
      WIRRAL,
    );
    const postcode = 'CH2 4QQ';
    shielded = {
      ...(await possibleDuplicate(
        child({
          name: { given: 'Rosa', family: 'Quenby', former: [] },
          dob: '2011-09-10',
          localAuthority: CHESHIRE_WEST_AND_CHESTER,
          address: { lines: ['3 Hidden Lane', 'Chester'], postcode },
          shielded: true,
        }),
        WIRRAL,
      )),
      postcode,
    };
    cheshire = await possibleDuplicate(
      child({
        name: { given: 'Rosa', family: 'Quillfeather', former: [] },
        dob: '2014-02-03',
        localAuthority: CHESHIRE_WEST_AND_CHESTER,
        address: { lines: ['9 Abbey Street', 'Chester'], postcode: 'CH1 2JD' },
      }),
      CHESHIRE_WEST_AND_CHESTER,
    );
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('lists the open national reviews on the cleansing screen', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-la-team');
    await expectHeading(page, 'Working set');
    await page.getByRole('button', { name: 'Start the first sync' }).click();
    await page.getByTestId('sync-result').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cleansing', exact: true }).click();
    await expectHeading(page, 'Cleansing');
    const list = page.getByTestId('match-review-list');
    await list.waitFor();
    const text = (await list.textContent())!;
    expect(text).toContain(plain.created);
    expect(text).toContain(plain.held);
    expect(text).toContain(shielded.created);
    // Another authority's review is that authority's team's (and the data manager's).
    expect(text).not.toContain(cheshire.created);
    // The queue is numbers and scores: no names, no addresses.
    expect(text).not.toContain('Quarrington');
    expect(text).not.toContain('Quenby');
    expect(text).not.toContain(shielded.postcode);
    expect(await page.getByTestId('label-precision').textContent()).toBe('Too few labels to say');
    await expectAccessible(page);
    await h.screenshot('34-national-reviews');
  }, 120_000);

  it('opens a review side by side from the keyboard and settles it as the same child on the national index', async () => {
    const { page } = h;
    const open = page.getByRole('button', { name: `Open the review of ${plain.created}` });
    await open.focus();
    await page.keyboard.press('Enter');
    const field = page.getByRole('textbox', { name: 'Purpose of this work' });
    await field.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('match-review-purpose');
    await page.keyboard.type(purpose);
    await page.getByRole('button', { name: 'Continue' }).click();
    const panel = page.getByTestId('match-review-panel');
    await panel.getByTestId('review-compare').waitFor();
    // Focus moves to the pair's heading; both records are there, the surname marked as differing.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('review-heading');
    const compare = (await panel.getByTestId('review-compare').textContent())!;
    expect(compare).toContain('Quarrington');
    expect(compare).toContain('Quarringtone');
    expect(await panel.locator('tr.cp-differs').count()).toBeGreaterThanOrEqual(2);
    // Both records were read on the national index with the purpose, and audited there.
    const reads = await h.service!.db.query<{ cp_number: string }>(
      "SELECT cp_number FROM audit_log WHERE action = 'read' AND reason = $1 AND cp_number = ANY ($2) ORDER BY cp_number",
      [purpose, [plain.created, plain.held]],
    );
    expect(new Set(reads.map((r) => r.cp_number))).toEqual(new Set([plain.created, plain.held]));

    // No decision chosen: a clear error, nothing sent.
    await panel.getByRole('button', { name: 'Record the decision' }).click();
    expect(await panel.getByTestId('review-decision-error').textContent()).toMatch(/Choose whether/);
    await expectAccessible(page);
    await h.screenshot('35-national-review-compare');

    await page.getByRole('radio', { name: /^The same child/ }).focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Record the decision' }).focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('match-review-done').textContent())
      .toBe(`${plain.created} was merged into ${plain.held} on the national index.`);
    // The review has left the queue, and the national record reflects the decision.
    expect(await page.getByTestId('match-review-list').textContent()).not.toContain(plain.created);
    const [review] = await h.service!.db.query<{ status: string; resolved_by: string }>(
      'SELECT status, resolved_by FROM match_reviews WHERE id = $1',
      [plain.reviewId],
    );
    expect(review).toEqual({ status: 'same-child', resolved_by: 'trn-la-team' });
    expect(await h.service!.db.query('SELECT 1 FROM children WHERE cp_number = $1', [plain.created])).toHaveLength(0);
    expect(
      await h.service!.db.query("SELECT 1 FROM children WHERE cp_number = $1 AND status = 'active'", [plain.held]),
    ).toHaveLength(1);
    const tombstones = await h.service!.db.query<{ reason: string }>(
      "SELECT reason FROM changes WHERE cp_number = $1 AND kind = 'tombstone'",
      [plain.created],
    );
    expect(tombstones.map((t) => t.reason)).toContain('merged');
    // The decision is a labelled pair in the working set: counted under the queue.
    await expect
      .poll(() => page.getByTestId('label-figures').textContent())
      .toMatch(/(^|\D)1 reviewed pair \(1 the same child\)/);
    await expectAccessible(page);
    await h.screenshot('36-national-review-resolved');
  }, 120_000);

  it("never brings another authority's shielded details to the renderer, and refuses a merge into that authority's child", async () => {
    const { page } = h;
    // Through the channels the screen uses, as an insider with the page's devtools would.
    const answers = await page.evaluate(
      async ({ id, held, purpose }) => {
        const api = window.contactpoint!;
        const task = await api.workingSet.startTask({ screen: 'cleansing', purpose });
        if (!task.ok) throw new Error(task.error.message);
        const taskSession = task.value.taskSession;
        return {
          plain: await api.reviews.open({ id, taskSession }),
          revealed: await api.reviews.open({ id, taskSession, reveal: [held] }),
          merge: await api.reviews.resolve({ id, decision: 'same-child' }),
          // A team member opens records only in a task session: a bare reason is refused.
          bareReason: await api.reviews.open({ id, reason: purpose }),
        };
      },
      { id: shielded.reviewId, held: shielded.held, purpose },
    );
    for (const answer of [answers.plain, answers.revealed]) {
      expect(answer.ok).toBe(true);
      if (!answer.ok) continue;
      expect(answer.value.second).toMatchObject({ cpNumber: shielded.held, withheld: true, mayReveal: false });
      expect(Object.keys(answer.value.second.record).sort()).toEqual(['dob', 'gender', 'name']);
      const raw = JSON.stringify(answer.value);
      expect(raw).not.toContain(shielded.postcode);
      expect(raw).not.toContain('Hidden Lane');
      expect(raw).not.toContain(CHESHIRE_WEST_AND_CHESTER);
      // The Wirral new record is the team's own: shield-pending, withheld until asked for.
      expect(answer.value.first).toMatchObject({ cpNumber: shielded.created, shielded: true });
    }
    if (answers.plain.ok) expect(answers.plain.value.first).toMatchObject({ withheld: true, mayReveal: true });
    expect(answers.merge).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(answers.bareReason).toMatchObject({ ok: false, error: { code: 'purpose-required' } });
    expect(
      await h.service!.db.query("SELECT 1 FROM match_reviews WHERE id = $1 AND status = 'open'", [shielded.reviewId]),
    ).toHaveLength(1);

    // On the screen: the held side's hidden fields say so, with no way to show them; "different children" settles it.
    // The insider's task session ended the screen's (one a screen): the purpose is asked again.
    await page.getByRole('button', { name: `Open the review of ${shielded.created}` }).click();
    const field = page.getByRole('textbox', { name: 'Purpose of this work' });
    await field.waitFor();
    await field.fill(purpose);
    await page.getByRole('button', { name: 'Continue' }).click();
    const panel = page.getByTestId('match-review-panel');
    await panel.getByTestId('review-withheld').waitFor();
    expect(await panel.getByTestId('review-shield-warning').textContent()).toContain(shielded.created);
    expect(await panel.getByTestId('review-withheld').textContent()).toContain('Your role may not see them.');
    expect(await panel.textContent()).not.toContain(shielded.postcode);
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'Different children' }).check();
    await panel.getByRole('button', { name: 'Record the decision' }).click();
    // Against a shielded child one person's "different children" is only recorded (issue 18):
    // a second, independent team member must confirm it, and the queue shows no hint of it.
    await expect
      .poll(() => page.getByTestId('match-review-done').textContent())
      .toContain('A second team member must confirm this decision');
    expect(
      await h.service!.db.query("SELECT 1 FROM match_reviews WHERE id = $1 AND status = 'open'", [shielded.reviewId]),
    ).toHaveLength(1);
    const queue = (await page.getByTestId('match-review-list').textContent())!;
    expect(queue).toContain(shielded.created);
    expect(queue.toLowerCase()).not.toContain('different');
    await expectAccessible(page);

    // The second member of the Wirral team signs in and decides on their own.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => h.core.session.current().state.status).toBe('signed-out');
    await signInWithToken(h, 'trn-la-team-2');
    await expect.poll(() => h.core.session.current().state.status).toBe('signed-in');
    await expectHeading(page, 'Working set');
    await page.getByRole('button', { name: 'Cleansing', exact: true }).click();
    await expectHeading(page, 'Cleansing');
    await page.getByRole('button', { name: `Open the review of ${shielded.created}` }).click();
    const again = page.getByRole('textbox', { name: 'Purpose of this work' });
    await again.waitFor();
    await again.fill(purpose);
    await page.getByRole('button', { name: 'Continue' }).click();
    await panel.getByTestId('review-withheld').waitFor();
    expect(await panel.textContent()).not.toContain(shielded.postcode);
    await page.getByRole('radio', { name: 'Different children' }).check();
    await panel.getByRole('button', { name: 'Record the decision' }).click();
    await expect
      .poll(() => page.getByTestId('match-review-done').textContent())
      .toBe(`${shielded.created} and ${shielded.held} are recorded as different children.`);
    await page.getByTestId('match-reviews-empty').waitFor();
    const [row] = await h.service!.db.query<{ status: string }>('SELECT status FROM match_reviews WHERE id = $1', [
      shielded.reviewId,
    ]);
    expect(row).toEqual({ status: 'different-children' });
    await expect.poll(() => page.getByTestId('label-figures').textContent()).toMatch(/2 reviewed pairs/);
    await expectAccessible(page);
  }, 120_000);

  it("a data manager gets every authority's open reviews, opens one with a reason, and keeps no labels", async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => h.core.session.current().state.status).toBe('signed-out');
    await signInWithToken(h, 'trn-data-manager');
    await expect.poll(() => h.core.session.current().state.status).toBe('signed-in');
    // The data manager's home has the queue as a tab of its own, with every authority's reviews.
    await page.getByRole('button', { name: 'Match reviews' }).click();
    await expect
      .poll(() => page.getByTestId('match-review-list').textContent(), { timeout: 15_000 })
      .toContain(cheshire.created);
    await expectAccessible(page);
    const answers = await page.evaluate(
      async ({ id, held }) => {
        const api = window.contactpoint!;
        return {
          list: await api.reviews.list(),
          opened: await api.reviews.open({ id, reason: 'Data quality review of possible duplicates' }),
          revealed: await api.reviews.open({
            id,
            reason: 'Data quality review of possible duplicates',
            reveal: [held],
          }),
          noReason: await api.reviews.open({ id }),
          labels: await api.reviews.labels(),
        };
      },
      { id: cheshire.reviewId, held: cheshire.held },
    );
    expect(answers.list.ok && answers.list.value.reviews.map((r) => r.id)).toContain(cheshire.reviewId);
    expect(answers.opened).toMatchObject({
      ok: true,
      value: { first: { cpNumber: cheshire.created }, second: { cpNumber: cheshire.held, withheld: false } },
    });
    expect(answers.revealed).toMatchObject({ ok: true, value: { second: { withheld: false } } });
    expect(answers.noReason).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(answers.labels).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const reads = await h.service!.db.query<{ user_id: string }>(
      "SELECT user_id FROM audit_log WHERE action = 'read' AND reason = $1 AND cp_number = $2",
      ['Data quality review of possible duplicates', cheshire.held],
    );
    expect(reads.map((r) => r.user_id)).toContain('trn-data-manager');
  }, 120_000);
});

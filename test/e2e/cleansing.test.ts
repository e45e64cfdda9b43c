// Cleansing, end to end: Chromium through the harness, main's IPC, the working-set
// worker with its encrypted store (key in the real Secret Service) and a real service.
// A run with a progress bar, queues by rule, the keyboard in the virtual task list, a
// side-by-side comparison, a merge that reaches the national index as a signed
// submission, and "not a duplicate" remembered by the next run.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keyringUnavailable } from '../support/working-set.js';
import { startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, signInWithToken } from './journey-support.js';
import { describeWhere } from '../support/skip.js';

const skipReason = keyringUnavailable();
const purpose = 'Cleansing possible duplicates';

/** A task opens only in a task session: the purpose is asked for first (once a queue). */
async function givePurpose(h: Harness): Promise<void> {
  const field = h.page.getByRole('textbox', { name: 'Purpose of this work' });
  await field.waitFor();
  await field.fill(purpose);
  await h.page.getByRole('button', { name: 'Continue' }).click();
}

describeWhere(skipReason, 'cleansing, as the ContactPoint team sees it', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 8000, syncPageSize: 1000 });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('runs the checks with a progress bar and lists queues by rule, most urgent first', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-la-team');
    await expectHeading(page, 'Working set');
    await page.getByRole('button', { name: 'Start the first sync' }).click();
    await page.getByTestId('sync-result').waitFor({ timeout: 60_000 });

    await page.getByRole('button', { name: 'Cleansing', exact: true }).click();
    await expectHeading(page, 'Cleansing');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Run the checks' }).click();
    await page.getByTestId('cleanse-progress').waitFor();
    await h.screenshot('20-cleansing-running');
    await page.getByTestId('queues').waitFor({ timeout: 60_000 });
    await page.getByTestId('cleanse-last-run').waitFor();
    const rows = page.getByTestId('queues').locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(2);
    const priorities = await rows.locator('td:nth-child(2)').allTextContents();
    const order = ['urgent', 'high', 'normal', 'low'];
    expect(priorities.map((p) => order.indexOf(p))).toEqual(
      [...priorities.map((p) => order.indexOf(p))].sort((a, b) => a - b),
    );
    expect(await page.getByTestId('queues').textContent()).toContain('Possible duplicate');
    await expectAccessible(page);
    await h.screenshot('21-cleansing-queues');
  }, 180_000);

  it('the task list works from the keyboard; a pair compared side by side is merged and the merge reaches the national index', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Possible duplicate', exact: true }).click();
    await page.getByTestId('rule-explanation').waitFor();
    const list = page.getByRole('listbox');
    await list.locator('[role=option]').first().waitFor();
    await list.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press(' ');
    expect(await list.locator('[role=option]').first().getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press(' ');
    await page.keyboard.press('Enter');
    await givePurpose(h);
    const panel = page.getByTestId('task-panel');
    await panel.getByTestId('compare').waitFor();
    expect(await panel.getByTestId('weights').locator('tbody tr').count()).toBeGreaterThan(3);
    expect(await panel.getByTestId('pair-score').textContent()).toMatch(/\d+% likely to be the same child/);
    await expectAccessible(page);
    await h.screenshot('22-cleansing-compare');

    const heading = (await panel.getByRole('heading', { level: 3 }).textContent())!;
    const [keep, gone] = heading.split(' and ') as [string, string];
    // Both records shown are in their audit trails, with the purpose, from the cleansing screen.
    await expect
      .poll(
        async () =>
          (
            await h.service!.db.query<{ cp_number: string }>(
              "SELECT cp_number FROM audit_log WHERE action = 'read' AND reason = $1 AND detail->>'context' = 'cleansing' AND cp_number = ANY ($2) ORDER BY cp_number",
              [purpose, [keep, gone]],
            )
          ).map((r) => r.cp_number),
        { timeout: 15_000 },
      )
      .toEqual([keep, gone].sort());
    const before = await h.service!.db.query<{ status: string }>('SELECT status FROM children WHERE cp_number = $1', [
      gone,
    ]);
    expect(before).toEqual([{ status: 'active' }]);
    await panel.getByRole('button', { name: `Merge into ${keep}` }).click();
    await expect
      .poll(() => page.getByTestId('cleanse-notice').textContent())
      .toMatch(new RegExp(`${gone} will be merged into ${keep}`));

    // The merge waits in the outbox until the team sends the changes.
    await page.getByRole('button', { name: 'Working set', exact: true }).click();
    await page.getByRole('button', { name: /^Send \d+ waiting change/ }).click();
    await expect
      .poll(async () => (await h.service!.db.query('SELECT 1 FROM children WHERE cp_number = $1', [gone])).length, {
        timeout: 15_000,
      })
      .toBe(0);
    const merged = await h.service!.db.query<{ reason: string }>(
      "SELECT reason FROM changes WHERE cp_number = $1 AND kind = 'tombstone'",
      [gone],
    );
    expect(merged.map((m) => m.reason)).toContain('merged');
  }, 120_000);

  it('"not a duplicate" is remembered: the next run does not bring the pair back', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Cleansing', exact: true }).click();
    await page.getByRole('button', { name: 'Possible duplicate', exact: true }).click();
    const list = page.getByRole('listbox');
    await list.locator('[role=option]').first().waitFor();
    await list.locator('[role=option]').first().click();
    await givePurpose(h);
    const panel = page.getByTestId('task-panel');
    await panel.getByTestId('compare').waitFor();
    const heading = (await panel.getByRole('heading', { level: 3 }).textContent())!;
    await panel.getByRole('button', { name: 'Not a duplicate' }).click();
    await expect.poll(() => page.getByTestId('cleanse-notice').textContent()).toMatch(/will not come back/);

    await page.getByRole('button', { name: 'Run the checks' }).click();
    await expect.poll(async () => h.core.workingSet!.cleanse().running, { timeout: 60_000 }).toBe(false);
    const [a, b] = heading.split(' and ');
    const { tasks } = (await h.core.workingSet!.call({
      op: 'cleanseTasks',
      rule: 'possible-duplicate',
      offset: 0,
      limit: 500,
    })) as { tasks: { cpNumber: string; otherCpNumber: string }[] };
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.some((t) => [t.cpNumber, t.otherCpNumber].sort().join() === [a, b].sort().join())).toBe(false);
  }, 120_000);

  it('a task is assigned to another member of the team, chosen from the service; anyone else is refused', async () => {
    const { page } = h;
    // The second member of Wirral's team in the training data (the service's list, not a list of the desktop's own).
    await page.getByRole('button', { name: 'Cleansing', exact: true }).click();
    await page.getByTestId('queues').locator('tbody tr').first().waitFor();
    const queue = page.getByTestId('queues').locator('tbody tr').filter({ hasNotText: 'Possible duplicate' }).first();
    await queue.getByRole('button').click();
    const list = page.getByRole('listbox');
    await list.locator('[role=option]').first().waitFor();
    const select = page.getByTestId('assign-to');
    await expect.poll(() => select.locator('option').allTextContents()).toContain('Casey Brooks (trn-la-team-2)');
    await list.locator('[role=option]').first().click();
    await select.selectOption('trn-la-team-2');
    await page.getByRole('button', { name: 'Assign this task', exact: true }).click();
    await expect.poll(() => page.getByTestId('cleanse-notice').textContent()).toBe('1 assigned to Casey Brooks.');
    await expect.poll(() => list.locator('[role=option]').first().textContent()).toContain('assigned to trn-la-team-2');
    await expectAccessible(page);
    // Someone outside the team is refused, and nothing changes.
    const r = await h.core.router(
      'cleanse.resolve',
      { action: 'assign', ids: [1], assignee: 'trn-practitioner' },
      { url: 'http://app.localhost/index.html' },
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  }, 120_000);

  it('a task closed with a decision and a reason, and a selected set in bulk, stay closed after the next run', async () => {
    const { page } = h;
    const openNoGp = async () =>
      (
        (await h.core.workingSet!.call({ op: 'cleanseTasks', rule: 'no-gp-practice', offset: 0, limit: 1000 })) as {
          tasks: { cpNumber: string }[];
        }
      ).tasks.map((t) => t.cpNumber);
    await page.getByRole('button', { name: 'Cleansing', exact: true }).click();
    await page.getByRole('button', { name: 'No GP practice', exact: true }).click();
    const list = page.getByRole('listbox');
    await list.locator('[role=option]').first().waitFor();
    await list.locator('[role=option]').first().click();
    await givePurpose(h);
    const panel = page.getByTestId('task-panel');
    await panel.getByTestId('finding').waitFor();
    const decided = (await panel.getByRole('heading', { level: 3 }).textContent())!;
    await expectAccessible(page);
    const form = panel.getByTestId('task-decision');
    await form.getByLabel('confirmed not known: not registered with a GP practice').check();
    // A note that looks like case information is refused on the screen, with the reason.
    await form.getByRole('textbox').fill('Mother disclosed concerns');
    await form.getByRole('button', { name: 'Record decision' }).click();
    await expect
      .poll(() => form.getByRole('alert').textContent())
      .toMatch(/case information \("disclosed", "concerns"\)/);
    await expectAccessible(page);
    await form.getByRole('textbox').fill('Checked with the health visiting team');
    await form.getByRole('button', { name: 'Record decision' }).click();
    await expect
      .poll(() => page.getByTestId('cleanse-notice').textContent())
      .toMatch(/^Closed: confirmed not known: not registered with a GP practice\./);
    expect(await openNoGp()).not.toContain(decided);

    // Two selected tasks take one referral together.
    await list.locator('[role=option]').first().waitFor();
    await list.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press(' ');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
    const bulk = page.getByTestId('bulk-decision');
    await bulk.getByLabel(/^Referral: referred to the health visiting/).check();
    await expectAccessible(page);
    const before = await openNoGp();
    await bulk.getByRole('button', { name: 'Record decision for 2' }).click();
    await expect.poll(() => page.getByTestId('cleanse-notice').textContent()).toMatch(/^2 closed: referred to/);
    const after = await openNoGp();
    const referred = before.filter((cp) => !after.includes(cp));
    expect(referred).toHaveLength(2);

    // The next run finds the same children with no GP practice: their decisions stand.
    await page.getByRole('button', { name: 'Run the checks' }).click();
    await expect.poll(async () => h.core.workingSet!.cleanse().running, { timeout: 60_000 }).toBe(false);
    const rerun = await openNoGp();
    expect(rerun.length).toBeGreaterThan(0);
    for (const cp of [decided, ...referred]) expect(rerun).not.toContain(cp);
    await expectAccessible(page);
  }, 180_000);

  it('a practitioner cannot reach cleansing: the IPC refuses them', async () => {
    await h.page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithToken(h, 'trn-practitioner');
    await expectHeading(h.page, 'Find a child');
    for (const channel of ['cleanse.status', 'cleanse.run'] as const) {
      const r = await h.core.router(channel, {}, { url: 'http://app.localhost/index.html' });
      expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });
});

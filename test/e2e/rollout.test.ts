// Roll-out progress, end to end (issue 21, item 3): the team adds people to ready through
// the service, then reads the Roll-out progress tab (Chromium through the harness, main's
// IPC, a real service); this month's row and each organisation's counts are checked
// against counts the test makes from the tables; saved as CSV; a data manager sees every
// authority side by side. axe on each screen.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from 'playwright';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../support/children.js';
import { createSignIn } from '../support/national-service.js';
import { describeWhere } from '../support/skip.js';
import { keyringUnavailable } from '../support/working-set.js';
import { startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, signInWithToken } from './journey-support.js';

const skipReason = keyringUnavailable();

describeWhere(skipReason, 'roll-out progress, as the team and the data manager see it', () => {
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 200 });
    dir = mkdtempSync(join(tmpdir(), 'cp-rollout-'));
    const team = await createSignIn(h.service!.url, h.clock)('trn-la-team');
    const today = h.clock.now().toISOString().slice(0, 10);
    for (const [i, passed] of [true, true, false].entries()) {
      const r = await team.post('/v1/practitioners', {
        organisationId: 'org-gp-training',
        name: `Quinn Rollout ${i}`,
        workEmail: `quinn.rollout${i}@seacombe.nhs.uk`,
        role: 'practitioner',
        trainingPriority: i + 1,
        ...(passed ? { courseAttendedOn: today, coursePassedOn: today } : {}),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const counted = async (la: string) =>
    (
      await h.service!.db.query<{ identified: number; trained: number }>(
        `SELECT count(*)::int AS identified, count(course_passed_on)::int AS trained
           FROM practitioners_to_ready WHERE local_authority = $1`,
        [la],
      )
    )[0]!;
  const accredited = async (la: string) =>
    (
      await h.service!.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM organisations WHERE local_authority = $1 AND stage = 'accredited' AND kind NOT IN ('national', 'supplier')",
        [la],
      )
    )[0]!.n;
  const cells = async (row: Locator) =>
    (await row.locator('td').allTextContents()).map((t) => Number(t.replace(/,/g, '')));

  it("shows the team its authority month by month, this month's row as the tables count it; saved as CSV", async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-la-team');
    await expectHeading(page, 'Working set');
    await page.getByRole('button', { name: 'Management', exact: true }).click();
    await page.getByRole('button', { name: 'Roll-out progress', exact: true }).click();
    await expectHeading(page, 'Roll-out progress');
    const months = page.getByTestId('rollout-months');
    await months.waitFor();
    expect(await months.locator('tbody tr').count()).toBe(12);
    const { identified, trained } = await counted(WIRRAL);
    expect(identified).toBe(3);
    expect(await cells(months.locator('tbody tr').last())).toEqual([await accredited(WIRRAL), identified, trained, 0]);
    const gp = page.getByTestId('rollout-organisations').locator('tbody tr').filter({ hasText: 'Seacombe' });
    expect(await gp.locator('td').first().textContent()).toBe('accredited');
    expect((await cells(gp)).slice(1)).toEqual([3, 2, 0]);
    await expectAccessible(page);
    await h.screenshot('70-rollout-progress');

    const file = join(dir, 'rollout.csv');
    h.chooseNext(file);
    await page.getByRole('button', { name: 'Save as CSV' }).click();
    await expect.poll(() => page.getByTestId('rollout-notice').textContent()).toBe('Saved as rollout.csv.');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('local authority,month,accredited partners,practitioners identified,trained,with access');
    expect(lines).toHaveLength(13);
    expect(lines.at(-1)).toBe(
      `${WIRRAL},${h.clock.now().toISOString().slice(0, 7)},${await accredited(WIRRAL)},${identified},${trained},0`,
    );
  }, 120_000);

  it('shows a data manager every authority side by side', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithToken(h, 'trn-data-manager');
    await page.getByRole('button', { name: 'Roll-out progress', exact: true }).click();
    await page.getByTestId(`rollout-${WIRRAL}`).waitFor();
    await page.getByTestId(`rollout-${CHESHIRE_WEST_AND_CHESTER}`).waitFor();
    const cwac = page.getByTestId(`rollout-${CHESHIRE_WEST_AND_CHESTER}`);
    expect((await cells(cwac.getByTestId('rollout-months').locator('tbody tr').last()))[0]).toBe(
      await accredited(CHESHIRE_WEST_AND_CHESTER),
    );
    await expectAccessible(page);
  }, 120_000);
});

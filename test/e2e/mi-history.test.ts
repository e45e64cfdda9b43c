// Usage and data quality over time, end to end (issue 21, item 5): a practitioner searches
// and opens a record through the service, the team syncs its working set and runs the
// checks, then reads the History under Management information (Chromium through the
// harness, main's IPC, a real service); this week's usage, today's snapshot and today's
// cleansing queues are checked against counts the test makes from the tables; saved as
// CSV; axe on the screen.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WIRRAL } from '../support/children.js';
import { createSignIn } from '../support/national-service.js';
import { describeWhere } from '../support/skip.js';
import { keyringUnavailable } from '../support/working-set.js';
import { startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, signInWithToken } from './journey-support.js';

const skipReason = keyringUnavailable();
const num = (t: string | null) => Number((t ?? '').replace(/[,%]/g, ''));

/** The Monday of `d`'s week (UTC), worked out here. */
function mondayOf(d: Date): string {
  const back = d.getUTCDay() === 0 ? 6 : d.getUTCDay() - 1;
  return new Date(d.getTime() - back * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

describeWhere(skipReason, 'management information over time, as the team sees it', () => {
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 200 });
    dir = mkdtempSync(join(tmpdir(), 'cp-mi-history-'));
    const practitioner = await createSignIn(h.service!.url, h.clock)('trn-practitioner');
    const [child] = await h.service!.db.query<{ cp_number: string; surname: string }>(
      "SELECT cp_number, record->'name'->>'family' AS surname FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded ORDER BY cp_number LIMIT 1",
      [WIRRAL],
    );
    expect((await practitioner.get(`/v1/children?surname=${encodeURIComponent(child!.surname)}`)).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const read = await practitioner.get(`/v1/children/${child!.cp_number}`, {
        headers: { 'cp-access-reason': 'Checking who is involved before a meeting' },
      });
      expect(read.status).toBe(200);
    }
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the weeks, the daily snapshots and the queues as the tables count them; saved as CSV', async () => {
    const { page } = h;
    const tab = (name: string) => page.getByRole('button', { name, exact: true });
    await signInWithToken(h, 'trn-la-team');
    await expectHeading(page, 'Working set');
    await page.getByRole('button', { name: /^(Start the first sync|Sync now)$/ }).click();
    await page.getByTestId('sync-result').waitFor({ timeout: 60_000 });
    await tab('Cleansing').click();
    await page.getByRole('button', { name: 'Run the checks' }).click();
    await expect
      .poll(
        async () =>
          (await page
            .getByTestId('cleanse-last-run')
            .textContent()
            .catch(() => '')) ?? '',
        {
          timeout: 60_000,
        },
      )
      .toMatch(/completed/);
    await tab('Management').click();
    await expectHeading(page, 'Management information');
    const history = page.getByTestId('mi-history');
    await history.waitFor();

    // This week's usage by the GP practice: the audit trail counted here.
    const week = mondayOf(h.clock.now());
    const counted = async (action: string) =>
      (
        await h.service!.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_log a JOIN users u ON u.id = a.user_id
             JOIN organisations o ON o.id = u.organisation_id
            WHERE a.action = $1 AND o.kind = 'gp-practice' AND a.at >= $2::date
              AND (a.action = 'search' AND u.local_authority = $3
                   OR a.action = 'read' AND a.cp_number IN (SELECT cp_number FROM children WHERE local_authority = $3))`,
          [action, week, WIRRAL],
        )
      )[0]!.n;
    const gp = history.getByTestId('mi-history-usage').locator('tbody tr').filter({ hasText: 'gp-practice' }).last();
    const gpCells = await gp.locator('td').allTextContents();
    expect(await gp.locator('th').textContent()).toBe(week);
    expect(gpCells.slice(1).map(num)).toEqual([await counted('search'), await counted('read')]);
    expect(await counted('read')).toBe(2);

    // Today's snapshot, taken as the service started: the children counted here.
    const [c] = await h.service!.db.query<{ active: number; with_nhs: number }>(
      `SELECT count(*) FILTER (WHERE status = 'active')::int AS active,
              count(nhs_number) FILTER (WHERE status = 'active')::int AS with_nhs
         FROM children WHERE local_authority = $1`,
      [WIRRAL],
    );
    const snap = history.getByTestId('mi-history-snapshots').locator('tbody tr').last();
    expect(await snap.locator('th').textContent()).toBe(h.clock.now().toISOString().slice(0, 10));
    const snapCells = await snap.locator('td').allTextContents();
    expect([num(snapCells[0]!), num(snapCells[1]!)]).toEqual([c!.active, c!.with_nhs]);

    // Today's queues: as the working set's status counts them now.
    const status = (await h.core.router('cleanse.status', {}, { url: 'http://app.localhost/index.html' })) as {
      value: { queues: { title: string; open: number }[] };
    };
    const queues = history.getByTestId('mi-history-queues');
    const heads = await queues.locator('thead th').allTextContents();
    const today = await queues.locator('tbody tr').last().locator('td').allTextContents();
    const open = status.value.queues.filter((q) => q.open > 0);
    expect(open.length).toBeGreaterThan(0);
    for (const q of open) expect(num(today[heads.indexOf(q.title) - 1]!)).toBe(q.open);

    await history.getByRole('heading', { name: 'History' }).scrollIntoViewIfNeeded();
    await expectAccessible(page);
    await h.screenshot('71-mi-history');

    const file = join(dir, 'history.csv');
    h.chooseNext(file);
    await page.getByRole('button', { name: 'Save the history as CSV' }).click();
    await expect.poll(() => page.getByTestId('mi-history-notice').textContent()).toBe('Saved as history.csv.');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('measure,week or day,kind or rule,value');
    expect(lines).toContain(`records opened,${week},gp-practice,2`);
    expect(lines).toContain(`active records,${h.clock.now().toISOString().slice(0, 10)},,${c!.active}`);
  }, 240_000);
});

// The local authority ContactPoint team's working set, end to end: Chromium through the
// harness, main's IPC and session, the working-set worker thread with its encrypted
// store (key in the real Secret Service), and a real service on loopback.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WIRRAL } from '../support/children.js';
import { keyringUnavailable } from '../support/working-set.js';
import { startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, findChildren, signInWithToken } from './journey-support.js';
import { describeWhere } from '../support/skip.js';

const skipReason = keyringUnavailable();

describeWhere(skipReason, 'the working set, as the ContactPoint team sees it', () => {
  let h: Harness;
  let active: number;

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 8000, syncPageSize: 10 });
    const [row] = await h.service!.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM children WHERE local_authority = '${WIRRAL}' AND status = 'active'`,
    );
    active = row!.n;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('syncs with a progress bar, keeps a history, and searches locally through a typo', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-la-team');
    await expectHeading(page, 'Working set');
    await expect.poll(() => page.getByTestId('children-held').textContent()).toBe('0');
    await expectAccessible(page);
    await h.screenshot('16-working-set-empty');

    await page.getByRole('button', { name: 'Start the first sync' }).click();
    const bar = page.getByRole('progressbar');
    await bar.waitFor();
    await expect
      .poll(async () => Number(await bar.getAttribute('value')), { timeout: 15_000, interval: 50 })
      .toBeGreaterThan(0);
    await h.screenshot('17-working-set-syncing');
    await expect(page.getByTestId('sync-progress').textContent()).resolves.toMatch(
      /of about [\d,]+ records, [\d,]+ a second/,
    );

    const result = page.getByTestId('sync-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.textContent()).toMatch(/^Sync completed: [\d,]+ records brought up to date, 0 removed\.$/);
    await expect
      .poll(() => page.getByTestId('children-held').textContent())
      .toBe(new Intl.NumberFormat('en-GB').format(active));
    const history = page.getByTestId('sync-history');
    expect(await history.locator('tbody tr').count()).toBe(1);
    expect(await history.locator('tbody tr').first().textContent()).toContain('Completed');
    await page.getByRole('button', { name: 'Sync now' }).waitFor();
    await expectAccessible(page);
    await h.screenshot('18-working-set-synced');
    await h.accessibilityScreenshot('76-working-set-zoom-200', 'zoom-200');
    await h.accessibilityScreenshot('77-working-set-forced-colours', 'forced-colours');

    // Search the working set: a surname with two letters swapped, and the date of birth.
    const [child] = await findChildren(
      h.service!.db,
      `local_authority = '${WIRRAL}' AND length(record->'name'->>'family') >= 6 AND NOT shielded`,
    );
    const family = child!.family;
    const typo = `${family.slice(0, 2)}${family[3]}${family[2]}${family.slice(4)}`;
    await page.getByRole('button', { name: 'Search the working set' }).click();
    await expectHeading(page, 'Search the working set');
    const [y, m, d] = child!.dob.split('-');
    const form = page.getByRole('form', { name: 'Search the working set' });
    await form.getByLabel('Surname', { exact: true }).fill(typo);
    await form.getByLabel('Day', { exact: true }).fill(d!);
    await form.getByLabel('Month', { exact: true }).fill(m!);
    await form.getByLabel('Year', { exact: true }).fill(y!);
    await form.getByRole('button', { name: 'Search' }).click();
    const first = page.getByTestId('local-result-row').first();
    await first.waitFor();
    expect(await first.textContent()).toContain(`${child!.given} ${family}`);
    expect(await first.textContent()).toContain(child!.cpNumber);
    expect(await first.textContent()).toMatch(/\d+%.*surname spelt differently/);
    await expectAccessible(page);
    await h.screenshot('19-working-set-search');
  }, 120_000);

  it('asks the purpose once a task session; a shielded address is not in the page until shown, and showing it is audited', async () => {
    const { page } = h;
    const db = h.service!.db;
    const [row] = await db.query<{
      cp_number: string;
      record: { name: { given: string; family: string }; dob: string; address: { lines: string[]; postcode: string } };
    }>(
      `SELECT cp_number, record FROM children WHERE local_authority = '${WIRRAL}' AND status = 'active' AND shielded AND record->'address' IS NOT NULL ORDER BY cp_number LIMIT 1`,
    );
    const cp = row!.cp_number;
    const { name, dob, address } = row!.record;
    const purpose = 'Brokering contact for the school nurse';
    const search = async () => {
      const form = page.getByRole('form', { name: 'Search the working set' });
      const [y, m, d] = dob.split('-');
      await form.getByLabel('Surname', { exact: true }).fill(name.family);
      await form.getByLabel('Day', { exact: true }).fill(d!);
      await form.getByLabel('Month', { exact: true }).fill(m!);
      await form.getByLabel('Year', { exact: true }).fill(y!);
      await form.getByRole('button', { name: 'Search' }).click();
      const hit = page.getByTestId('local-result-row').filter({ hasText: cp });
      await hit.waitFor();
      return hit;
    };
    const hidden = async () => {
      const html = await page.content();
      return !html.includes(address.postcode) && !html.includes(address.lines[0]!);
    };

    // The result says shielded, without the postcode; opening it asks the purpose.
    const hit = await search();
    expect(await hit.textContent()).toContain('Hidden by the shield');
    expect(await hidden()).toBe(true);
    await hit.getByRole('button', { name: /^Open/ }).click();
    const purposeField = page.getByRole('textbox', { name: 'Purpose of this work' });
    await purposeField.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('local-purpose');
    // No purpose: the error is named, and nothing opens.
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.getByTestId('purpose-form').textContent()).toContain('Enter the purpose of this work');
    expect(await page.getByTestId('ws-record').count()).toBe(0);
    await purposeField.fill(purpose);
    await page.getByRole('button', { name: 'Continue' }).click();
    const record = page.getByTestId('ws-record');
    await record.waitFor();
    expect(await record.textContent()).toContain(`${name.given} ${name.family}`);
    expect(await record.textContent()).toMatch(/This record is shielded/);
    expect(await hidden()).toBe(true);
    await expectAccessible(page);

    // Asked once: the same and another record open in this task session without asking again.
    await page.getByRole('button', { name: 'Close the record' }).click();
    await hit.getByRole('button', { name: /^Open/ }).click();
    await record.waitFor();
    expect(await page.getByTestId('purpose-form').count()).toBe(0);
    expect(await hidden()).toBe(true);

    // Shown deliberately: the address appears, and the showing is in the child's audit trail.
    await record.getByRole('button', { name: 'Show shielded details' }).click();
    await page.getByTestId('shielded-shown').waitFor();
    expect(await record.textContent()).toContain(address.postcode);
    const reads = async () =>
      db.query<{ user_id: string; reason: string; view: string }>(
        "SELECT user_id, reason, detail->>'view' AS view FROM audit_log WHERE cp_number = $1 AND action = 'read' AND detail->>'via' = 'working-set' ORDER BY seq",
        [cp],
      );
    await expect
      .poll(async () => (await reads()).map((r) => r.view), { timeout: 15_000 })
      .toEqual(['record', 'shielded-details']);
    expect((await reads()).every((r) => r.user_id === 'trn-la-team' && r.reason === purpose)).toBe(true);

    // Leaving the screen ends the task session: the record goes, and the purpose is asked again.
    await page.getByRole('button', { name: 'Working set', exact: true }).click();
    await page.getByRole('button', { name: 'Search the working set' }).click();
    expect(await page.getByTestId('ws-record').count()).toBe(0);
    expect(await hidden()).toBe(true);
    await (await search()).getByRole('button', { name: /^Open/ }).click();
    await page.getByTestId('purpose-form').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Locking ends the task session in main, whatever the renderer does: its id opens nothing after.
    const app = { url: 'http://app.localhost/index.html' };
    const started = (await h.core.router('workingSet.startTask', { screen: 'local-search', purpose }, app)) as {
      ok: true;
      value: { taskSession: string };
    };
    const taskSession = started.value.taskSession;
    expect(await h.core.router('workingSet.record', { taskSession, cpNumber: cp }, app)).toMatchObject({
      ok: true,
      value: { withheld: true },
    });
    h.core.session.lock('idle');
    await expectHeading(page, 'ContactPoint is locked');
    await signInWithToken(h, 'trn-la-team', { button: 'Unlock', fillUserId: false });
    await expectHeading(page, 'Working set');
    expect(await h.core.router('workingSet.record', { taskSession, cpNumber: cp }, app)).toMatchObject({
      ok: false,
      error: { code: 'purpose-required' },
    });
  }, 60_000);

  it('locking mid-sync stops it; the next sync continues from where it stopped', async () => {
    const { page } = h;
    // A fresh start: wipe (with its confirmation), then sync again and lock part-way.
    await page.getByRole('button', { name: 'Working set', exact: true }).click();
    await page.getByRole('button', { name: 'Wipe the working set' }).click();
    await page.getByRole('button', { name: 'Yes, wipe the working set' }).click();
    await expect.poll(() => page.getByTestId('children-held').textContent()).toBe('0');
    expect(await page.getByTestId('last-wipe').textContent()).toMatch(/because a member of the team wiped it/);

    await page.getByRole('button', { name: 'Start the first sync' }).click();
    // Lock as soon as main has seen a few pages arrive (watched here, not through the screen's polling).
    const deadline = Date.now() + 15_000;
    while ((h.core.workingSet!.sync().progress?.received ?? 0) < 100 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 1));
    h.core.session.lock('idle');
    await expectHeading(page, 'ContactPoint is locked');
    // Main refuses to sign for the worker once locked: the sync stops with what it has.
    await expect.poll(async () => h.core.workingSet!.sync().running, { timeout: 15_000 }).toBe(false);
    const stopped = h.core.workingSet!.sync().last;
    // Refused by main once locked, or (a page already signed and in flight) by the service,
    // whose session the lock ended.
    expect(['signed-out', 'session-expired']).toContain(stopped?.error?.code);
    const held = (await h.core.workingSet!.call({ op: 'summary' })).children;
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(active);

    await signInWithToken(h, 'trn-la-team', { button: 'Unlock', fillUserId: false });
    await expectHeading(page, 'Working set');
    await page.getByRole('button', { name: 'Continue the first sync' }).click();
    await page.getByTestId('sync-result').waitFor({ timeout: 60_000 });
    await expect
      .poll(() => page.getByTestId('children-held').textContent())
      .toBe(new Intl.NumberFormat('en-GB').format(active));
    const outcomes = await page.getByTestId('sync-history').locator('tbody tr').allTextContents();
    expect(outcomes).toHaveLength(2);
    expect(outcomes[0]).toContain('Completed');
    expect(outcomes[1]).toMatch(/Failed: (ContactPoint was locked|You are not signed in|Your session has ended)/);
    // The second run fetched only the rest.
    const runs = await h.core.workingSet!.call({ op: 'history' });
    expect(runs[0]!.upserts).toBeLessThan(active);
  }, 120_000);

  it("is wiped when the user's access ends: a suspended account's next sync signs out and wipes", async () => {
    const { page } = h;
    expect((await h.core.workingSet!.call({ op: 'summary' })).children).toBe(active);
    await h.service!.db.query("UPDATE users SET suspended = true WHERE id = 'trn-la-team'");
    try {
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByTestId('signed-out-notice').waitFor();
      expect(await page.getByTestId('signed-out-notice').textContent()).toMatch(/Your account cannot use ContactPoint/);
      await expect
        .poll(async () => (await h.core.workingSet!.call({ op: 'summary' })).children, { timeout: 10_000 })
        .toBe(0);
      expect((await h.core.workingSet!.call({ op: 'summary' })).lastWipe).toMatchObject({ reason: 'access-ended' });
      expect(h.core.session.holdsKey()).toBe(false);
    } finally {
      await h.service!.db.query("UPDATE users SET suspended = false WHERE id = 'trn-la-team'");
    }
  }, 60_000);

  it("is wiped when it has not synced for longer than the policy's days, and the team is told why", async () => {
    const { page } = h;
    h.clock.advance(61_000);
    await signInWithToken(h, 'trn-la-team');
    await expectHeading(page, 'Working set');
    await page.getByRole('button', { name: 'Start the first sync' }).click();
    await page.getByTestId('sync-result').waitFor({ timeout: 60_000 });
    // Fourteen days later nothing has happened yet; on the fifteenth the working set goes.
    h.clock.advance(14 * 86_400_000);
    expect(await h.core.checkRetention()).toBe(false);
    expect((await h.core.workingSet!.call({ op: 'summary' })).children).toBe(active);
    h.clock.advance(86_400_000);
    expect(await h.core.checkRetention()).toBe(true);
    const summary = await h.core.workingSet!.call({ op: 'summary' });
    expect(summary).toMatchObject({ children: 0, lastWipe: { reason: 'no-sync' } });
    h.clock.advance(-15 * 86_400_000);
    await page.getByRole('button', { name: 'Search the working set' }).click();
    await page.getByRole('button', { name: 'Working set', exact: true }).click();
    expect(await page.getByTestId('last-wipe').textContent()).toMatch(
      /because it had not been synced for longer than this computer allows/,
    );
    await expectAccessible(page);
  }, 90_000);

  it('a practitioner has no working set: the IPC refuses them', async () => {
    await h.page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithToken(h, 'trn-practitioner');
    await expectHeading(h.page, 'Find a child');
    const r = await h.core.router('workingSet.status', {}, { url: 'http://app.localhost/index.html' });
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

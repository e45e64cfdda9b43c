// Practitioners to ready, end to end (issue 21, item 2): Chromium through the harness,
// main's IPC, the adapter's CSV reader and a real national index underneath. The Wirral
// team imports its spreadsheet: one bad row refuses the file, that row named and nothing
// loaded; corrected, it loads whole. The team records one person's course passed and
// agreement signed (the form's error summary naming a field first), requests the
// account, and cannot confirm it itself; a second member of the team confirms it in
// Accounts, as any account request. axe checks every screen; each is photographed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, addYears } from '../../domain/dates.js';
import { describeWhere } from '../support/skip.js';
import { keyringUnavailable } from '../support/working-set.js';
import { startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, signInWithToken } from './journey-support.js';

describeWhere(keyringUnavailable(), 'practitioners to ready, from a spreadsheet to an account request', () => {
  let h: Harness;
  let dir: string;
  const tab = (label: string) => h.page.getByRole('button', { name: label, exact: true });
  const today = () => h.clock.now().toISOString().slice(0, 10);
  const practitioners = async () => {
    await tab('Management').click();
    await tab('Practitioners to ready').click();
    await expectHeading(h.page, 'Practitioners to ready');
    await h.page.getByTestId('practitioners').waitFor();
  };
  const emails = ['ann.shaw@seacombe.nhs.uk', 'ben.cole@seacombe.nhs.uk', 'cat.day@wirral.gov.uk'];
  const stored = async () =>
    (
      await h.service!.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM practitioners_to_ready WHERE work_email = ANY($1::text[])',
        [emails],
      )
    )[0]!.n;
  /** The team's spreadsheet, saved as Excel saves a CSV: a byte-order mark, CRLF, day/month/year. */
  const csv = (benEmail: string) => {
    const uk = (iso: string) => iso.split('-').reverse().join('/');
    const path = join(dir, `practitioners-${benEmail.length}.csv`);
    writeFileSync(
      path,
      '\uFEFFOrganisation,Name,Work email,Role,Training priority,Enhanced check date,Course booked\r\n' +
        `Seacombe Training Medical Centre,Ann Shaw,Ann.Shaw@seacombe.nhs.uk,Practitioner,1,${uk(addYears(today(), -1))},${uk(addDays(today(), 14))}\r\n` +
        `Seacombe Training Medical Centre,"Cole, Ben",${benEmail},practitioner,2,,\r\n` +
        'org-wirral,Cat Day,cat.day@wirral.gov.uk,child-protection,3,,\r\n',
    );
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cp-e2e-practitioners-'));
    h = await startHarness({ trainingCount: 50 });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a spreadsheet with one bad row, naming it and loading nothing; the corrected file loads whole', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-la-team');
    await page.locator('h1').first().waitFor();
    await practitioners();
    await expectAccessible(page);

    h.chooseNext(csv('ben.cole-at-seacombe'));
    await page.getByRole('button', { name: 'Import from a CSV' }).click();
    const refused = page.getByTestId('practitioner-import-refused');
    await refused.waitFor();
    const rows = refused.getByTestId('practitioner-import-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toBe(
      'Row 3: Work email must be an email address, such as name@example.org.uk',
    );
    expect(await refused.textContent()).toContain('Nothing was imported');
    expect(await stored()).toBe(0);
    await expectAccessible(page);
    await h.screenshot('59-practitioners-import-refused');

    h.chooseNext(csv('ben.cole@seacombe.nhs.uk'));
    await page.getByRole('button', { name: 'Import from a CSV' }).click();
    await expect.poll(() => page.getByTestId('practitioners-notice').textContent()).toContain('3 people imported');
    expect(await refused.count()).toBe(0);
    expect(await stored()).toBe(3);
    // In training order, each with what they still need.
    const listed = page.getByTestId('practitioner-row');
    await expect.poll(() => listed.filter({ hasText: 'Ann Shaw' }).count()).toBe(1);
    const ann = listed.filter({ hasText: 'Ann Shaw' });
    expect(await ann.textContent()).toContain('the training course passed');
    expect(await ann.textContent()).toContain('the end-user agreement signed');
    expect(await ann.textContent()).not.toContain('an enhanced check');
    expect(await listed.filter({ hasText: 'Cole, Ben' }).textContent()).toContain('an enhanced check');
    await expectAccessible(page);
    await h.screenshot('60-practitioners-list');
  });

  it('records a course passed and an agreement signed, the form naming a bad field first', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Update Ann Shaw' }).click();
    await page.getByTestId('practitioner-form').waitFor();
    await page.getByLabel('Course attended on (if known)').fill(today());
    await page.getByLabel('Course passed on (if known)').fill(today());
    await page.getByLabel('Agreement signed on (if known)').fill(addDays(today(), 2));
    await page.getByRole('button', { name: 'Save the changes' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Agreement signed on: must be today or earlier');
    // The summary's link takes the keyboard to the field.
    await summary.getByRole('link').first().focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('practitioner-agreementSignedOn');
    await expectAccessible(page);
    await h.screenshot('61-practitioner-form-errors');

    await page.keyboard.press('Control+A');
    await page.keyboard.type(today().split('-').reverse().join('/'));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('practitioners-notice').textContent()).toContain('Ann Shaw is updated');
    const ann = page.getByTestId('practitioner-row').filter({ hasText: 'Ann Shaw' });
    await expect.poll(() => ann.textContent()).toContain('Ready for an account');
    const [row] = await h.service!.db.query<{ course_passed_on: string; agreement_signed_on: string }>(
      'SELECT course_passed_on::text, agreement_signed_on::text FROM practitioners_to_ready WHERE work_email = $1',
      [emails[0]!],
    );
    expect(row).toEqual({ course_passed_on: today(), agreement_signed_on: today() });
  });

  it('requests the account of a person who is ready; a second member of the team confirms it', async () => {
    const { page } = h;
    // Only the ready person is offered the request.
    expect(await page.getByRole('button', { name: /^Request the account for/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'Request the account for Ann Shaw' }).click();
    const notice = page.getByTestId('practitioners-notice');
    await expect.poll(() => notice.textContent()).toContain('Account ann.shaw asked for Ann Shaw');
    const firstHalf = /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec((await notice.textContent()) ?? '')?.[1];
    expect(firstHalf).toBeDefined();
    await expect
      .poll(() => page.getByTestId('practitioner-row').filter({ hasText: 'Ann Shaw' }).textContent())
      .toContain('Account asked for');
    // The account exists with no credential, waiting for a second person.
    const [account] = await h.service!.db.query<{ password_hash: string | null; status: string }>(
      `SELECT u.password_hash, r.status FROM users u JOIN account_requests r ON r.user_id = u.id WHERE u.id = 'ann.shaw'`,
    );
    expect(account).toEqual({ password_hash: null, status: 'awaiting-confirmation' });
    await expectAccessible(page);
    await h.screenshot('62-practitioner-account-requested');

    // The one who asked is not offered the confirmation in Accounts.
    await tab('Accounts').click();
    await expect
      .poll(async () => (await page.getByTestId('account-requests').textContent()) ?? '')
      .toContain('Your request: another person confirms.');
    expect(await page.getByRole('button', { name: 'Confirm new account for ann.shaw' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithToken(h, 'trn-la-team-2');
    await page.locator('h1').first().waitFor();
    await tab('Management').click();
    await tab('Accounts').click();
    await page.getByRole('button', { name: 'Confirm new account for ann.shaw' }).click();
    await page.getByTestId('hand-over').waitFor();
    expect(await page.getByTestId('hand-over').textContent()).toContain('second half');
    const [confirmed] = await h.service!.db.query<{ status: string; confirmed_by: string }>(
      `SELECT status, confirmed_by FROM account_requests WHERE user_id = 'ann.shaw'`,
    );
    expect(confirmed).toEqual({ status: 'awaiting-activation', confirmed_by: 'trn-la-team-2' });
    expect(h.pageErrors).toEqual([]);
  });
});

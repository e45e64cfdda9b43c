// The adapter, as the ContactPoint team uses it: Chromium through the harness, main's
// IPC (the file named by an id, its path kept in main), the working-set worker and its
// two check threads over the encrypted store, and a real national index. Choose a file
// and a profile, see the live preview (case-information cells withheld), edit the
// profile, check every row with a progress bar, review, leave a row out, send, see each
// row's outcome, save the report; past loads are listed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CASE_MANAGEMENT_COLUMNS, caseManagementLine, caseManagementRows } from '../../service/training/exports.js';
import { keyringUnavailable } from '../support/working-set.js';
import { startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, signInWithToken } from './journey-support.js';
import { describeWhere } from '../support/skip.js';

const skipReason = keyringUnavailable();
const NOTE = 'Concerns raised by school about neglect';

describeWhere(skipReason, 'loading local data, as the ContactPoint team sees it', () => {
  let h: Harness;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 2000, syncPageSize: 1000 });
    dir = mkdtempSync(join(tmpdir(), 'cp-adapter-e2e-'));
    const today = new Date().toISOString().slice(0, 10);
    const rows = [...caseManagementRows({ seed: 'adapter-e2e', count: 40, today })].map((r, i) => ({
      ...r,
      'Person ID': `E2E${i}`,
      'Case Notes': NOTE,
    }));
    rows[5] = { ...rows[5]!, 'Date of Birth': '31/02/2015' };
    file = join(dir, 'liquidlogic-export.csv');
    writeFileSync(file, `${CASE_MANAGEMENT_COLUMNS.join(',')}\r\n${rows.map(caseManagementLine).join('\r\n')}\r\n`);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('chooses a file and a profile and previews the first rows as mapped, never showing case information', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-la-team');
    await expectHeading(page, 'Working set');
    await page.getByRole('button', { name: 'Start the first sync' }).click();
    await page.getByTestId('sync-result').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Load local data', exact: true }).click();
    await expectHeading(page, 'Load local data');
    await expectAccessible(page);

    h.chooseNext(file);
    await page.getByRole('button', { name: 'Choose a file' }).click();
    await expect.poll(() => page.getByTestId('chosen-file').textContent()).toContain('liquidlogic-export.csv');
    await page.getByTestId('preview').waitFor();
    expect(await page.getByTestId('preview-row').count()).toBe(10);
    const dropped = (await page.getByTestId('dropped').textContent())!;
    expect(dropped).toMatch(/Never sent, and not shown:.*Case Notes/);
    expect(dropped).toMatch(/Not sent.*Ethnicity/);
    expect(await page.content()).not.toContain(NOTE);
    await expectAccessible(page);
    await h.screenshot('23-adapter-preview');
  }, 180_000);

  it('the profile is edited with a live preview; a broken profile says what is wrong', async () => {
    const { page } = h;
    await page.getByText('Edit the profile').click();
    const json = page.getByLabel('The whole profile (JSON)');
    const good = await json.inputValue();
    await page.locator('#field-fields-nhsNumber').selectOption('');
    await expect
      .poll(async () => (await page.getByTestId('preview').textContent()) ?? '')
      .toMatch(/nhsNumber is not given/);
    await page.locator('#field-fields-nhsNumber').selectOption('NHS Number');
    await expect
      .poll(async () => (await page.getByTestId('preview').textContent()) ?? '')
      .not.toMatch(/nhsNumber is not given/);
    await json.fill(good.replace('"DD/MM/YYYY"', '"DD/MM/YYY"'));
    await expect.poll(() => page.getByTestId('profile-error').textContent()).toMatch(/date/);
    await expectAccessible(page);
    await h.screenshot('24-adapter-profile');
    await json.fill(good);
    await expect.poll(() => page.getByTestId('profile-error').count()).toBe(0);
  }, 60_000);

  it('checks every row with a progress bar, shows each problem by row and field, sends the rest and keeps each row’s outcome', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByTestId('load').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('load-rejected').textContent()).toBe('1');
    expect(await page.getByTestId('load-valid').textContent()).toMatch(/^39/);
    const problems = (await page.getByTestId('load-problems').textContent())!;
    expect(problems).toMatch(/dob.*Date of Birth.*is not a real calendar date/);
    await page.getByLabel('Show').selectOption('all');
    await page.getByTestId('load-row').first().waitFor();
    await expectAccessible(page);
    await h.screenshot('25-adapter-checked');

    // Leave the first valid row out, then send the rest.
    await page.getByLabel('Send row 2', { exact: true }).click();
    await expect.poll(() => page.getByLabel('Send row 2', { exact: true }).isChecked()).toBe(false);
    await page.getByRole('button', { name: /^Send 39 valid rows/ }).click();
    await expect.poll(async () => (await page.getByTestId('load-outcome').count()) > 0, { timeout: 60_000 }).toBe(true);
    const outcome = (await page.getByTestId('load-outcome').textContent())!;
    expect(outcome).toMatch(/1 left out/);
    const links = await h.service!.db.query<{ supplier_ref: string }>(
      "SELECT supplier_ref FROM supply_links WHERE supplier_ref LIKE 'E2E%'",
    );
    expect(links).toHaveLength(38);
    expect(links.map((l) => l.supplier_ref)).not.toContain('E2E0');
    // No case note reached the national index.
    const [notes] = await h.service!.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM children WHERE record::text LIKE $1',
      [`%${NOTE}%`],
    );
    expect(notes!.n).toBe(0);
    await expectAccessible(page);
    await h.screenshot('26-adapter-sent');

    // The report is saved where the person chooses.
    const report = join(dir, 'report.csv');
    h.chooseNext(report);
    await page.getByRole('button', { name: 'Save the report (CSV)' }).click();
    await expect.poll(() => page.getByTestId('adapter-notice').textContent()).toMatch(/report.csv/);
    const text = readFileSync(report, 'utf8');
    expect(text.split('\n')[0]).toBe(
      'row,reference,result,field,column,severity,message,local_match,local_match_cp_number,cp_number',
    );
    expect(text).toMatch(/\n7,E2E5,rejected,dob,Date of Birth,error,/);
    expect(await page.getByTestId('load-history').textContent()).toContain('liquidlogic-export.csv');
  }, 180_000);

  it('a practitioner cannot reach the adapter: the IPC refuses them', async () => {
    await h.page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithToken(h, 'trn-practitioner');
    await expectHeading(h.page, 'Find a child');
    for (const channel of ['adapter.profiles', 'adapter.chooseFile', 'adapter.loads'] as const) {
      const r = await h.core.router(channel, {}, { url: 'http://app.localhost/index.html' });
      expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });
});

// Organisations and their accreditation, end to end (issue 21, item 1): Chromium through
// the harness, main's IPC and session, a real national index underneath. A member of the
// Wirral team proposes a GP practice (the form's error summary names each field), marks
// it in progress with its responsible officer, agreement and evidence, and is not
// offered accreditation, which main's channel refuses too; a data manager finds it by
// stage and accredits it, and its history shows each step and who decided. axe checks
// every screen; each is photographed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays } from '../../domain/dates.js';
import { describeWhere } from '../support/skip.js';
import { keyringUnavailable } from '../support/working-set.js';
import { startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, signInWithToken } from './journey-support.js';

describeWhere(keyringUnavailable(), 'a partner organisation from proposed to accredited', () => {
  let h: Harness;
  let id: string;
  const name = 'Liscard Group Practice';
  const tab = (label: string) => h.page.getByRole('button', { name: label, exact: true });
  const organisations = async () => {
    await tab('Management').click();
    await tab('Organisations').click();
    await expectHeading(h.page, 'Organisations');
    await h.page.getByTestId('organisations').waitFor();
  };
  const stage = () => h.page.getByTestId('organisation-stage').textContent();
  const yesterday = () => addDays(new Date().toISOString().slice(0, 10), -1);

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 50 });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('lets the Wirral team propose a GP practice, the error summary naming each field it must fix', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-la-team');
    await page.locator('h1').first().waitFor();
    await organisations();
    // The authority's directory: the organisations entered before stages were kept, with theirs.
    const rows = page.getByTestId('organisations').locator('tbody tr');
    await expect
      .poll(() => rows.filter({ hasText: 'Seacombe Training Medical Centre' }).textContent())
      .toMatch(/Accredited/);
    expect(await rows.filter({ hasText: 'Unaccredited Training Charity' }).textContent()).toMatch(/Proposed/);
    expect(await rows.filter({ hasText: 'Cheshire West' }).count()).toBe(0);
    await expectAccessible(page);
    await h.screenshot('51-organisations-directory');

    await page.getByRole('button', { name: 'Propose an organisation' }).click();
    await page.getByRole('button', { name: 'Propose the organisation' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Enter the organisation’s name');
    expect(await summary.textContent()).toContain('Choose what kind of organisation it is');
    await page.getByLabel('Kind of organisation', { exact: true }).selectOption('gp-practice');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('ODS code', { exact: true }).fill('12345');
    await page.getByRole('button', { name: 'Propose the organisation' }).click();
    await expect.poll(() => summary.textContent()).toContain("Must be the practice's ODS code");
    // The summary's link takes the keyboard to the field.
    await summary.getByRole('link').first().focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('org-ods');
    await expectAccessible(page);
    await h.screenshot('52-organisation-propose-errors');

    await page.keyboard.press('Control+A');
    await page.keyboard.type('n82099');
    await page.getByRole('button', { name: 'Propose the organisation' }).click();
    await page.getByTestId('organisation-proposed').waitFor();
    expect(await stage()).toBe('Proposed');
    const [row] = await h.service!.db.query<{ id: string; ods_code: string; stage: string }>(
      'SELECT id, ods_code, stage FROM organisations WHERE name = $1',
      [name],
    );
    expect(row).toMatchObject({ ods_code: 'N82099', stage: 'proposed' });
    id = row!.id;
  });

  it('marks it in progress with its officer, agreement and evidence; the team is not offered accreditation and is refused it', async () => {
    const { page } = h;
    const form = page.getByTestId('organisation-step');
    expect(await form.getByRole('radio').count()).toBe(2);
    await page.getByLabel('Mark in progress', { exact: true }).check();
    // An empty officer is named in the summary.
    await form.getByRole('button', { name: 'Mark in progress' }).click();
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Name the responsible officer');
    await page.getByLabel('Responsible officer', { exact: true }).fill('Dr Pat Okafor');
    await page.getByLabel('Agreement signed on (if it is)', { exact: true }).fill(yesterday());
    await page.getByLabel(/Evidence noted/).fill('Signed agreement and staff training plan seen');
    // From the note to the button by keyboard.
    await page.getByLabel(/Evidence noted/).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('organisation-notice').waitFor();
    expect(await stage()).toBe('In progress');
    const history = page.getByTestId('organisation-history').locator('tbody tr');
    expect(await history.count()).toBe(2);
    expect(await history.nth(1).textContent()).toContain('Officer: Dr Pat Okafor');
    expect(await history.nth(1).textContent()).toContain('Jordan Lee (trn-la-team)');
    // The team's next steps: more preparation, or stopping it; never accrediting it.
    expect(await page.getByRole('radio', { name: 'Accredit' }).count()).toBe(0);
    expect(await page.getByRole('radio', { name: 'Record preparation' }).count()).toBe(1);
    await expectAccessible(page);
    await h.screenshot('53-organisation-in-progress');

    const refused = (await h.core.router(
      'manage.organisationStep',
      { id, action: 'accredit', expectedStage: 'in-progress' },
      { url: 'http://app.localhost/index.html' },
    )) as { ok: boolean; error?: { code: string; message: string } };
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('forbidden');
    const [row] = await h.service!.db.query<{ stage: string; accredited: boolean }>(
      'SELECT stage, accredited FROM organisations WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ stage: 'in-progress', accredited: false });
  });

  it('lets a data manager find it by stage and accredit it, its history saying who decided each step', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithToken(h, 'trn-data-manager');
    await page.locator('h1').first().waitFor();
    await organisations();
    await page.getByLabel('Stage', { exact: true }).selectOption('in-progress');
    const rows = page.getByTestId('organisations').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(name);
    expect(await rows.first().textContent()).toContain('N82099');
    await expectAccessible(page);
    await h.screenshot('54-organisations-in-progress');

    await page.getByRole('button', { name }).click();
    await page.getByTestId('organisation-step').waitFor();
    await page.getByLabel('Accredit', { exact: true }).check();
    await page.getByLabel(/Evidence noted/).fill('Checked against the accreditation checklist');
    await page.getByTestId('organisation-step').getByRole('button', { name: 'Accredit' }).click();
    await page.getByTestId('organisation-notice').waitFor();
    expect(await stage()).toBe('Accredited');
    const history = page.getByTestId('organisation-history').locator('tbody tr');
    expect(await history.count()).toBe(3);
    expect(await history.nth(2).textContent()).toContain('Chris Patel (trn-data-manager)');
    expect(await history.nth(2).textContent()).toContain('Evidence: Checked against the accreditation checklist');
    // Next: what a data manager may do to an accredited organisation.
    expect(await page.getByRole('radio', { name: 'Suspend' }).count()).toBe(1);
    await expectAccessible(page);
    await h.screenshot('55-organisation-accredited');
    const [row] = await h.service!.db.query<{ stage: string; accredited: boolean }>(
      'SELECT stage, accredited FROM organisations WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ stage: 'accredited', accredited: true });
    expect(h.pageErrors).toEqual([]);
  });
});

// A child's subject-access report, end to end (issue 21, item 6): a practitioner and the
// team open a record with their reasons; the data manager makes the report in the
// desktop (Chromium through the harness, main's IPC, a real service) and sees each of
// those openings with who, organisation and reason, as counted in the test from the audit
// trail itself; saves it as a PDF (main writes the file the save dialog names), which
// holds the same; each report is audited. A team member is refused. axe on each screen.
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

describeWhere(skipReason, "a child's subject-access report, as the data manager makes it", () => {
  let h: Harness;
  let dir: string;
  let cp: string;
  const reference = "SAR-2026-014 from the child's mother";

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 300 });
    dir = mkdtempSync(join(tmpdir(), 'cp-sar-'));
    const [row] = await h.service!.db.query<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded ORDER BY cp_number LIMIT 1",
      [WIRRAL],
    );
    cp = row!.cp_number;
    const signIn = createSignIn(h.service!.url, h.clock);
    const open = async (userId: string, reason: string) =>
      expect(
        (await (await signIn(userId)).get(`/v1/children/${cp}`, { headers: { 'cp-access-reason': reason } })).status,
      ).toBe(200);
    await open('trn-practitioner', 'Registering the child at the practice');
    await open('trn-la-team', 'Checking the address for the school');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const trail = () =>
    h.service!.db.query<{ action: string; user_id: string; reason: string | null }>(
      'SELECT action, user_id, reason FROM audit_log WHERE cp_number = $1 ORDER BY seq',
      [cp],
    );

  it('shows what is held and every opening with who and why; saved as a PDF that says the same', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-data-manager');
    await page.getByRole('button', { name: 'Subject-access report', exact: true }).click();
    await expectHeading(page, 'Subject-access report');
    await expectAccessible(page);

    // Without a reference, the service refuses, and the screen says why.
    await page.getByLabel('ContactPoint number').fill(cp);
    await page.getByRole('button', { name: 'Make the report' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    expect(await page.locator('.govuk-error-summary').textContent()).toMatch(/reason/i);
    await expectAccessible(page);

    const before = await trail();
    await page.getByLabel('Reference of the request').fill(reference);
    await page.getByRole('button', { name: 'Make the report' }).click();
    const report = page.getByTestId('subject-access-report');
    await report.waitFor();
    const entries = report.getByTestId('subject-access-entries');
    // One row for each entry about the child before the report, counted from the trail itself.
    expect(await entries.locator('tbody tr').count()).toBe(before.length);
    const text = (await entries.textContent())!;
    expect(text).toContain('Alex Morgan, Seacombe Training Medical Centre');
    expect(text).toContain('Registering the child at the practice');
    expect(text).toContain('Checking the address for the school');
    expect(await report.textContent()).toContain(cp);
    await expectAccessible(page);
    await h.screenshot('69-subject-access-report');

    // The report was itself recorded, with the reference as its reason.
    const afterShown = await trail();
    expect(afterShown.slice(before.length).map((t) => [t.action, t.user_id, t.reason])).toEqual([
      ['read', 'trn-data-manager', reference],
      ['subject-access-report', 'trn-data-manager', reference],
    ]);

    // Saved as a PDF where the dialog says: a report of its own, audited too.
    const file = join(dir, `subject-access-${cp}.pdf`);
    h.chooseNext(file);
    await report.getByRole('button', { name: 'Save as PDF' }).click();
    await expect
      .poll(() => page.getByTestId('subject-access-notice').textContent())
      .toBe(`Saved as subject-access-${cp}.pdf. Saving it made a report of its own, recorded in the audit trail.`);
    const pdf = readFileSync(file, 'latin1');
    expect(pdf.startsWith('%PDF-1.4')).toBe(true);
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(pdf).toContain(cp);
    expect(pdf).toContain('Registering the child at the practice');
    expect(pdf).toContain('Alex Morgan, Seacombe Training Medical Centre');
    const reports = (await trail()).filter((t) => t.action === 'subject-access-report');
    expect(reports).toHaveLength(2);
    await expectAccessible(page);
  }, 120_000);

  it('a team member is refused: only a data manager makes the report', async () => {
    await h.page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithToken(h, 'trn-la-team');
    await expectHeading(h.page, 'Working set');
    const r = await h.core.router(
      'manage.subjectAccess',
      { cpNumber: cp, reason: 'Curious' },
      { url: 'http://app.localhost/index.html' },
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await trail()).filter((t) => t.action === 'subject-access-report' && t.user_id === 'trn-la-team')).toEqual(
      [],
    );
  });
});

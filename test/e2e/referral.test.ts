// A practitioner's referral, end to end (issue 20, item 5): the built renderer in
// Chromium, main's real router and session, and a real national service. A GP
// receptionist opens a Wirral child's record and reports that the address is wrong;
// details with case information are refused with the service's reason on screen; the
// report sent without them is confirmed with a reference. The Wirral team sees it in
// its queue on the cleansing screen, with who reported it and from where, and closes it
// with what was done. axe checks every screen; each is photographed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WIRRAL } from '../support/children.js';
import { describeWhere } from '../support/skip.js';
import { keyringUnavailable } from '../support/working-set.js';
import { startHarness, type Harness } from './harness.js';
import {
  expectAccessible,
  expectHeading,
  findChildren,
  fullName,
  openRecord,
  search,
  signInWithToken,
  type TrainingChild,
} from './journey-support.js';

const plainNames = `record->'name'->>'given' ~ '^[A-Za-z]+$' AND record->'name'->>'family' ~ '^[A-Za-z]+$'`;

describeWhere(keyringUnavailable(), "a practitioner's report reaches the Wirral team's queue", () => {
  let h: Harness;
  let child: TrainingChild;
  let reference: string;

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 200 });
    [child] = (await findChildren(
      h.service!.db,
      `shielded = false AND local_authority = '${WIRRAL}' AND ${plainNames}`,
    )) as [TrainingChild];
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const referrals = () =>
    h.service!.db.query<{
      reference: string;
      kind: string;
      text: string | null;
      status: string;
      closed_by: string | null;
    }>('SELECT reference, kind, text, status, closed_by FROM referrals WHERE cp_number = $1', [child.cpNumber]);

  it('refuses details with case information, with the reason on screen', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-practitioner');
    await search(page, { cpNumber: child.cpNumber });
    await openRecord(page, fullName(child));
    await page.getByRole('button', { name: 'Report a problem with this record' }).click();
    await expectHeading(page, 'Report a problem with this record');
    await expectAccessible(page);
    await h.screenshot('40-report-problem');

    await page.getByLabel('The address is wrong', { exact: true }).check();
    await page.getByLabel(/^Details/).fill('Mother disclosed domestic abuse, they have moved to a refuge');
    await page.getByRole('button', { name: 'Send report' }).click();
    const summary = page.getByRole('alert');
    await expect.poll(() => summary.textContent()).toMatch(/case information/);
    const shown = (await summary.textContent())!;
    expect(shown).toContain('domestic abuse');
    expect(shown).toContain('"text"');
    // The field keeps what was typed, to be put right.
    expect(await page.getByLabel(/^Details/).inputValue()).toContain('refuge');
    expect(await referrals()).toEqual([]);
    await expectAccessible(page);
    await h.screenshot('41-report-problem-refused');
  }, 120_000);

  it('sends the report without them and confirms it with a reference', async () => {
    const { page } = h;
    await page.getByLabel(/^Details/).fill('The family has moved: the address is out of date');
    await page.getByRole('button', { name: 'Send report' }).click();
    await expectHeading(page, 'Report received');
    reference = ((await page.getByTestId('referral-reference').textContent()) ?? '').trim();
    expect(reference).toMatch(/^RF-[A-Z2-9]{10}$/);
    expect(await referrals()).toEqual([
      {
        reference,
        kind: 'wrong-address',
        text: 'The family has moved: the address is out of date',
        status: 'open',
        closed_by: null,
      },
    ]);
    await expectAccessible(page);
    await h.screenshot('42-report-problem-received');
    await page.getByRole('button', { name: 'Back to the record' }).first().click();
    await expectHeading(page, fullName(child));
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 120_000);

  it("shows in the Wirral team's queue with who reported it, and closes with what was done", async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-la-team');
    await expectHeading(page, 'Working set');
    await page.getByRole('button', { name: 'Start the first sync' }).click();
    await page.getByTestId('sync-result').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cleansing', exact: true }).click();
    await expectHeading(page, 'Cleansing');
    const row = page.getByTestId(`referral-${reference}`);
    await row.waitFor();
    const text = (await row.textContent())!;
    expect(text).toContain(child.cpNumber);
    expect(text).toContain('The address is wrong');
    expect(text).toContain('The family has moved');
    expect(text).toContain('Alex Morgan');
    expect(text).toContain('Seacombe Training Medical Centre');
    await row.scrollIntoViewIfNeeded();
    await expectAccessible(page);
    await h.screenshot('43-cleansing-referrals');

    await row.getByRole('button', { name: `Close referral ${reference}` }).click();
    await page.getByLabel('What was done').fill('Address corrected from the council tax record');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Close with this outcome' }).click();
    await expect.poll(() => page.getByTestId('referral-closed').textContent()).toBe(`Referral ${reference} closed.`);
    expect(await page.getByTestId(`referral-${reference}`).count()).toBe(0);
    expect(await referrals()).toEqual([
      {
        reference,
        kind: 'wrong-address',
        text: 'The family has moved: the address is out of date',
        status: 'closed',
        closed_by: 'trn-la-team',
      },
    ]);
    await expectAccessible(page);
    await h.screenshot('44-cleansing-referral-closed');
  }, 180_000);
});

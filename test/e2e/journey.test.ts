// The practitioner's journey end to end: the built renderer in Chromium, main's real
// router, session manager and card reader (PKCS#11 in its worker thread, on a real
// SoftHSM2 token), and a real national service on loopback. Sign-ins use the card's
// PIN or a real TOTP code. Every screen is checked by axe and photographed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import {
  expectAccessible,
  expectHeading,
  findChildren,
  fullName,
  openRecord,
  resultRows,
  search,
  signInWithCard,
  signInWithToken,
  type TrainingChild,
} from './journey-support.js';

const plainNames = `record->'name'->>'given' ~ '^[A-Za-z]+$' AND record->'name'->>'family' ~ '^[A-Za-z]+$'`;

describe('a GP receptionist with a smartcard', () => {
  let h: Harness;
  let child: TrainingChild;
  beforeAll(async () => {
    h = await startHarness({ trainingCount: 2_000 });
    [child] = (await findChildren(
      h.service!.db,
      `shielded = false AND ${plainNames} AND jsonb_array_length(COALESCE(record->'involvements', '[]'::jsonb)) > 0
       AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(record->'involvements') i WHERE (i->>'sensitive')::boolean)`,
    )) as [TrainingChild];
    await h.insertCard('trn-practitioner');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a wrong PIN says how many tries are left; the right PIN signs in', async () => {
    const { page } = h;
    await page.getByLabel('Smartcard', { exact: true }).check();
    await expect
      .poll(() => page.getByTestId('card-status').textContent())
      .toBe('Smartcard inserted for trn-practitioner.');
    await h.screenshot('01-sign-in-card');
    await expectAccessible(page);

    await signInWithCard(page, '999999');
    const summary = page.getByRole('alert');
    await expect.poll(() => summary.textContent()).toMatch(/2 tries left/);
    expect(await page.getByLabel('Smartcard PIN').inputValue()).toBe('');
    await h.screenshot('02-sign-in-wrong-pin');
    await expectAccessible(page);

    await signInWithCard(page);
    await expectHeading(page, 'Find a child');
    await expect.poll(() => page.locator('header').textContent()).toContain('Seacombe Training Medical Centre');
    expect(h.core.session.holdsKey()).toBe(true);
    await h.screenshot('03-search');
    await expectAccessible(page);
  });

  it('finds the child, gives a reason, and sees who else is involved', async () => {
    const { page } = h;
    await search(page, { surname: child.family, dob: child.dob });
    await expect
      .poll(() =>
        resultRows(page)
          .filter({ hasText: fullName(child) })
          .count(),
      )
      .toBeGreaterThan(0);
    await h.screenshot('04-results');
    await h.accessibilityScreenshot('72-search-zoom-200', 'zoom-200');
    await h.accessibilityScreenshot('74-search-forced-colours', 'forced-colours');
    await expectAccessible(page);

    await resultRows(page)
      .getByRole('button', { name: fullName(child), exact: true })
      .first()
      .click();
    await expectHeading(page, 'Why are you opening this record?');
    // A reason is required.
    await page.getByRole('button', { name: 'Open record' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Select why you are opening this record');
    await h.screenshot('05-reason');
    await expectAccessible(page);

    await page.getByLabel('Checking who else is working with this child', { exact: true }).check();
    await page.getByRole('button', { name: 'Open record' }).click();
    await expectHeading(page, fullName(child));
    for (const section of ['Child', 'Parents and carers', 'Education', 'GP practice', 'Services involved']) {
      expect(await page.getByRole('heading', { level: 2, name: section, exact: true }).count()).toBe(1);
    }
    const text = (await page.locator('main').textContent()) ?? '';
    for (const inv of child.involvements) expect(text).toContain(inv.service);
    // The read was audited with the reason the receptionist chose.
    const [audit] = await h.service!.db.query<{ reason: string; user_id: string }>(
      `SELECT reason, user_id FROM audit_log WHERE action = 'read' AND cp_number = $1 ORDER BY seq DESC LIMIT 1`,
      [child.cpNumber],
    );
    expect(audit).toEqual({ reason: 'Checking who else is working with this child', user_id: 'trn-practitioner' });
    await h.screenshot('06-record');
    await h.accessibilityScreenshot('73-record-zoom-200', 'zoom-200');
    await h.accessibilityScreenshot('75-record-forced-colours', 'forced-colours');
    await expectAccessible(page);
  });

  it('records, updates and ends their own involvement', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Record my involvement' }).click();
    await expectHeading(page, 'Record your involvement');
    await page.getByRole('button', { name: 'Save involvement' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBeGreaterThan(0);
    await page.getByLabel('Service or role').fill('Practice nurse (training)');
    await h.screenshot('07-record-involvement');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Save involvement' }).click();
    await expectHeading(page, fullName(child));
    await expect.poll(() => page.locator('main').textContent()).toContain('Your involvement has been recorded.');
    expect(await page.locator('main').textContent()).toContain('Practice nurse (training)');
    const owned = () =>
      h.service!.db.query<{ involvement_id: string }>(
        `SELECT involvement_id FROM involvement_owners WHERE cp_number = $1 AND user_id = 'trn-practitioner'`,
        [child.cpNumber],
      );
    expect(await owned()).toHaveLength(1);
    // Sent with an Idempotency-Key, so a retry after a lost answer could not record it twice.
    const keyed = await h.service!.db.query<{ response_status: number }>(
      `SELECT response_status FROM idempotent_requests WHERE user_id = 'trn-practitioner' AND operation = 'involvement'`,
    );
    expect(keyed).toEqual([{ response_status: 201 }]);
    await h.screenshot('08-involvement-recorded');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Mark CAF completed' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Mark CAF completed' }).count()).toBe(0);
    await page.getByRole('button', { name: 'End my involvement' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('Your involvement has ended.');
    const [row] = await h.service!.db.query<{
      record: { involvements: { id: string; endDate?: string; cafCompleted: boolean }[] };
    }>('SELECT record FROM children WHERE cp_number = $1', [child.cpNumber]);
    const [{ involvement_id: id }] = (await owned()) as [{ involvement_id: string }];
    const mine = row!.record.involvements.find((i) => i.id === id)!;
    expect(mine.cafCompleted).toBe(true);
    expect(mine.endDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await page.getByRole('button', { name: 'End my involvement' }).count()).toBe(0);
  });

  it('sees a sensitive service only as "Unspecified service"', async () => {
    const { page } = h;
    const [sensitive] = await findChildren(
      h.service!.db,
      `shielded = false AND ${plainNames} AND EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(record->'involvements', '[]'::jsonb)) i WHERE (i->>'sensitive')::boolean)`,
    );
    expect(sensitive).toBeDefined();
    await page.getByRole('button', { name: 'New search' }).click();
    await search(page, { surname: sensitive!.family, dob: sensitive!.dob });
    await openRecord(page, fullName(sensitive!));
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('Unspecified service');
    for (const inv of sensitive!.involvements.filter((i) => i.sensitive)) expect(text).not.toContain(inv.service);
  });

  it('a shielded record shows the banner and no override; the service refuses an override asked for anyway', async () => {
    const { page } = h;
    const [shielded] = await findChildren(h.service!.db, `shielded = true AND ${plainNames}`);
    expect(shielded).toBeDefined();
    await page.getByRole('button', { name: 'New search' }).click();
    await search(page, { surname: shielded!.family, forename: shielded!.given });
    const row = resultRows(page)
      .filter({ hasText: fullName(shielded!) })
      .first();
    await expect.poll(() => row.textContent()).toContain('Shielded');
    if (shielded!.postcode) expect(await row.textContent()).not.toContain(shielded!.postcode);
    await openRecord(page, fullName(shielded!));
    await expect.poll(() => page.locator('main').textContent()).toContain('This record is shielded.');
    expect(await page.getByRole('button', { name: 'View shielded details' }).count()).toBe(0);
    if (shielded!.postcode) expect(await page.locator('main').textContent()).not.toContain(shielded!.postcode);
    await h.screenshot('09-shielded-record');
    await expectAccessible(page);

    const refused = await page.evaluate(
      (cpNumber) =>
        window.contactpoint!.children.shieldOverride({ cpNumber, reason: 'Curious', acknowledgeInvestigation: true }),
      shielded!.cpNumber,
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(JSON.stringify(refused)).not.toContain(shielded!.postcode ?? 'no postcode');
  });

  it('taking the card out locks the screen within a second and drops the record; the PIN unlocks', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'New search' }).click();
    await search(page, { surname: child.family, dob: child.dob });
    await openRecord(page, fullName(child));
    await h.removeCard('trn-practitioner');
    const removedAt = Date.now();
    await expectHeading(page, 'ContactPoint is locked');
    const elapsed = Date.now() - removedAt;
    expect(elapsed).toBeLessThan(1000);
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('Your smartcard was removed.');
    expect(text).not.toContain(child.family);
    expect(text).not.toContain(child.cpNumber);
    expect(h.core.session.holdsKey()).toBe(false);
    await expect
      .poll(
        async () =>
          (
            await h.service!.db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM sessions WHERE user_id = 'trn-practitioner' AND ended_at IS NULL`,
            )
          )[0]!.n,
      )
      .toBe(0);
    await h.screenshot('10-locked');
    await expectAccessible(page);

    // Unlocking needs the card and its PIN again: a fresh sign-in, a fresh search.
    await h.insertCard('trn-practitioner');
    await signInWithCard(page, '123456', 'Unlock');
    await expectHeading(page, 'Find a child');
    expect(await resultRows(page).count()).toBe(0);
  });

  it('signs out', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expectHeading(page, 'Sign in to ContactPoint');
    await expect.poll(() => page.locator('main').textContent()).toContain('You have signed out.');
    expect(h.core.session.holdsKey()).toBe(false);
    expect(h.pageErrors).toEqual([]);
    expect(h.blockedRequests).toEqual([]);
  });
});

describe('a social worker with child-protection duties, by security token', () => {
  let h: Harness;
  let shielded: TrainingChild;
  beforeAll(async () => {
    h = await startHarness({ trainingCount: 2_000 });
    [shielded] = (await findChildren(
      h.service!.db,
      `shielded = true AND ${plainNames} AND record->'address' IS NOT NULL AND record->'address' <> 'null'::jsonb`,
    )) as [TrainingChild];
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a wrong code is refused without saying which part was wrong', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-child-protection', { otp: '000000' });
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Sign-in was refused');
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    await h.screenshot('11-sign-in-wrong-code');
    await expectAccessible(page);
    await signInWithToken(h, 'trn-child-protection');
    await expectHeading(page, 'Find a child');
  });

  it('overrides a shield after the warning; the details are gone once they leave the record', async () => {
    const { page } = h;
    await search(page, { surname: shielded.family, forename: shielded.given });
    await openRecord(page, fullName(shielded), 'Safeguarding concern');
    await expect.poll(() => page.locator('main').textContent()).toContain('This record is shielded.');
    await page.getByRole('button', { name: 'View shielded details' }).click();
    await expectHeading(page, 'View shielded details');
    expect(await page.locator('main').textContent()).toContain(
      'Viewing shielded details starts an immediate investigation.',
    );
    await page.getByRole('button', { name: 'Show shielded details' }).click();
    const errors = (await page.getByRole('alert').textContent()) ?? '';
    expect(errors).toContain('Enter why you need the shielded details');
    expect(errors).toContain('Confirm that you understand this starts an investigation');
    await h.screenshot('12-override-warning');
    await expectAccessible(page);

    await page.getByLabel('Why do you need the shielded details?').fill('Section 47 enquiry: need current address');
    await page.getByLabel('I understand that this starts an investigation').check();
    await page.getByRole('button', { name: 'Show shielded details' }).click();
    await expectHeading(page, fullName(shielded));
    await expect.poll(() => page.locator('main').textContent()).toContain('Shielded details shown under override.');
    expect(await page.locator('main').textContent()).toContain(shielded.postcode!);
    const alerts = await h.service!.db.query<{ user_id: string }>(
      `SELECT user_id FROM alerts WHERE kind = 'shield-override' AND cp_number = $1`,
      [shielded.cpNumber],
    );
    expect(alerts).toEqual([{ user_id: 'trn-child-protection' }]);
    await h.screenshot('13-override-record');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Back to results' }).click();
    expect(await page.locator('body').textContent()).not.toContain(shielded.postcode!);
    await openRecord(page, fullName(shielded));
    await expect.poll(() => page.locator('main').textContent()).toContain('This record is shielded.');
    expect(await page.locator('main').textContent()).not.toContain(shielded.postcode!);
  });

  it('renders hostile names as inert text', async () => {
    const { page } = h;
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs += 1;
      void d.dismiss();
    });
    await page.getByRole('button', { name: 'New search' }).click();
    const [hostile] = await findChildren(h.service!.db, `record->'name'->>'given' LIKE '<img%'`);
    expect(hostile).toBeDefined();
    await search(page, { surname: hostile!.family, dob: hostile!.dob });
    const row = resultRows(page).filter({ hasText: hostile!.given }).first();
    await expect.poll(() => row.textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('main img').count()).toBe(0);
    await openRecord(page, fullName(hostile!));
    expect(await page.locator('main img').count()).toBe(0);
    expect(dialogs).toBe(0);
    expect(h.pageErrors).toEqual([]);
  });

  it('an expired session sends them back to sign in', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'New search' }).click();
    h.clock.advance(8 * 3600_000 + 60_000);
    await search(page, { surname: shielded.family });
    await expectHeading(page, 'Sign in to ContactPoint');
    await expect.poll(() => page.locator('main').textContent()).toContain('Your session has expired. Sign in again.');
    expect(h.core.session.holdsKey()).toBe(false);
    await h.screenshot('14-session-expired');
    await expectAccessible(page);
  });
});

describe('idle lock', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ idleMs: 6_000 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('locks after the idle time; the token unlocks', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-practitioner');
    // No waiting for the search screen here: on a busy machine it may already have
    // locked by then. The lock screen names the session it locked, which proves the
    // sign-in worked.
    await expectHeading(page, 'ContactPoint is locked');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('not used for a while');
    expect(text).toContain('Signed in as Alex Morgan.');
    await signInWithToken(h, 'trn-practitioner', { button: 'Unlock', fillUserId: false });
    await expectHeading(page, 'Find a child');
  });
});

describe('when the service is down', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ serviceUrl: 'http://127.0.0.1:9' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sign-in says the service cannot be reached', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-practitioner');
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toContain('cannot be reached');
    await h.screenshot('15-service-down');
    await expectAccessible(page);
  });
});

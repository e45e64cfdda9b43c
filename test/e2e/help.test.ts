// Help inside the application and the helpdesk's details (issue 23), in Chromium through
// the harness, main's real router, session and card reader (SoftHSM2), and a real national
// index: the machine policy's helpdesk on the sign-in, lock and error screens (and the
// default sentence when the policy names none); the help opened from the header before
// and after sign-in, with the signed-in user's guide first, and closed back to the same
// screen in the same state with focus on the Help control; the "what does this mean"
// beside the reason for access; axe on each.
import type { Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import {
  expectAccessible,
  expectHeading,
  findChildren,
  fullName,
  resultRows,
  search,
  signInWithCard,
  signInWithToken,
  type TrainingChild,
} from './journey-support.js';

const helpdesk = {
  name: 'Northshire ContactPoint team',
  phone: '01632 960 123',
  hours: 'Monday to Friday, 8am to 6pm',
};
const helpdeskSentence =
  'For help, contact Northshire ContactPoint team: 01632 960 123 (Monday to Friday, 8am to 6pm).';

// renderer/src/components/HelpdeskContact.tsx: when the policy names no helpdesk.
const defaultHelpdeskSentence = 'For help, contact your ContactPoint team or IT service desk.';

const helpButton = (page: Page) => page.getByRole('banner').getByRole('button', { name: 'Help', exact: true });
/** Whether focus is on the header's Help control. */
const focusIsOnHelp = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.closest('header') !== null && el?.textContent === 'Help';
  });
const contact = (page: Page) => page.getByTestId('helpdesk-contact');
/** Several screens, each checked by axe: longer than Vitest's default on a busy machine. */
const STEPS_MS = 120_000;

describe('help, with the helpdesk set in the machine policy', () => {
  let h: Harness;
  let child: TrainingChild;
  beforeAll(async () => {
    h = await startHarness({ helpdesk });
    [child] = (await findChildren(
      h.service!.db,
      `shielded = false AND record->'name'->>'given' ~ '^[A-Za-z]+$' AND record->'name'->>'family' ~ '^[A-Za-z]+$'`,
    )) as [TrainingChild];
    await h.insertCard('trn-practitioner');
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    'the sign-in screen names the helpdesk; help opens from the header and closes back to the form as it was',
    async () => {
      const { page } = h;
      await expectHeading(page, 'Sign in to ContactPoint');
      await expect.poll(() => contact(page).textContent()).toBe(helpdeskSentence);

      await page.getByLabel('Security token', { exact: true }).check();
      await page.getByLabel('User ID').fill('someone.typing');
      await helpButton(page).click();
      await expectHeading(page, 'Help');
      expect(await helpButton(page).getAttribute('aria-expanded')).toBe('true');
      // Before sign-in: how to sign in, and who to call.
      expect(await page.getByTestId('help-guide').textContent()).toBe('Signing in');
      const help = page.getByTestId('help');
      expect(await help.textContent()).toContain('Activate a new account or a replacement security token');
      expect(await page.getByTestId('help-helpdesk-contact').textContent()).toBe(helpdeskSentence);
      // The form is kept, out of sight.
      expect(await page.getByLabel('User ID').isVisible()).toBe(false);
      await h.screenshot('81-help-sign-in');
      await expectAccessible(page);

      await page.getByRole('button', { name: 'Back to ContactPoint' }).click();
      await expectHeading(page, 'Sign in to ContactPoint');
      expect(await page.getByLabel('User ID').inputValue()).toBe('someone.typing');
      await expect.poll(() => focusIsOnHelp(page)).toBe(true);
      expect(await helpButton(page).getAttribute('aria-expanded')).toBe('false');
      expect(await page.getByTestId('help').count()).toBe(0);
      await page.getByLabel('User ID').fill('');
    },
    STEPS_MS,
  );

  it(
    "a practitioner's help starts with their guide, reaches the others, and closing it keeps the search",
    async () => {
      const { page } = h;
      await signInWithCard(page);
      await expectHeading(page, 'Find a child');
      await search(page, { surname: child.family, dob: child.dob });
      await expect
        .poll(() =>
          resultRows(page)
            .filter({ hasText: fullName(child) })
            .count(),
        )
        .toBeGreaterThan(0);
      const rows = await resultRows(page).count();

      await helpButton(page).click();
      await expectHeading(page, 'Help');
      const guide = page.getByTestId('help-guide');
      expect(await guide.textContent()).toBe('Finding a child and using their record');
      const text = (await page.getByTestId('help').textContent()) ?? '';
      for (const part of [
        'Finding a child',
        'The reason for access',
        'What a shielded record means',
        'Recording your involvement',
        'Locking and signing out',
      ])
        expect(text).toContain(part);
      expect(text).toContain('Their address, contact details, education, GP and services are hidden');
      expect(text).toContain(helpdeskSentence);
      // The search is out of sight while the help shows.
      expect(await resultRows(page).first().isVisible()).toBe(false);
      await h.screenshot('78-help-practitioner');
      await expectAccessible(page);

      // The other guides are a click away; choosing one moves focus to it.
      const others = page.getByRole('navigation', { name: 'Other guides' });
      await others.getByRole('button', { name: "The ContactPoint team's work" }).click();
      expect(await guide.textContent()).toBe("The ContactPoint team's work");
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe('help-guide');
      expect(await page.getByTestId('help').textContent()).toContain('Run the checks');
      await others.getByRole('button', { name: 'Archive, audit and subject access' }).click();
      expect(await page.getByTestId('help').textContent()).toContain('Subject-access report');
      await expectAccessible(page);

      await page.getByRole('button', { name: 'Close help' }).click();
      await expectHeading(page, 'Find a child');
      expect(await resultRows(page).count()).toBe(rows);
      expect(await resultRows(page).first().isVisible()).toBe(true);
      expect(await page.getByLabel('Surname', { exact: true }).inputValue()).toBe(child.family);
      await expect.poll(() => focusIsOnHelp(page)).toBe(true);

      // The Help control also closes the help it opened.
      await helpButton(page).click();
      await expectHeading(page, 'Help');
      await helpButton(page).click();
      await expectHeading(page, 'Find a child');
      expect(await resultRows(page).count()).toBe(rows);
    },
    STEPS_MS,
  );

  it(
    'beside the reason for access, "what does this mean" opens and explains',
    async () => {
      const { page } = h;
      await resultRows(page)
        .getByRole('button', { name: fullName(child), exact: true })
        .first()
        .click();
      await expectHeading(page, 'Why are you opening this record?');
      const details = page.getByTestId('reason-help');
      const summary = details.locator('summary');
      expect(await summary.textContent()).toBe('Why you are asked for a reason');
      const body = details.locator('.govuk-details__text');
      expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      expect(await body.isVisible()).toBe(false);
      // From the keyboard, as a summary is a control.
      await summary.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => body.isVisible()).toBe(true);
      const text = (await body.textContent()) ?? '';
      expect(text).toContain("kept in the child's audit trail with your name");
      expect(text).toContain('reviewed for misuse');
      expect(text).toContain('choose Other');
      expect(text).toContain('ContactPoint holds no case information');
      await h.screenshot('79-reason-help');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Back to results' }).click();
      await expectHeading(page, 'Find a child');
    },
    STEPS_MS,
  );

  it(
    'locking closes the help; the lock screen names the helpdesk',
    async () => {
      const { page } = h;
      await helpButton(page).click();
      await expectHeading(page, 'Help');
      await h.removeCard('trn-practitioner');
      await expectHeading(page, 'ContactPoint is locked');
      expect(await page.getByTestId('help').count()).toBe(0);
      await expect.poll(() => contact(page).textContent()).toBe(helpdeskSentence);
      expect(await page.locator('main').textContent()).not.toContain(child.family);
      await h.screenshot('80-lock-helpdesk');
      await expectAccessible(page);

      // Help from the lock screen: signing in, since nobody is signed in.
      await helpButton(page).click();
      await expectHeading(page, 'Help');
      expect(await page.getByTestId('help-guide').textContent()).toBe('Signing in');
      await page.getByRole('button', { name: 'Back to ContactPoint' }).click();
      await expectHeading(page, 'ContactPoint is locked');

      await h.insertCard('trn-practitioner');
      await signInWithCard(page, '123456', 'Unlock');
      await expectHeading(page, 'Find a child');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expectHeading(page, 'Sign in to ContactPoint');
    },
    STEPS_MS,
  );

  it(
    "a data manager's help starts with the archive, audit and subject access",
    async () => {
      const { page } = h;
      await signInWithToken(h, 'trn-data-manager');
      await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
      await helpButton(page).click();
      await expectHeading(page, 'Help');
      expect(await page.getByTestId('help-guide').textContent()).toBe('Archive, audit and subject access');
      const text = (await page.getByTestId('help').textContent()) ?? '';
      expect(text).toContain('destroyed 6 years after it was archived');
      expect(text).toContain('a serious case review or a child death review');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Close help' }).click();
      await expect.poll(() => focusIsOnHelp(page)).toBe(true);
    },
    STEPS_MS,
  );

  it('runs under the CSP without an error', () => {
    expect(h.pageErrors).toEqual([]);
    expect(h.blockedRequests).toEqual([]);
  });
});

describe('the error screen when the service cannot be reached', () => {
  let h: Harness;
  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens there.
    h = await startHarness({ serviceUrl: 'http://127.0.0.1:9', helpdesk });
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    'names the helpdesk beside the warning, and in the error summary that says to call it',
    async () => {
      const { page } = h;
      const warning = page.locator('.govuk-warning-text');
      await expect.poll(() => warning.textContent(), { timeout: 15_000 }).toContain('cannot be reached');
      // Once, beside the warning, not again at the foot of the form.
      expect(await contact(page).count()).toBe(1);
      expect(await contact(page).textContent()).toBe(helpdeskSentence);
      expect(
        await page.evaluate(() => {
          const w = document.querySelector('.govuk-warning-text');
          return w?.nextElementSibling?.getAttribute('data-testid');
        }),
      ).toBe('helpdesk-contact');
      await expectAccessible(page);

      await signInWithToken(h, 'trn-practitioner');
      const alert = page.getByRole('alert');
      await expect.poll(() => alert.textContent(), { timeout: 15_000 }).toContain('tell your IT service desk');
      expect(await alert.getByTestId('error-helpdesk-contact').textContent()).toBe(helpdeskSentence);
      await expectAccessible(page);
    },
    STEPS_MS,
  );
});

describe('with no helpdesk in the machine policy', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ serviceUrl: 'http://127.0.0.1:9' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    'says to contact the ContactPoint team or IT service desk, on the screen and in the help',
    async () => {
      const { page } = h;
      await expect.poll(() => contact(page).textContent(), { timeout: 15_000 }).toBe(defaultHelpdeskSentence);
      await helpButton(page).click();
      await expectHeading(page, 'Help');
      expect(await page.getByTestId('help-helpdesk-contact').textContent()).toBe(defaultHelpdeskSentence);
    },
    STEPS_MS,
  );
});

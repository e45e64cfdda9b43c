// The warnings before the idle lock and the session's end, on screen in real Chromium
// with the real service (issue 23, WCAG 2.2.1): announced as an alert dialog, focus on
// its first button, "Stay signed in" by keyboard keeps the session, focus goes back where
// it was, and without an answer the screen locks. The exact timings (with an injected
// clock) are in test/integration/main/session/session-warnings.test.ts; here the idle
// time is short so the test waits seconds, not minutes (long enough for the screenshot
// and the accessibility checks the harness runs on it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, signInWithToken } from './journey-support.js';

const idleMs = 40_000;
const lockWarningMs = 20_000;

describe('warning before the idle lock', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ idleMs, lockWarningMs });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is announced, takes focus, keeps the session on "Stay signed in", then locks if unanswered', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-practitioner');
    await expectHeading(page, 'Find a child');
    const surname = page.getByLabel('Surname');
    await surname.focus();

    const dialog = page.getByRole('alertdialog', { name: 'ContactPoint is about to lock' });
    await dialog.waitFor({ timeout: idleMs });
    // What a screen reader is given: the dialog, its name and what it says, once.
    const tree = await dialog.ariaSnapshot();
    expect(tree).toContain('alertdialog "ContactPoint is about to lock"');
    expect(tree).toMatch(/will lock in \d+ seconds because it has not been used/);
    expect(await dialog.getAttribute('aria-describedby')).toBe('cp-session-warning-said');
    // Focus is on the way out, and the keyboard answers it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Stay signed in');
    // The picture and the harness's reflow, forced-colours and keyboard checks are taken of
    // the session-end warning below (the same dialog, with no lock coming while they run).
    await expectAccessible(page);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    // Focus back on the field the user was in; still signed in, the key still held.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(await surname.getAttribute('id'));
    expect(h.core.session.current().state.status).toBe('signed-in');
    expect(h.core.session.holdsKey()).toBe(true);

    // Unanswered, the warning counts down and the screen locks.
    await dialog.waitFor({ timeout: idleMs });
    const countdown = page.getByTestId('session-warning-countdown');
    const first = await countdown.textContent();
    await expect.poll(() => countdown.textContent(), { timeout: 5_000 }).not.toBe(first);
    await page.getByRole('heading', { name: 'ContactPoint is locked' }).waitFor({ timeout: lockWarningMs + 5_000 });
    await expectHeading(page, 'ContactPoint is locked');
    expect(await page.locator('main').textContent()).toContain('not used for a while');
    expect(h.core.session.holdsKey()).toBe(false);

    // Unlocked, the next warning's "Sign out now" (Tab, then Enter) ends the session.
    await signInWithToken(h, 'trn-practitioner', { button: 'Unlock', fillUserId: false });
    await expectHeading(page, 'Find a child');
    await dialog.waitFor({ timeout: idleMs });
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Sign out now');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Sign in to ContactPoint');
    expect(h.core.session.current().state).toEqual({ status: 'signed-out', reason: 'signed-out' });
  }, 240_000);
});

describe("warning before the session's end", () => {
  let h: Harness;
  beforeAll(async () => {
    // The service's sessions last 8 hours: a warning 8 hours less 4 seconds long comes 4 s after sign-in.
    h = await startHarness({ sessionEndWarningMs: 8 * 3600_000 - 4_000 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('says when the session ends; Continue (or Escape) puts it aside and gives focus back', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-practitioner');
    await expectHeading(page, 'Find a child');
    const surname = page.getByLabel('Surname');
    await surname.focus();
    const dialog = page.getByRole('alertdialog', { name: 'Your session is about to end' });
    await dialog.waitFor({ timeout: 15_000 });
    expect(await dialog.textContent()).toMatch(/Your session ends in 7 hours \d+ minutes\./);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Continue');
    await h.screenshot('85-session-end-warning');
    await expectAccessible(page);
    // The harness's checks leave focus where it was: on Continue.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Continue');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(await surname.getAttribute('id'));
    // Put aside, it stays away for this session (activity does not bring it back).
    await page.keyboard.type('Smith');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await dialog.count()).toBe(0);
    expect(h.core.session.current().state).toMatchObject({ warning: { kind: 'session-end' } });
  }, 120_000);
});

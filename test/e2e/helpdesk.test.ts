// The helpdesk, end to end (issue 21, item 4): Chromium through the harness, main's IPC,
// session and card reader (SoftHSM2), a real national index underneath. A lost token
// replaced: one team member asks and sees the first half of the code, a second confirms
// and sees the second, the holder activates with both and signs in with a real TOTP
// code. A smartcard enrolled at the desk: a new token made here, its key read after the
// holder's PIN, confirmed by a data manager as the second person, activated by the card,
// and signed in with.
// The separation-of-duties refusals through the screen and the IPC. Each action's reason
// appears in the account's history.
import { generateKeyPairSync } from 'node:crypto';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { trainingAccounts } from '../../service/training/accounts.js';
import { keyringUnavailable } from '../support/working-set.js';
import { describeWhere } from '../support/skip.js';
import { harnessOrigin, startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, signInWithCard, signInWithToken } from './journey-support.js';

const skipReason = keyringUnavailable();

describeWhere(skipReason, 'the helpdesk, as the ContactPoint team works it', () => {
  let h: Harness;
  const tab = (name: string) => h.page.getByRole('button', { name, exact: true });
  const signOut = () => h.page.getByRole('button', { name: 'Sign out' }).click();
  const signedInAs = () => {
    const s = h.core.session.current().state;
    return s.status === 'signed-in' ? s.user.id : null;
  };
  const as = async (userId: string) => {
    if (signedInAs() === userId) return;
    if (signedInAs() !== null) await signOut();
    await signInWithToken(h, userId);
    await h.page.locator('h1').first().waitFor();
  };
  /** The helpdesk page of `userId`, found by a part of their name or id. */
  const openAccount = async (query: string, name: string) => {
    await tab('Management').click();
    await tab('Helpdesk').click();
    const back = h.page.getByRole('button', { name: 'Back to finding an account' });
    if ((await back.count()) > 0) await back.click();
    await h.page.getByLabel('Name or user ID').fill(query);
    await h.page.getByRole('button', { name: 'Find', exact: true }).click();
    await h.page.getByTestId('helpdesk-results').getByRole('button', { name }).click();
    await h.page.getByTestId('helpdesk-user').waitFor();
  };
  const reason = (text: string) => h.page.getByLabel(/^Reason for what you do next/).fill(text);
  const halfShown = async () => {
    const code = ((await h.page.getByTestId('helpdesk-half-code').textContent()) ?? '').trim();
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    return code;
  };
  const handedOver = () => h.page.getByRole('button', { name: 'I have handed it over' }).click();
  const name = (userId: string) => trainingAccounts.find((a) => a.id === userId)!.name;
  const historyText = async () => (await h.page.getByTestId('user-history').innerText()).replace(/\s+/g, ' ');

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 50 });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('replaces a lost token: a member asks, a second confirms, the holder activates and signs in', async () => {
    const { page } = h;
    await as('trn-la-team');
    await tab('Management').click();
    await tab('Helpdesk').click();
    await expectHeading(page, 'Helpdesk');
    await page.getByLabel('Name or user ID').fill('alex');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await expect.poll(() => page.getByTestId('helpdesk-results').innerText()).toContain('trn-practitioner');
    await expectAccessible(page);
    await h.screenshot('63-helpdesk-find');
    await page.getByTestId('helpdesk-results').getByRole('button', { name: 'Alex Morgan' }).click();
    await page.getByTestId('helpdesk-user').waitFor();
    expect(await page.getByTestId('helpdesk-user').innerText()).toContain('In use');

    // No reason, no action.
    await page.getByRole('button', { name: 'Replace a lost or broken token' }).click();
    await expect.poll(() => page.locator('.govuk-error-summary').innerText()).toContain('Give a reason');
    await reason('Token lost on the bus');
    await page.getByRole('button', { name: 'Replace a lost or broken token' }).click();
    const first = await halfShown();
    await expectAccessible(page);
    await h.screenshot('64-helpdesk-token-first-half');
    await handedOver();
    expect(await page.getByTestId('helpdesk-half').count()).toBe(0);
    await expect.poll(() => page.getByTestId('helpdesk-user').innerText()).toContain('None in use');
    await expect.poll(historyText).toContain('Asked for a replacement token Token lost on the bus');

    // A second member confirms and is given the second half, once.
    await as('trn-la-team-2');
    await openAccount('trn-practitioner', 'Alex Morgan');
    await reason('Holder seen at the desk with photo ID');
    await page.getByRole('button', { name: 'Confirm replacement token' }).click();
    const second = await halfShown();
    expect(second).not.toBe(first);
    await handedOver();
    await expect.poll(historyText).toContain('Confirmed a replacement token Holder seen at the desk with photo ID');
    await expectAccessible(page);
    await h.screenshot('65-helpdesk-history');

    // The holder activates with both halves, chooses a password, and signs in with the new token.
    await signOut();
    await page.getByRole('button', { name: 'Activate a new account or a replacement security token' }).click();
    await expectHeading(page, 'Activate your account');
    await page.getByLabel('User ID').fill('trn-practitioner');
    await page.getByLabel('First half of the activation code').fill(first);
    await page.getByLabel('Second half of the activation code').fill(second);
    const password = 'Alex-new-password-2026';
    await page.getByLabel('Choose a password').fill(password);
    await page.getByLabel('Type the password again').fill(password);
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    const secret = ((await page.getByTestId('activated-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByRole('button', { name: 'I have added it: sign in' }).click();
    await signInWithToken(h, 'trn-practitioner', { credentials: { password, totpSecret: secret } });
    await expect.poll(signedInAs).toBe('trn-practitioner');
    // The old training password no longer works: the token it went with stopped.
    await signOut();
    await signInWithToken(h, 'trn-practitioner');
    await expect.poll(() => page.locator('.govuk-error-summary').innerText()).toContain('refused');
    expect(signedInAs()).toBeNull();
    // A code from the new secret works again at the next step.
    expect(generateSync({ secret, epoch: Math.floor(h.clock.now().getTime() / 1000) })).toMatch(/^\d{6}$/);
  });

  it('enrols a smartcard at the desk: its key read after the PIN, confirmed, activated by the card, signed in with', async () => {
    const { page } = h;
    const pin = '482913';
    await h.newCard('trn-child-protection', pin);
    await as('trn-la-team');
    await openAccount('sam', 'Sam Taylor');
    await reason('First smartcard, holder at the desk');
    await page.getByLabel('Card PIN (typed by the holder)').fill('000000');
    await page.getByRole('button', { name: 'Read the card and ask for its enrolment' }).click();
    await expect.poll(() => page.locator('.govuk-error-summary').innerText()).toContain('The PIN is not right');
    expect(await page.getByLabel('Card PIN (typed by the holder)').inputValue()).toBe('');
    await page.getByLabel('Card PIN (typed by the holder)').fill(pin);
    await page.getByRole('button', { name: 'Read the card and ask for its enrolment' }).click();
    const first = await halfShown();
    expect(await page.getByLabel('Card PIN (typed by the holder)').inputValue()).toBe('');
    await expect.poll(() => page.getByTestId('helpdesk-requests').innerText()).toMatch(/Smartcard \(card .{12}…\)/);
    await expectAccessible(page);
    await h.screenshot('66-helpdesk-card-read');
    await handedOver();

    // A data manager may be the second person: they find every authority's accounts.
    await as('trn-data-manager');
    await openAccount('trn-child-protection', 'Sam Taylor');
    expect(await page.getByRole('button', { name: 'Replace a lost or broken token' }).count()).toBe(0);
    await reason('Saw the holder and the card');
    await page.getByRole('button', { name: 'Confirm smartcard' }).click();
    const second = await halfShown();
    await handedOver();

    await signOut();
    await page.getByRole('button', { name: 'Activate a smartcard enrolled for you' }).click();
    await expectHeading(page, 'Activate your smartcard');
    await page.getByLabel('First half of the activation code').fill(first);
    await page.getByLabel('Second half of the activation code').fill(second);
    await page.getByLabel('Card PIN').fill(pin);
    await expectAccessible(page);
    await h.screenshot('67-activate-smartcard');
    await page.getByRole('button', { name: 'Activate the card' }).click();
    await page.getByTestId('card-activated').waitFor();
    await page.getByRole('button', { name: 'Sign in with the card' }).click();
    await signInWithCard(page, pin);
    await expect.poll(signedInAs).toBe('trn-child-protection');

    // The team sees the card in use and its history; then revokes it with a reason.
    await signOut();
    await as('trn-la-team');
    await openAccount('trn-child-protection', 'Sam Taylor');
    await expect.poll(historyText).toContain('The holder activated a smartcard');
    await reason('Card left in a taxi');
    await page.getByTestId('helpdesk-cards').getByRole('button', { name: 'Revoke this card' }).click();
    await expect.poll(() => page.getByTestId('helpdesk-notice').innerText()).toContain('The card is revoked');
    await expect.poll(historyText).toContain('Smartcard revoked Card left in a taxi');
    await h.removeCard('trn-child-protection');
  });

  it('unlocks after a lock-out, suspends, reinstates and closes, each reason in the history', async () => {
    const { page } = h;
    // Five wrong passwords over HTTP, as a forgetful holder would type them.
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${h.service!.url}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          method: 'otp',
          userId: 'trn-no-agreement',
          password: `not-the-password-${i}`,
          otp: '000000',
          sessionKey: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
        }),
      });
      expect(res.status).toBe(401);
    }
    await as('trn-la-team');
    await openAccount('trn-no-agreement', name('trn-no-agreement'));
    await expect.poll(() => page.getByTestId('helpdesk-user').innerText()).toContain('Locked out until');
    await reason('Forgot the password after leave');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await expect.poll(() => page.getByTestId('helpdesk-user').innerText()).toMatch(/State\s+Active/);
    await expect.poll(historyText).toContain('Unlocked after a lock-out Forgot the password after leave');
    // The refused sign-ins that led to it are in the history too: the holder's own, no reason.
    expect((await historyText()).match(/The holder Sign-in refused \(security token\)/g)).toHaveLength(5);
    await reason('Long-term leave');
    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    await expect.poll(() => page.getByTestId('helpdesk-user').innerText()).toMatch(/State\s+Suspended/);
    await reason('Back from leave');
    await page.getByRole('button', { name: 'Reinstate', exact: true }).click();
    await expect.poll(() => page.getByTestId('helpdesk-user').innerText()).toMatch(/State\s+Active/);
    await reason('Left the practice');
    await page.getByRole('button', { name: 'Close the account for good' }).click();
    await page.getByRole('button', { name: 'Yes, close trn-no-agreement for good' }).click();
    await expect.poll(() => page.getByTestId('helpdesk-user').innerText()).toMatch(/State\s+Closed on/);
    // Closed is for good: the page offers nothing more to do.
    expect(await page.getByRole('button', { name: 'Replace a lost or broken token' }).count()).toBe(0);
    const history = await historyText();
    for (const line of [
      'Account closed Left the practice',
      'Account changed Back from leave',
      'Account changed Long-term leave',
    ])
      expect(history).toContain(line);
    await expectAccessible(page);
  });

  it('refuses what the separation-of-duties table forbids, on the screen and over IPC', async () => {
    const { page } = h;
    await as('trn-la-team');
    await openAccount('trn-no-training', 'Gene Untrained');
    await reason('Token broken');
    await page.getByRole('button', { name: 'Replace a lost or broken token' }).click();
    await halfShown();
    await handedOver();
    // Confirming one's own request: the service refuses, and the screen says why.
    await reason('Confirming my own request');
    await page.getByRole('button', { name: 'Confirm replacement token' }).click();
    await expect
      .poll(() => page.locator('.govuk-error-summary').innerText())
      .toContain('You asked for this: a second person must confirm it.');
    expect(await page.getByTestId('helpdesk-half').count()).toBe(0);
    await expectAccessible(page);
    await h.screenshot('68-helpdesk-own-request-refused');

    // Over IPC: nobody replaces their own token or enrols a card for themselves, and
    // no answer carries another person's credentials.
    const ipc = (channel: string, payload: unknown) =>
      h.core.router(channel, payload, { url: `${harnessOrigin}/index.html` }) as Promise<{
        ok: boolean;
        error?: { code: string; message: string };
        value?: unknown;
      }>;
    const ownToken = await ipc('manage.resetToken', { id: 'trn-la-team', reason: 'Lost it' });
    expect(ownToken.ok).toBe(false);
    expect(ownToken.error?.message).toContain('your own account');
    await h.newCard('trn-la-team', '135790');
    const ownCard = await ipc('manage.enrolCard', { id: 'trn-la-team', pin: '135790', reason: 'My card' });
    expect(ownCard.ok).toBe(false);
    expect(ownCard.error?.code).toBe('forbidden');
    // The card in the reader is made out for la-team: it cannot be enrolled for someone else.
    const otherCard = await ipc('manage.enrolCard', { id: 'trn-practitioner', pin: '135790', reason: 'Wrong card' });
    expect(otherCard.ok).toBe(false);
    expect(otherCard.error?.message).toContain('made out for another account');
    await h.removeCard('trn-la-team');
    // A reason with case information is refused before it leaves main.
    const caseWords = await ipc('manage.unlockUser', { id: 'trn-practitioner', reason: 'child protection concern' });
    expect(caseWords.ok).toBe(false);
    expect(caseWords.error?.code).toBe('invalid-payload');
    expect(caseWords.error?.message).toContain('case information');
    const history = await ipc('manage.userHistory', { id: 'trn-practitioner' });
    expect(JSON.stringify(history.value)).not.toMatch(/secret|password|[0-9A-Z]{5}-[0-9A-Z]{5}/);
    expect(h.pageErrors).toEqual([]);
    expect(h.blockedRequests).toEqual([]);
  });
});

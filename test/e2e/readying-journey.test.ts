// One practitioner's whole road to ContactPoint, end to end (issue 21, "Done when"):
// identified on the team's list to ready, made ready, the account asked for by one team
// member and confirmed by another, activated by its holder with a token of their own;
// then a smartcard enrolled at the desk with the holder present (a SoftHSM2 token made
// here, its key read after the holder's PIN), confirmed by a second person, activated by
// the card, and the holder signed in with it. Chromium through the harness, main's IPC,
// session and card reader, a real national index. axe on the screens along the way.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keyringUnavailable } from '../support/working-set.js';
import { createSignIn } from '../support/national-service.js';
import { describeWhere } from '../support/skip.js';
import { startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, signInWithCard, signInWithToken } from './journey-support.js';

const skipReason = keyringUnavailable();
const HALF = /([0-9A-Z]{5}-[0-9A-Z]{5})/;

describeWhere(skipReason, 'a practitioner from identified to signed in with a smartcard enrolled at the desk', () => {
  let h: Harness;
  const tab = (name: string) => h.page.getByRole('button', { name, exact: true });
  const signOut = () => h.page.getByRole('button', { name: 'Sign out' }).click();
  const signedInAs = () => {
    const s = h.core.session.current().state;
    return s.status === 'signed-in' ? s.user.id : null;
  };
  const as = async (userId: string) => {
    if (signedInAs() !== null) await signOut();
    await signInWithToken(h, userId);
    await h.page.locator('h1').first().waitFor();
  };

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 50 });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('is identified, readied, given an account by two people, and signs in with a card enrolled at the desk', async () => {
    const { page } = h;
    const today = h.clock.now().toISOString().slice(0, 10);
    // Identified: on the list to ready, with a recent enhanced check and the course passed.
    const team = await createSignIn(h.service!.url, h.clock)('trn-la-team');
    const added = await team.post('/v1/practitioners', {
      organisationId: 'org-gp-training',
      name: 'Robin Desk',
      workEmail: 'robin.desk@seacombe.nhs.uk',
      role: 'practitioner',
      trainingPriority: 1,
      enhancedCheckDate: today,
      courseAttendedOn: today,
      coursePassedOn: today,
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);

    // Readied on the screen: the agreement signed; then the account asked for.
    await as('trn-la-team');
    await tab('Management').click();
    await tab('Practitioners to ready').click();
    const row = page.getByTestId('practitioner-row').filter({ hasText: 'Robin Desk' });
    await expect.poll(() => row.textContent()).toContain('agreement');
    await page.getByRole('button', { name: 'Update Robin Desk' }).click();
    await page.getByTestId('practitioner-form').waitFor();
    await page.getByLabel('Agreement signed on (if known)').fill(today);
    await page.getByRole('button', { name: 'Save the changes' }).click();
    await expect.poll(() => row.textContent()).toContain('Ready for an account');
    await page.getByRole('button', { name: 'Request the account for Robin Desk' }).click();
    const notice = page.getByTestId('practitioners-notice');
    await expect.poll(() => notice.textContent()).toContain('Account robin.desk asked for Robin Desk');
    const first = HALF.exec((await notice.textContent()) ?? '')![1]!;
    await expectAccessible(page);

    // A second member of the team confirms it, and is given the second half.
    await as('trn-la-team-2');
    await tab('Management').click();
    await tab('Accounts').click();
    await page.getByRole('button', { name: 'Confirm new account for robin.desk' }).click();
    await page.getByTestId('hand-over').waitFor();
    const second = HALF.exec((await page.getByTestId('hand-over').textContent()) ?? '')![1]!;
    expect(second).not.toBe(first);

    // The holder activates with both halves and a password of their own; signs in with the token.
    await signOut();
    await page.getByRole('button', { name: 'Activate a new account or a replacement security token' }).click();
    await expectHeading(page, 'Activate your account');
    await page.getByLabel('User ID').fill('robin.desk');
    await page.getByLabel('First half of the activation code').fill(first);
    await page.getByLabel('Second half of the activation code').fill(second);
    const password = 'Robin-at-the-desk-2026';
    await page.getByLabel('Choose a password').fill(password);
    await page.getByLabel('Type the password again').fill(password);
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    const secret = ((await page.getByTestId('activated-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByRole('button', { name: 'I have added it: sign in' }).click();
    await signInWithToken(h, 'robin.desk', { credentials: { password, totpSecret: secret } });
    await expect.poll(signedInAs).toBe('robin.desk');

    // At the desk: the team reads the new card's key after the holder types the PIN.
    const pin = '735162';
    await h.newCard('robin.desk', pin);
    await as('trn-la-team');
    await tab('Management').click();
    await tab('Helpdesk').click();
    await page.getByLabel('Name or user ID').fill('robin');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByTestId('helpdesk-results').getByRole('button', { name: 'Robin Desk' }).click();
    await page.getByTestId('helpdesk-user').waitFor();
    await page.getByLabel(/^Reason for what you do next/).fill('First smartcard, holder at the desk with photo ID');
    await page.getByLabel('Card PIN (typed by the holder)').fill(pin);
    await page.getByRole('button', { name: 'Read the card and ask for its enrolment' }).click();
    const cardFirst = ((await page.getByTestId('helpdesk-half-code').textContent()) ?? '').trim();
    expect(cardFirst).toMatch(HALF);
    await page.getByRole('button', { name: 'I have handed it over' }).click();
    await expectAccessible(page);

    // The second person confirms the card.
    await as('trn-la-team-2');
    await tab('Management').click();
    await tab('Helpdesk').click();
    await page.getByLabel('Name or user ID').fill('robin.desk');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByTestId('helpdesk-results').getByRole('button', { name: 'Robin Desk' }).click();
    await page.getByTestId('helpdesk-user').waitFor();
    await page.getByLabel(/^Reason for what you do next/).fill('Saw the holder and the card');
    await page.getByRole('button', { name: 'Confirm smartcard' }).click();
    const cardSecond = ((await page.getByTestId('helpdesk-half-code').textContent()) ?? '').trim();
    expect(cardSecond).toMatch(HALF);
    await page.getByRole('button', { name: 'I have handed it over' }).click();

    // The card activates itself, and the holder signs in with it.
    await signOut();
    await page.getByRole('button', { name: 'Activate a smartcard enrolled for you' }).click();
    await expectHeading(page, 'Activate your smartcard');
    await page.getByLabel('First half of the activation code').fill(cardFirst);
    await page.getByLabel('Second half of the activation code').fill(cardSecond);
    await page.getByLabel('Card PIN').fill(pin);
    await page.getByRole('button', { name: 'Activate the card' }).click();
    await page.getByTestId('card-activated').waitFor();
    await page.getByRole('button', { name: 'Sign in with the card' }).click();
    await signInWithCard(page, pin);
    await expect.poll(signedInAs).toBe('robin.desk');
    await expectHeading(page, 'Find a child');
    await expectAccessible(page);

    // The list to ready says so: Robin has access, by way of the account that was asked for.
    const [listed] = await h.service!.db.query<{ user_id: string; status: string }>(
      `SELECT p.user_id, r.status FROM practitioners_to_ready p JOIN account_requests r ON r.id = p.account_request_id
        WHERE p.work_email = 'robin.desk@seacombe.nhs.uk'`,
    );
    expect(listed).toEqual({ user_id: 'robin.desk', status: 'completed' });
    await h.removeCard('robin.desk');
  }, 240_000);
});

// Steps of the practitioner's journey, as a person does them: by label, role and
// visible text. Shared by the journey tests and the screenshot and bench scripts.
import { generateSync } from 'otplib';
import type { Page } from '@playwright/test';
import { expect } from 'vitest';
import type { Database } from '../../service/store/database.js';
import { trainingAccounts } from '../../service/training/accounts.js';
import { totpFor } from '../support/national-service.js';
import { axeViolations, type Harness } from './harness.js';

export const TRAINING_PIN = '123456';

export function account(userId: string) {
  const found = trainingAccounts.find((a) => a.id === userId);
  if (!found) throw new Error(`no training account ${userId}`);
  return found;
}

export async function heading(page: Page): Promise<string> {
  return ((await page.getByRole('heading', { level: 1 }).first().textContent()) ?? '').trim();
}

/**
 * Wait until the page's h1 satisfies `ok`. Plain polling (not expect.poll) so the
 * benchmarks can walk the journey outside Vitest too.
 */
async function waitForHeading(
  page: Page,
  ok: (text: string) => boolean,
  want: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await heading(page).catch(() => '');
    if (ok(seen)) return;
    if (Date.now() > deadline) throw new Error(`expected the page heading to be ${want}, but it is "${seen}"`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function expectHeading(page: Page, text: string): Promise<void> {
  await waitForHeading(page, (h) => h === text, `"${text}"`);
}

/** axe finds nothing on the screen as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
}

/** Wait for the sign-in or lock screen (the session state arrives from main just after load). */
async function atSignIn(page: Page): Promise<void> {
  await waitForHeading(
    page,
    (h) => h === 'Sign in to ContactPoint' || h === 'ContactPoint is locked',
    'the sign-in or lock screen',
  );
}

export async function signInWithCard(page: Page, pin = TRAINING_PIN, button = 'Continue'): Promise<void> {
  await atSignIn(page);
  const cardRadio = page.getByLabel('Smartcard', { exact: true });
  if ((await cardRadio.count()) > 0) await cardRadio.check();
  await page.getByLabel('Smartcard PIN').fill(pin);
  await page.getByRole('button', { name: button }).click();
}

/** A token sign-in with a real TOTP code for the service's current time step (a fresh step each time). */
export async function signInWithToken(
  h: Harness,
  userId: string,
  options: {
    button?: string;
    otp?: string;
    fillUserId?: boolean;
    credentials?: { password: string; totpSecret: string };
  } = {},
): Promise<void> {
  const { page } = h;
  await atSignIn(page);
  h.clock.advance(30_000);
  const tokenRadio = page.getByLabel('Security token', { exact: true });
  if ((await tokenRadio.count()) > 0) await tokenRadio.check();
  if (options.fillUserId !== false) await page.getByLabel('User ID').fill(userId);
  const c = options.credentials;
  await page.getByLabel('Password').fill(c ? c.password : account(userId).password);
  const code = c
    ? generateSync({ secret: c.totpSecret, epoch: Math.floor(h.clock.now().getTime() / 1000) })
    : totpFor(userId, h.clock.now());
  await page.getByLabel('Security code').fill(options.otp ?? code);
  await page.getByRole('button', { name: options.button ?? 'Continue' }).click();
}

export interface SearchFields {
  surname?: string;
  forename?: string;
  dob?: string;
  postcode?: string;
  nhsNumber?: string;
  cpNumber?: string;
}

export async function search(page: Page, fields: SearchFields): Promise<void> {
  await expectHeading(page, 'Find a child');
  // The team's working-set search may be mounted behind its tab with the same labels: fill the visible form.
  const fill = async (label: string, value: string | undefined) =>
    page
      .getByLabel(label, { exact: true })
      .filter({ visible: true })
      .fill(value ?? '');
  await fill('Surname', fields.surname);
  await fill('Forename', fields.forename);
  const [y, m, d] = fields.dob ? fields.dob.split('-') : ['', '', ''];
  await fill('Day', d);
  await fill('Month', m);
  await fill('Year', y);
  await fill('Postcode', fields.postcode);
  await fill('NHS number', fields.nhsNumber);
  await fill('ContactPoint number', fields.cpNumber);
  await page.getByRole('button', { name: 'Search', exact: true }).filter({ visible: true }).click();
}

export function resultRows(page: Page) {
  return page.getByTestId('result-row');
}

/** Click the child's name in the results and give a reason for access. */
export async function openRecord(
  page: Page,
  name: string,
  reason = 'Checking who else is working with this child',
): Promise<void> {
  await resultRows(page).getByRole('button', { name, exact: true }).first().click();
  await expectHeading(page, 'Why are you opening this record?');
  await page.getByLabel(reason, { exact: true }).check();
  await page.getByRole('button', { name: 'Open record' }).click();
  await expectHeading(page, name);
}

export interface TrainingChild {
  cpNumber: string;
  given: string;
  family: string;
  dob: string;
  postcode: string | null;
  shielded: boolean;
  involvements: { service: string; sensitive: boolean; leadProfessional: boolean }[];
}

/** Children of the running service's training data that fit the test (read straight from the store). */
export async function findChildren(db: Database, where: string, limit = 1): Promise<TrainingChild[]> {
  const rows = await db.query<{ cp_number: string; record: Record<string, any>; shielded: boolean }>( // eslint-disable-line @typescript-eslint/no-explicit-any -- stored JSON
    `SELECT cp_number, record, shielded FROM children WHERE status = 'active' AND shield_pending = false AND ${where} ORDER BY cp_number LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    cpNumber: r.cp_number,
    given: r.record.name.given,
    family: r.record.name.family,
    dob: r.record.dob,
    postcode: r.record.address?.postcode ?? null,
    shielded: r.shielded,
    involvements: r.record.involvements ?? [],
  }));
}

export const fullName = (c: { given: string; family: string }) => `${c.given} ${c.family}`;

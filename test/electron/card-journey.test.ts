// The practitioner's journey in the real Electron shell, against the built application:
// start (training mode, the embedded national service in its worker thread) → a SoftHSM2
// training card is "inserted" → sign in with its PIN → search → a reason → the record →
// the card is taken out (the token deleted) → locked, the record gone. The same steps as
// test/e2e/journey.test.ts, but through Electron's IPC, preload, app:// protocol and the
// PKCS#11 worker bundle instead of the harness. Where Electron cannot run, each test
// reports itself skipped with the reason.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ElectronApplication, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrainingCard, tokenLabelFor } from '../../scripts/training-card.js';
import { trainingPaths } from '../../service/training/card-registry.js';
import {
  expectAccessible,
  expectHeading,
  openRecord,
  resultRows,
  search,
  signInWithCard,
} from '../e2e/journey-support.js';
import { electronSkipReason, launchApp } from './electron-app.js';

const run = promisify(execFile);
const skipReason = electronSkipReason();
const user = 'trn-practitioner';

describe('a GP receptionist with a smartcard, in the Electron application', () => {
  let app: ElectronApplication | undefined;
  let page: Page | undefined;
  let profile: string | undefined;
  let home: string | undefined;
  let cardEnv: NodeJS.ProcessEnv = {};
  let opened = '';

  beforeAll(async () => {
    if (skipReason) return;
    profile = mkdtempSync(join(tmpdir(), 'cp-electron-profile-'));
    // A training home of its own: SoftHSM2's token store and the cards.json the embedded
    // service checks card sign-ins against (main reads SOFTHSM2_CONF, the service
    // CONTACTPOINT_TRAINING_HOME, both from the environment it was started with).
    home = mkdtempSync(join(tmpdir(), 'cp-electron-home-'));
    // SoftHSM2 reads its configuration when the application's PKCS#11 thread starts, so it
    // exists before launch (the card itself comes later, as a person would insert it).
    const paths = trainingPaths(home);
    mkdirSync(paths.tokens, { recursive: true, mode: 0o700 });
    writeFileSync(
      paths.softHsmConfig,
      `directories.tokendir = ${paths.tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`,
    );
    cardEnv = { ...process.env, CONTACTPOINT_TRAINING_HOME: home, SOFTHSM2_CONF: paths.softHsmConfig };
    ({ app, page } = await launchApp({
      profile,
      env: { ...cardEnv, CONTACTPOINT_POLICY_FILE: join(profile, 'no-policy.json') },
    }));
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    for (const dir of [profile, home]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function insertCard(): Promise<void> {
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) } };
    const code = await runTrainingCard(['--user', user], io, cardEnv);
    if (code !== 0) throw new Error(`training card for ${user} failed: ${out.join('')}`);
  }

  it('starts in training mode with the embedded service, and sees the inserted card', async (ctx) => {
    if (!page) return ctx.skip(skipReason ?? 'the application did not start');
    expect(page.url()).toBe('app://contactpoint/index.html');
    await expectHeading(page, 'Sign in to ContactPoint');
    await expect
      .poll(() => page!.getByTestId('service-status').textContent(), { timeout: 30_000 })
      .toContain('Connected to the national index');
    await insertCard();
    await page.getByLabel('Smartcard', { exact: true }).check();
    await expect
      .poll(() => page!.getByTestId('card-status').textContent(), { timeout: 10_000 })
      .toBe(`Smartcard inserted for ${user}.`);
  });

  it("signs in with the card's PIN", async (ctx) => {
    if (!page) return ctx.skip(skipReason ?? 'the application did not start');
    await signInWithCard(page);
    await expectHeading(page, 'Find a child');
    await expect.poll(() => page!.locator('header').textContent()).toContain('Seacombe Training Medical Centre');
  });

  it('searches, gives a reason and opens the record: who else is involved', async (ctx) => {
    if (!page) return ctx.skip(skipReason ?? 'the application did not start');
    await search(page, { surname: 'Smith' });
    const row = resultRows(page).filter({ hasNotText: 'Shielded' }).first();
    opened = ((await row.getByRole('button').first().textContent()) ?? '').trim();
    expect(opened).toMatch(/\S/);
    await openRecord(page, opened);
    expect(await page.getByRole('heading', { level: 2, name: 'Services involved', exact: true }).count()).toBe(1);
  });

  it('taking the card out locks ContactPoint and drops the record', async (ctx) => {
    if (!page) return ctx.skip(skipReason ?? 'the application did not start');
    await run('softhsm2-util', ['--delete-token', '--token', tokenLabelFor(user)], { env: cardEnv });
    await expectHeading(page, 'ContactPoint is locked');
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('Your smartcard was removed.');
    expect(text).not.toContain(opened);
    await expectAccessible(page);
  });
});

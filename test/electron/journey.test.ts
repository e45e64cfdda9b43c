// The same first-screen journey in the real Electron shell, through Playwright's
// _electron driver. Runs where an Electron runtime is installed; elsewhere each test
// reports itself skipped with the reason.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElectronApplication, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../e2e/harness.js';
import { electronSkipReason, launchApp } from './electron-app.js';

const skipReason = electronSkipReason() ?? '';

describe('the Electron shell', () => {
  let app: ElectronApplication | undefined;
  let page: Page | undefined;
  let profile: string | undefined;

  beforeAll(async () => {
    if (skipReason) return;
    profile = await mkdtemp(join(tmpdir(), 'cp-electron-'));
    ({ app, page } = await launchApp({ profile, env: { CONTACTPOINT_POLICY_FILE: join(profile, 'no-policy.json') } }));
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('opens the sign-in screen from app:// with the training banner and the embedded service', async (ctx) => {
    if (!page) return ctx.skip(skipReason);
    expect(page.url()).toBe('app://contactpoint/index.html');
    await expect.poll(() => page!.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in to ContactPoint');
    await expect
      .poll(() => page!.getByTestId('service-status').textContent())
      .toContain('Connected to the national index');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('gives the renderer the API object and no Node, no ipcRenderer', async (ctx) => {
    if (!page) return ctx.skip(skipReason);
    const seen = await page.evaluate(() => ({
      api: typeof window.contactpoint,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      ipc: typeof (window as unknown as { ipcRenderer?: unknown }).ipcRenderer,
    }));
    expect(seen).toEqual({ api: 'object', require: 'undefined', process: 'undefined', ipc: 'undefined' });
  });

  it('denies new windows and navigation away from the application', async (ctx) => {
    if (!page || !app) return ctx.skip(skipReason);
    await page.evaluate(() => window.open('https://example.org/'));
    await page.evaluate(() => {
      window.location.href = 'https://example.org/';
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(app.windows()).toHaveLength(1);
    expect(page.url()).toBe('app://contactpoint/index.html');
  });
});

// The end-to-end harness: the built renderer in real Chromium, served from a made-up
// origin with the production CSP; its API object made by preload's createApi; invoke
// bound to the real main-process router (main/composition-root.ts) in this test
// process; that router talking to a real national index service on loopback.
// Everything but Electron's IPC transport is the real code.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { build } from 'esbuild';
import type { Helpdesk } from '../../domain/ipc-contract.js';
import { createCore, type Core } from '../../main/composition-root.js';
import { createKeyringVault } from '../../main/working-set/vault.js';
import { originOf } from '../../main/ipc/router.js';
import { createRendererFiles } from '../../main/renderer-files.js';
import type { Clock } from '../../service/context.js';
import { startService, type RunningService } from '../../service/server.js';
import type { Database } from '../../service/store/database.js';
import { trainingPaths } from '../../service/training/card-registry.js';
import {
  CARD_KEY_ID,
  CARD_KEY_LABEL,
  DEFAULT_PKCS11_MODULE,
  runTrainingCard,
  tokenLabelFor,
} from '../../scripts/training-card.js';
import { launchChromium } from '../support/chromium.js';
import { a11yProblems, lastA11yTimings, type A11yCheckOptions } from './a11y-checks.js';

export const harnessOrigin = 'http://app.localhost';
export const rendererRoot = resolve('dist/renderer');
/** Where screenshots go: docs/screenshots when `npm run screenshots` runs the journey. */
export const screenshotDir = resolve(process.env.CP_SCREENSHOT_DIR ?? 'test-results/screenshots');

let preloadSource: Promise<string> | undefined;
function harnessPreload(): Promise<string> {
  preloadSource ??= build({
    entryPoints: [resolve('test/e2e/harness-preload.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome130',
  }).then((r) => r.outputFiles[0]!.text);
  return preloadSource;
}

export interface Harness {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  service: RunningService | null;
  /** The service's clock: real time plus an offset (move it to expire sessions). */
  clock: OffsetClock;
  core: Core;
  /** Make a SoftHSM2 training card for a training account and "insert" it (PIN 123456). */
  insertCard(userId: string): Promise<void>;
  /**
   * A new, blank card for `userId` "inserted": a SoftHSM2 token labelled for them with a
   * fresh P-256 key pair and the given PIN, registered nowhere (the helpdesk enrols it).
   */
  newCard(userId: string, pin: string): Promise<void>;
  /** Take the card out: SoftHSM2 deletes the token, and PKCS#11 sees it gone. */
  removeCard(userId: string): Promise<void>;
  /**
   * What the computer's file dialog answers next (Electron's dialog cannot exist here: the
   * harness stands in for it at main's chooseFile boundary). null: the person cancels.
   */
  chooseNext(path: string | null): void;
  /** The working set's folder and the credential-store account of its key (for a second connection in benchmarks). */
  workingSet: { dir: string; keyAccount: string };
  /** Requests the page tried to make anywhere but the app's own origin. */
  blockedRequests: string[];
  /** Console errors and uncaught exceptions in the page (CSP violations land here). */
  pageErrors: string[];
  /**
   * A full-page picture of the screen, then the accessibility checks axe cannot make
   * (a11y-checks.ts: reflow at 400% zoom, forced colours, keyboard): any problem fails
   * the test with the list. `options.skip` leaves a check out, with the reason.
   */
  screenshot(name: string, options?: A11yCheckOptions): Promise<string>;
  /**
   * The same screen as a person with low vision or Windows high contrast sees it, for the
   * README: `zoom-200` is a 1280x900 window at 200% (the layout at 640x450 CSS px),
   * `forced-colours` the normal window in forced colours. The page is left as it was.
   */
  accessibilityScreenshot(name: string, mode: 'zoom-200' | 'forced-colours'): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Point main at this URL instead of starting a service (e.g. a closed port). */
  serviceUrl?: string;
  /** Training children in the service (default 200). */
  trainingCount?: number;
  /** The idle lock, in milliseconds (default 5 minutes). */
  idleMs?: number;
  /** Feed entries per page for the working set's sync (small, to watch the progress bar). */
  syncPageSize?: number;
  /** The warning before the idle lock, in milliseconds (default 60 s, at most half of idleMs). */
  lockWarningMs?: number;
  /** The warning before the session's end, in milliseconds (default 10 minutes). */
  sessionEndWarningMs?: number;
  /** The machine policy's helpdesk (default: none set). */
  helpdesk?: Helpdesk | null;
  /** The policy's debugTiming: spans in every layer, the service's in Server-Timing. */
  debugTiming?: boolean;
  /** The service's store (default: a fresh PGlite), e.g. PostgreSQL for the benchmarks. */
  database?: Database;
}

const run = promisify(execFile);

/** Real time, moved by `advance`: the service and main share it, as two computers would share the real time. */
export class OffsetClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  // A training home of its own: SoftHSM2's token store for this run's cards, and the
  // cards.json the training service checks card sign-ins against (read from the
  // environment at each sign-in, so it is set before anything signs in).
  const home = mkdtempSync(join(tmpdir(), 'cp-harness-home-'));
  const workingSetAccount = `harness-${randomBytes(6).toString('hex')}`;
  const paths = trainingPaths(home);
  mkdirSync(paths.tokens, { recursive: true, mode: 0o700 });
  writeFileSync(
    paths.softHsmConfig,
    `directories.tokendir = ${paths.tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  process.env.CONTACTPOINT_TRAINING_HOME = home;
  const cardEnv = { ...process.env, CONTACTPOINT_TRAINING_HOME: home, SOFTHSM2_CONF: paths.softHsmConfig };

  const clock = new OffsetClock();
  let nextChosen: string | null = null;
  const service = options.serviceUrl
    ? null
    : await startService({
        port: 0,
        trainingMode: true,
        trainingCount: options.trainingCount ?? 200,
        lifecycleIntervalMs: 0,
        clock,
        ...(options.debugTiming ? { serverTiming: true } : {}),
        ...(options.database ? { database: options.database } : {}),
      });
  const core = createCore({
    serviceUrl: options.serviceUrl ?? service!.url,
    trainingMode: true,
    version: '0.0.0-test',
    trustedOrigin: harnessOrigin,
    now: () => clock.now().getTime(),
    card: { modulePath: DEFAULT_PKCS11_MODULE, workerFile: resolve('dist/main/pkcs11-worker.cjs'), env: cardEnv },
    ...(options.idleMs !== undefined ? { idleMs: options.idleMs } : {}),
    ...(options.lockWarningMs !== undefined ? { lockWarningMs: options.lockWarningMs } : {}),
    ...(options.sessionEndWarningMs !== undefined ? { sessionEndWarningMs: options.sessionEndWarningMs } : {}),
    helpdesk: options.helpdesk ?? null,
    ...(options.debugTiming ? { debugTiming: true } : {}),
    // The working set in the harness's own home, its key under an account of its own in
    // the real credential store (removed at close).
    workingSet: {
      dir: join(home, 'working-set'),
      workerFile: resolve('dist/main/working-set-worker.cjs'),
      keyAccount: workingSetAccount,
      ...(options.syncPageSize !== undefined ? { pageSize: options.syncPageSize } : {}),
    },
    log: () => undefined,
    chooseFile: async () => {
      const path = nextChosen;
      nextChosen = null;
      return path;
    },
  });
  const browser = await launchChromium();
  const context = await browser.newContext();
  const blockedRequests: string[] = [];
  const pageErrors: string[] = [];
  const renderer = createRendererFiles(rendererRoot);

  // Like Element's tests: the page gets its own files and nothing else.
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (originOf(url) !== harnessOrigin) {
      blockedRequests.push(url);
      return route.abort('blockedbyclient');
    }
    const file = await renderer.read(url);
    return route.fulfill({ status: file.status, headers: file.headers, body: file.body });
  });
  await context.exposeBinding('__cpInvoke', (source, channel: unknown, payload: unknown) =>
    core.router(channel, payload, { url: source.frame.url() }),
  );
  await context.addInitScript({ content: await harnessPreload() });

  const page = await context.newPage();
  // A step that cannot happen fails with a message instead of hanging the test.
  page.setDefaultTimeout(15_000);
  // CSP violations, script errors and failed loads all surface here: tests expect none.
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${harnessOrigin}/index.html`);

  return {
    browser,
    context,
    page,
    service,
    clock,
    core,
    async insertCard(userId) {
      const out: string[] = [];
      const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) } };
      const code = await runTrainingCard(['--user', userId], io, cardEnv);
      if (code !== 0) throw new Error(`training card for ${userId} failed: ${out.join('')}`);
    },
    async newCard(userId, pin) {
      const label = tokenLabelFor(userId);
      const soPin = randomBytes(8).toString('hex');
      await run('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', soPin, '--pin', pin], {
        env: cardEnv,
      });
      await run(
        'pkcs11-tool',
        [
          ...['--module', DEFAULT_PKCS11_MODULE, '--token-label', label, '--login', '--pin', pin],
          ...['--keypairgen', '--key-type', 'EC:prime256v1', '--id', CARD_KEY_ID, '--label', CARD_KEY_LABEL],
        ],
        { env: cardEnv },
      );
    },
    async removeCard(userId) {
      await run('softhsm2-util', ['--delete-token', '--token', tokenLabelFor(userId)], { env: cardEnv });
    },
    chooseNext(path) {
      nextChosen = path;
    },
    workingSet: { dir: join(home, 'working-set'), keyAccount: workingSetAccount },
    blockedRequests,
    pageErrors,
    async screenshot(name, options) {
      await mkdir(screenshotDir, { recursive: true });
      const path = join(screenshotDir, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      const started = performance.now();
      const problems = await a11yProblems(page, options);
      if (process.env.CP_A11Y_TIMING) {
        process.stderr.write(
          `a11y checks for ${name}: ${Math.round(performance.now() - started)} ms (${lastA11yTimings()})\n`,
        );
      }
      if (problems.length > 0) {
        throw new Error(
          `Accessibility problems on screen "${name}" (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
        );
      }
      return path;
    },
    async accessibilityScreenshot(name, mode) {
      await mkdir(screenshotDir, { recursive: true });
      const path = join(screenshotDir, `${name}.png`);
      if (mode === 'forced-colours') {
        const wasForced = await page.evaluate(() => matchMedia('(forced-colors: active)').matches);
        await page.emulateMedia({ forcedColors: 'active' });
        try {
          await page.screenshot({ path, fullPage: true });
        } finally {
          await page.emulateMedia({ forcedColors: wasForced ? 'active' : 'none' });
        }
        return path;
      }
      // 200% zoom: a 1280x900 window lays the page out in 640x450 CSS px (GOV.UK's
      // narrow layout), pictured here at one device px per CSS px.
      const viewport = page.viewportSize();
      await page.setViewportSize({ width: 640, height: 450 });
      try {
        await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
        await page.screenshot({ path, fullPage: true });
      } finally {
        if (viewport) await page.setViewportSize(viewport);
      }
      return path;
    },
    async close() {
      await browser.close();
      await core.close();
      await service?.close();
      rmSync(home, { recursive: true, force: true });
      // The working set's key, if a test made one (only where there is a credential store).
      if (process.platform !== 'linux' || process.env.DBUS_SESSION_BUS_ADDRESS) {
        try {
          createKeyringVault(workingSetAccount).destroy();
        } catch {
          // None was made.
        }
      }
    },
  };
}

/** One axe finding, as the tests report it. */
export interface AxeViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** WCAG 2.2 AA, as the issue asks of every screen a test visits. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}

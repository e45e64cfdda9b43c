// Launching the real application in Electron through Playwright's _electron driver, for
// the suites beside this file. By default: the built app (dist/, as `npm run build` makes
// it) in this repository's Electron runtime. With CONTACTPOINT_PACKAGED_APP set to the
// executable of a packaged test build (electron-builder.test.yml, which keeps the inspect
// arguments Playwright attaches through), that instead. Where neither can run, each test
// reports itself skipped with the reason.
import { resolve } from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { electronBinary, electronVersion } from '../../scripts/electron-binary.mjs';

const packaged = process.env.CONTACTPOINT_PACKAGED_APP || undefined;
const binary = packaged ?? electronBinary();

/** Why Electron cannot run here, or null when it can. */
export function electronSkipReason(): string | null {
  if (!binary) {
    return `no Electron ${electronVersion()} runtime on this machine (it cannot be downloaded here); run "npx install-electron" or set ELECTRON_OVERRIDE_DIST_PATH to run this suite`;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display for the Electron window (DISPLAY and WAYLAND_DISPLAY are unset); run the suite under xvfb-run';
  }
  return null;
}

export interface LaunchedApp {
  app: ElectronApplication;
  /** The kiosk window, once the application has started (the embedded service first). */
  page: Page;
}

/** Starts ContactPoint with a profile of its own; the first start loads the training data, which takes a while. */
export async function launchApp(options: {
  profile: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<LaunchedApp> {
  if (!binary) throw new Error(electronSkipReason() ?? 'no Electron');
  const timeout = options.timeoutMs ?? 170_000;
  const app = await electron.launch({
    executablePath: binary,
    // A packaged build carries its app inside; the runtime is given this repository (package.json main: dist/main/main.cjs).
    args: [...(packaged ? [] : [resolve('.')]), '--no-sandbox', `--user-data-dir=${options.profile}`],
    env: Object.fromEntries(
      Object.entries({ ...process.env, ...options.env }).filter((e): e is [string, string] => e[1] !== undefined),
    ),
    timeout,
  });
  const page = await app.firstWindow({ timeout });
  page.setDefaultTimeout(15_000);
  return { app, page };
}

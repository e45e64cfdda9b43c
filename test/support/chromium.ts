// Debian's Chromium, launched the way this machine needs (Playwright cannot download
// its own browsers here). Tests call this instead of chromium.launch directly.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';

export const chromiumPath = process.env.CONTACTPOINT_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not installed at ${chromiumPath}: run "npm test" as root once (it installs it) or "sudo apt-get install chromium".`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

// npm run screenshots: walk the practitioner's journey end to end (test/e2e/journey.test.ts,
// real Chromium, real service, real SoftHSM2 card) and keep a picture of every screen in
// docs/screenshots/, which the README shows. The same test checks each screen with axe.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const dir = resolve('docs/screenshots');
mkdirSync(dir, { recursive: true });
const run = spawnSync('npx', ['vitest', 'run', 'test/e2e/journey.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, CP_SCREENSHOT_DIR: dir },
});
process.exit(run.status ?? 1);

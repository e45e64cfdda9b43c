// npm run screenshots: walk the practitioner's journey and the ContactPoint team's working
// set, cleansing, adapter and management end to end (test/e2e/journey, working-set,
// cleansing, adapter, management, referral, match-reviews, correction and organisations: real Chromium, real
// service, real SoftHSM2 card, real credential store) and keep a picture of every screen
// in docs/screenshots/, which the README shows. The same tests check each screen with axe.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const dir = resolve('docs/screenshots');
mkdirSync(dir, { recursive: true });
// Inside the private D-Bus session with gnome-keyring that the working set's key needs.
const run = spawnSync(
  'bash',
  [
    'scripts/with-keyring.sh',
    'npx',
    'vitest',
    'run',
    'test/e2e/journey.test.ts',
    'test/e2e/working-set.test.ts',
    'test/e2e/cleansing.test.ts',
    'test/e2e/adapter.test.ts',
    'test/e2e/management.test.ts',
    'test/e2e/referral.test.ts',
    'test/e2e/match-reviews.test.ts',
    'test/e2e/correction.test.ts',
    'test/e2e/organisations.test.ts',
    'test/e2e/practitioners.test.ts',
    'test/e2e/help.test.ts',
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, CP_SCREENSHOT_DIR: dir },
  },
);
process.exit(run.status ?? 1);

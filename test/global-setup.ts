// Builds the application once before any suite runs: the E2E tests drive the built
// renderer, exactly what Electron would load.
import { spawnSync } from 'node:child_process';

export default function setup(): void {
  // For quick runs of suites that do not drive the renderer: CP_SKIP_BUILD=1 npx vitest run test/unit/...
  if (process.env.CP_SKIP_BUILD === '1') return;
  // The build's own output goes to stderr, so that `npm run bench` prints nothing but JSON lines on stdout.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error('npm run build failed: the tests need the built application');
}

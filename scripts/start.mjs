// npm start: build, then run the kiosk in training mode (embedded service, training
// data, no configuration). When the Electron runtime is missing, say so plainly.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { electronBinary, electronPackageDir, electronVersion } from './electron-binary.mjs';

let binary = electronBinary();
if (binary === null && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD && !process.env.ELECTRON_OVERRIDE_DIST_PATH) {
  // Electron fetches its runtime on first use; do it here, visibly, with a time limit.
  process.stdout.write('Fetching the Electron runtime (first start only)...\n');
  const installer = join(electronPackageDir(), 'install.js');
  const fetched = spawnSync(process.execPath, [installer], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  if (fetched.status === 0) binary = electronBinary();
}
if (binary === null) {
  const version = electronVersion();
  process.stderr.write(
    [
      '',
      `ContactPoint cannot start because the Electron runtime (version ${version} for ${process.platform}-${process.arch}) is not installed on this machine:`,
      'npm installs only the electron package, and the runtime itself is a separate download that has not happened',
      '(ELECTRON_SKIP_BINARY_DOWNLOAD is set, or the download failed because this machine has no internet access).',
      'On a machine with internet access run "npx install-electron" once and then "npm start" again;',
      "where downloads go through your organisation's mirror, set ELECTRON_MIRROR to it first;",
      'or, if an unpacked Electron build of that version is already on this machine, set ELECTRON_OVERRIDE_DIST_PATH to its folder.',
      'Until then, "npm run service" starts the national index service on its own and "npm test" exercises the application in Chromium.',
      '',
    ]
      .join(' ')
      .replace(/^ | $/g, '\n'),
  );
  process.exit(1);
}

const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));

// npm start: build, then run the kiosk in training mode (embedded service, training
// data, no configuration). When the Electron runtime is missing, say so plainly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(candidate) ? candidate : null;
  }
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

let binary = electronBinary();
if (binary === null && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD && !process.env.ELECTRON_OVERRIDE_DIST_PATH) {
  // Electron fetches its runtime on first use; do it here, visibly, with a time limit.
  process.stdout.write('Fetching the Electron runtime (first start only)...\n');
  const installer = join(dirname(require.resolve('electron/package.json')), 'install.js');
  const fetched = spawnSync(process.execPath, [installer], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  if (fetched.status === 0) binary = electronBinary();
}
if (binary === null) {
  const version = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  process.stderr.write(
    [
      '',
      `ContactPoint cannot start because the Electron runtime (version ${version} for ${process.platform}-${process.arch}) is not installed on this machine:`,
      'npm installs only the electron package, and the runtime itself is a separate download that was skipped',
      '(ELECTRON_SKIP_BINARY_DOWNLOAD is set, or the download failed because this machine has no internet access).',
      'On a machine with internet access run "npx install-electron" once and then "npm start" again;',
      'where downloads go through your organisation\'s mirror, set ELECTRON_MIRROR to it first;',
      'or, if an unpacked Electron build of that version is already on this machine, set ELECTRON_OVERRIDE_DIST_PATH to its folder.',
      'Until then, "npm run service" starts the national index service on its own and "npm test" exercises the application in Chromium.',
      '',
    ].join(' ').replace(/^ | $/g, '\n'),
  );
  process.exit(1);
}

const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));

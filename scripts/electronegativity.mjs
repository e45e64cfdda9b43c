// Runs Electronegativity over the Electron code (main, preload) and the built page,
// and fails on any finding above informational. Findings we reviewed and accept are
// marked in the code with an "eng-disable CHECK_ID" comment that says why.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronVersion } from './electron-binary.mjs';

if (!existsSync('dist/renderer/index.html')) {
  process.stderr.write('electronegativity: dist/renderer/index.html is missing: run "npm run build" first.\n');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'cp-eneg-'));
try {
  const src = join(work, 'src');
  for (const dir of ['main', 'preload']) cpSync(dir, join(src, dir), { recursive: true });
  cpSync('dist/renderer/index.html', join(src, 'index.html'));
  cpSync('package.json', join(src, 'package.json'));
  const out = join(work, 'findings.csv');
  const bin = join('node_modules', '.bin', process.platform === 'win32' ? 'electronegativity.cmd' : 'electronegativity');
  const r = spawnSync(bin, ['-i', src, '-r', '-v', 'false', '-e', electronVersion(), '-o', out], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(out)) {
    process.stderr.write(`electronegativity failed to run:\n${r.stderr}\n`);
    process.exit(2);
  }
  const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1).filter(Boolean);
  const serious = rows.filter((row) => !/^[A-Z_]+,"INFORMATIONAL"/.test(row));
  process.stdout.write(`electronegativity: ${rows.length} finding(s), ${serious.length} above informational\n`);
  for (const row of rows) process.stdout.write(`  ${row}\n`);
  process.exit(serious.length === 0 ? 0 : 1);
} finally {
  rmSync(work, { recursive: true, force: true });
}

// Runs Electronegativity over the Electron code (main, preload) and the built page,
// and fails on any finding above informational, or on any file it could not parse.
// Findings we reviewed and accept are marked in the code with an
// "eng-disable CHECK_ID" comment that says why.
//
// It is driven through its runner rather than its CLI, with its HTTP client replaced
// by one that refuses at once: it would otherwise fetch translations and Electron's
// release list from the internet on every run. That boundary is a stand-in on
// purpose (this machine has no internet, and a lint must not depend on one); the check
// for newer Electron security releases is left to dependency updates (npm outdated).
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { electronVersion } from './electron-binary.mjs';

if (!existsSync('dist/renderer/index.html')) {
  process.stderr.write('electronegativity: dist/renderer/index.html is missing: run "npm run build" first.\n');
  process.exit(2);
}

const require = createRequire(import.meta.url);
const engDir = dirname(require.resolve('@doyensec/electronegativity/package.json'));
const engRequire = createRequire(join(engDir, 'package.json'));
const gotPath = engRequire.resolve('got');
const offline = () => Promise.resolve({ statusCode: 503, body: '' });
engRequire.cache[gotPath] = {
  id: gotPath,
  filename: gotPath,
  loaded: true,
  exports: Object.assign(offline, { default: offline }),
};
process.env.LANG = 'en-US';
const run = engRequire('./dist/runner.js');

async function scan(work) {
  const src = join(work, 'src');
  for (const dir of ['main', 'preload']) cpSync(dir, join(src, dir), { recursive: true });
  cpSync('dist/renderer/index.html', join(src, 'index.html'));
  cpSync('package.json', join(src, 'package.json'));
  const result = await run(
    {
      input: src,
      output: undefined,
      isSarif: false,
      customScan: [],
      excludeFromScan: ['availablesecurityfixesglobalcheck'],
      severitySet: undefined,
      confidenceSet: undefined,
      isRelative: true,
      isVerbose: false,
      electronUpgrade: undefined,
      electronVersionOverride: electronVersion(),
      parserPlugins: [],
    },
    false,
  );
  const findings = result.issues.map((i) => ({
    id: i.id,
    severity: i.severity.name ?? String(i.severity.format?.() ?? i.severity),
    file: i.file,
    line: i.location.line,
  }));
  const serious = findings.filter((f) => !/informational/i.test(f.severity));
  process.stdout.write(
    `electronegativity: ${result.atomicChecks} atomic and ${result.globalChecks} global checks, ` +
      `${findings.length} finding(s), ${serious.length} above informational, ${result.errors.length} file(s) not parsed\n`,
  );
  for (const f of findings) process.stdout.write(`  ${f.severity} ${f.id} ${f.file}:${f.line}\n`);
  for (const e of result.errors) process.stdout.write(`  not parsed: ${e.file ?? JSON.stringify(e)}\n`);
  return serious.length === 0 && result.errors.length === 0;
}

const work = mkdtempSync(join(tmpdir(), 'cp-eneg-'));
let passed;
try {
  passed = await scan(work);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(passed ? 0 : 1);

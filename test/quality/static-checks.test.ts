// The static checks are part of the test command, so CI enforces them: strict type
// checking of every layer's project (tsc -b; see tsconfig.json), ESLint with the layer
// rule, and Electronegativity over the Electron code.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function run(command: string, args: string[]) {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}`.trim() };
}

describe('static checks', () => {
  it('every layer type-checks in strict mode, each with its own globals (npm run typecheck)', () => {
    const r = run('node_modules/.bin/tsc', ['-b']);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  }, 240_000);

  it('ESLint, with the layer rule, finds nothing (npm run lint)', () => {
    const r = run('node_modules/.bin/eslint', ['.', '--max-warnings', '0']);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  }, 240_000);

  it('Electronegativity finds nothing above informational in the Electron code', () => {
    const r = run(process.execPath, ['scripts/electronegativity.mjs']);
    expect(r.output).toMatch(/0 above informational/);
    expect(r.status).toBe(0);
  }, 240_000);
});

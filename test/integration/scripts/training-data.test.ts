import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { childRecordSchema } from '../../../domain/child-record.js';

const run = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/training-data.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('npm run training:data', () => {
  it('writes the same valid children as JSON Lines for the same seed and date', () => {
    const a = run(['--count', '25', '--seed', 's1', '--today', '2026-11-24']);
    const b = run(['--count', '25', '--seed', 's1', '--today', '2026-11-24']);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const lines = a.stdout.trim().split('\n');
    expect(lines).toHaveLength(25);
    for (const line of lines) expect(childRecordSchema.safeParse(JSON.parse(line).record).success).toBe(true);
    const other = run(['--count', '25', '--seed', 's2', '--today', '2026-11-24']);
    expect(other.stdout).not.toBe(a.stdout);
  }, 60_000);

  it.each([
    [['--count', '0'], /--count must be a whole number from 1/],
    [['--count', '2.5'], /--count must be a whole number/],
    [['--today', '2026-02-30'], /--today must be a date written YYYY-MM-DD, not "2026-02-30"/],
    [['--size', '5'], /Unknown option '--size'/],
  ])(
    'refuses %j, saying why, and writes nothing',
    (args, message) => {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    },
    60_000,
  );
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm start without the Electron runtime', () => {
  it('explains in one paragraph what is missing and how to get it, with no stack trace', () => {
    const empty = mkdtempSync(join(tmpdir(), 'cp-no-electron-'));
    try {
      const r = spawnSync(process.execPath, ['scripts/start.mjs'], {
        env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(r.status).toBe(1);
      const text = r.stderr.trim();
      expect(text.split('\n')).toHaveLength(1);
      expect(text).toMatch(
        /^ContactPoint cannot start because the Electron runtime \(version \d+\.\d+\.\d+ for \w+-\w+\) is not installed/,
      );
      expect(text).toContain('npx install-electron');
      expect(text).toContain('ELECTRON_OVERRIDE_DIST_PATH');
      expect(text).not.toMatch(/\n\s+at |Error:/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

// The house format is Prettier's, with .prettierrc.json and .editorconfig: checked here so
// CI refuses an unformatted change (npm run format fixes it).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('formatting', () => {
  it('every file Prettier formats is formatted (npm run format:check)', () => {
    const r = spawnSync('node_modules/.bin/prettier', ['--list-different', '.'], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    if (r.error) throw r.error;
    // --list-different names each unformatted file; nothing named, status 0, means clean.
    expect(r.stdout.trim().split('\n').filter(Boolean)).toEqual([]);
    expect(r.stderr.trim()).toBe('');
    expect(r.status).toBe(0);
  }, 240_000);
});

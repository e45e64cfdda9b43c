// A file the user may not read gets a message saying so. As root (in CI containers) no
// file is unreadable, so the refusal comes from a stand-in for fs.open.
import type * as FsPromises from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { failure } from '../../../support/source-files.js';

vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof FsPromises>();
  const refuse = (code: string) => Object.assign(new Error(`${code}: refused, open '/secret/Okafor.csv'`), { code });
  return {
    ...fs,
    open: (path: string, ...rest: never[]) =>
      path.endsWith('eacces.csv')
        ? Promise.reject(refuse('EACCES'))
        : path.endsWith('eio.csv')
          ? Promise.reject(refuse('EIO'))
          : fs.open(path, ...rest),
  };
});

describe('a file that cannot be opened', () => {
  it('is unreadable for want of permission, the message saying what to do', async () => {
    const e = await failure('/secret/eacces.csv');
    expect([e.code, e.row]).toEqual(['unreadable', 0]);
    expect(e.message).toMatch(/^You do not have permission to read this file/);
  });

  it('is unreadable for any other reason, naming the system error but not the path', async () => {
    const e = await failure('/secret/Okafor/eio.csv');
    expect(e.code).toBe('unreadable');
    expect(e.message).toContain('(EIO)');
    expect(e.message).not.toContain('Okafor');
  });
});

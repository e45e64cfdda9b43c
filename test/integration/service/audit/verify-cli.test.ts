// The audit:verify command, run in-process against an embedded store in a temporary
// directory: the service writes entries and closes, then the command checks them.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../../../service/audit/audit-log.js';
import { redactUrl, runVerifyCommand } from '../../../../service/audit/verify-cli.js';
import { openStore } from '../../../../service/store/open-store.js';

let root: string;
let dataDir: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'cp-audit-verify-'));
  dataDir = join(root, 'store');
  const db = await openStore({ dataDir });
  for (let i = 1; i <= 9; i++) {
    await db.transaction((tx) =>
      appendAudit(tx, {
        at: new Date(Date.UTC(2024, 0, 1, 10, i)),
        userId: 'u-1',
        action: 'read',
        cpNumber: 'CP900000003',
        reason: `Visit ${i}`,
      }),
    );
  }
  await db.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runVerifyCommand(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

describe('npm run audit:verify', () => {
  it('reports an intact chain and exits 0, with progress on stderr', async () => {
    const r = await run('--data', dataDir, '--batch-size', '4');
    expect(r).toMatchObject({ code: 0, out: ['audit chain intact: 9 entries'] });
    expect(r.err.at(-1)).toBe('checked 9 of 9 entries (100%)');
  });

  it('reports the first broken entry and exits 1', async () => {
    const db = await openStore({ dataDir });
    await db.query("UPDATE audit_log SET reason = 'Visit 33' WHERE seq = 3");
    await db.close();
    const r = await run('--data', dataDir);
    expect(r.code).toBe(1);
    expect(r.out).toEqual(['audit chain broken at entry 3: hash-mismatch']);
    expect(r.err.join('\n')).toContain('Entry 3 has been changed');
  });

  it('refuses to run without exactly one store, or with an unknown option (exit 2)', async () => {
    for (const argv of [
      [],
      ['--data', dataDir, '--database-url', 'postgres://localhost/cp'],
      ['--data', dataDir, '--fix'],
      ['--data', dataDir, '--batch-size', '0'],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.out).toEqual([]);
      expect(r.err.join('\n')).toContain('Usage: npm run audit:verify');
    }
  });

  it('refuses a directory that holds no store rather than create an empty one and call it intact', async () => {
    const missing = join(root, 'no-such-store');
    const r = await run('--data', missing);
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe(`There is no store in ${missing}.`);
    expect(existsSync(missing)).toBe(false);
  });

  it('never prints the database password', async () => {
    const password = 'S3cret-Pa55word';
    // Port 1: nothing listens there, so the connection is refused at once.
    const r = await run('--database-url', `postgres://auditor:${password}@127.0.0.1:1/contactpoint`);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/Could not read the audit trail/);
    expect([...r.out, ...r.err].join('\n')).not.toContain(password);
  });

  it('takes the password out of any message, however it is spelt in the URL', () => {
    const url = 'postgres://auditor:p%40ss%2Fword@db.example/cp';
    expect(redactUrl(`failed for ${url}: p%40ss%2Fword / p@ss/word`, url)).toBe('failed for postgres://…: *** / ***');
  });
});

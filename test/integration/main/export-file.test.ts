// Exports and reports hold personal data: each is written to a new file of mode 0600
// beside the target and renamed over it, so a file that was there (say 0644, readable
// by everyone) takes the new content with the new mode, and a failed export leaves the
// old file as it was and no temporary file behind. Through the helper itself and
// through the real writers: the audit CSV save, the CLI's dedupe and import reports.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../main/api/client.js';
import { createTransport } from '../../../main/api/transport.js';
import { replaceFile } from '../../../main/export-file.js';
import { createManagementHandlers } from '../../../main/ipc/management-handlers.js';
import { createSessionManager } from '../../../main/session/session-manager.js';
import { CASE_MANAGEMENT_COLUMNS, caseManagementLine, caseManagementRows } from '../../../service/training/exports.js';
import { trainingAccounts } from '../../../service/training/accounts.js';
import { startServiceHarness, totpFor, type ServiceHarness } from '../../support/national-service.js';

const posix = process.platform !== 'win32';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'cp-export-'));
  dirs.push(d);
  return d;
}

/** A file that was there before: readable by everyone. */
function existing(dir: string, name: string, content = 'old content\n'): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o644 });
  if (posix) expect(statSync(path).mode & 0o777).toBe(0o644);
  return path;
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('replaceFile', () => {
  it('replaces an existing 0644 file with the new content at mode 0600', async () => {
    const dir = folder();
    const path = existing(dir, 'report.csv');
    await replaceFile(path, async (write) => {
      await write('a,b\n');
      await write('1,2\n');
    });
    expect(readFileSync(path, 'utf8')).toBe('a,b\n1,2\n');
    if (posix) expect(modeOf(path)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['report.csv']);
  });

  it('leaves the old file as it was, and no temporary file, when the export fails part-way', async () => {
    const dir = folder();
    const path = existing(dir, 'report.csv');
    await expect(
      replaceFile(path, async (write) => {
        await write('half of a report\n');
        throw new Error('the source failed');
      }),
    ).rejects.toThrow('the source failed');
    expect(readFileSync(path, 'utf8')).toBe('old content\n');
    if (posix) expect(modeOf(path)).toBe(0o644);
    expect(readdirSync(dir)).toEqual(['report.csv']);
  });

  it('writes a new file at mode 0600 whatever the umask leaves', async () => {
    const dir = folder();
    const previous = process.umask(0o000);
    try {
      await replaceFile(join(dir, 'new.csv'), (write) => write('x\n'));
    } finally {
      process.umask(previous);
    }
    if (posix) expect(modeOf(join(dir, 'new.csv'))).toBe(0o600);
  });

  it('fails with the file system error when the folder does not exist, leaving nothing', async () => {
    const dir = folder();
    await expect(replaceFile(join(dir, 'missing', 'r.csv'), (write) => write('x'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(readdirSync(dir)).toEqual([]);
  });
});

const run = promisify(execFile);
async function contactpoint(...args: string[]): Promise<number> {
  try {
    await run(process.execPath, ['--import', 'tsx', 'main/cli/contactpoint.ts', ...args]);
    return 0;
  } catch (e) {
    return (e as { code: number }).code;
  }
}

describe('the contactpoint command over an existing 0644 file', () => {
  it('dedupe --out', async () => {
    const dir = folder();
    const input = join(dir, 'in.csv');
    writeFileSync(input, readFileSync('../shared/data/febrl/dataset1.csv', 'utf8').split('\n').slice(0, 40).join('\n'));
    const out = existing(dir, 'pairs.csv');
    expect(await contactpoint('dedupe', '--input', input, '--profile', 'febrl', '--out', out)).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('id_a,id_b,score');
    if (posix) expect(modeOf(out)).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['in.csv', 'pairs.csv']);
  }, 60_000);

  it('import --dry-run --report', async () => {
    const dir = folder();
    const input = join(dir, 'in.csv');
    const rows = [
      ...caseManagementRows({ seed: 'export-mode', count: 10, today: new Date().toISOString().slice(0, 10) }),
    ];
    writeFileSync(input, `${CASE_MANAGEMENT_COLUMNS.join(',')}\n${rows.map(caseManagementLine).join('\n')}\n`);
    const report = existing(dir, 'report.csv');
    expect(
      await contactpoint('import', '--profile', 'case-management', '--input', input, '--dry-run', '--report', report),
    ).toBe(0);
    expect(readFileSync(report, 'utf8').split('\n')[0]).toMatch(/^row,reference,result,/);
    if (posix) expect(modeOf(report)).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['in.csv', 'report.csv']);
  }, 60_000);
});

describe("a management screen's CSV (manage.saveCsv) over an existing 0644 file", () => {
  let service: ServiceHarness;
  beforeAll(async () => {
    service = await startServiceHarness({ trainingCount: 10 });
  });
  afterAll(async () => {
    await service?.close();
  });

  it('is written at mode 0600 with the new rows', async () => {
    const api = createApiClient({
      baseUrl: service.url,
      transport: createTransport({}),
      now: () => service.clock.now().getTime(),
      retryDelaysMs: [10],
    });
    const session = createSessionManager({ api, card: null, idleMs: 60_000, now: () => service.clock.now().getTime() });
    try {
      service.clock.advance(30_000);
      const account = trainingAccounts.find((a) => a.id === 'trn-la-team')!;
      await session.signInToken({
        userId: account.id,
        password: account.password,
        otp: totpFor(account.id, service.clock.now()),
      });
      const dir = folder();
      const path = existing(dir, 'audit.csv');
      const handlers = createManagementHandlers({
        session,
        chooseFile: async () => path,
        accessReasonForHeader: (r) => r,
      });
      const saved = await handlers['manage.saveCsv']({
        suggestedName: 'audit.csv',
        header: ['at', 'action'],
        rows: [['2026-12-01', 'read']],
      });
      expect(saved).toEqual({ saved: true, name: 'audit.csv' });
      expect(readFileSync(path, 'utf8')).toBe('at,action\n2026-12-01,read\n');
      if (posix) expect(modeOf(path)).toBe(0o600);
      expect(readdirSync(dir)).toEqual(['audit.csv']);
    } finally {
      await session.close();
    }
  });
});

// The headless commands, run as a council's scheduler would: a child process, files in
// and out, exit codes.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../../../main/adapter/report.js';
import { generateChildren } from '../../../../service/training/index.js';
import { createTestWorkingSet, fillStore, keyringUnavailable } from '../../../support/working-set.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'cp-cli-'));

async function contactpoint(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, ['--import', 'tsx', 'main/cli/contactpoint.ts', ...args], { env: process.env });
    return { code: 0, stderr };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
}

describe('contactpoint dedupe', () => {
  it('writes id_a,id_b,score for FEBRL dataset1 through the shipped profile, every pair at or above the threshold', async () => {
    const out = join(dir, 'pairs.csv');
    const r = await contactpoint('dedupe', '--input', '../shared/data/febrl/dataset1.csv', '--profile', 'febrl', '--out', out);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id_a,id_b,score');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.length).toBeGreaterThan(450);
    for (const [a, b, score] of rows) {
      expect(a).toMatch(/^rec-\d+-/);
      expect(b).toMatch(/^rec-\d+-/);
      expect(Number(score)).toBeGreaterThanOrEqual(0.5);
    }
    const right = rows.filter(([a, b]) => a!.split('-')[1] === b!.split('-')[1]).length;
    expect(right / rows.length).toBeGreaterThan(0.95);
    expect(r.stderr).toMatch(/1000 records read/);
  });

  it('bad input gets a clear message and its own exit code, and writes nothing', async () => {
    const missing = await contactpoint('dedupe', '--input', join(dir, 'nope.csv'), '--profile', 'febrl', '--out', join(dir, 'x.csv'));
    expect(missing).toMatchObject({ code: 3 });
    expect(missing.stderr).toMatch(/was not found/);
    const wrongColumns = join(dir, 'wrong.csv');
    writeFileSync(wrongColumns, 'id,name\n1,Ann\n');
    const columns = await contactpoint('dedupe', '--input', wrongColumns, '--profile', 'febrl', '--out', join(dir, 'y.csv'));
    expect(columns.code).toBe(3);
    expect(columns.stderr).toMatch(/no column "rec_id"/);
    const unbalanced = join(dir, 'quote.csv');
    writeFileSync(unbalanced, 'rec_id, given_name\nrec-1-org,"Ann\n');
    const quote = await contactpoint('dedupe', '--input', unbalanced, '--profile', 'febrl', '--out', join(dir, 'z.csv'));
    expect(quote.code).toBe(3);
    const profile = join(dir, 'bad-profile.json');
    writeFileSync(profile, JSON.stringify({ profile: 'bad', version: 1 }));
    const badProfile = await contactpoint('dedupe', '--input', '../shared/data/febrl/dataset1.csv', '--profile', profile, '--out', join(dir, 'w.csv'));
    expect(badProfile.code).toBe(3);
    expect(badProfile.stderr).toMatch(/profile .* is not valid: version/);
    const usage = await contactpoint('dedupe', '--input', 'x');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage:/);
  });

  it('a ragged row is skipped with its row number, not silently', async () => {
    const ragged = join(dir, 'ragged.csv');
    const good = readFileSync('../shared/data/febrl/dataset1.csv', 'utf8').split('\n').slice(0, 20).join('\n');
    writeFileSync(ragged, `${good}\nrec-9999-org, only, three\n`);
    const r = await contactpoint('dedupe', '--input', ragged, '--profile', 'febrl', '--out', join(dir, 'r.csv'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/row 21 skipped: it has 3 fields where the header has 11/);
  });

  it('spreadsheet formulas in a cell are neutralised', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+44 1234')).toBe("'+44 1234");
    expect(csvCell('plain')).toBe('plain');
  });
});

const skip = keyringUnavailable();
describe.skipIf(skip !== null)(`contactpoint cleanse${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const ws = createTestWorkingSet();
  afterAll(() => ws.cleanup());

  it('writes a CSV and a JSON report of every open task for a working set', async () => {
    const store = ws.open();
    const children = [...generateChildren({ seed: 'cli-cleanse', count: 1500, today: '2026-11-25' })].map((c) => c.record);
    const formula = { ...children[0]!, involvements: [{ id: 'x', service: '=cmd|calc diagnosis', sensitive: false, leadProfessional: false, cafCompleted: false, startDate: '2025-01-01' }] };
    fillStore(store, [...children.slice(1).map((record) => ({ record })), { record: formula }]);
    store.close();
    const out = join(dir, 'report');
    const r = await contactpoint('cleanse', '--dir', ws.dir, '--account', ws.account, '--out', out, '--today', '2026-11-25');
    expect(r.stderr).toMatch(/1500 records checked/);
    expect(r.code).toBe(0);
    const csv = readFileSync(`${out}.csv`, 'utf8');
    expect(csv.split('\n')[0]).toBe('rule,title,priority,cpNumber,otherCpNumber,field,detail');
    expect(csv).toMatch(/possible-case-information/);
    const json = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { summary: { records: number }; tasks: unknown[]; rules: unknown[] };
    expect(json.summary.records).toBe(1500);
    expect(json.tasks.length).toBe(csv.trim().split('\n').length - 1);
    expect(json.rules.length).toBeGreaterThan(10);
  });

  it('a working set that cannot be opened (wrong account, so no key) is refused with exit code 3', async () => {
    const r = await contactpoint('cleanse', '--dir', ws.dir, '--account', 'no-such-account', '--out', join(dir, 'never'));
    expect(r.code).toBe(3);
    expect(r.stderr.length).toBeGreaterThan(10);
  });
});

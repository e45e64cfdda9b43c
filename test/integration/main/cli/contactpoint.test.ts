// The headless commands, run as a council's scheduler would: a child process, files in
// and out, exit codes.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../../../main/adapter/report.js';
import { readSource } from '../../../../main/adapter/source/index.js';
import { registerCardInStore } from '../../../../service/accounts/card-keys.js';
import {
  CASE_MANAGEMENT_COLUMNS,
  caseManagementLine,
  caseManagementRows,
  type CaseManagementRow,
} from '../../../../service/training/exports.js';
import { generateChildren } from '../../../../service/training/index.js';
import { startServiceHarness, type ServiceHarness } from '../../../support/national-service.js';
import { createSoftHsm, SOFTHSM2_MODULE, type SoftHsm } from '../../../support/softhsm.js';
import { createTestWorkingSet, fillStore, keyringUnavailable } from '../../../support/working-set.js';
import { describeWhere } from '../../../support/skip.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'cp-cli-'));

/** Runs the command as a scheduler would; `--env JSON` (last) adds to its environment. */
async function contactpoint(...args: string[]): Promise<{ code: number; stderr: string }> {
  const at = args.indexOf('--env');
  const env = at >= 0 ? { ...process.env, ...(JSON.parse(args[at + 1]!) as NodeJS.ProcessEnv) } : process.env;
  const argv = at >= 0 ? args.slice(0, at) : args;
  try {
    const { stderr } = await run(process.execPath, ['--import', 'tsx', 'main/cli/contactpoint.ts', ...argv], { env });
    return { code: 0, stderr };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
}

describe('contactpoint dedupe', () => {
  it('writes id_a,id_b,score for FEBRL dataset1 through the shipped profile, every pair at or above the threshold', async () => {
    const out = join(dir, 'pairs.csv');
    const r = await contactpoint(
      'dedupe',
      '--input',
      '../shared/data/febrl/dataset1.csv',
      '--profile',
      'febrl',
      '--out',
      out,
    );
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
    const missing = await contactpoint(
      'dedupe',
      '--input',
      join(dir, 'nope.csv'),
      '--profile',
      'febrl',
      '--out',
      join(dir, 'x.csv'),
    );
    expect(missing).toMatchObject({ code: 3 });
    expect(missing.stderr).toMatch(/was not found/);
    const wrongColumns = join(dir, 'wrong.csv');
    writeFileSync(wrongColumns, 'id,name\n1,Ann\n');
    const columns = await contactpoint(
      'dedupe',
      '--input',
      wrongColumns,
      '--profile',
      'febrl',
      '--out',
      join(dir, 'y.csv'),
    );
    expect(columns.code).toBe(3);
    expect(columns.stderr).toMatch(/no column "rec_id"/);
    const unbalanced = join(dir, 'quote.csv');
    writeFileSync(unbalanced, 'rec_id, given_name\nrec-1-org,"Ann\n');
    const quote = await contactpoint(
      'dedupe',
      '--input',
      unbalanced,
      '--profile',
      'febrl',
      '--out',
      join(dir, 'z.csv'),
    );
    expect(quote.code).toBe(3);
    const profile = join(dir, 'bad-profile.json');
    writeFileSync(profile, JSON.stringify({ profile: 'bad', version: 1 }));
    const badProfile = await contactpoint(
      'dedupe',
      '--input',
      '../shared/data/febrl/dataset1.csv',
      '--profile',
      profile,
      '--out',
      join(dir, 'w.csv'),
    );
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
describeWhere(skip, 'contactpoint cleanse', () => {
  const ws = createTestWorkingSet();
  afterAll(() => ws.cleanup());

  it('writes a CSV and a JSON report of every open task for a working set', async () => {
    const store = ws.open();
    const children = [...generateChildren({ seed: 'cli-cleanse', count: 1500, today: '2026-11-25' })].map(
      (c) => c.record,
    );
    const formula = {
      ...children[0]!,
      involvements: [
        {
          id: 'x',
          service: '=cmd|calc diagnosis',
          sensitive: false,
          leadProfessional: false,
          cafCompleted: false,
          startDate: '2025-01-01',
        },
      ],
    };
    fillStore(store, [...children.slice(1).map((record) => ({ record })), { record: formula }]);
    store.close();
    const out = join(dir, 'report');
    const r = await contactpoint(
      'cleanse',
      '--dir',
      ws.dir,
      '--account',
      ws.account,
      '--out',
      out,
      '--today',
      '2026-11-25',
    );
    expect(r.stderr).toMatch(/1500 records checked/);
    expect(r.code).toBe(0);
    const csv = readFileSync(`${out}.csv`, 'utf8');
    expect(csv.split('\n')[0]).toBe('rule,title,priority,cpNumber,otherCpNumber,field,detail');
    expect(csv).toMatch(/possible-case-information/);
    const json = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as {
      summary: { records: number };
      tasks: unknown[];
      rules: unknown[];
    };
    expect(json.summary.records).toBe(1500);
    expect(json.tasks.length).toBe(csv.trim().split('\n').length - 1);
    expect(json.rules.length).toBeGreaterThan(10);
  });

  it('a working set that cannot be opened (wrong account, so no key) is refused with exit code 3', async () => {
    const r = await contactpoint(
      'cleanse',
      '--dir',
      ws.dir,
      '--account',
      'no-such-account',
      '--out',
      join(dir, 'never'),
    );
    expect(r.code).toBe(3);
    expect(r.stderr.length).toBeGreaterThan(10);
  });
});

describe('contactpoint import', () => {
  const today = new Date().toISOString().slice(0, 10);
  const exportOf = (name: string, rows: CaseManagementRow[]) => {
    const path = join(dir, name);
    writeFileSync(path, `${CASE_MANAGEMENT_COLUMNS.join(',')}\n${rows.map(caseManagementLine).join('\n')}\n`);
    return path;
  };
  const rows = (seed: string, n: number) => [...caseManagementRows({ seed, count: n, today })];

  it('a dry run checks every row, lists what is never sent, writes the report, and exits 0 when every row is valid', async () => {
    const input = exportOf('clean.csv', rows('cli-clean', 50));
    const report = join(dir, 'clean-report.csv');
    const r = await contactpoint(
      'import',
      '--profile',
      'case-management',
      '--input',
      input,
      '--dry-run',
      '--report',
      report,
    );
    expect(r.stderr).toMatch(/50 rows read: 50 valid/);
    expect(r.stderr).toMatch(/Never sent \(their names say they hold case information\): Referral Reason, Case Notes/);
    expect(r.code).toBe(0);
    const text = readFileSync(report, 'utf8');
    expect(text.split('\n')[0]).toBe(
      'row,reference,result,field,column,severity,message,local_match,local_match_cp_number,cp_number',
    );
    expect(text.trim().split('\n').length).toBeGreaterThan(50);
  });

  it('rows rejected give exit code 4, each named by row and field in the report, and no value of a child reaches the console', async () => {
    const some = rows('cli-rejected', 20);
    some[3] = { ...some[3]!, 'Date of Birth': '31/02/2015', Surname: 'Zanzibarova' };
    some[7] = { ...some[7]!, 'Person ID': '=HYPERLINK("http://evil","x")', Gender: 'Q' };
    const input = exportOf('rejected.csv', some);
    const report = join(dir, 'rejected-report.csv');
    const r = await contactpoint('import', '--profile', 'case-management', '--input', input, '--report', report);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/2 rejected/);
    expect(r.stderr).not.toMatch(/Zanzibarova|HYPERLINK/);
    const text = readFileSync(report, 'utf8');
    expect(text).toMatch(/\n5,LCS\d+,rejected,dob,Date of Birth,error,is not a real calendar date/);
    expect(text).toContain(`"'=HYPERLINK(""http://evil"",""x"")",rejected,gender,Gender,error,`);
  });

  it('a file that cannot be read is exit code 3, the message naming the row', async () => {
    const input = join(dir, 'quote.csv');
    writeFileSync(input, `${CASE_MANAGEMENT_COLUMNS.join(',')}\nLCS1,"Ellie\n`);
    const r = await contactpoint('import', '--profile', 'case-management', '--input', input, '--dry-run');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Row 2\b.*never closed/);
    const binary = join(dir, 'workbook.csv');
    writeFileSync(binary, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]));
    const b = await contactpoint('import', '--profile', 'case-management', '--input', binary);
    expect(b.code).toBe(3);
    expect(b.stderr).toMatch(/not a text file/);
  });

  it('a wrong command line is exit code 2', async () => {
    const input = exportOf('usage.csv', rows('cli-usage', 2));
    expect((await contactpoint('import', '--profile', 'case-management')).code).toBe(2);
    expect(
      (await contactpoint('import', '--profile', 'case-management', '--input', input, '--dry-run', '--submit')).code,
    ).toBe(2);
    const noDir = await contactpoint(
      'import',
      '--profile',
      'case-management',
      '--input',
      input,
      '--submit',
      '--service',
      'http://127.0.0.1:9',
    );
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/--submit needs --dir/);
  });
});

describeWhere(skip, 'contactpoint import --submit', () => {
  let h: ServiceHarness;
  let hsm: SoftHsm;
  const ws = createTestWorkingSet();
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    // Real time: the command signs with the computer's clock, in its own process.
    h = await startServiceHarness({ trainingCount: 200, live: true });
    hsm = createSoftHsm();
    const card = await hsm.makeCard({ userId: 'trn-la-team' });
    await registerCardInStore(h.db, 'trn-la-team', card.publicJwk, new Date());
    ws.open().close();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    hsm?.cleanup();
    ws.cleanup();
  });

  const submit = (input: string, env: NodeJS.ProcessEnv, service = h.url) =>
    contactpoint(
      'import',
      '--profile',
      'case-management',
      '--input',
      input,
      '--submit',
      '--dir',
      ws.dir,
      '--account',
      ws.account,
      '--service',
      service,
      '--pkcs11-module',
      SOFTHSM2_MODULE,
      '--env',
      JSON.stringify(env),
    );

  it('signs in with the smartcard, sends every valid row in signed batches and exits 0; the children are in the national index', async () => {
    const input = join(dir, 'submit.csv');
    const some = [...caseManagementRows({ seed: 'cli-submit', count: 30, today })].map((r, i) => ({
      ...r,
      'Person ID': `CLI${i}`,
      'NHS Number': '',
    }));
    writeFileSync(input, `${CASE_MANAGEMENT_COLUMNS.join(',')}\n${some.map(caseManagementLine).join('\n')}\n`);
    const r = await submit(input, { ...hsm.env, CONTACTPOINT_PIN: '123456' });
    expect(r.stderr).toMatch(/Sent: 0 matched to a held child, \d+ new children/);
    expect(r.code).toBe(0);
    const links = await h.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM supply_links WHERE supplier_ref LIKE 'CLI%'",
    );
    expect(links[0]!.n).toBe(30);
    expect(r.stderr).not.toContain('123456');
  }, 120_000);

  it('a wrong PIN or an unreachable service is exit code 5, and nothing is sent', async () => {
    const input = join(dir, 'refused.csv');
    const some = [...caseManagementRows({ seed: 'cli-refused', count: 3, today })].map((r, i) => ({
      ...r,
      'Person ID': `REF${i}`,
    }));
    writeFileSync(input, `${CASE_MANAGEMENT_COLUMNS.join(',')}\n${some.map(caseManagementLine).join('\n')}\n`);
    const wrong = await submit(input, { ...hsm.env, CONTACTPOINT_PIN: '999999' });
    expect(wrong.code).toBe(5);
    expect(wrong.stderr).toMatch(/PIN/);
    expect(wrong.stderr).not.toContain('999999');
    const down = await submit(input, { ...hsm.env, CONTACTPOINT_PIN: '123456' }, 'http://127.0.0.1:9');
    expect(down.code).toBe(5);
    const links = await h.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM supply_links WHERE supplier_ref LIKE 'REF%'",
    );
    expect(links[0]!.n).toBe(0);
  }, 120_000);

  it('a refusal after the check still writes the report: why it stopped first, then every row as checked', async () => {
    const input = join(dir, 'refused-report.csv');
    const some = [...caseManagementRows({ seed: 'cli-refused-report', count: 3, today })].map((r, i) => ({
      ...r,
      'Person ID': `RRP${i}`,
    }));
    writeFileSync(input, `${CASE_MANAGEMENT_COLUMNS.join(',')}\n${some.map(caseManagementLine).join('\n')}\n`);
    const report = join(dir, 'refused-report-out.csv');
    const r = await contactpoint(
      'import',
      '--profile',
      'case-management',
      '--input',
      input,
      '--submit',
      '--dir',
      ws.dir,
      '--account',
      ws.account,
      '--service',
      h.url,
      '--pkcs11-module',
      SOFTHSM2_MODULE,
      '--report',
      report,
      '--env',
      JSON.stringify({ ...hsm.env, CONTACTPOINT_PIN: '999999' }),
    );
    expect(r.code).toBe(5);
    const lines: Record<string, string>[] = [];
    for await (const batch of readSource(report, { type: 'csv' })) for (const x of batch) lines.push(x.fields);
    expect(lines[0]).toMatchObject({ row: '', result: 'stopped', field: '(file)', severity: 'fatal' });
    expect(lines[0]!.message).toMatch(/PIN/);
    expect(lines[0]!.message).not.toContain('999999');
    expect(lines.filter((l) => (l.reference ?? '').startsWith('RRP')).map((l) => [l.row, l.result])).toEqual([
      ['2', 'valid'],
      ['3', 'valid'],
      ['4', 'valid'],
    ]);
  }, 120_000);
});

// Issue 20 item 7, as a new user found it: a FEBRL-style export of 22 rows with one name
// cell written =HYPERLINK("...") unquoted, as real exports write it, must load (the quote
// read as text, the row flagged), and a file that cannot be read must still leave a report.
describe('contactpoint import: loads that finish', () => {
  const febrl = readFileSync('../shared/data/febrl/dataset1.csv', 'utf8').split('\n');
  /** The header and the first 22 rows of FEBRL dataset1 (spreadsheet rows 2-23), `row` replaced. */
  const febrl22 = (name: string, row: number, edit: (cells: string[]) => void) => {
    const lines = febrl.slice(0, 23);
    const cells = lines[row - 1]!.split(',');
    edit(cells);
    lines[row - 1] = cells.join(',');
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return { path, reference: cells[0]!.trim() };
  };
  /** The report's lines after the header, read back with the adapter's own CSV reader. */
  const reportOf = async (path: string) => {
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(
      'row,reference,result,field,column,severity,message,local_match,local_match_cp_number,cp_number',
    );
    const lines: Record<string, string>[] = [];
    for await (const batch of readSource(path, { type: 'csv' })) for (const r of batch) lines.push(r.fields);
    return lines;
  };

  it('a name cell =HYPERLINK("…") unquoted loads: the row is flagged with its column, every other row is checked, and the exit code says rows were rejected', async () => {
    const { path, reference } = febrl22('hyperlink-22.csv', 11, (cells) => {
      cells[1] = ' =HYPERLINK("https://example.org/Featherstonehaugh")';
    });
    const report = join(dir, 'hyperlink-report.csv');
    const r = await contactpoint('import', '--profile', 'febrl', '--input', path, '--dry-run', '--report', report);
    // FEBRL's 4-digit postcodes are not UK postcodes: its rows are rejected (exit 4), none stopped the file (exit 3).
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/22 rows read/);
    expect(r.stderr).not.toMatch(/HYPERLINK|Featherstonehaugh|example\.org/);
    const lines = await reportOf(report);
    // Every row of the file is accounted for (dropped columns aside), and none stopped the load.
    expect(new Set(lines.filter((l) => l.row !== '').map((l) => Number(l.row)))).toEqual(
      new Set(Array.from({ length: 22 }, (_, k) => k + 2)),
    );
    expect(lines.some((l) => l.result === 'stopped' || l.severity === 'fatal')).toBe(false);
    const flagged = lines.filter((l) => l.severity === 'warning' && l.column === 'given_name');
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatchObject({ row: '11', reference, field: '(row)' });
    expect(['valid', 'rejected']).toContain(flagged[0]!.result);
    expect(flagged[0]!.message).toMatch(/^column 2 \(B\): quote inside an unquoted field, read literally/);
    expect(readFileSync(report, 'utf8')).not.toMatch(/Featherstonehaugh/);
  });

  it('a quote never closed stops the file with exit code 3, and the report is still written, naming the row and column; nothing is checked half-way', async () => {
    const { path } = febrl22('unclosed-22.csv', 15, (cells) => {
      cells[2] = ' "lowe';
    });
    const report = join(dir, 'unclosed-report.csv');
    const r = await contactpoint('import', '--profile', 'febrl', '--input', path, '--dry-run', '--report', report);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Row 15, column 3 \(C\) opens a quote that is never closed/);
    expect(r.stderr).toContain(`Report: ${report}`);
    // The fatal line and nothing else: no row was half-checked into the report.
    const lines = await reportOf(report);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      row: '15',
      reference: '',
      result: 'stopped',
      field: '(file)',
      column: 'surname',
      severity: 'fatal',
    });
    expect(lines[0]!.message).toMatch(/^Row 15, column 3 \(C\) opens a quote that is never closed/);
  });

  it('a report is written whatever stopped the import: a file that is not there, a profile that cannot be read', async () => {
    const report = join(dir, 'missing-report.csv');
    writeFileSync(report, 'an old report, replaced\n');
    const missing = await contactpoint(
      'import',
      '--profile',
      'febrl',
      '--input',
      join(dir, 'not-there.csv'),
      '--dry-run',
      '--report',
      report,
    );
    expect(missing.code).toBe(3);
    const lines = await reportOf(report);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ row: '', result: 'stopped', field: '(file)', column: '', severity: 'fatal' });
    expect(lines[0]!.message).toMatch(/not-there\.csv does not exist/);
    const badProfile = join(dir, 'bad-profile.json');
    writeFileSync(badProfile, '{ not json');
    const profile = await contactpoint(
      'import',
      '--profile',
      badProfile,
      '--input',
      join(dir, 'x.csv'),
      '--report',
      report,
    );
    expect(profile.code).toBe(3);
    expect((await reportOf(report)).map((l) => [l.result, l.severity])).toEqual([['stopped', 'fatal']]);
  });
});

describeWhere(skip, 'contactpoint import: loads that finish, with a working set', () => {
  const ws = createTestWorkingSet();
  afterAll(() => ws.cleanup());

  it('a file stopped by a quote never closed leaves no load in the journal; the same file mended loads', async () => {
    const lines = readFileSync('../shared/data/febrl/dataset1.csv', 'utf8').split('\n').slice(0, 23);
    const broken = join(dir, 'ws-unclosed.csv');
    writeFileSync(
      broken,
      `${lines.slice(0, 20).join('\n')}\nrec-1-org, "never closed, x\n${lines.slice(20).join('\n')}\n`,
    );
    const report = join(dir, 'ws-report.csv');
    const args = ['--profile', 'febrl', '--dir', ws.dir, '--account', ws.account, '--dry-run', '--report', report];
    const r = await contactpoint('import', '--input', broken, ...args);
    expect(r.code).toBe(3);
    expect(readFileSync(report, 'utf8').trim().split('\n')).toHaveLength(2);
    const loads = () => {
      const store = ws.open();
      try {
        return (store.db.prepare('SELECT count(*) AS n FROM loads').get() as { n: number }).n;
      } finally {
        store.close();
      }
    };
    expect(loads()).toBe(0);
    const mended = join(dir, 'ws-mended.csv');
    writeFileSync(mended, `${lines.join('\n')}\n`);
    expect((await contactpoint('import', '--input', mended, ...args)).code).toBe(4);
    expect(loads()).toBe(1);
  });
});

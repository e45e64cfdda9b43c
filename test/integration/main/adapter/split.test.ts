// Two threads each reading half of a big file must find exactly what one reader finds:
// the same rows, problems and row numbers, even when the middle of the file falls inside
// a quoted field that spans lines. Real files, real threads, a journal in memory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProfile } from '../../../../domain/adapter/profile.js';
import { checkFile } from '../../../../main/adapter/check.js';
import { findSplit } from '../../../../main/adapter/source/index.js';
import { startAdapterCheckFromSource } from '../../../../main/adapter/check-from-source.js';
import {
  CASE_MANAGEMENT_COLUMNS,
  caseManagementLine,
  caseManagementRows,
  type CaseManagementRow,
} from '../../../../service/training/exports.js';

const today = '2026-12-04';
const dir = mkdtempSync(join(tmpdir(), 'cp-split-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csvProfile = parseProfile(JSON.parse(readFileSync('profiles/case-management.json', 'utf8')) as unknown);

/** What a check found, row by row: the same whoever read the file. */
async function findings(path: string, profile = csvProfile, threads = true) {
  const db = new Database(':memory:');
  try {
    const r = await checkFile({
      path,
      profile,
      today,
      userId: null,
      db,
      ...(threads ? { threads: { start: startAdapterCheckFromSource, count: 2 } } : {}),
    });
    const problems = db
      .prepare('SELECT row, field, message FROM load_problems WHERE load_id = ? ORDER BY row, field, message')
      .all(r.loadId);
    const rows = db.prepare('SELECT row, reference FROM load_rows WHERE load_id = ? ORDER BY row').all(r.loadId);
    return { rows: r.rows, valid: r.valid, rejected: r.rejected, problems, valid_rows: rows };
  } finally {
    db.close();
  }
}

describe('a big file read in two halves', () => {
  it('CSV: the halves find what one reader finds, with the middle inside a quoted field that spans many lines', async () => {
    const a = [...caseManagementRows({ seed: 'split-a', count: 10_000, today })];
    const b = [...caseManagementRows({ seed: 'split-b', count: 10_000, today })].map((r, i) => ({
      ...r,
      'Person ID': `B${i}`,
    }));
    a[20] = { ...a[20]!, 'Date of Birth': '31/02/2015' };
    b[9_000] = { ...b[9_000]!, Gender: 'Q' };
    // Ten rows in the middle hold notes of 90,000 characters over many lines (never mapped):
    // the middle byte of the file falls inside one of them.
    const note = Array.from({ length: 2_000 }, (_, i) => `line ${i} of a long "quoted" note`)
      .join('\n')
      .slice(0, 90_000);
    const middle: CaseManagementRow[] = Array.from({ length: 10 }, (_, i) => ({
      ...a[0]!,
      'Person ID': `MIDDLE${i}`,
      'Case Notes': note,
    }));
    const path = join(dir, 'big.csv');
    writeFileSync(
      path,
      `${CASE_MANAGEMENT_COLUMNS.join(',')}\r\n${[...a, ...middle, ...b].map(caseManagementLine).join('\r\n')}\r\n`,
    );
    const cut = (await findSplit(path, 'csv'))!;
    expect(cut).not.toBeNull();
    // The cut had to pass over quoted lines, and falls at the start of a record: a line of the notes would not start with an ID.
    const text = readFileSync(path);
    expect(cut.offset - Math.floor(cut.size / 2)).toBeGreaterThan(1_000);
    expect(text.subarray(cut.offset, cut.offset + 20).toString()).toMatch(/^(MIDDLE\d|B0,)/);
    // Line feeds inside the quoted notes are not row ends.
    expect(text.subarray(0, cut.offset).toString().split('\n').length - 1).toBeGreaterThan(cut.rowsBefore + 1_000);

    const halves = await findings(path);
    const whole = await findings(path, csvProfile, false);
    expect(halves).toEqual(whole);
    expect(halves.rows).toBe(20_010);
    expect(halves.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 22, field: 'dob' }),
        expect.objectContaining({ row: 1 + 10_000 + 10 + 9_001, field: 'gender' }),
      ]),
    );
  }, 120_000);

  it('JSON Lines: the same, with line numbers carried into the second half', async () => {
    const profile = parseProfile({
      profile: 'jsonl-test',
      version: 2,
      source: { type: 'jsonl' },
      reference: { column: 'id' },
      fields: {
        given: { column: 'name.given' },
        family: { column: 'name.family' },
        gender: { column: 'sex' },
        dob: { column: 'born', date: 'YYYY-MM-DD' },
      },
    });
    const lines = Array.from({ length: 60_000 }, (_, i) =>
      JSON.stringify({
        id: `J${i}`,
        name: { given: 'Ellie', family: `Evans${i % 97}` },
        sex: i === 45_000 ? 'Q' : 'F',
        born: i === 7 ? '2015-02-30' : '2015-03-04',
        note: 'x'.repeat(40),
      }),
    );
    const path = join(dir, 'big.jsonl');
    writeFileSync(path, `${lines.join('\n')}\n`);
    expect(await findSplit(path, 'jsonl')).not.toBeNull();
    const halves = await findings(path, profile);
    const whole = await findings(path, profile, false);
    expect(halves).toEqual(whole);
    expect(halves.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 8, field: 'dob' }),
        expect.objectContaining({ row: 45_001, field: 'gender' }),
      ]),
    );
  }, 120_000);

  it('CSV with stray quotes read as text: the cut follows quotes as the reader does, so the halves find the same rows, numbers and warnings', async () => {
    const rows = [...caseManagementRows({ seed: 'split-stray', count: 20_000, today })];
    // One quote alone in an unquoted cell every 97 rows, and a quoted cell with text after
    // its closing quote every 89: a scan that took every quote as opening or closing a
    // field would lose count of the rows before the cut.
    const body = rows.map(caseManagementLine).map((line, i) => {
      const cells = line.split(',');
      if (i % 97 === 5) cells[1] = `O"${cells[1]}`;
      if (i % 89 === 7) cells[2] = `"${cells[2]}"x`;
      return cells.join(',');
    });
    const path = join(dir, 'stray.csv');
    writeFileSync(path, `${CASE_MANAGEMENT_COLUMNS.join(',')}\n${body.join('\n')}\n`);
    const cut = (await findSplit(path, 'csv'))!;
    expect(cut).not.toBeNull();
    const halves = await findings(path);
    const whole = await findings(path, csvProfile, false);
    expect(halves).toEqual(whole);
    expect(halves.rows).toBe(20_000);
    const warnings = (halves.problems as { row: number; message: string }[]).filter((p) =>
      /read literally/.test(p.message),
    );
    expect(warnings.length).toBe(Math.ceil((20_000 - 5) / 97) + Math.ceil((20_000 - 7) / 89));
    expect(warnings.some((w) => w.row > cut.rowsBefore + 1)).toBe(true);
  }, 120_000);

  it('a fatal error in the second half names the same row as one reader would', async () => {
    const rows = [...caseManagementRows({ seed: 'split-fatal', count: 20_000, today })];
    const path = join(dir, 'fatal.csv');
    const body = rows.map(caseManagementLine);
    body[15_000] = `${body[15_000]},"never closed`;
    writeFileSync(path, `${CASE_MANAGEMENT_COLUMNS.join(',')}\n${body.join('\n')}\n`);
    const halves = await findings(path).catch((e: Error) => e.message);
    const whole = await findings(path, csvProfile, false).catch((e: Error) => e.message);
    expect(typeof halves).toBe('string');
    expect(halves).toBe(whole);
    expect(halves).toMatch(/Row 15002\b/);
  }, 120_000);

  it('a small file, or one with carriage returns alone for line ends, is not cut', async () => {
    const small = join(dir, 'small.csv');
    writeFileSync(small, 'a,b\n1,2\n');
    expect(await findSplit(small, 'csv')).toBeNull();
    const mac = join(dir, 'mac.csv');
    writeFileSync(mac, `a,b\r${'1,2\r'.repeat(2_000_000)}`);
    expect(await findSplit(mac, 'csv')).toBeNull();
  });
});

// A load's report, as CSV (for a spreadsheet) and JSON: each problem by row and field,
// each column that was dropped and why, and each row's local match and outcome. Cells
// are neutralised so a spreadsheet never runs one as a formula (=HYPERLINK(...) from a
// hostile export stays text). Written with mode 0600: the report names children.
import type Database from 'better-sqlite3-multiple-ciphers';
import { getLoad, summaryOf, type LoadSummary } from './loads.js';
import { replaceFile } from '../export-file.js';

/** A CSV cell: quoted when needed; a leading = + - @ tab or CR neutralised so a spreadsheet never runs it. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const REPORT_COLUMNS = [
  'row',
  'reference',
  'result',
  'field',
  'column',
  'severity',
  'message',
  'local_match',
  'local_match_cp_number',
  'cp_number',
] as const;

const DROPPED_MESSAGE = {
  'case-information': 'not sent: its name says it holds case information, which ContactPoint never holds',
  'not-mapped': 'not sent: the profile does not map it',
} as const;

/** The report's lines, in row order (dropped columns first), without the header. */
export function* reportLines(db: Database.Database, loadId: number): Generator<string> {
  const load = getLoad(db, loadId);
  if (!load) return;
  const line = (cells: unknown[]) => cells.map(csvCell).join(',');
  for (const d of load.dropped)
    yield line(['', '', 'dropped column', '', d.column, 'warning', DROPPED_MESSAGE[d.reason], '', '', '']);
  // Rows with problems (rejected or warned) and every valid row, merged in row order, a
  // window at a time: no statement stays open while the file is written.
  const WINDOW = 5000;
  const problemsFrom = db.prepare<
    [number, number, number],
    {
      row: number;
      reference: string | null;
      field: string;
      column_name: string | null;
      message: string;
      severity: string;
    }
  >(
    'SELECT row, reference, field, column_name, message, severity FROM load_problems WHERE load_id = ? AND row >= ? ORDER BY row, rowid LIMIT ?',
  );
  const rowsFrom = db.prepare<
    [number, number, number],
    {
      row: number;
      reference: string;
      match: string | null;
      match_cp: string | null;
      excluded: number;
      status: string | null;
      cp_number: string | null;
      message: string | null;
    }
  >(
    'SELECT row, reference, match, match_cp, excluded, status, cp_number, message FROM load_rows WHERE load_id = ? AND row >= ? ORDER BY row LIMIT ?',
  );
  for (let lo = 0; ;) {
    const ps = problemsFrom.all(loadId, lo, WINDOW);
    const rs = rowsFrom.all(loadId, lo, WINDOW);
    if (ps.length === 0 && rs.length === 0) return;
    // Up to the last row both windows are sure to hold whole.
    let hi = Infinity;
    if (ps.length === WINDOW) hi = ps[ps.length - 1]!.row - 1;
    if (rs.length === WINDOW) hi = Math.min(hi, rs[rs.length - 1]!.row);
    let i = 0;
    let j = 0;
    const valid = new Set(rs.map((x) => x.row));
    while ((i < ps.length && ps[i]!.row <= hi) || (j < rs.length && rs[j]!.row <= hi)) {
      const takeProblem =
        i < ps.length && ps[i]!.row <= hi && (j >= rs.length || rs[j]!.row > hi || ps[i]!.row <= rs[j]!.row);
      if (takeProblem) {
        const x = ps[i++]!;
        yield line([
          x.row,
          x.reference,
          valid.has(x.row) ? 'valid' : 'rejected',
          x.field,
          x.column_name,
          x.severity,
          x.message,
          '',
          '',
          '',
        ]);
      } else {
        const x = rs[j++]!;
        const result = x.excluded === 1 ? 'left out' : (x.status ?? 'valid');
        yield line([
          x.row,
          x.reference,
          result,
          '',
          '',
          x.status === 'invalid' || x.status === 'forbidden' ? 'error' : '',
          x.message ?? '',
          x.match ?? '',
          x.match_cp ?? '',
          x.cp_number ?? '',
        ]);
      }
    }
    if (hi === Infinity) return;
    lo = hi + 1;
  }
}

/**
 * What stopped a load: the file could not be read as a whole (an unclosed quote, a binary
 * file...), the profile or the working set could not be opened, or the national index
 * refused. Its message is written for a person and never quotes a cell.
 */
export interface FatalProblem {
  /** The row it is about, as SourceRow.row; null when it is not about a row. */
  row: number | null;
  /** The column, where known: the header's name, or 'column 3 (C)'. */
  column: string | null;
  message: string;
}

/** The report's line for what stopped the load: result 'stopped', severity 'fatal'. */
export function fatalLine(fatal: FatalProblem): string {
  return [fatal.row ?? '', '', 'stopped', '(file)', fatal.column ?? '', 'fatal', fatal.message, '', '', '']
    .map(csvCell)
    .join(',');
}

/**
 * Writes the CSV report (mode 0600, replacing any file there: export-file.ts); resolves
 * when it is on disk. With `fatal`, the load was stopped: its line comes first, then
 * whatever the load holds (nothing, when the file stopped the check: no row is half-loaded).
 */
export async function writeCsvReport(
  db: Database.Database | null,
  loadId: number | null,
  path: string,
  fatal?: FatalProblem,
): Promise<void> {
  await replaceFile(path, async (write) => {
    await write(`${REPORT_COLUMNS.join(',')}\n`);
    if (fatal) await write(`${fatalLine(fatal)}\n`);
    if (db !== null && loadId !== null) for (const l of reportLines(db, loadId)) await write(`${l}\n`);
  });
}

/** The load's summary, for the JSON report and the screen. */
export function reportSummary(db: Database.Database, loadId: number): LoadSummary | null {
  const load = getLoad(db, loadId);
  return load ? summaryOf(load) : null;
}

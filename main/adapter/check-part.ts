// One part of a check: every row of the file is read (reading is cheap), and the rows
// whose position falls to this part are mapped, validated and matched to the working
// set. Two parts run in two threads on a two-core PC; one part runs inline. What a part
// sends back is small: the problems, the valid rows' references and local matches, the
// column names it met, and counts.
import type Database from 'better-sqlite3-multiple-ciphers';
import { compileMapping, type RowProblem } from '../../domain/adapter/mapping.js';
import type { Profile } from '../../domain/adapter/profile.js';
import { createLocalMatcher, type LocalMatch } from './local-match.js';
import { readSource, type SourceFormat } from './source/index.js';

export interface CheckPartRequest {
  path: string;
  profile: Profile;
  /** The load's date (YYYY-MM-DD): received-at when the profile maps none, and "today" for date rules. */
  today: string;
  part: number;
  parts: number;
  /** This part reads only this range of the file (and checks every row in it), instead of every row and each `parts`-th. */
  range?: { start: number; end: number; firstRow: number; columns?: string[]; encoding?: 'utf-8' | 'windows-1252' };
}

export interface CheckedRow {
  row: number;
  reference: string | null;
  /** Only rows with problems carry them. */
  problems?: RowProblem[];
  /** Valid rows: the local match, when there is a working set to match against. */
  match?: LocalMatch;
}

/** A slice of a part's results: sent as it goes, so nothing big is held. */
export interface CheckSlice {
  /** Rows with something more to say (problems, a local match), in full. */
  rows: CheckedRow[];
  /**
   * Valid rows with nothing more to say (nearly all): how many, and [row, reference] pairs
   * as one JSON text, which costs next to nothing to send between threads and is saved by
   * one statement (SQLite's json_each) instead of a value bound at a time.
   */
  plain: { count: number; json: string };
  /** Bytes of the file read so far, and its size. */
  bytesRead: number;
  totalBytes: number;
}

export interface CheckPartEnd {
  /** Rows read: the whole file's (every part reads all of them), or its range's. */
  rows: number;
  /** Column names met, in first-seen order. */
  columns: string[];
}

/**
 * The heap of each check thread: a part holds only a slice or two of results at a time,
 * so a small old generation is enough, and keeps the whole check near 300 MiB (the
 * benchmark measures it); a larger young generation keeps its garbage cheap.
 */
export const CHECK_THREAD_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 32 } as const;

export function sourceFormatOf(profile: Profile): SourceFormat {
  const s = profile.source;
  return s.type === 'csv'
    ? { type: 'csv', delimiter: s.delimiter, encoding: s.encoding }
    : s.type === 'jsonl'
      ? { type: 'jsonl', encoding: s.encoding }
      : { type: 'xml', recordElement: s.recordElement };
}

/**
 * Checks this part's rows, calling `onSlice` with each batch's results (and waiting for
 * it, so a part never runs far ahead of what is saved). A problem with
 * the file as a whole (unreadable, wrong encoding, an XML bomb...) throws the reader's
 * SourceError, which names the row.
 */
export async function checkPart(
  request: CheckPartRequest,
  options: {
    workingSet?: Database.Database | null;
    signal?: AbortSignal;
    onSlice: (slice: CheckSlice) => void | Promise<void>;
  },
): Promise<CheckPartEnd> {
  const { part, parts } = request;
  const mapping = compileMapping(request.profile, { today: request.today });
  const match = options.workingSet ? createLocalMatcher(options.workingSet) : null;
  const columns = new Set<string>();
  let index = 0;
  let bytesRead = 0;
  let totalBytes = 0;
  const source = readSource(request.path, sourceFormatOf(request.profile), {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(request.range ? { range: request.range } : {}),
    onProgress: (read, total) => {
      bytesRead = read;
      totalBytes = total;
    },
  });
  for await (const batch of source) {
    const out: CheckedRow[] = [];
    const plain: [number, string][] = [];
    for (const r of batch) {
      // Every part notes the columns of every row: JSON Lines and XML rows differ.
      if (index < 1000 || request.profile.source.type !== 'csv') for (const c in r.fields) columns.add(c);
      if (index++ % parts !== part) continue;
      // What the reader read leniently (a quote read as text) is a warning on the row, by its column.
      const read: RowProblem[] =
        r.warnings === undefined
          ? []
          : r.warnings.map((w) => ({ field: '(row)', column: w.column, message: w.message, severity: 'warning' }));
      if (r.problem !== undefined) {
        out.push({
          row: r.row,
          reference: null,
          problems: [{ field: '(row)', column: null, message: r.problem, severity: 'error' }, ...read],
        });
        continue;
      }
      const mapped = mapping.map(r.fields, r.row);
      const problems = read.length > 0 ? [...read, ...mapped.problems] : mapped.problems;
      if (mapped.record === null) {
        out.push({ row: r.row, reference: mapped.reference, problems });
      } else if (problems.length === 0 && !match && mapped.reference !== null) {
        plain.push([r.row, mapped.reference]);
      } else {
        const checked: CheckedRow = { row: r.row, reference: mapped.reference };
        if (problems.length > 0) checked.problems = problems;
        if (match) checked.match = match(mapped.record);
        out.push(checked);
      }
    }
    await options.onSlice({
      rows: out,
      plain: { count: plain.length, json: JSON.stringify(plain) },
      bytesRead,
      totalBytes,
    });
  }
  return { rows: index, columns: [...columns] };
}

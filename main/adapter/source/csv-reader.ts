// CSV as RFC 4180 has it, with a header row naming the columns, for files of millions of
// rows. It scans decoded text with indexOf for the next delimiter, line end and quote
// (remembered until passed), so the cost is a few native scans and one slice per field.
// Only the field in progress is carried from one chunk of text to the next, and never
// more than about maxField of it.
import type { Position, RowParser } from './row-parser.js';
import { SourceError } from './source-error.js';
import { maxColumns, type SourceRow } from './source-format.js';

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;

export interface CsvOptions {
  delimiter: string;
  maxField: number;
  /** A range of a file past its header: the header's names, and the spreadsheet row the range starts at. */
  columns?: string[];
  firstRow?: number;
}

/** Refuses a delimiter that cannot separate fields: empty, longer than one character, a quote or a line break. */
export function checkDelimiter(delimiter: string): void {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new SourceError(
      'unreadable',
      'The delimiter must be one character other than a quote or a line break: choose another.',
      0,
    );
  }
}

/** A column as a person finds it in a spreadsheet: 'column 3 (C)'. */
export function columnLabel(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return `column ${index + 1} (${letters})`;
}

export class CsvParser implements RowParser {
  private readonly delimiter: string;
  private readonly delimiterCode: number;
  private readonly maxField: number;
  /** Spaces around a quoted field are dropped, unless spaces are what separate fields. */
  private readonly padded: boolean;
  private names: string[] | null = null;
  private header: string[] = [];
  /**
   * Each row's fields start as a copy of this: every column present, in header order. Made by
   * JSON.parse, V8 gives it a fixed shape with room for every field, so a copy costs one
   * allocation and the stores that fill it add no properties: nearly twice as fast as
   * building each row up from {}. Every name is an own property, `__proto__` included, so
   * a plain assignment sets it.
   */
  private template: Record<string, string> = {};
  /** The spreadsheet row of the record being read. */
  private row = 1;
  private fields: Record<string, string> = {};
  /** Fields complete in this record. */
  private col = 0;
  /** The unfinished field, from its start (a quoted one from its opening quote). */
  private carry = '';
  /** In a carried quoted field: where to go on looking for its closing quote; -1 when none is carried. */
  private quoteFrom = -1;
  private quoteDoubled = false;
  /** The last text ended with CR: a LF starting the next is the same line end. */
  private skipLf = false;

  constructor(options: CsvOptions) {
    checkDelimiter(options.delimiter);
    this.delimiter = options.delimiter;
    this.delimiterCode = options.delimiter.charCodeAt(0);
    this.maxField = options.maxField;
    this.padded = options.delimiter !== ' ';
    if (options.columns) {
      this.names = [...options.columns];
      this.template = templateOf(this.names);
      this.fields = { ...this.template };
    }
    if (options.firstRow !== undefined) this.row = options.firstRow;
  }

  columns(): string[] | null {
    return this.names === null ? null : [...this.names];
  }

  position(): Position {
    return { row: this.row, where: `Row ${this.row}` };
  }

  push(text: string, out: SourceRow[]): void {
    let s = text;
    if (this.skipLf) {
      this.skipLf = false;
      if (s.charCodeAt(0) === LF) s = s.slice(1);
    }
    if (this.carry !== '') {
      s = this.carry + s;
      this.carry = '';
    }
    this.scan(s, false, out);
  }

  end(out: SourceRow[]): void {
    const s = this.carry;
    this.carry = '';
    this.scan(s, true, out);
    if (this.names === null)
      throw new SourceError('empty', 'The file is empty: it has no header row naming the columns, and no data.', 0);
  }

  /** Reads the fields and records in `s`; unless `final`, the unfinished field is carried to the next text. */
  private scan(s: string, final: boolean, out: SourceRow[]): void {
    const n = s.length;
    const maxField = this.maxField;
    let i = 0;
    // The next delimiter, LF, CR and quote at or after i (n: none); recomputed once passed.
    let nextD = -1;
    let nextLf = -1;
    let nextCr = -1;
    let nextQ = -1;
    let resume = this.quoteFrom;
    this.quoteFrom = -1;
    for (;;) {
      if (i >= n) {
        // At the start of a field with no text left: after a delimiter at the very end, the last field is empty.
        if (final && this.col > 0) {
          this.field('');
          this.endRecord(out);
        }
        return;
      }
      let q: number;
      if (resume >= 0) {
        q = i;
      } else {
        if (nextD < i) nextD = indexOr(s, this.delimiter, i, n);
        if (nextLf < i) nextLf = indexOr(s, '\n', i, n);
        if (nextCr < i) nextCr = indexOr(s, '\r', i, n);
        if (nextQ < i) nextQ = indexOr(s, '"', i, n);
        const lineEnd = nextLf < nextCr ? nextLf : nextCr;
        const end = nextD < lineEnd ? nextD : lineEnd;
        if (nextQ >= end) {
          // An unquoted field.
          if (end - i > maxField) throw this.tooLong(false);
          if (end === n && !final) {
            this.carry = s.slice(i);
            return;
          }
          if (end === nextD) {
            this.field(s.slice(i, end));
            i = end + 1;
            continue;
          }
          if (this.col === 0 && end === i)
            this.row++; // a blank line: skipped, but a row all the same
          else {
            this.field(s.slice(i, end));
            this.endRecord(out);
          }
          if (end === n) return;
          i = this.afterLineEnd(s, end, final);
          continue;
        }
        if (!(nextQ === i || (this.padded && onlySpaces(s, i, nextQ)))) throw this.strayQuote();
        q = nextQ;
      }

      // A quoted field opening at q: find its closing quote, a doubled quote being a quote.
      let from = resume >= 0 ? resume : q + 1;
      let doubled = resume >= 0 ? this.quoteDoubled : false;
      resume = -1;
      let close: number;
      for (;;) {
        const k = s.indexOf('"', from);
        if (k < 0 && final) throw this.unclosed();
        // Not found yet, or last in the text so that a doubled quote may follow.
        if (k < 0 || (k === n - 1 && !final)) return this.carryQuoted(s, q, k < 0 ? n : k, doubled);
        if (k + 1 < n && s.charCodeAt(k + 1) === QUOTE) {
          doubled = true;
          from = k + 2;
          continue;
        }
        close = k;
        break;
      }
      if (close - q - 1 > maxField && decodedLength(s, q + 1, close, doubled) > maxField) throw this.tooLong(true);
      // After the closing quote: spaces, then a delimiter, a line end or the end of the file.
      let j = close + 1;
      if (this.padded) while (j < n && s.charCodeAt(j) === SPACE) j++;
      if (j === n && !final) return this.carryQuoted(s, q, close, doubled);
      const value = doubled ? s.slice(q + 1, close).replaceAll('""', '"') : s.slice(q + 1, close);
      if (j === n) {
        this.field(value);
        this.endRecord(out);
        return;
      }
      const c = s.charCodeAt(j);
      if (c === this.delimiterCode) {
        this.field(value);
        i = j + 1;
      } else if (c === LF || c === CR) {
        this.field(value);
        this.endRecord(out);
        i = this.afterLineEnd(s, j, final);
      } else {
        throw this.strayQuote();
      }
    }
  }

  /** Past the line end at `at` (CR, LF or CRLF, which may be split across two texts). */
  private afterLineEnd(s: string, at: number, final: boolean): number {
    const next = at + 1;
    if (s.charCodeAt(at) !== CR) return next;
    if (next < s.length) return s.charCodeAt(next) === LF ? next + 1 : next;
    if (!final) this.skipLf = true;
    return next;
  }

  /** Carries a quoted field, opened at q, into the next text, going on from `scanFrom`. */
  private carryQuoted(s: string, q: number, scanFrom: number, doubled: boolean): void {
    if (s.length - q - 1 > this.maxField && decodedLength(s, q + 1, s.length, doubled) > this.maxField)
      throw this.tooLong(true);
    this.carry = s.slice(q);
    this.quoteFrom = scanFrom - q;
    this.quoteDoubled = doubled;
  }

  private field(value: string): void {
    const col = this.col++;
    if (this.names === null) {
      if (col >= maxColumns) {
        throw new SourceError(
          'too-many-columns',
          `The header (row ${this.row}) has more than ${maxColumns} columns: check the delimiter is the one the file uses.`,
          this.row,
        );
      }
      this.header.push(value);
    } else if (col < this.names.length) {
      this.fields[this.names[col]!] = value;
    }
  }

  private endRecord(out: SourceRow[]): void {
    if (this.names === null) {
      this.names = headerNames(this.header, this.row);
      this.template = templateOf(this.names);
    } else {
      const expected = this.names.length;
      if (this.col === expected) out.push({ row: this.row, fields: this.fields });
      else {
        // Missing columns are absent, not empty.
        for (let k = this.col; k < expected; k++) delete this.fields[this.names[k]!];
        out.push({
          row: this.row,
          fields: this.fields,
          problem: `has ${this.col} fields where the header has ${expected}`,
        });
      }
    }
    this.fields = { ...this.template };
    this.col = 0;
    this.row++;
  }

  private strayQuote(): SourceError {
    return new SourceError(
      'stray-quote',
      `Row ${this.row}, ${columnLabel(this.col)} has a quote that neither opens nor closes the field: put the whole field in quotes and double any quote inside it, or remove it.`,
      this.row,
    );
  }

  private unclosed(): SourceError {
    return new SourceError(
      'unclosed-quote',
      `Row ${this.row}, ${columnLabel(this.col)} opens a quote that is never closed: close it, or double a quote meant as text.`,
      this.row,
    );
  }

  private tooLong(quoted: boolean): SourceError {
    const hint = quoted ? ' (if it should not be, its opening quote may never be closed)' : '';
    return new SourceError(
      'field-too-long',
      `Row ${this.row}, ${columnLabel(this.col)} is longer than ${this.maxField} characters${hint}: shorten it in the source system, or check the file is the right one.`,
      this.row,
    );
  }
}

/** Every column present, in header order, made by JSON.parse so that V8 gives it a fixed shape. */
function templateOf(names: readonly string[]): Record<string, string> {
  return JSON.parse(JSON.stringify(Object.fromEntries(names.map((name) => [name, ''])))) as Record<string, string>;
}

/** The header's names, trimmed; an empty or repeated one is refused, naming the column. */
function headerNames(header: string[], row: number): string[] {
  const names = header.map((h) => h.trim());
  const seen = new Map<string, number>();
  names.forEach((name, k) => {
    if (name === '')
      throw new SourceError(
        'header',
        `The header (row ${row}) has no name for ${columnLabel(k)}: give every column a name.`,
        row,
      );
    const first = seen.get(name);
    if (first !== undefined) {
      throw new SourceError(
        'header',
        `The header (row ${row}) gives ${columnLabel(first)} and ${columnLabel(k)} the same name: give each column its own name.`,
        row,
      );
    }
    seen.set(name, k);
  });
  return names;
}

function indexOr(s: string, search: string, from: number, none: number): number {
  const at = s.indexOf(search, from);
  return at < 0 ? none : at;
}

function onlySpaces(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (s.charCodeAt(k) !== SPACE) return false;
  return true;
}

/** The length of quoted text from..to once each doubled quote is one. */
function decodedLength(s: string, from: number, to: number, doubled: boolean): number {
  if (!doubled) return to - from;
  let quotes = 0;
  for (let k = s.indexOf('"', from); k >= 0 && k < to; k = s.indexOf('"', k + 1)) quotes++;
  return to - from - Math.floor(quotes / 2);
}

// CSV as RFC 4180 has it, with a header row naming the columns, for files of millions of
// rows. It scans decoded text with indexOf for the next delimiter, line end and quote
// (remembered until passed), so the cost is a few native scans and one slice per field.
// Only the field in progress is carried from one chunk of text to the next, and never
// more than about maxField of it.
//
// A stray quote does not stop the file. Real exports hold them (a name cell typed as
// =HYPERLINK("..."), O"Brien, a nickname in quotes), one in a million rows, and a council's
// scheduled load must not fail for it. As the common lenient parsers do (Python's csv in
// its default mode, Papa Parse), a quote inside an unquoted field is text. A quoted field
// whose closing quote text follows ("x"y) goes on, as in Python's csv, as an unquoted field
// to the next delimiter or line end, that quote kept as text (Python drops it). The row is
// read, not rejected, and carries a warning naming its column: the quote is
// nearly always meant as text, and rejecting the row would leave a child out of the index
// for a punctuation mark, while the warning puts it in the report for the team to correct
// at source; the row is still validated like any other (a name that is a formula fails
// there), and a quote that moved the field boundaries shows as a ragged row, rejected.
// Only a quote opened and never closed stops the file: nothing after it can be trusted. A
// quoted field that ran over a line end and "closes" with text after it is taken as one:
// the quote it closes on is most likely a later field's opening quote, and reading on
// would swallow whole rows into one field.
import type { Position, RowParser } from './row-parser.js';
import { utf8Field } from './encoding.js';
import { SourceError } from './source-error.js';
import { maxColumns, type SourceRow, type SourceWarning } from './source-format.js';

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;

export const QUOTE_IN_UNQUOTED_FIELD = 'quote inside an unquoted field, read literally';
export const TEXT_AFTER_CLOSING_QUOTE = 'text after the closing quote of a quoted field, read literally';
const QUOTE_ADVICE = 'check the value; to be sure of it, quote the whole field and double each quote inside it';

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
  /** The warnings of the record being read; null when none (the common case costs nothing). */
  private warnings: SourceWarning[] | null = null;
  /** The last text ended with CR: a LF starting the next is the same line end. */
  private skipLf = false;
  /** The text is UTF-8 as its bytes, one character each (textIsUtf8Bytes): a field holding any byte above ASCII is decoded. */
  private utf8Bytes = false;
  /** In the text being scanned, the first byte above ASCII at or after the last field (its length: none). */
  private nextHigh = -1;
  /** Whether the delimiter is ASCII, so that text read as UTF-8 bytes can be split as it is. */
  readonly splitsOnAscii: boolean;

  constructor(options: CsvOptions) {
    checkDelimiter(options.delimiter);
    this.delimiter = options.delimiter;
    this.delimiterCode = options.delimiter.charCodeAt(0);
    this.maxField = options.maxField;
    this.padded = options.delimiter !== ' ';
    this.splitsOnAscii = this.delimiterCode < 0x80;
    if (options.columns) {
      this.names = [...options.columns];
      this.template = templateOf(this.names);
      this.fields = { ...this.template };
    }
    if (options.firstRow !== undefined) this.row = options.firstRow;
  }

  /** Says whether the text pushed from now on is UTF-8 as its bytes (only with an ASCII delimiter). */
  textIsUtf8Bytes(yes: boolean): void {
    if (yes && !this.splitsOnAscii) throw new RangeError('a delimiter above ASCII needs decoded text');
    this.utf8Bytes = yes;
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
    this.nextHigh = -1;
    const bytes = this.utf8Bytes;
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
        if (nextQ < end && (nextQ === i || (this.padded && onlySpaces(s, i, nextQ)))) {
          q = nextQ;
        } else {
          // An unquoted field; a quote inside it is text (see the top of this file).
          if (end - i > maxField && (!bytes || decodedLength(s, i, end, false, true) > maxField))
            throw this.tooLong(false);
          if (end === n && !final) {
            this.carry = s.slice(i);
            return;
          }
          if (nextQ < end) this.warn(QUOTE_IN_UNQUOTED_FIELD);
          if (end === nextD) {
            this.field(bytes ? this.decoded(s, i, end, s.slice(i, end)) : s.slice(i, end));
            i = end + 1;
            continue;
          }
          if (this.col === 0 && end === i)
            this.row++; // a blank line: skipped, but a row all the same
          else {
            this.field(bytes ? this.decoded(s, i, end, s.slice(i, end)) : s.slice(i, end));
            this.endRecord(out);
          }
          if (end === n) return;
          i = this.afterLineEnd(s, end, final);
          continue;
        }
      }

      // A quoted field opening at q: find its closing quote, a doubled quote being a quote.
      let from = resume >= 0 ? resume : q + 1;
      let doubled = resume >= 0 ? this.quoteDoubled : false;
      resume = -1;
      let close: number;
      // Past the field: at a delimiter, a line end or the end of the text.
      let j: number;
      // Text followed the closing quote: the field went on to j.
      let loose = false;
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
        let after = k + 1;
        if (this.padded) while (after < n && s.charCodeAt(after) === SPACE) after++;
        if (after === n && !final) return this.carryQuoted(s, q, k, doubled);
        close = k;
        j = after;
        const c = after < n ? s.charCodeAt(after) : -1;
        if (c === -1 || c === this.delimiterCode || c === LF || c === CR) break;
        // Text follows the closing quote. When the quoted text ran over a line end, this is
        // most likely the opening quote of a later field and the quote at q was never closed:
        // reading on would swallow whole rows into one field, so the file stops there.
        if (lineEndIn(s, q + 1, k)) throw this.unclosed();
        // Otherwise the field goes on, unquoted, to the next delimiter or line end (see the top of this file).
        j = Math.min(indexOr(s, this.delimiter, after, n), indexOr(s, '\n', after, n), indexOr(s, '\r', after, n));
        if (j - q > maxField + 2 && decodedLength(s, q + 1, j, doubled, bytes) > maxField) throw this.tooLong(true);
        if (j === n && !final) return this.carryQuoted(s, q, k, doubled);
        loose = true;
        break;
      }
      if (close - q - 1 > maxField && decodedLength(s, q + 1, close, doubled, bytes) > maxField)
        throw this.tooLong(true);
      let value = doubled ? s.slice(q + 1, close).replaceAll('""', '"') : s.slice(q + 1, close);
      if (loose) {
        this.warn(TEXT_AFTER_CLOSING_QUOTE);
        value += s.slice(close, j);
      }
      if (bytes) value = this.decoded(s, q + 1, j, value);
      if (j === n) {
        this.field(value);
        this.endRecord(out);
        return;
      }
      const c = s.charCodeAt(j);
      if (c === this.delimiterCode) {
        this.field(value);
        i = j + 1;
      } else {
        this.field(value);
        this.endRecord(out);
        i = this.afterLineEnd(s, j, final);
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
    if (s.length - q - 1 > this.maxField && decodedLength(s, q + 1, s.length, doubled, this.utf8Bytes) > this.maxField)
      throw this.tooLong(true);
    this.carry = s.slice(q);
    this.quoteFrom = scanFrom - q;
    this.quoteDoubled = doubled;
  }

  /** A field read from s[from, to) as UTF-8 bytes: decoded when it holds a byte above ASCII (a few fields in a file). */
  private decoded(s: string, from: number, to: number, value: string): string {
    if (this.nextHigh < from) {
      HIGH.lastIndex = from;
      this.nextHigh = HIGH.test(s) ? HIGH.lastIndex - 1 : s.length;
    }
    return this.nextHigh < to ? utf8Field(value) : value;
  }

  /** Notes a quote read as text in the field in progress, naming its column, never its value. */
  private warn(what: string): void {
    if (this.names === null) return; // the header: its names are checked as names
    const column = this.col < this.names.length ? this.names[this.col]! : columnLabel(this.col);
    (this.warnings ??= []).push({ column, message: `${columnLabel(this.col)}: ${what}: ${QUOTE_ADVICE}` });
  }

  /** The column of the field in progress, for an error: the header's name where there is one. */
  private columnName(): string {
    return this.names !== null && this.col < this.names.length ? this.names[this.col]! : columnLabel(this.col);
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
      const warnings = this.warnings;
      if (this.col === expected)
        out.push(
          warnings === null ? { row: this.row, fields: this.fields } : { row: this.row, fields: this.fields, warnings },
        );
      else {
        // Missing columns are absent, not empty.
        for (let k = this.col; k < expected; k++) delete this.fields[this.names[k]!];
        out.push({
          row: this.row,
          fields: this.fields,
          problem: `has ${this.col} fields where the header has ${expected}`,
          ...(warnings === null ? {} : { warnings }),
        });
      }
    }
    this.warnings = null;
    this.fields = { ...this.template };
    this.col = 0;
    this.row++;
  }

  private unclosed(): SourceError {
    return new SourceError(
      'unclosed-quote',
      `Row ${this.row}, ${columnLabel(this.col)} opens a quote that is never closed: close it, or double a quote meant as text.`,
      this.row,
      this.columnName(),
    );
  }

  private tooLong(quoted: boolean): SourceError {
    const hint = quoted ? ' (if it should not be, its opening quote may never be closed)' : '';
    return new SourceError(
      'field-too-long',
      `Row ${this.row}, ${columnLabel(this.col)} is longer than ${this.maxField} characters${hint}: shorten it in the source system, or check the file is the right one.`,
      this.row,
      this.columnName(),
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

/** A byte above ASCII, in text read as UTF-8 bytes. */
const HIGH = /[\u0080-\u00ff]/g;

/**
 * The length in characters of text from..to once each doubled quote is one; in text read
 * as UTF-8 bytes (`bytes`), a continuation byte (0x80-0xBF) is not a character of its own.
 */
function decodedLength(s: string, from: number, to: number, doubled: boolean, bytes: boolean): number {
  let length = to - from;
  if (doubled) {
    let quotes = 0;
    for (let k = s.indexOf('"', from); k >= 0 && k < to; k = s.indexOf('"', k + 1)) quotes++;
    length -= Math.floor(quotes / 2);
  }
  if (bytes) {
    for (let k = from; k < to; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0x80 && c < 0xc0) length--;
    }
  }
  return length;
}

/** Whether s holds a line end between from and to. */
function lineEndIn(s: string, from: number, to: number): boolean {
  const lf = s.indexOf('\n', from);
  if (lf >= 0 && lf < to) return true;
  const cr = s.indexOf('\r', from);
  return cr >= 0 && cr < to;
}

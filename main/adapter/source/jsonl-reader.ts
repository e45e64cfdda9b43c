// JSON Lines: each line one JSON object, flattened to fields. A line that is not an
// object is a row with a problem, and the read goes on; a line too long to be a record
// stops it before it is held whole.
import { jsonFields, TooDeep, maxDepth } from './json-fields.js';
import type { Position, RowParser } from './row-parser.js';
import { SourceError } from './source-error.js';
import type { SourceRow } from './source-format.js';

/** A line may hold many fields, so it may be this many times the longest field. */
export const lineFactor = 10;

export class JsonlParser implements RowParser {
  private readonly maxLine: number;
  /** Lines completed. */
  private line = 0;
  private carry = '';
  private sawRecord = false;

  constructor(
    private readonly maxField: number,
    /** The line a range of the file starts at (1 for the whole file). */
    firstLine = 1,
  ) {
    this.maxLine = maxField * lineFactor;
    this.line = firstLine - 1;
  }

  columns(): null {
    return null;
  }

  position(): Position {
    return { row: this.line + 1, where: `Line ${this.line + 1}` };
  }

  push(text: string, out: SourceRow[]): void {
    const s = this.carry === '' ? text : this.carry + text;
    let start = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', start)) {
      this.take(s, start, nl, out);
      start = nl + 1;
    }
    if (s.length - start > this.maxLine) throw this.tooLong(this.line + 1);
    this.carry = s.slice(start);
  }

  end(out: SourceRow[]): void {
    if (this.carry !== '') this.take(this.carry, 0, this.carry.length, out);
    this.carry = '';
    if (!this.sawRecord) throw new SourceError('empty', 'The file is empty: it has no lines of data.', 0);
  }

  private take(s: string, from: number, to: number, out: SourceRow[]): void {
    const row = ++this.line;
    const end = to > from && s.charCodeAt(to - 1) === 13 ? to - 1 : to; // CRLF
    if (end - from > this.maxLine) throw this.tooLong(row);
    const line = s.slice(from, end);
    if (line.trim() === '') return;
    this.sawRecord = true;
    try {
      const fields = jsonFields(line, { maxField: this.maxField, where: `Line ${row}`, row });
      out.push(fields === null ? { row, fields: {}, problem: 'is not a JSON object' } : { row, fields });
    } catch (e) {
      if (!(e instanceof TooDeep)) throw e;
      out.push({ row, fields: {}, problem: `nests deeper than ${maxDepth} levels` });
    }
  }

  private tooLong(row: number): SourceError {
    return new SourceError(
      'field-too-long',
      `Line ${row} is longer than ${this.maxLine} characters: check the file holds one record per line.`,
      row,
    );
  }
}

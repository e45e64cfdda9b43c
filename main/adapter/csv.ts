// A streaming CSV reader (RFC 4180 quoting, any one-character delimiter, UTF-8 with or
// without a byte-order mark). Constant memory: rows are yielded as they complete, and a
// field may span lines inside quotes. Bad input stops the read with an error that names
// the row (counting the header as row 1), never a silent partial read.
import { createReadStream } from 'node:fs';

export class CsvError extends Error {
  constructor(
    message: string,
    readonly row: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

export interface CsvOptions {
  delimiter?: string;
  /** The longest field accepted, in characters. */
  maxField?: number;
}

/** Rows of a CSV file as arrays of strings, with their row numbers (1 = the first line). */
export async function* readCsvRows(path: string, options: CsvOptions = {}): AsyncGenerator<{ row: number; values: string[] }> {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new CsvError(`The delimiter must be one character other than a quote or a line break, not ${JSON.stringify(delimiter)}.`, 0);
  }
  const maxField = options.maxField ?? 1_000_000;
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let row = 1;
  let startRow = 1;
  let values: string[] = [];
  let field = '';
  let inQuotes = false;
  let quoteClosed = false;
  let first = true;
  let pendingCr = false;
  let any = false;
  for await (const chunk of stream as AsyncIterable<string>) {
    let s = chunk;
    if (first) {
      first = false;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    if (s.includes('\u0000')) throw new CsvError(`Row ${row} contains a NUL byte: this is not a text CSV file.`, row);
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (pendingCr) {
        pendingCr = false;
        if (c === '\n') {
          i++;
          continue;
        }
      }
      if (inQuotes) {
        const close = s.indexOf('"', i);
        if (close < 0) {
          field += s.slice(i);
          for (let k = i; k < s.length; k++) if (s[k] === '\n') row++;
          i = s.length;
        } else {
          const part = s.slice(i, close);
          for (let k = 0; k < part.length; k++) if (part[k] === '\n') row++;
          field += part;
          // A doubled quote is a quote; look ahead (possibly into the next chunk).
          if (close + 1 < s.length && s[close + 1] === '"') {
            field += '"';
            i = close + 2;
          } else if (close + 1 >= s.length) {
            // Decide at the next chunk: treat as closed, and reopen if a quote follows.
            inQuotes = false;
            quoteClosed = true;
            i = close + 1;
          } else {
            inQuotes = false;
            quoteClosed = true;
            i = close + 1;
          }
        }
        if (field.length > maxField) throw new CsvError(`Row ${startRow} has a field longer than ${maxField} characters.`, startRow);
        continue;
      }
      if (c === delimiter) {
        values.push(field);
        field = '';
        quoteClosed = false;
        i++;
      } else if (c === '\n' || c === '\r') {
        values.push(field);
        field = '';
        quoteClosed = false;
        if (!(values.length === 1 && values[0] === '')) {
          any = true;
          yield { row: startRow, values };
        }
        values = [];
        row++;
        startRow = row;
        if (c === '\r') pendingCr = true;
        i++;
      } else if (c === '"') {
        if (quoteClosed) {
          // "" across a chunk boundary: a literal quote inside the quoted field.
          field += '"';
          inQuotes = true;
          quoteClosed = false;
          i++;
        } else if (field.trim() === '') {
          field = '';
          inQuotes = true;
          i++;
        } else {
          throw new CsvError(`Row ${startRow} has a quote in the middle of an unquoted field.`, startRow);
        }
      } else {
        if (quoteClosed && c !== ' ') throw new CsvError(`Row ${startRow} has text after a closing quote.`, startRow);
        field += c;
        i++;
        if (field.length > maxField) throw new CsvError(`Row ${startRow} has a field longer than ${maxField} characters.`, startRow);
      }
    }
  }
  if (inQuotes) throw new CsvError(`Row ${startRow} opens a quote that is never closed.`, startRow);
  if (field !== '' || values.length > 0) {
    values.push(field);
    any = true;
    yield { row: startRow, values };
  }
  if (!any) throw new CsvError('The file is empty.', 0);
}

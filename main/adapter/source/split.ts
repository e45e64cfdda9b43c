// Where to cut a CSV or JSON Lines file in two, so that two threads each read half of
// it: the first record boundary at or after the middle, found by a quick byte scan from
// the start that follows quotes (a quoted CSV field may hold line breaks), and the
// number of rows before it, so the second half's rows are numbered as a spreadsheet
// numbers them. A file whose line ends cannot be told apart this way (carriage returns
// alone) is not cut.
import { open } from 'node:fs/promises';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const scanBytes = 1 << 20;

export interface Split {
  /** The byte offset of the second half's first record. */
  offset: number;
  /** Line ends before it, outside quotes: the spreadsheet row of its first record, less one. */
  rowsBefore: number;
  size: number;
}

/**
 * The cut nearest past the middle of `path`, or null for a file under `minBytes`, or one
 * whose line ends are carriage returns alone. For JSON Lines every line feed ends a
 * record; for CSV only one outside quotes does, quotes followed as the CSV reader follows
 * them (csv-reader.ts): a quote opens a field only at the field's start (after spaces,
 * unless spaces are the delimiter), any other quote outside is text, and inside a quoted
 * field the first quote that is not doubled closes it. A CSV whose delimiter
 * is not a single byte is not cut (its bytes could not be told from text here).
 */
export async function findSplit(
  path: string,
  format: 'csv' | 'jsonl',
  minBytes = 4 << 20,
  delimiter = ',',
): Promise<Split | null> {
  if (format === 'csv' && delimiter.charCodeAt(0) > 0x7f) return null;
  const delim = delimiter.charCodeAt(0);
  const padded = delimiter !== ' ';
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    if (size < minBytes) return null;
    const middle = Math.floor(size / 2);
    const buf = Buffer.allocUnsafe(scanBytes);
    let inQuotes = false;
    let rows = 0;
    // The last byte before this chunk other than a space (padded): a field starts after a delimiter or a line end.
    let before = LF;
    /** Whether the quote at b[q] starts a field: only spaces (padded) between it and a delimiter, a line end or the file's start. */
    const opens = (b: Buffer, q: number, floor: number): boolean => {
      let k = q - 1;
      if (padded) while (k >= floor && b[k] === SPACE) k--;
      const p = k >= floor ? b[k] : before;
      return p === delim || p === LF || p === CR;
    };
    for (let base = 0; base < size;) {
      const { bytesRead } = await file.read(buf, 0, scanBytes, base);
      if (bytesRead === 0) return null;
      const b = buf.subarray(0, bytesRead);
      const last = base + bytesRead >= size;
      // A UTF-8 byte-order mark is not text: the header's first field starts after it.
      const floor = base === 0 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
      // A CR that a LF does not follow (at a chunk's end, the next chunk would say): old Mac line ends.
      for (let cr = b.indexOf(CR); cr >= 0; cr = b.indexOf(CR, cr + 1)) {
        if (cr + 1 < b.length && b[cr + 1] !== LF) return null;
      }
      // Where the next chunk starts: the end of this one, or a quote whose meaning the next chunk decides.
      let consumed = b.length;
      let at = 0;
      while (at < b.length) {
        if (format === 'csv' && inQuotes) {
          const q = b.indexOf(QUOTE, at);
          if (q < 0) break;
          if (q + 1 === b.length && !last && q > 0) {
            consumed = q; // read again from this quote, with the byte that says whether it is doubled
            break;
          }
          if (q + 1 < b.length && b[q + 1] === QUOTE) {
            at = q + 2; // a doubled quote: text
            continue;
          }
          // The closing quote; any text after it goes on as an unquoted field.
          inQuotes = false;
          at = q + 1;
          continue;
        }
        const lf = b.indexOf(LF, at);
        let q = format === 'csv' ? b.indexOf(QUOTE, at) : -1;
        while (q >= 0 && (lf < 0 || q < lf) && !opens(b, q, floor)) q = b.indexOf(QUOTE, q + 1);
        if (q >= 0 && (lf < 0 || q < lf)) {
          inQuotes = true;
          at = q + 1;
          continue;
        }
        if (lf < 0) break;
        rows++;
        const next = base + lf + 1;
        if (next >= middle) return next < size ? { offset: next, rowsBefore: rows, size } : null;
        at = lf + 1;
      }
      for (let k = consumed - 1; k >= 0; k--) {
        if (!padded || b[k] !== SPACE) {
          before = b[k]!;
          break;
        }
      }
      base += consumed;
    }
    return null;
  } finally {
    await file.close();
  }
}

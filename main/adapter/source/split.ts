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
 * record; for CSV only one outside quotes does.
 */
export async function findSplit(path: string, format: 'csv' | 'jsonl', minBytes = 4 << 20): Promise<Split | null> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    if (size < minBytes) return null;
    const middle = Math.floor(size / 2);
    const buf = Buffer.allocUnsafe(scanBytes);
    let inQuotes = false;
    let rows = 0;
    for (let base = 0; base < size; base += scanBytes) {
      const { bytesRead } = await file.read(buf, 0, scanBytes, base);
      if (bytesRead === 0) return null;
      const b = buf.subarray(0, bytesRead);
      // A CR that a LF does not follow (at a chunk's end, the next chunk would say): old Mac line ends.
      for (let cr = b.indexOf(CR); cr >= 0; cr = b.indexOf(CR, cr + 1)) {
        if (cr + 1 < b.length && b[cr + 1] !== LF) return null;
      }
      let at = 0;
      while (at < b.length) {
        if (format === 'csv' && inQuotes) {
          const q = b.indexOf(QUOTE, at);
          if (q < 0) break;
          inQuotes = false;
          at = q + 1;
          continue;
        }
        const lf = b.indexOf(LF, at);
        const q = format === 'csv' ? b.indexOf(QUOTE, at) : -1;
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
    }
    return null;
  } finally {
    await file.close();
  }
}

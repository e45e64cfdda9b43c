// What each format's reader is to the streaming loop in source.ts: a push parser fed
// decoded text, so that reading, decoding, batching and aborting are written once.
import type { SourceRow } from './source-format.js';

/** Where a parser is in the file, for naming a fault found in the bytes (a NUL, an invalid byte). */
export interface Position {
  /** As SourceRow.row; 0 when between rows. */
  row: number;
  /** The same for a person, starting a sentence: 'Row 12', 'Line 12', 'Record 5 (line 120, column 4)'. */
  where: string;
}

export interface RowParser {
  /** Parses more of the text; the rows it completes are appended to `out`. */
  push(text: string, out: SourceRow[]): void;
  /** The text has ended: completes the last row, or throws if the file is cut short. */
  end(out: SourceRow[]): void;
  position(): Position;
  /** The column names known so far (CSV: the header; others: none, the rows say). */
  columns(): string[] | null;
}

// What a caller asks of a reader: the file's format and how to read it, and what comes
// back. Shared by every reader, so that a caller can switch format without changing code.

export type TextEncoding = 'auto' | 'utf-8' | 'windows-1252';

export type SourceFormat =
  | { type: 'csv'; delimiter?: string /* one char, default ',' */; encoding?: TextEncoding /* default 'auto' */ }
  | { type: 'jsonl'; encoding?: TextEncoding }
  | { type: 'xml'; recordElement: string /* e.g. 'child' */ };

export interface SourceRow {
  /** Where the row is, as a person finds it: CSV: the spreadsheet row (header = row 1, first data row = 2, a quoted multi-line field still one row); JSONL: the line number (1-based); XML: the record's ordinal (1-based) */
  row: number;
  /** Column name -> text. Missing columns are absent; empty cells are ''. */
  fields: Record<string, string>;
  /** A problem with this row alone (the read goes on): e.g. a ragged CSV row, a JSONL line that is not a JSON object. Fields are best effort then. */
  problem?: string;
  /** Things read in a lenient way that a person should look at, the row still read (e.g. a CSV quote read as text): each with its column (the header's name, or 'column 3 (C)' past it) and a message that never quotes the value. */
  warnings?: SourceWarning[];
}

export interface SourceWarning {
  column: string;
  message: string;
}

export interface ReadOptions {
  /** Longest field accepted, in characters (default 100_000). A longer one stops the read with field-too-long naming the row and column — without ever holding more than about this much of it in memory. */
  maxField?: number;
  /** Stops the read (the generator returns) when aborted. */
  signal?: AbortSignal;
  /** Rows per yielded batch (default 1000). */
  batch?: number;
  /** Called with bytes read so far and the file's size, for a progress bar. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Read only bytes `start` to `end` (exclusive) of a CSV or JSON Lines file, both record
   * boundaries (see split.ts), for two threads to read a file's halves. A range after
   * the start is read in `encoding` (not 'auto': no byte-order mark or sniffing there),
   * its rows numbered from `firstRow`; a CSV range after the start has no header, so
   * `columns` names its fields. Progress then counts the range's bytes.
   */
  range?: { start: number; end: number; firstRow: number; columns?: string[]; encoding?: 'utf-8' | 'windows-1252' };
}

export const defaultMaxField = 100_000;
export const defaultBatch = 1000;
/** More columns than this is a wrong delimiter or not a table: refused rather than held. */
export const maxColumns = 1000;

/**
 * Sets a field even when the name is `__proto__`: a plain assignment would set the
 * object's prototype instead and lose the value.
 */
export function setField(fields: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__')
    Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
  else fields[name] = value;
}

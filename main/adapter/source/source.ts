// Reading a local export, whatever its format, as batches of rows: the one loop that
// feeds decoded text to the format's parser, batches what it completes, honours an
// abort, and delivers the rows read before a fatal error ahead of the error itself.
import { CsvParser } from './csv-reader.js';
import { faultError, type DecodedEncoding } from './encoding.js';
import { JsonlParser } from './jsonl-reader.js';
import type { RowParser } from './row-parser.js';
import { defaultBatch, defaultMaxField, type ReadOptions, type SourceFormat, type SourceRow } from './source-format.js';
import { readText, type TextOptions } from './text-source.js';
import { declaredEncoding, XmlParser } from './xml-reader.js';

/** The rows of a file, in batches, streaming in constant memory whatever the file's size. */
export async function* readSource(
  path: string,
  format: SourceFormat,
  options: ReadOptions = {},
): AsyncGenerator<SourceRow[]> {
  // A generator itself, so that a bad option or delimiter is thrown by the read, not by the call.
  const range = options.range;
  if (range && format.type === 'xml') throw new RangeError('an XML file is read whole, not in ranges');
  yield* read(
    path,
    format,
    options,
    parserFor(format, positive('maxField', options.maxField ?? defaultMaxField), range),
    {},
  );
}

/** The column names of a file (CSV: its header; JSONL/XML: the union of field names over the first `sampleRows` rows, default 100, in first-seen order) and those first rows, for a live preview. */
export async function previewSource(
  path: string,
  format: SourceFormat,
  sampleRows = 100,
): Promise<{ columns: string[]; rows: SourceRow[]; encoding: 'utf-8' | 'windows-1252' | null }> {
  const parser = parserFor(format, defaultMaxField);
  let encoding: DecodedEncoding | null = null;
  const rows: SourceRow[] = [];
  const wanted = Math.max(0, Math.floor(sampleRows));
  const reading = read(path, format, { batch: Math.max(1, wanted) }, parser, { onEncoding: (e) => (encoding = e) });
  for await (const batch of reading) {
    rows.push(...batch.slice(0, wanted - rows.length));
    if (rows.length >= wanted) break; // closes the file: the rest is never read
  }
  return { columns: parser.columns() ?? unionOfNames(rows), rows, encoding };
}

function parserFor(format: SourceFormat, maxField: number, range?: ReadOptions['range']): RowParser {
  // A range after the start of a CSV has no header: its columns are given.
  const within =
    range && range.start > 0 ? { firstRow: range.firstRow, ...(range.columns ? { columns: range.columns } : {}) } : {};
  switch (format.type) {
    case 'csv':
      return new CsvParser({ delimiter: format.delimiter ?? ',', maxField, ...within });
    case 'jsonl':
      return new JsonlParser(maxField, range && range.start > 0 ? range.firstRow : 1);
    case 'xml':
      return new XmlParser(format.recordElement, maxField);
  }
}

/**
 * Text is parsed this much at a time, so that a batch is handed on as soon as it is full:
 * rows then die young, and the garbage collector has far less to copy.
 */
const parseChars = 64 * 1024;

async function* read(
  path: string,
  format: SourceFormat,
  options: ReadOptions,
  parser: RowParser,
  hooks: Pick<TextOptions, 'onEncoding'>,
): AsyncGenerator<SourceRow[]> {
  const { signal } = options;
  const batch = positive('batch', options.batch ?? defaultBatch);
  const range = options.range;
  const encoding =
    format.type === 'xml'
      ? 'auto'
      : range && range.start > 0
        ? (range.encoding ?? 'utf-8')
        : (format.encoding ?? 'auto');
  // CSV splits on ASCII: its UTF-8 is read as bytes, and only the fields that need it are decoded.
  const csv = parser instanceof CsvParser && parser.splitsOnAscii ? parser : null;
  const text = readText(path, encoding, {
    signal,
    onProgress: options.onProgress,
    range: range ? { start: range.start, end: range.end } : undefined,
    ...hooks,
    ...(csv
      ? {
          utf8AsBytes: true,
          onEncoding: (e: DecodedEncoding) => {
            csv.textIsUtf8Bytes(e === 'utf-8');
            hooks.onEncoding?.(e);
          },
        }
      : {}),
    ...(format.type === 'xml' ? { sniff: declaredEncoding } : {}),
  });
  let out: SourceRow[] = [];
  let failure: unknown = null;
  try {
    for await (const piece of text) {
      if (typeof piece !== 'string') throw faultError(piece.fault, parser.position());
      for (let at = 0; at < piece.length; at += parseChars) {
        parser.push(at === 0 && piece.length <= parseChars ? piece : piece.slice(at, at + parseChars), out);
        if (out.length >= batch) {
          const full = Math.floor(out.length / batch) * batch;
          for (let k = 0; k < full; k += batch) {
            yield out.slice(k, k + batch);
            if (signal?.aborted) return;
          }
          out = out.slice(full);
        }
      }
    }
    if (signal?.aborted) return;
    parser.end(out);
  } catch (e) {
    failure = e;
  }
  // The rows complete before a fatal error are the caller's to have, then the error.
  for (let k = 0; k < out.length; k += batch) {
    yield out.slice(k, k + batch);
    if (signal?.aborted) return;
  }
  if (failure !== null) throw failure;
}

/** A caller's mistake, not the file's: NaN or 0 here would turn a limit off or never fill a batch. */
function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of at least 1`);
  return value;
}

function unionOfNames(rows: SourceRow[]): string[] {
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row.fields)) names.add(name);
  return [...names];
}

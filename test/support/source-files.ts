// Real files for the source reader tests, in a temporary folder removed afterwards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import {
  readSource,
  SourceError,
  type ReadOptions,
  type SourceFormat,
  type SourceRow,
} from '../../main/adapter/source/index.js';

/** A temporary folder for this test file, removed when its tests are done. */
export function tempFolder(prefix: string): {
  file(name: string, content: string | Uint8Array): string;
  path(name: string): string;
} {
  const dir = mkdtempSync(join(tmpdir(), `cp-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    path: (name) => join(dir, name),
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}

export const csv: SourceFormat = { type: 'csv' };

/** Every row of a file, the batches joined. */
export async function readAll(
  path: string,
  format: SourceFormat = csv,
  options: ReadOptions = {},
): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const batch of readSource(path, format, options)) rows.push(...batch);
  return rows;
}

/** The SourceError a read ends with, the rows delivered before it, and how many bytes had been read. */
export async function failure(
  path: string,
  format: SourceFormat = csv,
  options: ReadOptions = {},
): Promise<SourceError & { before: SourceRow[]; bytesRead: number }> {
  const before: SourceRow[] = [];
  let bytesRead = 0;
  try {
    for await (const batch of readSource(path, format, { ...options, onProgress: (read) => (bytesRead = read) }))
      before.push(...batch);
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError);
    return Object.assign(e as SourceError, { before, bytesRead });
  }
  throw new Error(`the read succeeded with ${before.length} rows; an error was expected`);
}

/** Windows-1252 bytes for text made only of Latin-1 and the characters below. */
export function windows1252(text: string): Buffer {
  const extra: Record<string, number> = {
    '€': 0x80,
    '‘': 0x91,
    '’': 0x92,
    '“': 0x93,
    '”': 0x94,
    '–': 0x96,
    '—': 0x97,
    š: 0x9a,
    Ÿ: 0x9f,
  };
  return Buffer.from([...text].map((ch) => extra[ch] ?? ch.charCodeAt(0)));
}

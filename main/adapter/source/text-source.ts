// A file as a stream of decoded text, read in chunks of 1 MiB so that memory stays flat
// whatever the file's size. The file is refused here when it cannot be text at all (not
// there, a folder, a workbook, UTF-16); a fault further in (a NUL, an invalid byte) ends
// the text with a marker, so that the format's reader can name the row it falls in.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { hasBinarySignature, notTextAdvice } from './binary.js';
import { chooseDecoder, type ByteFault, type ChunkDecoder, type DecodedEncoding } from './encoding.js';
import { SourceError } from './source-error.js';
import type { TextEncoding } from './source-format.js';

export const chunkBytes = 1 << 20;

export type TextPiece = string | { fault: ByteFault };

export interface TextOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((bytesRead: number, totalBytes: number) => void) | undefined;
  /** Told which encoding the text is read in, once it is known. */
  onEncoding?: (encoding: DecodedEncoding) => void;
  /** Picks the encoding from the first bytes, over `encoding`: XML names its own in its declaration. */
  sniff?: (first: Buffer) => TextEncoding | undefined;
  /**
   * UTF-8 text as its bytes, one character each (see Utf8Decoder): for a reader that splits
   * on ASCII and decodes fields itself. Windows-1252 text is decoded as ever; onEncoding says which.
   */
  utf8AsBytes?: boolean;
  /** Only these bytes (end exclusive); a range after the start skips the checks that belong to a file's first bytes. */
  range?: { start: number; end: number } | undefined;
}

/** The decoded text of a file, piece by piece; a fault is the last piece. Returns early when aborted. */
export async function* readText(
  path: string,
  encoding: TextEncoding,
  options: TextOptions = {},
): AsyncGenerator<TextPiece> {
  const { signal, onProgress } = options;
  if (signal?.aborted) return;
  const file = await openFile(path);
  try {
    const size = (await file.stat()).size;
    const range = options.range;
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? size, size);
    const total = end - start;
    let bytesRead = 0;
    let decoder: ChunkDecoder | null = null;
    for (;;) {
      if (signal?.aborted) return;
      // A fresh buffer each time: the UTF-8 decoder may keep the end of the last one.
      const chunk = Buffer.allocUnsafe(Math.max(0, Math.min(chunkBytes, total - bytesRead)));
      const got = chunk.length === 0 ? 0 : await readChunk(file, chunk, start + bytesRead);
      bytesRead += got;
      onProgress?.(bytesRead, Math.max(total, bytesRead));
      if (got === 0) {
        if (decoder === null)
          throw new SourceError('empty', 'The file is empty: choose the file that holds the data.', 0);
        const last = decoder.decode(Buffer.alloc(0), true);
        if (last.text !== '') yield last.text;
        if (last.fault !== undefined) yield { fault: last.fault };
        return;
      }
      let bytes = chunk.subarray(0, got);
      if (decoder === null && start > 0) {
        // The middle of a file: its encoding is known, and there is no byte-order mark here.
        decoder = chooseDecoder(
          Buffer.from('x'),
          encoding === 'windows-1252' ? 'windows-1252' : 'utf-8',
          false,
          options.utf8AsBytes,
        ).decoder;
        options.onEncoding?.(decoder.encoding);
      }
      if (decoder === null) {
        if (hasBinarySignature(bytes)) throw new SourceError('binary', `The file cannot be read: ${notTextAdvice}`, 0);
        const chosen = chooseDecoder(
          bytes,
          options.sniff?.(bytes) ?? encoding,
          got === chunkBytes && total > got,
          options.utf8AsBytes,
        );
        decoder = chosen.decoder;
        options.onEncoding?.(decoder.encoding);
        bytes = bytes.subarray(chosen.skip);
      }
      const { text, fault } = decoder.decode(bytes, false);
      if (text !== '') yield text;
      if (fault !== undefined) {
        yield { fault };
        return;
      }
    }
  } finally {
    await file.close();
  }
}

async function openFile(path: string): Promise<FileHandle> {
  let file: FileHandle;
  try {
    // Non-blocking, so that a named pipe is refused below rather than waited on for ever.
    file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw fileError(e);
  }
  try {
    const stat = await file.stat();
    if (stat.isDirectory())
      throw new SourceError('unreadable', 'This is a folder, not a file: choose the file itself.', 0);
    if (!stat.isFile())
      throw new SourceError('unreadable', 'This is not an ordinary file: choose a file saved on disk.', 0);
    return file;
  } catch (e) {
    await file.close();
    throw e instanceof SourceError ? e : fileError(e);
  }
}

async function readChunk(file: FileHandle, into: Buffer, position: number): Promise<number> {
  let got = 0;
  try {
    // A read may return short of a full chunk before the end; fill it, so that only the end is short.
    while (got < into.length) {
      const { bytesRead } = await file.read(into, got, into.length - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
  } catch (e) {
    throw fileError(e);
  }
  return got;
}

function fileError(e: unknown): SourceError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new SourceError(
        'not-found',
        'The file was not found: it may have been moved, renamed or deleted. Choose it again.',
        0,
      );
    case 'EACCES':
    case 'EPERM':
      return new SourceError(
        'unreadable',
        'You do not have permission to read this file: ask for access, or copy it somewhere you can read.',
        0,
      );
    case 'EISDIR':
      return new SourceError('unreadable', 'This is a folder, not a file: choose the file itself.', 0);
    default:
      return new SourceError(
        'unreadable',
        `The file could not be read (${code ?? 'unknown error'}): check the disk or copy it somewhere else, and try again.`,
        0,
      );
  }
}

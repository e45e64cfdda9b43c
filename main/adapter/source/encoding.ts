// Turning a file's bytes into text, chunk by chunk: UTF-8 (with or without a byte-order
// mark) or Windows-1252, which council exports often are. A byte that cannot be text in
// the chosen encoding (or a NUL, which no text file holds) ends the text there, so that
// the reader can name the row it falls in.
import { isAscii, isUtf8 } from 'node:buffer';
import type { Position } from './row-parser.js';
import { SourceError } from './source-error.js';
import type { TextEncoding } from './source-format.js';
import { notTextAdvice } from './binary.js';

export type DecodedEncoding = 'utf-8' | 'windows-1252';

/** Why decoded text stopped short. */
export type ByteFault =
  | 'nul'
  /** Invalid UTF-8 where UTF-8 was chosen or declared. */
  | 'invalid-utf8'
  /** Invalid UTF-8 after `auto` had settled on UTF-8 from the start of the file. */
  | 'invalid-utf8-late'
  /** One of the five bytes Windows-1252 leaves undefined. */
  | 'undefined-1252';

export interface Decoded {
  text: string;
  /** Set when the text stops short of the bytes given: the rest is not read. */
  fault?: ByteFault;
}

export interface ChunkDecoder {
  readonly encoding: DecodedEncoding;
  /** Decodes the next bytes; `final` when no more will come. */
  decode(bytes: Buffer, final: boolean): Decoded;
}

/** How far into the file `auto` looks for invalid UTF-8 before settling on UTF-8. */
export const autoProbeBytes = 64 * 1024;

const utf8Bom = [0xef, 0xbb, 0xbf];

/**
 * Chooses the decoder from the first bytes of the file, and how many of them (a byte-order
 * mark) to skip. `more` says whether bytes follow these.
 */
export function chooseDecoder(
  first: Buffer,
  requested: TextEncoding,
  more: boolean,
  utf8AsBytes = false,
): { decoder: ChunkDecoder; skip: number } {
  if ((first[0] === 0xff && first[1] === 0xfe) || (first[0] === 0xfe && first[1] === 0xff)) {
    throw new SourceError(
      'encoding',
      'The file is in UTF-16: save it as UTF-8 (or as "CSV UTF-8" from Excel) and read it again.',
      0,
    );
  }
  const bom = utf8Bom.every((b, i) => first[i] === b);
  const skip = bom ? utf8Bom.length : 0;
  if (requested === 'windows-1252') return { decoder: new Windows1252Decoder(), skip };
  // A byte-order mark says UTF-8 as plainly as an explicit choice does.
  if (requested === 'utf-8' || bom) return { decoder: new Utf8Decoder('invalid-utf8', utf8AsBytes), skip };
  const probe = first.subarray(0, autoProbeBytes);
  const cutShort = more || probe.length < first.length;
  return firstInvalidUtf8(probe, cutShort) >= 0
    ? { decoder: new Windows1252Decoder(), skip }
    : { decoder: new Utf8Decoder('invalid-utf8-late', utf8AsBytes), skip };
}

/** The error for a fault, naming where the reader had got to when the text stopped. */
export function faultError(fault: ByteFault, at: Position): SourceError {
  switch (fault) {
    case 'nul':
      return new SourceError('binary', `${at.where} holds a NUL byte: ${notTextAdvice}`, at.row);
    case 'invalid-utf8':
      return new SourceError(
        'encoding',
        `${at.where} is not valid UTF-8: save the file as UTF-8, or set the encoding to windows-1252 if that is what it is, and read it again.`,
        at.row,
      );
    case 'invalid-utf8-late':
      return new SourceError(
        'encoding',
        `${at.where} is not valid UTF-8, though the file starts as UTF-8: if the file is Windows-1252, set the encoding to windows-1252 and read it again; otherwise save it as UTF-8.`,
        at.row,
      );
    case 'undefined-1252':
      return new SourceError(
        'encoding',
        `${at.where} holds a byte that is not text in Windows-1252: save the file as UTF-8 and read it again.`,
        at.row,
      );
  }
}

/**
 * The offset of the first byte that is not part of valid UTF-8, or -1. With `cutShort`, a
 * sequence cut off by the end of `bytes` is not counted: more bytes follow.
 */
export function firstInvalidUtf8(bytes: Uint8Array, cutShort: boolean): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [len, min] = [2, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [len, min] = [3, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [len, min] = [4, 0x10000];
    else return i;
    if (i + len > n) {
      // Cut off: valid so far only if every byte present continues the sequence.
      for (let k = i + 1; k < n; k++) if ((bytes[k]! & 0xc0) !== 0x80) return i;
      return cutShort && sequencePrefixOk(bytes, i, n) ? -1 : i;
    }
    let cp = b & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and beyond U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += len;
  }
  return -1;
}

/** Whether the start of a cut-off sequence could still become valid (no overlong or surrogate prefix). */
function sequencePrefixOk(bytes: Uint8Array, i: number, n: number): boolean {
  const b = bytes[i]!;
  if (i + 1 >= n) return true;
  const c = bytes[i + 1]!;
  if (b === 0xe0) return c >= 0xa0;
  if (b === 0xed) return c < 0xa0;
  if (b === 0xf0) return c >= 0x90;
  if (b === 0xf4) return c < 0x90;
  return true;
}

/** Where the last complete UTF-8 sequence in `bytes` ends (a sequence cut off by the chunk's end waits for the next). */
function completeEnd(bytes: Buffer): number {
  const n = bytes.length;
  for (let k = n - 1; k >= 0 && k >= n - 4; k--) {
    const b = bytes[k]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return k + len > n ? k : n;
  }
  return n;
}

/**
 * UTF-8, checked. With `asBytes`, the text is the checked bytes themselves, one character
 * each (as Latin-1), in whole sequences: copying is several times cheaper than decoding,
 * the text stays one byte a character when it holds a ’ (which would make all of it two
 * bytes a character), and a reader that splits on ASCII (CSV) then decodes only the few
 * fields that hold anything else (utf8Field). No byte of a multi-byte sequence is ASCII,
 * so nothing else changes.
 */
class Utf8Decoder implements ChunkDecoder {
  readonly encoding = 'utf-8';
  private tail: Buffer | null = null;
  constructor(
    private readonly invalid: 'invalid-utf8' | 'invalid-utf8-late',
    private readonly asBytes = false,
  ) {}

  decode(chunk: Buffer, final: boolean): Decoded {
    const bytes = this.tail === null ? chunk : Buffer.concat([this.tail, chunk]);
    const end = final ? bytes.length : completeEnd(bytes);
    this.tail = end < bytes.length ? Buffer.from(bytes.subarray(end)) : null;
    const nul = bytes.subarray(0, end).indexOf(0);
    const body = bytes.subarray(0, nul >= 0 ? nul : end);
    // Most exports are plain ASCII: then the bytes are the characters, copied as they are.
    if (isAscii(body))
      return nul >= 0 ? { text: body.toString('latin1'), fault: 'nul' } : { text: body.toString('latin1') };
    const as = this.asBytes ? 'latin1' : 'utf8';
    if (isUtf8(body)) return nul >= 0 ? { text: body.toString(as), fault: 'nul' } : { text: body.toString(as) };
    const bad = firstInvalidUtf8(body, false);
    return { text: body.toString(as, 0, bad), fault: this.invalid };
  }
}

// Windows-1252 is Latin-1 but for 0x80-0x9F; the five bytes it leaves undefined are refused.
const c1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const hasC1 = /[\u0080-\u009f]/;
const c1Range = /[\u0080-\u009f]/g;
const stopBytes = [0x00, 0x81, 0x8d, 0x8f, 0x90, 0x9d];

class Windows1252Decoder implements ChunkDecoder {
  readonly encoding = 'windows-1252';

  decode(chunk: Buffer): Decoded {
    let stop = chunk.length;
    let fault: ByteFault | undefined;
    for (const b of stopBytes) {
      const at = chunk.indexOf(b);
      if (at >= 0 && at < stop) {
        stop = at;
        fault = b === 0 ? 'nul' : 'undefined-1252';
      }
    }
    let text = chunk.toString('latin1', 0, stop);
    if (hasC1.test(text)) text = text.replace(c1Range, (ch) => c1[ch.charCodeAt(0) - 0x80]!);
    return fault === undefined ? { text } : { text, fault };
  }
}

/** A field of text read as UTF-8 bytes (Utf8Decoder's `asBytes`), decoded. */
export function utf8Field(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

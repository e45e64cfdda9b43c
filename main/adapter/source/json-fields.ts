// One JSON object as flat fields: nested objects by dotted path (address.postcode),
// arrays of scalars joined with '\n', arrays holding objects indexed (parents.0.name),
// numbers and booleans as their JSON text, null as ''.
import { SourceError } from './source-error.js';
import { maxColumns, setField } from './source-format.js';

/** Deeper nesting than this is not a record: refused as a row problem, not recursed into. */
export const maxDepth = 100;

export interface FieldLimits {
  maxField: number;
  /** How the row is named in an error, starting a sentence: 'Line 12'. */
  where: string;
  row: number;
}

/** The line's fields, or null when it is not a JSON object. */
export function jsonFields(line: string, limits: FieldLimits): Record<string, string> | null {
  let value: unknown;
  try {
    value = JSON.parse(keepLongNumbers(line));
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const fields: Record<string, string> = {};
  const count = { n: 0 };
  if (!flatten(value as Record<string, unknown>, '', 0, fields, count, limits)) throw new TooDeep();
  return fields;
}

/** Thrown (and caught by the reader) for a line nested deeper than maxDepth. */
export class TooDeep extends Error {}

function flatten(
  obj: Record<string, unknown> | unknown[],
  prefix: string,
  depth: number,
  fields: Record<string, string>,
  count: { n: number },
  limits: FieldLimits,
): boolean {
  if (depth >= maxDepth) return false;
  const entries: [string, unknown][] = Array.isArray(obj) ? obj.map((v, i) => [String(i), v]) : Object.entries(obj);
  for (const [key, value] of entries) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === 'object') {
      if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object'))
        add(fields, path, value.map(scalarText).join('\n'), count, limits);
      else if (!flatten(value as Record<string, unknown>, path, depth + 1, fields, count, limits)) return false;
    } else {
      add(fields, path, scalarText(value), count, limits);
    }
  }
  return true;
}

function scalarText(value: unknown): string {
  return value === null ? '' : String(value);
}

/** Sets a field; a path met twice (`{"a.b":1,"a":{"b":2}}`) keeps both, as repeats do in XML. */
function add(
  fields: Record<string, string>,
  path: string,
  value: string,
  count: { n: number },
  limits: FieldLimits,
): void {
  const had = Object.hasOwn(fields, path);
  const text = had ? `${fields[path]}\n${value}` : value;
  if (text.length > limits.maxField) {
    throw new SourceError(
      'field-too-long',
      `${limits.where}, field ${path}, is longer than ${limits.maxField} characters: shorten it in the source system, or check the file is the right one.`,
      limits.row,
    );
  }
  if (!had && ++count.n > maxColumns) {
    throw new SourceError(
      'too-many-columns',
      `${limits.where} has more than ${maxColumns} fields: check the file holds one record per line.`,
      limits.row,
    );
  }
  setField(fields, path, text);
}

const longDigits = /\d{16}/;
const jsonNumber = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * JSON.parse rounds numbers to doubles, so a 19-digit identifier would come back changed.
 * Numbers that would not survive that are quoted first, keeping their text exactly.
 */
export function keepLongNumbers(line: string): string {
  if (!longDigits.test(line)) return line;
  let out = '';
  let last = 0;
  const n = line.length;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 34) {
      // Skip a string, escapes and all.
      for (i++; i < n; i++) {
        const d = line.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
      i++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < n && isNumberChar(line.charCodeAt(j))) j++;
      const token = line.slice(i, j);
      if (jsonNumber.test(token) && String(Number(token)) !== token && longDigits.test(token.replace(/\D/g, ''))) {
        out += `${line.slice(last, i)}"${token}"`;
        last = j;
      }
      i = j;
    } else {
      i++;
    }
  }
  return last === 0 ? line : out + line.slice(last);
}

function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}

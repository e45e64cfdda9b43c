// Mapping profiles: versioned JSON files that say how a source file's columns become
// the fields duplicate detection compares. Validated by schema; a profile that names a
// column the file lacks is refused before any row is read.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { DedupeRecord } from '../../domain/dedupe/compare.js';
import { CsvError, readCsvRows } from './csv.js';

const columnSource = z.union([
  z.object({ column: z.string().min(1) }).strict(),
  z.object({ columns: z.array(z.string().min(1)).min(1).max(5), separator: z.string().max(3).optional() }).strict(),
]);

const dateFormats = ['YYYYMMDD', 'YYYY-MM-DD', 'DD/MM/YYYY', 'DD-MM-YYYY'] as const;

export const profileSchema = z
  .object({
    profile: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be lower-case letters, digits and hyphens'),
    version: z.literal(1),
    description: z.string().max(500).optional(),
    format: z.object({ type: z.literal('csv'), delimiter: z.string().length(1).default(','), header: z.literal(true) }).strict(),
    id: z.string().min(1),
    fields: z
      .object({
        given: columnSource.optional(),
        family: columnSource.optional(),
        former: columnSource.optional(),
        dob: z.intersection(columnSource, z.object({ date: z.enum(dateFormats) })).optional(),
        gender: columnSource.optional(),
        postcode: columnSource.optional(),
        address: columnSource.optional(),
        locality: columnSource.optional(),
        nhs: columnSource.optional(),
        upn: columnSource.optional(),
        otherId: columnSource.optional(),
        shielded: columnSource.optional(),
      })
      .strict(),
  })
  .strict();
export type Profile = z.infer<typeof profileSchema>;

export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileError';
  }
}

/** A shipped profile's path by name (profiles/NAME.json), or the path given. */
export function profilePath(nameOrPath: string, shippedDir: string): string {
  return /^[a-z0-9-]+$/.test(nameOrPath) ? `${shippedDir}/${nameOrPath}.json` : nameOrPath;
}

export function loadProfile(path: string): Profile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : 'it is not valid JSON';
    throw new ProfileError(`The profile ${path} cannot be read: ${why}.`);
  }
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ProfileError(`The profile ${path} is not valid: ${issue.path.join('.') || '(top level)'} ${issue.message}.`);
  }
  return parsed.data;
}

/** YYYY-MM-DD from a date in the profile's format, or null. The calendar is not checked: a slip still compares. */
export function readDate(value: string, format: (typeof dateFormats)[number]): string | null {
  const v = value.trim();
  let m: RegExpExecArray | null;
  switch (format) {
    case 'YYYYMMDD':
      m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
      return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
    case 'YYYY-MM-DD':
      m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
      return m ? v : null;
    case 'DD/MM/YYYY':
    case 'DD-MM-YYYY':
      m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(v);
      return m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : null;
  }
}

function readGender(value: string): 'male' | 'female' | null {
  const v = value.trim().toLowerCase();
  if (['m', 'male', '1', 'boy'].includes(v)) return 'male';
  if (['f', 'female', '2', 'girl'].includes(v)) return 'female';
  return null;
}

export interface ReadResult {
  records: DedupeRecord[];
  /** Rows that could not be read (the row number and why): never silently dropped. */
  problems: { row: number; message: string }[];
}

/** Every row of a CSV file as a DedupeRecord, through a profile. */
export async function readDedupeRecords(path: string, profile: Profile): Promise<ReadResult> {
  const records: DedupeRecord[] = [];
  const problems: { row: number; message: string }[] = [];
  let header: string[] | null = null;
  let index = new Map<string, number>();
  const seenIds = new Set<string>();
  try {
    for await (const { row, values } of readCsvRows(path, { delimiter: profile.format.delimiter })) {
      if (header === null) {
        header = values.map((h) => h.trim());
        index = new Map(header.map((h, i) => [h, i]));
        const wanted = [profile.id, ...Object.values(profile.fields).flatMap((s) => ('column' in s ? [s.column] : s.columns))];
        const missing = wanted.filter((c) => !index.has(c));
        if (missing.length > 0) throw new ProfileError(`The file has no column ${missing.map((c) => `"${c}"`).join(', ')}, which the profile "${profile.profile}" maps.`);
        continue;
      }
      if (values.length !== header.length) {
        problems.push({ row, message: `has ${values.length} fields where the header has ${header.length}` });
        continue;
      }
      const get = (source: z.infer<typeof columnSource> | undefined): string | null => {
        if (source === undefined) return null;
        const parts = ('column' in source ? [source.column] : source.columns).map((c) => values[index.get(c)!]!.trim()).filter((s) => s !== '');
        const joined = parts.join('column' in source ? '' : (source.separator ?? ' '));
        return joined === '' ? null : joined;
      };
      const id = get({ column: profile.id });
      if (id === null) {
        problems.push({ row, message: `has no ${profile.id}` });
        continue;
      }
      if (seenIds.has(id)) {
        problems.push({ row, message: `repeats the ${profile.id} of an earlier row` });
        continue;
      }
      seenIds.add(id);
      const f = profile.fields;
      const dobText = get(f.dob);
      const dob = dobText === null || f.dob === undefined ? null : readDate(dobText, f.dob.date);
      const shielded = get(f.shielded);
      records.push({
        id,
        given: get(f.given),
        family: get(f.family),
        former: (get(f.former) ?? '').split(/[;|]/).map((s) => s.trim()).filter((s) => s !== ''),
        dob,
        gender: f.gender ? readGender(get(f.gender) ?? '') : null,
        postcode: get(f.postcode),
        address: get(f.address),
        locality: get(f.locality),
        nhs: get(f.nhs),
        upn: get(f.upn),
        otherId: get(f.otherId),
        shielded: shielded !== null && ['1', 'true', 'yes', 'y'].includes(shielded.toLowerCase()),
      });
    }
  } catch (e) {
    if (e instanceof CsvError || e instanceof ProfileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ProfileError(`The input file ${path} does not exist.`);
    if (code === 'EISDIR') throw new ProfileError(`The input ${path} is a folder, not a file.`);
    throw e;
  }
  if (header === null) throw new CsvError('The file is empty.', 0);
  return { records, problems };
}

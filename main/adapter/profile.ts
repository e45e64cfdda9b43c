// Mapping profiles on disk: the shipped ones (profiles/*.json) and any a team writes,
// validated by the schema in domain/adapter/profile.ts before any row is read. Also the
// reader that turns any file a profile reads into the records duplicate detection
// compares (contactpoint dedupe), unchecked: duplicates are found in data that may not
// pass validation.
import { readFileSync } from 'node:fs';
import { compileMapping } from '../../domain/adapter/mapping.js';
import { mappedColumns, parseProfile, ProfileError, type Profile } from '../../domain/adapter/profile.js';
import type { DedupeRecord } from '../../domain/dedupe/compare.js';
import { sourceFormatOf } from './check-part.js';
import { previewSource, readSource } from './source/index.js';

export { ProfileError, type Profile };

/** The profiles shipped with ContactPoint, by name (profiles/NAME.json). */
export const SHIPPED_PROFILE_NAMES = ['case-management', 'school-census', 'febrl'] as const;

/** A shipped profile's path by name, or the path given. */
export function profilePath(nameOrPath: string, shippedDir: string): string {
  return /^[a-z0-9-]+$/.test(nameOrPath) ? `${shippedDir}/${nameOrPath}.json` : nameOrPath;
}

export function loadProfile(path: string): Profile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why =
      (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'it does not exist'
        : (e as NodeJS.ErrnoException).code === 'EISDIR'
          ? 'it is a folder'
          : 'it is not valid JSON';
    throw new ProfileError(`The profile ${path} cannot be read: ${why}.`);
  }
  return parseProfile(json, `The profile ${path}`);
}

export interface ReadResult {
  records: DedupeRecord[];
  /** Rows that could not be read (the row number and why): never silently dropped. */
  problems: { row: number; message: string }[];
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Refuses a CSV file whose header lacks a column the profile maps, before any row is
 * read. (A JSON Lines or XML record may simply leave a field out.)
 */
export async function requireColumns(path: string, profile: Profile): Promise<void> {
  if (profile.source.type !== 'csv') return;
  const { columns } = await previewSource(path, sourceFormatOf(profile), 1);
  const missing = [...new Set(mappedColumns(profile).map((c) => c.column))].filter((c) => !columns.includes(c));
  if (missing.length > 0)
    throw new ProfileError(
      `The file has no column ${missing.map((c) => `"${c}"`).join(', ')}, which the profile "${profile.profile}" maps.`,
    );
}

/** A string of its own (a value read from a file may be a slice of a whole megabyte of it). */
const own = (s: string | null): string | null => (s === null || s.length <= 12 ? s : `${s} `.slice(0, -1));

/** Every row of a file as a DedupeRecord, through a profile. */
export async function readDedupeRecords(
  path: string,
  profile: Profile,
  today = new Date().toISOString().slice(0, 10),
): Promise<ReadResult> {
  await requireColumns(path, profile);
  const records: DedupeRecord[] = [];
  const problems: { row: number; message: string }[] = [];
  const seenIds = new Set<string>();
  const mapping = compileMapping(profile, { today });
  for await (const batch of readSource(path, sourceFormatOf(profile))) {
    for (const r of batch) {
      if (r.problem !== undefined) {
        problems.push({ row: r.row, message: r.problem });
        continue;
      }
      const { record, otherId } = mapping.extract(r.fields);
      const id = text(record.supplierRef);
      if (id === null) {
        problems.push({ row: r.row, message: 'has no reference (the profile’s reference column is empty)' });
        continue;
      }
      if (seenIds.has(id)) {
        problems.push({ row: r.row, message: 'repeats the reference of an earlier row' });
        continue;
      }
      seenIds.add(id);
      const name = record.name as { given: string | null; family: string | null; former: { family: string }[] };
      const address = record.address as { lines: string[]; postcode: string | null } | null;
      const lines = address?.lines ?? [];
      const gender = record.gender;
      records.push({
        id: own(id)!,
        given: own(name.given),
        family: own(name.family),
        former: name.former.map((f) => own(f.family)!),
        dob: text(record.dob),
        gender: gender === 'male' || gender === 'female' ? gender : null,
        postcode: address?.postcode ?? null,
        address: own(lines[0] ?? null),
        locality: own(lines.length > 1 ? lines[lines.length - 1]! : null),
        nhs: text(record.nhsNumber),
        upn: text(record.upn),
        otherId: own(otherId),
        shielded: false,
      });
    }
  }
  return { records, problems };
}

// The profiles a team writes or edits in the application, kept in the working set's
// store beside the shipped ones (profiles/*.json, read-only). Each save is validated by
// the profile schema first; a name of a shipped profile cannot be taken.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3-multiple-ciphers';
import { parseProfile, ProfileError, type Profile } from '../../domain/adapter/profile.js';
import { SHIPPED_PROFILE_NAMES } from './profile.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS adapter_profiles (name TEXT PRIMARY KEY, json TEXT NOT NULL, saved_at TEXT NOT NULL, saved_by TEXT) WITHOUT ROWID;`;

export interface ProfileEntry {
  name: string;
  description: string | null;
  shipped: boolean;
  profile: Profile;
  savedAt: string | null;
}

/** Shipped profiles from `dir`, then the team's, by name. */
export function listProfiles(db: Database.Database, shippedDir: string): ProfileEntry[] {
  db.exec(SCHEMA);
  const shipped = SHIPPED_PROFILE_NAMES.map((name) => {
    const profile = parseProfile(
      JSON.parse(readFileSync(join(shippedDir, `${name}.json`), 'utf8')),
      `The shipped profile ${name}`,
    );
    return { name, description: profile.description ?? null, shipped: true, profile, savedAt: null };
  });
  const team = db
    .prepare<[], { name: string; json: string; saved_at: string }>(
      'SELECT name, json, saved_at FROM adapter_profiles ORDER BY name',
    )
    .all()
    .map((r) => {
      const profile = parseProfile(JSON.parse(r.json), `The profile ${r.name}`);
      return { name: r.name, description: profile.description ?? null, shipped: false, profile, savedAt: r.saved_at };
    });
  return [...shipped, ...team];
}

export function saveProfile(db: Database.Database, json: unknown, at: string, userId: string | null): Profile {
  db.exec(SCHEMA);
  const profile = parseProfile(json);
  if ((SHIPPED_PROFILE_NAMES as readonly string[]).includes(profile.profile)) {
    throw new ProfileError(`"${profile.profile}" is the name of a shipped profile: save your copy under another name.`);
  }
  db.prepare(
    'INSERT INTO adapter_profiles (name, json, saved_at, saved_by) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET json = excluded.json, saved_at = excluded.saved_at, saved_by = excluded.saved_by',
  ).run(profile.profile, JSON.stringify(profile), at, userId);
  return profile;
}

export function deleteProfile(db: Database.Database, name: string): boolean {
  db.exec(SCHEMA);
  return db.prepare('DELETE FROM adapter_profiles WHERE name = ?').run(name).changes > 0;
}

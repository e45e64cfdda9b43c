// The encrypted working set on this computer: one SQLite database, encrypted whole
// (pages, WAL) with SQLCipher's format by better-sqlite3-multiple-ciphers, under a key
// only the OS credential store holds (vault.ts). Temporary tables and sorts stay in
// memory, so nothing of a record reaches the disk in the clear.
//
// It holds the authority's children as the feed last delivered them (never edited
// here: local changes wait in the outbox until the service applies them and the feed
// brings them back), the feed cursor, the history of syncs, the outbox and the tasks.
// The access log (access.ts), cleansing's tasks (../cleansing/cleanse.ts) and the
// adapter's loads and profiles (../adapter/) keep their own tables in the same store.
// A feed page, its cursor and its counts commit in one transaction, so a sync stopped
// at any instant (SIGKILL included) resumes from the last page it finished.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { FeedIndex } from '../../domain/api/sync.js';
import { isValidCpNumber } from '../../domain/cp-number.js';
import { nameKey, soundKey, trigrams } from '../../domain/local-search.js';
import type { Vault } from './vault.js';

export const STORE_FILE = 'working-set.db';

export type WorkingSetErrorCode = 'key-missing' | 'key-wrong' | 'store-unreadable' | 'other-authority' | 'not-held';

/** The working set cannot be used as it stands. Nothing has been deleted. */
export class WorkingSetError extends Error {
  override name = 'WorkingSetError';
  constructor(
    readonly code: WorkingSetErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const nothingDeleted = 'Nothing on this computer has been deleted.';
const keyMissing = () =>
  new WorkingSetError(
    'key-missing',
    `The working set on this computer cannot be opened: its key is not in this computer's credential store. ${nothingDeleted} ` +
      'If the credential store was reset, wipe the working set and sync again; otherwise tell your IT service desk.',
  );
const keyWrong = () =>
  new WorkingSetError(
    'key-wrong',
    `The working set on this computer cannot be opened with the key in this computer's credential store. ${nothingDeleted} ` +
      'Wipe the working set and sync again, or tell your IT service desk.',
  );

/** One feed entry as the store applies it: the record as JSON text, and its search fields. */
export interface FeedChange {
  seq: number;
  cpNumber: string;
  kind: 'upsert' | 'tombstone';
  version: number;
  /** A later entry carries what became of this child: nothing to apply. */
  superseded?: boolean;
  shielded?: boolean;
  shieldPending?: boolean;
  /** Current upserts: the record's JSON (UTF-8 bytes, kept as they came) and the fields a local search needs. */
  recordJson?: Uint8Array;
  index?: FeedIndex;
  /** Per field: the source of the held value and each supplier's latest statement, as the feed's JSON bytes. */
  provenanceJson?: Uint8Array;
}

/** The row id of a ContactPoint number (its serial), or null for something that is not one. */
export function childId(cpNumber: string): number | null {
  return isValidCpNumber(cpNumber) ? Number(cpNumber.slice(2, 10)) : null;
}

export interface StoredChild {
  cpNumber: string;
  version: number;
  shielded: boolean;
  shieldPending: boolean;
  record: Record<string, unknown>;
}

export interface SyncRun {
  id: number;
  kind: 'full' | 'delta';
  startedAt: string;
  finishedAt: string | null;
  outcome: 'running' | 'completed' | 'failed' | 'interrupted' | 'cancelled';
  upserts: number;
  removed: number;
  /** A failure's message (never personal data). */
  error: string | null;
}

export interface WorkingSetStore {
  readonly db: Database.Database;
  readonly file: string;
  meta(key: MetaKey): string | null;
  setMeta(key: MetaKey, value: string | null): void;
  /** Applies one feed page and moves the cursor past it, in one transaction. */
  applyPage(changes: readonly FeedChange[], cursor: string, runId: number): { upserts: number; removed: number };
  startRun(kind: SyncRun['kind'], at: string): number;
  finishRun(id: number, outcome: Exclude<SyncRun['outcome'], 'running'>, at: string, error?: string): void;
  runs(limit: number): SyncRun[];
  child(cpNumber: string): StoredChild | null;
  /** Builds the search indexes (at the end of the first full sync, and at open after it). */
  ensureSearchIndexes(): void;
  /** Drops them for the bulk writes of a first full sync. */
  dropSearchIndexes(): void;
  childCount(): number;
  close(): void;
}

export type MetaKey = 'localAuthority' | 'cursor' | 'lastSeq' | 'lastSyncAt' | 'fullSyncDone';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- id is the ContactPoint number's serial: lookups by number need no index of their own.
-- The record itself is kept apart from the narrow row of what search looks at, so the
-- search indexes are built (and scanned) from a few dozen bytes a child, not kilobytes.
CREATE TABLE IF NOT EXISTS children (
  id INTEGER PRIMARY KEY,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  -- The record's JSON as UTF-8 bytes, as the feed sent it.
  record BLOB NOT NULL
);
-- Per-field provenance as the feed sent it: who said what, and when (cleansing reads it).
CREATE TABLE IF NOT EXISTS provenance (id INTEGER PRIMARY KEY, json BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS child_keys (
  id INTEGER PRIMARY KEY,
  cp TEXT NOT NULL,
  shielded INTEGER NOT NULL,
  shield_pending INTEGER NOT NULL,
  surname TEXT NOT NULL,
  forename TEXT NOT NULL,
  dob TEXT,
  postcode TEXT,
  nhs TEXT
);
-- Every surname and forename held (and former surnames), with its sound-alike key and
-- trigrams: a misspelt name is looked up among the few thousand names, not the million
-- records.
CREATE TABLE IF NOT EXISTS name_terms (term TEXT PRIMARY KEY, sound TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS name_terms_sound ON name_terms (sound);
CREATE TABLE IF NOT EXISTS name_grams (gram TEXT NOT NULL, term TEXT NOT NULL, PRIMARY KEY (gram, term)) WITHOUT ROWID;
-- Former surnames: a child found by the name they had before.
CREATE TABLE IF NOT EXISTS former_surnames (child_id INTEGER NOT NULL, term TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS former_by_child ON former_surnames (child_id);
CREATE TABLE IF NOT EXISTS sync_runs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT NOT NULL,
  upserts INTEGER NOT NULL DEFAULT 0,
  removed INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  cp TEXT NOT NULL,
  base_version INTEGER NOT NULL,
  op TEXT NOT NULL,
  changes TEXT,
  source TEXT NOT NULL,
  queued_at TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  sent_at TEXT,
  new_version INTEGER,
  message TEXT
);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state, id);
CREATE INDEX IF NOT EXISTS outbox_cp ON outbox (cp);
CREATE TABLE IF NOT EXISTS tasks (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  cp TEXT NOT NULL,
  outbox_id INTEGER,
  created_at TEXT NOT NULL,
  state TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_state ON tasks (state, id);
`;

/**
 * The search indexes. A first full sync writes without them and builds them at the end:
 * a million random insertions into them would rewrite most of their pages at every
 * commit, where building them once is a sort.
 */
const SEARCH_INDEXES = `
CREATE INDEX IF NOT EXISTS child_keys_nhs ON child_keys (nhs) WHERE nhs IS NOT NULL;
CREATE INDEX IF NOT EXISTS child_keys_dob ON child_keys (dob);
CREATE INDEX IF NOT EXISTS child_keys_name ON child_keys (surname, forename);
CREATE INDEX IF NOT EXISTS child_keys_postcode ON child_keys (postcode) WHERE postcode IS NOT NULL;
CREATE INDEX IF NOT EXISTS former_by_term ON former_surnames (term);
`;
const SEARCH_INDEX_NAMES = [
  'child_keys_nhs',
  'child_keys_dob',
  'child_keys_name',
  'child_keys_postcode',
  'former_by_term',
];

/** The working set's files: the database and whatever SQLite keeps beside it. */
export function storeFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith(STORE_FILE))
    .map((f) => join(dir, f));
}

function keyed(file: string, key: Buffer, readonly = false): Database.Database {
  const db = new Database(file, { readonly, fileMustExist: readonly });
  try {
    db.pragma(`cipher='sqlcipher'`);
    db.pragma(`key="x'${key.toString('hex')}'"`);
    // The first read is where a wrong key shows.
    db.prepare('SELECT count(*) AS n FROM sqlite_master').get();
  } catch (e) {
    db.close();
    if (e instanceof Error && /not a database|file is encrypted/i.test(e.message)) throw keyWrong();
    throw new WorkingSetError(
      'store-unreadable',
      `The working set on this computer could not be read (${e instanceof Error ? e.message : 'unknown error'}). ${nothingDeleted}`,
    );
  }
  return db;
}

/**
 * Opens the working set in `dir`, creating it (and its key) if there is none. A
 * database whose key is missing or wrong is refused with a WorkingSetError, untouched.
 */
export function openStore(dir: string, vault: Vault): WorkingSetStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, STORE_FILE);
  let key: Buffer | null;
  if (existsSync(file)) {
    key = vault.read();
    if (key === null) throw keyMissing();
  } else {
    // A WAL or journal with no database is left from a wipe that was cut short: it
    // cannot be opened without its database, and must not be replayed into a new one.
    for (const f of storeFiles(dir)) rmSync(f, { force: true });
    key = vault.read() ?? vault.create();
  }
  const db = keyed(file, key);
  key.fill(0);
  // 16 KiB pages (set before the first table; a store keeps the size it was made with):
  // a record is about 1.2 KB, and fewer, larger pages write and encrypt a third faster.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  // Checkpoint every 64 MiB of WAL rather than 4: a full sync writes a gigabyte.
  db.pragma('wal_autocheckpoint = 4096');
  // WAL with NORMAL: a crash of the process loses nothing committed; a power cut may
  // lose the last transactions, never consistency.
  db.pragma('synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -131072');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  const store = wrap(db, file);
  if (store.meta('fullSyncDone') === '1') store.ensureSearchIndexes();
  return store;
}

/**
 * A second connection to an existing working set, read-only (cleansing's checks thread
 * reads the records beside the connection that compares them). Refused, like openStore,
 * when the key is missing or wrong.
 */
export function openStoreReader(dir: string, vault: Vault): Database.Database {
  const file = join(dir, STORE_FILE);
  if (!existsSync(file))
    throw new WorkingSetError(
      'store-unreadable',
      `There is no working set on this computer to read. ${nothingDeleted}`,
    );
  const key = vault.read();
  if (key === null) throw keyMissing();
  const db = keyed(file, key, true);
  key.fill(0);
  // It reads each page once, in order: a small cache does.
  db.pragma('cache_size = -8192');
  return db;
}

/**
 * Deletes the working set and its key. Safe to repeat: a wipe cut short is finished by
 * the next one (or by the next open, which removes a WAL left without its database).
 */
export function wipeStore(dir: string, vault: Vault): void {
  // The database first: without it the key opens nothing; without the key the database is noise.
  const files = storeFiles(dir);
  const main = join(dir, STORE_FILE);
  for (const f of [main, ...files.filter((f) => f !== main)]) rmSync(f, { force: true });
  vault.destroy();
}

/** The search key of a name; the feed already sends keys, so the common case is a check. */
function searchKey(name: string): string {
  return /^[a-z]*$/.test(name) ? name : nameKey(name);
}

interface ChildRow {
  cp: string;
  version: number;
  shielded: number;
  shield_pending: number;
  record: Buffer;
}

function wrap(db: Database.Database, file: string): WorkingSetStore {
  const getMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const putMeta = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const delMeta = db.prepare('DELETE FROM meta WHERE key = ?');
  const upsertRecord = db.prepare<[number, number, number, Uint8Array]>(
    `INSERT INTO children (id, version, seq, record) VALUES (?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET version = excluded.version, seq = excluded.seq, record = excluded.record`,
  );
  // A child's search keys are written only when they change: most changes (a school, a
  // GP, an involvement) leave them alone, and every write moves an entry in every index.
  interface KeysRow {
    id: number;
    cp: string;
    shielded: number;
    shieldPending: number;
    surname: string;
    forename: string;
    dob: string | null;
    postcode: string | null;
    nhs: string | null;
  }
  const insertKeys = db.prepare<[KeysRow]>(
    `INSERT OR IGNORE INTO child_keys (id, cp, shielded, shield_pending, surname, forename, dob, postcode, nhs)
     VALUES (@id, @cp, @shielded, @shieldPending, @surname, @forename, @dob, @postcode, @nhs)`,
  );
  const updateKeys = db.prepare<[KeysRow]>(
    `UPDATE child_keys SET cp = @cp, shielded = @shielded, shield_pending = @shieldPending, surname = @surname, forename = @forename,
            dob = @dob, postcode = @postcode, nhs = @nhs
      WHERE id = @id AND (cp IS NOT @cp OR shielded IS NOT @shielded OR shield_pending IS NOT @shieldPending OR surname IS NOT @surname
                          OR forename IS NOT @forename OR dob IS NOT @dob OR postcode IS NOT @postcode OR nhs IS NOT @nhs)`,
  );
  const remove = db.prepare<[number]>('DELETE FROM children WHERE id = ?');
  const removeProvenance = db.prepare<[number]>('DELETE FROM provenance WHERE id = ?');
  const putProvenance = db.prepare<[number, string | Uint8Array]>(
    'INSERT INTO provenance (id, json) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json',
  );
  const removeKeys = db.prepare<[number]>('DELETE FROM child_keys WHERE id = ?');
  const addTerm = db.prepare('INSERT OR IGNORE INTO name_terms (term, sound) VALUES (?, ?)');
  const addGram = db.prepare('INSERT OR IGNORE INTO name_grams (gram, term) VALUES (?, ?)');
  const clearFormer = db.prepare('DELETE FROM former_surnames WHERE child_id = ?');
  const addFormer = db.prepare('INSERT INTO former_surnames (child_id, term) VALUES (?, ?)');
  const countRun = db.prepare('UPDATE sync_runs SET upserts = upserts + ?, removed = removed + ? WHERE id = ?');
  const getChild = db.prepare<[number], ChildRow>(
    'SELECT k.cp, c.version, k.shielded, k.shield_pending, c.record FROM children c JOIN child_keys k ON k.id = c.id WHERE c.id = ?',
  );

  // Names already in the term index, so the common case (a name seen before) costs no statement.
  const knownTerms = new Set<string>(db.prepare<[], string>('SELECT term FROM name_terms').pluck().all());
  function indexTerm(term: string): void {
    if (term.length === 0 || knownTerms.has(term)) return;
    knownTerms.add(term);
    if (addTerm.run(term, soundKey(term)).changes === 0) return;
    for (const g of trigrams(term)) addGram.run(g, term);
  }

  const store: WorkingSetStore = {
    db,
    file,
    meta: (key) => getMeta.get(key)?.value ?? null,
    setMeta(key, value) {
      if (value === null) delMeta.run(key);
      else putMeta.run(key, value);
    },
    applyPage: db.transaction((changes: readonly FeedChange[], cursor: string, runId: number) => {
      let upserts = 0;
      let removed = 0;
      let lastSeq = 0;
      for (const entry of changes) {
        lastSeq = entry.seq;
        const id = childId(entry.cpNumber);
        if (id === null) throw new TypeError('The feed sent an entry without a valid ContactPoint number.');
        if (entry.kind === 'tombstone') {
          if (remove.run(id).changes > 0) {
            removeKeys.run(id);
            removeProvenance.run(id);
            clearFormer.run(id);
            removed++;
          }
          continue;
        }
        // A later entry of the feed carries what became of this child.
        if (entry.superseded || entry.recordJson === undefined || entry.index === undefined) continue;
        const index = entry.index;
        const surname = searchKey(index.family);
        const forename = searchKey(index.given);
        upsertRecord.run(id, entry.version, entry.seq, entry.recordJson);
        if (entry.provenanceJson !== undefined) putProvenance.run(id, entry.provenanceJson);
        const keys: KeysRow = {
          id,
          cp: entry.cpNumber,
          shielded: entry.shielded === true ? 1 : 0,
          shieldPending: entry.shieldPending === true ? 1 : 0,
          surname,
          forename,
          dob: index.dob,
          postcode: index.postcode,
          nhs: index.nhsNumber,
        };
        const isNew = insertKeys.run(keys).changes === 1;
        if (!isNew) updateKeys.run(keys);
        indexTerm(surname);
        indexTerm(forename);
        // A child new to the working set has no former surnames held yet.
        if (!isNew) clearFormer.run(id);
        for (const f of index.formerFamilies) {
          const term = searchKey(f);
          if (term.length === 0) continue;
          indexTerm(term);
          addFormer.run(id, term);
        }
        upserts++;
      }
      putMeta.run('cursor', cursor);
      if (lastSeq > 0) putMeta.run('lastSeq', String(lastSeq));
      countRun.run(upserts, removed, runId);
      return { upserts, removed };
    }),
    startRun(kind, at) {
      return Number(
        db.prepare("INSERT INTO sync_runs (kind, started_at, outcome) VALUES (?, ?, 'running')").run(kind, at)
          .lastInsertRowid,
      );
    },
    finishRun(id, outcome, at, error) {
      db.prepare('UPDATE sync_runs SET outcome = ?, finished_at = ?, error = ? WHERE id = ?').run(
        outcome,
        at,
        error ?? null,
        id,
      );
    },
    runs(limit) {
      return db
        .prepare<
          [number],
          {
            id: number;
            kind: SyncRun['kind'];
            started_at: string;
            finished_at: string | null;
            outcome: SyncRun['outcome'];
            upserts: number;
            removed: number;
            error: string | null;
          }
        >(
          'SELECT id, kind, started_at, finished_at, outcome, upserts, removed, error FROM sync_runs ORDER BY id DESC LIMIT ?',
        )
        .all(limit)
        .map((r) => ({
          id: r.id,
          kind: r.kind,
          startedAt: r.started_at,
          finishedAt: r.finished_at,
          outcome: r.outcome,
          upserts: r.upserts,
          removed: r.removed,
          error: r.error,
        }));
    },
    child(cpNumber) {
      const id = childId(cpNumber);
      const row = id === null ? undefined : getChild.get(id);
      if (!row) return null;
      return {
        cpNumber: row.cp,
        version: row.version,
        shielded: row.shielded === 1,
        shieldPending: row.shield_pending === 1,
        record: JSON.parse(row.record.toString('utf8')) as Record<string, unknown>,
      };
    },
    childCount: () => (db.prepare('SELECT count(*) AS n FROM child_keys').get() as { n: number }).n,
    ensureSearchIndexes: () => db.exec(SEARCH_INDEXES),
    dropSearchIndexes() {
      for (const name of SEARCH_INDEX_NAMES) db.exec(`DROP INDEX IF EXISTS ${name}`);
    },
    close: () => db.close(),
  };
  // A run the process did not live to finish.
  db.prepare("UPDATE sync_runs SET outcome = 'interrupted' WHERE outcome = 'running'").run();
  return store;
}

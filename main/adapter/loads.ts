// The loads journal: every file the adapter checked and sent, kept in the working set's
// encrypted store. A load records what was checked (the file's size and SHA-256, the
// profile, the counts, what was dropped), each row's problems, the local match of each
// valid row, the batches that went to the national index (each with its idempotency
// key, marked 'sending' before it leaves) and each row's outcome. So a submission cut off
// by a crash resumes where it stopped and nothing is sent twice.
import type Database from 'better-sqlite3-multiple-ciphers';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS loads (
  id INTEGER PRIMARY KEY,
  load_key TEXT NOT NULL UNIQUE,
  file_path TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_size INTEGER NOT NULL,
  file_sha256 TEXT NOT NULL,
  profile TEXT NOT NULL,
  profile_json TEXT NOT NULL,
  load_date TEXT NOT NULL,
  checked_at TEXT NOT NULL,
  user_id TEXT,
  rows INTEGER NOT NULL,
  valid INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  warnings INTEGER NOT NULL,
  dropped TEXT NOT NULL,
  state TEXT NOT NULL,
  submitted_at TEXT,
  outcome TEXT
);
CREATE TABLE IF NOT EXISTS load_problems (
  load_id INTEGER NOT NULL,
  row INTEGER NOT NULL,
  reference TEXT,
  field TEXT NOT NULL,
  column_name TEXT,
  message TEXT NOT NULL,
  severity TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS load_problems_by_load ON load_problems (load_id, row);
CREATE TABLE IF NOT EXISTS load_rows (
  load_id INTEGER NOT NULL,
  row INTEGER NOT NULL,
  reference TEXT NOT NULL,
  -- The local match: new, match or possible (for a person to review), and with whom.
  match TEXT,
  match_cp TEXT,
  match_score REAL,
  excluded INTEGER NOT NULL DEFAULT 0,
  batch INTEGER,
  -- What the national index said: matched, created, possible-duplicate, invalid, forbidden.
  status TEXT,
  cp_number TEXT,
  message TEXT,
  PRIMARY KEY (load_id, row)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS load_batches (
  load_id INTEGER NOT NULL,
  batch INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  rows INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  sent_at TEXT,
  answered_at TEXT,
  PRIMARY KEY (load_id, batch)
) WITHOUT ROWID;
`;

export function ensureLoadsSchema(db: Database.Database): void {
  db.exec(SCHEMA);
}

export type LoadState = 'checking' | 'checked' | 'submitting' | 'submitted' | 'interrupted';

export interface DroppedColumn {
  column: string;
  reason: 'case-information' | 'not-mapped';
}

export interface LoadSummary {
  id: number;
  fileName: string;
  fileSize: number;
  profile: string;
  loadDate: string;
  checkedAt: string;
  userId: string | null;
  rows: number;
  valid: number;
  rejected: number;
  warnings: number;
  dropped: DroppedColumn[];
  state: LoadState;
  submittedAt: string | null;
  /** After submission: rows per outcome (matched, created, possible-duplicate, invalid, forbidden, excluded). */
  outcome: Record<string, number> | null;
}

interface LoadRow {
  id: number;
  load_key: string;
  file_path: string;
  file_name: string;
  file_size: number;
  file_sha256: string;
  profile: string;
  profile_json: string;
  load_date: string;
  checked_at: string;
  user_id: string | null;
  rows: number;
  valid: number;
  rejected: number;
  warnings: number;
  dropped: string;
  state: LoadState;
  submitted_at: string | null;
  outcome: string | null;
}

export interface StoredLoad extends LoadSummary {
  loadKey: string;
  filePath: string;
  fileSha256: string;
  profileJson: string;
}

function loadOf(r: LoadRow): StoredLoad {
  return {
    id: r.id,
    loadKey: r.load_key,
    filePath: r.file_path,
    fileSha256: r.file_sha256,
    profileJson: r.profile_json,
    fileName: r.file_name,
    fileSize: r.file_size,
    profile: r.profile,
    loadDate: r.load_date,
    checkedAt: r.checked_at,
    userId: r.user_id,
    rows: r.rows,
    valid: r.valid,
    rejected: r.rejected,
    warnings: r.warnings,
    dropped: JSON.parse(r.dropped) as DroppedColumn[],
    state: r.state,
    submittedAt: r.submitted_at,
    outcome: r.outcome === null ? null : (JSON.parse(r.outcome) as Record<string, number>),
  };
}

/** A public view of a load: no file path (it may name a person's folder), no key. */
export function summaryOf(l: StoredLoad): LoadSummary {
  const { loadKey: _k, filePath: _p, fileSha256: _h, profileJson: _j, ...summary } = l;
  return summary;
}

export function getLoad(db: Database.Database, id: number): StoredLoad | null {
  ensureLoadsSchema(db);
  const r = db.prepare<[number], LoadRow>('SELECT * FROM loads WHERE id = ?').get(id);
  return r ? loadOf(r) : null;
}

/** The latest loads first. */
export function listLoads(db: Database.Database, limit = 50): LoadSummary[] {
  ensureLoadsSchema(db);
  return db
    .prepare<[number], LoadRow>('SELECT * FROM loads ORDER BY id DESC LIMIT ?')
    .all(limit)
    .map((r) => summaryOf(loadOf(r)));
}

export interface ProblemView {
  row: number;
  reference: string | null;
  field: string;
  column: string | null;
  message: string;
  severity: 'error' | 'warning';
}

/** A window of a load's problems, in row order. */
export function loadProblems(
  db: Database.Database,
  id: number,
  offset: number,
  limit: number,
): { problems: ProblemView[]; total: number } {
  ensureLoadsSchema(db);
  const total = (db.prepare('SELECT count(*) AS n FROM load_problems WHERE load_id = ?').get(id) as { n: number }).n;
  const problems = db
    .prepare<
      [number, number, number],
      {
        row: number;
        reference: string | null;
        field: string;
        column_name: string | null;
        message: string;
        severity: 'error' | 'warning';
      }
    >(
      'SELECT row, reference, field, column_name, message, severity FROM load_problems WHERE load_id = ? ORDER BY row, rowid LIMIT ? OFFSET ?',
    )
    .all(id, limit, offset)
    .map((p) => ({
      row: p.row,
      reference: p.reference,
      field: p.field,
      column: p.column_name,
      message: p.message,
      severity: p.severity,
    }));
  return { problems, total };
}

export interface RowView {
  row: number;
  reference: string;
  match: 'new' | 'match' | 'possible' | null;
  matchCpNumber: string | null;
  matchScore: number | null;
  excluded: boolean;
  status: string | null;
  cpNumber: string | null;
  message: string | null;
}

/** A window of a load's valid rows: by local match ('possible' first is what a person reviews), or all. */
export function loadRows(
  db: Database.Database,
  id: number,
  filter: 'all' | 'possible' | 'match' | 'new' | 'outcome',
  offset: number,
  limit: number,
): { rows: RowView[]; total: number } {
  ensureLoadsSchema(db);
  const where = filter === 'all' || filter === 'outcome' ? '' : ' AND match = ?';
  const args: (string | number)[] = filter === 'all' || filter === 'outcome' ? [id] : [id, filter];
  const total = (
    db.prepare(`SELECT count(*) AS n FROM load_rows WHERE load_id = ?${where}`).get(...args) as { n: number }
  ).n;
  const rows = db
    .prepare(
      `SELECT row, reference, match, match_cp, match_score, excluded, status, cp_number, message FROM load_rows WHERE load_id = ?${where} ORDER BY row LIMIT ? OFFSET ?`,
    )
    .all(...args, limit, offset) as {
    row: number;
    reference: string;
    match: RowView['match'];
    match_cp: string | null;
    match_score: number | null;
    excluded: number;
    status: string | null;
    cp_number: string | null;
    message: string | null;
  }[];
  return {
    total,
    rows: rows.map((r) => ({
      row: r.row,
      reference: r.reference,
      match: r.match,
      matchCpNumber: r.match_cp,
      matchScore: r.match_score,
      excluded: r.excluded === 1,
      status: r.status,
      cpNumber: r.cp_number,
      message: r.message,
    })),
  };
}

/** Leave rows out of (or back into) the submission. Only before the load is sent. */
export function excludeRows(db: Database.Database, id: number, rows: readonly number[], excluded: boolean): number {
  ensureLoadsSchema(db);
  const state = getLoad(db, id)?.state;
  if (state !== 'checked') return 0;
  const set = db.prepare('UPDATE load_rows SET excluded = ? WHERE load_id = ? AND row = ? AND status IS NULL');
  return db.transaction(() => rows.reduce((n, row) => n + set.run(excluded ? 1 : 0, id, row).changes, 0))();
}

// Incremental linking: when a delta sync brings new or changed children (an adapter's
// load comes back to the working set this way too), only they are compared against the
// working set, with the model the last full run estimated, so the duplicate queues stay
// current without a full run.
//
// A full run leaves behind its model (m, u, the prior, how common each name was) and
// every child's blocking keys, hashed, in an index. A changed child's keys find the
// children it shares a group with (a group larger than the run's limit is skipped, as
// the full run skips it); each candidate is read, compared and scored exactly as the
// full run would score the pair. Its tasks are filed under the same keys as a full run's,
// so "not a duplicate" decisions and assignees survive, and an open pair of a changed
// child that is no longer found is dropped, as a full run drops it. Shielded children are
// treated as the full run treats them: the pair is urgent, the other child becomes
// shield-pending, and the national index is told.
//
// With no stored model (no full run yet) nothing is compared: the changed children wait
// in dedupe_pending, the cleansing screen says so, and the next full run covers them.
import type Database from 'better-sqlite3-multiple-ciphers';
import {
  bandOf,
  BLOCKING_TEXT,
  blockingHashes,
  Comparator,
  DEFAULT_MAX_GROUP,
  DEFAULT_THRESHOLD,
  parseStoredModel,
  prepare,
  scorerFor,
  storeModel,
  type Band,
  type DedupeRecord,
  type Model,
  type Prepared,
  type StoredModel,
} from '../../domain/dedupe/index.js';
import { cpNumberFromSerial } from '../../domain/cp-number.js';
import { PRIORITY_ORDER, RULES } from '../../domain/cleanse/rules.js';
import { childId, type FeedChange, type WorkingSetStore } from '../working-set/store.js';
import {
  dedupeRecordOf,
  DUPLICATE_RULES,
  duplicateTask,
  ensureCleanseSchema,
  recordQueueDay,
  taskUpserter,
} from './cleanse.js';
import { queueShieldedPairs, type ShieldedPair } from './shielded-pairs.js';

const SCHEMA = `
-- The last completed full run's model, for incremental linking.
CREATE TABLE IF NOT EXISTS dedupe_model (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  run_id INTEGER NOT NULL,
  saved_at TEXT NOT NULL,
  json TEXT NOT NULL
);
-- Every child's blocking keys as the full run found them (rule and key, hashed): which
-- children share a group. Written once a run, in one pass, in key order (a clustered
-- table: no second copy as an index); never rewritten between runs.
CREATE TABLE IF NOT EXISTS dedupe_keys (h INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (h, id)) WITHOUT ROWID;
-- Since then: the children whose keys there are out of date (changed or removed), and
-- the keys of those still held. Small tables, so a change writes a few pages, not many.
CREATE TABLE IF NOT EXISTS dedupe_moved (id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS dedupe_keys_new (h INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (h, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedupe_keys_new_id ON dedupe_keys_new (id);
-- Each child as duplicate detection compared it in the full run, compactly (a JSON
-- array): a candidate is read from here, not parsed out of its whole record. Written once
-- a run; a child changed since (dedupe_moved) is read from its record instead.
CREATE TABLE IF NOT EXISTS dedupe_records (id INTEGER PRIMARY KEY, r TEXT NOT NULL);
-- Children changed by a sync and not yet linked (no model yet, or a sync stopped first).
-- seq: the feed entry that changed it last (0 when not from the feed).
CREATE TABLE IF NOT EXISTS dedupe_pending (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS dedupe_links (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  changed INTEGER NOT NULL,
  compared INTEGER NOT NULL,
  pairs INTEGER NOT NULL,
  ms REAL NOT NULL
);
`;

export function ensureLinkingSchema(db: Database.Database): void {
  ensureCleanseSchema(db);
  db.exec(SCHEMA);
}

/** The same, inside the cleansing screen's "Last run … on …" line. */
export const NO_MODEL_NOTE =
  'but children changed since have not been compared for duplicates (no duplicate model yet, or too many changes at once); run the checks to compare them';

/** Said wherever linking could not run because no full run has estimated a model yet. */
export const NO_MODEL_MESSAGE =
  'Children that changed since have not been compared for duplicates: no full cleansing run has estimated the duplicate model yet. Run the checks to compare them.';

type Packed = [
  string | null,
  string | null,
  string[],
  string | null,
  DedupeRecord['gender'],
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  0 | 1,
];
const pack = (r: DedupeRecord, shielded = r.shielded): string =>
  JSON.stringify([
    r.given,
    r.family,
    [...r.former],
    r.dob,
    r.gender,
    r.postcode,
    r.address,
    r.locality,
    r.nhs,
    r.upn,
    r.otherId,
    shielded ? 1 : 0,
  ] satisfies Packed);
const unpack = (id: number, text: string): DedupeRecord => {
  const [given, family, former, dob, gender, postcode, address, locality, nhs, upn, otherId, shielded] = JSON.parse(
    text,
  ) as Packed;
  return {
    id: cpNumberFromSerial(id),
    given,
    family,
    former,
    dob,
    gender,
    postcode,
    address,
    locality,
    nhs,
    upn,
    otherId,
    shielded: shielded === 1,
  };
};

/** Rows a multi-row INSERT writes at once (two or three parameters each, far below SQLite's limit). */
const ROWS_PER_INSERT = 200;

/**
 * Writes rows through one prepared multi-row INSERT (`INSERT ... VALUES (?, ?), (?, ?), ...`):
 * far fewer statement runs than a row at a time. `put(row, values, offset)` sets a
 * row's `width` values from `offset`.
 */
function insertRows(
  db: Database.Database,
  head: string,
  width: number,
  count: number,
  put: (row: number, values: unknown[], offset: number) => void,
): void {
  const tuple = `(${Array<string>(width).fill('?').join(', ')})`;
  const many = db.prepare(`${head} VALUES ${Array<string>(ROWS_PER_INSERT).fill(tuple).join(', ')}`);
  const values = new Array<unknown>(ROWS_PER_INSERT * width);
  let row = 0;
  for (; row + ROWS_PER_INSERT <= count; row += ROWS_PER_INSERT) {
    for (let k = 0; k < ROWS_PER_INSERT; k++) put(row + k, values, k * width);
    many.run(values);
  }
  if (row < count) {
    const rest = count - row;
    const last = db.prepare(`${head} VALUES ${Array<string>(rest).fill(tuple).join(', ')}`);
    const tail = new Array<unknown>(rest * width);
    for (let k = 0; k < rest; k++) put(row + k, tail, k * width);
    last.run(tail);
  }
}

/**
 * The (hash, id) pairs in key order: hash, then id. A counting sort by the hash's top
 * 20 bits keeps the ids of one bucket in the order they came (ascending); the few
 * entries of a bucket are then put in order by insertion (a group's ids, already in
 * order, cost nothing).
 */
function sortKeys(hs: Float64Array, ids: Float64Array, n: number): Uint32Array {
  const SHIFT = 2 ** 33; // 53-bit hashes: 2^20 buckets
  const starts = new Uint32Array((1 << 20) + 1);
  for (let i = 0; i < n; i++) starts[Math.floor(hs[i]! / SHIFT) + 1]!++;
  for (let b = 1; b < starts.length; b++) starts[b]! += starts[b - 1]!;
  const next = starts.slice(0, 1 << 20);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[next[Math.floor(hs[i]! / SHIFT)]!++] = i;
  for (let b = 0; b < 1 << 20; b++) {
    const end = starts[b + 1]!;
    for (let i = starts[b]! + 1; i < end; i++) {
      const x = order[i]!;
      const h = hs[x]!;
      const id = ids[x]!;
      let j = i - 1;
      while (j >= starts[b]! && (hs[order[j]!]! > h || (hs[order[j]!]! === h && ids[order[j]!]! > id))) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = x;
    }
  }
  return order;
}

/**
 * Called by a completed full run, in one transaction: its model, and every record's
 * blocking keys (records in row-id order, as the run read them). The index is rebuilt
 * from scratch: the keys are sorted here and written in key order into a clustered
 * table, many rows to a statement; the compact records likewise, in row-id order.
 */
export function saveLinkingState(
  db: Database.Database,
  runId: number,
  records: readonly DedupeRecord[],
  p: Prepared,
  model: Model,
  at: string,
  /** Children the run made shield-pending (treated as shielded from now on). */
  madePending: ReadonlySet<string> = new Set(),
  /** The feed's last entry when the run began reading: later changes still wait to be linked. */
  readFromSeq = Number.MAX_SAFE_INTEGER,
  /** The run's threshold and review band (no band unless given), and its group limit. */
  band: { threshold?: number; reviewThreshold?: number; maxGroup?: number } = {},
): void {
  const threshold = band.threshold ?? DEFAULT_THRESHOLD;
  const reviewThreshold = band.reviewThreshold ?? threshold;
  const maxGroup = band.maxGroup ?? DEFAULT_MAX_GROUP;
  ensureLinkingSchema(db);
  const stored = storeModel(p, model, threshold, maxGroup, reviewThreshold);
  // Every (hash, id) and compact record, worked out before the transaction begins.
  const rows: number[] = [];
  const of: number[] = [];
  let hs = new Float64Array(records.length * BLOCKING_TEXT.length);
  let keyIds = new Float64Array(hs.length);
  let n = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const id = childId(r.id);
    if (id === null) continue;
    for (const h of blockingHashes(p, i)) {
      if (h < 0) continue;
      hs[n] = h;
      keyIds[n++] = id;
    }
    rows.push(id);
    of.push(i);
  }
  hs = hs.subarray(0, n);
  keyIds = keyIds.subarray(0, n);
  const order = sortKeys(hs, keyIds, n);
  db.transaction(() => {
    // Dropped and made again (not emptied): an older store's heap table and index go too.
    db.exec(
      `DROP TABLE IF EXISTS dedupe_keys; DELETE FROM dedupe_records; DELETE FROM dedupe_moved; DELETE FROM dedupe_keys_new;
       CREATE TABLE dedupe_keys (h INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (h, id)) WITHOUT ROWID;`,
    );
    // OR IGNORE: one child with the same hash under two rules (a collision) is one row.
    insertRows(db, 'INSERT OR IGNORE INTO dedupe_keys (h, id)', 2, n, (k, v, o) => {
      const x = order[k]!;
      v[o] = hs[x]!;
      v[o + 1] = keyIds[x]!;
    });
    insertRows(db, 'INSERT INTO dedupe_records (id, r)', 2, rows.length, (k, v, o) => {
      const r = records[of[k]!]!;
      v[o] = rows[k]!;
      v[o + 1] = pack(r, r.shielded || madePending.has(r.id));
    });
    db.prepare(
      `INSERT INTO dedupe_model (id, run_id, saved_at, json) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, saved_at = excluded.saved_at, json = excluded.json`,
    ).run(runId, at, JSON.stringify(stored));
    // The run read every child the feed had brought when it began: those wait no more.
    db.prepare('DELETE FROM dedupe_pending WHERE seq <= ?').run(readFromSeq);
  })();
}

export function storedModel(db: Database.Database): StoredModel | null {
  ensureLinkingSchema(db);
  const row = db.prepare<[], { json: string }>('SELECT json FROM dedupe_model WHERE id = 1').get();
  return row ? parseStoredModel(row.json) : null;
}

/** Notes the children a page of the feed changed, to be linked when the sync ends. */
export function noteChanged(db: Database.Database, changes: readonly FeedChange[]): void {
  ensureLinkingSchema(db);
  const note = db.prepare<[number, number]>(
    'INSERT INTO dedupe_pending (id, seq) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET seq = max(seq, excluded.seq)',
  );
  for (const c of changes) {
    if (c.kind === 'upsert' && (c.superseded || c.recordJson === undefined)) continue;
    const id = childId(c.cpNumber);
    if (id !== null) note.run(id, c.seq);
  }
}

/** How many changed children wait to be linked. */
export function pendingCount(db: Database.Database): number {
  ensureLinkingSchema(db);
  return (db.prepare('SELECT count(*) AS n FROM dedupe_pending').get() as { n: number }).n;
}

export interface LinkSummary {
  outcome: 'linked' | 'no-model';
  /** Children linked (or waiting, with no model), the removed among them included. */
  changed: number;
  /** Pairs compared and scored. */
  compared: number;
  /** Pairs at or above the threshold or in the review band (decided ones included). */
  pairs: number;
  /** Tasks opened or updated, and open tasks dropped because their pair is no longer found. */
  tasks: number;
  dropped: number;
  ms: number;
  /** Milliseconds: reading the changed children, finding and reading candidates, comparing, saving tasks. */
  stages?: {
    reading: number;
    candidates: number;
    comparing: number;
    saving: number;
    /** Of candidates: reading the groups (the key index); of comparing: preparing the records. */
    groups: number;
    preparing: number;
  };
  message: string | null;
}

export interface LinkOptions {
  now?: () => Date;
  /** The children to link (row ids); by default every child waiting in dedupe_pending. */
  ids?: readonly number[];
  /** Called with each pair that involves a shielded record; by default the national index is told (the outbox). */
  onShieldedPair?: (pair: ShieldedPair) => void;
}

/** Values to a query's IN list at once. */
const IN_BATCH = 500;

/** Runs `head (?, ?, ...)` over the values, IN_BATCH at a time (one prepared statement for the full batches). */
function inBatches<R>(db: Database.Database, head: string, values: readonly number[], each: (row: R) => void): void {
  let full: Database.Statement<number[], R> | null = null;
  for (let at = 0; at < values.length; at += IN_BATCH) {
    const part = values.slice(at, at + IN_BATCH);
    const sql = `${head} (${Array<string>(part.length).fill('?').join(', ')})`;
    const stmt = part.length === IN_BATCH ? (full ??= db.prepare<number[], R>(sql)) : db.prepare<number[], R>(sql);
    for (const row of stmt.iterate(...part)) each(row);
  }
}

interface ChildRow {
  id: number;
  cp: string;
  record: Buffer;
  shielded: number;
  shield_pending: number;
}

/** Links the changed children against the working set with the stored model. */
export function linkChanged(store: WorkingSetStore, options: LinkOptions = {}): LinkSummary {
  const db = store.db;
  ensureLinkingSchema(db);
  const t0 = performance.now();
  const now = options.now ?? (() => new Date());
  const ids = [
    ...new Set(
      options.ids ??
        db
          .prepare<[], { id: number }>('SELECT id FROM dedupe_pending')
          .all()
          .map((r) => r.id),
    ),
  ].sort((a, b) => a - b);
  const log = (s: LinkSummary): LinkSummary => {
    db.prepare('INSERT INTO dedupe_links (at, outcome, changed, compared, pairs, ms) VALUES (?, ?, ?, ?, ?, ?)').run(
      now().toISOString(),
      s.outcome,
      s.changed,
      s.compared,
      s.pairs,
      s.ms,
    );
    // The queues' sizes as this link left them (cleanse_queue_days).
    recordQueueDay(db, now());
    return s;
  };
  const stored = storedModel(db);
  if (stored === null) {
    if (options.ids) {
      const note = db.prepare<[number]>('INSERT INTO dedupe_pending (id) VALUES (?) ON CONFLICT DO NOTHING');
      db.transaction(() => ids.forEach((id) => note.run(id)))();
    }
    return log({
      outcome: 'no-model',
      changed: ids.length,
      compared: 0,
      pairs: 0,
      tasks: 0,
      dropped: 0,
      ms: performance.now() - t0,
      message: NO_MODEL_MESSAGE,
    });
  }
  if (ids.length === 0) {
    return { outcome: 'linked', changed: 0, compared: 0, pairs: 0, tasks: 0, dropped: 0, ms: 0, message: null };
  }

  const read = db.prepare<[number], ChildRow>(
    `SELECT c.id, k.cp, c.record, k.shielded, k.shield_pending
       FROM children c JOIN child_keys k ON k.id = c.id WHERE c.id = ?`,
  );
  const recordOf = (row: ChildRow): DedupeRecord =>
    dedupeRecordOf(
      row.cp,
      JSON.parse(row.record.toString('utf8')) as Record<string, unknown>,
      row.shielded === 1 || row.shield_pending === 1,
    );

  // The changed children as they are now (a removed child has no row).
  const changed: { id: number; record: DedupeRecord }[] = [];
  const removed: number[] = [];
  for (const id of ids) {
    const row = read.get(id);
    if (row) changed.push({ id, record: recordOf(row) });
    else removed.push(id);
  }
  const own = prepare(changed.map((c) => c.record));
  const newHashes = changed.map((_, i) => blockingHashes(own, i));
  const moved = new Set(
    db
      .prepare<[], { id: number }>('SELECT id FROM dedupe_moved')
      .all()
      .map((r) => r.id),
  );
  const markMoved = db.prepare<[number]>('INSERT INTO dedupe_moved (id) VALUES (?) ON CONFLICT DO NOTHING');
  const dropNew = db.prepare<[number]>('DELETE FROM dedupe_keys_new WHERE id = ?');
  const addNew = db.prepare<[number, number]>('INSERT OR IGNORE INTO dedupe_keys_new (h, id) VALUES (?, ?)');

  const linked = db.transaction((): LinkSummary => {
    for (const id of [...removed, ...changed.map((c) => c.id)]) {
      dropNew.run(id);
      if (!moved.has(id)) {
        markMoved.run(id);
        moved.add(id);
      }
    }
    changed.forEach(({ id }, i) => {
      for (const h of newHashes[i]!) if (h >= 0) addNew.run(h, id);
    });

    // Candidates: every child in a group of a changed child's (groups too large skipped).
    const tRead = performance.now();
    // Each group read once, many keys to a query, in key order (neighbouring pages).
    const hashes = [...new Set(newHashes.flat().filter((h) => h >= 0))].sort((a, b) => a - b);
    const groups = new Map<number, number[]>(hashes.map((h) => [h, []]));
    inBatches(db, 'SELECT h, id FROM dedupe_keys WHERE h IN', hashes, (r: { h: number; id: number }) => {
      if (!moved.has(r.id)) groups.get(r.h)!.push(r.id);
    });
    inBatches(db, 'SELECT h, id FROM dedupe_keys_new WHERE h IN', hashes, (r: { h: number; id: number }) => {
      groups.get(r.h)!.push(r.id);
    });
    const tGroups = performance.now();
    const wanted: { from: number; rule: number; to: number }[] = [];
    const others = new Set<number>();
    const changedIds = new Set(changed.map((c) => c.id));
    changed.forEach(({ id }, i) => {
      newHashes[i]!.forEach((h, rule) => {
        if (h < 0) return;
        const group = groups.get(h)!;
        if (group.length > stored.maxGroup) return;
        for (const other of group) {
          if (other === id) continue;
          wanted.push({ from: id, rule, to: other });
          if (!changedIds.has(other)) others.add(other);
        }
      });
    });
    const all = changed.map((c) => ({ id: c.id, record: c.record }));
    // Read in row-id order, many to a query: the compact records of the rest.
    const fromRun: number[] = [];
    for (const id of [...others].sort((a, b) => a - b)) {
      if (moved.has(id)) {
        // Changed since the full run: as it is now.
        const row = read.get(id);
        if (row) all.push({ id, record: recordOf(row) });
      } else fromRun.push(id);
    }
    inBatches(db, 'SELECT id, r FROM dedupe_records WHERE id IN', fromRun, (row: { id: number; r: string }) => {
      all.push({ id: row.id, record: unpack(row.id, row.r) });
    });
    const tCandidates = performance.now();
    const p = prepare(all.map((c) => c.record));
    const at = new Map(all.map((c, i) => [c.id, i]));
    const comparator = new Comparator(p);
    const scorer = scorerFor(p, stored);
    const tPrepared = performance.now();

    // Each record's text keys worked out once (a changed child's are wanted for every candidate).
    const rules = BLOCKING_TEXT.length;
    const texts = new Array<string | null | undefined>(all.length * rules);
    const textKey = (i: number, rule: number): string | null => {
      let t = texts[i * rules + rule];
      if (t === undefined) texts[i * rules + rule] = t = BLOCKING_TEXT[rule]!(p, i);
      return t;
    };
    // Each pair once, the lower row id first (the order the full run reads them in).
    const seen = new Set<string>();
    const found: { a: number; b: number; pattern: number; score: number; band: Band }[] = [];
    // The band as the full run drew it (none in a model stored before there was one).
    const reviewThreshold = stored.reviewThreshold ?? stored.threshold;
    let compared = 0;
    for (const { from, rule, to } of wanted) {
      const i = at.get(from);
      const j = at.get(to);
      if (i === undefined || j === undefined) continue;
      // A hash collision is not a shared key.
      if (textKey(i, rule) !== textKey(j, rule)) continue;
      const [a, b] = from < to ? [i, j] : [j, i];
      const k = `${a}|${b}`;
      if (seen.has(k)) continue;
      seen.add(k);
      compared++;
      const pattern = comparator.pattern(a, b);
      const score = scorer.score(
        pattern,
        p.given[a] === p.given[b] ? p.given[a]! : -1,
        p.family[a] === p.family[b] ? p.family[a]! : -1,
      );
      const band = bandOf(score, stored.threshold, reviewThreshold);
      if (band !== null) found.push({ a, b, pattern, score, band });
    }

    // The open pairs of the changed children: kept if found again, else dropped (as a full run does).
    const cps = [...changed.map((c) => c.record.id), ...removed.map((id) => cpNumberFromSerial(id))];
    const openOf = db.prepare<[string, string], { id: number; key: string; rule: string; state: string }>(
      'SELECT id, key, rule, state FROM cleanse_tasks WHERE cp = ? UNION ALL SELECT id, key, rule, state FROM cleanse_tasks WHERE cp2 = ?',
    );
    const open = new Map<string, number>();
    for (const cp of cps) {
      for (const t of openOf.all(cp, cp)) {
        if (t.state === 'open' && (DUPLICATE_RULES as readonly string[]).includes(t.rule)) open.set(t.key, t.id);
      }
    }

    const tCompared = performance.now();
    const when = now().toISOString();
    const insert = taskUpserter(db, when);
    const decided = db.prepare<[string, string]>('SELECT 1 FROM not_duplicates WHERE a = ? AND b = ?');
    const pending = db.prepare<[number]>('UPDATE child_keys SET shield_pending = 1 WHERE id = ? AND shielded = 0');
    const shieldedPairs: ShieldedPair[] = [];
    const madePending: number[] = [];
    const existing = db.prepare<[string], { detail: string; priority: number; state: string }>(
      'SELECT detail, priority, state FROM cleanse_tasks WHERE key = ?',
    );
    let tasks = 0;
    for (const pair of found) {
      const a = all[pair.a]!.record;
      const b = all[pair.b]!.record;
      const [x, y] = a.id < b.id ? [a.id, b.id] : [b.id, a.id];
      if (decided.get(x, y) !== undefined) continue;
      const why = scorer.explain(
        pair.pattern,
        p.given[pair.a] === p.given[pair.b] ? p.given[pair.a]! : -1,
        p.family[pair.a] === p.family[pair.b] ? p.family[pair.a]! : -1,
      );
      const { rule, first, second, detail, shielded } = duplicateTask(a, b, why, pair.band);
      const text = JSON.stringify(detail);
      // The same task found again unchanged is left as it is (no page written for nothing).
      const held = existing.get(`${rule}|${first.id}|${second.id}`);
      if (held?.detail !== text || held.state === 'stale' || held.priority !== PRIORITY_ORDER[RULES[rule].priority])
        insert(rule, first.id, second.id, text, second.id);
      open.delete(`${rule}|${first.id}|${second.id}`);
      tasks++;
      if (shielded) {
        const unshielded = first.shielded ? second : first;
        const held = first.shielded ? first : second;
        if (!unshielded.shielded) {
          pending.run(childId(unshielded.id)!);
          // Shield-pending from now on, for later incremental runs too (as the full run treats it).
          madePending.push(unshielded === a ? pair.a : pair.b);
          shieldedPairs.push({ cpNumber: unshielded.id, of: held.id, score: why.score });
        }
      }
    }
    // A child made shield-pending is read as it is now from here on (its keys move with it).
    for (const i of madePending) {
      const id = all[i]!.id;
      if (moved.has(id)) continue;
      markMoved.run(id);
      moved.add(id);
      for (const h of blockingHashes(p, i)) if (h >= 0) addNew.run(h, id);
    }
    const drop = db.prepare<[number]>("DELETE FROM cleanse_tasks WHERE id = ? AND state = 'open'");
    for (const id of open.values()) drop.run(id);
    if (options.onShieldedPair) shieldedPairs.forEach(options.onShieldedPair);
    else queueShieldedPairs(store, shieldedPairs, now());

    const done = db.prepare<[number]>('DELETE FROM dedupe_pending WHERE id = ?');
    for (const id of ids) done.run(id);
    return {
      outcome: 'linked',
      changed: ids.length,
      compared,
      pairs: found.length,
      tasks,
      dropped: open.size,
      ms: performance.now() - t0,
      stages: {
        reading: tRead - t0,
        candidates: tCandidates - tRead,
        comparing: tCompared - tCandidates,
        saving: performance.now() - tCompared,
        groups: tGroups - tRead,
        preparing: tPrepared - tCandidates,
      },
      message: null,
    };
  })();
  // The commit is part of the work: timed too.
  const end = performance.now();
  if (linked.stages) linked.stages.saving += end - t0 - linked.ms;
  linked.ms = end - t0;
  return log(linked);
}

let fullRuns = 0;

/** At most this many changed children are linked after a sync; more wait for a full run (the screen says so). */
export const LINK_AFTER_SYNC_LIMIT = 50_000;

/** Whether children wait that only a full run will compare: no model yet, or more than a sync links. */
export function waitingForFullRun(db: Database.Database): boolean {
  const waiting = pendingCount(db);
  return waiting > 0 && (waiting > LINK_AFTER_SYNC_LIMIT || !hasStoredModel(db));
}

/** A full run has begun (in this thread): syncs leave what they change waiting until it ends. */
export function fullRunBegins(): () => void {
  fullRuns++;
  let ended = false;
  return () => {
    if (!ended) fullRuns--;
    ended = true;
  };
}

/** Whether a full run has left a model behind (without reading it). */
export function hasStoredModel(db: Database.Database): boolean {
  ensureLinkingSchema(db);
  return db.prepare('SELECT 1 FROM dedupe_model WHERE id = 1').get() !== undefined;
}

/**
 * After a sync: links what it changed. Never fails the sync: a failure leaves the
 * children waiting in dedupe_pending for the next sync or full run.
 */
export function linkAfterSync(store: WorkingSetStore): LinkSummary | null {
  // A full run is reading the children: they wait, and the run links them when it ends.
  if (fullRuns > 0) return null;
  // More than a full run is worth doing incrementally (and it would hold the worker): they wait for one.
  if (pendingCount(store.db) > LINK_AFTER_SYNC_LIMIT) return null;
  try {
    return linkChanged(store);
  } catch {
    return null;
  }
}

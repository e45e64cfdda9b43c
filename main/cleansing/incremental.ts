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
  BLOCKING_TEXT,
  blockingHashes,
  Comparator,
  DEFAULT_MAX_GROUP,
  DEFAULT_THRESHOLD,
  parseStoredModel,
  prepare,
  scorerFor,
  storeModel,
  type DedupeRecord,
  type Model,
  type Prepared,
  type StoredModel,
} from '../../domain/dedupe/index.js';
import { cpNumberFromSerial } from '../../domain/cp-number.js';
import { childId, type FeedChange, type WorkingSetStore } from '../working-set/store.js';
import {
  dedupeRecordOf,
  DUPLICATE_RULES,
  duplicateTask,
  ensureCleanseSchema,
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
-- Every child's blocking keys (rule and key, hashed): which children share a group.
CREATE TABLE IF NOT EXISTS dedupe_keys (h INTEGER NOT NULL, id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS dedupe_keys_h ON dedupe_keys (h, id);
-- Each child's keys as indexed (a Float64Array, -1 for none), to take them out when it changes.
CREATE TABLE IF NOT EXISTS dedupe_hashes (id INTEGER PRIMARY KEY, h BLOB NOT NULL);
-- Children changed by a sync and not yet linked (no model yet, or a sync stopped first).
CREATE TABLE IF NOT EXISTS dedupe_pending (id INTEGER PRIMARY KEY);
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
  'without a duplicate model: children changed since have not been compared for duplicates; run the checks to compare them';

/** Said wherever linking could not run because no full run has estimated a model yet. */
export const NO_MODEL_MESSAGE =
  'Children that changed since have not been compared for duplicates: no full cleansing run has estimated the duplicate model yet. Run the checks to compare them.';

const hashesBlob = (h: readonly number[]): Buffer => Buffer.from(new Float64Array(h).buffer);
const hashesOf = (b: Buffer): Float64Array =>
  new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

/**
 * Called by a completed full run, in one transaction: its model, and every record's
 * blocking keys (records in row-id order, as the run read them). The index is rebuilt
 * from scratch: written in row order, then indexed in one pass.
 */
export function saveLinkingState(
  db: Database.Database,
  runId: number,
  records: readonly DedupeRecord[],
  p: Prepared,
  model: Model,
  at: string,
  threshold = DEFAULT_THRESHOLD,
  maxGroup = DEFAULT_MAX_GROUP,
): void {
  ensureLinkingSchema(db);
  const stored = storeModel(p, model, threshold, maxGroup);
  db.transaction(() => {
    db.exec('DROP INDEX IF EXISTS dedupe_keys_h; DELETE FROM dedupe_keys; DELETE FROM dedupe_hashes;');
    const key = db.prepare<[number, number]>('INSERT INTO dedupe_keys (h, id) VALUES (?, ?)');
    const own = db.prepare<[number, Buffer]>('INSERT INTO dedupe_hashes (id, h) VALUES (?, ?)');
    for (let i = 0; i < records.length; i++) {
      const id = childId(records[i]!.id);
      if (id === null) continue;
      const hashes = blockingHashes(p, i);
      for (const h of hashes) if (h >= 0) key.run(h, id);
      own.run(id, hashesBlob(hashes));
    }
    db.exec('CREATE INDEX dedupe_keys_h ON dedupe_keys (h, id)');
    db.prepare(
      `INSERT INTO dedupe_model (id, run_id, saved_at, json) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, saved_at = excluded.saved_at, json = excluded.json`,
    ).run(runId, at, JSON.stringify(stored));
    // The run read every child: nothing is waiting any more.
    db.exec('DELETE FROM dedupe_pending');
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
  const note = db.prepare<[number]>('INSERT INTO dedupe_pending (id) VALUES (?) ON CONFLICT DO NOTHING');
  for (const c of changes) {
    if (c.kind === 'upsert' && (c.superseded || c.recordJson === undefined)) continue;
    const id = childId(c.cpNumber);
    if (id !== null) note.run(id);
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
  /** Pairs at or above the threshold (decided ones included). */
  pairs: number;
  /** Tasks opened or updated, and open tasks dropped because their pair is no longer found. */
  tasks: number;
  dropped: number;
  ms: number;
  message: string | null;
}

export interface LinkOptions {
  now?: () => Date;
  /** The children to link (row ids); by default every child waiting in dedupe_pending. */
  ids?: readonly number[];
  /** Called with each pair that involves a shielded record; by default the national index is told (the outbox). */
  onShieldedPair?: (pair: ShieldedPair) => void;
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

  // Their keys in the index, as they are now.
  const oldHashes = db.prepare<[number], { h: Buffer }>('SELECT h FROM dedupe_hashes WHERE id = ?');
  const dropKey = db.prepare<[number, number]>('DELETE FROM dedupe_keys WHERE h = ? AND id = ?');
  const addKey = db.prepare<[number, number]>('INSERT INTO dedupe_keys (h, id) VALUES (?, ?)');
  const putHashes = db.prepare<[number, Buffer]>('INSERT OR REPLACE INTO dedupe_hashes (id, h) VALUES (?, ?)');
  const dropHashes = db.prepare<[number]>('DELETE FROM dedupe_hashes WHERE id = ?');
  const unindex = (id: number) => {
    const old = oldHashes.get(id);
    if (old) for (const h of hashesOf(old.h)) if (h >= 0) dropKey.run(h, id);
  };
  const members = db.prepare<[number], { id: number }>('SELECT id FROM dedupe_keys WHERE h = ?');

  return db.transaction(() => {
    for (const id of removed) {
      unindex(id);
      dropHashes.run(id);
    }
    changed.forEach(({ id }, i) => {
      unindex(id);
      for (const h of newHashes[i]!) if (h >= 0) addKey.run(h, id);
      putHashes.run(id, hashesBlob(newHashes[i]!));
    });

    // Candidates: every child in a group of a changed child's (groups too large skipped).
    const wanted: { from: number; rule: number; to: number }[] = [];
    const others = new Set<number>();
    const changedIds = new Set(changed.map((c) => c.id));
    changed.forEach(({ id }, i) => {
      newHashes[i]!.forEach((h, rule) => {
        if (h < 0) return;
        const group = members.all(h);
        if (group.length > stored.maxGroup) return;
        for (const { id: other } of group) {
          if (other === id) continue;
          wanted.push({ from: id, rule, to: other });
          if (!changedIds.has(other)) others.add(other);
        }
      });
    });
    const all = changed.map((c) => ({ id: c.id, record: c.record }));
    for (const id of others) {
      const row = read.get(id);
      // A key left behind by a child no longer held finds nothing.
      if (row) all.push({ id, record: recordOf(row) });
    }
    const p = prepare(all.map((c) => c.record));
    const at = new Map(all.map((c, i) => [c.id, i]));
    const comparator = new Comparator(p);
    const scorer = scorerFor(p, stored);

    // Each pair once, the lower row id first (the order the full run reads them in).
    const seen = new Set<string>();
    const found: { a: number; b: number; pattern: number; score: number }[] = [];
    let compared = 0;
    for (const { from, rule, to } of wanted) {
      const i = at.get(from);
      const j = at.get(to);
      if (i === undefined || j === undefined) continue;
      // A hash collision is not a shared key.
      const key = BLOCKING_TEXT[rule]!;
      if (key(p, i) !== key(p, j)) continue;
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
      if (score >= stored.threshold) found.push({ a, b, pattern, score });
    }

    // The open pairs of the changed children: kept if found again, else dropped (as a full run does).
    const cps = [...changed.map((c) => c.record.id), ...removed.map((id) => cpNumberFromSerial(id))];
    const openOf = db.prepare(
      `SELECT id, key FROM cleanse_tasks WHERE state = 'open' AND rule IN (${DUPLICATE_RULES.map(() => '?').join(', ')}) AND cp = ?
       UNION SELECT id, key FROM cleanse_tasks WHERE state = 'open' AND rule IN (${DUPLICATE_RULES.map(() => '?').join(', ')}) AND cp2 = ?`,
    );
    const open = new Map<string, number>();
    for (const cp of cps) {
      const rows = openOf.all(...DUPLICATE_RULES, cp, ...DUPLICATE_RULES, cp) as { id: number; key: string }[];
      for (const t of rows) open.set(t.key, t.id);
    }

    const when = now().toISOString();
    const insert = taskUpserter(db, when);
    const decided = db.prepare<[string, string]>('SELECT 1 FROM not_duplicates WHERE a = ? AND b = ?');
    const pending = db.prepare<[number]>('UPDATE child_keys SET shield_pending = 1 WHERE id = ? AND shielded = 0');
    const shieldedPairs: ShieldedPair[] = [];
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
      const { rule, first, second, detail, shielded } = duplicateTask(a, b, why);
      insert(rule, first.id, second.id, JSON.stringify(detail), second.id);
      open.delete(`${rule}|${first.id}|${second.id}`);
      tasks++;
      if (shielded) {
        const unshielded = first.shielded ? second : first;
        const held = first.shielded ? first : second;
        if (!unshielded.shielded) {
          pending.run(childId(unshielded.id)!);
          shieldedPairs.push({ cpNumber: unshielded.id, of: held.id, score: why.score });
        }
      }
    }
    const drop = db.prepare<[number]>("DELETE FROM cleanse_tasks WHERE id = ? AND state = 'open'");
    for (const id of open.values()) drop.run(id);
    if (options.onShieldedPair) shieldedPairs.forEach(options.onShieldedPair);
    else queueShieldedPairs(store, shieldedPairs, now());

    const done = db.prepare<[number]>('DELETE FROM dedupe_pending WHERE id = ?');
    for (const id of ids) done.run(id);
    return log({
      outcome: 'linked',
      changed: ids.length,
      compared,
      pairs: found.length,
      tasks,
      dropped: open.size,
      ms: performance.now() - t0,
      message: null,
    });
  })();
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
  try {
    return linkChanged(store);
  } catch {
    return null;
  }
}

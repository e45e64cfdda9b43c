// A cleansing run over the working set: every rule on every record, then duplicate
// detection over all of them. The tasks it finds replace the open tasks of the last run
// (decisions already taken stay: a pair marked "not a duplicate" never comes back, and a
// task assigned to someone keeps its assignee). A possible duplicate of a shielded
// record is urgent, and the other record is treated as shielded here until a person
// resolves the pair (and in the national index, through a possible-duplicate item).
import type Database from 'better-sqlite3-multiple-ciphers';
import { PRIORITY_ORDER, RULES, type Finding, type Priority, type RuleId } from '../../domain/cleanse/rules.js';
import {
  DEFAULT_REVIEW_THRESHOLD,
  DEFAULT_THRESHOLD,
  findDuplicates,
  type Band,
  type DedupeProgress,
  type DedupeRecord,
  type Explanation,
  type FieldWeight,
} from '../../domain/dedupe/index.js';
import { fullRunBegins, linkChanged, pendingCount, saveLinkingState } from './incremental.js';
import type { Worker } from 'node:worker_threads';
import {
  CHECK_SLICE,
  createSliceChecker,
  type ChecksMessage,
  type ChecksWorkerData,
  type StoredFinding,
} from './checks.js';
import { childId, WorkingSetError, type WorkingSetErrorCode, type WorkingSetStore } from '../working-set/store.js';
import { VaultError } from '../working-set/vault.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cleanse_tasks (
  id INTEGER PRIMARY KEY,
  rule TEXT NOT NULL,
  priority INTEGER NOT NULL,
  cp TEXT NOT NULL,
  cp2 TEXT,
  -- What the task is about, for the screen: the finding, or a pair's score and weights.
  detail TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'open',
  assignee TEXT,
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  resolution TEXT,
  -- The same problem found again by a later run is the same task (it keeps its assignee).
  key TEXT NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS cleanse_tasks_queue ON cleanse_tasks (state, rule, priority, id);
-- Incremental linking settles the pairs of the children that changed.
CREATE INDEX IF NOT EXISTS cleanse_tasks_cp ON cleanse_tasks (cp);
CREATE INDEX IF NOT EXISTS cleanse_tasks_cp2 ON cleanse_tasks (cp2) WHERE cp2 IS NOT NULL;
CREATE TABLE IF NOT EXISTS not_duplicates (a TEXT NOT NULL, b TEXT NOT NULL, decided_at TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cleanse_runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT NOT NULL,
  records INTEGER NOT NULL DEFAULT 0,
  pairs_compared INTEGER NOT NULL DEFAULT 0,
  tasks INTEGER NOT NULL DEFAULT 0
);
-- The queues' sizes over time (issue 21, item 5): one row a day a rule, the latest of the
-- day, written at the end of each run and each incremental link.
CREATE TABLE IF NOT EXISTS cleanse_queue_days (
  day TEXT NOT NULL,
  rule TEXT NOT NULL,
  open INTEGER NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (day, rule)
) WITHOUT ROWID;
`;

export function ensureCleanseSchema(db: Database.Database): void {
  db.exec(SCHEMA);
  // A decision (domain/cleanse/actions.ts) and the finding it was about: the same finding
  // found again stays closed, a changed one (the data changed) opens the task again.
  const columns = new Set(
    db
      .prepare<[], { name: string }>('PRAGMA table_info(cleanse_tasks)')
      .all()
      .map((c) => c.name),
  );
  if (!columns.has('decision')) db.exec('ALTER TABLE cleanse_tasks ADD COLUMN decision TEXT');
  if (!columns.has('decided_on')) db.exec('ALTER TABLE cleanse_tasks ADD COLUMN decided_on TEXT');
}

export interface CleanseProgress {
  stage: 'checking' | DedupeProgress['stage'] | 'saving';
  done: number;
  total: number;
}

export interface DuplicateDetail {
  score: number;
  prior: number;
  fields: FieldWeight[];
  twins: boolean;
  shielded: boolean;
  /**
   * 'review': below the automatic threshold, in the review band: doubtful, and a merge
   * takes a second look by another team member (docs/cleansing.md). Absent
   * above the threshold, so an automatic pair's task reads as it always did.
   */
  band?: 'review';
}

export interface CleanseTask {
  id: number;
  rule: RuleId;
  priority: Priority;
  cpNumber: string;
  otherCpNumber: string | null;
  detail: Finding | DuplicateDetail;
  state: 'open' | 'resolved' | 'dismissed';
  assignee: string | null;
  createdAt: string;
}

export interface CleanseSummary {
  runId: number;
  records: number;
  pairsCompared: number;
  tasks: number;
  byRule: Partial<Record<RuleId, number>>;
  seconds: number;
  /**
   * Seconds from the start until every record was read for duplicate detection
   * (`reading`) and until every record was checked (`checking`: in a thread of its own
   * these overlap reading and duplicate detection); in duplicate detection; saving tasks.
   */
  stages: { reading: number; checking: number; duplicates: number; saving: number };
}

export class CleanseCancelled extends Error {
  constructor() {
    super('The cleansing run was stopped.');
    this.name = 'CleanseCancelled';
  }
}

export const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** The rules a pair's task is filed under. */
export const DUPLICATE_RULES: readonly RuleId[] = ['possible-duplicate', 'possible-duplicate-of-shielded'];

/**
 * A pair's task as a run files it: `a` is the record read first (the lower row id). The
 * shielded record goes first, so the screen shows it on the left; the task's key is made
 * of the rule and both numbers in that order, so the same two children are the same task
 * whichever run (full or incremental) finds them.
 */
export function duplicateTask(
  a: DedupeRecord,
  b: DedupeRecord,
  why: Explanation,
  band: Band = 'auto',
): { rule: RuleId; first: DedupeRecord; second: DedupeRecord; detail: DuplicateDetail; shielded: boolean } {
  const shielded = a.shielded || b.shielded;
  const detail: DuplicateDetail = {
    score: Math.round(why.score * 1000) / 1000,
    prior: why.prior,
    fields: why.fields,
    twins: why.twins,
    shielded,
    ...(band === 'review' ? { band } : {}),
  };
  const [first, second] = b.shielded && !a.shielded ? [b, a] : [a, b];
  return { rule: shielded ? 'possible-duplicate-of-shielded' : 'possible-duplicate', first, second, detail, shielded };
}

/** Saves a task found by a run: the same problem found again keeps its id, state and assignee. */
export function taskUpserter(db: Database.Database, at: string) {
  ensureCleanseSchema(db);
  const upsert = db.prepare<[string, number, string, string | null, string, string, string]>(
    `INSERT INTO cleanse_tasks (rule, priority, cp, cp2, detail, created_at, key) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET detail = excluded.detail, priority = excluded.priority,
       state = CASE WHEN state = 'stale' THEN 'open'
         WHEN decided_on IS NOT NULL AND decided_on IS NOT excluded.detail THEN 'open' ELSE state END,
       decided_on = CASE WHEN decided_on IS NOT excluded.detail THEN NULL ELSE decided_on END`,
  );
  return (rule: RuleId, cp: string, cp2: string | null, detail: string, key: string) =>
    upsert.run(rule, PRIORITY_ORDER[RULES[rule].priority], cp, cp2, detail, at, `${rule}|${cp}|${key}`);
}

/** A record from the store as duplicate detection compares it. */
export function dedupeRecordOf(cp: string, record: Record<string, unknown>, shielded: boolean): DedupeRecord {
  const r = record as {
    name?: { given?: string; family?: string; former?: { family?: string }[] };
    dob?: string;
    gender?: string;
    address?: { lines?: string[]; postcode?: string } | null;
    identifiers?: { nhsNumber?: string; upn?: string };
  };
  const lines = r.address?.lines ?? [];
  return {
    id: cp,
    given: r.name?.given ?? null,
    family: r.name?.family ?? null,
    former: (r.name?.former ?? []).map((f) => f.family ?? '').filter((f) => f !== ''),
    dob: r.dob ?? null,
    gender: r.gender === 'male' || r.gender === 'female' ? r.gender : null,
    postcode: r.address?.postcode ?? null,
    address: lines[0] ?? null,
    locality: lines.length > 1 ? lines[lines.length - 1]! : null,
    nhs: r.identifiers?.nhsNumber ?? null,
    upn: r.identifiers?.upn ?? null,
    otherId: null,
    shielded,
  };
}

export interface CleanseOptions {
  today: string;
  now?: () => Date;
  onProgress?: (p: CleanseProgress) => void;
  cancelled?: () => boolean;
  /** Called with each pair that involves a shielded record (the worker tells the service). */
  onShieldedPair?: (pair: { cpNumber: string; of: string; score: number }) => void;
  /** Run the checks in a thread of their own, beside duplicate detection (else inline, first). */
  checksThread?: ChecksThread;
  /** Duplicate detection's threshold and the review band's lower edge (domain/dedupe/index.ts). */
  threshold?: number;
  reviewThreshold?: number;
}

/** Runs the checks in a thread of their own: how to start it, and where the store and its key are. */
export interface ChecksThread {
  dir: string;
  keyAccount: string;
  start: (data: ChecksWorkerData) => Worker;
}

/** The checks running in their thread: findings gathered as slices arrive. */
function runChecksThread(spec: ChecksThread, today: string, onSlice: (done: number) => void) {
  const findings: StoredFinding[] = [];
  const worker = spec.start({ dir: spec.dir, keyAccount: spec.keyAccount, today });
  const finished = new Promise<StoredFinding[]>((resolve, fail) => {
    const reject = (e: Error) => {
      if (handle.doneAt === 0) handle.failure ??= e;
      fail(e);
    };
    worker.on('message', (m: ChecksMessage) => {
      if (m.type === 'slice') {
        for (const f of m.findings) findings.push(f);
        onSlice(m.done);
      } else if (m.type === 'done') {
        handle.doneAt = performance.now();
        resolve(findings);
      } else if (m.name === 'VaultError' && m.message !== undefined) {
        reject(new VaultError(m.message));
      } else if (m.name === 'WorkingSetError' && m.code !== undefined && m.message !== undefined) {
        reject(new WorkingSetError(m.code as WorkingSetErrorCode, m.message));
      } else {
        reject(new Error(`The cleansing checks thread failed (${m.name}).`));
      }
    });
    worker.on('error', () => reject(new Error('The cleansing checks thread failed.')));
    worker.on('exit', (code) => reject(new Error(`The cleansing checks thread stopped (exit code ${code}).`)));
  });
  // A rejection after the run has moved on (a cancel) is not a failure of anything.
  finished.catch(() => undefined);
  const handle = { finished, doneAt: 0, failure: null as Error | null, stop: () => void worker.terminate() };
  return handle;
}

export async function runCleanse(store: WorkingSetStore, options: CleanseOptions): Promise<CleanseSummary> {
  const db = store.db;
  ensureCleanseSchema(db);
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  const runId = Number(
    db.prepare("INSERT INTO cleanse_runs (started_at, outcome) VALUES (?, 'running')").run(now().toISOString())
      .lastInsertRowid,
  );
  const progress = (p: CleanseProgress) => options.onProgress?.(p);
  const cancelled = () => options.cancelled?.() === true;
  // A checks thread that has failed stops the rest of the run at its next pause, with its own error.
  const stopping = () => {
    if (checksThread?.failure) throw checksThread.failure;
    return cancelled();
  };
  let checksThread: ReturnType<typeof runChecksThread> | null = null;
  // What the feed had brought when reading began; syncs meanwhile leave their children waiting.
  const readFromSeq = Number(store.meta('lastSeq') ?? '0');
  const runEnds = fullRunBegins();
  try {
    const total = store.childCount();
    let checkedInThread = 0;
    if (options.checksThread)
      checksThread = runChecksThread(options.checksThread, options.today, (done) => (checkedInThread = done));
    // Inline, the checks read each slice with the records for duplicate detection.
    const findings: StoredFinding[] = [];
    const checkInline = checksThread ? null : createSliceChecker(db, options.today);
    const records: DedupeRecord[] = [];
    // In slices by row id, so no statement stays open across the pauses in which the
    // worker answers the screen (a status poll mid-run).
    const slice = db.prepare<
      [number, number],
      { id: number; cp: string; record: Buffer; shielded: number; shield_pending: number }
    >(
      `SELECT c.id, k.cp, c.record, k.shielded, k.shield_pending
         FROM children c JOIN child_keys k ON k.id = c.id
        WHERE c.id > ? ORDER BY c.id LIMIT ?`,
    );
    let done = 0;
    for (let after = -1; ;) {
      if (checkInline) {
        const checked = checkInline();
        if (checked) for (const f of checked.findings) findings.push(f);
      }
      const rows = slice.all(after, CHECK_SLICE);
      if (rows.length === 0) break;
      for (const row of rows) {
        const record = JSON.parse(row.record.toString('utf8')) as Record<string, unknown>;
        records.push(dedupeRecordOf(row.cp, record, row.shielded === 1 || row.shield_pending === 1));
      }
      after = rows[rows.length - 1]!.id;
      done += rows.length;
      progress({ stage: 'checking', done, total });
      await new Promise((r) => setImmediate(r));
      if (stopping()) throw new CleanseCancelled();
    }
    progress({ stage: 'checking', done, total });
    const read = performance.now();

    const threshold = options.threshold ?? DEFAULT_THRESHOLD;
    const reviewThreshold = options.reviewThreshold ?? DEFAULT_REVIEW_THRESHOLD;
    const result = await findDuplicates(records, {
      threshold,
      reviewThreshold,
      onProgress: (p) => progress(p),
      cancelled: stopping,
    });
    const decided = new Set(
      db
        .prepare<[], { a: string; b: string }>('SELECT a, b FROM not_duplicates')
        .all()
        .map((r) => pairKey(r.a, r.b)),
    );

    const deduped = performance.now();
    let checked = read;
    if (checksThread) {
      // The checks may still be going: wait for them, saying how far they are.
      const ticker = setInterval(() => {
        progress({ stage: 'checking', done: checkedInThread, total });
        if (cancelled()) checksThread?.stop();
      }, 250);
      try {
        for (const f of await checksThread.finished) findings.push(f);
        checked = checksThread.doneAt;
      } catch (e) {
        if (cancelled()) throw new CleanseCancelled();
        throw e;
      } finally {
        clearInterval(ticker);
      }
    }
    const saving = performance.now();
    progress({ stage: 'saving', done: 0, total: 1 });
    const at = now().toISOString();
    const byRule: Partial<Record<RuleId, number>> = {};
    const insert = taskUpserter(db, at);
    // By row id (the CP number's serial): child_keys has no index on cp, and needs none.
    const pending = db.prepare<[number]>('UPDATE child_keys SET shield_pending = 1 WHERE id = ? AND shielded = 0');
    const madePending = new Set<string>();
    db.transaction(() => {
      // Open tasks of earlier runs are settled by this one: kept if found again, else dropped.
      db.prepare("UPDATE cleanse_tasks SET state = 'stale' WHERE state = 'open'").run();
      for (const { cp, rule, path, detail } of findings) {
        insert(rule, cp, null, detail, path);
        byRule[rule] = (byRule[rule] ?? 0) + 1;
      }
      for (const pair of result.pairs) {
        const a = records[pair.a]!;
        const b = records[pair.b]!;
        if (decided.has(pairKey(a.id, b.id))) continue;
        const why = result.explain(pair);
        const { rule, first, second, detail, shielded } = duplicateTask(a, b, why, pair.band);
        insert(rule, first.id, second.id, JSON.stringify(detail), second.id);
        byRule[rule] = (byRule[rule] ?? 0) + 1;
        if (shielded) {
          const unshielded = first.shielded ? second : first;
          const held = first.shielded ? first : second;
          if (!unshielded.shielded) {
            pending.run(childId(unshielded.id)!);
            madePending.add(unshielded.id);
            options.onShieldedPair?.({ cpNumber: unshielded.id, of: held.id, score: why.score });
          }
        }
      }
      db.prepare("DELETE FROM cleanse_tasks WHERE state = 'stale'").run();
    })();
    // What incremental linking needs: this run's model and every child's blocking keys.
    saveLinkingState(db, runId, records, result.prepared, result.stats.model, at, madePending, readFromSeq, {
      threshold,
      reviewThreshold,
    });
    runEnds();
    // Children a sync changed while this run read: linked now, with the model it left.
    if (pendingCount(db) > 0) linkChanged(store, { now, onShieldedPair: options.onShieldedPair ?? (() => undefined) });
    const tasks = Object.values(byRule).reduce((a, b) => a + b, 0);
    db.prepare(
      "UPDATE cleanse_runs SET finished_at = ?, outcome = 'completed', records = ?, pairs_compared = ?, tasks = ? WHERE id = ?",
    ).run(now().toISOString(), records.length, result.stats.candidatePairs, tasks, runId);
    recordQueueDay(db, now());
    progress({ stage: 'saving', done: 1, total: 1 });
    const end = performance.now();
    return {
      runId,
      records: records.length,
      pairsCompared: result.stats.candidatePairs,
      tasks,
      byRule,
      seconds: (end - started) / 1000,
      stages: {
        reading: (read - started) / 1000,
        checking: (checked - started) / 1000,
        duplicates: (deduped - read) / 1000,
        saving: (end - saving) / 1000,
      },
    };
  } catch (e) {
    runEnds();
    checksThread?.stop();
    const outcome = e instanceof CleanseCancelled || (e as Error).name === 'DedupeCancelled' ? 'cancelled' : 'failed';
    db.prepare('UPDATE cleanse_runs SET finished_at = ?, outcome = ? WHERE id = ?').run(
      now().toISOString(),
      outcome,
      runId,
    );
    if (outcome === 'cancelled') throw new CleanseCancelled();
    throw e;
  }
}

interface TaskRow {
  id: number;
  rule: RuleId;
  priority: number;
  cp: string;
  cp2: string | null;
  detail: string;
  state: CleanseTask['state'];
  assignee: string | null;
  created_at: string;
}

const PRIORITIES = Object.entries(PRIORITY_ORDER)
  .sort((a, b) => a[1] - b[1])
  .map(([p]) => p as Priority);

function taskOf(row: TaskRow): CleanseTask {
  return {
    id: row.id,
    rule: row.rule,
    priority: PRIORITIES[row.priority]!,
    cpNumber: row.cp,
    otherCpNumber: row.cp2,
    detail: JSON.parse(row.detail) as CleanseTask['detail'],
    state: row.state,
    assignee: row.assignee,
    createdAt: row.created_at,
  };
}

/** Today's open tasks per rule (every rule, none as 0), replacing what was written earlier today. */
export function recordQueueDay(db: Database.Database, at: Date): void {
  ensureCleanseSchema(db);
  const open = new Map(
    db
      .prepare<[], { rule: string; n: number }>(
        "SELECT rule, count(*) AS n FROM cleanse_tasks WHERE state = 'open' GROUP BY rule",
      )
      .all()
      .map((r) => [r.rule, r.n]),
  );
  const put = db.prepare<[string, string, number, string]>(
    'INSERT INTO cleanse_queue_days (day, rule, open, at) VALUES (?, ?, ?, ?) ON CONFLICT (day, rule) DO UPDATE SET open = excluded.open, at = excluded.at',
  );
  const day = at.toISOString().slice(0, 10);
  db.transaction(() => {
    for (const rule of Object.keys(RULES)) put.run(day, rule, open.get(rule) ?? 0, at.toISOString());
  })();
}

/** The open tasks per rule on each day recorded since `since` (YYYY-MM-DD), oldest first. */
export function queueHistory(
  db: Database.Database,
  since: string,
): { day: string; queues: { rule: RuleId; title: string; open: number }[] }[] {
  ensureCleanseSchema(db);
  const rows = db
    .prepare<[string], { day: string; rule: RuleId; open: number }>(
      'SELECT day, rule, open FROM cleanse_queue_days WHERE day >= ? ORDER BY day, rule',
    )
    .all(since)
    .filter((r) => r.rule in RULES);
  const days = new Map<string, { rule: RuleId; title: string; open: number }[]>();
  for (const r of rows) {
    const list = days.get(r.day) ?? [];
    list.push({ rule: r.rule, title: RULES[r.rule].title, open: r.open });
    days.set(r.day, list);
  }
  return [...days].map(([day, queues]) => ({ day, queues }));
}

/** Open tasks per rule, most urgent rule first. */
export function cleanseQueues(
  db: Database.Database,
): { rule: RuleId; title: string; explanation: string; priority: Priority; open: number }[] {
  ensureCleanseSchema(db);
  const counts = db
    .prepare<[], { rule: RuleId; n: number }>(
      "SELECT rule, count(*) AS n FROM cleanse_tasks WHERE state = 'open' GROUP BY rule",
    )
    .all();
  return counts
    .map((c) => ({
      rule: c.rule,
      title: RULES[c.rule].title,
      explanation: RULES[c.rule].explanation,
      priority: RULES[c.rule].priority,
      open: c.n,
    }))
    .sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || b.open - a.open);
}

/**
 * A window of one queue's open tasks (the screen asks only for the rows it shows). The
 * rule is as the screen named it: a name that is no rule's has no tasks.
 */
export function cleanseTasks(
  db: Database.Database,
  rule: string,
  offset: number,
  limit: number,
): { tasks: CleanseTask[]; total: number } {
  ensureCleanseSchema(db);
  const total = (
    db.prepare("SELECT count(*) AS n FROM cleanse_tasks WHERE state = 'open' AND rule = ?").get(rule) as { n: number }
  ).n;
  const rows = db
    .prepare<[string, number, number], TaskRow>(
      "SELECT * FROM cleanse_tasks WHERE state = 'open' AND rule = ? ORDER BY priority, id LIMIT ? OFFSET ?",
    )
    .all(rule, Math.min(Math.max(limit, 1), 500), Math.max(offset, 0));
  return { tasks: rows.map(taskOf), total };
}

export function cleanseTask(db: Database.Database, id: number): CleanseTask | null {
  ensureCleanseSchema(db);
  const row = db.prepare<[number], TaskRow>('SELECT * FROM cleanse_tasks WHERE id = ?').get(id);
  return row ? taskOf(row) : null;
}

/** Close tasks: resolved (a change was queued) or dismissed (nothing to do). */
export function closeTasks(
  db: Database.Database,
  ids: readonly number[],
  state: 'resolved' | 'dismissed',
  resolution: string,
  at: string,
): number {
  ensureCleanseSchema(db);
  const close = db.prepare(
    "UPDATE cleanse_tasks SET state = ?, resolution = ?, resolved_at = ? WHERE id = ? AND state = 'open'",
  );
  return db.transaction(() => ids.reduce((n, id) => n + close.run(state, resolution, at, id).changes, 0))();
}

/**
 * Close tasks with a decision (or a referral) and its reason: the finding each was about is
 * kept, so a later run that finds the same thing leaves the task closed.
 */
export function decideTasks(
  db: Database.Database,
  ids: readonly number[],
  decision: string,
  resolution: string,
  at: string,
): number {
  ensureCleanseSchema(db);
  const close = db.prepare(
    `UPDATE cleanse_tasks SET state = 'dismissed', decision = ?, resolution = ?, resolved_at = ?, decided_on = detail
     WHERE id = ? AND state = 'open'`,
  );
  return db.transaction(() => ids.reduce((n, id) => n + close.run(decision, resolution, at, id).changes, 0))();
}

export function assignTasks(db: Database.Database, ids: readonly number[], assignee: string | null): number {
  ensureCleanseSchema(db);
  const assign = db.prepare("UPDATE cleanse_tasks SET assignee = ? WHERE id = ? AND state = 'open'");
  return db.transaction(() => ids.reduce((n, id) => n + assign.run(assignee, id).changes, 0))();
}

/** Remember that two records are different children: the pair never comes back. */
export function rememberNotDuplicate(db: Database.Database, a: string, b: string, at: string): void {
  ensureCleanseSchema(db);
  const [x, y] = a < b ? [a, b] : [b, a];
  db.prepare('INSERT INTO not_duplicates (a, b, decided_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(x, y, at);
}

/** Every open task, for a report (CSV and JSON). */
export function allOpenTasks(db: Database.Database): CleanseTask[] {
  ensureCleanseSchema(db);
  return db
    .prepare<[], TaskRow>("SELECT * FROM cleanse_tasks WHERE state = 'open' ORDER BY priority, rule, id")
    .all()
    .map(taskOf);
}

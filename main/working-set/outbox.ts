// Local changes on their way to the national index: from cleansing, supply and the
// team's own shields. Each is queued with an idempotency key and the version of the
// record it was made against, and goes out in a signed submission.
//
// Never sent twice: an item is marked 'sending' (committed) before its batch leaves;
// after a crash it goes again with the same key, and the service answers the retry
// from its stored result instead of applying it again. Once the service has answered,
// an item is final. A conflict (the record changed first) or a refusal becomes a task
// for a person; nothing is overwritten silently.
import { randomUUID } from 'node:crypto';
import {
  SUBMISSION_MAX_ITEMS,
  type EditableChanges,
  type SubmissionItem,
  type SubmissionResult,
} from '../../domain/api/sync.js';
import type { ApiClient, RemoteSigner, SessionCredentials } from '../api/client.js';
import type { OutboxOp } from '../../domain/working-set.js';
import type { AccessPayload } from './access.js';
import { WorkingSetError, type WorkingSetStore } from './store.js';
import { settleCorrection } from './corrections.js';

export type { OutboxOp };
/** Access entries (access.ts): audit, not changes. Counted apart, and never a task for a person. */
export const ACCESS_OP: OutboxOp = 'working-set-access';
const PAIR_OPS: readonly OutboxOp[] = ['merge', 'possible-duplicate', 'not-duplicate'];
export type OutboxSource = 'cleansing' | 'supply' | 'team';
export type OutboxState = 'queued' | 'sending' | 'applied' | 'conflict' | 'rejected';

export interface OutboxChange {
  cpNumber: string;
  op: OutboxOp;
  changes?: EditableChanges;
  source: OutboxSource;
  /** merge: the duplicate merged into cpNumber; possible-duplicate, not-duplicate: the other record. */
  other?: string;
  /** possible-duplicate: the matcher's score. */
  score?: number;
  /** working-set-access: who viewed the record, when, why and what they saw (access.ts). */
  access?: AccessPayload;
}

/** What the outbox keeps of a pair op beside the first record's version. */
interface PairPayload {
  other: string;
  otherVersion: number;
  changes?: EditableChanges;
  score?: number;
}

export interface OutboxItem {
  id: number;
  idempotencyKey: string;
  cpNumber: string;
  baseVersion: number;
  op: OutboxOp;
  source: OutboxSource;
  state: OutboxState;
  attempts: number;
  queuedAt: string;
  message: string | null;
}

export interface Task {
  id: number;
  kind: 'conflict' | 'rejected';
  cpNumber: string;
  createdAt: string;
  state: 'open' | 'resolved';
  /** What the person needs: the change, the versions, the service's message. */
  detail: { op: OutboxOp; baseVersion: number; currentVersion?: number; message?: string; changes?: EditableChanges };
}

export interface SendSummary {
  applied: number;
  conflicts: number;
  rejected: number;
  /** Still waiting (a failure stopped the run). */
  remaining: number;
}

/**
 * Queues changes against the versions held now. Refuses (and queues none) if any is for
 * a child not in the working set.
 */
export function queueChanges(store: WorkingSetStore, changes: readonly OutboxChange[], at: Date): OutboxItem[] {
  const insert = store.db.prepare(
    "INSERT INTO outbox (idempotency_key, cp, base_version, op, changes, source, queued_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued')",
  );
  const ids = store.db.transaction(() =>
    changes.map((c) => {
      const held = store.child(c.cpNumber);
      if (!held) {
        throw new WorkingSetError(
          'not-held',
          `${c.cpNumber} is not in this working set, so no change to it was queued. Sync, then try again.`,
        );
      }
      if (c.op === 'update' && (c.changes === undefined || Object.keys(c.changes).length === 0)) {
        throw new TypeError('An update must change at least one field.');
      }
      if (c.op === ACCESS_OP && c.access === undefined)
        throw new TypeError('An access entry must say who viewed the record, when and why.');
      let payload: string | null =
        c.op === 'update' ? JSON.stringify(c.changes) : c.op === ACCESS_OP ? JSON.stringify(c.access) : null;
      if (PAIR_OPS.includes(c.op)) {
        const other = c.other === undefined ? null : store.child(c.other);
        if (!other)
          throw new WorkingSetError(
            'not-held',
            `${c.other ?? 'The other record'} is not in this working set, so nothing was queued. Sync, then try again.`,
          );
        const pair: PairPayload = {
          other: other.cpNumber,
          otherVersion: other.version,
          ...(c.changes && Object.keys(c.changes).length > 0 ? { changes: c.changes } : {}),
          ...(c.score !== undefined ? { score: c.score } : {}),
        };
        payload = JSON.stringify(pair);
      }
      return Number(
        insert.run(`ws-${randomUUID()}`, c.cpNumber, held.version, c.op, payload, c.source, at.toISOString())
          .lastInsertRowid,
      );
    }),
  )();
  return ids.map((id) => outboxItem(store, id)!);
}

interface OutboxRow {
  id: number;
  idempotency_key: string;
  cp: string;
  base_version: number;
  op: OutboxOp;
  changes: string | null;
  source: OutboxSource;
  queued_at: string;
  state: OutboxState;
  attempts: number;
  message: string | null;
}

function itemOf(r: OutboxRow): OutboxItem {
  return {
    id: r.id,
    idempotencyKey: r.idempotency_key,
    cpNumber: r.cp,
    baseVersion: r.base_version,
    op: r.op,
    source: r.source,
    state: r.state,
    attempts: r.attempts,
    queuedAt: r.queued_at,
    message: r.message,
  };
}

export function outboxItem(store: WorkingSetStore, id: number): OutboxItem | null {
  const row = store.db.prepare<[number], OutboxRow>('SELECT * FROM outbox WHERE id = ?').get(id);
  return row ? itemOf(row) : null;
}

export function outboxItems(store: WorkingSetStore, limit = 200): OutboxItem[] {
  return store.db.prepare<[number], OutboxRow>('SELECT * FROM outbox ORDER BY id DESC LIMIT ?').all(limit).map(itemOf);
}

/** Changes to records in the outbox, by state (access entries are counted by accessCounts). */
export function outboxCounts(store: WorkingSetStore): Record<OutboxState, number> {
  const counts: Record<OutboxState, number> = { queued: 0, sending: 0, applied: 0, conflict: 0, rejected: 0 };
  for (const r of store.db
    .prepare<[string], { state: OutboxState; n: number }>(
      'SELECT state, count(*) AS n FROM outbox WHERE op <> ? GROUP BY state',
    )
    .all(ACCESS_OP)) {
    counts[r.state] = r.n;
  }
  return counts;
}

/** Access entries not yet in the national audit trail (waiting), and those it refused. */
export function accessCounts(store: WorkingSetStore): { waiting: number; refused: number } {
  const row = store.db
    .prepare<[string], { waiting: number | null; refused: number | null }>(
      "SELECT sum(state IN ('queued', 'sending')) AS waiting, sum(state = 'rejected') AS refused FROM outbox WHERE op = ?",
    )
    .get(ACCESS_OP);
  return { waiting: row?.waiting ?? 0, refused: row?.refused ?? 0 };
}

export function openTasks(store: WorkingSetStore, limit = 200): Task[] {
  return store.db
    .prepare<
      [number],
      { id: number; kind: Task['kind']; cp: string; created_at: string; state: Task['state']; detail: string }
    >("SELECT id, kind, cp, created_at, state, detail FROM tasks WHERE state = 'open' ORDER BY id LIMIT ?")
    .all(limit)
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      cpNumber: r.cp,
      createdAt: r.created_at,
      state: r.state,
      detail: JSON.parse(r.detail) as Task['detail'],
    }));
}

export interface SendOptions {
  store: WorkingSetStore;
  api: ApiClient;
  credentials: SessionCredentials | RemoteSigner;
  now?: () => Date;
  batchSize?: number;
  /** Send only these operations (the access entries, sent as soon as they are written); default all. */
  ops?: readonly OutboxOp[];
}

function submissionItem(r: OutboxRow): SubmissionItem {
  const base = { idempotencyKey: r.idempotency_key, cpNumber: r.cp, baseVersion: r.base_version };
  switch (r.op) {
    case 'update':
      return { ...base, op: 'update', changes: JSON.parse(r.changes!) as EditableChanges };
    case 'shield':
    case 'unshield':
      return { ...base, op: r.op };
    case 'merge': {
      const pair = JSON.parse(r.changes!) as PairPayload;
      return {
        ...base,
        op: 'merge',
        duplicate: { cpNumber: pair.other, baseVersion: pair.otherVersion },
        ...(pair.changes ? { changes: pair.changes } : {}),
      };
    }
    case 'possible-duplicate': {
      const pair = JSON.parse(r.changes!) as PairPayload;
      return { ...base, op: 'possible-duplicate', of: pair.other, score: Math.min(1, Math.max(0, pair.score ?? 0)) };
    }
    case 'not-duplicate':
      return { ...base, op: 'not-duplicate', of: (JSON.parse(r.changes!) as PairPayload).other };
    case 'working-set-access':
      return { ...base, op: 'working-set-access', ...(JSON.parse(r.changes!) as AccessPayload) };
  }
}

/** The pair items that only mark a pair (open or settle a review): no change of content. */
const MARKING_OPS: readonly OutboxOp[] = ['possible-duplicate', 'not-duplicate'];

/**
 * A marking item moved `cp` from version `from` to `to` by its own shield-pending change
 * (the service says so only then): the changes waiting for `cp` that were made against
 * `from` are carried to `to`, as its content is what they were made against. Anything
 * made against another version is left to conflict as it should.
 */
function rebase(db: WorkingSetStore['db'], cp: string, from: number, to: number): void {
  db.prepare("UPDATE outbox SET base_version = ? WHERE state = 'queued' AND cp = ? AND base_version = ?").run(
    to,
    cp,
    from,
  );
  const merges = db
    .prepare<[], { id: number; changes: string }>(
      "SELECT id, changes FROM outbox WHERE state = 'queued' AND op = 'merge' AND changes IS NOT NULL",
    )
    .all();
  const update = db.prepare('UPDATE outbox SET changes = ? WHERE id = ?');
  for (const m of merges) {
    const pair = JSON.parse(m.changes) as PairPayload;
    if (pair.other === cp && pair.otherVersion === from)
      update.run(JSON.stringify({ ...pair, otherVersion: to }), m.id);
  }
}

/** Sends everything waiting, in batches; returns what the service said. */
export async function sendOutbox(options: SendOptions): Promise<SendSummary> {
  const { store, api, credentials } = options;
  const now = options.now ?? (() => new Date());
  const batchSize = Math.min(options.batchSize ?? SUBMISSION_MAX_ITEMS, SUBMISSION_MAX_ITEMS);
  const db = store.db;
  const only = options.ops ? ` AND op IN (${options.ops.map(() => '?').join(', ')})` : '';
  const ops = options.ops ?? [];
  // A possible duplicate or "not a duplicate" goes first, in a batch of its own: its
  // shield-pending change moves the record's version on at the national index, and the
  // changes waiting behind it are carried to that version (rebase below) before they go.
  const waiting = db.prepare<unknown[], OutboxRow>(
    `SELECT * FROM outbox WHERE state IN ('sending', 'queued')${only}
      ORDER BY op IN (${MARKING_OPS.map((o) => `'${o}'`).join(', ')}) DESC, id LIMIT ?`,
  );
  const markSending = db.prepare(
    "UPDATE outbox SET state = 'sending', attempts = attempts + 1, sent_at = ? WHERE id = ?",
  );
  const settle = db.prepare(
    "UPDATE outbox SET state = ?, new_version = ?, message = ? WHERE id = ? AND state = 'sending'",
  );
  const addTask = db.prepare(
    "INSERT INTO tasks (kind, cp, outbox_id, created_at, state, detail) VALUES (?, ?, ?, ?, 'open', ?)",
  );
  const summary: SendSummary = { applied: 0, conflicts: 0, rejected: 0, remaining: 0 };

  for (;;) {
    const fetched = waiting.all(...ops, batchSize);
    if (fetched.length === 0) break;
    const batch = MARKING_OPS.includes(fetched[0]!.op) ? fetched.filter((r) => MARKING_OPS.includes(r.op)) : fetched;
    const sentAt = now().toISOString();
    db.transaction(() => {
      for (const r of batch) markSending.run(sentAt, r.id);
    })();
    const items: SubmissionItem[] = batch.map(submissionItem);
    let results: SubmissionResult[];
    try {
      results = (
        (await api.signed(credentials, { method: 'POST', path: '/v1/submissions', body: { items } })) as {
          results: SubmissionResult[];
        }
      ).results;
    } catch (e) {
      // Not answered: the items stay 'sending' and go again, with the same keys, next time.
      summary.remaining = (
        db.prepare(`SELECT count(*) AS n FROM outbox WHERE state IN ('sending', 'queued')${only}`).get(...ops) as {
          n: number;
        }
      ).n;
      throw e;
    }
    const byKey = new Map(results.map((r) => [r.idempotencyKey, r]));
    let answered = 0;
    db.transaction(() => {
      for (const r of batch) {
        const result = byKey.get(r.idempotency_key);
        if (!result) continue;
        answered++;
        if (r.op === ACCESS_OP) {
          // Audit, not a change: the service records it or says why not; nothing for a person to redo.
          const refused = result.status !== 'applied';
          settle.run(
            refused ? 'rejected' : 'applied',
            null,
            refused ? (result.message ?? `The national index refused the access entry (${result.status}).`) : null,
            r.id,
          );
          if (refused) summary.rejected++;
          else summary.applied++;
          continue;
        }
        const changes =
          r.changes === null
            ? undefined
            : PAIR_OPS.includes(r.op)
              ? (JSON.parse(r.changes) as PairPayload).changes
              : (JSON.parse(r.changes) as EditableChanges);
        if (result.status === 'applied') {
          settle.run('applied', result.version ?? null, null, r.id);
          if (result.markedFrom !== undefined && result.version !== undefined)
            rebase(db, r.cp, result.markedFrom, result.version);
          // A correction accepted: its cleansing task closes now, not before.
          if (r.op === 'update') settleCorrection(db, r.id, 'accepted', sentAt, null, null);
          summary.applied++;
        } else if (result.status === 'conflict') {
          const message = 'Somebody changed this record before the change was sent. Compare the two and decide.';
          settle.run('conflict', null, message, r.id);
          const conflictTask = addTask.run(
            'conflict',
            r.cp,
            r.id,
            sentAt,
            JSON.stringify({
              op: r.op,
              baseVersion: r.base_version,
              currentVersion: result.currentVersion,
              message,
              changes,
            }),
          ).lastInsertRowid;
          if (r.op === 'update') settleCorrection(db, r.id, 'conflict', sentAt, message, Number(conflictTask));
          summary.conflicts++;
        } else {
          const message = result.message ?? `The national index refused the change (${result.status}).`;
          settle.run('rejected', null, message, r.id);
          addTask.run(
            'rejected',
            r.cp,
            r.id,
            sentAt,
            JSON.stringify({ op: r.op, baseVersion: r.base_version, message, changes }),
          );
          if (r.op === 'update') settleCorrection(db, r.id, 'refused', sentAt, message, null);
          summary.rejected++;
        }
      }
    })();
    // An item the service did not answer stays 'sending' for the next run, not this loop.
    if (answered < batch.length) {
      summary.remaining = (
        db.prepare(`SELECT count(*) AS n FROM outbox WHERE state IN ('sending', 'queued')${only}`).get(...ops) as {
          n: number;
        }
      ).n;
      break;
    }
  }
  return summary;
}

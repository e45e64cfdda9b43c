// Corrections: a person's change to a record of the working set, queued in the outbox as
// an `update` (outbox.ts sends it, signed) and remembered here with the cleansing task it
// closes and the conflict task it settles. The cleansing task closes only when the
// national index has accepted the change (settleCorrection, called as the outbox settles
// each item); until then the correction is pending. A conflict (someone changed the
// record first) leaves the task open and becomes a conflict task (outbox.ts), which the
// person decides field by field and sends again. Everything is in the encrypted store, so
// a correction made offline survives a restart and is sent later.
import type Database from 'better-sqlite3-multiple-ciphers';
import type { EditableChanges } from '../../domain/api/sync.js';
import { touchesOnlyVisible } from '../../domain/correction-check.js';
import {
  changedPaths,
  provenanceOf,
  type CorrectionConflictView,
  type CorrectionRequest,
  type CorrectionState,
  type CorrectionView,
} from '../../domain/correction.js';
import { withheldRecord } from '../../domain/working-set-access.js';
import { AppFailure } from '../ipc/app-failure.js';
import { closeTasks, ensureCleanseSchema } from '../cleansing/cleanse.js';
import { queueChanges } from './outbox.js';
import type { WorkingSetStore } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS corrections (
  id INTEGER PRIMARY KEY,
  outbox_id INTEGER NOT NULL UNIQUE,
  cp TEXT NOT NULL,
  base_version INTEGER NOT NULL,
  cleanse_task INTEGER,
  conflict_task INTEGER,
  provenance TEXT NOT NULL,
  fields TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  message TEXT,
  created_at TEXT NOT NULL,
  settled_at TEXT
);
CREATE INDEX IF NOT EXISTS corrections_cp ON corrections (cp);
CREATE INDEX IF NOT EXISTS corrections_task ON corrections (cleanse_task);
`;

export function ensureCorrectionSchema(db: Database.Database): void {
  db.exec(SCHEMA);
}

export interface CorrectionOptions {
  /** Main has checked that this person may see the record's shielded details, and they were shown. */
  reveal: boolean;
  localAuthority: string | null;
  at: string;
}

/**
 * Queues a correction. Refused, with nothing queued, if the working set no longer holds
 * the version it was made against, or if it changes what a shield hides of a record
 * whose details were not shown.
 */
export function queueCorrection(
  s: WorkingSetStore,
  request: CorrectionRequest,
  options: CorrectionOptions,
): CorrectionView {
  ensureCorrectionSchema(s.db);
  ensureCleanseSchema(s.db);
  const held = s.child(request.cpNumber);
  if (!held) throw new AppFailure('not-held', `${request.cpNumber} is not in this working set. Sync, then try again.`);
  if (held.version !== request.baseVersion)
    throw new AppFailure(
      'conflict',
      `The record has changed since it was opened (version ${request.baseVersion}, now ${held.version}): open it again and make the correction on what it says now.`,
    );
  let changes: EditableChanges = request.changes;
  if ((held.shielded || held.shieldPending) && !options.reveal) {
    if (!touchesOnlyVisible(changes, withheldRecord(held.record)))
      throw new AppFailure(
        'forbidden',
        'This record is shielded: show its shielded details before correcting what the shield hides.',
      );
    if (changes.parents) {
      // The names changed on the screen; the contact details it never had stay as they are.
      const old = (held.record.parents ?? []) as { contact?: unknown }[];
      changes = {
        ...changes,
        parents: changes.parents.map((p, i) => ({
          ...p,
          ...(old[i]?.contact !== undefined ? { contact: old[i]!.contact as never } : {}),
        })),
      };
    }
  }
  if (request.cleanseTaskId !== undefined) {
    const task = s.db
      .prepare<[number], { cp: string; state: string }>('SELECT cp, state FROM cleanse_tasks WHERE id = ?')
      .get(request.cleanseTaskId);
    if (!task || task.cp !== request.cpNumber || task.state !== 'open')
      throw new AppFailure('not-found', 'That task is no longer open for this record.');
  }
  if (request.conflictTaskId !== undefined) {
    const task = s.db
      .prepare<[number], { cp: string; state: string }>(
        "SELECT cp, state FROM tasks WHERE id = ? AND kind = 'conflict'",
      )
      .get(request.conflictTaskId);
    if (!task || task.cp !== request.cpNumber || task.state !== 'open')
      throw new AppFailure('not-found', 'That conflict is no longer open for this record.');
  }
  const provenance = provenanceOf(options.localAuthority, options.at.slice(0, 10));
  const id = s.db.transaction(() => {
    const [item] = queueChanges(
      s,
      [{ cpNumber: request.cpNumber, op: 'update', changes, source: 'team' }],
      new Date(options.at),
    );
    if (request.conflictTaskId !== undefined) {
      s.db.prepare("UPDATE tasks SET state = 'resolved' WHERE id = ?").run(request.conflictTaskId);
      s.db
        .prepare(
          "UPDATE corrections SET state = 'resent', settled_at = ? WHERE conflict_task = ? AND state = 'conflict'",
        )
        .run(options.at, request.conflictTaskId);
    }
    return Number(
      s.db
        .prepare(
          `INSERT INTO corrections (outbox_id, cp, base_version, cleanse_task, conflict_task, provenance, fields, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          item!.id,
          request.cpNumber,
          held.version,
          request.cleanseTaskId ?? null,
          request.conflictTaskId ?? null,
          provenance,
          JSON.stringify(changedPaths(changes)),
          options.at,
        ).lastInsertRowid,
    );
  })();
  return correctionsWhere(s.db, 'c.id = ?', [id])[0]!;
}

/**
 * The outbox's answer for one item, in the outbox's own transaction: an accepted
 * correction closes its cleansing task; a conflict links the conflict task.
 */
export function settleCorrection(
  db: Database.Database,
  outboxId: number,
  state: Exclude<CorrectionState, 'pending' | 'resent'>,
  at: string,
  message: string | null,
  conflictTask: number | null,
): void {
  ensureCorrectionSchema(db);
  const row = db
    .prepare<[number], { id: number; cleanse_task: number | null }>(
      "SELECT id, cleanse_task FROM corrections WHERE outbox_id = ? AND state = 'pending'",
    )
    .get(outboxId);
  if (!row) return;
  db.prepare('UPDATE corrections SET state = ?, settled_at = ?, message = ?, conflict_task = ? WHERE id = ?').run(
    state,
    at,
    message,
    conflictTask,
    row.id,
  );
  if (state === 'accepted' && row.cleanse_task !== null)
    closeTasks(db, [row.cleanse_task], 'resolved', 'corrected', at);
}

interface CorrectionRow {
  id: number;
  cp: string;
  base_version: number;
  cleanse_task: number | null;
  conflict_task: number | null;
  provenance: string;
  fields: string;
  state: CorrectionState;
  message: string | null;
  created_at: string;
}

function correctionsWhere(db: Database.Database, where: string, params: unknown[]): CorrectionView[] {
  ensureCorrectionSchema(db);
  return db
    .prepare<unknown[], CorrectionRow>(`SELECT c.* FROM corrections c WHERE ${where} ORDER BY c.id DESC LIMIT 50`)
    .all(...params)
    .map((r) => ({
      id: r.id,
      cpNumber: r.cp,
      baseVersion: r.base_version,
      state: r.state,
      cleanseTaskId: r.cleanse_task,
      conflictTaskId: r.conflict_task,
      provenance: r.provenance,
      createdAt: r.created_at,
      message: r.message,
      fields: JSON.parse(r.fields) as string[],
    }));
}

/** The corrections of a record, or of a cleansing task, latest first. */
export function correctionsOf(
  db: Database.Database,
  of: { cpNumber?: string; cleanseTaskId?: number },
): CorrectionView[] {
  if (of.cleanseTaskId !== undefined) return correctionsWhere(db, 'c.cleanse_task = ?', [of.cleanseTaskId]);
  return correctionsWhere(db, 'c.cp = ?', [of.cpNumber ?? '']);
}

/**
 * A conflict to decide: the change made here and the record as the working set holds it
 * now. A shielded record's hidden fields, in the record and in the change, only with
 * `reveal` (checked and audited in main).
 */
export function conflictView(s: WorkingSetStore, taskId: number, reveal: boolean): CorrectionConflictView {
  ensureCorrectionSchema(s.db);
  const task = s.db
    .prepare<[number], { id: number; cp: string; outbox_id: number | null; detail: string }>(
      "SELECT id, cp, outbox_id, detail FROM tasks WHERE id = ? AND kind = 'conflict' AND state = 'open'",
    )
    .get(taskId);
  if (!task) throw new AppFailure('not-found', 'That conflict is no longer open.');
  const detail = JSON.parse(task.detail) as { op: string; baseVersion: number; changes?: EditableChanges };
  if (detail.op !== 'update' || !detail.changes)
    throw new AppFailure('not-found', 'That conflict is not about a correction.');
  const held = s.child(task.cp);
  if (!held) throw new AppFailure('not-held', `${task.cp} is not in this working set. Sync, then try again.`);
  const correction =
    task.outbox_id === null
      ? undefined
      : s.db
          .prepare<[number], { cleanse_task: number | null }>(
            'SELECT cleanse_task FROM corrections WHERE outbox_id = ?',
          )
          .get(task.outbox_id);
  const withheld = (held.shielded || held.shieldPending) && !reveal;
  const changes = withheld
    ? (Object.fromEntries(
        Object.entries(detail.changes).filter(([k]) =>
          touchesOnlyVisible({ [k]: (detail.changes as never)[k] }, held.record),
        ),
      ) as Record<string, unknown>)
    : detail.changes;
  return {
    taskId: task.id,
    cpNumber: task.cp,
    baseVersion: detail.baseVersion,
    heldVersion: held.version,
    needsSync: held.version <= detail.baseVersion,
    withheld,
    record: withheld ? withheldRecord(held.record) : { ...held.record, version: held.version },
    changes:
      withheld && changes.parents
        ? {
            ...changes,
            parents: (changes.parents as { name: string; relationship: string }[]).map((p) => ({
              name: p.name,
              relationship: p.relationship,
            })),
          }
        : changes,
    cleanseTaskId: correction?.cleanse_task ?? null,
  };
}

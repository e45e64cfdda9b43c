// Cleansing's requests as the working-set worker answers them: a run (the rules, with the
// checks in a thread of their own beside duplicate detection), its queues and tasks, and
// a person's decisions on them, queued for the national index. Each record a task shows
// is audited before it leaves the worker. One run at a time; it can be stopped.
import type { Worker } from 'node:worker_threads';
import { decisionNoteProblem, decisionOf } from '../../domain/cleanse/actions.js';
import { AppFailure } from '../ipc/app-failure.js';
import { recordAccess, recordForScreen, tasksForScreen } from '../working-set/access.js';
import { queueChanges } from '../working-set/outbox.js';
import { queueShieldedPairs } from './shielded-pairs.js';
import { bandMergeRefusal, inReviewBand } from './second-look.js';
import { NO_MODEL_NOTE, waitingForFullRun } from './incremental.js';
import type {
  CleanseResolution,
  CleanseResolved,
  CleansingOp,
  OperationHandlers,
  WorkerEvent,
} from '../working-set/protocol.js';
import type { WorkingSetStore } from '../working-set/store.js';
import type { ChecksWorkerData } from './checks.js';
import {
  assignTasks,
  cleanseQueues,
  cleanseTask,
  cleanseTasks,
  closeTasks,
  decideTasks,
  queueHistory,
  rememberNotDuplicate,
  runCleanse,
} from './cleanse.js';

export interface CleansingDeps {
  store: () => WorkingSetStore;
  dir: string;
  keyAccount: string;
  /** Starts the checks thread (the bundled cleanse-checks-worker.cjs in the application). */
  startChecksThread: (data: ChecksWorkerData) => Worker;
  post: (event: WorkerEvent) => void;
}

export function createCleansingOps(deps: CleansingDeps): OperationHandlers<CleansingOp> {
  let running: { cancelled: boolean } | null = null;
  return {
    cleanse: async (request) => {
      if (running) throw new AppFailure('conflict', 'A cleansing run is already running.');
      const s = deps.store();
      if (s.childCount() === 0)
        throw new AppFailure('working-set-unavailable', 'The working set holds no records yet: sync it first.');
      const flag = { cancelled: false };
      running = flag;
      const shieldedPairs: { cpNumber: string; of: string; score: number }[] = [];
      try {
        const summary = await runCleanse(s, {
          today: request.today,
          cancelled: () => flag.cancelled,
          onProgress: (progress) => deps.post({ event: 'cleanse-progress', progress }),
          onShieldedPair: (pair) => shieldedPairs.push(pair),
          // The checks get the other core: a thread of their own beside duplicate detection.
          checksThread: { dir: deps.dir, keyAccount: deps.keyAccount, start: deps.startChecksThread },
        });
        // The national index treats the other record as shielded too, until a person decides.
        queueShieldedPairs(s, shieldedPairs);
        return summary;
      } finally {
        running = null;
      }
    },
    cleanseCancel: () => {
      if (running) running.cancelled = true;
      return null;
    },
    cleanseQueues: () => {
      const s = deps.store();
      const queues = cleanseQueues(s.db);
      const last = s.db
        .prepare<
          [],
          { started_at: string; finished_at: string | null; outcome: string; records: number; tasks: number }
        >('SELECT started_at, finished_at, outcome, records, tasks FROM cleanse_runs ORDER BY id DESC LIMIT 1')
        .get();
      return {
        queues,
        lastRun: last
          ? {
              startedAt: last.started_at,
              finishedAt: last.finished_at,
              // Children a sync changed wait for a full run (no model yet, or too many): say so.
              outcome: waitingForFullRun(s.db) ? `${last.outcome} (${NO_MODEL_NOTE})` : last.outcome,
              records: last.records,
              tasks: last.tasks,
            }
          : null,
      };
    },
    cleanseQueueHistory: (request) => queueHistory(deps.store().db, request.since),
    cleanseTasks: (request) => {
      const db = deps.store().db;
      const page = cleanseTasks(db, request.rule, request.offset, request.limit);
      return { ...page, tasks: tasksForScreen(db, page.tasks) };
    },
    cleanseTask: (request) => {
      const s = deps.store();
      const task = cleanseTask(s.db, request.taskId);
      if (!task)
        throw new AppFailure(
          'not-found',
          'That task no longer exists: the queue may have been refreshed by a new run.',
        );
      const shown = [task.cpNumber, task.otherCpNumber].filter(
        (cp): cp is string => cp !== null && s.child(cp) !== null,
      );
      // Each record the task shows is audited (once a task session) before any of it is returned.
      const audited = shown.filter((cp) => !request.audited.includes(cp));
      s.db.transaction(() => {
        for (const cp of audited) recordAccess(s, cp, request.audit, 'record', new Date(request.at));
      })();
      const side = (cp: string | null) => (cp === null ? null : recordForScreen(s, cp, false, true));
      return {
        task: tasksForScreen(s.db, [task])[0]!,
        first: side(task.cpNumber),
        second: side(task.otherCpNumber),
        audited,
      };
    },
    cleanseResolve: (request) => resolve(deps.store(), request.resolution, request.at),
  };
}

/** A person's decision: queued for the national index where it changes records, and the tasks closed. */
function resolve(s: WorkingSetStore, r: CleanseResolution, at: string): CleanseResolved {
  const pairOf = (id: number) => {
    const task = cleanseTask(s.db, id);
    if (!task || task.state !== 'open')
      throw new AppFailure('not-found', 'That task is no longer open: the queue may have been refreshed by a new run.');
    return task;
  };
  return s.db.transaction(() => {
    switch (r.action) {
      case 'merge': {
        const task = pairOf(r.id);
        if (task.otherCpNumber === null)
          throw new AppFailure('invalid-payload', 'Only a possible duplicate can be merged.');
        if (r.survivor !== task.cpNumber && r.survivor !== task.otherCpNumber)
          throw new AppFailure('invalid-payload', 'The record to keep must be one of the two.');
        // A doubtful pair is merged only after a second look (second-look.ts).
        if (inReviewBand(task.detail)) throw new AppFailure('invalid-payload', bandMergeRefusal);
        const duplicate = r.survivor === task.cpNumber ? task.otherCpNumber : task.cpNumber;
        queueChanges(
          s,
          [
            {
              cpNumber: r.survivor,
              op: 'merge',
              other: duplicate,
              ...(r.changes ? { changes: r.changes } : {}),
              source: 'cleansing',
            },
          ],
          new Date(at),
        );
        return { closed: closeTasks(s.db, [r.id], 'resolved', `merged into ${r.survivor}`, at), queued: 1 };
      }
      case 'not-duplicate': {
        const tasks = r.ids.map(pairOf);
        for (const t of tasks) {
          if (t.otherCpNumber === null)
            throw new AppFailure('invalid-payload', 'Only possible duplicates can be marked "not a duplicate".');
          rememberNotDuplicate(s.db, t.cpNumber, t.otherCpNumber, at);
        }
        queueChanges(
          s,
          tasks.map((t) => ({
            cpNumber: t.cpNumber,
            op: 'not-duplicate' as const,
            other: t.otherCpNumber!,
            source: 'cleansing' as const,
          })),
          new Date(at),
        );
        return { closed: closeTasks(s.db, r.ids, 'dismissed', 'not a duplicate', at), queued: tasks.length };
      }
      case 'dismiss':
        // A pair is decided (merged, or not a duplicate), never just dismissed: one of them may be held as shielded until then.
        if (r.ids.map(pairOf).some((t) => t.otherCpNumber !== null)) {
          throw new AppFailure(
            'invalid-payload',
            'A possible duplicate must be merged or marked "not a duplicate", not dismissed.',
          );
        }
        return dismiss(s, r, at);
      case 'assign':
        r.ids.forEach(pairOf);
        return { closed: 0, queued: 0, assigned: assignTasks(s.db, r.ids, r.assignee) };
    }
  })();
}

/**
 * A decision (or referral) with its reason and an optional note: each
 * task's rule must list the decision (domain/cleanse/actions.ts), and the note holds no
 * case information. One refused task refuses them all, so a bulk decision is all or none.
 */
function dismiss(
  s: WorkingSetStore,
  r: Extract<CleanseResolution, { action: 'dismiss' }>,
  at: string,
): CleanseResolved {
  // The IPC schema requires a decision; the worker holds to it for any other caller too.
  if (!r.decision)
    throw new AppFailure('invalid-payload', "A task closes with a decision from its rule's list: choose one.");
  const note = r.note?.trim() ?? '';
  const problem = note === '' ? null : decisionNoteProblem(note);
  if (problem) throw new AppFailure('invalid-payload', problem);
  let label = '';
  for (const id of r.ids) {
    const task = cleanseTask(s.db, id)!;
    const action = decisionOf(task.rule, r.decision);
    if (!action)
      throw new AppFailure(
        'invalid-payload',
        `"${r.decision}" is not a decision for the rule "${task.rule}": choose one of its own (docs/cleansing.md).`,
      );
    if (r.ids.length > 1 && !action.bulk)
      throw new AppFailure('invalid-payload', `"${action.label}" is decided one task at a time.`);
    label = action.label;
  }
  const resolution = note === '' ? label : `${label}: ${note}`;
  return { closed: decideTasks(s.db, r.ids, r.decision, resolution, at), queued: 0 };
}

// Messages between main and the working-set worker thread. The worker owns the
// encrypted store and does the heavy work off main's thread: sync, search, the outbox
// and the access log, cleansing (the rules and duplicate detection, and the decisions
// on its tasks) and the adapter (profiles, checking and sending a local authority's
// files). Main owns the session key, so the worker asks main to sign each request it
// makes to the service (the `sign` event).
import type { EditableChanges } from '../../domain/api/sync.js';
import type { Profile } from '../../domain/adapter/profile.js';
import type { CorrectionConflictView, CorrectionRequest, CorrectionView } from '../../domain/correction.js';
import type { ErrorCode } from '../../domain/ipc-contract.js';
import type { LocalSearchQuery } from '../../domain/local-search.js';
import type { AccessView, WorkingSetRecordView } from '../../domain/working-set-access.js';
import type { CheckResult } from '../adapter/check.js';
import type { LoadSummary, ProblemView, RowView } from '../adapter/loads.js';
import type { Preview } from '../adapter/preview.js';
import type { SubmitSummary } from '../adapter/submit.js';
import type { ProfileEntry } from '../adapter/team-profiles.js';
import type { AccessEntry, Accessor } from './access.js';
import type { CleanseSummary, CleanseTask, cleanseQueues, queueHistory } from '../cleansing/cleanse.js';
import type { LabelOperations } from '../cleansing/labels.js';
import type { SecondLookOperations } from '../cleansing/second-look.js';
import type { OutboxChange, OutboxItem, OutboxState, SendSummary, Task } from './outbox.js';
import type { LocalSearchAnswer } from './search.js';
import type { SyncRun } from './store.js';
import type { SyncProgress } from './sync-engine.js';

export interface WorkerSetup {
  dir: string;
  /** The credential store entry of this working set's key. */
  keyAccount: string;
  serviceUrl: string;
  transport: { trustedCaPem?: string; pinnedCertificateSha256?: string; timeoutMs?: number };
  /** Feed entries per page (default 1000, the most the feed gives); smaller in tests to watch progress. */
  pageSize?: number;
  /** The shipped mapping profiles (default: dist/profiles beside the worker's bundle). */
  profilesDir?: string;
}

export type WipeReason = 'command' | 'no-sync' | 'access-ended';

/** The store opened (or there is none yet); not available, with the error, otherwise. */
export type WorkingSetSummary = WorkingSetContents &
  ({ available: true } | { available: false; error: { code: ErrorCode; message: string } });

export interface WorkingSetContents {
  localAuthority: string | null;
  children: number;
  lastSyncAt: string | null;
  fullSyncDone: boolean;
  outbox: Record<OutboxState, number>;
  openTasks: number;
  /** The last wipe of this computer's working set, and why. */
  lastWipe: { at: string; reason: WipeReason } | null;
  /** Access entries waiting to reach the national audit trail, and any it refused. */
  access: { waiting: number; refused: number };
}

/** A request that carries nothing but its operation. */
type NoFields = Record<never, never>;

/**
 * Every operation main may ask of the worker: what the request carries (beside `op`) and
 * what the worker replies. The one table both sides are typed from, as
 * domain/ipc-contract.ts is for the renderer: the worker's handlers must return exactly
 * `reply`, and main's `call` resolves to it.
 */
export interface Operations extends LabelOperations, SecondLookOperations {
  summary: { request: NoFields; reply: WorkingSetSummary };
  sync: { request: { localAuthority: string }; reply: SyncRun };
  cancel: { request: NoFields; reply: null };
  search: { request: { query: LocalSearchQuery; limit: number }; reply: LocalSearchAnswer };
  child: { request: { cpNumber: string }; reply: HeldChild | null };
  /**
   * A record for the screen: its shielded details only with `reveal` (main has checked the
   * role). With `audit`, an access entry is written (and queued) before it is returned.
   */
  open: {
    request: {
      cpNumber: string;
      reveal: boolean;
      withProvenance: boolean;
      audit: (Accessor & { view: AccessView }) | null;
      at: string;
    };
    reply: WorkingSetRecordView | null;
  };
  /** The local access log, latest first. */
  accessLog: { request: { limit: number }; reply: AccessEntry[] };
  /** Sends the access entries waiting in the outbox (and nothing else). */
  sendAccess: { request: NoFields; reply: SendSummary };
  queue: { request: { changes: OutboxChange[] }; reply: OutboxItem[] };
  send: { request: NoFields; reply: SendSummary };
  tasks: { request: NoFields; reply: Task[] };
  history: { request: NoFields; reply: SyncRun[] };
  wipe: { request: { reason: WipeReason; at: string }; reply: null };
  /** Wipes the working set if it has not synced for more than that many days before `at`. */
  expire: { request: { maxDaysWithoutSync: number; at: string }; reply: { wiped: boolean } };

  // Corrections (corrections.ts)
  /** Queues a correction; `reveal`: main has checked the role and the shielded details were shown. */
  correct: { request: { correction: CorrectionRequest; reveal: boolean; at: string }; reply: CorrectionView };
  /** A record's corrections, or a cleansing task's, latest first. */
  corrections: { request: { cpNumber?: string; cleanseTaskId?: number }; reply: CorrectionView[] };
  /** A conflict task about a correction, with the record as held now (hidden fields only with `reveal`). */
  correctionConflict: { request: { taskId: number; reveal: boolean }; reply: CorrectionConflictView };
  /** Sends the waiting updates (corrections among them) and nothing else. */
  sendCorrections: { request: NoFields; reply: SendSummary };

  // Cleansing
  /** A cleansing run: every rule and the matcher; answers when it ends (progress as events). */
  cleanse: { request: { today: string }; reply: CleanseSummary };
  cleanseCancel: { request: NoFields; reply: null };
  cleanseQueues: { request: NoFields; reply: CleanseQueues };
  /** The open tasks per rule on each day recorded since `since` (YYYY-MM-DD): the queues over time. */
  cleanseQueueHistory: { request: { since: string }; reply: ReturnType<typeof queueHistory> };
  /** One queue's open tasks, a window of them: `rule` as the screen named it (a name that is no rule's has none). */
  cleanseTasks: {
    request: { rule: string; offset: number; limit: number };
    reply: { tasks: CleanseTask[]; total: number };
  };
  /**
   * One task with its records, shielded details withheld. Each record shown gets an access
   * entry as `audit`, unless it is in `audited` (already recorded in this task session).
   */
  cleanseTask: {
    request: { taskId: number; audit: Accessor; audited: string[]; at: string };
    reply: OpenedCleanseTask;
  };
  cleanseResolve: { request: { resolution: CleanseResolution; at: string }; reply: CleanseResolved };

  // The adapter: local data supply
  adapterProfiles: { request: NoFields; reply: ProfileEntry[] };
  adapterSaveProfile: { request: { profile: unknown; at: string; userId: string | null }; reply: Profile };
  adapterDeleteProfile: { request: { name: string }; reply: { deleted: boolean } };
  adapterPreview: { request: { path: string; profile: unknown; today: string }; reply: Preview };
  /** Checks a file: answers when it ends (progress as events). */
  adapterCheck: {
    request: { path: string; profile: unknown; today: string; userId: string | null };
    reply: CheckResult;
  };
  /** Sends a checked load: answers when it ends (progress as events). */
  adapterSubmit: { request: { loadId: number; localAuthority: string }; reply: SubmitSummary };
  adapterCancel: { request: NoFields; reply: null };
  adapterLoads: { request: NoFields; reply: LoadSummary[] };
  adapterLoad: { request: { loadId: number }; reply: LoadSummary };
  adapterProblems: {
    request: { loadId: number; offset: number; limit: number };
    reply: { problems: ProblemView[]; total: number };
  };
  adapterRows: {
    request: { loadId: number; filter: 'all' | 'possible' | 'match' | 'new'; offset: number; limit: number };
    reply: { rows: RowView[]; total: number };
  };
  adapterExclude: { request: { loadId: number; rows: number[]; excluded: boolean }; reply: { changed: number } };
  adapterReport: { request: { loadId: number; path: string }; reply: { written: true } };
}

export type Op = keyof Operations;
export type CleansingOp = Extract<Op, `cleanse${string}`>;
export type AdapterOp = Extract<Op, `adapter${string}`>;

/** One object type rather than an intersection, so that `op` narrows it in a switch. */
type Flat<T> = { [K in keyof T]: T[K] };

/** The request of an operation (or, given several, the union of theirs). */
export type RequestOf<K extends Op> = { [P in K]: Flat<{ op: P } & Operations[P]['request']> }[K];
export type Request = RequestOf<Op>;
export type ReplyOf<K extends Op> = Operations[K]['reply'];

/** What answers each operation in the worker: checked against the table, one by one. */
export type OperationHandlers<K extends Op = Op> = {
  [P in K]: (request: RequestOf<P>) => ReplyOf<P> | Promise<ReplyOf<P>>;
};

/** A record as the store holds it, for main's own use (never for the screen). */
export interface HeldChild {
  cpNumber: string;
  version: number;
  shielded: boolean;
  record: Record<string, unknown>;
}

/** The cleansing queues, and how the last run ended. */
export interface CleanseQueues {
  queues: ReturnType<typeof cleanseQueues>;
  lastRun: { startedAt: string; finishedAt: string | null; outcome: string; records: number; tasks: number } | null;
}

/** A task opened for the screen, and the records it audited on the way. */
export interface OpenedCleanseTask {
  task: CleanseTask;
  first: WorkingSetRecordView | null;
  second: WorkingSetRecordView | null;
  /** The records given an access entry now (not already audited in the task session). */
  audited: string[];
}

export interface CleanseResolved {
  closed: number;
  queued: number;
  /** With `assign`: how many tasks changed hands. */
  assigned?: number;
}

/** What a person decided about tasks. Merge is one pair at a time; the rest may be bulk. */
export type CleanseResolution =
  | { action: 'merge'; id: number; survivor: string; changes?: EditableChanges }
  | { action: 'not-duplicate'; ids: number[] }
  /** "Nothing to do", or a decision from the rule's list (domain/cleanse/actions.ts) with a note. */
  | { action: 'dismiss'; ids: number[]; decision?: string; note?: string }
  | { action: 'assign'; ids: number[]; assignee: string | null };

export type WorkerRequest = Request & { id: number };

/** Main's answer to a `sign` event. */
export type SignAnswer =
  | { op: 'signed'; signId: number; headers: Record<string, string> }
  | { op: 'signed'; signId: number; error: FailureData };

export interface FailureData {
  name: string;
  code: ErrorCode;
  message: string;
  serviceCode?: string;
}

export type WorkerReply = { id: number; ok: true; value: ReplyOf<Op> } | { id: number; ok: false; error: FailureData };

export type WorkerEvent =
  | { event: 'progress'; progress: SyncProgress }
  | { event: 'sign'; signId: number; method: string; url: string; body?: Uint8Array }
  | { event: 'sync-ended'; run: SyncRun | null; error?: FailureData }
  | { event: 'cleanse-progress'; progress: { stage: string; done: number; total: number } }
  | {
      event: 'adapter-progress';
      progress: { stage: 'checking' | 'saving' | 'sending'; fraction: number; rows: number };
    };

export type { EditableChanges };

// Messages between main and the working-set worker thread. The worker owns the
// encrypted store and does the heavy work (sync, search, the outbox); main owns the
// session key, so the worker asks main to sign each request it makes.
import type { EditableChanges } from '../../domain/api/sync.js';
import type { LocalSearchQuery } from '../../domain/local-search.js';
import type { AccessView, WorkingSetRecordView } from '../../domain/working-set-access.js';
import type { AccessEntry, Accessor } from './access.js';
import type { OutboxChange, OutboxState, SendSummary, Task } from './outbox.js';
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

export interface WorkingSetSummary {
  /** The store opened (or there is none yet); 'unavailable' with the error otherwise. */
  available: boolean;
  error?: { code: string; message: string };
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

export type Request =
  | { op: 'summary' }
  | { op: 'sync'; localAuthority: string }
  | { op: 'cancel' }
  | { op: 'search'; query: LocalSearchQuery; limit: number }
  | { op: 'child'; cpNumber: string }
  /**
   * A record for the screen: its shielded details only with `reveal` (main has checked the
   * role). With `audit`, an access entry is written (and queued) before it is returned.
   */
  | { op: 'open'; cpNumber: string; reveal: boolean; withProvenance: boolean; audit: (Accessor & { view: AccessView }) | null; at: string }
  /** The local access log, latest first. */
  | { op: 'accessLog'; limit: number }
  /** Sends the access entries waiting in the outbox (and nothing else). */
  | { op: 'sendAccess' }
  | { op: 'queue'; changes: OutboxChange[] }
  | { op: 'send' }
  | { op: 'tasks' }
  | { op: 'history' }
  | { op: 'wipe'; reason: WipeReason; at: string }
  /** Wipes the working set if it has not synced for more than that many days before `at`. */
  | { op: 'expire'; maxDaysWithoutSync: number; at: string }
  /** A cleansing run: every rule and the matcher; answers when it ends (progress as events). */
  | { op: 'cleanse'; today: string }
  | { op: 'cleanseCancel' }
  | { op: 'cleanseQueues' }
  | { op: 'cleanseTasks'; rule: string; offset: number; limit: number }
  /**
   * One task with its records, shielded details withheld. Each record shown gets an access
   * entry as `audit`, unless it is in `audited` (already recorded in this task session).
   */
  | { op: 'cleanseTask'; taskId: number; audit: Accessor; audited: string[]; at: string }
  | { op: 'cleanseResolve'; resolution: CleanseResolution; at: string }
  // The adapter: local data supply
  | { op: 'adapterProfiles' }
  | { op: 'adapterSaveProfile'; profile: unknown; at: string; userId: string | null }
  | { op: 'adapterDeleteProfile'; name: string }
  | { op: 'adapterPreview'; path: string; profile: unknown; today: string }
  /** Checks a file: answers when it ends (progress as events). */
  | { op: 'adapterCheck'; path: string; profile: unknown; today: string; userId: string | null }
  /** Sends a checked load: answers when it ends (progress as events). */
  | { op: 'adapterSubmit'; loadId: number; localAuthority: string }
  | { op: 'adapterCancel' }
  | { op: 'adapterLoads' }
  | { op: 'adapterLoad'; loadId: number }
  | { op: 'adapterProblems'; loadId: number; offset: number; limit: number }
  | { op: 'adapterRows'; loadId: number; filter: 'all' | 'possible' | 'match' | 'new'; offset: number; limit: number }
  | { op: 'adapterExclude'; loadId: number; rows: number[]; excluded: boolean }
  | { op: 'adapterReport'; loadId: number; path: string };

/** What a person decided about tasks. Merge is one pair at a time; the rest may be bulk. */
export type CleanseResolution =
  | { action: 'merge'; id: number; survivor: string; changes?: EditableChanges }
  | { action: 'not-duplicate'; ids: number[] }
  | { action: 'dismiss'; ids: number[] }
  | { action: 'assign'; ids: number[]; assignee: string | null };

export type WorkerRequest = Request & { id: number };

/** Main's answer to a `sign` event. */
export type SignAnswer = { op: 'signed'; signId: number; headers: Record<string, string> } | { op: 'signed'; signId: number; error: FailureData };

export interface FailureData {
  name: string;
  code: string;
  message: string;
  serviceCode?: string;
}

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: FailureData };

export type WorkerEvent =
  | { event: 'progress'; progress: SyncProgress }
  | { event: 'sign'; signId: number; method: string; url: string; body?: Uint8Array }
  | { event: 'sync-ended'; run: SyncRun | null; error?: FailureData }
  | { event: 'cleanse-progress'; progress: { stage: string; done: number; total: number } }
  | { event: 'adapter-progress'; progress: { stage: 'checking' | 'saving' | 'sending'; fraction: number; rows: number } };

export type ReplyOf<R extends Request['op']> = R extends 'summary'
  ? WorkingSetSummary
  : R extends 'sync'
    ? SyncRun
    : R extends 'search'
      ? LocalSearchAnswer
      : R extends 'child'
        ? { cpNumber: string; version: number; shielded: boolean; record: Record<string, unknown> } | null
        : R extends 'send' | 'sendAccess'
          ? SendSummary
          : R extends 'tasks'
            ? Task[]
            : R extends 'history'
              ? SyncRun[]
              : R extends 'expire'
                ? { wiped: boolean }
                : R extends 'open'
                  ? WorkingSetRecordView | null
                  : R extends 'accessLog'
                    ? AccessEntry[]
                    : R extends 'cleanse' | 'cleanseQueues' | 'cleanseTasks' | 'cleanseTask' | 'cleanseResolve'
                      ? unknown
                      : R extends `adapter${string}`
                        ? unknown
                        : null;

export type { EditableChanges };

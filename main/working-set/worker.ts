// The working-set worker thread: owns the encrypted store and does the heavy work off
// main's thread: sync, search, the outbox and the access log, cleansing runs and their
// tasks, and the adapter's checks and submissions (protocol.ts lists every operation).
// Bundled as dist/main/working-set-worker.cjs. Requests it makes to the service are
// signed by main (the `sign` event), which alone holds the session key.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { daysBetween } from '../../domain/dates.js';
import { createApiClient, ServiceFailure, type RemoteSigner } from '../api/client.js';
import { createTransport } from '../api/transport.js';
import { createAdapterOps } from '../adapter/adapter-ops.js';
import { CheckCancelled } from '../adapter/check.js';
import { CHECK_THREAD_LIMITS } from '../adapter/check-part.js';
import { ProfileError } from '../../domain/adapter/profile.js';
import { SourceError } from '../adapter/source/index.js';
import { SubmitCancelled } from '../adapter/submit.js';
import { AppFailure } from '../ipc/app-failure.js';
import { CleanseCancelled } from '../cleansing/cleanse.js';
import { createCleansingOps } from '../cleansing/cleansing-ops.js';
import { createLabelOps } from '../cleansing/labels.js';
import { createSecondLookOps } from '../cleansing/second-look.js';
import { accessLog, outboxTasksForScreen, recordAccess, recordForScreen } from './access.js';
import {
  ACCESS_OP,
  accessCounts,
  openTasks,
  outboxCounts,
  queueChanges,
  sendOutbox,
  type OutboxOp,
  type SendSummary,
} from './outbox.js';
import type {
  FailureData,
  Op,
  OperationHandlers,
  ReplyOf,
  RequestOf,
  SignAnswer,
  WipeReason,
  WorkerEvent,
  WorkerReply,
  WorkerRequest,
  WorkerSetup,
  WorkingSetSummary,
} from './protocol.js';
import { conflictView, correctionsOf, queueCorrection } from './corrections.js';
import { createLocalSearch, type LocalSearchAnswer } from './search.js';
import { openStore, STORE_FILE, wipeStore, WorkingSetError, type WorkingSetStore } from './store.js';
import { runSync } from './sync-engine.js';
import { createKeyringVault, VaultError } from './vault.js';

const setup: WorkerSetup = workerData;
const port = parentPort!;
const vault = createKeyringVault(setup.keyAccount);
const api = createApiClient({
  baseUrl: setup.serviceUrl,
  // Feed pages of a thousand records run to a few megabytes.
  transport: createTransport({ ...setup.transport, maxResponseBytes: 64 * 1024 * 1024 }),
});
const wipeFile = join(setup.dir, 'last-wipe.json');

let store: WorkingSetStore | null = null;
let search: ((q: Parameters<ReturnType<typeof createLocalSearch>>[0], limit?: number) => LocalSearchAnswer) | null =
  null;
let openError: FailureData | null = null;
let syncing: AbortController | null = null;
// One send at a time: the access entries go out on their own as they are written, and a
// person may press "Send" meanwhile. Items are never sent twice at once.
let sending: Promise<unknown> = Promise.resolve();
function serialSend(ops?: readonly OutboxOp[]): Promise<SendSummary> {
  const run = sending.then(() => sendOutbox({ store: opened(), api, credentials: signer, ...(ops ? { ops } : {}) }));
  sending = run.catch(() => undefined);
  return run;
}

const post = (m: WorkerEvent | WorkerReply) => port.postMessage(m);

// Cleansing's checks thread sits beside this bundle in dist/.
const cleansingOps = createCleansingOps({
  store: () => opened(),
  dir: setup.dir,
  keyAccount: setup.keyAccount,
  startChecksThread: (data) => new Worker(join(__dirname, 'cleanse-checks-worker.cjs'), { workerData: data }),
  post: (event) => post(event),
});

// The adapter's threads and shipped profiles sit beside this bundle in dist/.
const adapterOps = createAdapterOps({
  store: () => opened(),
  dir: setup.dir,
  keyAccount: setup.keyAccount,
  profilesDir: setup.profilesDir ?? join(__dirname, '..', 'profiles'),
  startCheckThread: (data) =>
    new Worker(join(__dirname, 'adapter-check-worker.cjs'), { workerData: data, resourceLimits: CHECK_THREAD_LIMITS }),
  call: (request) => api.signed(signer, request),
  post: (event) => post(event),
});

function failureData(e: unknown): FailureData {
  if (e instanceof ServiceFailure)
    return { name: e.name, code: e.code, message: e.message, ...(e.serviceCode ? { serviceCode: e.serviceCode } : {}) };
  if (e instanceof WorkingSetError) {
    const code = e.code === 'other-authority' || e.code === 'not-held' ? e.code : 'working-set-unavailable';
    return { name: 'AppFailure', code, message: e.message };
  }
  if (e instanceof AppFailure || e instanceof VaultError)
    return { name: 'AppFailure', code: e.code, message: e.message };
  if (e instanceof CleanseCancelled)
    return {
      name: 'AppFailure',
      code: 'cancelled',
      message: 'The cleansing run was stopped. The queues are as the last completed run left them.',
    };
  if (e instanceof CheckCancelled || e instanceof SubmitCancelled)
    return { name: 'AppFailure', code: 'cancelled', message: e.message };
  // The reader's messages name the row and column, never what a cell holds.
  if (e instanceof SourceError) return { name: 'AppFailure', code: 'file-unreadable', message: e.message };
  if (e instanceof ProfileError) return { name: 'AppFailure', code: 'invalid-payload', message: e.message };
  // Anything else is a defect: its message could quote data, so only its class goes out.
  return {
    name: e instanceof Error ? e.name : 'Error',
    code: 'internal-error',
    message: 'Something went wrong with the working set on this computer.',
  };
}

/** Opens the store on first use; a store that cannot open stays closed, untouched, with its error. */
function opened(): WorkingSetStore {
  if (store) return store;
  try {
    store = openStore(setup.dir, vault);
    search = createLocalSearch(store);
    openError = null;
    return store;
  } catch (e) {
    openError = failureData(e);
    throw e;
  }
}

let nextSign = 1;
const signing = new Map<number, { resolve: (h: Record<string, string>) => void; reject: (e: Error) => void }>();
const signer: RemoteSigner = (request) =>
  new Promise((resolve, reject) => {
    const signId = nextSign++;
    signing.set(signId, { resolve, reject });
    post({
      event: 'sign',
      signId,
      method: request.method,
      url: request.url,
      ...(request.body ? { body: new Uint8Array(request.body) } : {}),
    });
  });

function lastWipe(): WorkingSetSummary['lastWipe'] {
  if (!existsSync(wipeFile)) return null;
  try {
    return JSON.parse(readFileSync(wipeFile, 'utf8')) as { at: string; reason: WipeReason };
  } catch {
    return null;
  }
}

function wipe(reason: WipeReason, at: string): null {
  syncing?.abort();
  store?.close();
  store = null;
  search = null;
  wipeStore(setup.dir, vault);
  // What happened and when, for the screen; no personal data.
  writeFileSync(wipeFile, JSON.stringify({ at, reason }), { mode: 0o600 });
  return null;
}

function summary(): WorkingSetSummary {
  let s: WorkingSetStore;
  try {
    s = opened();
  } catch {
    return {
      available: false,
      error: { code: openError!.code, message: openError!.message },
      localAuthority: null,
      children: 0,
      lastSyncAt: null,
      fullSyncDone: false,
      outbox: { queued: 0, sending: 0, applied: 0, conflict: 0, rejected: 0 },
      openTasks: 0,
      lastWipe: lastWipe(),
      access: { waiting: 0, refused: 0 },
    };
  }
  return {
    available: true,
    localAuthority: s.meta('localAuthority'),
    children: s.childCount(),
    lastSyncAt: s.meta('lastSyncAt'),
    fullSyncDone: s.meta('fullSyncDone') === '1',
    outbox: outboxCounts(s),
    openTasks: (s.db.prepare("SELECT count(*) AS n FROM tasks WHERE state = 'open'").get() as { n: number }).n,
    lastWipe: lastWipe(),
    access: accessCounts(s),
  };
}

/** Every operation of the table in protocol.ts, each answering with exactly its reply. */
const operations: OperationHandlers = {
  summary: () => summary(),
  sync: async (request) => {
    if (syncing) throw new AppFailure('conflict', 'A sync is already running.');
    const s = opened();
    syncing = new AbortController();
    try {
      return await runSync({
        store: s,
        api,
        credentials: signer,
        localAuthority: request.localAuthority,
        signal: syncing.signal,
        ...(setup.pageSize !== undefined ? { pageSize: setup.pageSize } : {}),
        onProgress: (progress) => post({ event: 'progress', progress }),
      });
    } finally {
      syncing = null;
    }
  },
  cancel: () => {
    syncing?.abort();
    return null;
  },
  search: (request) => {
    opened();
    return search!(request.query, request.limit);
  },
  child: (request) => {
    const c = opened().child(request.cpNumber);
    return c && { cpNumber: c.cpNumber, version: c.version, shielded: c.shielded, record: c.record };
  },
  queue: (request) => queueChanges(opened(), request.changes, new Date()),
  open: (request) => {
    const s = opened();
    // The entry first, committed: nothing of a record leaves the worker unaudited.
    if (request.audit) {
      const { view, ...who } = request.audit;
      const held = s.child(request.cpNumber);
      // A record with no shield has no shielded details: what was shown is the record.
      const shown =
        view === 'shielded-details' && held !== null && !held.shielded && !held.shieldPending ? 'record' : view;
      recordAccess(s, request.cpNumber, who, shown, new Date(request.at));
    }
    return recordForScreen(s, request.cpNumber, request.reveal, request.withProvenance);
  },
  accessLog: (request) => accessLog(opened(), request.limit),
  send: () => serialSend(),
  sendAccess: () => serialSend([ACCESS_OP]),
  tasks: () => {
    const s = opened();
    return outboxTasksForScreen(s.db, openTasks(s));
  },
  history: () => opened().runs(20),
  wipe: (request) => wipe(request.reason, request.at),
  expire: (request) => {
    // Only a store that exists and has synced ages; one that cannot open is left for a person.
    // Nothing to age on a computer that never held a working set (and no key to make).
    if (!store && !existsSync(join(setup.dir, STORE_FILE))) return { wiped: false };
    let s: WorkingSetStore;
    try {
      s = opened();
    } catch {
      return { wiped: false };
    }
    const since = s.meta('lastSyncAt') ?? s.runs(1000).at(-1)?.startedAt ?? null;
    if (since === null) return { wiped: false };
    const days = daysBetween(since.slice(0, 10), request.at.slice(0, 10));
    if (days <= request.maxDaysWithoutSync) return { wiped: false };
    wipe('no-sync', request.at);
    return { wiped: true };
  },
  correct: (request) => {
    const s = opened();
    return queueCorrection(s, request.correction, {
      reveal: request.reveal,
      localAuthority: s.meta('localAuthority'),
      at: request.at,
    });
  },
  corrections: (request) =>
    correctionsOf(opened().db, {
      ...(request.cpNumber !== undefined ? { cpNumber: request.cpNumber } : {}),
      ...(request.cleanseTaskId !== undefined ? { cleanseTaskId: request.cleanseTaskId } : {}),
    }),
  correctionConflict: (request) => conflictView(opened(), request.taskId, request.reveal),
  // Only updates (the corrections among them): a merge or a shield waits for the team's "Send".
  sendCorrections: () => serialSend(['update']),
  ...cleansingOps,
  ...adapterOps,
  ...createLabelOps(() => opened()),
  ...createSecondLookOps(() => opened()),
};

/** Runs one operation; whatever it throws, at once or later, comes back as a rejection. */
async function handle<K extends Op>(op: K, request: RequestOf<K>): Promise<ReplyOf<K>> {
  return operations[op](request);
}

port.on('message', (m: WorkerRequest | SignAnswer) => {
  if ('op' in m && m.op === 'signed') {
    const waiting = signing.get(m.signId);
    signing.delete(m.signId);
    if (!waiting) return;
    if ('headers' in m) waiting.resolve(m.headers);
    else {
      const e =
        m.error.name === 'ServiceFailure'
          ? new ServiceFailure(m.error.code, m.error.message, m.error.serviceCode, undefined)
          : new AppFailure(m.error.code, m.error.message);
      waiting.reject(e);
    }
    return;
  }
  const request = m;
  handle(request.op, request).then(
    (value) => post({ id: request.id, ok: true, value }),
    (e: unknown) => post({ id: request.id, ok: false, error: failureData(e) }),
  );
});

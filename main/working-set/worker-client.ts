// Main's side of the working-set worker: starts the thread, passes requests and
// answers, signs the worker's requests with the live session (the key stays here), and
// keeps the latest progress of a sync, a cleansing run and an adapter check or
// submission, and how each last ended, for the screens.
import { Worker } from 'node:worker_threads';
import { AppFailure } from '../ipc/app-failure.js';
import { ServiceFailure } from '../api/client.js';
import type { SessionManager } from '../session/session-manager.js';
import type { CleanseSummary } from '../cleansing/cleanse.js';
import type {
  FailureData,
  ReplyOf,
  Request,
  RequestOf,
  SignAnswer,
  WipeReason,
  WorkerEvent,
  WorkerReply,
  WorkerSetup,
} from './protocol.js';
import type { SyncRun } from './store.js';
import type { SyncProgress } from './sync-engine.js';

export interface WorkingSetOptions extends WorkerSetup {
  workerFile: string;
  session: Pick<SessionManager, 'sign' | 'failed'>;
  now?: () => number;
  log?: (line: string) => void;
}

export interface SyncState {
  running: boolean;
  progress: SyncProgress | null;
  /** How the last sync of this session of the application ended. */
  last: { run: SyncRun | null; error?: { code: string; message: string } } | null;
}

export interface CleanseState {
  running: boolean;
  progress: { stage: string; done: number; total: number } | null;
  /** How the last run of this session of the application ended. */
  last: { summary: CleanseSummary | null; error?: { code: string; message: string } } | null;
}

export interface AdapterState {
  running: 'check' | 'submit' | null;
  progress: { stage: string; fraction: number; rows: number } | null;
  /** How the last check or submission of this session of the application ended. */
  last: { kind: 'check' | 'submit'; loadId: number | null; error: { code: string; message: string } | null } | null;
}

export interface WorkingSet {
  call<R extends Request>(request: R): Promise<ReplyOf<R['op']>>;
  /** Starts a cleansing run and returns at once; cleanse() follows it. */
  startCleanse(today: string): void;
  cleanse(): CleanseState;
  /** Starts a check or a submission in the worker and returns at once; adapter() follows it. */
  startAdapter(request: RequestOf<'adapterCheck' | 'adapterSubmit'>): void;
  adapter(): AdapterState;
  /** Starts a sync and returns at once; progress() follows it. */
  startSync(localAuthority: string): void;
  sync(): SyncState;
  wipe(reason: WipeReason): Promise<void>;
  close(): Promise<void>;
}

function failureFrom(data: FailureData): AppFailure {
  if (data.name === 'ServiceFailure') return new ServiceFailure(data.code, data.message, data.serviceCode, undefined);
  return new AppFailure(data.code, data.message);
}

export function createWorkingSet(options: WorkingSetOptions): WorkingSet {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const { workerFile, session, now: _now, log: _log, ...setup } = options;
  const origin = new URL(setup.serviceUrl).origin;
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: ReplyOf<Request['op']>) => void; reject: (e: Error) => void }>();
  const state: SyncState = { running: false, progress: null, last: null };
  const cleansing: CleanseState = { running: false, progress: null, last: null };
  const adapting: AdapterState = { running: null, progress: null, last: null };

  function start(): Worker {
    if (worker) return worker;
    const w = new Worker(workerFile, { workerData: setup });
    w.on('message', (m: WorkerReply | WorkerEvent) => {
      if ('event' in m) return onEvent(w, m);
      const waiting = pending.get(m.id);
      pending.delete(m.id);
      if (!waiting) return;
      if (m.ok) waiting.resolve(m.value);
      else waiting.reject(failureFrom(m.error));
    });
    w.on('error', (e) => {
      // Only the class: a worker's error message could quote data.
      log(`working set: worker failed (${e.name})`);
    });
    w.on('exit', () => {
      if (worker === w) worker = null;
      for (const [, p] of pending)
        p.reject(new AppFailure('internal-error', 'The working set stopped unexpectedly. Try again.'));
      pending.clear();
      state.running = false;
      cleansing.running = false;
      adapting.running = null;
    });
    worker = w;
    return w;
  }

  function onEvent(w: Worker, m: WorkerEvent): void {
    if (m.event === 'progress') {
      state.progress = m.progress;
      return;
    }
    if (m.event === 'cleanse-progress') {
      cleansing.progress = m.progress;
      return;
    }
    if (m.event === 'adapter-progress') {
      adapting.progress = m.progress;
      return;
    }
    if (m.event === 'sign') {
      let answer: SignAnswer;
      try {
        // The worker may have the service's requests signed, and nothing else.
        if (new URL(m.url).origin !== origin)
          throw new AppFailure('internal-error', 'The working set asked to sign a request for another service.');
        answer = {
          op: 'signed',
          signId: m.signId,
          headers: session.sign({ method: m.method, url: m.url, ...(m.body ? { body: Buffer.from(m.body) } : {}) }),
        };
      } catch (e) {
        const f = e instanceof AppFailure ? e : new AppFailure('internal-error', 'The request could not be signed.');
        answer = { op: 'signed', signId: m.signId, error: { name: f.name, code: f.code, message: f.message } };
      }
      w.postMessage(answer);
    }
  }

  function call<R extends Request>(request: R): Promise<ReplyOf<R['op']>> {
    const w = start();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      // The reply comes back by id, which types cannot follow: the worker answers each
      // request with its operation's reply (protocol.ts's table types both sides).
      pending.set(id, { resolve: resolve as (v: ReplyOf<Request['op']>) => void, reject });
      w.postMessage({ ...request, id });
    });
  }

  /** An expired session or a refused account seen by the worker ends the session here too. */
  async function reportFailure(e: unknown): Promise<void> {
    if (e instanceof AppFailure) await session.failed(e.code, e instanceof ServiceFailure ? e.serviceCode : undefined);
  }

  return {
    call,
    startSync(localAuthority) {
      if (state.running) throw new AppFailure('conflict', 'A sync is already running.');
      state.running = true;
      state.progress = null;
      call({ op: 'sync', localAuthority }).then(
        (run) => {
          state.running = false;
          state.last = { run };
          log(`working set: sync ${run.outcome} (${run.kind}, ${run.upserts} records, ${run.removed} removed)`);
          // Online again: access entries written while offline go to the national audit trail.
          if (run.outcome === 'completed') call({ op: 'sendAccess' }).catch(() => undefined);
        },
        async (e: unknown) => {
          state.running = false;
          const f = e instanceof AppFailure ? e : new AppFailure('internal-error', 'The sync failed.');
          state.last = { run: null, error: { code: f.code, message: f.message } };
          log(`working set: sync failed (${f.code})`);
          await reportFailure(e);
        },
      );
    },
    sync: () => ({ ...state }),
    startCleanse(today) {
      if (cleansing.running) throw new AppFailure('conflict', 'A cleansing run is already running.');
      cleansing.running = true;
      cleansing.progress = null;
      call({ op: 'cleanse', today }).then(
        (summary) => {
          cleansing.running = false;
          cleansing.last = { summary };
          log('working set: cleansing run completed');
        },
        (e: unknown) => {
          cleansing.running = false;
          const f = e instanceof AppFailure ? e : new AppFailure('internal-error', 'The cleansing run failed.');
          cleansing.last = { summary: null, error: { code: f.code, message: f.message } };
          log(`working set: cleansing run ended (${f.code})`);
        },
      );
    },
    cleanse: () => ({ ...cleansing }),
    startAdapter(request) {
      if (adapting.running)
        throw new AppFailure('conflict', 'A check or a submission is already running: wait for it, or stop it.');
      const kind = request.op === 'adapterCheck' ? 'check' : 'submit';
      adapting.running = kind;
      adapting.progress = null;
      const loadId = request.op === 'adapterSubmit' ? request.loadId : null;
      call(request).then(
        (result) => {
          adapting.running = null;
          adapting.last = { kind, loadId: result.loadId, error: null };
          log(`adapter: ${kind} completed`);
        },
        async (e: unknown) => {
          adapting.running = null;
          const f = e instanceof AppFailure ? e : new AppFailure('internal-error', `The ${kind} failed.`);
          adapting.last = { kind, loadId, error: { code: f.code, message: f.message } };
          log(`adapter: ${kind} ended (${f.code})`);
          await reportFailure(e);
        },
      );
    },
    adapter: () => ({ ...adapting }),
    async wipe(reason) {
      await call({ op: 'wipe', reason, at: new Date(now()).toISOString() });
      state.progress = null;
      state.last = null;
      log(`working set: wiped (${reason})`);
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}

// The main process's composition root: builds everything main does that does not need
// Electron (the service's API and status, the session, the card reader, the working
// set, the IPC handlers behind their router) and wires them together, once, so that the
// Electron shell and the test harness run exactly the same code behind the IPC
// transport. What they get back is the core: the router and the parts they drive.
import type { AppInfo, CardStatus, Helpdesk } from '../domain/ipc-contract.js';
import { createApiClient } from './api/client.js';
import { createStatusClient } from './api/status-client.js';
import { createTransport, type Transport } from './api/transport.js';
import { createCardReader, type CardReader, type CardReaderOptions } from './card/card-reader.js';
import { createHandlers } from './ipc/handlers.js';
import { createRouter, type Router } from './ipc/router.js';
import { createSessionManager, type SessionManager } from './session/session-manager.js';
import { createWorkingSet, type WorkingSet } from './working-set/worker-client.js';

export const appOrigin = 'app://contactpoint';

export interface CoreOptions {
  serviceUrl: string;
  trainingMode: boolean;
  version: string;
  /** The origin the renderer is served from: app://contactpoint in Electron. */
  trustedOrigin?: string;
  /** HTTP(S) to the service, with the policy's trusted CA or pinned certificate. */
  transport?: Transport;
  /** The smartcard reader (PKCS#11 module from the policy); null: no smartcards here. */
  card?: CardReaderOptions | null;
  /** Lock after this many idle minutes (the policy's; default 5). */
  idleMinutes?: number;
  /** Tests only: the idle lock in milliseconds (overrides idleMinutes). */
  idleMs?: number;
  /** Warn this long before the idle lock (the policy's lockWarningSeconds; default 60 s, at most half the idle time). */
  lockWarningMs?: number;
  /** Warn this long before the session ends (the policy's sessionEndWarningMinutes; default 10 minutes). */
  sessionEndWarningMs?: number;
  /** Who users call for help (the policy's helpdesk settings); null or absent: none set. */
  helpdesk?: Helpdesk | null;
  /** The policy's debugTiming: each request's spans beside its result (domain/timing.ts). */
  debugTiming?: boolean;
  /**
   * The working set on this computer: its folder, the worker thread's bundle, and the
   * credential store entry of its key (default "working-set"). Null: none here.
   */
  workingSet?: { dir: string; workerFile: string; keyAccount?: string; pageSize?: number } | null;
  /** The policy's limit: the working set is wiped after this many days without a sync (default 14). */
  maxDaysWithoutSync?: number;
  /** The transport's trust settings, for the working-set worker's own connections. */
  transportTrust?: { trustedCaPem?: string; pinnedCertificateSha256?: string };
  now?: () => number;
  log?: (line: string) => void;
  /** The computer's file dialogs, for the adapter (Electron's; the test harness's own). */
  chooseFile?: (mode: 'open' | 'save', suggestedName: string) => Promise<string | null>;
}

export interface Core {
  router: Router;
  appInfo: AppInfo;
  session: SessionManager;
  card: CardReader | null;
  workingSet: WorkingSet | null;
  /** Wipes the working set if the policy's days without a sync have passed (run at start and hourly). */
  checkRetention(): Promise<boolean>;
  close(): Promise<void>;
}

const noReader: CardStatus = { reader: 'module-missing', present: false };

export function createCore(options: CoreOptions): Core {
  const appInfo: AppInfo = {
    name: 'ContactPoint',
    version: options.version,
    trainingMode: options.trainingMode,
    helpdesk: options.helpdesk ?? null,
    debugTiming: options.debugTiming ?? false,
  };
  const transport = options.transport ?? createTransport({});
  const service = createStatusClient({ baseUrl: options.serviceUrl, transport });
  const api = createApiClient({ baseUrl: options.serviceUrl, transport, ...(options.now ? { now: options.now } : {}) });
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const card = options.card ? createCardReader(options.card) : null;
  const session = createSessionManager({
    api,
    card,
    idleMs: options.idleMs ?? (options.idleMinutes ?? 5) * 60_000,
    ...(options.lockWarningMs !== undefined ? { lockWarningMs: options.lockWarningMs } : {}),
    ...(options.sessionEndWarningMs !== undefined ? { sessionEndWarningMs: options.sessionEndWarningMs } : {}),
    ...(options.now ? { now: options.now } : {}),
    log,
  });
  const now = options.now ?? Date.now;
  const maxDaysWithoutSync = options.maxDaysWithoutSync ?? 14;
  const workingSet = options.workingSet
    ? createWorkingSet({
        workerFile: options.workingSet.workerFile,
        dir: options.workingSet.dir,
        keyAccount: options.workingSet.keyAccount ?? 'working-set',
        ...(options.workingSet.pageSize !== undefined ? { pageSize: options.workingSet.pageSize } : {}),
        serviceUrl: options.serviceUrl,
        transport: options.transportTrust ?? {},
        session,
        now,
        log,
      })
    : null;

  let closed = false;
  // A user whose access has ended (suspended, closed, accreditation lapsed) leaves no
  // working set behind on this computer.
  void (async () => {
    let seen = session.current().seq;
    while (!closed && workingSet) {
      const event = await session.watch(seen);
      seen = event.seq;
      if (!closed && event.state.status === 'signed-out' && event.state.reason === 'account-refused') {
        await workingSet.wipe('access-ended').catch(() => log('working set: wipe after access ended failed'));
      }
    }
  })();

  async function checkRetention(): Promise<boolean> {
    if (!workingSet) return false;
    const { wiped } = await workingSet.call({ op: 'expire', maxDaysWithoutSync, at: new Date(now()).toISOString() });
    if (wiped) log(`working set: wiped after ${maxDaysWithoutSync} days without a sync`);
    return wiped;
  }
  const retentionTimer = workingSet
    ? setInterval(() => void checkRetention().catch(() => undefined), 3_600_000)
    : undefined;
  retentionTimer?.unref();
  if (workingSet) void checkRetention().catch(() => undefined);

  const router = createRouter(
    createHandlers({
      appInfo,
      service,
      session,
      cardStatus: () => (card ? card.status() : Promise.resolve(noReader)),
      workingSet,
      maxDaysWithoutSync,
      chooseFile: options.chooseFile ?? null,
    }),
    {
      trustedOrigin: options.trustedOrigin ?? appOrigin,
      ...(options.debugTiming ? { timing: () => true } : {}),
      // Only the channel and the error's class: messages may quote personal data.
      onInternalError: (channel, error) =>
        log(`ipc ${channel}: internal error (${error instanceof Error ? error.name : typeof error})`),
    },
  );
  return {
    router,
    appInfo,
    session,
    card,
    workingSet,
    checkRetention,
    async close() {
      closed = true;
      if (retentionTimer) clearInterval(retentionTimer);
      await session.close();
      await card?.close();
      await workingSet?.close();
    },
  };
}

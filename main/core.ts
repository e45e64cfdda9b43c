// Everything the main process does that does not need Electron: built once here so the
// Electron shell and the test harness run exactly the same code behind the IPC transport.
import type { AppInfo, CardStatus } from '../domain/ipc-contract.js';
import { createApiClient } from './api/client.js';
import { createTransport, type Transport } from './api/transport.js';
import { createCardReader, type CardReader, type CardReaderOptions } from './card/card-reader.js';
import { createHandlers } from './ipc/handlers.js';
import { createRouter, type Router } from './ipc/router.js';
import { createServiceClient } from './service-client.js';
import { createSessionManager, type SessionManager } from './session/session-manager.js';

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
  now?: () => number;
  log?: (line: string) => void;
}

export interface Core {
  router: Router;
  appInfo: AppInfo;
  session: SessionManager;
  card: CardReader | null;
  close(): Promise<void>;
}

const noReader: CardStatus = { reader: 'module-missing', present: false };

export function createCore(options: CoreOptions): Core {
  const appInfo: AppInfo = { name: 'ContactPoint', version: options.version, trainingMode: options.trainingMode };
  const transport = options.transport ?? createTransport({});
  const service = createServiceClient({ baseUrl: options.serviceUrl, transport });
  const api = createApiClient({ baseUrl: options.serviceUrl, transport, ...(options.now ? { now: options.now } : {}) });
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const card = options.card ? createCardReader(options.card) : null;
  const session = createSessionManager({
    api,
    card,
    idleMs: options.idleMs ?? (options.idleMinutes ?? 5) * 60_000,
    ...(options.now ? { now: options.now } : {}),
    log,
  });
  const router = createRouter(
    createHandlers({
      appInfo,
      service,
      session,
      cardStatus: () => (card ? card.status() : Promise.resolve(noReader)),
    }),
    {
      trustedOrigin: options.trustedOrigin ?? appOrigin,
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
    async close() {
      await session.close();
      await card?.close();
    },
  };
}

// Everything the main process does that does not need Electron: built once here so the
// Electron shell and the test harness run exactly the same code behind the IPC transport.
import type { AppInfo } from '../domain/ipc-contract.js';
import { createHandlers } from './ipc/handlers.js';
import { createRouter, type Router } from './ipc/router.js';
import { createServiceClient } from './service-client.js';

export const appOrigin = 'app://contactpoint';

export interface CoreOptions {
  serviceUrl: string;
  trainingMode: boolean;
  version: string;
  /** The origin the renderer is served from: app://contactpoint in Electron. */
  trustedOrigin?: string;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

export interface Core {
  router: Router;
  appInfo: AppInfo;
}

export function createCore(options: CoreOptions): Core {
  const appInfo: AppInfo = { name: 'ContactPoint', version: options.version, trainingMode: options.trainingMode };
  const service = createServiceClient({
    baseUrl: options.serviceUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const router = createRouter(createHandlers({ appInfo, service }), {
    trustedOrigin: options.trustedOrigin ?? appOrigin,
    // Only the channel and the error's class: messages may quote personal data.
    onInternalError: (channel, error) =>
      log(`ipc ${channel}: internal error (${error instanceof Error ? error.name : typeof error})`),
  });
  return { router, appInfo };
}

// The one object the renderer gets. Built by a factory so that Electron's preload
// (ipcRenderer.invoke) and the test harness (Playwright's exposeBinding) share it.
import type { AppError, Channel, RequestOf, ResponseOf, Result } from '../domain/ipc-contract.js';

export type Invoke = (channel: Channel, payload: unknown) => Promise<unknown>;

const transportFailure: AppError = {
  code: 'internal-error',
  message: 'ContactPoint could not reach its own background process. Restart the application.',
};

export function createApi(invoke: Invoke) {
  function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
    // Results, not exceptions: errors lose their shape crossing contextBridge.
    return invoke(channel, request).then(
      (result) => result as Result<ResponseOf<C>>,
      () => ({ ok: false, error: transportFailure }) as const,
    );
  }
  return Object.freeze({
    app: Object.freeze({
      info: () => call('app.info', {}),
    }),
    service: Object.freeze({
      status: () => call('service.status', {}),
    }),
  });
}

export type ContactPointApi = ReturnType<typeof createApi>;

/** The name under which the API appears on `window`. */
export const apiGlobalName = 'contactpoint';

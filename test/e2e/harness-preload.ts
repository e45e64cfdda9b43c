// The harness's stand-in for preload/electron-preload.ts: the same createApi factory,
// with invoke bound (by Playwright's exposeBinding) to the real main-process router.
import { apiGlobalName, createApi } from '../../preload/api.js';

declare global {
  interface Window {
    __cpInvoke?: (channel: string, payload: unknown) => Promise<unknown>;
  }
}

const binding = window.__cpInvoke;
if (binding) {
  Object.defineProperty(window, apiGlobalName, {
    value: createApi((channel, payload) => binding(channel, payload)),
    writable: false,
    configurable: false,
  });
}

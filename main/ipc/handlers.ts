import type { AppInfo } from '../../domain/ipc-contract.js';
import type { ServiceClient } from '../service-client.js';
import type { Handlers } from './router.js';

export interface HandlerDeps {
  appInfo: AppInfo;
  service: ServiceClient;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    'app.info': async () => deps.appInfo,
    'service.status': async () => deps.service.status(),
  };
}

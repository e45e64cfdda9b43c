// The national index service's unauthenticated status (is it there, which version, in
// training?), over the same transport as the signed API (transport.ts), so the machine
// policy's trusted CA or certificate pin applies to it too. Errors are the API client's
// (client.ts), so every caller tells a person the same thing.
import { serviceStatusSchema, type ServiceStatus } from '../../domain/ipc-contract.js';
import { createApiClient } from './client.js';
import { createTransport, type Transport } from './transport.js';
import { AppFailure } from '../ipc/app-failure.js';

export interface StatusClientOptions {
  baseUrl: string;
  /** HTTP(S) with the policy's TLS settings; default a plain transport (built-in roots). */
  transport?: Transport;
  /** Only for the default transport. */
  timeoutMs?: number;
}

export interface StatusClient {
  status(): Promise<ServiceStatus>;
}

export function createStatusClient(options: StatusClientOptions): StatusClient {
  const transport =
    options.transport ?? createTransport(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
  // A status check reports what it finds now: no retries.
  const api = createApiClient({ baseUrl: options.baseUrl, transport, retryDelaysMs: [] });
  return {
    async status() {
      const parsed = serviceStatusSchema.safeParse(await api.unsigned('GET', '/v1/status'));
      if (!parsed.success)
        throw new AppFailure('service-error', 'The national index service sent an unexpected answer.');
      return parsed.data;
    },
  };
}

// Talks to the national index service over HTTP. Issue 4 adds request signing; the
// error mapping (what a person is told when the service is down or misbehaves) lives
// here so every caller says the same thing.
import { serviceStatusSchema, type ServiceStatus } from '../domain/ipc-contract.js';
import { AppFailure } from './ipc/app-failure.js';

export interface ServiceClientOptions {
  baseUrl: string;
  /** Injected so tests can point at a real server on loopback. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface ServiceClient {
  status(): Promise<ServiceStatus>;
}

const unreachable = () =>
  new AppFailure(
    'service-unreachable',
    'The national index service cannot be reached. Check the network connection and try again; if it keeps happening, tell your IT service desk.',
  );

export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function getJson(path: string): Promise<unknown> {
    let res: Response;
    try {
      res = await doFetch(new URL(path, options.baseUrl), {
        method: 'GET',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw unreachable();
    }
    if (!res.ok) {
      throw new AppFailure('service-error', `The national index service refused the request (HTTP ${res.status}).`);
    }
    try {
      return await res.json();
    } catch {
      throw new AppFailure('service-error', 'The national index service sent an answer that could not be read.');
    }
  }

  return {
    async status() {
      const parsed = serviceStatusSchema.safeParse(await getJson('/v1/status'));
      if (!parsed.success) throw new AppFailure('service-error', 'The national index service sent an unexpected answer.');
      return parsed.data;
    },
  };
}

// The national index service's HTTP front door. Issue 3 grows this into the full
// API; the shape (one JSON error format, no stack traces, loopback by default) is
// fixed from the start.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serviceVersion } from './version.js';

export interface ServiceOptions {
  /** Interface to bind; loopback unless a deployment says otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  trainingMode: boolean;
}

export interface RunningService {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface ApiError {
  status: number;
  code: string;
  message: string;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

function sendError(res: ServerResponse, e: ApiError): void {
  sendJson(res, e.status, { error: { code: e.code, message: e.message } });
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const host = options.host ?? '127.0.0.1';

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://service.invalid').pathname;
    if (path === '/v1/status') {
      if (req.method !== 'GET') {
        return sendError(res, { status: 405, code: 'method-not-allowed', message: `${path} accepts GET only.` });
      }
      return sendJson(res, 200, {
        service: 'ContactPoint national index',
        version: serviceVersion,
        trainingMode: options.trainingMode,
      });
    }
    return sendError(res, { status: 404, code: 'not-found', message: 'There is no such resource.' });
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      // Never leak internals: the error is logged by the caller's process supervisor.
      if (!res.headersSent) sendError(res, { status: 500, code: 'internal-error', message: 'The service failed.' });
    }
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

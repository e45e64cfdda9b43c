// The HTTP layer: everything that happens before a route's handler runs, in this order:
// route match, body size limit, content type, signature and accreditation (signed
// routes), roles, JSON parse, schema validation of the body and query (422 naming the
// field), then of the path parameters (400 naming the parameter). Errors leave as
// `{"error": {"code", "message"}}`; anything unexpected is a bare 500, logged by class
// name only (messages may hold data).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Actor } from '../../domain/roles.js';
import { serverTimingHeader } from '../../domain/timing.js';
import type { NonceCache } from '../auth/nonce-cache.js';
import { SignatureError } from '../auth/request-signature.js';
import type { ServiceContext } from '../context.js';
import { authenticate, requireLiveSession } from '../sessions/authenticate.js';
import { StoreUnavailable } from '../store/database.js';
import { ApiError } from './api-error.js';
import { clientAddress } from './client-address.js';
import { timed, withRequestTiming } from './request-timing.js';
import { JsonText, type Route, type RouteResponse } from './route.js';
import { parseOr422, parseParams } from './validation.js';

export const defaultMaxBodyBytes = 64 * 1024;

export interface HandlerOptions {
  scheme: 'http' | 'https';
  /**
   * The origin clients address (https://index.example.gov.uk) when the service sits
   * behind a TLS-terminating proxy: signatures cover the URI the client used, so the
   * service must rebuild that, not its own. Absent: scheme and Host header.
   */
  publicOrigin?: string;
  nonces: NonceCache;
  /**
   * Addresses of the proxies in front (--trusted-proxy): only from their sockets is the
   * client's address taken from X-Forwarded-For (client-address.ts).
   */
  trustedProxies?: readonly string[];
  log?: (line: string) => void;
  /**
   * Answer every request with a Server-Timing header of its spans (parse, auth, query,
   * audit, handle, serialise; durations only): for the desktop's debug timing. Off by
   * default: it tells a caller how long the database took.
   */
  serverTiming?: boolean;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const declared = route.params ? Object.keys(route.params.shape) : [];
  const source = route.path
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        names.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  // A parameter the schema does not declare would reach the handler unchecked.
  if (declared.length !== names.length || names.some((n) => !declared.includes(n))) {
    throw new Error(
      `${route.method} ${route.path}: its params schema must declare exactly its path parameters (${names.join(', ') || 'none'}).`,
    );
  }
  return { route, pattern: new RegExp(`^${source}$`), names };
}

const baseHeaders = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

export function send(res: ServerResponse, response: RouteResponse, scheme: 'http' | 'https'): void {
  const headers: Record<string, string | number> = { ...baseHeaders, ...response.headers };
  if (scheme === 'https') headers['strict-transport-security'] = 'max-age=31536000';
  if (response.body === undefined) {
    delete headers['content-type'];
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const text = response.body instanceof JsonText ? response.body.text : JSON.stringify(response.body);
  headers['content-length'] = Buffer.byteLength(text);
  res.writeHead(response.status, headers);
  res.end(text);
}

export function errorResponse(e: ApiError): RouteResponse {
  const headers: Record<string, string> = {};
  const retryAfter = e.details?.['retryAfter'];
  if (typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
  return { status: e.status, headers, body: { error: { code: e.code, message: e.message, ...e.details } } };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit)
    throw new ApiError(413, 'body-too-large', `The request body is over the limit of ${limit} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw new ApiError(413, 'body-too-large', `The request body is over the limit of ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The path of the first string PostgreSQL could not store: a NUL character, or UTF-16
 * that is not well formed (a lone surrogate). Refused with 422 rather than failing in
 * the store.
 */
// NUL is searched for deliberately: PostgreSQL text cannot hold it.
// eslint-disable-next-line no-control-regex
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function unstorableTextAt(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return unstorable.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = unstorableTextAt(v, path ? `${path}.${i}` : String(i));
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const here = path ? `${path}.${k}` : k;
      if (unstorable.test(k)) return here;
      const found = unstorableTextAt(v, here);
      if (found !== null) return found;
    }
  }
  return null;
}

function refuseUnstorableText(value: unknown, where: string): void {
  const at = unstorableTextAt(value);
  if (at !== null) {
    throw new ApiError(
      422,
      'invalid-text',
      `The ${where}${at ? ` "${at}"` : ''} holds a NUL character or broken Unicode, which the service does not accept.`,
    );
  }
}

function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (Object.hasOwn(out, k))
      throw new ApiError(400, 'repeated-parameter', `The query parameter "${k}" is given more than once.`);
    out[k] = v;
  }
  return out;
}

const absoluteForm = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * The URI the client addressed, rebuilt on `origin` (the public origin, or scheme and
 * Host): it is what signatures cover, so the request line must not choose the origin.
 * An absolute-form target (GET https://host/path HTTP/1.1) is taken only when it names
 * exactly that origin; an origin-form target is always a path on it, even one a URL
 * parser would read as another host ("//evil.example/..." or "/\\evil.example/...").
 */
export function requestUrl(target: string, origin: string): URL {
  let url: URL;
  let expected: string;
  try {
    // Normalised as the URL parser would (case, default port): "HOST:80" is http://host.
    expected = new URL(origin).origin;
    if (target.startsWith('/')) {
      // Appended to the origin, not resolved against it: a path can never replace the host.
      url = new URL(`${origin}${target}`);
    } else if (absoluteForm.test(target)) {
      url = new URL(target);
      if (url.origin !== expected || url.username !== '' || url.password !== '') {
        throw new ApiError(
          400,
          'absolute-target-refused',
          'The request line names another origin (an absolute-form target): send the path only, as in "GET /v1/status HTTP/1.1".',
        );
      }
    } else {
      throw new ApiError(400, 'bad-url', 'The request target must be a path starting with "/".');
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(400, 'bad-url', 'The request URL is not valid.');
  }
  if (url.origin !== expected) throw new ApiError(400, 'bad-url', 'The request URL is not valid.');
  return url;
}

export function createHandler(ctx: ServiceContext, routes: readonly Route[], options: HandlerOptions) {
  const compiled = routes.map(compile);
  const trustedProxies = new Set(options.trustedProxies ?? []);

  async function run(req: IncomingMessage): Promise<RouteResponse> {
    const host = req.headers.host;
    if (!host || !/^[A-Za-z0-9.:[\]-]+$/.test(host))
      throw new ApiError(400, 'bad-host', 'The request has no valid Host header.');
    const url = requestUrl(req.url ?? '/', options.publicOrigin ?? `${options.scheme}://${host}`);
    const path = url.pathname;
    const candidates = compiled.filter((c) => c.pattern.test(path));
    if (candidates.length === 0) throw new ApiError(404, 'not-found', 'There is no such resource.');
    const match = candidates.find((c) => c.route.method === req.method);
    if (!match) {
      const allowed = [...new Set(candidates.map((c) => c.route.method))].join(', ');
      throw new ApiError(405, 'method-not-allowed', `${path} accepts ${allowed} only.`, { allow: allowed });
    }
    const { route } = match;
    const values = match.pattern.exec(path)!.slice(1);
    const rawParams: Record<string, string> = {};
    for (const [i, name] of match.names.entries()) {
      try {
        rawParams[name] = decodeURIComponent(values[i]!);
      } catch {
        throw new ApiError(400, 'bad-url', 'The request URL is not valid.');
      }
    }

    refuseUnstorableText(rawParams, 'path');
    // A large body is read only for a live session: nobody unsigned can make the
    // service buffer megabytes. Small bodies are read first, for the digest check.
    const declared = req.headers['content-length'] === undefined ? Infinity : Number(req.headers['content-length']);
    if (
      route.auth === 'signed' &&
      (route.maxBodyBytes ?? defaultMaxBodyBytes) > defaultMaxBodyBytes &&
      declared > defaultMaxBodyBytes
    ) {
      await requireLiveSession(ctx, req.headers);
    }
    const raw = await readBody(req, route.maxBodyBytes ?? defaultMaxBodyBytes);
    if (raw.length > 0) {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json')
        throw new ApiError(
          415,
          'unsupported-media-type',
          'The request body must be JSON (Content-Type: application/json).',
        );
      if (!route.body) throw new ApiError(400, 'unexpected-body', `${req.method} ${route.path} takes no request body.`);
    }

    let actor: Actor | null = null;
    if (route.auth === 'signed') {
      try {
        actor = await timed('service.auth', () =>
          authenticate(ctx, options.nonces, {
            method: req.method ?? 'GET',
            targetUri: url.href,
            headers: req.headers,
            body: raw.length > 0 ? raw : null,
          }),
        );
      } catch (e) {
        if (e instanceof SignatureError) throw new ApiError(e.status, e.code, e.message);
        throw e;
      }
      if (route.roles && !actor.roles.some((r) => route.roles!.includes(r))) {
        throw new ApiError(403, 'forbidden-role', `Your role may not use ${route.method} ${route.path}.`);
      }
    }

    let body: unknown = undefined;
    if (route.body) {
      if (raw.length === 0 && !route.bodyOptional)
        throw new ApiError(400, 'body-required', 'This request needs a JSON body.');
      try {
        body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
      } catch {
        throw new ApiError(400, 'malformed-json', 'The request body is not well-formed JSON.');
      }
      refuseUnstorableText(body, 'field');
      body = parseOr422(route.body, body, 'body');
    }
    const rawQuery = queryObject(url);
    refuseUnstorableText(rawQuery, 'query parameter');
    const query = route.query ? parseOr422(route.query, rawQuery, 'query') : rawQuery;
    if (!route.query && Object.keys(rawQuery).length > 0) {
      throw new ApiError(
        422,
        'unknown-parameter',
        `The query parameter "${Object.keys(rawQuery)[0]}" is not accepted here.`,
      );
    }
    // Last: a refusal of what the path names comes only to a caller whose signature,
    // roles, body and query have passed.
    const params = route.params ? parseParams(route.params, rawParams) : {};
    const parts = {
      params,
      query,
      body,
      headers: req.headers,
      remoteAddress: clientAddress(
        req.socket.remoteAddress ?? 'unknown',
        req.headers['x-forwarded-for'],
        trustedProxies,
      ),
    };
    return timed('service.handle', () =>
      route.auth === 'signed' ? route.handle({ ...parts, actor: actor! }, ctx) : route.handle(parts, ctx),
    );
  }

  /** `run`, its spans put in a Server-Timing header; the body serialised here so that counts too. */
  async function runTimed(req: IncomingMessage): Promise<RouteResponse> {
    const started = performance.now();
    const { result: response, spans } = await withRequestTiming(() => run(req));
    const listed = spans.list();
    const within = listed
      .filter((s) => s.name === 'service.auth' || s.name === 'service.handle')
      .reduce((sum, s) => sum + s.ms, 0);
    spans.add('service.parse', Math.max(0, performance.now() - started - within));
    const serialising = performance.now();
    const body =
      response.body === undefined || response.body instanceof JsonText
        ? response.body
        : new JsonText(JSON.stringify(response.body));
    spans.add('service.serialise', performance.now() - serialising);
    return { ...response, body, headers: { ...response.headers, 'server-timing': serverTimingHeader(spans.list()) } };
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let response: RouteResponse;
    try {
      response = options.serverTiming ? await runTimed(req) : await run(req);
    } catch (e) {
      if (e instanceof ApiError) {
        response = errorResponse(e);
        // A refused oversized body is not read: close rather than drain it.
        if (e.status === 413) response.headers = { ...response.headers, connection: 'close' };
      } else if (e instanceof StoreUnavailable) {
        // The database is gone for now (a failover): nothing was promised, so the client
        // may retry what is safe to retry. Class only in the log, as below.
        options.log?.(`store-unavailable: ${req.method ?? '?'} request failed while the database was unreachable`);
        response = {
          status: 503,
          headers: { 'retry-after': '1' },
          body: {
            error: {
              code: 'store-unavailable',
              message: 'The national index cannot reach its database just now. Try again in a moment.',
            },
          },
        };
      } else {
        // Method and error class only: a URL or message may carry a CP number or a name.
        options.log?.(
          `internal-error: ${req.method ?? '?'} request failed with ${(e as Error)?.name ?? 'a non-error'}`,
        );
        response = {
          status: 500,
          body: { error: { code: 'internal-error', message: 'The service failed. The failure has been logged.' } },
        };
      }
    }
    if (res.headersSent || res.destroyed) return;
    send(res, response, options.scheme);
  };
}

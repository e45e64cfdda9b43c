// The national index service's API as main uses it: JSON in and out, every request
// after sign-in signed with the session key (signer.ts), idempotent requests retried
// when the service is briefly away, and every failure turned into an AppFailure a
// person can act on. Messages never carry URLs (a search's query names a child),
// bodies or headers.
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { ErrorCode } from '../../domain/ipc-contract.js';
import { AppFailure } from '../ipc/app-failure.js';
import { signRequest } from './signer.js';
import { parseServerTiming } from '../../domain/timing.js';
import { addSpans, timed, timedSync, timing } from '../timing.js';
import { TransportError, type Transport, type TransportResponse } from './transport.js';

export interface SessionCredentials {
  sessionId: string;
  privateKey: KeyObject;
}

/**
 * Signs a request somewhere else: a worker thread's requests are signed by main, which
 * alone holds the session key. Returns the signature headers for exactly that request.
 */
export type RemoteSigner = (request: { method: string; url: string; body?: Buffer }) => Promise<Record<string, string>>;

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Starts with "/", e.g. /v1/children/CP123; the query goes in `query`. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** 'buffer': the answer's body as it came, not decoded or parsed (the sync feed's lines). Default 'json'. */
  responseType?: 'json' | 'buffer';
}

export interface ApiClient {
  /** Unsigned JSON request (session challenge and sign-in only). Returns the parsed JSON of a 2xx; throws AppFailure otherwise. */
  unsigned(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown>;
  /** Signed request: a fresh signature (nonce, created) on every attempt, made here or by a RemoteSigner. */
  signed(credentials: SessionCredentials | RemoteSigner, request: ApiRequest): Promise<unknown>;
}

export interface ApiClientOptions {
  /** The service's origin, e.g. https://index.example.gov.uk */
  baseUrl: string;
  transport: Transport;
  /** Main's clock in milliseconds (default Date.now): signatures' created time. */
  now?: () => number;
  /** Waits before each retry of an idempotent request; default [250, 1000]. */
  retryDelaysMs?: number[];
}

/** A refusal or failure reported by the service, with the service's own error code kept. */
export class ServiceFailure extends AppFailure {
  constructor(
    code: ErrorCode,
    message: string,
    /** The service's error code (e.g. account-suspended), when it sent one. */
    readonly serviceCode: string | undefined,
    /** The HTTP status, or undefined when the service was not reached. */
    readonly status: number | undefined,
  ) {
    super(code, message);
    this.name = 'ServiceFailure';
  }
}

/** How far apart two clocks may be before we blame the clock (the service allows 30 s). */
export const clockSkewToleranceMs = 30_000;

const errorBodySchema = z.object({
  error: z.object({ code: z.string().max(100), message: z.string().max(1000) }),
});

const itDesk = 'if it keeps happening, tell your IT service desk';

const messages = {
  unreachable: `The national index service cannot be reached. Check the network connection and try again; ${itDesk}.`,
  certificate:
    "The national index service's certificate is not the one this computer trusts, so ContactPoint did not connect. Tell your IT service desk.",
  tooLarge: `The national index service sent an answer too large to read. Try again; ${itDesk}.`,
  unreadable: `The national index service sent an answer that could not be read. Try again; ${itDesk}.`,
  sessionExpired: 'Your session has ended. Sign in again to continue.',
  signInRefused: 'Sign-in was refused. Check your details and try again.',
  signatureRefused: `The national index service did not accept this computer's signature on the request. Try again; ${itDesk}.`,
  forbidden: 'The national index service refused: your account may not do this.',
  notFound: 'The national index service has no such record.',
  conflict: 'Somebody else changed this first. Reload it and try again.',
  invalid: 'The national index service refused the request as not valid.',
  stillSaving:
    'The national index service is still saving this. Wait a moment and open the record again: it may already be there. Do not enter it twice.',
} as const;

const sessionCodes = new Set(['session-expired', 'session-ended', 'signature-unknown-key']);
const clockCodes = new Set(['signature-future', 'signature-expired', 'signature-window']);
const idempotent = new Set(['GET', 'DELETE']);
const retryStatuses = new Set([502, 503, 504]);

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** "10 minutes ahead", "about 8 hours behind". */
export function describeSkew(ourMs: number, theirMs: number): string {
  const diff = ourMs - theirMs;
  const minutes = Math.max(1, Math.round(Math.abs(diff) / 60_000));
  const amount = minutes >= 120 ? `about ${plural(Math.round(minutes / 60), 'hour')}` : plural(minutes, 'minute');
  return `${amount} ${diff > 0 ? 'ahead of' : 'behind'}`;
}

/** The seconds a Retry-After header asks for, if it gives a number. */
function retryAfterMinutes(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,6}$/.test(value.trim())) return undefined;
  return Math.max(1, Math.ceil(Number(value) / 60));
}

/** What a person is told for an answer that is not a 2xx. */
function failureOf(res: TransportResponse, ourNowMs: number): ServiceFailure {
  let serviceCode: string | undefined;
  let serviceMessage: string | undefined;
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(res.body.toString('utf8')));
    if (parsed.success) {
      serviceCode = parsed.data.error.code;
      serviceMessage = parsed.data.error.message.trim() || undefined;
    }
  } catch {
    // Not JSON: the status alone decides.
  }
  const fail = (code: ErrorCode, message: string) => new ServiceFailure(code, message, serviceCode, res.status);
  const status = res.status;

  if (status === 401) {
    if (serviceCode !== undefined && sessionCodes.has(serviceCode))
      return fail('session-expired', messages.sessionExpired);
    if (serviceCode === 'sign-in-refused') return fail('sign-in-refused', serviceMessage ?? messages.signInRefused);
    // Activation is refused like sign-in: one message, whatever was wrong.
    if (serviceCode === 'activation-refused') return fail('sign-in-refused', serviceMessage ?? messages.signInRefused);
    if (serviceCode !== undefined && clockCodes.has(serviceCode)) {
      const theirs = res.headers['date'] === undefined ? Number.NaN : Date.parse(res.headers['date']);
      if (Number.isFinite(theirs) && Math.abs(ourNowMs - theirs) > clockSkewToleranceMs) {
        return fail(
          'clock-skew',
          `This computer's clock is ${describeSkew(ourNowMs, theirs)} the national index service's, so the service cannot accept its requests. Ask your IT service desk to correct this computer's clock.`,
        );
      }
    }
    return fail('service-error', messages.signatureRefused);
  }
  if (status === 403) return fail('forbidden', serviceMessage ?? messages.forbidden);
  if (status === 404) return fail('not-found', serviceMessage ?? messages.notFound);
  // A keyed request still running after the retries: said plainly, not as the header's name.
  if (status === 409 && serviceCode === 'idempotency-in-progress') return fail('conflict', messages.stillSaving);
  if (status === 409) return fail('conflict', serviceMessage ?? messages.conflict);
  if (status === 400 || status === 413 || status === 422)
    return fail('invalid-request', serviceMessage ?? messages.invalid);
  if (status === 429) {
    const minutes = retryAfterMinutes(res.headers['retry-after']);
    const wait = minutes === undefined ? 'a few minutes' : plural(minutes, 'minute');
    return fail('service-error', `There have been too many attempts. Wait ${wait}, then try again.`);
  }
  if (status >= 500) {
    return fail(
      'service-error',
      `The national index service had a problem (HTTP ${status}). Try again in a few minutes; ${itDesk}.`,
    );
  }
  return fail(
    'service-error',
    `The national index service refused the request (HTTP ${status}). ${itDesk[0]!.toUpperCase()}${itDesk.slice(1)}.`,
  );
}

function transportFailure(e: TransportError): ServiceFailure {
  const message =
    e.kind === 'certificate-untrusted' || e.kind === 'certificate-pin-mismatch'
      ? messages.certificate
      : e.kind === 'response-too-large'
        ? messages.tooLarge
        : messages.unreachable;
  const failure = new ServiceFailure(
    e.kind === 'response-too-large' ? 'service-error' : 'service-unreachable',
    message,
    undefined,
    undefined,
  );
  // For diagnosis in main only; its message holds a system code, never a URL.
  (failure as { cause?: unknown }).cause = e;
  return failure;
}

const headerNamePattern = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const reservedHeaders = new Set([
  'host',
  'content-length',
  'content-type',
  'content-digest',
  'signature',
  'signature-input',
  'accept',
]);

function checkedHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (!headerNamePattern.test(name) || reservedHeaders.has(lower))
      throw new TypeError(`The header name ${JSON.stringify(name)} may not be set here.`);
    // node:http refuses other characters; say which header rather than crash.
    if (!/^[\x20-\x7e]*$/.test(value)) {
      throw new AppFailure(
        'invalid-request',
        `The ${name} header can hold only plain letters, numbers, spaces and common punctuation.`,
      );
    }
    out[lower] = value;
  }
  return out;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError('The service URL must be http(s).');
  const origin = base.origin;
  const now = options.now ?? Date.now;
  const delays = options.retryDelaysMs ?? [250, 1000];

  function urlOf(path: string, query?: Record<string, string | undefined>): URL {
    // "//host/..." would leave the service's origin: a signed request must never do that.
    if (!path.startsWith('/') || path.startsWith('//') || path.includes('?') || path.includes('#')) {
      throw new TypeError('An API path must start with a single "/" and carry no query or fragment.');
    }
    const url = new URL(`${origin}${path}`);
    if (url.origin !== origin) throw new TypeError('An API path must stay on the service.');
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.append(name, value);
    }
    return url;
  }

  function bodyOf(body: unknown): Buffer | undefined {
    return body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
  }

  /**
   * One or more attempts: `attempt()` builds each request afresh (a new signature). A GET
   * or DELETE is retried, and so is a request with an Idempotency-Key (`keyed`): the
   * service answers a repeat of it with the first answer instead of applying it again, and
   * one still running with 409 idempotency-in-progress, which is retried too.
   */
  async function exchange(
    method: string,
    attempt: () => Promise<{ url: string; headers: Record<string, string>; body?: Buffer }>,
    responseType: 'json' | 'buffer' = 'json',
    keyed = false,
  ): Promise<unknown> {
    const retries = idempotent.has(method) || keyed ? delays : [];
    for (let i = 0; ; i++) {
      const canRetry = i < retries.length;
      let res: TransportResponse;
      try {
        const req = await attempt();
        res = await timed('main.http', () =>
          options.transport({
            method,
            url: req.url,
            headers: req.headers,
            ...(req.body !== undefined ? { body: req.body } : {}),
          }),
        );
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        if (e.kind === 'unreachable' && canRetry) {
          await sleep(retries[i]!);
          continue;
        }
        throw transportFailure(e);
      }
      if (retryStatuses.has(res.status) && canRetry) {
        await sleep(retries[i]!);
        continue;
      }
      if (keyed && inProgress(res) && canRetry) {
        // The first request with the key is still running: wait as long as the service asks (up to 5 s).
        await sleep(Math.max(retries[i]!, retryAfterMs(res.headers['retry-after'])));
        continue;
      }
      if (timing()) addSpans(parseServerTiming(res.headers['server-timing']));
      if (res.status < 200 || res.status > 299) throw failureOf(res, now());
      if (responseType === 'buffer') return res.body;
      if (res.body.length === 0) return null;
      try {
        return timedSync('main.decode', () => JSON.parse(res.body.toString('utf8')) as unknown);
      } catch {
        throw new ServiceFailure('service-error', messages.unreadable, undefined, res.status);
      }
    }
  }

  const jsonHeaders = (body: Buffer | undefined): Record<string, string> => ({
    accept: 'application/json',
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
  });

  return {
    async unsigned(method, path, body) {
      const url = urlOf(path).href;
      const payload = bodyOf(body);
      return exchange(method, async () => ({
        url,
        headers: jsonHeaders(payload),
        ...(payload !== undefined ? { body: payload } : {}),
      }));
    },

    async signed(credentials, request) {
      const url = urlOf(request.path, request.query).href;
      const payload = bodyOf(request.body);
      const extra = checkedHeaders(request.headers);
      return exchange(
        request.method,
        async () => {
          const signature = await timed('main.sign', async () =>
            typeof credentials === 'function'
              ? credentials({ method: request.method, url, ...(payload !== undefined ? { body: payload } : {}) })
              : signRequest({
                  method: request.method,
                  url,
                  ...(payload !== undefined ? { body: payload } : {}),
                  keyid: credentials.sessionId,
                  privateKey: credentials.privateKey,
                  nowSec: Math.floor(now() / 1000),
                }),
          );
          return {
            url,
            headers: { ...extra, ...jsonHeaders(payload), ...signature },
            ...(payload !== undefined ? { body: payload } : {}),
          };
        },
        request.responseType,
        extra[IDEMPOTENCY_KEY] !== undefined,
      );
    },
  };
}

const IDEMPOTENCY_KEY = 'idempotency-key';

/** A Retry-After of whole seconds, in milliseconds and at most 5 s; 0 without one. */
function retryAfterMs(value: string | undefined): number {
  if (value === undefined || !/^\d{1,6}$/.test(value.trim())) return 0;
  return Math.min(5_000, Number(value) * 1000);
}

/** 409 idempotency-in-progress: the first request with the key is still being answered. */
function inProgress(res: TransportResponse): boolean {
  if (res.status !== 409) return false;
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(res.body.toString('utf8')));
    return parsed.success && parsed.data.error.code === 'idempotency-in-progress';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

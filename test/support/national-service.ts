// A real national service for tests: in-process on loopback, a fresh in-memory PGlite
// store with the training accounts and a small training dataset, and a clock the test
// owns. signIn() goes through the real sign-in (password + a real TOTP code computed by
// otplib, an implementation we did not write) and returns a client that signs every
// request with its session key, as the desktop will.
import { randomBytes, type KeyObject } from 'node:crypto';
import { generateSync } from 'otplib';
import { SettableClock } from '../../service/context.js';
import { startService, type RunningService } from '../../service/server.js';
import { openPglite } from '../../service/store/pglite.js';
import { migrate } from '../../service/store/migrations.js';
import type { Database } from '../../service/store/database.js';
import { trainingAccounts } from '../../service/training/accounts.js';
import { generateSessionKey, signRequest } from './request-signer.js';
import { openTestStore, type StoreEngine } from './stores.js';

export interface ServiceHarness {
  url: string;
  db: Database;
  clock: SettableClock;
  service: RunningService;
  /** Sign in with a training account's password and a real TOTP code. */
  signIn(userId: string, credentials?: { password: string; totpSecret: string }): Promise<SignedClient>;
  /** Sign in to any account with its password and a real TOTP code from its secret (an account a test created). */
  signInWith(userId: string, password: string, totpSecret: string): Promise<SignedClient>;
  /**
   * A new account made by `creator` (POST /v1/users) in `organisationId`, with `roles`,
   * vetted, trained and signed up, and signed in: a second member of a team, say.
   */
  newMember(creator: SignedClient, id: string, organisationId: string, roles: string[]): Promise<SignedClient>;
  /**
   * The whole separation-of-duties path for a new account (docs/security.md): `creator`
   * asks (POST /v1/users), `confirmer` (the training national administrator unless
   * given, or the data manager when the creator is that administrator) confirms, and the holder activates with both halves and a password of their
   * own. Returns what only the holder then knows.
   */
  newAccount(
    creator: SignedClient,
    body: Record<string, unknown>,
    confirmer?: SignedClient,
  ): Promise<HolderCredentials>;
  /** The holder activates a confirmed token request with both halves; their password and token secret. */
  activateToken(userId: string, firstHalf: string, secondHalf: string): Promise<HolderCredentials>;
  /** Unsigned JSON request. */
  fetchJson(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<JsonResponse>;
  close(): Promise<void>;
}

export interface HolderCredentials {
  id: string;
  password: string;
  totpSecret: string;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Overrides of the signature, for tests of refusals. */
  sign?: { createdSec?: number; expiresSec?: number; nonce?: string; keyid?: string };
  /** Send this raw text as the body instead of JSON.stringify(body). */
  rawBody?: string;
  /** Sign for this origin instead of the one the request goes to (a proxy in front). */
  signedOrigin?: string;
}

export interface SignedClient {
  sessionId: string;
  /** The session key, for main's own API client in tests (createApiClient credentials). */
  privateKey: KeyObject;
  user: { id: string; roles: string[]; localAuthority: string | null };
  request(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<JsonResponse>;
  get(path: string, options?: RequestOptions): Promise<JsonResponse>;
  post(path: string, body: unknown, options?: RequestOptions): Promise<JsonResponse>;
}

async function toJson(res: Response): Promise<JsonResponse> {
  const text = await res.text();
  let body: unknown = null;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, headers: res.headers, body };
}

export function totpFor(userId: string, at: Date): string {
  const account = trainingAccounts.find((a) => a.id === userId);
  if (!account) throw new Error(`no training account ${userId}`);
  return generateSync({ secret: account.totpSecret, epoch: Math.floor(at.getTime() / 1000) });
}

/**
 * Real time, moved by `set` and `advance`: for a service that another process (the
 * `contactpoint` command) signs requests to with its own real clock. A frozen clock
 * falls behind the real one while a test file runs, and the service then refuses a
 * signature "created more than 30 seconds in the future" (under load, the file takes
 * longer than that).
 */
export class LiveClock extends SettableClock {
  private offsetMs = 0;
  constructor() {
    super(new Date());
  }
  override now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  override set(to: Date): void {
    this.offsetMs = to.getTime() - Date.now();
  }
  override advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export async function startServiceHarness(
  options: {
    trainingCount?: number;
    now?: Date;
    database?: Database;
    publicUrl?: string;
    live?: boolean;
    serverTiming?: boolean;
    /** Audit partitions new entries are spread over (default 1). */
    auditPartitions?: number;
  } = {},
): Promise<ServiceHarness> {
  const clock = options.live ? new LiveClock() : new SettableClock(options.now ?? new Date());
  const db = options.database ?? (await openPglite());
  await migrate(db);
  const service = await startService({
    port: 0,
    trainingMode: true,
    database: db,
    clock,
    trainingCount: options.trainingCount ?? 300,
    lifecycleIntervalMs: 0,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    ...(options.serverTiming ? { serverTiming: true } : {}),
    ...(options.auditPartitions !== undefined ? { audit: { partitions: options.auditPartitions } } : {}),
  });
  const fetchJson: ServiceHarness['fetchJson'] = async (path, init = {}) =>
    toJson(
      await fetch(`${service.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
        ...(init.body !== undefined
          ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }
          : {}),
      }),
    );
  const signIn = createSignIn(service.url, clock);
  const signInWith: ServiceHarness['signInWith'] = (userId, password, totpSecret) =>
    signIn(userId, { password, totpSecret });
  const activateToken: ServiceHarness['activateToken'] = async (userId, firstHalf, secondHalf) => {
    const password = `holder-${randomBytes(12).toString('base64url')}`;
    const res = await fetchJson('/v1/activations', {
      method: 'POST',
      body: { method: 'otp', userId, firstHalf, secondHalf, password },
    });
    if (res.status !== 201) throw new Error(`activating ${userId} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: userId, password, totpSecret: res.body.totpSecret };
  };
  const newAccount: ServiceHarness['newAccount'] = async (creator, body, confirmer) => {
    const created = await creator.post('/v1/users', body);
    if (created.status !== 201)
      throw new Error(`creating ${String(body['id'])} failed: ${created.status} ${JSON.stringify(created.body)}`);
    const second =
      confirmer ?? (await signIn(creator.user.id === 'trn-national-admin' ? 'trn-data-manager' : 'trn-national-admin'));
    const confirmed = await second.post(`/v1/account-requests/${created.body.request.id}/confirm`, undefined);
    if (confirmed.status !== 200)
      throw new Error(`confirming ${String(body['id'])} failed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
    return activateToken(String(body['id']), created.body.firstHalf, confirmed.body.secondHalf);
  };
  const newMember: ServiceHarness['newMember'] = async (creator, id, organisationId, roles) => {
    const holder = await newAccount(creator, {
      id,
      name: `Test ${id}`,
      organisationId,
      roles,
      enhancedCheckDate: `${clock.now().getUTCFullYear() - 1}-01-01`,
      trainingCompleted: true,
      agreementSigned: true,
    });
    return signInWith(id, holder.password, holder.totpSecret);
  };
  return {
    url: service.url,
    db,
    clock,
    service,
    signIn,
    signInWith,
    newMember,
    newAccount,
    activateToken,
    fetchJson,
    close: () => service.close(),
  };
}

/**
 * Signs in to a service at `url` with a training account's password and a real TOTP code
 * (or the given credentials, for an account a test made), on the service's clock; the
 * client signs every request with its session key.
 */
export function createSignIn(url: string, clock: { now(): Date; advance(ms: number): void }) {
  // Each sign-in uses the next 30 s step, as a person would wait for a fresh code.
  return async (userId: string, credentials?: { password: string; totpSecret: string }): Promise<SignedClient> => {
    clock.advance(30_000);
    const password = credentials?.password ?? trainingAccounts.find((a) => a.id === userId)!.password;
    const otp = credentials
      ? generateSync({ secret: credentials.totpSecret, epoch: Math.floor(clock.now().getTime() / 1000) })
      : totpFor(userId, clock.now());
    const { privateKey, publicJwk } = generateSessionKey();
    const res = await toJson(
      await fetch(`${url}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'otp', userId, password, otp, sessionKey: publicJwk }),
      }),
    );
    if (res.status !== 201) throw new Error(`sign-in of ${userId} failed: ${res.status} ${JSON.stringify(res.body)}`);
    const sessionId: string = res.body.sessionId;
    const request: SignedClient['request'] = async (method, path, body, opts = {}) => {
      const target = `${url}${path}`;
      const text = opts.rawBody ?? (body !== undefined ? JSON.stringify(body) : undefined);
      const nowSec = Math.floor(clock.now().getTime() / 1000);
      const headers = signRequest({
        method,
        url: opts.signedOrigin ? `${opts.signedOrigin}${path}` : target,
        ...(text !== undefined ? { body: text } : {}),
        keyid: opts.sign?.keyid ?? sessionId,
        privateKey,
        createdSec: opts.sign?.createdSec ?? nowSec,
        expiresSec: opts.sign?.expiresSec ?? nowSec + 60,
        ...(opts.sign?.nonce !== undefined ? { nonce: opts.sign.nonce } : {}),
      });
      return toJson(
        await fetch(target, {
          method,
          headers: {
            ...headers,
            ...(text !== undefined ? { 'content-type': 'application/json' } : {}),
            ...opts.headers,
          },
          ...(text !== undefined ? { body: text } : {}),
        }),
      );
    };
    return {
      sessionId,
      privateKey,
      user: res.body.user,
      request,
      get: (path, o) => request('GET', path, undefined, o),
      post: (path, body, o) => request('POST', path, body, o),
    };
  };
}

/**
 * The service on a fresh store of `engine` (PGlite in memory, or a new database on the
 * shared PostgreSQL server). Closing the harness closes the store too: the service
 * closes the store it is given, so it is handed one whose close does nothing, and the
 * test store closes itself (dropping its database) after the service has stopped.
 */
export async function startServiceHarnessOn(
  engine: StoreEngine,
  options: Omit<Parameters<typeof startServiceHarness>[0], 'database'> = {},
): Promise<ServiceHarness> {
  const store = await openTestStore(engine);
  try {
    const h = await startServiceHarness({ ...options, database: { ...store.db, close: async () => undefined } });
    return {
      ...h,
      close: async () => {
        await h.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

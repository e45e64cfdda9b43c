/**
 * The national load test (issue 22, items 3 and 5): simulated users of the national
 * service over real signed HTTP, on loopback only.
 *
 * The mix, for `clients` concurrent clients (each one account, its own keep-alive
 * connections from its own loopback source address):
 * - about 5% are supplier systems (at least one from 3 clients): each loads small supplies
 *   (5 records of children the store holds, supplied as the NHS feed with fresh references)
 *   with an Idempotency-Key, back to back;
 * - about 10% are local authority teams (at least one from 2 clients): each pulls its
 *   authority's change feed (provenance omitted, 500 a page) from where its working set
 *   was at provisioning, page after page, polling every 250 ms once caught up; after its
 *   first page with current records, and one page in four after that, it submits a
 *   change to one of them (an update against the version it saw, keyed per item);
 * - the rest are practitioners: each searches for a real child with what a person types
 *   (a misspelt surname 7 times in 10, a forename half the time, the date of birth 4 in 5,
 *   sometimes day-for-month: typos.ts), reads the best result with a reason for access
 *   (which carries a unique reference, so its audit entry can be found), and one time in
 *   ten records an involvement with the child.
 * Every client first signs in with its own smartcard key (card challenge, a fresh P-256
 * session key) and then signs every request with RFC 9421 (test/support/request-signer.ts).
 *
 * Retries: searches, reads, feed pages, submissions (each item keeps its idempotency
 * key), supplies and involvements (the same Idempotency-Key) are retried on a connection error, a 5xx
 * or 409 idempotency-in-progress, with a backoff of 50 ms doubling to 1 s (or the
 * Retry-After), for up to `retryForMs` from the first attempt; each retry is a new signed
 * request (new nonce). A sign-in that fails so is begun afresh (new challenge, new
 * session key). Everything the service
 * answered 2xx is recorded in `acknowledged`, for verifyAcknowledged (verify.ts) to look
 * for in the database afterwards.
 *
 * How to call it:
 *   const users = await provisionLoadUsers(databaseUrl, { practitioners: 120, teams: 15, suppliers: 8 });
 *   const result = await runLoad({ baseUrl: 'https://127.0.0.1:8443', ca, databaseUrl }, users,
 *     { clients: 32, durationMs: 30_000 });
 *   const { missing } = await verifyAcknowledged(databaseUrl, result.acknowledged);
 * Provision once and run several times (1, 8, 32, 128 clients) if the accounts suffice:
 * a run needs as many practitioners, teams and suppliers as its mix uses (loadMix).
 *
 * Latencies: p50/p95/p99 of the successful attempt alone; p95WithRetries/p99WithRetries
 * from the first attempt to the success. errorWindowMs runs from the first failed attempt
 * any client saw to the first success after the last failed attempt (the time during
 * which clients saw errors: the recovery time of a failover); 0 when nothing failed.
 *
 * Behind HAProxy: the service limits sign-ins to 30 a minute per client address, so each
 * client connects from its own loopback address (127.1.x.y); HAProxy must pass it on
 * (option forwardfor) and the service must trust HAProxy (--trusted-proxy 127.0.0.1),
 * or more than 15 clients cannot all sign in within a minute. test/bench/national/local.ts
 * runs it against one in-process service.
 */
import { createPrivateKey, createSign, randomBytes, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeCursor } from '../../../service/sync/feed.js';
import { generateSessionKey } from '../../support/request-signer.js';
import { percentile } from '../measure.js';
import {
  ConnectionFailure,
  SignedUser,
  UserConnection,
  errorCodeOf,
  loopbackTarget,
  retryable,
  type Answer,
  type LoopbackTarget,
} from './http-client.js';
import { thumbprintOf, type LoadAccount, type LoadChild, type LoadUsers } from './provision.js';
import { seededRandom, typedSearch } from './typos.js';
import { emptyAcknowledged, type Acknowledged } from './verify.js';

export { provisionLoadUsers, type LoadUsers, type LoadChild, type LoadAccount } from './provision.js';
export { verifyAcknowledged, type Acknowledged } from './verify.js';
export { loopbackTarget } from './http-client.js';

export interface LoadTarget {
  baseUrl: string;
  /** PEM of the CA for https. */
  ca?: Buffer;
  /** Superuser URL of the primary (or multi-host), for provisioning and verification only. */
  databaseUrl: string;
}

export interface OpStats {
  count: number;
  errors: number;
  retries: number;
  throughputPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** From the first attempt to the success, retries and their waits included. */
  p95WithRetries: number;
  p99WithRetries: number;
}

export interface LoadResult {
  operations: Record<string, OpStats>;
  durationMs: number;
  acknowledged: Acknowledged;
  /** From the first client-visible error to the first success after the last one; 0 if none. */
  errorWindowMs: number;
  /** Final failures by operation, status and error code ("read 404 not-found"): no personal data. */
  failures: Record<string, number>;
  /** Searches whose results held the child searched for, of all answered. */
  searchesFound: { found: number; answered: number };
  mix: LoadMix;
}

export interface LoadOptions {
  clients: number;
  durationMs: number;
  /** At most this many requests in all (retries aside). */
  maxRequests?: number;
  /** Keep retrying idempotent calls this long, default 60000. */
  retryForMs?: number;
  /** One attempt's limit before it counts as a connection failure, default 15000. */
  requestTimeoutMs?: number;
}

export interface LoadMix {
  practitioners: number;
  teams: number;
  suppliers: number;
}

/** How `clients` are shared out: see the comment at the top. */
export function loadMix(clients: number): LoadMix {
  const suppliers = clients >= 3 ? Math.max(1, Math.round(clients * 0.05)) : 0;
  const teams = clients >= 2 ? Math.max(1, Math.round(clients * 0.1)) : 0;
  return { practitioners: clients - teams - suppliers, teams, suppliers };
}

const operationNames = ['sign-in', 'search', 'read', 'involvement', 'feed', 'submission', 'supply'] as const;
type Operation = (typeof operationNames)[number];

interface OpRecord {
  latencies: number[];
  withRetries: number[];
  errors: number;
  retries: number;
}

const utcToday = () => new Date().toISOString().slice(0, 10);

/** The run's shared state: counters, latencies, what was acknowledged, the error window. */
class Run {
  readonly records = new Map<Operation, OpRecord>(
    operationNames.map((op) => [op, { latencies: [], withRetries: [], errors: 0, retries: 0 }]),
  );
  readonly failures: Record<string, number> = {};
  readonly acknowledged: Acknowledged;
  readonly searchesFound = { found: 0, answered: 0 };
  private issued = 0;
  private firstErrorAt: number | undefined;
  private lastErrorAt: number | undefined;
  private recoveredAt: number | undefined;
  deadline = Infinity;
  /**
   * This run's own tag, beside the provisioning's: references, reasons and
   * Idempotency-Keys are unique across runs of the same accounts (a key used again with
   * the same body would be answered from the first run's stored response).
   */
  readonly tag: string;
  /** Seeds this run's choices. */
  readonly seed: number;

  constructor(
    readonly users: LoadUsers,
    private readonly maxRequests: number,
    readonly retryForMs: number,
  ) {
    this.acknowledged = emptyAcknowledged(new Date());
    const own = randomBytes(3).toString('hex');
    this.tag = `${users.runTag}-${own}`;
    this.seed = parseInt(own, 16);
  }

  /** Whether another request may start (the run's time and count bounds). */
  take(): boolean {
    if (performance.now() >= this.deadline || this.issued >= this.maxRequests) return false;
    this.issued++;
    return true;
  }

  private sawError(at: number): void {
    this.firstErrorAt ??= at;
    this.lastErrorAt = at;
    this.recoveredAt = undefined;
  }

  private sawSuccess(at: number): void {
    if (this.lastErrorAt !== undefined && this.recoveredAt === undefined && at >= this.lastErrorAt)
      this.recoveredAt = at;
  }

  errorWindowMs(endedAt: number): number {
    if (this.firstErrorAt === undefined) return 0;
    return (this.recoveredAt ?? endedAt) - this.firstErrorAt;
  }

  fail(op: Operation, why: string): void {
    this.records.get(op)!.errors++;
    const key = `${op} ${why}`;
    this.failures[key] = (this.failures[key] ?? 0) + 1;
  }

  /**
   * One call: sent (signed afresh) until it is answered `expect`, retried while it may
   * be (idempotent, and a retryable failure, within retryForMs); null when it failed.
   */
  async call(op: Operation, idempotent: boolean, send: () => Promise<Answer>, expect: number): Promise<Answer | null> {
    const record = this.records.get(op)!;
    const first = performance.now();
    let backoff = 50;
    for (;;) {
      const started = performance.now();
      let outcome: Answer | ConnectionFailure;
      try {
        outcome = await send();
      } catch (e) {
        if (!(e instanceof ConnectionFailure)) throw e;
        outcome = e;
      }
      const ended = performance.now();
      if (!(outcome instanceof ConnectionFailure) && outcome.status === expect) {
        record.latencies.push(ended - started);
        record.withRetries.push(ended - first);
        this.sawSuccess(ended);
        return outcome;
      }
      this.sawError(ended);
      const retryAfterS = outcome instanceof ConnectionFailure ? NaN : Number(outcome.headers['retry-after']);
      const wait = Number.isFinite(retryAfterS) && retryAfterS > 0 ? retryAfterS * 1000 : backoff;
      if (idempotent && retryable(outcome) && ended + wait - first < this.retryForMs) {
        record.retries++;
        await sleep(wait);
        backoff = Math.min(backoff * 2, 1000);
        continue;
      }
      this.fail(op, describe(outcome));
      return null;
    }
  }
}

function describe(outcome: Answer | ConnectionFailure): string {
  if (outcome instanceof ConnectionFailure) return `no answer (${outcome.message})`;
  return `${outcome.status} ${errorCodeOf(outcome) ?? 'unexpected'}`;
}

function stats(record: OpRecord, seconds: number): OpStats {
  const sorted = [...record.latencies].sort((a, b) => a - b);
  const total = [...record.withRetries].sort((a, b) => a - b);
  const at = (s: number[], p: number) => (s.length === 0 ? 0 : Number(percentile(s, p).toFixed(2)));
  return {
    count: sorted.length,
    errors: record.errors,
    retries: record.retries,
    throughputPerSecond: seconds > 0 ? Number((sorted.length / seconds).toFixed(2)) : 0,
    p50: at(sorted, 50),
    p95: at(sorted, 95),
    p99: at(sorted, 99),
    p95WithRetries: at(total, 95),
    p99WithRetries: at(total, 99),
  };
}

/**
 * Sign in with the account's card: a challenge, signed by the card key over
 * `challenge + "." + thumbprint(session key)`. A failed attempt is begun afresh.
 */
async function signIn(
  run: Run,
  target: LoopbackTarget,
  connection: UserConnection,
  account: LoadAccount,
): Promise<SignedUser | null> {
  const record = run.records.get('sign-in')!;
  const cardKey: KeyObject = createPrivateKey(account.cardKeyPem);
  const first = performance.now();
  let backoff = 50;
  for (;;) {
    const started = performance.now();
    let outcome: Answer | ConnectionFailure;
    let session: SignedUser | null = null;
    try {
      outcome = await connection.send(
        'POST',
        '/v1/sessions/challenge',
        { 'content-type': 'application/json' },
        JSON.stringify({ userId: account.id }),
      );
      if (outcome.status === 200) {
        const { challenge } = outcome.body as { challenge: string };
        const { privateKey, publicJwk } = generateSessionKey();
        const cardSignature = createSign('sha256')
          .update(`${challenge}.${thumbprintOf(publicJwk)}`, 'utf8')
          .sign({ key: cardKey, dsaEncoding: 'ieee-p1363' })
          .toString('base64url');
        outcome = await connection.send(
          'POST',
          '/v1/sessions',
          { 'content-type': 'application/json' },
          JSON.stringify({ method: 'card', userId: account.id, challenge, sessionKey: publicJwk, cardSignature }),
        );
        if (outcome.status === 201) {
          const { sessionId } = outcome.body as { sessionId: string };
          session = new SignedUser(account.id, sessionId, privateKey, connection, target.origin);
        }
      }
    } catch (e) {
      if (!(e instanceof ConnectionFailure)) throw e;
      outcome = e;
    }
    const ended = performance.now();
    if (session) {
      record.latencies.push(ended - started);
      record.withRetries.push(ended - first);
      run.acknowledged.signIns.push({ userId: account.id, sessionId: session.sessionId });
      return session;
    }
    if (retryable(outcome) && ended + backoff - first < run.retryForMs) {
      record.retries++;
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 1000);
      continue;
    }
    run.fail('sign-in', describe(outcome));
    return null;
  }
}

interface SearchResult {
  cpNumber: string;
}

async function practitioner(run: Run, user: SignedUser, clientIndex: number): Promise<void> {
  const random = seededRandom(run.seed ^ Math.imul(clientIndex + 1, 2654435761));
  const children = run.users.children;
  let seq = 0;
  while (run.take()) {
    const child = children[Math.floor(random() * children.length)]!;
    const typed = typedSearch(child, random);
    const query = new URLSearchParams({ surname: typed.surname });
    if (typed.forename !== undefined) query.set('forename', typed.forename);
    if (typed.dob !== undefined) query.set('dob', typed.dob);
    const searched = await run.call('search', true, () => user.send('GET', `/v1/children?${query}`), 200);
    if (!searched) continue;
    run.acknowledged.searches[user.userId] = (run.acknowledged.searches[user.userId] ?? 0) + 1;
    const results = (searched.body as { results: SearchResult[] }).results;
    run.searchesFound.answered++;
    const hit = results.find((r) => r.cpNumber === child.cpNumber);
    if (hit) run.searchesFound.found++;
    const chosen = hit ?? results[0];
    if (!chosen || !run.take()) continue;

    const ref = `${run.tag}-${clientIndex}-${++seq}`;
    const reason = `Load test: checking who is involved before a home visit, ref ${ref}`;
    const read = await run.call(
      'read',
      true,
      () =>
        user.send('GET', `/v1/children/${encodeURIComponent(chosen.cpNumber)}`, undefined, {
          'cp-access-reason': reason,
        }),
      200,
    );
    if (!read) continue;
    run.acknowledged.reads.push({ userId: user.userId, cpNumber: chosen.cpNumber, reason, ref });

    if (random() < 0.1 && run.take()) {
      // Keyed as the desktop keys it: a retry after a lost answer is answered, not recorded twice.
      const involvementKey = `load-${run.tag}-${clientIndex}-involvement-${seq}`;
      const startDate = utcToday();
      const recorded = await run.call(
        'involvement',
        true,
        () =>
          user.send(
            'POST',
            `/v1/children/${encodeURIComponent(chosen.cpNumber)}/involvements`,
            { service: 'Health visiting (load test)', startDate },
            { 'idempotency-key': involvementKey },
          ),
        201,
      );
      if (recorded) {
        const { involvement } = recorded.body as { involvement: { id: string } };
        run.acknowledged.involvements.push({
          userId: user.userId,
          cpNumber: chosen.cpNumber,
          involvementId: involvement.id,
        });
      }
    }
  }
}

interface FeedEntry {
  cpNumber: string;
  kind: 'upsert' | 'tombstone';
  version: number;
  superseded?: true;
  record?: { name: { given: string; family: string; former: unknown[] } };
}

async function team(
  run: Run,
  user: SignedUser,
  clientIndex: number,
  localAuthority: string,
  startSeq: number,
): Promise<void> {
  const random = seededRandom(run.seed ^ Math.imul(clientIndex + 1, 69069));
  let cursor = encodeCursor(localAuthority, startSeq);
  let seq = 0;
  while (run.take()) {
    const path = `/v1/sync/${localAuthority}/changes?after=${encodeURIComponent(cursor)}&limit=500&provenance=omit`;
    const page = await run.call('feed', true, () => user.send('GET', path), 200);
    if (!page) {
      await sleep(250);
      continue;
    }
    run.acknowledged.feedPages[user.userId] = (run.acknowledged.feedPages[user.userId] ?? 0) + 1;
    const body = page.body as { changes: FeedEntry[]; cursor: string; more: boolean };
    cursor = body.cursor;

    // The first page with current records, then one in four: the team's cleansing sends a change back
    // (the name as the team confirmed it), keyed so that a retry is answered, not applied twice.
    const current = body.changes.filter((e) => e.kind === 'upsert' && e.record && !e.superseded);
    if (current.length > 0 && (seq === 0 || random() < 0.25) && run.take()) {
      const entry = current[Math.floor(random() * current.length)]!;
      const idempotencyKey = `load-${run.tag}-${clientIndex}-${++seq}`;
      const item = {
        op: 'update',
        idempotencyKey,
        cpNumber: entry.cpNumber,
        baseVersion: entry.version,
        changes: { name: entry.record!.name },
      };
      const submitted = await run.call(
        'submission',
        true,
        () => user.send('POST', '/v1/submissions', { items: [item] }),
        200,
      );
      const result = submitted && (submitted.body as { results: { status: string; version?: number }[] }).results[0];
      if (result?.status === 'applied')
        run.acknowledged.submissions.push({
          userId: user.userId,
          idempotencyKey,
          cpNumber: entry.cpNumber,
          version: result.version!,
        });
      // A conflict is a record someone changed first (a supply): the team would look again.
      else if (result && result.status !== 'conflict') run.fail('submission', `item ${result.status}`);
    }
    if (!body.more) await sleep(250);
  }
}

const supplyStatuses = new Set(['matched', 'created', 'possible-duplicate']);

async function supplier(run: Run, user: SignedUser, clientIndex: number, supplierName: string): Promise<void> {
  const random = seededRandom(run.seed ^ Math.imul(clientIndex + 1, 40503));
  const withNhs = run.users.children.filter((c) => c.nhsNumber !== undefined);
  const pool: LoadChild[] = withNhs.length > 0 ? withNhs : run.users.children;
  let seq = 0;
  while (run.take()) {
    const n = ++seq;
    const today = utcToday();
    const picked = Array.from({ length: 5 }, () => pool[Math.floor(random() * pool.length)]!);
    const records = picked.map((c, i) => ({
      supplier: supplierName,
      supplierRef: `load-${run.tag}-${clientIndex}-${n}-${i}`,
      receivedAt: today,
      name: { given: c.given, family: c.family },
      gender: c.gender,
      dob: c.dob,
      address: c.address,
      ...(c.nhsNumber !== undefined ? { nhsNumber: c.nhsNumber } : {}),
    }));
    const body = { localAuthority: picked[0]!.localAuthority, records };
    const idempotencyKey = `load-${run.tag}-${clientIndex}-${n}`;
    const answered = await run.call(
      'supply',
      true,
      () => user.send('POST', '/v1/supplies', body, { 'idempotency-key': idempotencyKey }),
      200,
    );
    if (!answered) continue;
    const results = (answered.body as { results: { supplierRef: string; status: string; cpNumber?: string }[] })
      .results;
    run.acknowledged.supplies.push({
      userId: user.userId,
      idempotencyKey,
      records: results.map((r) => ({
        supplier: supplierName,
        supplierRef: r.supplierRef,
        status: r.status,
        ...(r.cpNumber !== undefined ? { cpNumber: r.cpNumber } : {}),
      })),
    });
    // A record the service refused is the load test's own mistake: counted, so a test sees it.
    for (const r of results) if (!supplyStatuses.has(r.status)) run.fail('supply', `record ${r.status}`);
  }
}

/** Run `work` over `items`, at most `limit` at a time. */
async function limited<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!, i);
      }
    }),
  );
  return out;
}

export async function runLoad(target: LoadTarget, users: LoadUsers, options: LoadOptions): Promise<LoadResult> {
  const { clients, durationMs } = options;
  if (!Number.isInteger(clients) || clients < 1 || clients > 10_000)
    throw new Error(`runLoad: clients must be a whole number from 1 to 10000 (got ${String(clients)}).`);
  if (!Number.isFinite(durationMs) || durationMs <= 0 || durationMs > 24 * 3_600_000)
    throw new Error('runLoad: durationMs must be a positive number of milliseconds, at most a day.');
  const maxRequests = options.maxRequests ?? Infinity;
  if (maxRequests !== Infinity && (!Number.isInteger(maxRequests) || maxRequests < 1))
    throw new Error('runLoad: maxRequests must be a positive whole number.');
  const retryForMs = options.retryForMs ?? 60_000;
  if (!Number.isFinite(retryForMs) || retryForMs < 0) throw new Error('runLoad: retryForMs must be 0 or more.');
  const loopback = await loopbackTarget(target.baseUrl);
  const mix = loadMix(clients);
  for (const [kind, have] of [
    ['practitioners', users.practitioners.length],
    ['teams', users.teams.length],
    ['suppliers', users.suppliers.length],
  ] as const) {
    if (mix[kind] > have)
      throw new Error(
        `runLoad: ${clients} clients need ${mix[kind]} ${kind} but only ${have} were provisioned (provisionLoadUsers).`,
      );
  }

  const run = new Run(users, maxRequests, retryForMs);
  const connectionOptions = {
    ...(target.ca ? { ca: target.ca } : {}),
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
  };
  type Client =
    | { kind: 'practitioner'; account: LoadAccount }
    | { kind: 'team'; account: (typeof users.teams)[number] }
    | { kind: 'supplier'; account: (typeof users.suppliers)[number] };
  const plan: Client[] = [
    ...users.practitioners.slice(0, mix.practitioners).map((account) => ({ kind: 'practitioner' as const, account })),
    ...users.teams.slice(0, mix.teams).map((account) => ({ kind: 'team' as const, account })),
    ...users.suppliers.slice(0, mix.suppliers).map((account) => ({ kind: 'supplier' as const, account })),
  ];
  const connections = plan.map(() => new UserConnection(loopback, connectionOptions));
  try {
    // Everyone signs in first (16 at a time), outside the timed window.
    const signInStarted = performance.now();
    const sessions = await limited(plan, 16, (client, i) => signIn(run, loopback, connections[i]!, client.account));
    const signInSeconds = (performance.now() - signInStarted) / 1000;

    const started = performance.now();
    run.deadline = started + durationMs;
    await Promise.all(
      plan.map(async (client, i) => {
        const session = sessions[i];
        if (!session) return;
        if (client.kind === 'practitioner') await practitioner(run, session, i);
        else if (client.kind === 'team')
          await team(run, session, i, client.account.localAuthority, client.account.startSeq);
        else await supplier(run, session, i, client.account.supplier);
      }),
    );
    const ended = performance.now();
    const seconds = (ended - started) / 1000;
    const operations: Record<string, OpStats> = {};
    for (const op of operationNames) {
      const record = run.records.get(op)!;
      operations[op] = stats(record, op === 'sign-in' ? signInSeconds : seconds);
    }
    return {
      operations,
      durationMs: Math.round(ended - started),
      acknowledged: run.acknowledged,
      errorWindowMs: Math.round(run.errorWindowMs(ended)),
      failures: run.failures,
      searchesFound: run.searchesFound,
      mix,
    };
  } finally {
    for (const c of connections) c.close();
  }
}

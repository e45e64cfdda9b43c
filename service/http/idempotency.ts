// The Idempotency-Key request header: a client that lost a response (a dropped
// connection, a timeout) retries with the same key and gets the first response again
// instead of having the request applied twice.
//
// The first request with a key claims it, in a transaction of its own (the primary key
// of idempotent_requests: of two at once, one claims and the other finds the claim),
// then runs and stores its whole response. Until then the key is in progress: another
// request with it is refused (409 idempotency-in-progress, Retry-After), not made to
// wait, because the work runs in many transactions of its own and holds none open. A
// claim whose work failed (a 500) is released, so the retry runs it afresh; the holder
// renews its claim while the work runs, so one left by a process that died, or by one
// whose database went away mid-work (a failover), lapses CLAIM_LEASE_MS after its last
// renewal and the next retry takes it over.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Actor } from '../../domain/roles.js';
import { canonicalJson } from '../audit/audit-log.js';
import type { ServiceContext } from '../context.js';
import { ApiError, badRequest, conflict } from './api-error.js';
import { errorResponse } from './handler.js';
import { JsonText, type RouteDoc, type RouteResponse } from './route.js';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotency-Replayed';
/** A stored response is answered for at least this long after it was stored. */
export const REPLAY_RETENTION_DAYS = 7;
/**
 * An unfinished claim not renewed for this long was left by a process that died (or lost
 * its database in a failover): the next retry takes the work over. The holder renews it
 * every CLAIM_RENEW_MS while the work runs, so a long supply keeps its claim.
 */
export const CLAIM_LEASE_MS = 20_000;
export const CLAIM_RENEW_MS = 5_000;
/** What a refused concurrent retry is told to wait, in seconds. */
const RETRY_AFTER_S = 2;

const DAY_MS = 86_400_000;
const keyPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** The hash a key is bound to: SHA-256 of the canonical JSON (key order and spacing do not matter). */
export function requestHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** The request's Idempotency-Key, null without one; 400 naming the header when malformed. */
export function idempotencyKeyOf(headers: IncomingHttpHeaders): string | null {
  const raw = headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
  if (raw === undefined) return null;
  // A repeated header arrives joined with ", ", which the pattern refuses too.
  if (typeof raw !== 'string' || !keyPattern.test(raw)) {
    throw badRequest(
      'invalid-idempotency-key',
      `The ${IDEMPOTENCY_KEY_HEADER} header must be 1 to 128 characters, each a letter, a digit or one of . _ : -`,
    );
  }
  return raw;
}

/**
 * What a route that takes an Idempotency-Key says of it in the OpenAPI document: the
 * sentence for its description, the header, the replay header and the refusals. `what`
 * names one request of the route ("supply", "involvement").
 */
export function idempotencyDoc(what: string): Required<Pick<RouteDoc, 'headers' | 'responseHeaders' | 'errors'>> & {
  sentence: string;
} {
  return {
    sentence:
      `With an ${IDEMPOTENCY_KEY_HEADER} header the ${what} is applied at most once: the first response is stored for at least ${REPLAY_RETENTION_DAYS} days, bound to the caller and the SHA-256 of the request's canonical JSON; ` +
      `a retry with the same key and body gets it again (same status and body, ${REPLAYED_HEADER}: true) and changes nothing; the same key with another body is 409 idempotency-key-reused; ` +
      'while the first is still running, another request with its key is 409 idempotency-in-progress (Retry-After). Keys are per user. A failure of the service (500) releases the key.',
    headers: [
      {
        name: IDEMPOTENCY_KEY_HEADER,
        required: false,
        description: `1 to 128 characters of A-Z a-z 0-9 . _ : - chosen by the client, one per ${what} (400 invalid-idempotency-key otherwise).`,
      },
    ],
    responseHeaders: [
      {
        name: REPLAYED_HEADER,
        description: '"true" when the response is the stored answer to an earlier request with the same key.',
      },
    ],
    errors: {
      '400': 'invalid-idempotency-key: the Idempotency-Key header is malformed',
      '409':
        'idempotency-key-reused: the key was used with another body; idempotency-in-progress: a request with the key is still running (retry after Retry-After seconds)',
    },
  };
}

export interface IdempotentRequest {
  /** Which operation the key is for (keys are per user and per operation). */
  operation: string;
  key: string | null;
  /** What the key is bound to: the validated body, usually. */
  request: unknown;
}

type Claim =
  | { kind: 'claimed'; token: string }
  | { kind: 'replay'; response: RouteResponse }
  | { kind: 'reused' }
  | { kind: 'in-progress' };

interface Row {
  request_hash: string;
  claim_token: string;
  claimed_at: Date;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
}

async function claim(
  ctx: ServiceContext,
  userId: string,
  operation: string,
  key: string,
  hash: string,
): Promise<Claim> {
  const now = ctx.clock.now();
  const expires = new Date(now.getTime() + REPLAY_RETENTION_DAYS * DAY_MS);
  const token = ctx.randomBytes(16).toString('hex');
  return ctx.db.transaction(async (tx) => {
    // Housekeeping as it goes (as sign-in challenges are): a lapsed key may be used again.
    await tx.query('DELETE FROM idempotent_requests WHERE expires_at <= $1', [now]);
    const inserted = await tx.query(
      `INSERT INTO idempotent_requests (user_id, operation, idempotency_key, request_hash, claim_token, claimed_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, operation, idempotency_key) DO NOTHING RETURNING 1`,
      [userId, operation, key, hash, token, now, expires],
    );
    if (inserted.length > 0) return { kind: 'claimed', token };
    const [row] = await tx.query<Row>(
      `SELECT request_hash, claim_token, claimed_at, response_status, response_headers, response_body
         FROM idempotent_requests WHERE user_id = $1 AND operation = $2 AND idempotency_key = $3 FOR UPDATE`,
      [userId, operation, key],
    );
    // Deleted between the two statements (released by a failed first attempt): ask again.
    if (!row) return { kind: 'in-progress' };
    if (row.request_hash !== hash) return { kind: 'reused' };
    if (row.response_status !== null) {
      const response: RouteResponse = {
        status: row.response_status,
        headers: { ...(row.response_headers ?? {}), [REPLAYED_HEADER.toLowerCase()]: 'true' },
        ...(row.response_body !== null ? { body: new JsonText(row.response_body) } : {}),
      };
      return { kind: 'replay', response };
    }
    if (now.getTime() - row.claimed_at.getTime() < CLAIM_LEASE_MS) return { kind: 'in-progress' };
    // The first attempt's process died: this retry takes the work over.
    await tx.query(
      'UPDATE idempotent_requests SET claim_token = $4, claimed_at = $5, expires_at = $6 WHERE user_id = $1 AND operation = $2 AND idempotency_key = $3',
      [userId, operation, key, token, now, expires],
    );
    return { kind: 'claimed', token };
  });
}

/**
 * Run `work` at most once per key: a request without a key just runs; the first with a
 * key runs and its response (a refusal the work throws too) is stored; a retry with the
 * same body gets that response with Idempotency-Replayed: true; the same key with
 * another body is 409 idempotency-key-reused.
 */
export async function idempotent(
  ctx: ServiceContext,
  actor: Actor,
  { operation, key, request }: IdempotentRequest,
  work: () => Promise<RouteResponse>,
): Promise<RouteResponse> {
  if (key === null) return work();
  const claimed = await claim(ctx, actor.userId, operation, key, requestHash(request));
  switch (claimed.kind) {
    case 'replay':
      return claimed.response;
    case 'reused':
      throw conflict(
        'idempotency-key-reused',
        `This ${IDEMPOTENCY_KEY_HEADER} was used for a different request: use a new key for a new request.`,
      );
    case 'in-progress':
      throw new ApiError(
        409,
        'idempotency-in-progress',
        `A request with this ${IDEMPOTENCY_KEY_HEADER} is still being processed: retry shortly for its response.`,
        {
          retryAfter: RETRY_AFTER_S,
        },
      );
    case 'claimed':
      break;
  }
  const pk = [actor.userId, operation, key] as const;
  let response: RouteResponse;
  const renewal = setInterval(() => {
    ctx.db
      .query(
        `UPDATE idempotent_requests SET claimed_at = $5
          WHERE user_id = $1 AND operation = $2 AND idempotency_key = $3 AND claim_token = $4 AND response_status IS NULL`,
        [...pk, claimed.token, ctx.clock.now()],
      )
      .catch(() => undefined);
  }, CLAIM_RENEW_MS);
  renewal.unref();
  try {
    response = await work();
  } catch (e) {
    if (!(e instanceof ApiError)) {
      // Our failure, not the request's: let the retry run it again. When the database is
      // the failure the release fails too, and the claim lapses after CLAIM_LEASE_MS.
      await ctx.db
        .query(
          'DELETE FROM idempotent_requests WHERE user_id = $1 AND operation = $2 AND idempotency_key = $3 AND claim_token = $4',
          [...pk, claimed.token],
        )
        .catch(() => undefined);
      throw e;
    }
    response = errorResponse(e);
  } finally {
    clearInterval(renewal);
  }
  const body =
    response.body === undefined
      ? null
      : response.body instanceof JsonText
        ? response.body.text.toString()
        : JSON.stringify(response.body);
  const now = ctx.clock.now();
  // Stored as text, so a replay is the same bytes. Only by the claim's holder: a claim
  // taken over from this attempt (it outlived the lease) is the other attempt's to answer.
  await ctx.db.query(
    `UPDATE idempotent_requests SET response_status = $5, response_headers = $6::jsonb, response_body = $7, expires_at = $8
      WHERE user_id = $1 AND operation = $2 AND idempotency_key = $3 AND claim_token = $4`,
    [
      ...pk,
      claimed.token,
      response.status,
      JSON.stringify(response.headers ?? {}),
      body,
      new Date(now.getTime() + REPLAY_RETENTION_DAYS * DAY_MS),
    ],
  );
  return { ...response, ...(body !== null ? { body: new JsonText(body) } : {}) };
}

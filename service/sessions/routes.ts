// The session endpoints of national-api.md (fixed): challenge, sign-in, sign-out.
import { challengeRequestSchema, signInRequestSchema } from '../../domain/api/sessions.js';
import { RateLimited, RateLimiter } from '../http/rate-limit.js';
import { appendAudit } from '../audit/audit-log.js';
import { openRoute, signedRoute, type Route } from '../http/route.js';
import type { Clock, ServiceContext } from '../context.js';
import { createChallenge, endSession, signIn } from './sessions.js';

const userSchema = {
  type: 'object',
  required: ['id', 'name', 'roles', 'organisation', 'localAuthority'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' } },
    organisation: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' } },
    },
    localAuthority: { type: ['string', 'null'] },
  },
};

/** Default ceiling on sign-in attempts (challenges and sign-ins) a minute, from all addresses together. */
export const defaultSignInCeilingPerMinute = 1_000;

export interface SessionRouteOptions {
  /** Sign-in attempts a minute from all addresses together before every sender gets 429. */
  signInCeilingPerMinute?: number;
}

/**
 * Sign-in guesses are limited per client address, per account, and in all: a flood
 * from many addresses (each under its own limit) still meets the ceiling.
 */
export function sessionRoutes(clock: Clock, options: SessionRouteOptions = {}): Route[] {
  const perAddress = new RateLimiter(clock, 30, 60_000);
  const perUser = new RateLimiter(clock, 10, 60_000);
  const overall = new RateLimiter(clock, options.signInCeilingPerMinute ?? defaultSignInCeilingPerMinute, 60_000);
  /** Count one attempt; the first refusal of a window is audited (not every one of a flood). */
  const limit = async (ctx: ServiceContext, address: string, userId: string, what: 'challenge' | 'sign-in') => {
    let scope = 'address';
    try {
      perAddress.hit(address);
      scope = 'account';
      perUser.hit(`${what}:${userId}`);
      // Last: attempts one address or account already had refused do not spend everyone's allowance.
      scope = 'all';
      overall.hit('all');
    } catch (e) {
      if (e instanceof RateLimited && e.firstInWindow) {
        await ctx.db.transaction((tx) =>
          appendAudit(tx, {
            at: clock.now(),
            userId: null,
            action: 'sign-in-rate-limited',
            detail: { claimedUserId: userId, step: what, scope },
          }),
        );
      }
      throw e;
    }
  };
  return [
    openRoute({
      method: 'POST',
      path: '/v1/sessions/challenge',
      body: challengeRequestSchema,
      maxBodyBytes: 1024,
      doc: {
        tag: 'sessions',
        summary: 'A single-use challenge for smartcard sign-in (expires within 120 s)',
        response: {
          type: 'object',
          required: ['challenge', 'expiresAt'],
          properties: {
            challenge: { type: 'string', description: 'base64url of 32 random bytes' },
            expiresAt: { type: 'string', format: 'date-time' },
          },
        },
      },
      async handle(req, ctx) {
        await limit(ctx, req.remoteAddress, req.body.userId, 'challenge');
        return { status: 200, body: await createChallenge(ctx, req.body.userId) };
      },
    }),
    openRoute({
      method: 'POST',
      path: '/v1/sessions',
      body: signInRequestSchema,
      maxBodyBytes: 4096,
      doc: {
        tag: 'sessions',
        status: 201,
        summary: 'Sign in with a smartcard (challenge signature) or a security token (password and TOTP code)',
        description:
          'Refusals are 401 sign-in-refused and do not say which factor was wrong. Five failed sign-ins in a row, by token or card, lock the account for 15 minutes, against both. A signed-in user who may not act (suspended, organisation not accredited, enhanced check over 3 years old, training or agreement missing) gets 403 with a code that says which.',
        response: {
          type: 'object',
          required: ['sessionId', 'expiresAt', 'user'],
          properties: {
            sessionId: { type: 'string' },
            expiresAt: { type: 'string', format: 'date-time' },
            user: userSchema,
          },
        },
      },
      async handle(req, ctx) {
        await limit(ctx, req.remoteAddress, req.body.userId, 'sign-in');
        return { status: 201, body: await signIn(ctx, req.body) };
      },
    }),
    signedRoute({
      method: 'GET',
      path: '/v1/sessions/current',
      doc: {
        tag: 'sessions',
        summary: 'Who this session belongs to',
        response: { type: 'object', properties: { user: userSchema } },
      },
      async handle(req) {
        const a = req.actor;
        return {
          status: 200,
          body: {
            user: {
              id: a.userId,
              name: a.name,
              roles: a.roles,
              organisation: { id: a.organisation.id, name: a.organisation.name, kind: a.organisation.kind },
              localAuthority: a.localAuthority,
            },
          },
        };
      },
    }),
    signedRoute({
      method: 'DELETE',
      path: '/v1/sessions/current',
      doc: { tag: 'sessions', status: 204, summary: 'End this session (sign out)' },
      async handle(req, ctx) {
        await endSession(ctx, req.actor.sessionId, req.actor.userId);
        return { status: 204 };
      },
    }),
  ];
}

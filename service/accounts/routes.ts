// Account management over HTTP (docs/service-api.md "Accounts and organisations"; the
// directory of organisations is organisation-routes.ts). Scope rules and auditing live in
// management.ts; this file declares who may call what, with which schemas.
import { z } from 'zod';
import {
  actionReasonBodySchema,
  activationSchema,
  cardEnrolmentSchema,
  createUserSchema,
  lapsingQuerySchema,
  roleGrantSchema,
  updateUserSchema,
  usersQuerySchema,
} from '../../domain/api/accounts.js';
import { managementRoles } from '../../domain/roles.js';
import { lookupParam } from '../http/params.js';
import { RateLimiter } from '../http/rate-limit.js';
import { openRoute, signedRoute, type Route } from '../http/route.js';
import type { Clock } from '../context.js';
import {
  activate,
  cancelAccountRequest,
  confirmAccountRequest,
  listAccountRequests,
  startRoleGrant,
} from './account-requests.js';
import { accountHistory, HISTORY_LIMIT } from './account-history.js';
import { lapsingUsers } from './lapsing.js';
import {
  createUser,
  getUser,
  listUsers,
  resetToken,
  startCardEnrolment,
  revokeCardKey,
  unlockUser,
  updateUser,
} from './management.js';

const nullableString = { type: ['string', 'null'] };

const userSchema = {
  type: 'object',
  required: [
    'id',
    'name',
    'roles',
    'organisation',
    'localAuthority',
    'enhancedCheckDate',
    'trainingCompleted',
    'agreementSigned',
    'suspended',
    'lockedUntil',
    'cardKeys',
    'closedAt',
  ],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' } },
    organisation: {
      type: 'object',
      required: ['id', 'name'],
      properties: { id: { type: 'string' }, name: { type: 'string' } },
    },
    localAuthority: nullableString,
    enhancedCheckDate: { type: ['string', 'null'], format: 'date' },
    trainingCompleted: { type: 'boolean' },
    agreementSigned: { type: 'boolean' },
    suspended: { type: 'boolean' },
    lockedUntil: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'While sign-in is locked after 5 failures',
    },
    cardKeys: { type: 'integer', description: 'Smartcard keys in use' },
    closedAt: { type: ['string', 'null'], format: 'date-time', description: 'When the account was closed, for good' },
  },
};

const lapsingUserSchema = {
  type: 'object',
  required: ['id', 'name', 'organisation', 'reasons'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    organisation: userSchema.properties.organisation,
    reasons: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind'],
        properties: {
          kind: { enum: ['enhanced-check', 'training-missing', 'agreement-missing', 'enhanced-check-missing'] },
          date: {
            type: 'string',
            format: 'date',
            description: 'enhanced-check: the day the check lapses (or lapsed): the first day the account is refused',
          },
        },
      },
    },
  },
};

const accountRequestSchema = {
  type: 'object',
  required: [
    'id',
    'kind',
    'account',
    'requestedBy',
    'requestedAt',
    'roles',
    'confirmedBy',
    'confirmedAt',
    'status',
    'expiresAt',
    'endReason',
  ],
  properties: {
    id: { type: 'string' },
    kind: { enum: ['account-create', 'token-reset', 'card-enrol', 'role-grant'] },
    account: { type: 'string', description: 'The account the request is about' },
    requestedBy: { type: 'string' },
    requestedAt: { type: 'string', format: 'date-time' },
    roles: {
      type: ['array', 'null'],
      items: { type: 'string' },
      description: 'account-create: the roles it is made with; role-grant: the roles it will hold',
    },
    confirmedBy: nullableString,
    confirmedAt: { type: ['string', 'null'], format: 'date-time' },
    status: { enum: ['awaiting-confirmation', 'awaiting-activation', 'completed', 'cancelled'] },
    expiresAt: { type: 'string', format: 'date-time', description: 'A request not completed by then lapses (7 days)' },
    endReason: { type: ['string', 'null'], description: 'cancelled, replaced, expired or too-many-wrong-codes' },
    cardThumbprint: {
      type: ['string', 'null'],
      description: 'card-enrol: the thumbprint of the card read at the desk; only that card activates it',
    },
  },
};

const reasonDoc =
  "The body may give `reason` (1 to 300 characters, no case information: 422 naming the words): audited with the action, and shown in the account's history.";

const issuedRequestSchema = {
  type: 'object',
  required: ['user', 'request', 'firstHalf'],
  properties: {
    user: userSchema,
    request: accountRequestSchema,
    firstHalf: {
      type: 'string',
      description:
        "The first half of the holder's activation code, shown this once, for the person who asked to hand to the holder. The second half goes to whoever confirms. Never a password or token secret.",
    },
  },
};

const managers = ['national-admin', 'la-team'] as const;

const userId = lookupParam("The account's id: one that is not an account you manage is 404 user-not-found.");
const userParams = z.object({ id: userId });
const requestParams = z.object({
  id: lookupParam("The request's id: one you may not confirm or cancel, or none, is 404 account-request-not-found."),
});
const cardKeyParams = z.object({
  id: userId,
  thumbprint: lookupParam('The RFC 7638 thumbprint of the card key: one not in use is 404 card-key-not-found.'),
});

export const accountRoutes: Route[] = [
  signedRoute({
    method: 'GET',
    path: '/v1/users',
    roles: managementRoles,
    query: usersQuerySchema,
    doc: {
      tag: 'accounts',
      summary: 'List accounts, by organisation or authority',
      description:
        'An LA team sees the accounts of its own authority only (asking for another is 403 other-authority). Ordered by id; ' +
        'pass `next` as `after` for the next page (null when there is no more). Never a password, token secret or key.',
      response: {
        type: 'object',
        required: ['users', 'next'],
        properties: { users: { type: 'array', items: userSchema }, next: nullableString },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: await listUsers(ctx, req.actor, req.query) };
    },
  }),
  // Before /v1/users/:id, which would otherwise take "lapsing" for an account id.
  signedRoute({
    method: 'GET',
    path: '/v1/users/lapsing',
    roles: managementRoles,
    query: lapsingQuerySchema,
    doc: {
      tag: 'accounts',
      summary:
        'Accounts whose enhanced check lapses within `days` (default 30, 1 to 365) or has lapsed, or whose training, agreement or check is missing',
      description:
        "An LA team sees its own authority's accounts; data managers and the national administrator all. Suspended and closed accounts, and suppliers' systems, are left out. " +
        'An enhanced check is valid 3 years: `date` is the first day the account is refused. Soonest first: accounts missing training, agreement or check (which may not act now) first, then by date.',
      response: {
        type: 'object',
        required: ['users'],
        properties: { users: { type: 'array', items: lapsingUserSchema } },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: await lapsingUsers(ctx, req.actor, req.query.days) };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/users/:id',
    params: userParams,
    roles: managementRoles,
    doc: {
      tag: 'accounts',
      summary: 'One account, with the thumbprints of its smartcard keys in use',
      response: {
        type: 'object',
        required: ['user'],
        properties: {
          user: {
            ...userSchema,
            required: [...userSchema.required, 'cards'],
            properties: {
              ...userSchema.properties,
              cards: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { thumbprint: { type: 'string' }, registeredAt: { type: 'string', format: 'date-time' } },
                },
              },
              tokenActive: { type: 'boolean', description: 'A password and security token are set (never the secret)' },
            },
          },
        },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: { user: await getUser(ctx, req.actor, req.params.id) } };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/users/:id/history',
    params: userParams,
    roles: managementRoles,
    doc: {
      tag: 'accounts',
      summary: `The audited actions on one account, newest first (at most ${HISTORY_LIMIT}), with who acted and why`,
      description:
        'Entries of the audit trail naming the account: created, changed, suspended, reinstated, closed, unlocked, token replaced, card enrolled or revoked, requests asked, confirmed, cancelled and activated; ' +
        'and its refused sign-ins (action sign-in-refused, kind: the method), which explain a lock-out. ' +
        'In the same scope as the account (404 user-not-found otherwise). The read is itself audited.',
      response: {
        type: 'object',
        required: ['entries'],
        properties: {
          entries: {
            type: 'array',
            items: {
              type: 'object',
              required: ['seq', 'at', 'by', 'action', 'change', 'kind', 'reason'],
              properties: {
                seq: { type: 'integer' },
                at: { type: 'string', format: 'date-time' },
                by: nullableString,
                action: { type: 'string' },
                change: nullableString,
                kind: nullableString,
                reason: nullableString,
              },
            },
          },
        },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: await accountHistory(ctx, req.actor, req.params.id) };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/users',
    roles: managers,
    body: createUserSchema,
    doc: {
      tag: 'accounts',
      status: 201,
      summary: 'Create an account with no credential: a second person confirms, then its holder activates it',
      description:
        'An LA team creates accounts only in organisations of its own authority, for its own authority, and never with the roles ' +
        'national-admin, data-manager or supplier-system (403 role-not-grantable). 409 user-exists; 422 unknown-organisation. ' +
        'The answer carries the first half of the activation code; an independent second person confirms (POST /v1/account-requests/{id}/confirm) and is given the second half; ' +
        'the holder activates with both (POST /v1/activations), choosing their own password or enrolling their own card.',
      response: issuedRequestSchema,
    },
    async handle(req, ctx) {
      return { status: 201, body: await createUser(ctx, req.actor, req.body) };
    },
  }),
  signedRoute({
    method: 'PATCH',
    path: '/v1/users/:id',
    params: userParams,
    roles: managers,
    body: updateUserSchema,
    doc: {
      tag: 'accounts',
      summary:
        'Suspend or reinstate an account, close it, record its vetting, training and agreement, or change its roles or name',
      description:
        "Takes effect at the account holder's next request. Adding a role with power over shielded children (child-protection, la-team, data-manager, national-admin) is 409 second-person-required: ask with POST /v1/users/{id}/role-grants. An LA team changes only suspended, trainingCompleted, agreementSigned, " +
        "enhancedCheckDate and closed (403 field-not-permitted), and only for its own authority's accounts. Nobody changes these of their own account (403 own-account). " +
        'closed: true closes the account for good: its live sessions end, its next signed request is 403 account-closed, sign-in is refused, and any later change, unlock, token reset or card change is 409 account-closed. ' +
        reasonDoc,
      errors: { '409': 'account-closed, second-person-required' },
      response: { type: 'object', required: ['user'], properties: { user: userSchema } },
    },
    async handle(req, ctx) {
      return { status: 200, body: { user: await updateUser(ctx, req.actor, req.params.id, req.body) } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/users/:id/unlock',
    params: userParams,
    roles: managers,
    body: actionReasonBodySchema,
    bodyOptional: true,
    doc: {
      tag: 'accounts',
      summary: 'Lift the sign-in lock-out that follows 5 failed attempts',
      description: reasonDoc,
      errors: { '409': 'account-closed' },
      response: { type: 'object', required: ['user'], properties: { user: userSchema } },
    },
    async handle(req, ctx) {
      return { status: 200, body: { user: await unlockUser(ctx, req.actor, req.params.id, req.body.reason) } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/users/:id/reset-token',
    params: userParams,
    roles: managers,
    body: actionReasonBodySchema,
    bodyOptional: true,
    doc: {
      tag: 'accounts',
      description: `Never for your own account (403 own-account). ${reasonDoc}`,
      summary:
        "Replace a lost token: the old password, token and their sessions stop now; new ones only by the holder's activation after a second person confirms",
      errors: { '409': 'account-closed, request-open' },
      response: {
        ...issuedRequestSchema,
        required: [...issuedRequestSchema.required, 'sessionsEnded'],
        properties: { ...issuedRequestSchema.properties, sessionsEnded: { type: 'integer' } },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: await resetToken(ctx, req.actor, req.params.id, req.body.reason) };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/users/:id/card-enrolments',
    params: userParams,
    roles: managers,
    body: cardEnrolmentSchema,
    bodyOptional: true,
    doc: {
      tag: 'accounts',
      status: 201,
      summary:
        'Enrol a smartcard: a second person confirms, then the holder activates with the card itself, which replaces any earlier card',
      description:
        'publicJwk: the public key of the card, read at the desk with its holder present; the request then names the card (cardThumbprint), and only that card activates it. ' +
        `Never for your own account (403 own-account). ${reasonDoc}`,
      errors: { '403': 'own-account', '409': 'account-closed, request-open' },
      response: issuedRequestSchema,
    },
    async handle(req, ctx) {
      return { status: 201, body: await startCardEnrolment(ctx, req.actor, req.params.id, req.body) };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/users/:id/role-grants',
    params: userParams,
    roles: ['national-admin'],
    body: roleGrantSchema,
    doc: {
      tag: 'accounts',
      status: 201,
      summary: 'Ask for roles to be added that carry power over shielded children; another administrator confirms',
      description:
        'roles is the whole list the account will hold. 422 no-role-added when it adds nothing; 403 own-account for your own account.',
      errors: { '403': 'own-account', '409': 'account-closed, request-open', '422': 'no-role-added' },
      response: { type: 'object', required: ['request'], properties: { request: accountRequestSchema } },
    },
    async handle(req, ctx) {
      return { status: 201, body: { request: await startRoleGrant(ctx, req.actor, req.params.id, req.body.roles) } };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/account-requests',
    roles: managementRoles,
    doc: {
      tag: 'accounts',
      summary: 'Open requests you asked for or may confirm, oldest first (at most 500)',
      response: {
        type: 'object',
        required: ['requests'],
        properties: { requests: { type: 'array', items: accountRequestSchema } },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: { requests: await listAccountRequests(ctx, req.actor) } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/account-requests/:id/confirm',
    params: requestParams,
    roles: managementRoles,
    body: actionReasonBodySchema,
    bodyOptional: true,
    doc: {
      tag: 'accounts',
      summary: 'Confirm a request as the second person',
      description:
        'Only someone independent of whoever asked: not them, not the account itself (403 own-request, own-account), and not anyone either of them ' +
        'took part in issuing credentials or powers to (403 not-independent). A credential request then awaits its holder, and the answer carries the ' +
        'second half of the activation code, this once; a role grant takes effect now. 409 request-decided, request-expired (7 days), account-closed. ' +
        reasonDoc,
      errors: {
        '403': 'own-request, own-account, not-independent, forbidden-role',
        '404': 'account-request-not-found',
        '409': 'request-decided, request-expired, account-closed',
      },
      response: {
        type: 'object',
        required: ['request'],
        properties: {
          request: accountRequestSchema,
          secondHalf: {
            type: 'string',
            description: 'For credential requests: the second half of the activation code, for the holder',
          },
        },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: await confirmAccountRequest(ctx, req.actor, req.params.id, req.body.reason) };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/account-requests/:id/cancel',
    params: requestParams,
    roles: managementRoles,
    body: actionReasonBodySchema,
    bodyOptional: true,
    doc: {
      tag: 'accounts',
      summary: 'Cancel an open request (whoever asked, or anyone who could confirm it)',
      description: reasonDoc,
      errors: { '404': 'account-request-not-found', '409': 'request-decided' },
      response: { type: 'object', required: ['request'], properties: { request: accountRequestSchema } },
    },
    async handle(req, ctx) {
      return {
        status: 200,
        body: { request: await cancelAccountRequest(ctx, req.actor, req.params.id, req.body.reason) },
      };
    },
  }),
  signedRoute({
    method: 'DELETE',
    path: '/v1/users/:id/card-keys/:thumbprint',
    params: cardKeyParams,
    roles: managers,
    body: actionReasonBodySchema,
    bodyOptional: true,
    doc: {
      tag: 'accounts',
      summary: "Revoke a smartcard key; the account's card sessions end",
      description: reasonDoc,
      errors: { '409': 'account-closed' },
      response: {
        type: 'object',
        required: ['thumbprint', 'sessionsEnded'],
        properties: { thumbprint: { type: 'string' }, sessionsEnded: { type: 'integer' } },
      },
    },
    async handle(req, ctx) {
      return {
        status: 200,
        body: await revokeCardKey(ctx, req.actor, req.params.id, req.params.thumbprint, req.body.reason),
      };
    },
  }),
];

/**
 * Activation: the holder completes a confirmed request with both halves of its code.
 * Unsigned (the holder has no credential yet), so limited like sign-in: per client
 * address and per account id, besides the request's own count of wrong codes.
 */
export function activationRoutes(clock: Clock): Route[] {
  const perAddress = new RateLimiter(clock, 30, 60_000);
  const perUser = new RateLimiter(clock, 10, 60_000);
  return [
    openRoute({
      method: 'POST',
      path: '/v1/activations',
      body: activationSchema,
      maxBodyBytes: 4096,
      doc: {
        tag: 'accounts',
        status: 201,
        summary:
          'Activate an account, a replacement token or a smartcard, as its holder, with both halves of the activation code',
        description:
          "method otp: the holder chooses their password (at least 12 characters) and is given their token's secret, this once (base32 and an otpauth:// URI). " +
          'method card: the card signs a challenge from POST /v1/sessions/challenge (over challenge + "." + thumbprint(publicJwk)); it replaces any earlier card. ' +
          'A wrong code, unknown account or bad card proof is 401 activation-refused, one message for all; 5 wrong codes cancel the request. 429 too-many-attempts.',
        errors: { '401': 'activation-refused', '429': 'too-many-attempts' },
        response: {
          type: 'object',
          required: ['userId'],
          properties: {
            userId: { type: 'string' },
            totpSecret: { type: 'string', description: 'otp: the RFC 6238 secret (base32, 160 bits)' },
            otpauthUri: {
              type: 'string',
              description: 'otp: the same secret as an otpauth:// URI for an authenticator',
            },
            thumbprint: { type: 'string', description: 'card: the RFC 7638 thumbprint of the enrolled card key' },
          },
        },
      },
      async handle(req, ctx) {
        perAddress.hit(req.remoteAddress);
        perUser.hit(`activation:${req.body.userId}`);
        return { status: 201, body: await activate(ctx, req.body) };
      },
    }),
  ];
}

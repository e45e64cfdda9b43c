// Account and organisation management over HTTP (docs/service-api.md "Accounts and
// organisations"). Scope rules and auditing live in management.ts; this file declares
// who may call what, with which schemas.
import {
  createUserSchema,
  lapsingQuerySchema,
  registerCardKeySchema,
  updateOrganisationSchema,
  updateUserSchema,
  usersQuerySchema,
} from '../../domain/api/accounts.js';
import { signedRoute, type Route } from '../http/route.js';
import { lapsingUsers } from './lapsing.js';
import {
  createUser,
  getUser,
  listOrganisations,
  listUsers,
  registerCardKey,
  resetToken,
  revokeCardKey,
  setAccreditation,
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
    organisation: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
    localAuthority: nullableString,
    enhancedCheckDate: { type: ['string', 'null'], format: 'date' },
    trainingCompleted: { type: 'boolean' },
    agreementSigned: { type: 'boolean' },
    suspended: { type: 'boolean' },
    lockedUntil: { type: ['string', 'null'], format: 'date-time', description: 'While sign-in is locked after 5 failures' },
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
          date: { type: 'string', format: 'date', description: 'enhanced-check: the day the check lapses (or lapsed): the first day the account is refused' },
        },
      },
    },
  },
};

const credentialsSchema = {
  type: 'object',
  required: ['user', 'password', 'totpSecret'],
  properties: {
    user: userSchema,
    password: { type: 'string', description: 'The initial password: shown this once, only its hash is kept' },
    totpSecret: { type: 'string', description: 'The security token secret (RFC 6238, base32, 160 bits): shown this once' },
  },
};

const organisationSchema = {
  type: 'object',
  required: ['id', 'name', 'kind', 'accredited', 'localAuthority', 'supplier', 'users'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string' },
    accredited: { type: 'boolean' },
    localAuthority: nullableString,
    supplier: nullableString,
    users: { type: 'integer' },
  },
};

const managers = ['national-admin', 'la-team'] as const;

export const accountRoutes: Route[] = [
  signedRoute({
    method: 'GET',
    path: '/v1/users',
    roles: ['national-admin', 'la-team', 'data-manager'],
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
    roles: ['national-admin', 'la-team', 'data-manager'],
    query: lapsingQuerySchema,
    doc: {
      tag: 'accounts',
      summary: 'Accounts whose enhanced check lapses within `days` (default 30, 1 to 365) or has lapsed, or whose training, agreement or check is missing',
      description:
        'An LA team sees its own authority\'s accounts; data managers and the national administrator all. Suspended and closed accounts, and suppliers\' systems, are left out. ' +
        'An enhanced check is valid 3 years: `date` is the first day the account is refused. Soonest first: accounts missing training, agreement or check (which may not act now) first, then by date.',
      response: { type: 'object', required: ['users'], properties: { users: { type: 'array', items: lapsingUserSchema } } },
    },
    async handle(req, ctx) {
      return { status: 200, body: await lapsingUsers(ctx, req.actor, req.query.days) };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/users/:id',
    roles: ['national-admin', 'la-team', 'data-manager'],
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
                items: { type: 'object', properties: { thumbprint: { type: 'string' }, registeredAt: { type: 'string', format: 'date-time' } } },
              },
            },
          },
        },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: { user: await getUser(ctx, req.actor, req.params['id']!) } };
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
      summary: 'Create an account; its initial password and token secret are returned this once',
      description:
        'An LA team creates accounts only in organisations of its own authority, for its own authority, and never with the roles ' +
        'national-admin, data-manager or supplier-system (403 role-not-grantable). 409 user-exists; 422 unknown-organisation.',
      response: credentialsSchema,
    },
    async handle(req, ctx) {
      return { status: 201, body: await createUser(ctx, req.actor, req.body) };
    },
  }),
  signedRoute({
    method: 'PATCH',
    path: '/v1/users/:id',
    roles: managers,
    body: updateUserSchema,
    doc: {
      tag: 'accounts',
      summary: 'Suspend or reinstate an account, close it, record its vetting, training and agreement, or change its roles or name',
      description:
        'Takes effect at the account holder\'s next request. An LA team changes only suspended, trainingCompleted, agreementSigned, ' +
        'enhancedCheckDate and closed (403 field-not-permitted), and only for its own authority\'s accounts. Nobody changes these of their own account (403 own-account). ' +
        'closed: true closes the account for good: its live sessions end, its next signed request is 403 account-closed, sign-in is refused, and any later change, unlock, token reset or card change is 409 account-closed.',
      errors: { '409': 'account-closed' },
      response: { type: 'object', required: ['user'], properties: { user: userSchema } },
    },
    async handle(req, ctx) {
      return { status: 200, body: { user: await updateUser(ctx, req.actor, req.params['id']!, req.body) } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/users/:id/unlock',
    roles: managers,
    doc: {
      tag: 'accounts',
      summary: 'Lift the sign-in lock-out that follows 5 failed attempts',
      errors: { '409': 'account-closed' },
      response: { type: 'object', required: ['user'], properties: { user: userSchema } },
    },
    async handle(req, ctx) {
      return { status: 200, body: { user: await unlockUser(ctx, req.actor, req.params['id']!) } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/users/:id/reset-token',
    roles: managers,
    doc: {
      tag: 'accounts',
      summary: 'Issue a new password and token secret (returned this once); the old ones and their sessions stop working',
      errors: { '409': 'account-closed' },
      response: { ...credentialsSchema, required: [...credentialsSchema.required, 'sessionsEnded'], properties: { ...credentialsSchema.properties, sessionsEnded: { type: 'integer' } } },
    },
    async handle(req, ctx) {
      return { status: 200, body: await resetToken(ctx, req.actor, req.params['id']!) };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/users/:id/card-keys',
    roles: managers,
    body: registerCardKeySchema,
    maxBodyBytes: 4096,
    doc: {
      tag: 'accounts',
      status: 201,
      summary: 'Register a smartcard\'s public key; the account\'s earlier card and its sessions stop working (one card at a time)',
      errors: { '409': 'account-closed' },
      response: {
        type: 'object',
        required: ['thumbprint', 'revokedCards', 'sessionsEnded', 'user'],
        properties: {
          thumbprint: { type: 'string', description: 'RFC 7638' },
          revokedCards: { type: 'integer', description: 'Earlier cards this one replaces' },
          sessionsEnded: { type: 'integer', description: 'Card sessions begun with the replaced cards, now ended' },
          user: userSchema,
        },
      },
    },
    async handle(req, ctx) {
      return { status: 201, body: await registerCardKey(ctx, req.actor, req.params['id']!, req.body.publicJwk) };
    },
  }),
  signedRoute({
    method: 'DELETE',
    path: '/v1/users/:id/card-keys/:thumbprint',
    roles: managers,
    doc: {
      tag: 'accounts',
      summary: 'Revoke a smartcard key; the account\'s card sessions end',
      errors: { '409': 'account-closed' },
      response: {
        type: 'object',
        required: ['thumbprint', 'sessionsEnded'],
        properties: { thumbprint: { type: 'string' }, sessionsEnded: { type: 'integer' } },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: await revokeCardKey(ctx, req.actor, req.params['id']!, req.params['thumbprint']!) };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/organisations',
    roles: ['national-admin', 'data-manager', 'la-team'],
    doc: {
      tag: 'accounts',
      summary: 'Organisations, their accreditation and how many accounts each has',
      response: { type: 'object', required: ['organisations'], properties: { organisations: { type: 'array', items: organisationSchema } } },
    },
    async handle(req, ctx) {
      return { status: 200, body: await listOrganisations(ctx, req.actor) };
    },
  }),
  signedRoute({
    method: 'PATCH',
    path: '/v1/organisations/:id',
    roles: ['national-admin', 'data-manager'],
    body: updateOrganisationSchema,
    doc: {
      tag: 'accounts',
      summary: 'Accredit an organisation or withdraw its accreditation',
      description: 'Every account of an organisation that loses accreditation is refused (403 organisation-not-accredited) from its next request.',
      response: { type: 'object', required: ['organisation'], properties: { organisation: organisationSchema } },
    },
    async handle(req, ctx) {
      return { status: 200, body: { organisation: await setAccreditation(ctx, req.actor, req.params['id']!, req.body.accredited) } };
    },
  }),
];

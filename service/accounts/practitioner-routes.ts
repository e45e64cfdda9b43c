// The list of practitioners to ready over HTTP (docs/service-api.md "Practitioners to
// ready"; issue 21, item 2). Scope, the all-or-nothing import and the account request
// through the two-person flow are in practitioners.ts; this file declares who may call
// what, with which schemas.
import { z } from 'zod';
import { lapsingQuerySchema } from '../../domain/api/accounts.js';
import {
  addPractitionerSchema,
  importPractitionersSchema,
  practitionersQuerySchema,
  requestPractitionerAccountSchema,
  updatePractitionerSchema,
} from '../../domain/api/practitioners.js';
import { organisationStages } from '../../domain/organisation-stages.js';
import {
  CHECK_VALID_YEARS,
  missingItems,
  readinessRoles,
  readinessStates,
  REFRESHER_YEARS,
  taskKinds,
} from '../../domain/practitioners-to-ready.js';
import { managementRoles } from '../../domain/roles.js';
import { lookupParam } from '../http/params.js';
import { signedRoute, type Route } from '../http/route.js';
import {
  addPractitioner,
  importPractitioners,
  listPractitioners,
  readinessTasks,
  requestPractitionerAccount,
  updatePractitioner,
} from './practitioners.js';

const nullableString = { type: ['string', 'null'] };
const nullableDate = { type: ['string', 'null'], format: 'date' };

const practitionerSchema = {
  type: 'object',
  required: [
    'id',
    'localAuthority',
    'organisation',
    'name',
    'workEmail',
    'role',
    'trainingPriority',
    'enhancedCheckDate',
    'checkLapsesOn',
    'courseBookedOn',
    'courseAttendedOn',
    'coursePassedOn',
    'refresherDueOn',
    'agreementSignedOn',
    'userId',
    'accountRequest',
    'missing',
    'readiness',
  ],
  properties: {
    id: { type: 'string' },
    localAuthority: { type: 'string' },
    organisation: {
      type: 'object',
      required: ['id', 'name', 'stage', 'accredited'],
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        stage: { enum: [...organisationStages] },
        accredited: { type: 'boolean' },
      },
    },
    name: { type: 'string' },
    workEmail: { type: 'string' },
    role: { enum: [...readinessRoles] },
    trainingPriority: { type: 'integer', description: 'The order in which people are trained: 1 first' },
    enhancedCheckDate: nullableDate,
    checkLapsesOn: {
      ...nullableDate,
      description: `The first day the check is no longer valid (${CHECK_VALID_YEARS} years on)`,
    },
    courseBookedOn: nullableDate,
    courseAttendedOn: nullableDate,
    coursePassedOn: nullableDate,
    refresherDueOn: {
      ...nullableDate,
      description: `The day a refresher course is due (${REFRESHER_YEARS} years after the course was passed)`,
    },
    agreementSignedOn: nullableDate,
    userId: { ...nullableString, description: 'The account asked for, once it is' },
    accountRequest: {
      type: ['object', 'null'],
      properties: { id: { type: 'string' }, status: { type: 'string' } },
    },
    missing: { type: 'array', items: { enum: [...missingItems] }, description: 'What the person still needs' },
    readiness: { enum: [...readinessStates] },
  },
};

const practitionerParams = z.object({
  id: lookupParam("The entry's id: none, or one of another authority's list, is 404 practitioner-not-found."),
});

const answer = { type: 'object', required: ['practitioner'], properties: { practitioner: practitionerSchema } };
const team = ['la-team'] as const;

export const practitionerRoutes: Route[] = [
  signedRoute({
    method: 'GET',
    path: '/v1/practitioners',
    roles: managementRoles,
    query: practitionersQuerySchema,
    doc: {
      tag: 'practitioners',
      summary: 'The people who will need access, in training order, with what each still needs',
      description:
        "An LA team sees its own authority's list; a data manager and the national administrator every authority's (localAuthority to choose one). " +
        'Filter by organisationId and readiness (needs-items, ready, account-requested, has-account). Ordered by training priority, then name.',
      errors: { '403': 'other-authority' },
      response: {
        type: 'object',
        required: ['practitioners'],
        properties: { practitioners: { type: 'array', items: practitionerSchema } },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: await listPractitioners(ctx, req.actor, req.query) };
    },
  }),
  // Before any /v1/practitioners/:id route, which would otherwise take "tasks" for an id.
  signedRoute({
    method: 'GET',
    path: '/v1/practitioners/tasks',
    roles: managementRoles,
    query: lapsingQuerySchema,
    doc: {
      tag: 'practitioners',
      summary: 'Lapsing items falling due within `days` (default 30): checks and refreshers, of people and of accounts',
      description:
        `For people not yet with access: an enhanced check that will be ${CHECK_VALID_YEARS} years old, a refresher due ${REFRESHER_YEARS} years after the course was passed. ` +
        'For accounts: what GET /v1/users/lapsing reports (a check lapsing or missing, training or agreement not recorded; due null: now), and refreshers from the list. ' +
        'Now first, then by day.',
      response: {
        type: 'object',
        required: ['tasks'],
        properties: {
          tasks: {
            type: 'array',
            items: {
              type: 'object',
              required: ['kind', 'due', 'name', 'practitionerId', 'userId', 'organisation'],
              properties: {
                kind: { enum: [...taskKinds] },
                due: nullableDate,
                name: { type: 'string' },
                practitionerId: nullableString,
                userId: nullableString,
                organisation: {
                  type: 'object',
                  properties: { id: { type: 'string' }, name: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: await readinessTasks(ctx, req.actor, req.query.days) };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/practitioners',
    roles: team,
    body: addPractitionerSchema,
    doc: {
      tag: 'practitioners',
      status: 201,
      summary: 'Add a person to the list',
      description:
        "The organisation must be one of the team's authority's partners, at any stage (422 unknown-organisation). " +
        'Role practitioner or child-protection; training priority 1 or more; the check, attendance, pass and agreement dated today or earlier, a pass no earlier than the attendance (422 invalid-practitioner names the field). ' +
        '409 practitioner-exists for a work email on the list already.',
      errors: { '409': 'practitioner-exists', '422': 'invalid-practitioner, unknown-organisation' },
      response: answer,
    },
    async handle(req, ctx) {
      return { status: 201, body: { practitioner: await addPractitioner(ctx, req.actor, req.body) } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/practitioners/import',
    roles: team,
    body: importPractitionersSchema,
    maxBodyBytes: 4 * 1024 * 1024,
    doc: {
      tag: 'practitioners',
      status: 201,
      summary: 'Add many people at once, all or nothing',
      description:
        "Each entry carries the row of the team's file it came from, and names its organisation by id, ODS code, DfE URN or name. " +
        'Every row is checked as one added alone would be, and its work email must be new to the list and to the file; ' +
        'if any row is bad, nothing is stored: 422 import-refused, with `rows` naming each bad row and its fields.',
      errors: { '422': 'import-refused' },
      response: { type: 'object', required: ['imported'], properties: { imported: { type: 'integer' } } },
    },
    async handle(req, ctx) {
      return { status: 201, body: await importPractitioners(ctx, req.actor, req.body.entries) };
    },
  }),
  signedRoute({
    method: 'PATCH',
    path: '/v1/practitioners/:id',
    params: practitionerParams,
    roles: team,
    body: updatePractitionerSchema,
    doc: {
      tag: 'practitioners',
      summary:
        'Update a person: their training priority, check, course, agreement, and (before an account) who they are',
      description:
        'A date given as null is cleared. Checked as when added. Once an account is asked for, organisation, name, work email and role are 409 account-requested: they are the account’s now.',
      errors: {
        '404': 'practitioner-not-found',
        '409': 'practitioner-exists, account-requested',
        '422': 'invalid-practitioner, unknown-organisation',
      },
      response: answer,
    },
    async handle(req, ctx) {
      return { status: 200, body: { practitioner: await updatePractitioner(ctx, req.actor, req.params.id, req.body) } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/practitioners/:id/account-request',
    params: practitionerParams,
    roles: team,
    body: requestPractitionerAccountSchema,
    doc: {
      tag: 'practitioners',
      status: 201,
      summary: 'Request the account of a person who is ready: through the two-person account request',
      description:
        `Only when every item is met: an enhanced check under ${CHECK_VALID_YEARS} years old, the course passed (no refresher due), the agreement signed, the organisation accredited; ` +
        'otherwise 409 not-ready naming what is missing. The account is made with no credential, as POST /v1/users makes it, with the role on the list: ' +
        'an independent second person confirms (POST /v1/account-requests/{id}/confirm) and only the holder activates it. ' +
        'userId is the id the holder signs in with (by default the part of the work email before the @; 409 user-exists if taken).',
      errors: {
        '404': 'practitioner-not-found',
        '409': 'not-ready, account-requested, user-exists, request-open',
      },
      response: {
        type: 'object',
        required: ['practitioner', 'request', 'firstHalf'],
        properties: {
          practitioner: practitionerSchema,
          request: { type: 'object', description: 'The account request, as GET /v1/account-requests shows it' },
          firstHalf: {
            type: 'string',
            description:
              "The first half of the holder's activation code, shown this once; the confirmer is given the second.",
          },
        },
      },
    },
    async handle(req, ctx) {
      return {
        status: 201,
        body: await requestPractitionerAccount(ctx, req.actor, req.params.id, req.body.userId),
      };
    },
  }),
];

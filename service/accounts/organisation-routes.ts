// The directory of partner organisations and their accreditation over HTTP
// (docs/service-api.md "Organisations and their accreditation"). Who may take which
// step is the stage table (domain/organisation-stages.ts), enforced with scope and
// independence in organisations.ts; this file declares the routes and their schemas.
import { z } from 'zod';
import {
  organisationsQuerySchema,
  proposeOrganisationSchema,
  stageStepSchema,
} from '../../domain/api/organisations.js';
import { organisationKinds, organisationStages, stageActions } from '../../domain/organisation-stages.js';
import { managementRoles } from '../../domain/roles.js';
import { lookupParam } from '../http/params.js';
import { signedRoute, type Route } from '../http/route.js';
import { getOrganisation, listDirectory, proposeOrganisation, takeStep } from './organisations.js';

const nullableString = { type: ['string', 'null'] };
const nullableDate = { type: ['string', 'null'], format: 'date' };

const entrySchema = {
  type: 'object',
  required: [
    'id',
    'name',
    'kind',
    'stage',
    'accredited',
    'localAuthority',
    'supplier',
    'odsCode',
    'urn',
    'basedIn',
    'responsibleOfficer',
    'agreementSignedOn',
    'evidence',
    'stageSince',
    'users',
  ],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    kind: { enum: [...organisationKinds] },
    stage: { enum: [...organisationStages] },
    accredited: { type: 'boolean', description: 'True exactly when the stage is accredited: its users may act' },
    localAuthority: { ...nullableString, description: 'The authority it partners (ONS code)' },
    supplier: nullableString,
    odsCode: nullableString,
    urn: { ...nullableString, description: "A school's DfE Unique Reference Number" },
    basedIn: { ...nullableString, description: "A cross-border agency's Welsh or neighbouring authority (ONS code)" },
    responsibleOfficer: nullableString,
    agreementSignedOn: nullableDate,
    evidence: { ...nullableString, description: 'The evidence the team noted while preparing' },
    stageSince: { type: ['string', 'null'], format: 'date-time' },
    users: { type: 'integer' },
  },
};

const detailSchema = {
  ...entrySchema,
  required: [...entrySchema.required, 'history', 'nextActions'],
  properties: {
    ...entrySchema.properties,
    history: {
      type: 'array',
      items: {
        type: 'object',
        required: ['action', 'stage', 'at', 'decidedBy', 'responsibleOfficer', 'agreementSignedOn', 'evidence'],
        properties: {
          action: { enum: [...stageActions, 'recorded'] },
          stage: { enum: [...organisationStages] },
          at: { type: 'string', format: 'date-time' },
          decidedBy: {
            type: ['object', 'null'],
            properties: { id: { type: 'string' }, name: { type: 'string' } },
          },
          responsibleOfficer: nullableString,
          agreementSignedOn: nullableDate,
          evidence: nullableString,
        },
      },
    },
    nextActions: {
      type: 'array',
      items: { enum: [...stageActions] },
      description: 'The steps the caller may take now',
    },
  },
};

const organisationParams = z.object({
  id: lookupParam(
    "The organisation's id: none, or one of another authority for a team, is 404 organisation-not-found.",
  ),
});

const answer = { type: 'object', required: ['organisation'], properties: { organisation: detailSchema } };

export const organisationRoutes: Route[] = [
  signedRoute({
    method: 'GET',
    path: '/v1/organisations',
    roles: managementRoles,
    query: organisationsQuerySchema,
    doc: {
      tag: 'organisations',
      summary: 'The directory of partner organisations, with their stage of accreditation, by stage and kind',
      description:
        "An LA team sees its own authority's organisations; a data manager and the national administrator all. Ordered by name.",
      response: {
        type: 'object',
        required: ['organisations'],
        properties: { organisations: { type: 'array', items: entrySchema } },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: await listDirectory(ctx, req.actor, req.query) };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/organisations',
    roles: ['la-team', 'national-admin'],
    body: proposeOrganisationSchema,
    doc: {
      tag: 'organisations',
      status: 201,
      summary: 'Propose a partner organisation: it enters the directory as proposed',
      description:
        'A team proposes for its own authority (403 other-authority); the national administrator names localAuthority. A GP practice must carry its ODS code (a letter and five digits), a school its DfE URN (6 digits), a cross-border agency basedIn (the ONS code of its Welsh or neighbouring authority); others may carry an ODS code. 422 names the field; 409 organisation-exists for an ODS code or URN already in the directory.',
      errors: { '403': 'other-authority', '409': 'organisation-exists', '422': 'invalid-organisation' },
      response: answer,
    },
    async handle(req, ctx) {
      return { status: 201, body: { organisation: await proposeOrganisation(ctx, req.actor, req.body) } };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/organisations/:id',
    params: organisationParams,
    roles: managementRoles,
    doc: {
      tag: 'organisations',
      summary: 'One organisation with its stage history and the steps the caller may take next',
      errors: { '404': 'organisation-not-found' },
      response: answer,
    },
    async handle(req, ctx) {
      return { status: 200, body: { organisation: await getOrganisation(ctx, req.actor, req.params.id) } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/organisations/:id/stages',
    params: organisationParams,
    roles: managementRoles,
    body: stageStepSchema,
    doc: {
      tag: 'organisations',
      summary:
        'Take one step of accreditation: start, prepare, accredit, suspend, reinstate, withdraw, stop, propose-again',
      description:
        "The team of the organisation's authority (or the national administrator) starts (naming the responsible officer), prepares (the agreement's date, the evidence) and stops a proposal; " +
        'a data manager or the national administrator accredits, suspends, reinstates and withdraws (403 forbidden-role). ' +
        'Accrediting needs the officer, the agreement and the evidence recorded (409 preparation-incomplete), and someone who neither proposed nor prepared it (403 own-request) ' +
        'nor is bound to whoever did by issuing credentials or powers (403 not-independent). Nobody changes their own organisation (403 own-organisation). ' +
        'A step not allowed from the current stage is 409 wrong-stage; with expectedStage, a stage changed since is 409 stage-changed. Evidence holds no case information (422 case-information). ' +
        "Suspending or withdrawing refuses the organisation's users (403 organisation-not-accredited) from their next request.",
      errors: {
        '403': 'forbidden-role, own-request, not-independent, own-organisation',
        '404': 'organisation-not-found',
        '409': 'wrong-stage, stage-changed, preparation-incomplete',
        '422': 'invalid-organisation, case-information',
      },
      response: answer,
    },
    async handle(req, ctx) {
      return { status: 200, body: { organisation: await takeStep(ctx, req.actor, req.params.id, req.body) } };
    },
  }),
];

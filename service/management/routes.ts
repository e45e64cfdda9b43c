// The archive list and management information over HTTP (docs/service-api.md
// "Archive list", "Management information").
import { z } from 'zod';
import { archivePurposeHeader } from '../../domain/api/records.js';
import { cpNumberSchema } from '../../domain/child-record.js';
import { managementRoles } from '../../domain/roles.js';
import { signedRoute, type Route } from '../http/route.js';
import { given } from '../http/validation.js';
import { ARCHIVE_PAGE_MAX, listArchive } from './archive.js';
import { managementInformation, NHS_MATCH_TARGET, SENSITIVE_SERVICES_LABEL } from './information.js';
import { managementHistory } from './history.js';
import { historyQuerySchema, historyViewSchema } from '../../domain/api/mi-history.js';

const localAuthoritySchema = z.string().trim().min(1).max(64);

export const archiveQuerySchema = z
  .object({
    /** The `next` of the previous page: records after this CP number. */
    after: given(z.string().trim().toUpperCase().pipe(cpNumberSchema)),
    limit: given(z.coerce.number().int('must be a whole number').min(1).max(ARCHIVE_PAGE_MAX)),
    localAuthority: given(localAuthoritySchema),
  })
  .strict();

export const informationQuerySchema = z.object({ localAuthority: given(localAuthoritySchema) }).strict();

const count = { type: 'integer', minimum: 0 };

export const managementRoutes: Route[] = [
  signedRoute({
    method: 'GET',
    path: '/v1/archive',
    roles: ['data-manager'],
    query: archiveQuerySchema,
    doc: {
      tag: 'lifecycle',
      summary:
        'List the archive (data managers): CP number, authority, archive and destruction dates, and the access rule',
      description:
        'In CP number order, at most 500 a page; pass `next` as `after` for the next page (null when there is no more). ' +
        `No personal data: a record is opened with GET /v1/children/{cpNumber}, a reason, and after its first year a ${archivePurposeHeader} header. ` +
        '`access` is data-manager in the first year after archiving and restricted after it (s.47 enquiries, serious case reviews and child-death reviews only). ' +
        'Audited as archive-listed, with the count.',
      response: {
        type: 'object',
        required: ['records', 'next'],
        properties: {
          records: {
            type: 'array',
            items: {
              type: 'object',
              required: ['cpNumber', 'localAuthority', 'archivedAt', 'destroyAfter', 'access'],
              properties: {
                cpNumber: { type: 'string' },
                localAuthority: { type: 'string' },
                archivedAt: { type: 'string', format: 'date' },
                destroyAfter: {
                  type: 'string',
                  format: 'date',
                  description: 'Destroyed on this day by the daily lifecycle run',
                },
                access: { type: 'string', enum: ['data-manager', 'restricted'] },
              },
            },
          },
          next: { type: ['string', 'null'] },
        },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: await listArchive(ctx, req.actor, req.query) };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/management-information',
    roles: managementRoles,
    query: informationQuerySchema,
    doc: {
      tag: 'management',
      summary:
        'Management information: records, shields, NHS number match rate, open involvements by service, work waiting',
      description:
        "An LA team gets its own authority's figures (another authority's is 403 other-authority); a data manager or the national administrator " +
        'any authority\'s, or every authority\'s together (`localAuthority: "all"`) when none is named. Counts only, from one snapshot. ' +
        `Open involvements of sensitive services are counted together as "${SENSITIVE_SERVICES_LABEL}", never by category. ` +
        `The NHS number match rate is active records with an NHS number over active records (the NHS successor's target: ${NHS_MATCH_TARGET}). ` +
        'Audited as management-information-read.',
      errors: { '403': 'other-authority, no-local-authority' },
      response: {
        type: 'object',
        required: [
          'localAuthority',
          'at',
          'children',
          'nhs',
          'involvementsByService',
          'openMatchReviews',
          'openAlerts',
          'openUnshieldRequests',
          'transfers',
        ],
        properties: {
          localAuthority: { type: 'string' },
          at: { type: 'string', format: 'date-time' },
          children: {
            type: 'object',
            properties: { active: count, shielded: count, shieldPending: count, archived: count },
          },
          nhs: {
            type: 'object',
            properties: { withNumber: count, active: count, matchRate: { type: 'number' }, target: { type: 'number' } },
          },
          involvementsByService: {
            type: 'array',
            items: { type: 'object', properties: { service: { type: 'string' }, open: count } },
          },
          openMatchReviews: count,
          openAlerts: count,
          openUnshieldRequests: count,
          transfers: { type: 'object', properties: { incoming: count, outgoing: count } },
        },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: await managementInformation(ctx, req.actor, req.query.localAuthority) };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/management-information/history',
    roles: managementRoles,
    query: historyQuerySchema,
    doc: {
      tag: 'management',
      summary:
        'Usage and data quality over time: searches and record opens by organisation kind, supplier loads, daily snapshots',
      description:
        "The last `weeks` weeks (default 12, at most 52), each named by its Monday (UTC): searches (counted for the searching user's authority) and records opened (for the authority holding the child) by the kind of organisation the user works for; " +
        "supplier loads and their match outcomes (from each load's audit entry); and the service's daily snapshot of the authority (active records, with an NHS number, shielded, open match reviews) " +
        `from the first week's Monday, with the NHS number match rate against its target (${NHS_MATCH_TARGET}). ` +
        'An LA team its own authority (403 other-authority); a data manager or the national administrator any, or all together when none is named. Counts only. ' +
        'Audited as management-information-read.',
      errors: { '403': 'other-authority, no-local-authority' },
      response: z.toJSONSchema(historyViewSchema, { io: 'output', target: 'draft-2020-12' }) as Record<string, unknown>,
    },
    async handle(req, ctx) {
      return { status: 200, body: await managementHistory(ctx, req.actor, req.query) };
    },
  }),
];

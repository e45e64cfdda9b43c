// The record endpoints (national-api.md "Records"): search, read with a reason, the
// child-protection shield override, a practitioner's own involvements, and the alerts
// those overrides raise to the management team.
import { z } from 'zod';
import {
  accessReasonHeader,
  acknowledgeAlertBodySchema,
  alertViewSchema,
  alertsQuerySchema,
  alertsResponseSchema,
  archivePurposeHeader,
  childSearchQuerySchema,
  childSearchResponseSchema,
  closeAlertBodySchema,
  involvementResponseSchema,
  recordInvolvementBodySchema,
  recordViewSchema,
  shieldOverrideBodySchema,
  updateInvolvementBodySchema,
} from '../../domain/api/records.js';
import { managementRoles } from '../../domain/roles.js';
import { today } from '../context.js';
import { idempotencyDoc, idempotencyKeyOf, idempotent } from '../http/idempotency.js';
import { cpNumberParam, lookupParam, pathParam } from '../http/params.js';
import { signedRoute, type Route } from '../http/route.js';
import { acknowledgeAlert, closeAlert, listAlerts } from './alerts.js';
import { recordInvolvement, updateInvolvement } from './involvements.js';
import {
  accessReasonFrom,
  ArchiveRefusal,
  archivePurposeFrom,
  overrideShield,
  readChild,
  viewerRoles,
  type ReadOptions,
} from './read.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { Actor } from '../../domain/roles.js';
import type { ServiceContext } from '../context.js';
import type { Queryable } from '../store/database.js';
import { appendAudit } from '../audit/audit-log.js';
import { searchChildren } from './search.js';
import { subjectAccessReport } from './subject-access.js';
import { SUBJECT_ACCESS_MAX_ENTRIES, subjectAccessReportSchema } from '../../domain/api/subject-access.js';

function responseSchema(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  delete out['$schema'];
  return out;
}

const childParams = z.object({ cpNumber: cpNumberParam });
const involvementIdempotency = idempotencyDoc('involvement');
const involvementParams = z.object({
  cpNumber: cpNumberParam,
  involvementId: pathParam(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, hyphens or underscores')
      .describe("The involvement's id, as recording it returned."),
    {
      code: 'invalid-involvement-id',
      message: 'The involvement id in the path is not valid.',
    },
  ),
});
const alertParams = z.object({ id: lookupParam("The alert's id: one outside your scope, or none, is not found.") });

const reasonHeaderDoc = {
  name: accessReasonHeader,
  required: true,
  description:
    'Why the user is opening the record (1 to 500 printable ASCII characters, 0x20 to 0x7E): audited. Missing or blank: 400 access-reason-required; ' +
    'any other character (UTF-8, a tab): 400 access-reason-invalid.',
};

const archivePurposeHeaderDoc = {
  name: archivePurposeHeader,
  required: false,
  description: 'For an archived record after its first year: s47-enquiry, serious-case-review or child-death-review.',
};

/**
 * A read of one child with its reason (and the archive's purpose, when given), in one
 * transaction. An archive refusal is answered, and the attempt kept: its audit entry is
 * written in a transaction that commits, before the refusal is thrown.
 */
async function readWithReason<T>(
  req: { headers: IncomingHttpHeaders; params: { cpNumber: string }; actor: Actor },
  ctx: ServiceContext,
  refusalDetail: Record<string, string>,
  read: (tx: Queryable, options: ReadOptions) => Promise<T>,
): Promise<T> {
  const { cpNumber } = req.params;
  const reason = accessReasonFrom(req.headers);
  const archivePurpose = archivePurposeFrom(req.headers);
  const at = ctx.clock.now();
  const outcome = await ctx.db.transaction(async (tx) => {
    try {
      return { value: await read(tx, { reason, archivePurpose, at, today: today(ctx.clock) }) };
    } catch (e) {
      if (!(e instanceof ArchiveRefusal)) throw e;
      await appendAudit(tx, {
        at,
        userId: req.actor.userId,
        action: 'archive-read-refused',
        cpNumber,
        reason,
        detail: { code: e.code, ...refusalDetail },
      });
      return { refused: e };
    }
  });
  if ('refused' in outcome) throw outcome.refused;
  return outcome.value;
}

const practitionerRoles = ['practitioner', 'child-protection'] as const;

export const recordRoutes: Route[] = [
  signedRoute({
    method: 'GET',
    path: '/v1/children',
    roles: viewerRoles,
    query: childSearchQuerySchema,
    doc: {
      tag: 'records',
      summary:
        'Search for a child, tolerant of spelling variants, swapped and former names, and a transposed date of birth',
      description:
        'Give a surname, an NHS number, a ContactPoint number, or a date of birth with a postcode (422 otherwise). At most 50 results, best first; ' +
        'truncated is true when more matched. A search that uses the postcode never returns a shielded child the user may not see in full; ' +
        'for a shielded child the postcode and local authority are absent unless the user may see them. Every search is audited (the fields used, not their values).',
      response: responseSchema(childSearchResponseSchema),
    },
    async handle(req, ctx) {
      const outcome = await ctx.db.transaction((tx) => searchChildren(tx, req.actor, req.query, ctx.clock.now()));
      return { status: 200, body: outcome };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/children/:cpNumber',
    params: childParams,
    roles: viewerRoles,
    doc: {
      tag: 'records',
      summary: "Open a child's record, with a reason for access (audited)",
      description:
        'What the user may not see is absent: on a shielded record an ordinary user gets only name, gender, date of birth, ContactPoint number and the names of parents or carers; ' +
        `a sensitive service shows as "Unspecified service". Archived records: only a data manager, and after the archive's first year only with ${archivePurposeHeader} ` +
        '(403 archive-restricted otherwise); anyone else gets 404.',
      headers: [reasonHeaderDoc, archivePurposeHeaderDoc],
      response: responseSchema(recordViewSchema),
    },
    async handle(req, ctx) {
      const view = await readWithReason(req, ctx, {}, (tx, options) =>
        readChild(tx, req.actor, req.params.cpNumber, options),
      );
      return { status: 200, body: view, headers: { 'cache-control': 'no-store' } };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/children/:cpNumber/subject-access',
    params: childParams,
    roles: ['data-manager'],
    doc: {
      tag: 'records',
      summary:
        "A child's subject-access report: what is held, where it came from, and who opened the record (data managers, audited)",
      description:
        "The record as a data manager sees it (in full, as in any read of theirs; record.shielded says whether its hidden details may go out), each item's source, and every audit entry about the child, oldest first " +
        `(at most ${SUBJECT_ACCESS_MAX_ENTRIES}; truncated says when there are more), each with the account's holder and organisation, the reason given and where a read came from. ` +
        `The reason (${accessReasonHeader}) is the request's reference. Itself a read of the record (audited read, or archive-read under the archive's rules) and a subject-access-report entry. ` +
        '403 forbidden-role for anyone but a data manager; 404 unknown child; 403 archive-restricted as for a read.',
      headers: [reasonHeaderDoc, archivePurposeHeaderDoc],
      response: responseSchema(subjectAccessReportSchema),
    },
    async handle(req, ctx) {
      const report = await readWithReason(req, ctx, { report: 'subject-access' }, (tx, options) =>
        subjectAccessReport(tx, req.actor, req.params.cpNumber, options),
      );
      return { status: 200, body: report, headers: { 'cache-control': 'no-store' } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/children/:cpNumber/shield-override',
    params: childParams,
    roles: ['child-protection'],
    body: shieldOverrideBodySchema,
    maxBodyBytes: 4096,
    doc: {
      tag: 'records',
      summary: 'Override a shield (child-protection duties only): starts an immediate investigation',
      description:
        'The client must first show the warning that an override starts an immediate investigation; acknowledgeInvestigation: true records that the user saw it. ' +
        'Returns the record with the shielded data (sensitive services stay hidden) for this response only. Audited and raised to the management team. ' +
        '409 not-shielded on a record that is not shielded.',
      response: responseSchema(recordViewSchema),
    },
    async handle(req, ctx) {
      const { cpNumber } = req.params;
      const view = await ctx.db.transaction((tx) => overrideShield(tx, req.actor, cpNumber, req.body, ctx.clock.now()));
      return { status: 200, body: view, headers: { 'cache-control': 'no-store' } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/children/:cpNumber/involvements',
    params: childParams,
    roles: practitionerRoles,
    body: recordInvolvementBodySchema,
    maxBodyBytes: 4096,
    doc: {
      tag: 'records',
      status: 201,
      summary: 'Record your own involvement with a child',
      description:
        'Your name, organisation and contact details come from your account. No case information is accepted: unknown fields are refused with 422. ' +
        '409 lead-professional-exists when you ask to be lead professional and another active involvement is. ' +
        involvementIdempotency.sentence,
      headers: involvementIdempotency.headers,
      responseHeaders: involvementIdempotency.responseHeaders,
      errors: involvementIdempotency.errors,
      response: responseSchema(involvementResponseSchema),
    },
    async handle(req, ctx) {
      const { cpNumber } = req.params;
      // A retry after a lost answer (a timeout, a failover) with the same key gets the
      // first answer back, instead of a second involvement of the same practitioner.
      const key = idempotencyKeyOf(req.headers);
      return idempotent(
        ctx,
        req.actor,
        { operation: 'involvement', key, request: { cpNumber, involvement: req.body } },
        async () => {
          const outcome = await ctx.db.transaction((tx) =>
            recordInvolvement(tx, req.actor, cpNumber, req.body, {
              at: ctx.clock.now(),
              today: today(ctx.clock),
              randomBytes: (n) => ctx.randomBytes(n),
            }),
          );
          return { status: 201, body: outcome };
        },
      );
    },
  }),
  signedRoute({
    method: 'PATCH',
    path: '/v1/children/:cpNumber/involvements/:involvementId',
    params: involvementParams,
    roles: practitionerRoles,
    body: updateInvolvementBodySchema,
    maxBodyBytes: 4096,
    doc: {
      tag: 'records',
      summary: 'End or update your own involvement (end date, lead professional, CAF completed)',
      description: "403 not-your-involvement for someone else's; 409 lead-professional-exists as when recording.",
      response: responseSchema(involvementResponseSchema),
    },
    async handle(req, ctx) {
      const { cpNumber, involvementId } = req.params;
      const outcome = await ctx.db.transaction((tx) =>
        updateInvolvement(tx, req.actor, cpNumber, involvementId, req.body, {
          at: ctx.clock.now(),
          today: today(ctx.clock),
        }),
      );
      return { status: 200, body: outcome };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/alerts',
    roles: managementRoles,
    query: alertsQuerySchema,
    doc: {
      tag: 'records',
      summary:
        'Alerts raised to the management team (shield overrides): open ones first, then those being investigated, then closed',
      description:
        "status: open (the default), investigating, closed or all. An LA team sees its own authority's alerts; data managers and the national administrator see all. " +
        'At most 500, newest first within each status. Audited (alerts-read, with the count).',
      response: responseSchema(alertsResponseSchema),
    },
    async handle(req, ctx) {
      const alerts = await ctx.db.transaction(async (tx) => {
        const list = await listAlerts(tx, req.actor, req.query.status);
        // A list of CP numbers read by the management team: on the record like any read.
        await appendAudit(tx, {
          at: ctx.clock.now(),
          userId: req.actor.userId,
          action: 'alerts-read',
          detail: { count: list.length, status: req.query.status },
        });
        return list;
      });
      return { status: 200, body: { alerts } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/alerts/:id/acknowledge',
    params: alertParams,
    roles: managementRoles,
    // Takes no fields (who acknowledges is the signed-in user); the desktop sends {}.
    body: acknowledgeAlertBodySchema,
    bodyOptional: true,
    maxBodyBytes: 1024,
    doc: {
      tag: 'records',
      summary: 'Acknowledge an alert: an open one is then being investigated',
      description:
        'Acknowledging again changes nothing, and a closed alert stays closed. An alert outside your scope is not found. Audited (alert-acknowledged).',
      response: responseSchema(alertViewSchema),
    },
    async handle(req, ctx) {
      const alert = await ctx.db.transaction((tx) => acknowledgeAlert(tx, req.actor, req.params.id, ctx.clock.now()));
      return { status: 200, body: alert };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/alerts/:id/close',
    params: alertParams,
    roles: managementRoles,
    body: closeAlertBodySchema,
    maxBodyBytes: 4096,
    doc: {
      tag: 'records',
      summary: 'Close an alert with its outcome',
      description:
        'outcome: justified, advice-given, referred-for-investigation or account-suspended; note (optional, at most 300 characters) stays on the alert and is not copied into the audit trail. ' +
        'Records who closed it and when. 409 alert-closed when it is already closed; an alert outside your scope is not found (404). Audited (alert-closed, with the alert id and outcome).',
      response: responseSchema(alertViewSchema),
    },
    async handle(req, ctx) {
      const alert = await ctx.db.transaction((tx) =>
        closeAlert(tx, req.actor, req.params.id, req.body, ctx.clock.now()),
      );
      return { status: 200, body: alert };
    },
  }),
];

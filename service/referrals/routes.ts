// The referral endpoints (issue 20, item 5): a practitioner reports a problem with a
// record; the child's authority's ContactPoint team lists and closes them. The rules
// are in store.ts.
import { z } from 'zod';
import { accessReasonHeader } from '../../domain/api/records.js';
import {
  closeReferralBodySchema,
  makeReferralBodySchema,
  referralReceiptSchema,
  referralTextMax,
  referralViewSchema,
  referralsPerHour,
  referralsQuerySchema,
  referralsResponseSchema,
} from '../../domain/api/referrals.js';
import { cpNumberParam, lookupParam } from '../http/params.js';
import { signedRoute, type Route } from '../http/route.js';
import { accessReasonFrom, viewerRoles } from '../records/read.js';
import { closeReferral, listReferrals, makeReferral } from './store.js';

function responseSchema(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  delete out['$schema'];
  return out;
}

const childParams = z.object({ cpNumber: cpNumberParam });
const referralParams = z.object({
  reference: lookupParam(
    "The referral's reference (RF- and ten letters and digits): one outside your scope is not found.",
  ),
});
const queueRoles = ['la-team', 'data-manager'] as const;

export const referralRoutes: Route[] = [
  signedRoute({
    method: 'POST',
    path: '/v1/children/:cpNumber/referrals',
    params: childParams,
    roles: viewerRoles,
    body: makeReferralBodySchema,
    maxBodyBytes: 4096,
    doc: {
      tag: 'referrals',
      status: 201,
      summary: "Report a problem with a child's record to the ContactPoint team of the child's authority",
      description:
        'kind: wrong-address, wrong-school, not-known or broker-contact (ask the team to broker contact with an unspecified service); ' +
        `text (optional, at most ${referralTextMax} characters). Takes what reading the record takes: a reason for access (audited) and a record you may open ` +
        '(404 otherwise). Text with words that suggest case information is refused with 422 case-information naming the field. ' +
        `At most ${referralsPerHour} referrals a person an hour (429 too-many-referrals). The answer is a receipt with the reference, and nothing about the child. ` +
        'Audited (referral-made, with the reference and kind; the text stays on the referral).',
      headers: [
        {
          name: accessReasonHeader,
          required: true,
          description: 'Why the user is acting on the record, as for reading it: audited.',
        },
      ],
      errors: { '429': 'Too many referrals from this person in the last hour (too-many-referrals)' },
      response: responseSchema(referralReceiptSchema),
    },
    async handle(req, ctx) {
      const reason = accessReasonFrom(req.headers);
      const receipt = await ctx.db.transaction((tx) =>
        makeReferral(tx, req.actor, req.params.cpNumber, req.body, {
          reason,
          at: ctx.clock.now(),
          randomBytes: (n) => ctx.randomBytes(n),
        }),
      );
      return { status: 201, body: receipt };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/referrals',
    roles: queueRoles,
    query: referralsQuerySchema,
    doc: {
      tag: 'referrals',
      summary: "The team's queue of referrals: open ones first, then closed, newest first",
      description:
        'status: open (the default), closed or all. An LA team sees the referrals routed to its own authority; data managers see all; anyone else is refused (403). ' +
        "At most 500. Each shows who reported it, their organisation and when, with the child's name and date of birth. Audited (referrals-read, with the count).",
      response: responseSchema(referralsResponseSchema),
    },
    async handle(req, ctx) {
      const referrals = await ctx.db.transaction((tx) =>
        listReferrals(tx, req.actor, req.query.status, ctx.clock.now()),
      );
      return { status: 200, body: { referrals }, headers: { 'cache-control': 'no-store' } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/referrals/:reference/close',
    params: referralParams,
    roles: queueRoles,
    body: closeReferralBodySchema,
    maxBodyBytes: 4096,
    doc: {
      tag: 'referrals',
      summary: 'Close a referral with what was done',
      description:
        `outcome (1 to ${referralTextMax} characters, no case information: 422 case-information) stays on the referral and is not copied into the audit trail. ` +
        '409 referral-closed when it already is; a referral outside your scope is not found (404). Audited (referral-closed, with the reference).',
      response: responseSchema(referralViewSchema),
    },
    async handle(req, ctx) {
      const referral = await ctx.db.transaction((tx) =>
        closeReferral(tx, req.actor, req.params.reference, req.body, ctx.clock.now()),
      );
      return { status: 200, body: referral };
    },
  }),
];

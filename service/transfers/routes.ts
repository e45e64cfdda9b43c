// Transfers between authorities over HTTP (docs/service-api.md "Transfers"): the sending
// authority's team asks, the receiving authority's team accepts or rejects.
import { z } from 'zod';
import {
  transferDecisionBodySchema,
  transferRequestBodySchema,
  transferResponseSchema,
  transfersQuerySchema,
  transfersResponseSchema,
} from '../../domain/api/transfers.js';
import { responseSchemaOf } from '../http/openapi.js';
import { lookupParam } from '../http/params.js';
import { signedRoute, type Route } from '../http/route.js';
import { decideTransfer, listTransfers, requestTransfer, type TransferDecision } from './transfers.js';

const transferParams = z.object({
  id: lookupParam("The transfer's id: one not into or out of your authority, or none, is 404 transfer-not-found."),
});

const decisions: Record<TransferDecision, { summary: string; description: string; errors: Record<string, string> }> = {
  accept: {
    summary: 'Accept a transfer (the receiving authority’s team): the child becomes its authority’s',
    description:
      "The child's version bumps; the sending authority's feed gets a tombstone (reason transferred) and the receiving one's an upsert, " +
      'so both working sets follow at their next sync. 403 not-receiving-authority for the sending team (both authorities must agree). ' +
      '409 transfer-decided when decided already; 409 transfer-stale when the child has been merged, archived or moved since (the transfer is then cancelled). ' +
      'Audited as transfer-accepted. The body is {} or empty.',
    errors: {
      '403': 'not-receiving-authority',
      '404': 'transfer-not-found',
      '409': 'transfer-decided, transfer-stale',
    },
  },
  reject: {
    summary: 'Reject a transfer (the receiving authority’s team): the child stays where it is',
    description:
      '403 not-receiving-authority for the sending team; 409 transfer-decided, transfer-stale as for accepting. Audited as transfer-rejected.',
    errors: {
      '403': 'not-receiving-authority',
      '404': 'transfer-not-found',
      '409': 'transfer-decided, transfer-stale',
    },
  },
  cancel: {
    summary: 'Withdraw a transfer (the sending authority’s team)',
    description:
      '403 not-sending-authority for the receiving team (which rejects instead); 409 transfer-decided, transfer-stale. Audited as transfer-cancelled.',
    errors: { '403': 'not-sending-authority', '404': 'transfer-not-found', '409': 'transfer-decided, transfer-stale' },
  },
};

export const transferRoutes: Route[] = [
  signedRoute({
    method: 'POST',
    path: '/v1/transfers',
    roles: ['la-team'],
    body: transferRequestBodySchema,
    maxBodyBytes: 4096,
    doc: {
      tag: 'transfers',
      status: 201,
      summary: "Ask for one of your authority's children to move to another authority, with a reason",
      description:
        "An LA team asks for its own authority's active children only (anyone else's is 404 as if absent). The child stays where it is until the receiving authority's team accepts. " +
        '422 same-authority for your own authority; 422 unknown-authority when the receiving authority has no ContactPoint team on the index; ' +
        '409 transfer-open when a transfer of the child is open already. Audited as transfer-requested, with the reason.',
      errors: {
        '404': 'No such active child of your authority',
        '409': 'transfer-open',
        '422': 'same-authority, unknown-authority',
      },
      response: responseSchemaOf(transferResponseSchema),
    },
    async handle(req, ctx) {
      return { status: 201, body: { transfer: await requestTransfer(ctx, req.actor, req.body) } };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/transfers',
    roles: ['la-team'],
    query: transfersQuerySchema,
    doc: {
      tag: 'transfers',
      summary: 'Transfers into and out of your authority, oldest first (status defaults to open)',
      description:
        'Each says its direction as you see it (incoming or outgoing). At most 500. Audited as transfers-read, with the count.',
      response: responseSchemaOf(transfersResponseSchema),
    },
    async handle(req, ctx) {
      return { status: 200, body: { transfers: await listTransfers(ctx, req.actor, req.query.status) } };
    },
  }),
  ...(Object.keys(decisions) as TransferDecision[]).map((decision) =>
    signedRoute({
      method: 'POST',
      path: `/v1/transfers/:id/${decision}`,
      params: transferParams,
      roles: ['la-team'],
      body: transferDecisionBodySchema,
      bodyOptional: true,
      maxBodyBytes: 1024,
      doc: { tag: 'transfers', ...decisions[decision], response: responseSchemaOf(transferResponseSchema) },
      async handle(req, ctx) {
        return { status: 200, body: { transfer: await decideTransfer(ctx, req.actor, req.params.id, decision) } };
      },
    }),
  ),
];

// Shields over HTTP (docs/service-api.md "Shields"): applied with a reason by the
// management team, removed only when a second person approves a request (four eyes).
import { z } from 'zod';
import {
  applyShieldBodySchema,
  approveUnshieldBodySchema,
  rejectUnshieldBodySchema,
  shieldAppliedSchema,
  unshieldApprovedResponseSchema,
  unshieldRequestBodySchema,
  unshieldRequestResponseSchema,
  unshieldRequestsQuerySchema,
  unshieldRequestsResponseSchema,
} from '../../domain/api/shields.js';
import { responseSchemaOf } from '../http/openapi.js';
import { cpNumberParam, lookupParam } from '../http/params.js';
import { signedRoute, type Route } from '../http/route.js';
import { applyShield, decideUnshieldRequest, listUnshieldRequests, requestUnshield } from './shields.js';

const shieldRoles = ['la-team', 'data-manager'] as const;
const childParams = z.object({ cpNumber: cpNumberParam });
const requestParams = z.object({
  id: lookupParam("The request's id: one that names no request you may decide is 404 request-not-found."),
});

export const shieldRoutes: Route[] = [
  signedRoute({
    method: 'POST',
    path: '/v1/children/:cpNumber/shield',
    params: childParams,
    roles: shieldRoles,
    body: applyShieldBodySchema,
    maxBodyBytes: 4096,
    doc: {
      tag: 'shields',
      summary: 'Shield a child, with a reason (audited)',
      description:
        "An LA team shields its own authority's active children; a data manager any (another authority's child, or an archived one, is 404 as if absent). " +
        "The version bumps and the change goes into the authority's sync feed, so every synced working set has the shield after its next sync. " +
        '409 already-shielded when the record is shielded already. Audited as shield-applied, with the reason.',
      errors: { '404': 'No such active child that you manage', '409': 'already-shielded' },
      response: responseSchemaOf(shieldAppliedSchema),
    },
    async handle(req, ctx) {
      return { status: 200, body: await applyShield(ctx, req.actor, req.params.cpNumber, req.body.reason) };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/children/:cpNumber/unshield-requests',
    params: childParams,
    roles: shieldRoles,
    body: unshieldRequestBodySchema,
    maxBodyBytes: 4096,
    doc: {
      tag: 'shields',
      status: 201,
      summary: 'Ask for a shield to be removed: a second member of the team decides',
      description:
        'A shield comes off only when a different person approves (POST /v1/unshield-requests/{id}/approve). ' +
        '409 not-shielded when the record is not shielded (a pending shield is lifted by resolving its match review, not here); ' +
        '409 unshield-requested when a request is open already. Audited as unshield-requested, with the reason.',
      errors: { '404': 'No such active child that you manage', '409': 'not-shielded, unshield-requested' },
      response: responseSchemaOf(unshieldRequestResponseSchema),
    },
    async handle(req, ctx) {
      return {
        status: 201,
        body: { request: await requestUnshield(ctx, req.actor, req.params.cpNumber, req.body.reason) },
      };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/unshield-requests',
    roles: shieldRoles,
    query: unshieldRequestsQuerySchema,
    doc: {
      tag: 'shields',
      summary: 'Requests to remove a shield, oldest first (status defaults to open)',
      description:
        "An LA team sees its own authority's; a data manager all. At most 500. Audited (unshield-requests-read, with the count).",
      response: responseSchemaOf(unshieldRequestsResponseSchema),
    },
    async handle(req, ctx) {
      return { status: 200, body: { requests: await listUnshieldRequests(ctx, req.actor, req.query.status) } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/unshield-requests/:id/approve',
    params: requestParams,
    roles: shieldRoles,
    body: approveUnshieldBodySchema,
    bodyOptional: true,
    maxBodyBytes: 1024,
    doc: {
      tag: 'shields',
      summary: 'Approve removing a shield (a different person than the one who asked)',
      description:
        "Only a user other than requestedBy (403 own-request), of the same authority's team, or a data manager. The child is unshielded: its version bumps and the feed carries it. " +
        '409 request-decided when decided already; 409 request-stale when the child has been merged, archived, transferred or shielded again since (the request is then cancelled). ' +
        'Audited as unshield-approved and shield-removed. The body is {} or empty.',
      errors: { '403': 'own-request', '404': 'request-not-found', '409': 'request-decided, request-stale' },
      response: responseSchemaOf(unshieldApprovedResponseSchema),
    },
    async handle(req, ctx) {
      return { status: 200, body: await decideUnshieldRequest(ctx, req.actor, req.params.id, { decision: 'approve' }) };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/unshield-requests/:id/reject',
    params: requestParams,
    roles: shieldRoles,
    body: rejectUnshieldBodySchema,
    bodyOptional: true,
    maxBodyBytes: 4096,
    doc: {
      tag: 'shields',
      summary: 'Reject a request to remove a shield: the shield stays',
      description:
        "The same authority's team (the one who asked may withdraw it so) or a data manager. 409 request-decided, 409 request-stale as for approving. " +
        'Audited as unshield-rejected, with the reason when given.',
      errors: { '404': 'request-not-found', '409': 'request-decided, request-stale' },
      response: responseSchemaOf(unshieldRequestResponseSchema),
    },
    async handle(req, ctx) {
      const outcome = await decideUnshieldRequest(ctx, req.actor, req.params.id, {
        decision: 'reject',
        reason: req.body.reason,
      });
      return { status: 200, body: { request: outcome.request } };
    },
  }),
];

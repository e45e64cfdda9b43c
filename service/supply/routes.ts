// The supply endpoints: supply intake from suppliers and local adapters, and the match
// reviews a person settles.
import { z } from 'zod';
import {
  INVOLVEMENT_SUPPLIERS,
  matchReviewQuerySchema,
  openBandReviewBodySchema,
  resolveMatchReviewBodySchema,
  supplyBodySchema,
  SUPPLY_MAX_RECORDS,
} from '../../domain/api/supply.js';
import { idempotencyDoc, idempotencyKeyOf, idempotent } from '../http/idempotency.js';
import { pathParam } from '../http/params.js';
import { signedRoute, type Route } from '../http/route.js';
import { receiveSupply } from './intake.js';
import { listMatchReviews, matchReviewAgreement, openBandReview, resolveMatchReview } from './reviews.js';

const supplyIdempotency = idempotencyDoc('supply');

const problemsSchema = {
  type: 'array',
  items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
};

const reviewSchema = {
  type: 'object',
  required: ['id', 'cpNumber', 'candidateCpNumber', 'localAuthority', 'status', 'shieldPending', 'createdAt'],
  properties: {
    id: { type: 'integer' },
    cpNumber: {
      type: 'string',
      description: "The child created from the supply (a team's doubtful pair: the one to be merged away).",
    },
    candidateCpNumber: { type: 'string', description: 'The held child it may duplicate (the one that would remain).' },
    localAuthority: { type: ['string', 'null'] },
    score: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description:
        "The matcher's likelihood. Absent to a team on an open review from a team's doubtful pair: the second person decides on the records alone.",
    },
    origin: {
      enum: ['supply', 'review-band'],
      description:
        "To a data manager only: supply (opened by supply intake) or review-band (a team member's decision on a doubtful pair, for a second look).",
    },
    status: { enum: ['open', 'same-child', 'different-children'] },
    shieldPending: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    resolvedAt: { type: 'string', format: 'date-time' },
    resolvedBy: { type: 'string' },
    secondLook: {
      enum: ['needed', 'data-manager'],
      description:
        'Open reviews only, when one person has decided and a second must: "different children" on a review against a shielded or shield-pending child, or "same child" on a team\'s doubtful pair (POST /v1/match-reviews). needed (a second person independent of the first must decide) or data-manager (a second person disagreed: only a data manager may settle it). Says nothing of the first decision or who made it.',
    },
    decisions: {
      type: 'array',
      description: 'To a data manager only: the decisions made so far on an open review, oldest first.',
      items: {
        type: 'object',
        required: ['decision', 'by', 'at'],
        properties: {
          decision: { enum: ['same-child', 'different-children'] },
          by: { type: 'string' },
          at: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
};

const reviewParams = z.object({
  id: pathParam(
    z
      .string()
      .regex(/^[1-9]\d{0,14}$/, 'must be a positive whole number')
      .transform(Number)
      .describe("The review's id, a positive whole number."),
    { code: 'invalid-review-id', message: 'The review id in the path must be a positive whole number.' },
  ),
});

const agreementSchema = {
  type: 'object',
  required: ['agreed', 'disagreed', 'awaiting', 'rate'],
  properties: {
    agreed: { type: 'integer', description: 'Second looks that decided as the first person had, settled.' },
    disagreed: {
      type: 'integer',
      description: 'Second looks that decided otherwise: disputed, or settled otherwise by a data manager.',
    },
    awaiting: { type: 'integer', description: 'First decisions still waiting for a second person (not in the rate).' },
    rate: { type: ['number', 'null'], description: 'agreed / (agreed + disagreed); null before the first.' },
  },
};

export const supplyRoutes: Route[] = [
  signedRoute({
    method: 'POST',
    path: '/v1/supplies',
    roles: ['supplier-system', 'la-team'],
    body: supplyBodySchema,
    maxBodyBytes: 4 * 1024 * 1024,
    doc: {
      tag: 'supply',
      summary: 'Supply records about children: each is matched to a held child or creates one',
      description:
        `At most ${SUPPLY_MAX_RECORDS} records. A supplier's system supplies as its organisation's supplier and is matched nationally; a local authority team supplies its own authority's local data as "local-authority" ` +
        "(403 other-authority for another authority) and is matched only to its own authority's children. A record naming another supplier is forbidden, alone; " +
        'one dated (receivedAt) after today, or with a date of birth after today or more than 26 years ago, is invalid, alone. Each record is resolved in its own transaction: ' +
        'a supplier reference seen before, else an NHS number, else a scored match on name, date of birth and postcode. ' +
        "matched: the held child is updated (newer values win per field; every supplier's statement is kept for cleansing); created: a new child; " +
        "parents, education and gp are supplied fields like the address (any supplier; the newest statement by receivedAt wins, every supplier's latest kept). " +
        `involvement (only from ${INVOLVEMENT_SUPPLIERS.join(' and ')}: another supplier's record is invalid, naming involvement) is the supplier's own service's involvement: ` +
        'the same supplier and service (case and spacing aside) updates the one it supplied before (practitioner, dates, flags), unless the statement is older than the one that set it; another service adds one. ' +
        'It is never sensitive: sensitive and sensitiveCategory are unknown fields here (422), and a service named as sexual health, mental health or substance misuse is invalid (involvement.service); ' +
        'a practitioner records a sensitive involvement, with its basis, at POST /v1/children/{cpNumber}/involvements. A start date after today, an end date before the start, a second lead professional or a 101st involvement is invalid, alone. ' +
        'possible-duplicate: a new child and a match review for a person. A possible duplicate of a shielded child is treated as shielded until the review is resolved. ' +
        'Each record is audited in its own transaction (record-created or record-changed, with its ContactPoint number), and the supply as a whole (supply-received, with counts). ' +
        supplyIdempotency.sentence,
      headers: supplyIdempotency.headers,
      responseHeaders: supplyIdempotency.responseHeaders,
      errors: supplyIdempotency.errors,
      response: {
        type: 'object',
        required: ['results'],
        properties: {
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['supplierRef', 'status'],
              properties: {
                supplierRef: { type: 'string' },
                status: { enum: ['matched', 'created', 'possible-duplicate', 'invalid', 'forbidden'] },
                cpNumber: { type: 'string' },
                problems: problemsSchema,
              },
            },
          },
        },
      },
    },
    async handle(req, ctx) {
      const key = idempotencyKeyOf(req.headers);
      return idempotent(ctx, req.actor, { operation: 'supply', key, request: req.body }, async () => ({
        status: 200,
        body: await receiveSupply(ctx, req.actor, req.body),
      }));
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/match-reviews',
    roles: ['la-team', 'data-manager'],
    query: matchReviewQuerySchema,
    doc: {
      tag: 'supply',
      summary: 'Match reviews awaiting (or settled by) a person',
      description:
        "A local authority team sees reviews of its own authority's new children; a data manager sees all. status defaults to open; at most 500, oldest first. " +
        'Blind second review: a team sees only secondLook (a second person must decide, or a data manager), never the first decision or who made it; a data manager also sees decisions.',
      response: {
        type: 'object',
        required: ['reviews'],
        properties: { reviews: { type: 'array', items: reviewSchema } },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: await listMatchReviews(ctx, req.actor, req.query.status) };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/match-reviews',
    roles: ['la-team'],
    body: openBandReviewBodySchema,
    maxBodyBytes: 1024,
    doc: {
      tag: 'supply',
      status: 201,
      summary: 'Ask for a second look: a doubtful pair decided to be one child',
      description:
        "A team member decided that two of their authority's children, a pair the desktop's matcher put in the review band below its automatic threshold, are one child (decision same-child; cpNumber to be merged into candidateCpNumber). " +
        'Nothing is merged: a review opens with the decision recorded (status awaiting-second-person; an open review of the pair nobody has decided yet becomes it). ' +
        'A second team member independent of the first (not the same account, and neither issued credentials or powers to the other) decides it at POST /v1/match-reviews/{id}/resolve, seeing neither the first decision nor the score: ' +
        'same-child settles it (the merge), different-children is a disagreement that only a data manager independent of both may settle. ' +
        'While it is open, the pair cannot be merged or marked "not a duplicate" through POST /v1/sync/submissions (forbidden). A shield on either child is held over the other until it is decided. ' +
        "403 other-authority unless both are the team's authority's children; 404 when one is not an active child; 403 own-request when the asker already decided the pair; 409 review-open when another person's decision on it is waiting. " +
        'Audited (match-resolved, step first-of-two, origin review-band).',
      errors: {
        '403': 'other-authority; own-request: you already decided this pair',
        '404': 'one of the two is not an active child',
        '409': "review-open: another person's decision on this pair waits for a second person",
        '422': 'invalid-pair: the two numbers are the same',
      },
      response: {
        type: 'object',
        required: ['id', 'status', 'cpNumber', 'candidateCpNumber'],
        properties: {
          id: { type: 'integer' },
          status: { enum: ['awaiting-second-person'] },
          cpNumber: { type: 'string' },
          candidateCpNumber: { type: 'string' },
        },
      },
    },
    async handle(req, ctx) {
      return { status: 201, body: await openBandReview(ctx, req.actor, req.body) };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/match-reviews/agreement',
    roles: ['la-team', 'data-manager'],
    doc: {
      tag: 'supply',
      summary: 'How often second looks agreed',
      description:
        "Of the reviews one person decided and a second person decided after (a team's doubtful pairs, and different-children against a shielded child), how many agreed and how many did not (disputed, or settled otherwise by a data manager), from the service's own rows. " +
        "A team sees its own authority's; a data manager every authority's.",
      response: agreementSchema,
    },
    async handle(req, ctx) {
      return { status: 200, body: await matchReviewAgreement(ctx, req.actor) };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/match-reviews/:id/resolve',
    params: reviewParams,
    roles: ['la-team', 'data-manager'],
    body: resolveMatchReviewBodySchema,
    maxBodyBytes: 1024,
    doc: {
      tag: 'supply',
      summary: 'Settle a match review: the same child, or different children',
      description:
        'same-child: the new record is merged into the held one (its supplier links, involvements and provenance move) and removed, with a "merged" tombstone in its authority\'s feed. ' +
        'different-children: the new child stops being shield-pending once no open review of it is against a shielded child. ' +
        'Where either child is shielded or shield-pending, different-children takes two independent people (not the same account, and neither issued credentials or powers to the other): ' +
        'the first decision is recorded and answered with status awaiting-second-person (the review stays open, and the pending shield with it); ' +
        'a second person who also decides different-children settles it; one who decides same-child disagrees: status disputed, and only a data manager may settle it then (409 review-disputed for a team), ' +
        'independent of both. A data manager who is the second person and decides same-child merges. 403 own-request when the person deciding already decided this review, 403 not-independent when they are bound to one who did. ' +
        "404 unknown review; 409 review-resolved when already settled, review-stale when a child has gone; 403 other-authority for another authority's review, " +
        "or for a local authority team merging into another authority's child (a data manager may). Audited (match-resolved, under the child that remains; each step of a two-person decision too, with its step).",
      response: {
        type: 'object',
        required: ['id', 'status', 'cpNumber', 'version', 'shieldPending'],
        properties: {
          id: { type: 'integer' },
          status: { enum: ['same-child', 'different-children', 'awaiting-second-person', 'disputed'] },
          cpNumber: { type: 'string', description: 'The child that remains.' },
          version: { type: 'integer' },
          shieldPending: { type: 'boolean' },
        },
      },
    },
    async handle(req, ctx) {
      // status says whether it is settled, or recorded for a second person (or a data manager).
      return { status: 200, body: await resolveMatchReview(ctx, req.actor, req.params.id, req.body.decision) };
    },
  }),
];

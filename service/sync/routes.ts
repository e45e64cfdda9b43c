// The sync endpoints: a local authority team's feed of its children, and the
// submissions that send its cleansing and shields back.
import { z } from 'zod';
import { feedQuerySchema, submissionBodySchema, SUBMISSION_MAX_ITEMS } from '../../domain/api/sync.js';
import { lookupParam } from '../http/params.js';
import { JsonText, signedRoute, type Route, type RouteResponse } from '../http/route.js';
import { readFeedPage, readFeedPageLinesBytes, readFeedPageText, readFeedStatus } from './feed.js';
import { submitItems } from './submissions.js';

const feedEntrySchema = {
  type: 'object',
  required: ['seq', 'cpNumber', 'kind', 'version'],
  properties: {
    seq: { type: 'integer' },
    cpNumber: { type: 'string' },
    kind: { enum: ['upsert', 'tombstone'] },
    reason: { type: 'string', description: "Tombstones: 'archived', 'destroyed', 'transferred' or 'merged'." },
    version: { type: 'integer' },
    record: {
      type: 'object',
      description: 'Upserts: the full record as the team manages it, without supplier references.',
    },
    shielded: { type: 'boolean', description: 'Shielded, by its own record or pending a match review.' },
    shieldPending: { type: 'boolean', description: 'A possible duplicate of a shielded child, awaiting a person.' },
    superseded: {
      const: true,
      description:
        'The child has changed, left the authority, been archived or destroyed since: a later entry of this feed says so.',
    },
  },
};

const submissionResultSchema = {
  type: 'object',
  required: ['idempotencyKey', 'status'],
  properties: {
    idempotencyKey: { type: 'string' },
    status: { enum: ['applied', 'conflict', 'invalid', 'forbidden', 'not-found', 'key-reused'] },
    version: { type: 'integer', description: 'applied: the new version.' },
    markedFrom: {
      type: 'integer',
      description:
        "applied, possible-duplicate or not-duplicate: the version before this item's own shield-pending change (the record's content is unchanged). Absent when the item changed nothing.",
    },
    currentVersion: { type: 'integer', description: 'conflict: the version the record is at now.' },
    message: { type: 'string' },
    problems: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
    replayed: { const: true, description: 'The stored answer to an earlier submission of the same key and item.' },
  },
};

const feedParams = z.object({
  localAuthority: lookupParam(
    "The authority's ONS code, e.g. E08000015: another authority than a team's own is 403 other-authority.",
  ),
});

export const syncRoutes: Route[] = [
  signedRoute({
    method: 'GET',
    path: '/v1/sync/:localAuthority/changes',
    params: feedParams,
    roles: ['la-team', 'national-admin'],
    query: feedQuerySchema,
    doc: {
      tag: 'sync',
      summary: "One page of a local authority's change feed",
      description:
        'Entries in sequence order after the cursor `after` (absent: from the beginning), at most `limit` (1 to 1000, default 500). ' +
        'Pass the returned cursor as `after` for the next page: every entry is delivered exactly once. ' +
        'provenance=include (the default) adds per-field provenance to each upsert; omit leaves it out. ' +
        'format=lines answers in JSON Lines (with provenance only when provenance=include is given) (application/x-ndjson) for bulk sync: a first line {cursor, more, count, ahead, lastSeq} (lastSeq: the latest sequence number of the feed; ahead: the cursors of the pages after the next, for several pages in flight), then one entry per line; ' +
        'a current upsert carries `index` {family, given, dob, postcode, nhsNumber, formerFamilies} (names as search keys: lower-case letters only) and its `record` last. ' +
        'The local authority team of that authority, or a national administrator (403 other-authority otherwise). ' +
        'A cursor from another authority, or one this feed never gave out, is 400 invalid-cursor. Audited (sync-read, with the count).',
      response: {
        type: 'object',
        required: ['changes', 'cursor', 'more'],
        properties: {
          changes: { type: 'array', items: feedEntrySchema },
          cursor: { type: 'string', description: 'Opaque: the `after` of the next page.' },
          more: { type: 'boolean', description: 'More entries are waiting now.' },
        },
      },
    },
    async handle(req, ctx): Promise<RouteResponse> {
      const options = { after: req.query.after, limit: req.query.limit };
      const la = req.params.localAuthority;
      if (req.query.format === 'lines') {
        return {
          status: 200,
          body: new JsonText(
            await readFeedPageLinesBytes(ctx, req.actor, la, {
              ...options,
              provenance: req.query.provenance === 'include',
            }),
          ),
          headers: { 'cache-control': 'no-store', 'content-type': 'application/x-ndjson; charset=utf-8' },
        };
      }
      const body =
        req.query.provenance === 'omit'
          ? new JsonText(await readFeedPageText(ctx, req.actor, la, options))
          : await readFeedPage(ctx, req.actor, la, { ...options, provenance: true });
      return { status: 200, body, headers: { 'cache-control': 'no-store' } };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/sync/:localAuthority/status',
    params: feedParams,
    roles: ['la-team', 'national-admin'],
    doc: {
      tag: 'sync',
      summary: "How far a local authority's feed has got",
      description:
        'lastSeq is the sequence number of the latest entry; children the number of active children of the authority.',
      response: {
        type: 'object',
        required: ['lastSeq', 'children'],
        properties: { lastSeq: { type: 'integer' }, children: { type: 'integer' } },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: await readFeedStatus(ctx, req.actor, req.params.localAuthority) };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/submissions',
    roles: ['la-team', 'data-manager'],
    body: submissionBodySchema,
    maxBodyBytes: 2 * 1024 * 1024,
    doc: {
      tag: 'sync',
      summary: "Submit changes to records (updates, shields) from a local authority team's working set",
      description:
        `At most ${SUBMISSION_MAX_ITEMS} items, each applied in its own transaction and only if the record is still at baseVersion (else conflict, nothing overwritten). ` +
        'An update gives a subset of name, gender, dob, dateOfDeath, whereabouts, intendsToReturn, address, parents, education, gp, archiveAge, identifiers.nhsNumber, identifiers.upn; ' +
        'null removes an optional field. The record that results must be valid (else invalid, with the problems). ' +
        "A local authority team may change only its own authority's children (forbidden). " +
        "working-set-access (viewedAt, viewedBy, reason, view, context) changes nothing: it records a record opened in the team's working set as a read in the child's audit trail, at viewedAt and as viewedBy (the sender or a member of their team). " +
        'idempotencyKey: resubmitting the same key with the same item returns the first result with replayed: true and applies nothing; the same key with a different item is key-reused. ' +
        'Unknown fields anywhere: 422 naming the field.',
      response: {
        type: 'object',
        required: ['results'],
        properties: { results: { type: 'array', items: submissionResultSchema } },
      },
    },
    async handle(req, ctx) {
      return { status: 200, body: { results: await submitItems(ctx, req.actor, req.body.items) } };
    },
  }),
];

// Audit review: the management team reads the trail (every read of it is itself
// audited) and checks that the trail has not been tampered with.
import { z } from 'zod';
import { cpNumberSchema, isoDateSchema } from '../../domain/child-record.js';
import { hasRole, managementRoles, type Actor } from '../../domain/roles.js';
import { ApiError, forbidden, notFound } from '../http/api-error.js';
import { signedRoute, type Route } from '../http/route.js';
import { given } from '../http/validation.js';
import type { SqlValue } from '../store/database.js';
import { appendAudit, entryOfRow, type AuditRow } from './audit-log.js';
import { auditSignals, signalKinds } from './signals.js';
import { auditChainProblems } from './chain.js';
import type { AuditCheckpoint } from './checkpoints.js';
import { verifyAuditChain } from './verify.js';

// A day (YYYY-MM-DD, the whole day in UTC) or an instant (ISO 8601 with an offset).
const bound = (endOfDay: boolean) =>
  z
    .union([isoDateSchema, z.iso.datetime({ offset: true })], {
      error: 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time',
    })
    .transform((s) => new Date(s.length === 10 ? `${s}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z` : s))
    // An offset can push a valid-looking instant past what the store can hold.
    .refine((d) => d >= earliest && d <= latest, { message: 'must fall between 1900 and 2199' });

const earliest = new Date('1900-01-01T00:00:00.000Z');
const latest = new Date('2199-12-31T23:59:59.999Z');

export const auditQuerySchema = z
  .object({
    cpNumber: given(z.string().trim().toUpperCase().pipe(cpNumberSchema)),
    userId: given(z.string().trim().min(1).max(64)),
    /** Exact match on the entry's action (sign-in, search, read, shield-override, ...). */
    action: given(z.string().trim().min(1).max(64)),
    from: given(bound(false)),
    to: given(bound(true)),
    limit: given(z.coerce.number().int('must be a whole number').min(1).max(1000)),
    /** The `next` cursor of the previous page: entries after this seq. */
    after: given(z.coerce.number().int('must be a whole number').min(0)),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'is before from' });
  });
export type AuditQuery = z.output<typeof auditQuerySchema>;

const defaultLimit = 100;

export const signalsQuerySchema = z
  .object({ from: given(isoDateSchema), to: given(isoDateSchema) })
  .strict()
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'is before from' });
  });

const dayMs = 86_400_000;
/** The window signals look at when none is given, and the longest one may ask for. */
export const defaultSignalDays = 30;
export const maxSignalDays = 366;

interface EntryRow {
  seq: number;
  at: Date;
  user_id: string | null;
  action: string;
  cp_number: string | null;
  reason: string | null;
}

/** Data managers and the national administrator see every entry; an LA team sees entries about its own children. */
function scopeOf(actor: Actor): { authority: string | null } {
  if (hasRole(actor, 'data-manager', 'national-admin')) return { authority: null };
  if (actor.localAuthority === null)
    throw forbidden(
      'no-local-authority',
      'Your account belongs to no local authority, so there are no audit entries you may see.',
    );
  return { authority: actor.localAuthority };
}

const entrySchema = {
  type: 'object',
  required: ['seq', 'at', 'userId', 'action', 'cpNumber', 'reason'],
  properties: {
    seq: { type: 'integer' },
    at: { type: 'string', format: 'date-time' },
    userId: { type: ['string', 'null'] },
    action: { type: 'string' },
    cpNumber: { type: ['string', 'null'] },
    reason: { type: ['string', 'null'] },
  },
};

export const exportQuerySchema = z
  .object({
    /** The first seq wanted (default 1). */
    from: given(z.coerce.number().int('must be a whole number').min(1)),
    /** The last seq wanted (default: the head when asked). */
    to: given(z.coerce.number().int('must be a whole number').min(1)),
    limit: given(z.coerce.number().int('must be a whole number').min(1).max(5000)),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && q.from > q.to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'is before from' });
  });

const checkpointSchema = {
  type: 'object',
  required: ['format', 'size', 'head', 'keyedFrom', 'sealKeyId', 'signingKeyId', 'at', 'reason', 'signature'],
  properties: {
    format: { type: 'string', enum: ['contactpoint-audit-checkpoint/1'] },
    size: { type: 'integer', description: "The chain's length: the seq of its last entry" },
    head: { type: 'string', description: 'The hash of entry `size`' },
    keyedFrom: { type: 'integer', description: 'The first entry that carries a seal' },
    sealKeyId: { type: 'string' },
    signingKeyId: { type: 'string', description: 'SHA-256 of the signing public key (SPKI DER), hex' },
    at: { type: 'string', format: 'date-time' },
    reason: { type: 'string', enum: ['start', 'hourly', 'on-demand', 'shutdown'] },
    signature: { type: 'string', description: 'Ed25519 over the canonical JSON of the other fields, base64' },
  },
};

const checkpointAnswer = {
  type: 'object',
  required: ['checkpoint', 'publicKey'],
  properties: {
    checkpoint: checkpointSchema,
    publicKey: { type: 'string', description: 'The signing public key, SPKI PEM' },
  },
};

const noCheckpoints = () => notFound('This service publishes no audit checkpoints.');

export const auditRoutes: Route[] = [
  signedRoute({
    method: 'GET',
    path: '/v1/audit',
    roles: managementRoles,
    query: auditQuerySchema,
    doc: {
      tag: 'audit',
      summary: 'Review the audit trail, oldest first, filtered by child, user, action and time',
      description:
        'An LA team sees the entries about children of its own authority; data managers and the national administrator see all. ' +
        'Pages: pass the `next` of one page as `after` to get the next (null when there is no more). Every read is itself audited.',
      response: {
        type: 'object',
        required: ['entries', 'next'],
        properties: { entries: { type: 'array', items: entrySchema }, next: { type: ['integer', 'null'] } },
      },
    },
    async handle(req, ctx) {
      const q = req.query;
      const scope = scopeOf(req.actor);
      const limit = q.limit ?? defaultLimit;
      const params: SqlValue[] = [];
      const where: string[] = [];
      const add = (condition: (param: string) => string, value: SqlValue) => {
        params.push(value);
        where.push(condition(`$${params.length}`));
      };
      // In time order, then seq: entries of different partitions (audit-log.ts) interleave
      // as they happened. The cursor is the last entry's seq; its time is looked up.
      if (q.after !== undefined)
        add(
          (p) =>
            `(a.at, a.seq) > (SELECT coalesce(max(b.at), '-infinity'), coalesce(max(b.seq), ${p}) FROM audit_log b WHERE b.seq = ${p})`,
          q.after,
        );
      if (q.cpNumber !== undefined) add((p) => `a.cp_number = ${p}`, q.cpNumber);
      if (q.userId !== undefined) add((p) => `a.user_id = ${p}`, q.userId);
      if (q.action !== undefined) add((p) => `a.action = ${p}`, q.action);
      if (q.from !== undefined) add((p) => `a.at >= ${p}`, q.from);
      if (q.to !== undefined) add((p) => `a.at <= ${p}`, q.to);
      if (scope.authority !== null) {
        add(
          (p) => `EXISTS (SELECT 1 FROM children c WHERE c.cp_number = a.cp_number AND c.local_authority = ${p})`,
          scope.authority,
        );
      }
      params.push(limit + 1);
      const sql = `SELECT a.seq, a.at, a.user_id, a.action, a.cp_number, a.reason FROM audit_log a
                    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.at, a.seq LIMIT $${params.length}`;

      const rows = await ctx.db.transaction(async (tx) => {
        const found = await tx.query<EntryRow>(sql, params);
        const filters = (['cpNumber', 'userId', 'action', 'from', 'to', 'after'] as const).filter(
          (k) => q[k] !== undefined,
        );
        await appendAudit(tx, {
          at: ctx.clock.now(),
          userId: req.actor.userId,
          action: 'audit-read',
          cpNumber: q.cpNumber ?? null,
          detail: { entries: Math.min(found.length, limit), filters },
        });
        return found;
      });
      const page = rows.slice(0, limit);
      return {
        status: 200,
        body: {
          entries: page.map((r) => ({
            seq: r.seq,
            at: r.at.toISOString(),
            userId: r.user_id,
            action: r.action,
            cpNumber: r.cp_number,
            reason: r.reason,
          })),
          next: rows.length > limit ? (page.at(-1)?.seq ?? null) : null,
        },
      };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/audit/verify',
    roles: managementRoles,
    doc: {
      tag: 'audit',
      summary: 'Check the audit trail has not been tampered with',
      description:
        "Recomputes every entry's hash and follows every link. On a large trail this takes a while; `npm run audit:verify` does the same offline. " +
        'When the chain is broken, firstBroken names the first entry at fault and the problem: hash-mismatch (the entry was changed), ' +
        "broken-link (an entry was replaced or moved), missing-entry (an entry was removed), head-mismatch (the chain's recorded end disagrees with the log), " +
        'seal-missing or seal-mismatch (the entry, or the chain before it, was rewritten without the audit key) or checkpoint-mismatch (the chain no longer passes through the latest signed checkpoint).',
      response: {
        type: 'object',
        required: ['ok', 'intact', 'entries'],
        properties: {
          ok: { type: 'boolean' },
          intact: { type: 'boolean', description: 'The same as ok' },
          entries: { type: 'integer', description: 'Entries checked and found intact' },
          lastHash: {
            type: 'string',
            description: 'When ok: the hash of the last entry, to note down and compare later',
          },
          firstBroken: {
            type: 'object',
            required: ['seq', 'problem', 'message'],
            properties: {
              seq: { type: 'integer' },
              problem: { type: 'string', enum: [...auditChainProblems] },
              message: { type: 'string' },
            },
          },
        },
      },
    },
    async handle(req, ctx) {
      // Through the latest checkpoint too: a chain cut short or rewritten since is caught.
      const latest = ctx.audit?.checkpoints.latest();
      const verdict = await verifyAuditChain(ctx.db, latest ? { checkpoint: latest } : {});
      await ctx.db.transaction((tx) =>
        appendAudit(tx, {
          at: ctx.clock.now(),
          userId: req.actor.userId,
          action: 'audit-read',
          detail: { verify: verdict.ok },
        }),
      );
      return { status: 200, body: { ...verdict, intact: verdict.ok } };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/audit/signals',
    roles: managementRoles,
    query: signalsQuerySchema,
    doc: {
      tag: 'audit',
      summary: 'Patterns in the trail that may be misuse, for a person to judge',
      description:
        'from and to are days (YYYY-MM-DD, UTC, both included); the default is the last 30 days, and a window may be at most 366 days. ' +
        "Kinds: own-surname-search (searches for the searcher's own surname, one signal per user), many-searches-few-reads (20 or more searches by a user in one UTC day " +
        'with no record opened that day), out-of-hours (10 or more searches and reads by a user in one clock hour between 20:00 and 07:00 UTC). ' +
        'from/to of a signal are the first and last entry counted. An LA team sees signals about users of its own authority; data managers and the national administrator see all. ' +
        'At most 500. Audited (audit-signals-read).',
      response: {
        type: 'object',
        required: ['signals'],
        properties: {
          signals: {
            type: 'array',
            items: {
              type: 'object',
              required: ['kind', 'userId', 'count', 'from', 'to', 'description'],
              properties: {
                kind: { type: 'string', enum: [...signalKinds] },
                userId: { type: 'string' },
                count: { type: 'integer' },
                from: { type: 'string', format: 'date-time' },
                to: { type: 'string', format: 'date-time' },
                description: { type: 'string' },
              },
            },
          },
        },
      },
    },
    async handle(req, ctx) {
      const scope = scopeOf(req.actor);
      const now = ctx.clock.now();
      const to = req.query.to !== undefined ? new Date(`${req.query.to}T23:59:59.999Z`) : now;
      const from =
        req.query.from !== undefined
          ? new Date(`${req.query.from}T00:00:00.000Z`)
          : new Date(to.getTime() - defaultSignalDays * dayMs);
      if (to.getTime() - from.getTime() > maxSignalDays * dayMs) {
        throw new ApiError(
          422,
          'invalid-query',
          `The query is not valid: "from" must be at most ${maxSignalDays} days before "to".`,
        );
      }
      if (from > to)
        throw new ApiError(
          422,
          'invalid-query',
          'The query is not valid: "from" is after "to" (which defaults to now).',
        );
      const signals = await ctx.db.transaction(async (tx) => {
        const found = await auditSignals(tx, { from, to, localAuthority: scope.authority });
        await appendAudit(tx, {
          at: now,
          userId: req.actor.userId,
          action: 'audit-signals-read',
          detail: { signals: found.length, from: from.toISOString(), to: to.toISOString() },
        });
        return found;
      });
      return { status: 200, body: { signals } };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/audit/checkpoints/latest',
    roles: managementRoles,
    doc: {
      tag: 'audit',
      summary: "The latest signed checkpoint of the audit chain's head, and the public key that signs checkpoints",
      description:
        'Checkpoints are published when the service starts, at least hourly, on demand and when it stops, one JSON file each in a directory outside the database. ' +
        'Check a downloaded range against one offline with `npm run audit:verify -- --range FILE --checkpoint FILE --public-key FILE`. 404 when the service publishes none. Audited (audit-read).',
      response: checkpointAnswer,
    },
    async handle(req, ctx) {
      const publisher = ctx.audit?.checkpoints;
      const checkpoint = publisher?.latest();
      if (!publisher || !checkpoint) throw noCheckpoints();
      await ctx.db.transaction((tx) =>
        appendAudit(tx, {
          at: ctx.clock.now(),
          userId: req.actor.userId,
          action: 'audit-read',
          detail: { checkpoint: checkpoint.size },
        }),
      );
      return { status: 200, body: { checkpoint, publicKey: publisher.signingKey.publicKeyPem } };
    },
  }),
  signedRoute({
    method: 'POST',
    path: '/v1/audit/checkpoints',
    roles: ['data-manager', 'national-admin'],
    // Takes no fields; the desktop sends {}.
    body: z.object({}).strict(),
    bodyOptional: true,
    maxBodyBytes: 1024,
    doc: {
      tag: 'audit',
      summary: "Publish a checkpoint of the audit chain's head now",
      description:
        'For a data manager about to download a range to check, or before a planned change. Audited (audit-read) before the head is signed, so the checkpoint covers its own request.',
      response: checkpointAnswer,
      status: 201,
    },
    async handle(req, ctx) {
      const publisher = ctx.audit?.checkpoints;
      if (!publisher) throw noCheckpoints();
      await ctx.db.transaction((tx) =>
        appendAudit(tx, {
          at: ctx.clock.now(),
          userId: req.actor.userId,
          action: 'audit-read',
          detail: { checkpointRequested: true },
        }),
      );
      const checkpoint: AuditCheckpoint = await publisher.publish('on-demand');
      return { status: 201, body: { checkpoint, publicKey: publisher.signingKey.publicKeyPem } };
    },
  }),
  signedRoute({
    method: 'GET',
    path: '/v1/audit/export',
    roles: ['data-manager', 'national-admin'],
    query: exportQuerySchema,
    doc: {
      tag: 'audit',
      summary: 'A range of the audit chain, every field of every entry, to check offline against a checkpoint',
      description:
        'Entries from `from` (default 1) to `to`, oldest first, with their detail, links, hashes and seals: what `npm run audit:verify -- --range` and the desktop check. ' +
        'At most `limit` (default 1,000, at most 5,000) a page: pass `next` as `from` for the next page (null when done). ' +
        'Data managers and the national administrator only: a range must be whole to be checked, and an LA team may see only entries about its own children. Audited (audit-read).',
      response: {
        type: 'object',
        required: ['entries', 'next'],
        properties: {
          entries: {
            type: 'array',
            items: {
              type: 'object',
              required: ['seq', 'at', 'userId', 'action', 'cpNumber', 'reason', 'detail', 'prevHash', 'hash', 'mac'],
              properties: {
                ...entrySchema.properties,
                detail: { type: 'object' },
                prevHash: { type: 'string' },
                hash: { type: 'string' },
                mac: {
                  type: ['string', 'null'],
                  description: 'The seal, HMAC-SHA-256(audit key, hash); null on entries from before sealing began',
                },
              },
            },
          },
          next: { type: ['integer', 'null'] },
        },
      },
    },
    async handle(req, ctx) {
      const from = req.query.from ?? 1;
      const to = req.query.to ?? Number.MAX_SAFE_INTEGER;
      const limit = req.query.limit ?? 1000;
      const rows = await ctx.db.transaction(async (tx) => {
        const found = await tx.query<AuditRow>(
          `SELECT seq, at, user_id, action, cp_number, reason, detail, prev_hash, hash, mac FROM audit_log
            WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
          [from, to, limit + 1],
        );
        await appendAudit(tx, {
          at: ctx.clock.now(),
          userId: req.actor.userId,
          action: 'audit-read',
          detail: { export: true, from, entries: Math.min(found.length, limit) },
        });
        return found;
      });
      const page = rows.slice(0, limit);
      return {
        status: 200,
        body: {
          entries: page.map(entryOfRow),
          next: rows.length > limit ? (rows[limit]?.seq ?? null) : null,
        },
      };
    },
  }),
];

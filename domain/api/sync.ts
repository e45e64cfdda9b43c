// Wire schemas of the sync feed and of submissions: how a local authority team keeps
// its working set in step with the index and sends its cleansing back. Every object is
// strict, so an unknown field (a `notes`, a typo) is refused with 422 naming it.
import { z } from 'zod';
import {
  addressSchema,
  archiveConsentSchema,
  cpNumberSchema,
  educationSchema,
  genderSchema,
  gpPracticeSchema,
  intendsToReturnSchema,
  isoDateSchema,
  nhsNumberSchema,
  parentSchema,
  personNameSchema,
  upnSchema,
  whereaboutsSchema,
} from '../child-record.js';
import { accessViews, taskScreenSchema } from '../working-set-access.js';
import { accessReasonSchema } from './records.js';

export const localAuthorityCodeSchema = z
  .string()
  .regex(/^E\d{8}$/, 'must be an ONS local authority code such as E08000015');

// ---------------------------------------------------------------------------------
// The feed

export const FEED_PAGE_DEFAULT = 500;
export const FEED_PAGE_MAX = 1000;
/** format=lines pages may be larger: a bulk sync makes fewer round trips and commits. */
export const FEED_LINES_PAGE_MAX = 5000;

export const feedQuerySchema = z
  .object({
    /** The `cursor` of the previous page; absent to start from the beginning. */
    after: z.string().min(1).max(200).optional(),
    /** 1 to 1000 (format=lines: to 5000). */
    limit: z.coerce.number().int().min(1).max(FEED_LINES_PAGE_MAX).default(FEED_PAGE_DEFAULT),
    /**
     * Per-field provenance with each upsert (the default for format=json), or not: half
     * the bytes for a client that does not cleanse. format=lines carries it (as stored)
     * only when asked for with include.
     */
    provenance: z.enum(['include', 'omit']).optional(),
    /**
     * json (default): one JSON object, { changes, cursor, more }. lines: JSON Lines for
     * bulk sync: a first line { cursor, more, count }, then one entry per line with an
     * `index` of the fields a local search needs and the record last, so a client can
     * store each record's JSON text without parsing it.
     */
    format: z.enum(['json', 'lines']).default('json'),
  })
  .strict()
  .refine((q) => q.format === 'lines' || q.limit <= FEED_PAGE_MAX, {
    path: ['limit'],
    message: `must be at most ${FEED_PAGE_MAX} (${FEED_LINES_PAGE_MAX} with format=lines)`,
  });
export type FeedQuery = z.output<typeof feedQuerySchema>;

/**
 * One entry of an authority's feed. An upsert carries the record as the authority's
 * team manages it (supplier references removed), unless the child has changed, left
 * the authority, been archived or destroyed since: then it says `superseded` and a
 * later entry of the same feed carries what happened.
 */
export interface FeedEntry {
  seq: number;
  cpNumber: string;
  kind: 'upsert' | 'tombstone';
  /** Tombstones: 'archived', 'destroyed', 'transferred' or 'merged'. */
  reason?: string;
  version: number;
  record?: Record<string, unknown>;
  /** Per field: the source of the held value and each supplier's latest statement. */
  provenance?: Record<
    string,
    { supplier: string; date: string; values: Record<string, { value: unknown; date: string }> }
  >;
  shielded?: boolean;
  shieldPending?: boolean;
  superseded?: true;
}

/** The fields a local search needs, on each current upsert of a format=lines page. */
export interface FeedIndex {
  /** Names as search keys: lower-case letters only (name-key.ts). */
  family: string;
  given: string;
  dob: string | null;
  postcode: string | null;
  nhsNumber: string | null;
  /** Former surnames, as search keys. */
  formerFamilies: string[];
}

/** The first line of a format=lines page. */
export interface FeedLinesHead {
  cursor: string;
  more: boolean;
  count: number;
  /**
   * Cursors of the pages after the next one (each `limit` entries further on), so a
   * client may have several pages in flight. Applied in order, such a page is exactly
   * the page the previous page's cursor would give when the cursor strings are equal.
   */
  ahead: string[];
  /** The sequence number of the feed's latest entry now: how far there is to go. */
  lastSeq: number;
}

export interface FeedPage {
  changes: FeedEntry[];
  /** Pass as `after` for the next page; the same cursor again if nothing was new. */
  cursor: string;
  /** More entries are waiting now. */
  more: boolean;
}

export interface FeedStatus {
  lastSeq: number;
  /** Active children the authority is responsible for. */
  children: number;
}

// ---------------------------------------------------------------------------------
// Submissions

export const SUBMISSION_MAX_ITEMS = 500;

/**
 * The fields of a record a local authority team may change. An optional field given as
 * null is removed (a date of death recorded in error, a school left).
 */
export const editableChangesSchema = z
  .object({
    name: personNameSchema.optional(),
    gender: genderSchema.optional(),
    dob: isoDateSchema.optional(),
    dateOfDeath: isoDateSchema.nullable().optional(),
    whereabouts: whereaboutsSchema.optional(),
    intendsToReturn: intendsToReturnSchema.nullable().optional(),
    address: addressSchema.nullable().optional(),
    parents: z.array(parentSchema).max(8).optional(),
    education: educationSchema.nullable().optional(),
    gp: gpPracticeSchema.nullable().optional(),
    archiveAge: z.number().int().min(18).max(25).optional(),
    /** The legal basis of an archive age above 18, with consent recorded; null removes it. */
    archiveConsent: archiveConsentSchema.nullable().optional(),
    identifiers: z
      .object({
        nhsNumber: nhsNumberSchema.nullable().optional(),
        upn: upnSchema.nullable().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, { message: 'give at least one field to change' });
export type EditableChanges = z.output<typeof editableChangesSchema>;

const itemBase = {
  /** The client's own key for this item: a retry with the same key is answered, not applied again. */
  idempotencyKey: z
    .string()
    .min(8)
    .max(128)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  cpNumber: cpNumberSchema,
  /** The version the change was made against: a later version means someone else changed the record first. */
  baseVersion: z.number().int().min(1),
};

export const submissionItemSchema = z.discriminatedUnion('op', [
  z.object({ ...itemBase, op: z.literal('update'), changes: editableChangesSchema }).strict(),
  z.object({ ...itemBase, op: z.literal('shield') }).strict(),
  z.object({ ...itemBase, op: z.literal('unshield') }).strict(),
  /**
   * Two records found to be one child: the duplicate is merged into cpNumber (the
   * survivor) and removed; `changes` then sets the values the team chose, field by field.
   * Both base versions must be current.
   */
  z
    .object({
      ...itemBase,
      op: z.literal('merge'),
      duplicate: z.object({ cpNumber: cpNumberSchema, baseVersion: z.number().int().min(1) }).strict(),
      changes: editableChangesSchema.optional(),
    })
    .strict(),
  /**
   * Cleansing found that cpNumber may be the same child as `of`: a match review opens, and
   * while it is open cpNumber is treated as shielded if `of` is shielded. Changes no
   * field, so baseVersion is not checked.
   */
  z
    .object({ ...itemBase, op: z.literal('possible-duplicate'), of: cpNumberSchema, score: z.number().min(0).max(1) })
    .strict(),
  /** A person decided that cpNumber and `of` are different children: open reviews between them close. */
  z.object({ ...itemBase, op: z.literal('not-duplicate'), of: cpNumberSchema }).strict(),
  /**
   * A member of the team opened cpNumber in the working set on their computer (view
   * `record`), or had its shielded details shown (`shielded-details`): recorded in the
   * child's audit trail as a read, with the purpose they gave, at the time they viewed it,
   * as them. Changes nothing; baseVersion is the version they saw.
   */
  z
    .object({
      ...itemBase,
      op: z.literal('working-set-access'),
      viewedAt: z.iso.datetime({
        offset: true,
        error: 'must be an ISO 8601 date-time with an offset, such as 2026-03-01T10:00:00Z',
      }),
      viewedBy: z.string().trim().min(1).max(64),
      reason: accessReasonSchema,
      view: z.enum(accessViews),
      context: taskScreenSchema,
    })
    .strict(),
]);
export type SubmissionItem = z.output<typeof submissionItemSchema>;

export const submissionBodySchema = z
  .object({ items: z.array(submissionItemSchema).min(1).max(SUBMISSION_MAX_ITEMS) })
  .strict();
export type SubmissionBody = z.output<typeof submissionBodySchema>;

export type SubmissionStatus = 'applied' | 'conflict' | 'invalid' | 'forbidden' | 'not-found' | 'key-reused';

export interface SubmissionResult {
  idempotencyKey: string;
  status: SubmissionStatus;
  /** applied: the record's new version. */
  version?: number;
  /**
   * applied, for a possible duplicate or "not a duplicate": the version the record was at
   * when this item's own shield-pending change moved it on (content unchanged). Set only
   * then, so a working set may carry its waiting changes to the new version without
   * hiding anybody else's change.
   */
  markedFrom?: number;
  /** conflict: the version the record is at now. */
  currentVersion?: number;
  message?: string;
  /** invalid: what is wrong with the record the change would make. */
  problems?: { path: string; message: string }[];
  /** The stored answer to an earlier submission of the same item. */
  replayed?: true;
}

// An authority's sync feed: every change to the children it is responsible for, in
// sequence order, read page by page with an opaque cursor. Sequencing is the child
// store's (appendChange): entries commit in sequence order, so a reader that has been
// given seq N can never later find a new entry below N, and "after N" never skips or
// repeats an entry.
import {
  FEED_LINES_PAGE_MAX,
  FEED_PAGE_DEFAULT,
  FEED_PAGE_MAX,
  type FeedEntry,
  type FeedPage,
  type FeedStatus,
} from '../../domain/api/sync.js';
import type { ChildRecord } from '../../domain/child-record.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../context.js';
import { badRequest, forbidden } from '../http/api-error.js';
import type { Provenance } from '../records/child-store.js';
import type { Queryable } from '../store/database.js';
import { readProvenance } from '../supply/provenance.js';

const LA_CODE = /^E\d{8}$/;
const CURSOR_TEXT = /^(E\d{8}):(0|[1-9]\d{0,14})$/;

/** The cursor after `seq` of `localAuthority`'s feed. Opaque to clients. */
export function encodeCursor(localAuthority: string, seq: number): string {
  return Buffer.from(`${localAuthority}:${seq}`, 'utf8').toString('base64url');
}

const invalidCursor = () =>
  badRequest(
    'invalid-cursor',
    "The cursor is not one this authority's feed gave out: start again without one, or pass the last cursor received.",
  );

/** The seq a cursor stands for; 400 invalid-cursor for garbage or another authority's cursor. */
export function decodeCursor(localAuthority: string, cursor: string): number {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(cursor)) throw invalidCursor();
  const m = CURSOR_TEXT.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || m[1] !== localAuthority) throw invalidCursor();
  return Number(m[2]);
}

/** The local authority team of that authority, or a national administrator; 403 otherwise. */
export function assertFeedAccess(actor: Actor, localAuthority: string): void {
  if (!LA_CODE.test(localAuthority)) {
    throw badRequest('invalid-local-authority', 'The local authority must be an ONS code such as E08000015.');
  }
  if (hasRole(actor, 'national-admin')) return;
  if (hasRole(actor, 'la-team') && actor.localAuthority === localAuthority) return;
  throw forbidden('other-authority', "A local authority team may sync only its own authority's records.");
}

interface ChangeRow {
  seq: number;
  cp_number: string;
  kind: 'upsert' | 'tombstone';
  reason: string | null;
  version: number;
  /** The record as the authority's team manages it (supplier references removed), as PostgreSQL's JSON text. */
  record_text: string | null;
  provenance: Provenance | null;
  provenance_text?: string | null;
  child_version: number | null;
  child_la: string | null;
  status: 'active' | 'archived' | null;
  shielded: boolean | null;
  shield_pending: boolean | null;
  /** format=lines only: the fields a local search needs. */
  family?: string | null;
  given?: string | null;
  dob?: string | null;
  postcode?: string | null;
  nhs?: string | null;
  former?: string[] | null;
}

/**
 * Whether an upsert still carries its record: the record is delivered as it is now, and
 * only at the version this entry announced. If the child has changed since, left the
 * authority, been archived or destroyed, a later entry of this feed says so, and this
 * one is only a placeholder (superseded).
 */
function isCurrent(localAuthority: string, row: ChangeRow): boolean {
  return (
    row.record_text !== null &&
    row.status === 'active' &&
    row.child_la === localAuthority &&
    row.child_version === row.version
  );
}

function entryOf(localAuthority: string, row: ChangeRow, withProvenance: boolean): FeedEntry {
  const base = { seq: row.seq, cpNumber: row.cp_number, kind: row.kind, version: row.version };
  if (row.kind === 'tombstone') return { ...base, ...(row.reason !== null ? { reason: row.reason } : {}) };
  if (!isCurrent(localAuthority, row)) return { ...base, superseded: true };
  const record = JSON.parse(row.record_text!) as ChildRecord;
  return {
    ...base,
    record: record as unknown as Record<string, unknown>,
    // Who said what about each field: the discrepancies between suppliers that the
    // authority's team cleanses.
    ...(withProvenance ? { provenance: readProvenance(row.provenance ?? {}, record) } : {}),
    shielded: row.shielded === true,
    shieldPending: row.shield_pending === true,
  };
}

/** The same entry as entryOf (without provenance), serialised, with the record's JSON text spliced in. */
function entryText(localAuthority: string, row: ChangeRow): string {
  const base = `{"seq":${row.seq},"cpNumber":${JSON.stringify(row.cp_number)},"kind":"${row.kind}","version":${row.version}`;
  if (row.kind === 'tombstone')
    return `${base}${row.reason !== null ? `,"reason":${JSON.stringify(row.reason)}` : ''}}`;
  if (!isCurrent(localAuthority, row)) return `${base},"superseded":true}`;
  return `${base},"record":${row.record_text},"shielded":${row.shielded === true},"shieldPending":${row.shield_pending === true}}`;
}

interface PageOptions {
  after?: string | undefined;
  limit?: number | undefined;
  provenance?: boolean;
  /** Select provenance as JSON text (format=lines). */
  provenanceText?: boolean;
  /** Select the search fields too (format=lines). */
  index?: boolean;
}

// The store's own search keys (records/child-store.ts derivedValues): no JSON navigation needed.
const INDEX_COLUMNS = `,
  ch.family_key AS family, ch.given_key AS given, ch.dob::text AS dob, ch.postcode_key AS postcode,
  ch.nhs_number AS nhs, ch.former_keys AS former`;

/** The rows of one page, read and audited in one transaction. */
async function readPageRows(
  ctx: ServiceContext,
  actor: Actor,
  localAuthority: string,
  options: PageOptions,
): Promise<{ rows: ChangeRow[]; cursor: string; more: boolean; last: number; head: number; limit: number }> {
  assertFeedAccess(actor, localAuthority);
  const limit = Math.min(
    Math.max(Math.trunc(options.limit ?? FEED_PAGE_DEFAULT), 1),
    options.index === true ? FEED_LINES_PAGE_MAX : FEED_PAGE_MAX,
  );
  const after = options.after === undefined ? 0 : decodeCursor(localAuthority, options.after);
  return ctx.db.transaction(async (tx) => {
    const lastSeq = await headSeq(tx, localAuthority);
    // A cursor beyond the head was never given out by this feed.
    if (after > lastSeq) throw invalidCursor();
    // One statement: the entries and the children they point at come from one snapshot.
    const rows = await tx.query<ChangeRow>(
      // The page is cut before the join, so the plan cannot join the whole rest of the
      // feed first (it did, 20 times slower, on a store with stale statistics).
      `SELECT c.seq, c.cp_number, c.kind, c.reason, c.version,
              ch.feed_text AS record_text,
              ${options.provenance === true ? 'ch.provenance' : 'NULL::jsonb AS provenance'},
              ${options.provenanceText === true ? 'ch.provenance::text AS provenance_text,' : ''}
              ch.version AS child_version, ch.local_authority AS child_la, ch.status, ch.shielded, ch.shield_pending
              ${options.index === true ? INDEX_COLUMNS : ''}
         FROM (SELECT seq, cp_number, kind, reason, version FROM changes
                WHERE local_authority = $1 AND seq > $2 ORDER BY seq LIMIT $3) c
         LEFT JOIN children ch ON ch.cp_number = c.cp_number
        ORDER BY c.seq`,
      [localAuthority, after, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1)?.seq ?? after;
    await appendAudit(tx, {
      at: ctx.clock.now(),
      userId: actor.userId,
      action: 'sync-read',
      detail: { localAuthority, count: page.length },
    });
    return {
      rows: page,
      cursor: encodeCursor(localAuthority, last),
      more: rows.length > limit,
      last,
      head: lastSeq,
      limit,
    };
  });
}

/**
 * One page of `localAuthority`'s feed after `options.after` (a cursor; absent: from the
 * start), at most `options.limit` entries. Audited 'sync-read' with the count.
 */
export async function readFeedPage(
  ctx: ServiceContext,
  actor: Actor,
  localAuthority: string,
  options: PageOptions = {},
): Promise<FeedPage> {
  const { rows, cursor, more } = await readPageRows(ctx, actor, localAuthority, options);
  return { changes: rows.map((row) => entryOf(localAuthority, row, options.provenance ?? true)), cursor, more };
}

/**
 * The same page without provenance, as JSON text: each record goes from PostgreSQL to
 * the wire without being parsed and serialised again (what makes a full sync of a
 * million records fast).
 */
export async function readFeedPageText(
  ctx: ServiceContext,
  actor: Actor,
  localAuthority: string,
  options: Omit<PageOptions, 'provenance'> = {},
): Promise<string> {
  const { rows, cursor, more } = await readPageRows(ctx, actor, localAuthority, { ...options, provenance: false });
  return `{"changes":[${rows.map((row) => entryText(localAuthority, row)).join(',')}],"cursor":${JSON.stringify(cursor)},"more":${more}}`;
}

/** How many later pages' cursors a format=lines page offers. */
const LINES_AHEAD = 3;

/**
 * One entry of a format=lines page, as pieces of text pushed onto `parts`: the entry's
 * fields, its search index, and the record last.
 */
function entryLineParts(localAuthority: string, row: ChangeRow, withProvenance: boolean, parts: string[]): void {
  if (row.kind === 'tombstone' || !isCurrent(localAuthority, row)) {
    parts.push(entryText(localAuthority, row), '\n');
    return;
  }
  const index = {
    family: row.family ?? '',
    given: row.given ?? '',
    dob: row.dob ?? null,
    // The key is the postcode without its space; the canonical form has it before the inward code.
    postcode: row.postcode ? `${row.postcode.slice(0, -3)} ${row.postcode.slice(-3)}` : null,
    nhsNumber: row.nhs ?? null,
    formerFamilies: row.former ?? [],
  };
  parts.push(
    `{"seq":${row.seq},"cpNumber":${JSON.stringify(row.cp_number)},"kind":"upsert","version":${row.version},` +
      `"shielded":${row.shielded === true},"shieldPending":${row.shield_pending === true},"index":${JSON.stringify(index)},`,
  );
  // Provenance as stored (entries written before per-supplier values have none: the
  // held value's source alone), straight from PostgreSQL's text.
  if (withProvenance) parts.push('"provenance":', row.provenance_text ?? '{}', ',');
  parts.push('"record":', row.record_text!, '}\n');
}

/**
 * Pieces of text written once each into one buffer. Joining a page's few megabytes into
 * one string first made a rope that had to be flattened (to measure it) and encoded again
 * whole (to send it), as two-byte text if any one name held a character beyond Latin-1:
 * most of the service's time on a full sync.
 */
function utf8Join(parts: readonly string[]): Buffer {
  let size = 0;
  for (const part of parts) size += Buffer.byteLength(part, 'utf8');
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) at += buf.write(part, at, 'utf8');
  return buf;
}

/**
 * The same page as JSON Lines (format=lines), as the UTF-8 bytes sent: a first line with
 * the cursor, whether more is waiting and the count, then one entry per line. A current
 * upsert carries `index` (the fields a local search needs) and ends with its record, so
 * the client can keep the record's text as it is without parsing it.
 */
export async function readFeedPageLinesBytes(
  ctx: ServiceContext,
  actor: Actor,
  localAuthority: string,
  options: Omit<PageOptions, 'index'> = {},
): Promise<Buffer> {
  const withProvenance = options.provenance === true;
  const {
    rows,
    cursor,
    more,
    last,
    head: headSeqNow,
    limit,
  } = await readPageRows(ctx, actor, localAuthority, {
    ...options,
    provenance: false,
    provenanceText: withProvenance,
    index: true,
  });
  // Where the next pages after the one following this will start: an authority's
  // sequence numbers have no gaps, so a client may ask for them at once (any cursor up
  // to the head is one this feed could give out, and "after" never skips an entry).
  const ahead: string[] = [];
  for (let k = 1; k <= LINES_AHEAD && more && last + k * limit < headSeqNow; k++)
    ahead.push(encodeCursor(localAuthority, last + k * limit));
  const parts = [JSON.stringify({ cursor, more, count: rows.length, ahead, lastSeq: headSeqNow }), '\n'];
  for (const row of rows) entryLineParts(localAuthority, row, withProvenance, parts);
  return utf8Join(parts);
}

/** The same page as text (readFeedPageLinesBytes decoded). */
export async function readFeedPageLines(
  ctx: ServiceContext,
  actor: Actor,
  localAuthority: string,
  options: Omit<PageOptions, 'index'> = {},
): Promise<string> {
  return (await readFeedPageLinesBytes(ctx, actor, localAuthority, options)).toString('utf8');
}

async function headSeq(tx: Queryable, localAuthority: string): Promise<number> {
  const [head] = await tx.query<{ last_seq: number }>('SELECT last_seq FROM change_heads WHERE local_authority = $1', [
    localAuthority,
  ]);
  return head?.last_seq ?? 0;
}

/** How far the feed has got, and how many active children the authority has. */
export async function readFeedStatus(ctx: ServiceContext, actor: Actor, localAuthority: string): Promise<FeedStatus> {
  assertFeedAccess(actor, localAuthority);
  const lastSeq = await headSeq(ctx.db, localAuthority);
  const [count] = await ctx.db.query<{ n: number }>(
    "SELECT count(*)::int8 AS n FROM children WHERE local_authority = $1 AND status = 'active'",
    [localAuthority],
  );
  return { lastSeq, children: count?.n ?? 0 };
}

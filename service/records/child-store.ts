// The one place children are written. Every write keeps the search columns in step
// with the record, bumps the version, and appends to the authority's sync feed in the
// same transaction, so the feed can never miss a change.
import type { ChildRecord } from '../../domain/child-record.js';
import { archiveDueDate } from '../../domain/lifecycle.js';
import { nameKey } from '../../domain/name-key.js';
import { normalisePostcode } from '../../domain/postcode.js';
import type { Queryable } from '../store/database.js';

/** Per-field provenance: which supplier said it, and when (YYYY-MM-DD). */
export type Provenance = Record<string, { supplier: string; date: string }>;

export interface StoredChild {
  record: ChildRecord;
  version: number;
  localAuthority: string;
  /** record.shielded, or a possible duplicate of a shielded child awaiting a person. */
  shielded: boolean;
  shieldPending: boolean;
  status: 'active' | 'archived';
  archivedOn: string | null;
  provenance: Provenance;
}

interface ChildRow {
  record: ChildRecord;
  version: number;
  local_authority: string;
  shielded: boolean;
  shield_pending: boolean;
  status: 'active' | 'archived';
  archived_on: string | null;
  provenance: Provenance;
}

function fromRow(row: ChildRow): StoredChild {
  return {
    record: row.record,
    version: row.version,
    localAuthority: row.local_authority,
    shielded: row.shielded,
    shieldPending: row.shield_pending,
    status: row.status,
    archivedOn: row.archived_on,
    provenance: row.provenance,
  };
}

/** The columns derived from a record, in the order of `derivedColumns`. */
export function derivedValues(record: ChildRecord) {
  const postcode = record.address ? normalisePostcode(record.address.postcode) : null;
  return {
    family_key: nameKey(record.name.family),
    given_key: nameKey(record.name.given),
    former_keys: record.name.former.map((f) => nameKey(f.family)).filter((k) => k.length > 0),
    dob: record.dob,
    postcode_key: postcode ? postcode.replace(' ', '') : null,
    nhs_number: record.identifiers.nhsNumber ?? null,
    archive_due: archiveDueDate(record),
  };
}

/**
 * Take the next sequence number of an authority's feed and append one entry. The
 * UPDATE holds the authority's head row until commit (see migration 1).
 */
export async function appendChange(
  tx: Queryable,
  change: {
    localAuthority: string;
    cpNumber: string;
    kind: 'upsert' | 'tombstone';
    version: number;
    reason?: string;
    at: Date;
  },
): Promise<number> {
  await tx.query(
    'INSERT INTO change_heads (local_authority, last_seq) VALUES ($1, 0) ON CONFLICT (local_authority) DO NOTHING',
    [change.localAuthority],
  );
  const [head] = await tx.query<{ last_seq: number }>(
    'UPDATE change_heads SET last_seq = last_seq + 1 WHERE local_authority = $1 RETURNING last_seq',
    [change.localAuthority],
  );
  const seq = head!.last_seq;
  await tx.query(
    'INSERT INTO changes (local_authority, seq, cp_number, kind, reason, version, at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [change.localAuthority, seq, change.cpNumber, change.kind, change.reason ?? null, change.version, change.at],
  );
  return seq;
}

/**
 * Hold several authorities' feed heads, taken in one fixed (sorted) order: two
 * transfers in opposite directions, each taking its old authority's head first,
 * would otherwise deadlock.
 */
async function lockHeads(tx: Queryable, localAuthorities: readonly string[]): Promise<void> {
  for (const localAuthority of [...new Set(localAuthorities)].sort()) {
    await tx.query(
      'INSERT INTO change_heads (local_authority, last_seq) VALUES ($1, 0) ON CONFLICT (local_authority) DO NOTHING',
      [localAuthority],
    );
    await tx.query('SELECT 1 FROM change_heads WHERE local_authority = $1 FOR UPDATE', [localAuthority]);
  }
}

/** Load one child (any status), or null. `forUpdate` locks the row until commit. */
export async function loadChild(
  tx: Queryable,
  cpNumber: string,
  options: { forUpdate?: boolean } = {},
): Promise<StoredChild | null> {
  const rows = await tx.query<ChildRow>(
    `SELECT record, version, local_authority, shielded, shield_pending, status, archived_on, provenance
       FROM children WHERE cp_number = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [cpNumber],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * Lock a pending request about a child (an unshield request, a transfer) for deciding it:
 * the child's row first, then the request's, the order every writer of both keeps, so
 * asking and deciding for the same child never deadlock. `id` is the request's id as a
 * client gave it; null when it is not a well-formed id or there is no such request. The
 * child is null when it is gone (merged, destroyed).
 */
export async function lockChildAndRequest<R>(
  tx: Queryable,
  table: 'unshield_requests' | 'transfers',
  columns: string,
  id: string,
): Promise<{ child: StoredChild | null; row: R } | null> {
  if (!/^[1-9]\d{0,14}$/.test(id)) return null;
  const [peek] = await tx.query<{ cp_number: string }>(`SELECT cp_number FROM ${table} WHERE id = $1`, [Number(id)]);
  if (!peek) return null;
  const child = await loadChild(tx, peek.cp_number, { forUpdate: true });
  const [row] = await tx.query<R>(`SELECT ${columns} FROM ${table} WHERE id = $1 FOR UPDATE`, [Number(id)]);
  return row ? { child, row } : null;
}

/** What every request about a child (an unshield request, a transfer) holds, as stored. */
export interface ChildRequestRow<Status extends string> {
  id: number;
  cp_number: string;
  requested_by: string;
  requested_at: Date;
  reason: string;
  status: Status;
  decided_by: string | null;
  decided_at: Date | null;
}

/** Those fields as the API gives them. */
export function childRequestView<Status extends string>(row: ChildRequestRow<Status>) {
  return {
    id: String(row.id),
    cpNumber: row.cp_number,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at.toISOString(),
    reason: row.reason,
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at?.toISOString() ?? null,
  };
}

/** The columns every write of a child sets, in the order of childValues. */
const childColumns = [
  'cp_number',
  'local_authority',
  'version',
  'record',
  'provenance',
  'shielded',
  'shield_pending',
  'archive_due',
  'family_key',
  'given_key',
  'former_keys',
  'dob',
  'postcode_key',
  'nhs_number',
  'updated_at',
] as const;

function childValues(held: ChildRecord, provenance: Provenance, shieldPending: boolean, at: Date) {
  const d = derivedValues(held);
  return [
    held.cpNumber,
    held.localAuthority,
    held.version,
    JSON.stringify(held),
    JSON.stringify(provenance),
    held.shielded || shieldPending,
    shieldPending,
    d.archive_due,
    d.family_key,
    d.given_key,
    d.former_keys,
    d.dob,
    d.postcode_key,
    d.nhs_number,
    at,
  ];
}

/** Insert a new child at version 1 (the record's own version is set to match). */
export async function insertChild(
  tx: Queryable,
  record: ChildRecord,
  options: { at: Date; provenance?: Provenance; shieldPending?: boolean },
): Promise<StoredChild> {
  const held: ChildRecord = { ...record, version: 1 };
  const shieldPending = options.shieldPending ?? false;
  await tx.query(
    `INSERT INTO children (${childColumns.join(', ')}) VALUES (${childColumns.map((_, i) => `$${i + 1}`).join(', ')})`,
    childValues(held, options.provenance ?? {}, shieldPending, options.at),
  );
  await appendChange(tx, {
    localAuthority: held.localAuthority,
    cpNumber: held.cpNumber,
    kind: 'upsert',
    version: 1,
    at: options.at,
  });
  return {
    record: held,
    version: 1,
    localAuthority: held.localAuthority,
    shielded: held.shielded || shieldPending,
    shieldPending,
    status: 'active',
    archivedOn: null,
    provenance: options.provenance ?? {},
  };
}

export class VersionConflict extends Error {
  constructor(
    readonly cpNumber: string,
    readonly currentVersion: number,
  ) {
    super(`The record has changed since it was read: it is now at version ${currentVersion}.`);
    this.name = 'VersionConflict';
  }
}

/**
 * Replace a child's record, if it is still at `expectedVersion`; returns the stored
 * child at the next version. A move to another authority is a transfer: the old
 * authority's feed gets a tombstone and the new one's an upsert.
 */
export async function updateChild(
  tx: Queryable,
  cpNumber: string,
  expectedVersion: number,
  next: ChildRecord,
  options: { at: Date; provenance?: Provenance; shieldPending?: boolean },
): Promise<StoredChild> {
  const current = await loadChild(tx, cpNumber, { forUpdate: true });
  if (!current) throw new Error(`updateChild: no child ${cpNumber}`);
  if (current.version !== expectedVersion) throw new VersionConflict(cpNumber, current.version);
  const version = current.version + 1;
  const held: ChildRecord = { ...next, cpNumber, version };
  const shieldPending = options.shieldPending ?? current.shieldPending;
  const provenance = options.provenance ?? current.provenance;
  await tx.query(
    `UPDATE children SET (${childColumns.join(', ')}) = (${childColumns.map((_, i) => `$${i + 1}`).join(', ')})
      WHERE cp_number = $${childColumns.length + 1}`,
    [...childValues(held, provenance, shieldPending, options.at), cpNumber],
  );
  if (current.status === 'active') {
    if (current.localAuthority !== held.localAuthority) {
      await lockHeads(tx, [current.localAuthority, held.localAuthority]);
      await appendChange(tx, {
        localAuthority: current.localAuthority,
        cpNumber,
        kind: 'tombstone',
        reason: 'transferred',
        version,
        at: options.at,
      });
    }
    await appendChange(tx, { localAuthority: held.localAuthority, cpNumber, kind: 'upsert', version, at: options.at });
  }
  return {
    record: held,
    version,
    localAuthority: held.localAuthority,
    shielded: held.shielded || shieldPending,
    shieldPending,
    status: current.status,
    archivedOn: current.archivedOn,
    provenance,
  };
}

/**
 * Insert many new children at version 1 in one statement per call, with their feed
 * entries: for loading the training dataset and big initial supplies, where one
 * round trip per child would take minutes. Same rules as insertChild.
 */
export async function insertChildren(
  tx: Queryable,
  records: readonly ChildRecord[],
  options: { at: Date; provenance?: (record: ChildRecord) => Provenance },
): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map((r) => {
    const held: ChildRecord = { ...r, version: 1 };
    return {
      cp_number: held.cpNumber,
      local_authority: held.localAuthority,
      record: held,
      provenance: options.provenance?.(held) ?? {},
      shielded: held.shielded,
      ...derivedValues(held),
    };
  });
  await tx.query(
    `INSERT INTO children (cp_number, local_authority, version, record, provenance, shielded, shield_pending, archive_due,
                           family_key, given_key, former_keys, dob, postcode_key, nhs_number, updated_at)
     SELECT r.cp_number, r.local_authority, 1, r.record, r.provenance, r.shielded, false, r.archive_due,
            r.family_key, r.given_key, r.former_keys, r.dob, r.postcode_key, r.nhs_number, $2
       FROM jsonb_to_recordset($1::jsonb) AS r(cp_number text, local_authority text, record jsonb, provenance jsonb,
            shielded boolean, archive_due date, family_key text, given_key text, former_keys text[], dob date,
            postcode_key text, nhs_number text)`,
    [JSON.stringify(rows), options.at],
  );
  const byAuthority = new Map<string, string[]>();
  for (const r of rows) {
    const list = byAuthority.get(r.local_authority) ?? [];
    list.push(r.cp_number);
    byAuthority.set(r.local_authority, list);
  }
  for (const [localAuthority, cpNumbers] of byAuthority) {
    await tx.query(
      'INSERT INTO change_heads (local_authority, last_seq) VALUES ($1, 0) ON CONFLICT (local_authority) DO NOTHING',
      [localAuthority],
    );
    const [head] = await tx.query<{ last_seq: number }>(
      'UPDATE change_heads SET last_seq = last_seq + $2 WHERE local_authority = $1 RETURNING last_seq',
      [localAuthority, cpNumbers.length],
    );
    const first = head!.last_seq - cpNumbers.length;
    await tx.query(
      `INSERT INTO changes (local_authority, seq, cp_number, kind, reason, version, at)
       SELECT $1, $2 + t.ord, t.cp, 'upsert', NULL, 1, $4 FROM unnest($3::text[]) WITH ORDINALITY AS t(cp, ord)`,
      [localAuthority, first, cpNumbers, options.at],
    );
  }
}

/**
 * Replace only a child's provenance (what each supplier said, and when): no version
 * bump and no feed entry, because the record itself has not changed and provenance is
 * not part of what the feed carries. A supply that repeats what is held lands here.
 */
export async function updateProvenance(tx: Queryable, cpNumber: string, provenance: Provenance): Promise<void> {
  await tx.query('UPDATE children SET provenance = $2::jsonb WHERE cp_number = $1', [
    cpNumber,
    JSON.stringify(provenance),
  ]);
}

/**
 * Remove a child that a person has found to be a duplicate of another (merged into
 * it): the row goes, and its authority's feed gets a tombstone with reason 'merged'.
 */
export async function removeMergedChild(tx: Queryable, cpNumber: string, options: { at: Date }): Promise<void> {
  const current = await loadChild(tx, cpNumber, { forUpdate: true });
  if (!current) throw new Error(`removeMergedChild: no child ${cpNumber}`);
  await tx.query('DELETE FROM children WHERE cp_number = $1', [cpNumber]);
  if (current.status === 'active') {
    await appendChange(tx, {
      localAuthority: current.localAuthority,
      cpNumber,
      kind: 'tombstone',
      reason: 'merged',
      version: current.version + 1,
      at: options.at,
    });
  }
}

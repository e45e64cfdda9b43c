// Supply intake: records from national suppliers (GRO, DWP, NHS, school census) and
// from local authorities' adapters, resolved to children. Per record, in its own
// transaction: a known supplier reference, else an NHS number, else a scored search by
// name, date of birth and postcode. A clear match is updated; a possible duplicate
// becomes a new child plus a match review for a person; anything else a new child.
//
// The shield rule (the 2009 failure, when supplies created unshielded duplicates of
// shielded children): a new child that may duplicate a shielded child is created
// shield-pending, and so treated as shielded everywhere until a person resolves the
// review. A supply never unshields a child it matches.
import type { SupplyBody, SupplyResult, SupplyStatus } from '../../domain/api/supply.js';
import { childRecordSchema, type ChildRecord, type SupplierRecord } from '../../domain/child-record.js';
import { cpNumberFromSerial } from '../../domain/cp-number.js';
import { transposeDayMonth } from '../../domain/dates.js';
import { matchDecision, matchScore, REVIEW_THRESHOLD } from '../../domain/matching.js';
import { nameKey } from '../../domain/name-key.js';
import { normalisePostcode } from '../../domain/postcode.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { appendAudit, canonicalJson } from '../audit/audit-log.js';
import type { ServiceContext } from '../context.js';
import { forbidden } from '../http/api-error.js';
import { problemsOf } from '../http/validation.js';
import { insertChild, loadChild, updateChild, updateProvenance, type StoredChild } from '../records/child-store.js';
import type { Queryable } from '../store/database.js';
import { applyStatements, readProvenance, statementsOf, type SupplyProvenance } from './provenance.js';

/** At most this many held children are scored per supplied record. */
const MAX_CANDIDATES = 100;
/** At most this many match reviews are opened for one new child. */
const MAX_REVIEWS = 5;

/** The supplier a caller supplies as: its organisation's supplier code, or a local authority's adapter. */
export function supplierOf(actor: Actor): string | null {
  if (hasRole(actor, 'supplier-system') && actor.organisation.supplier !== null) return actor.organisation.supplier;
  if (hasRole(actor, 'la-team') && actor.localAuthority !== null) return 'local-authority';
  return null;
}

interface Candidate {
  stored: StoredChild;
  cpNumber: string;
  score: number;
}

/** Held, active children a supplied record could be: through the indexes only, then scored. */
async function candidatesFor(tx: Queryable, s: SupplierRecord): Promise<Candidate[]> {
  const family = nameKey(s.name.family);
  const given = nameKey(s.name.given);
  const dobs = [s.dob, transposeDayMonth(s.dob)].filter((d): d is string => d !== null);
  const canonical = s.address ? normalisePostcode(s.address.postcode) : null;
  const postcode = canonical ? canonical.replace(' ', '') : null;
  // Empty keys (a name of symbols only) would match everything by similarity: use a
  // value no key can equal instead.
  const fam = family.length > 0 ? family : '-';
  const giv = given.length > 0 ? given : '-';
  const rows = await tx.query<{ cp_number: string }>(
    `SELECT cp_number FROM children
      WHERE status = 'active' AND (
        (dob = ANY($1::date[]) AND (
           family_key % $2 OR dmetaphone(family_key) = dmetaphone($2) OR $2 = ANY(former_keys)
           OR given_key % $3 OR family_key % $3 OR given_key % $2
           OR postcode_key = $4))
        OR (postcode_key = $4 AND (family_key % $2 OR dmetaphone(family_key) = dmetaphone($2) OR family_key % $3)))
      LIMIT $5`,
    [dobs, fam, giv, postcode, MAX_CANDIDATES],
  );
  const out: Candidate[] = [];
  for (const row of rows) {
    const stored = await loadChild(tx, row.cp_number);
    if (stored) out.push({ stored, cpNumber: row.cp_number, score: matchScore(s, stored.record) });
  }
  return out.sort((a, b) => b.score - a.score || (a.cpNumber < b.cpNumber ? -1 : 1));
}

async function link(tx: Queryable, s: SupplierRecord, cpNumber: string): Promise<void> {
  await tx.query(
    `INSERT INTO supply_links (supplier, supplier_ref, cp_number) VALUES ($1, $2, $3)
     ON CONFLICT (supplier, supplier_ref) DO UPDATE SET cp_number = EXCLUDED.cp_number`,
    [s.supplier, s.supplierRef, cpNumber],
  );
}

function withSupplierRef(record: ChildRecord, s: SupplierRecord): ChildRecord {
  const refs = record.identifiers.supplierRefs;
  if (refs.some((r) => r.supplier === s.supplier && r.reference === s.supplierRef)) return record;
  return { ...record, identifiers: { ...record.identifiers, supplierRefs: [...refs, { supplier: s.supplier, reference: s.supplierRef }] } };
}

function withFormerNames(record: ChildRecord, s: SupplierRecord): ChildRecord {
  const known = new Set(record.name.former.map((f) => canonicalJson(f)));
  const added = s.name.former.filter((f) => !known.has(canonicalJson(f)));
  if (added.length === 0) return record;
  return { ...record, name: { ...record.name, former: [...record.name.former, ...added].slice(-10) } };
}

/** Merge a supply into a held, active child; 'invalid' if the result would not be a valid record. */
async function mergeInto(tx: Queryable, child: StoredChild, s: SupplierRecord, at: Date): Promise<SupplyResult> {
  const cpNumber = child.record.cpNumber;
  const applied = applyStatements(child.record, readProvenance(child.provenance, child.record), s.supplier, s.receivedAt, statementsOf(s));
  const next = withSupplierRef(withFormerNames(applied.record, s), s);
  const parsed = childRecordSchema.safeParse(next);
  if (!parsed.success) {
    return { supplierRef: s.supplierRef, status: 'invalid', cpNumber, problems: problemsOf(parsed.error) };
  }
  if (canonicalJson(parsed.data) === canonicalJson(child.record)) {
    // Nothing new for the record: keep what was said, without a new version in every feed.
    await updateProvenance(tx, cpNumber, applied.provenance);
  } else {
    // shielded comes from the held record and shieldPending is kept: a supply never unshields.
    await updateChild(tx, cpNumber, child.version, { ...parsed.data, shielded: child.record.shielded }, { at, provenance: applied.provenance });
  }
  await link(tx, s, cpNumber);
  return { supplierRef: s.supplierRef, status: 'matched', cpNumber };
}

function newChildRecord(cpNumber: string, localAuthority: string, s: SupplierRecord): ChildRecord {
  return {
    cpNumber,
    localAuthority,
    name: s.name,
    gender: s.gender,
    dob: s.dob,
    whereabouts: s.address ? 'current' : 'no-known-address',
    address: s.address,
    shielded: false,
    archiveAge: 18,
    parents: [],
    involvements: [],
    identifiers: {
      ...(s.nhsNumber !== undefined ? { nhsNumber: s.nhsNumber } : {}),
      ...(s.upn !== undefined ? { upn: s.upn } : {}),
      supplierRefs: [{ supplier: s.supplier, reference: s.supplierRef }],
    },
    version: 1,
  };
}

async function intakeOne(tx: Queryable, s: SupplierRecord, localAuthority: string, at: Date): Promise<SupplyResult> {
  // Two supplies of the same reference at once would both find no link and both create.
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`supply:${s.supplier}:${s.supplierRef}`]);

  // (a) A reference this supplier has sent before.
  const [linked] = await tx.query<{ cp_number: string }>('SELECT cp_number FROM supply_links WHERE supplier = $1 AND supplier_ref = $2', [
    s.supplier,
    s.supplierRef,
  ]);
  if (linked) {
    const child = await loadChild(tx, linked.cp_number, { forUpdate: true });
    if (child?.status === 'active') return mergeInto(tx, child, s, at);
    // An archived child's record is in the archive: a supply does not change it.
    if (child) return { supplierRef: s.supplierRef, status: 'matched', cpNumber: linked.cp_number };
    // The child has been destroyed: the link is stale.
    await tx.query('DELETE FROM supply_links WHERE supplier = $1 AND supplier_ref = $2', [s.supplier, s.supplierRef]);
  }

  // (b) The NHS number, which is checked and unique to one child.
  if (s.nhsNumber !== undefined) {
    const [byNhs] = await tx.query<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE nhs_number = $1 AND status = 'active' ORDER BY cp_number LIMIT 1",
      [s.nhsNumber],
    );
    if (byNhs) {
      const child = await loadChild(tx, byNhs.cp_number, { forUpdate: true });
      if (child) return mergeInto(tx, child, s, at);
    }
  }

  // (c) Name, date of birth and postcode, scored.
  const candidates = await candidatesFor(tx, s);
  const best = candidates[0];
  if (best && matchDecision(best.score) === 'match') {
    const child = await loadChild(tx, best.cpNumber, { forUpdate: true });
    if (child) return mergeInto(tx, child, s, at);
  }
  const possible = candidates.filter((c) => c.score >= REVIEW_THRESHOLD).slice(0, MAX_REVIEWS);
  const shieldPending = possible.some((c) => c.stored.shielded);

  const [serial] = await tx.query<{ n: number }>("SELECT nextval('cp_serial') AS n");
  const cpNumber = cpNumberFromSerial(serial!.n);
  const record = newChildRecord(cpNumber, localAuthority, s);
  const parsed = childRecordSchema.safeParse(record);
  if (!parsed.success) return { supplierRef: s.supplierRef, status: 'invalid', problems: problemsOf(parsed.error) };
  const provenance: SupplyProvenance = applyStatements(parsed.data, {}, s.supplier, s.receivedAt, statementsOf(s)).provenance;
  await insertChild(tx, parsed.data, { at, provenance, shieldPending });
  await link(tx, s, cpNumber);
  for (const c of possible) {
    await tx.query('INSERT INTO match_reviews (cp_number, candidate_cp_number, score, created_at) VALUES ($1, $2, $3, $4)', [
      cpNumber,
      c.cpNumber,
      c.score,
      at,
    ]);
  }
  return { supplierRef: s.supplierRef, status: possible.length > 0 ? 'possible-duplicate' : 'created', cpNumber };
}

/**
 * Take in one supply. The caller is a supplier's system (supplying as its
 * organisation's supplier) or a local authority team (supplying its own authority's
 * local data as 'local-authority'). A record naming another supplier is refused alone.
 */
export async function receiveSupply(ctx: ServiceContext, actor: Actor, body: SupplyBody): Promise<{ results: SupplyResult[] }> {
  const supplier = supplierOf(actor);
  if (supplier === null) throw forbidden('not-a-supplier', 'This account does not supply records.');
  if (supplier === 'local-authority' && body.localAuthority !== actor.localAuthority) {
    throw forbidden('other-authority', "A local authority team may supply only its own authority's local data.");
  }
  const results: SupplyResult[] = [];
  for (const s of body.records) {
    if (s.supplier !== supplier) {
      results.push({ supplierRef: s.supplierRef, status: 'forbidden', problems: [{ path: 'supplier', message: `must be "${supplier}", the supplier this account supplies as` }] });
      continue;
    }
    results.push(await ctx.db.transaction((tx) => intakeOne(tx, s, body.localAuthority, ctx.clock.now())));
  }
  const counts: Record<SupplyStatus, number> = { matched: 0, created: 0, 'possible-duplicate': 0, invalid: 0, forbidden: 0 };
  for (const r of results) counts[r.status]++;
  await ctx.db.transaction((tx) =>
    appendAudit(tx, {
      at: ctx.clock.now(),
      userId: actor.userId,
      action: 'supply-received',
      detail: { supplier, localAuthority: body.localAuthority, records: results.length, ...counts },
    }),
  );
  return { results };
}

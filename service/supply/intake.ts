// Supply intake: records from national suppliers (GRO, DWP, NHS, school census) and
// from local authorities' adapters, resolved to children. Per record, in its own
// transaction: a known supplier reference, else an NHS number, else a scored search by
// name, date of birth and postcode. A clear match is updated; a possible duplicate
// becomes a new child plus a match review for a person; anything else a new child.
// Besides identity a record may carry parents, education and GP practice (supplied
// fields with provenance) and, from a local supplier, its own service's involvement
// (supplied-involvements.ts).
//
// The shield rule (the 2009 failure, when supplies created unshielded duplicates of
// shielded children): a new child that may duplicate a shielded child is created
// shield-pending, and so treated as shielded everywhere until a person resolves the
// review (and a held child it may duplicate becomes pending if the new one is linked
// to a shielded child: reviews.ts recomputeShieldPending). A supply never unshields a
// child it matches.
import {
  supplyRecordProblems,
  type SupplyBody,
  type SupplyResult,
  type SupplyStatus,
} from '../../domain/api/supply.js';
import { childRecordSchema, type ChildRecord, type SupplierRecord } from '../../domain/child-record.js';
import { cpNumberFromSerial } from '../../domain/cp-number.js';
import { transposeDayMonth } from '../../domain/dates.js';
import { matchDecision, matchScore, REVIEW_THRESHOLD } from '../../domain/matching.js';
import { nameKey } from '../../domain/name-key.js';
import { normalisePostcode } from '../../domain/postcode.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { appendAudit, canonicalJson } from '../audit/audit-log.js';
import { today, type ServiceContext } from '../context.js';
import { forbidden } from '../http/api-error.js';
import { problemsOf } from '../http/validation.js';
import { insertChild, loadChild, updateChild, updateProvenance, type StoredChild } from '../records/child-store.js';
import type { Queryable } from '../store/database.js';
import { newInvolvementId, wouldBeSecondLead } from '../records/involvements.js';
import { applyStatements, readProvenance, statementsOf } from './provenance.js';
import { lockLinkedChildren, recomputeShieldPending } from './reviews.js';
import { planSuppliedInvolvement, recordSuppliedInvolvement } from './supplied-involvements.js';

/** At most this many held children (of all kinds) are scored per supplied record. */
const MAX_CANDIDATES = 100;
/** At most this many match reviews are opened for one new child against unshielded children. */
const MAX_REVIEWS = 5;

/** The supplier a caller supplies as: its organisation's supplier code, or a local authority's adapter. */
export function supplierOf(actor: Actor): string | null {
  if (hasRole(actor, 'supplier-system') && actor.organisation.supplier !== null) return actor.organisation.supplier;
  if (hasRole(actor, 'la-team') && actor.localAuthority !== null) return 'local-authority';
  return null;
}

/**
 * Which held children a supply may match: a national supplier's, any; a local
 * authority's adapter's, only that authority's own (it supplies its own local data, and
 * must neither overwrite nor learn about another authority's children).
 */
interface Scope {
  supplier: string;
  /** null: national. */
  localAuthority: string | null;
}

interface Candidate {
  cpNumber: string;
  record: ChildRecord;
  localAuthority: string;
  /** Shielded or shield-pending. */
  shielded: boolean;
  score: number;
  /** Within the supply's scope: a child the supply may be merged into. */
  inScope: boolean;
}

interface CandidateQuery {
  localAuthority: string | null;
  shieldedOnly: boolean;
  /** Without the postcode: the candidates a search by name and date of birth alone would find. */
  withoutPostcode: boolean;
  /** null: all of them. */
  limit: number | null;
}

/**
 * Held, active children a supplied record could be, found through the indexes only
 * (date of birth, postcode, trigram and metaphone name keys) and ranked in SQL by a
 * rough similarity, so that a limit keeps the likeliest ones.
 */
async function candidateRows(tx: Queryable, s: SupplierRecord, q: CandidateQuery) {
  const family = nameKey(s.name.family);
  const given = nameKey(s.name.given);
  const dobs = [s.dob, transposeDayMonth(s.dob)].filter((d): d is string => d !== null);
  const canonical = s.address && !q.withoutPostcode ? normalisePostcode(s.address.postcode) : null;
  const postcode = canonical ? canonical.replace(' ', '') : null;
  // Empty keys (a name of symbols only) would match everything by similarity: use a
  // value no key can equal instead.
  const fam = family.length > 0 ? family : '-';
  const giv = given.length > 0 ? given : '-';
  return tx.query<{ cp_number: string; record: ChildRecord; local_authority: string; shielded: boolean }>(
    `SELECT cp_number, record, local_authority, shielded FROM children
      WHERE status = 'active'
        AND ($6::text IS NULL OR local_authority = $6)
        AND (shielded OR NOT $7::boolean)
        AND (
          (dob = ANY($1::date[]) AND (
             family_key % $2 OR dmetaphone(family_key) = dmetaphone($2) OR $2 = ANY(former_keys)
             OR given_key % $3 OR family_key % $3 OR given_key % $2
             OR postcode_key = $4))
          OR (postcode_key = $4 AND (family_key % $2 OR dmetaphone(family_key) = dmetaphone($2) OR family_key % $3)))
      ORDER BY (CASE WHEN dob = $8::date THEN 3 WHEN dob = ANY($1::date[]) THEN 2 ELSE 0 END)
             + GREATEST(similarity(given_key, $3) + similarity(family_key, $2), similarity(given_key, $2) + similarity(family_key, $3))
             + (CASE WHEN dmetaphone(family_key) = dmetaphone($2) OR $2 = ANY(former_keys) THEN 0.5 ELSE 0 END)
             + (CASE WHEN postcode_key = $4 THEN 1 ELSE 0 END) DESC,
             cp_number
      LIMIT $5`,
    [dobs, fam, giv, postcode, q.limit, q.localAuthority, q.shieldedOnly, s.dob],
  );
}

/**
 * The candidates for a supplied record, best first, and whether the general list was
 * cut short. Shielded children are looked for separately and without a limit, so that
 * a possible duplicate of one is never missed however common the name (the shield
 * rule). A local authority's supply is checked against shielded children of other
 * authorities too, but only by name and date of birth (what an ordinary search shows
 * of a shielded child), and never merged into one.
 */
async function candidatesFor(
  tx: Queryable,
  s: SupplierRecord,
  scope: Scope,
): Promise<{ candidates: Candidate[]; truncated: boolean }> {
  const general = await candidateRows(tx, s, {
    localAuthority: scope.localAuthority,
    shieldedOnly: false,
    withoutPostcode: false,
    limit: MAX_CANDIDATES + 1,
  });
  const truncated = general.length > MAX_CANDIDATES;
  const shielded = await candidateRows(tx, s, {
    localAuthority: scope.localAuthority,
    shieldedOnly: true,
    withoutPostcode: false,
    limit: null,
  });
  const elsewhere =
    scope.localAuthority === null
      ? []
      : await candidateRows(tx, s, { localAuthority: null, shieldedOnly: true, withoutPostcode: true, limit: null });
  const byCp = new Map<string, Candidate>();
  for (const row of [...general.slice(0, MAX_CANDIDATES), ...shielded]) {
    byCp.set(row.cp_number, {
      cpNumber: row.cp_number,
      record: row.record,
      localAuthority: row.local_authority,
      shielded: row.shielded,
      score: matchScore(s, row.record),
      inScope: true,
    });
  }
  for (const row of elsewhere) {
    if (byCp.has(row.cp_number) || row.local_authority === scope.localAuthority) continue;
    byCp.set(row.cp_number, {
      cpNumber: row.cp_number,
      record: row.record,
      localAuthority: row.local_authority,
      shielded: row.shielded,
      // Scored without the address, so whether a review opens says nothing of where the child lives.
      score: matchScore({ ...s, address: null }, row.record),
      inScope: false,
    });
  }
  const candidates = [...byCp.values()].sort((a, b) => b.score - a.score || (a.cpNumber < b.cpNumber ? -1 : 1));
  return { candidates, truncated };
}

/**
 * The held children a new child needs a person's review against: every shielded one
 * that is a possible duplicate (each keeps the new child shield-pending until settled),
 * and the likeliest unshielded ones. When the candidate list was cut short, a child
 * beyond the cut may be the same: the likeliest candidates are reviewed even below the
 * review threshold rather than the child created silently.
 */
function reviewsFor(candidates: readonly Candidate[], truncated: boolean): Candidate[] {
  const possible = candidates.filter((c) => c.score >= REVIEW_THRESHOLD);
  const shielded = possible.filter((c) => c.shielded);
  const others = possible.filter((c) => !c.shielded).slice(0, Math.max(0, MAX_REVIEWS - shielded.length));
  const chosen = [...shielded, ...others];
  if (chosen.length === 0 && truncated) return candidates.filter((c) => c.inScope).slice(0, MAX_REVIEWS);
  return chosen.sort((a, b) => b.score - a.score || (a.cpNumber < b.cpNumber ? -1 : 1));
}

/**
 * The key of a supplier's reference in supply_links. National suppliers' references
 * are national; each authority's adapter numbers its own, so its references are kept
 * per authority (Wirral's "123" is not Cheshire's "123").
 */
function linkSupplier(scope: Scope): string {
  return scope.localAuthority === null ? scope.supplier : `${scope.supplier}:${scope.localAuthority}`;
}

async function link(tx: Queryable, s: SupplierRecord, scope: Scope, cpNumber: string): Promise<void> {
  await tx.query(
    `INSERT INTO supply_links (supplier, supplier_ref, cp_number) VALUES ($1, $2, $3)
     ON CONFLICT (supplier, supplier_ref) DO UPDATE SET cp_number = EXCLUDED.cp_number`,
    [linkSupplier(scope), s.supplierRef, cpNumber],
  );
}

function withSupplierRef(record: ChildRecord, s: SupplierRecord): ChildRecord {
  const refs = record.identifiers.supplierRefs;
  if (refs.some((r) => r.supplier === s.supplier && r.reference === s.supplierRef)) return record;
  return {
    ...record,
    identifiers: { ...record.identifiers, supplierRefs: [...refs, { supplier: s.supplier, reference: s.supplierRef }] },
  };
}

function withFormerNames(record: ChildRecord, s: SupplierRecord): ChildRecord {
  const known = new Set(record.name.former.map((f) => canonicalJson(f)));
  const added = s.name.former.filter((f) => !known.has(canonicalJson(f)));
  if (added.length === 0) return record;
  return { ...record, name: { ...record.name, former: [...record.name.former, ...added].slice(-10) } };
}

/** Who supplies, and when: what each record's audit entry needs. */
interface Intake {
  scope: Scope;
  actor: Actor;
  at: Date;
  /** YYYY-MM-DD by the same clock. */
  today: string;
  randomBytes(size: number): Buffer;
}

/** The record with the supply's involvement in it, if it states one (null: none). */
async function withInvolvement(
  tx: Queryable,
  cpNumber: string | null,
  record: ChildRecord,
  s: SupplierRecord,
  intake: Intake,
) {
  if (s.involvement === undefined) return null;
  return planSuppliedInvolvement(tx, cpNumber, record, linkSupplier(intake.scope), s.involvement, s.receivedAt, () =>
    newInvolvementId(intake.randomBytes),
  );
}

const secondLead = {
  path: 'involvement.leadProfessional',
  message: 'cannot be true: another practitioner is already the lead professional for this child',
};

/** Merge a supply into a held, active child; 'invalid' if the result would not be a valid record. */
async function mergeInto(tx: Queryable, child: StoredChild, s: SupplierRecord, intake: Intake): Promise<SupplyResult> {
  const cpNumber = child.record.cpNumber;
  const applied = applyStatements(
    child.record,
    readProvenance(child.provenance, child.record),
    s.supplier,
    s.receivedAt,
    statementsOf(s),
  );
  const stated = withSupplierRef(withFormerNames(applied.record, s), s);
  const involvement = await withInvolvement(tx, cpNumber, stated, s, intake);
  if (
    (involvement?.outcome === 'added' || involvement?.outcome === 'updated') &&
    wouldBeSecondLead(involvement.record, involvement.involvement, intake.today)
  ) {
    return { supplierRef: s.supplierRef, status: 'invalid', cpNumber, problems: [secondLead] };
  }
  const parsed = childRecordSchema.safeParse(involvement?.record ?? stated);
  if (!parsed.success) {
    return { supplierRef: s.supplierRef, status: 'invalid', cpNumber, problems: problemsOf(parsed.error) };
  }
  if (canonicalJson(parsed.data) === canonicalJson(child.record)) {
    // Nothing new for the record: keep what was said, without a new version in every feed.
    await updateProvenance(tx, cpNumber, applied.provenance);
  } else {
    // shielded comes from the held record and shieldPending is kept: a supply never unshields.
    await updateChild(
      tx,
      cpNumber,
      child.version,
      { ...parsed.data, shielded: child.record.shielded },
      { at: intake.at, provenance: applied.provenance },
    );
    await auditRecord(tx, intake, 'record-changed', cpNumber, 'matched');
  }
  if (involvement)
    await recordSuppliedInvolvement(tx, cpNumber, involvement, linkSupplier(intake.scope), s.receivedAt, intake);
  await link(tx, s, intake.scope, cpNumber);
  return { supplierRef: s.supplierRef, status: 'matched', cpNumber };
}

function auditRecord(
  tx: Queryable,
  intake: Intake,
  action: 'record-created' | 'record-changed',
  cpNumber: string,
  status: SupplyStatus,
) {
  return appendAudit(tx, {
    at: intake.at,
    userId: intake.actor.userId,
    action,
    cpNumber,
    detail: { supplier: intake.scope.supplier, status },
  });
}

/** A new child's record from its first supply's identity; the rest comes from its statements. */
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

const inScope = (scope: Scope, child: StoredChild) =>
  scope.localAuthority === null || child.localAuthority === scope.localAuthority;

async function intakeOne(
  tx: Queryable,
  s: SupplierRecord,
  localAuthority: string,
  intake: Intake,
): Promise<SupplyResult> {
  const { scope, at } = intake;
  // Two supplies of the same reference at once would both find no link and both create.
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`supply:${linkSupplier(scope)}:${s.supplierRef}`]);

  // (a) A reference this supplier has sent before.
  const [linked] = await tx.query<{ cp_number: string }>(
    'SELECT cp_number FROM supply_links WHERE supplier = $1 AND supplier_ref = $2',
    [linkSupplier(scope), s.supplierRef],
  );
  if (linked) {
    const child = await loadChild(tx, linked.cp_number, { forUpdate: true });
    if (child && inScope(scope, child)) {
      if (child.status === 'active') return mergeInto(tx, child, s, intake);
      // An archived child's record is in the archive: a supply does not change it.
      return { supplierRef: s.supplierRef, status: 'matched', cpNumber: linked.cp_number };
    }
    // The child has been destroyed, or transferred out of the adapter's authority: the link is stale.
    await tx.query('DELETE FROM supply_links WHERE supplier = $1 AND supplier_ref = $2', [
      linkSupplier(scope),
      s.supplierRef,
    ]);
  }

  // (b) The NHS number, which is checked and unique to one child.
  if (s.nhsNumber !== undefined) {
    const [byNhs] = await tx.query<{ cp_number: string }>(
      `SELECT cp_number FROM children WHERE nhs_number = $1 AND status = 'active' AND ($2::text IS NULL OR local_authority = $2)
        ORDER BY cp_number LIMIT 1`,
      [s.nhsNumber, scope.localAuthority],
    );
    if (byNhs) {
      const child = await loadChild(tx, byNhs.cp_number, { forUpdate: true });
      if (child) return mergeInto(tx, child, s, intake);
    }
  }

  // (c) Name, date of birth and postcode, scored.
  const { candidates, truncated } = await candidatesFor(tx, s, scope);
  const best = candidates.find((c) => c.inScope);
  if (best && matchDecision(best.score) === 'match') {
    const child = await loadChild(tx, best.cpNumber, { forUpdate: true });
    if (child) return mergeInto(tx, child, s, intake);
  }
  const possible = reviewsFor(candidates, truncated);
  const shieldPending = possible.some((c) => c.shielded);

  // The children the new one will be linked to are locked now, before its insert takes
  // the feed head (reviews.ts lockLinkedChildren).
  if (possible.length > 0)
    await lockLinkedChildren(
      tx,
      possible.map((c) => c.cpNumber),
    );
  const [serial] = await tx.query<{ n: number }>("SELECT nextval('cp_serial') AS n");
  const cpNumber = cpNumberFromSerial(serial!.n);
  const { record, provenance } = applyStatements(
    newChildRecord(cpNumber, localAuthority, s),
    {},
    s.supplier,
    s.receivedAt,
    statementsOf(s),
  );
  const involvement = await withInvolvement(tx, null, record, s, intake);
  const parsed = childRecordSchema.safeParse(involvement?.record ?? record);
  if (!parsed.success) return { supplierRef: s.supplierRef, status: 'invalid', problems: problemsOf(parsed.error) };
  await insertChild(tx, parsed.data, { at, provenance, shieldPending });
  await link(tx, s, scope, cpNumber);
  for (const c of possible) {
    await tx.query(
      'INSERT INTO match_reviews (cp_number, candidate_cp_number, score, created_at) VALUES ($1, $2, $3, $4)',
      [cpNumber, c.cpNumber, c.score, at],
    );
  }
  // The new child is pending already if a candidate is shielded; this also makes the
  // held children it links to shielded ones pending (the rule is symmetric).
  if (possible.length > 0) await recomputeShieldPending(tx, [cpNumber], at);
  const status: SupplyStatus = possible.length > 0 ? 'possible-duplicate' : 'created';
  await auditRecord(tx, intake, 'record-created', cpNumber, status);
  if (involvement)
    await recordSuppliedInvolvement(tx, cpNumber, involvement, linkSupplier(scope), s.receivedAt, intake);
  return { supplierRef: s.supplierRef, status, cpNumber };
}

/**
 * Take in one supply. The caller is a supplier's system (supplying as its
 * organisation's supplier, matched nationally) or a local authority team (supplying
 * its own authority's local data as 'local-authority', matched only to its own
 * authority's children). A record naming another supplier is refused alone, and so is
 * one with impossible dates. Each record is taken in, and audited, in its own
 * transaction, so a failure part-way leaves every earlier record taken in and audited.
 */
export async function receiveSupply(
  ctx: ServiceContext,
  actor: Actor,
  body: SupplyBody,
): Promise<{ results: SupplyResult[] }> {
  const supplier = supplierOf(actor);
  if (supplier === null) throw forbidden('not-a-supplier', 'This account does not supply records.');
  if (supplier === 'local-authority' && body.localAuthority !== actor.localAuthority) {
    throw forbidden('other-authority', "A local authority team may supply only its own authority's local data.");
  }
  const scope: Scope = { supplier, localAuthority: supplier === 'local-authority' ? body.localAuthority : null };
  const results: SupplyResult[] = [];
  for (const s of body.records) {
    if (s.supplier !== supplier) {
      results.push({
        supplierRef: s.supplierRef,
        status: 'forbidden',
        problems: [{ path: 'supplier', message: `must be "${supplier}", the supplier this account supplies as` }],
      });
      continue;
    }
    const problems = supplyRecordProblems(s, today(ctx.clock));
    if (problems.length > 0) {
      results.push({ supplierRef: s.supplierRef, status: 'invalid', problems });
      continue;
    }
    results.push(
      await intakeRecord(ctx, s, body.localAuthority, {
        scope,
        actor,
        at: ctx.clock.now(),
        today: today(ctx.clock),
        randomBytes: ctx.randomBytes,
      }),
    );
  }
  const counts: Record<SupplyStatus, number> = {
    matched: 0,
    created: 0,
    'possible-duplicate': 0,
    invalid: 0,
    forbidden: 0,
  };
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

/**
 * One record in its own transaction. Date arithmetic on the record's own values (an
 * archive date beyond the calendar) fails with a RangeError: that is the record's
 * fault, so it is answered 'invalid' and nothing of it is kept. Anything else is ours,
 * and propagates.
 */
async function intakeRecord(
  ctx: ServiceContext,
  s: SupplierRecord,
  localAuthority: string,
  intake: Intake,
): Promise<SupplyResult> {
  try {
    return await ctx.db.transaction((tx) => intakeOne(tx, s, localAuthority, intake));
  } catch (e) {
    if (e instanceof RangeError) {
      return {
        supplierRef: s.supplierRef,
        status: 'invalid',
        problems: [{ path: '', message: "the record's dates are outside the range ContactPoint can hold" }],
      };
    }
    throw e;
  }
}

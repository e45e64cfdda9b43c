// Match reviews: a person decides whether a child created from a supply is the same as
// a held child it resembles. Until then the new child is shield-pending if the held
// one is shielded (see intake.ts). "Same child" merges the new record into the held one
// and removes it (a 'merged' tombstone in its authority's feed); "different children"
// lifts the pending shield once no open review of the new child is against a shielded
// child. Either way, every child whose reviews changed has its pending shield settled
// again from its open reviews.
import type { MatchReviewDecision, MatchReviewStatus, MatchReviewView } from '../../domain/api/supply.js';
import { childRecordSchema, type ChildRecord } from '../../domain/child-record.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../context.js';
import { ApiError, conflict, forbidden, notFound } from '../http/api-error.js';
import { problemsOf } from '../http/validation.js';
import { loadChild, removeMergedChild, updateChild, type StoredChild } from '../records/child-store.js';
import { markUnshieldRequestsStale } from '../shields/shields.js';
import type { Queryable } from '../store/database.js';
import { foldProvenance, readProvenance } from './provenance.js';

const MAX_LISTED = 500;

interface ReviewRow {
  id: number;
  cp_number: string;
  candidate_cp_number: string;
  score: number;
  status: MatchReviewStatus;
  created_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  local_authority: string | null;
  shield_pending: boolean | null;
}

function viewOf(row: ReviewRow): MatchReviewView {
  return {
    id: row.id,
    cpNumber: row.cp_number,
    candidateCpNumber: row.candidate_cp_number,
    localAuthority: row.local_authority,
    score: Math.round(row.score * 1000) / 1000,
    status: row.status,
    shieldPending: row.shield_pending === true,
    createdAt: row.created_at.toISOString(),
    ...(row.resolved_at ? { resolvedAt: row.resolved_at.toISOString() } : {}),
    ...(row.resolved_by ? { resolvedBy: row.resolved_by } : {}),
  };
}

/** A data manager sees every authority's reviews; a local authority team its own authority's. */
function authorityScope(actor: Actor): string | null {
  if (hasRole(actor, 'data-manager')) return null;
  if (hasRole(actor, 'la-team') && actor.localAuthority !== null) return actor.localAuthority;
  throw forbidden('reviews-not-permitted', 'Only a local authority team or a data manager may review matches.');
}

/** Reviews in `status`, oldest first, for the actor's authority (or all, for a data manager). */
export async function listMatchReviews(ctx: ServiceContext, actor: Actor, status: MatchReviewStatus): Promise<{ reviews: MatchReviewView[] }> {
  const scope = authorityScope(actor);
  // A list of CP numbers read by the management team: on the record like any read.
  await ctx.db.transaction((tx) => appendAudit(tx, { at: ctx.clock.now(), userId: actor.userId, action: 'match-reviews-read', detail: { status } }));
  const rows = await ctx.db.query<ReviewRow>(
    `SELECT r.id, r.cp_number, r.candidate_cp_number, r.score, r.status, r.created_at, r.resolved_at, r.resolved_by,
            c.local_authority, c.shield_pending
       FROM match_reviews r LEFT JOIN children c ON c.cp_number = r.cp_number
      WHERE r.status = $1 AND ($2::text IS NULL OR c.local_authority = $2)
      ORDER BY r.id
      LIMIT $3`,
    [status, scope, MAX_LISTED],
  );
  return { reviews: rows.map(viewOf) };
}

function union<T>(a: readonly T[], b: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((t) => !seen.has(key(t)))];
}

/**
 * The surviving record after a merge, before supplied fields are settled by
 * provenance: the survivor's own values, plus what only the duplicate knows: its
 * involvements (practitioners may have recorded them meanwhile), parents, setting,
 * GP, identifiers and supplier references. A shield on either stays.
 */
function mergedRecord(survivor: StoredChild, duplicate: StoredChild): ChildRecord {
  const s = survivor.record;
  const d = duplicate.record;
  return {
    ...s,
    shielded: s.shielded || d.shielded,
    name: { ...s.name, former: union(s.name.former, d.name.former, (f) => `${f.given ?? ''}|${f.family}`).slice(-10) },
    parents: union(s.parents, d.parents, (p) => `${p.name}|${p.relationship}`).slice(0, 8),
    ...(s.education === undefined && d.education !== undefined ? { education: d.education } : {}),
    ...(s.gp === undefined && d.gp !== undefined ? { gp: d.gp } : {}),
    involvements: union(s.involvements, d.involvements, (i) => i.id).slice(0, 100),
    identifiers: {
      ...s.identifiers,
      ...(s.identifiers.nhsNumber === undefined && d.identifiers.nhsNumber !== undefined ? { nhsNumber: d.identifiers.nhsNumber } : {}),
      ...(s.identifiers.upn === undefined && d.identifiers.upn !== undefined ? { upn: d.identifiers.upn } : {}),
      supplierRefs: union(s.identifiers.supplierRefs, d.identifiers.supplierRefs, (r) => `${r.supplier}|${r.reference}`),
    },
  };
}

export async function mergeChildren(tx: Queryable, survivor: StoredChild, duplicate: StoredChild, at: Date): Promise<{ version: number; moved: string[] }> {
  const survivorCp = survivor.record.cpNumber;
  const duplicateCp = duplicate.record.cpNumber;
  // Supplied fields follow the newest statement of either record; the rest is the union.
  const folded = foldProvenance(
    mergedRecord(survivor, duplicate),
    readProvenance(survivor.provenance, survivor.record),
    readProvenance(duplicate.provenance, duplicate.record),
  );
  const provenance = folded.provenance;
  const parsed = childRecordSchema.safeParse(folded.record);
  if (!parsed.success) {
    throw new ApiError(409, 'merge-invalid', 'The two records cannot be merged as they stand: correct them first.', {
      problems: problemsOf(parsed.error),
    });
  }
  const updated = await updateChild(tx, survivorCp, survivor.version, parsed.data, { at, provenance });
  await removeMergedChild(tx, duplicateCp, { at });
  // The survivor may now carry the duplicate's shield too: a request to remove either
  // one's shield was about a record that is no more.
  await markUnshieldRequestsStale(tx, [survivorCp, duplicateCp], at);
  await tx.query('UPDATE supply_links SET cp_number = $1 WHERE cp_number = $2', [survivorCp, duplicateCp]);
  await tx.query(
    `INSERT INTO involvement_owners (cp_number, involvement_id, user_id, supplier, supplied_on)
     SELECT $1, involvement_id, user_id, supplier, supplied_on FROM involvement_owners WHERE cp_number = $2
     ON CONFLICT (cp_number, involvement_id) DO NOTHING`,
    [survivorCp, duplicateCp],
  );
  await tx.query('DELETE FROM involvement_owners WHERE cp_number = $1', [duplicateCp]);
  // Other open reviews of the duplicate now concern the survivor; one that would compare
  // the survivor with itself has nothing left to decide. The new children whose reviews
  // moved are returned: their pending shields must be worked out again.
  await tx.query("UPDATE match_reviews SET cp_number = $1 WHERE cp_number = $2 AND status = 'open'", [survivorCp, duplicateCp]);
  const moved = await tx.query<{ cp_number: string }>(
    "UPDATE match_reviews SET candidate_cp_number = $1 WHERE candidate_cp_number = $2 AND status = 'open' RETURNING cp_number",
    [survivorCp, duplicateCp],
  );
  await tx.query("DELETE FROM match_reviews WHERE status = 'open' AND cp_number = candidate_cp_number");
  return { version: updated.version, moved: moved.map((r) => r.cp_number).filter((cp) => cp !== survivorCp) };
}

/**
 * Work out a new child's pending shield again from its open reviews: pending exactly
 * while one of them is against a shielded (or shield-pending) child. Written through
 * child-store, so the feed carries the change. Returns the child as it now stands.
 */
export async function settleShieldPending(tx: Queryable, cpNumber: string, at: Date): Promise<StoredChild | null> {
  const child = await loadChild(tx, cpNumber, { forUpdate: true });
  if (!child || child.status !== 'active') return child;
  const [row] = await tx.query<{ pending: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM match_reviews r JOIN children c ON c.cp_number = r.candidate_cp_number
        WHERE r.cp_number = $1 AND r.status = 'open' AND c.shielded) AS pending`,
    [cpNumber],
  );
  const pending = row?.pending === true;
  if (pending === child.shieldPending) return child;
  return updateChild(tx, cpNumber, child.version, child.record, { at, shieldPending: pending });
}

export interface ResolveOutcome {
  id: number;
  status: MatchReviewDecision;
  /** The child that remains: the held child after a merge, the new child otherwise. */
  cpNumber: string;
  version: number;
  shieldPending: boolean;
}

/** Settle one open review. 404 unknown, 409 already settled or a child gone, 403 another authority's. */
export async function resolveMatchReview(ctx: ServiceContext, actor: Actor, id: number, decision: MatchReviewDecision): Promise<ResolveOutcome> {
  const scope = authorityScope(actor);
  return ctx.db.transaction(async (tx) => {
    const [review] = await tx.query<{ cp_number: string; candidate_cp_number: string; status: MatchReviewStatus }>(
      'SELECT cp_number, candidate_cp_number, status FROM match_reviews WHERE id = $1 FOR UPDATE',
      [id],
    );
    if (!review) throw notFound('There is no match review with that id.');
    if (review.status !== 'open') throw conflict('review-resolved', `This review was already resolved as "${review.status}".`);
    // Lock both children in a fixed order, so two resolutions never wait on each other.
    const [first, second] = [review.cp_number, review.candidate_cp_number].sort();
    const locked = new Map<string, StoredChild | null>();
    locked.set(first!, await loadChild(tx, first!, { forUpdate: true }));
    locked.set(second!, await loadChild(tx, second!, { forUpdate: true }));
    const created = locked.get(review.cp_number) ?? null;
    const held = locked.get(review.candidate_cp_number) ?? null;
    if (!created) throw conflict('review-stale', 'The child created from the supply no longer exists.');
    if (scope !== null && created.localAuthority !== scope) {
      throw forbidden('other-authority', "A local authority team may resolve only its own authority's reviews.");
    }
    const at = ctx.clock.now();
    await tx.query("UPDATE match_reviews SET status = $2, resolved_at = $3, resolved_by = $4 WHERE id = $1", [id, decision, at, actor.userId]);

    let outcome: ResolveOutcome;
    if (decision === 'same-child') {
      if (!held || held.status !== 'active' || created.status !== 'active') {
        throw conflict('review-stale', 'One of the two children is no longer active: they cannot be merged.');
      }
      // A merge rewrites the held child: a team may merge only into its own authority's.
      if (scope !== null && held.localAuthority !== scope) {
        throw forbidden('other-authority', "A local authority team may merge only into its own authority's children: a data manager can resolve this review.");
      }
      const merged = await mergeChildren(tx, held, created, at);
      // The survivor now carries the duplicate's open reviews, and children reviewed
      // against the duplicate are now reviewed against the survivor: settle each one's
      // pending shield (a fixed order, as above).
      for (const cp of [...new Set(merged.moved)].sort()) await settleShieldPending(tx, cp, at);
      const survivor = (await settleShieldPending(tx, review.candidate_cp_number, at))!;
      outcome = { id, status: decision, cpNumber: review.candidate_cp_number, version: survivor.version, shieldPending: survivor.shieldPending };
      await appendAudit(tx, {
        at,
        userId: actor.userId,
        action: 'match-resolved',
        cpNumber: review.candidate_cp_number,
        detail: { reviewId: id, decision, duplicate: review.cp_number },
      });
    } else {
      const current = (await settleShieldPending(tx, review.cp_number, at)) ?? created;
      outcome = { id, status: decision, cpNumber: review.cp_number, version: current.version, shieldPending: current.shieldPending };
      await appendAudit(tx, {
        at,
        userId: actor.userId,
        action: 'match-resolved',
        cpNumber: review.cp_number,
        detail: { reviewId: id, decision, candidate: review.candidate_cp_number },
      });
    }
    return outcome;
  });
}

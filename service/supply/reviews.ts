// Match reviews: a person decides whether a child created from a supply is the same as
// a held child it resembles. Until then each is shield-pending if the other is shielded
// (recomputeShieldPending below has the rule). "Same child" merges the new record into
// the held one and removes it (a 'merged' tombstone in its authority's feed);
// "different children" unlinks the two. Either way, every child linked to either of
// them has its pending shield worked out again in the same transaction.
//
// "Different children" on a review where either child is shielded or shield-pending can
// end a pending shield (recomputeShieldPending), after which the new record's address is
// found like any other: if the two really are one shielded child, one person would have
// exposed its new address. So there it takes two independent people (issue 18): the
// first decision is only proposed (second_look 'awaiting-second-person', migration 17;
// the review stays open, and the pending shield with it); a second person independent of
// the first (accounts/account-requests.ts independenceProblem) who also decides
// "different children" settles it. A second who decides "same child" disagrees: the
// review is 'disputed' and only a data manager independent of both may settle it. The
// review list is blind: a team sees only that a second look is needed, never the first
// decision or who made it; a data manager sees both.
//
// A second look for doubtful pairs (issue 20, item 4; migration 18): a team member who
// decides that two of their authority's children, a pair from the review band below the
// automatic threshold, are one child does not merge them. openBandReview records that
// decision on a review (origin 'review-band', proposed_decision 'same-child'); a second
// member independent of the first decides without seeing it or the score: the same
// decision settles it (a merge), the other is a dispute for a data manager. While such a
// review is open, neither the sync feed's merge nor its "not a duplicate" settles the pair
// (service/sync/submissions.ts). matchReviewAgreement counts how often second looks agree.
import type {
  MatchReviewAgreement,
  MatchReviewDecision,
  MatchReviewOrigin,
  MatchReviewStatus,
  MatchReviewView,
  OpenBandReview,
} from '../../domain/api/supply.js';
import { childRecordSchema, type ChildRecord } from '../../domain/child-record.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { independenceProblem } from '../accounts/account-requests.js';
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
  second_look: SecondLook | null;
  proposed_by: string | null;
  proposed_at: Date | null;
  disputed_by: string | null;
  disputed_at: Date | null;
  origin: MatchReviewOrigin;
  proposed_decision: MatchReviewDecision | null;
}

/** Where an open review stands when one person's decision is not enough (migration 17). */
export type SecondLook = 'awaiting-second-person' | 'disputed';

/**
 * A review as listed: a team sees only whether a second look is needed; a data manager
 * also the decisions so far and where the review came from. A team's doubtful pair
 * awaiting its second look comes without its score: the second person decides on the
 * records alone.
 */
export interface MatchReviewListItem extends Omit<MatchReviewView, 'score'> {
  score?: number;
  /** Data managers only. */
  origin?: MatchReviewOrigin;
  /** Open reviews only. 'needed': one person has decided, another must; 'data-manager': only a data manager may settle it. */
  secondLook?: 'needed' | 'data-manager';
  /** Data managers only: the decisions made so far on an open review, oldest first. */
  decisions?: { decision: MatchReviewDecision; by: string; at: string }[];
}

function viewOf(row: ReviewRow, seesDecisions: boolean): MatchReviewListItem {
  const open = row.status === 'open' && row.second_look !== null;
  const decisions: NonNullable<MatchReviewListItem['decisions']> = [];
  const proposed = row.proposed_decision ?? 'different-children';
  if (open && row.proposed_by !== null && row.proposed_at !== null)
    decisions.push({ decision: proposed, by: row.proposed_by, at: row.proposed_at.toISOString() });
  if (open && row.disputed_by !== null && row.disputed_at !== null)
    decisions.push({ decision: otherDecision(proposed), by: row.disputed_by, at: row.disputed_at.toISOString() });
  const blindScore = !seesDecisions && row.origin === 'review-band' && row.status === 'open';
  return {
    id: row.id,
    cpNumber: row.cp_number,
    candidateCpNumber: row.candidate_cp_number,
    localAuthority: row.local_authority,
    ...(blindScore ? {} : { score: Math.round(row.score * 1000) / 1000 }),
    ...(seesDecisions ? { origin: row.origin } : {}),
    status: row.status,
    shieldPending: row.shield_pending === true,
    createdAt: row.created_at.toISOString(),
    ...(row.resolved_at ? { resolvedAt: row.resolved_at.toISOString() } : {}),
    ...(row.resolved_by ? { resolvedBy: row.resolved_by } : {}),
    ...(open ? { secondLook: row.second_look === 'disputed' ? ('data-manager' as const) : ('needed' as const) } : {}),
    ...(open && seesDecisions ? { decisions } : {}),
  };
}

const otherDecision = (d: MatchReviewDecision): MatchReviewDecision =>
  d === 'same-child' ? 'different-children' : 'same-child';

/** A data manager sees every authority's reviews; a local authority team its own authority's. */
function authorityScope(actor: Actor): string | null {
  if (hasRole(actor, 'data-manager')) return null;
  if (hasRole(actor, 'la-team') && actor.localAuthority !== null) return actor.localAuthority;
  throw forbidden('reviews-not-permitted', 'Only a local authority team or a data manager may review matches.');
}

/** Reviews in `status`, oldest first, for the actor's authority (or all, for a data manager). */
export async function listMatchReviews(
  ctx: ServiceContext,
  actor: Actor,
  status: MatchReviewStatus,
): Promise<{ reviews: MatchReviewListItem[] }> {
  const scope = authorityScope(actor);
  // A list of CP numbers read by the management team: on the record like any read.
  await ctx.db.transaction((tx) =>
    appendAudit(tx, { at: ctx.clock.now(), userId: actor.userId, action: 'match-reviews-read', detail: { status } }),
  );
  const rows = await ctx.db.query<ReviewRow>(
    `SELECT r.id, r.cp_number, r.candidate_cp_number, r.score, r.status, r.created_at, r.resolved_at, r.resolved_by,
            r.second_look, r.proposed_by, r.proposed_at, r.disputed_by, r.disputed_at, r.origin, r.proposed_decision,
            c.local_authority, c.shield_pending
       FROM match_reviews r LEFT JOIN children c ON c.cp_number = r.cp_number
      WHERE r.status = $1 AND ($2::text IS NULL OR c.local_authority = $2)
      ORDER BY r.id
      LIMIT $3`,
    [status, scope, MAX_LISTED],
  );
  // Blind: the first decision, and who made it, only to a data manager (scope null).
  return { reviews: rows.map((row) => viewOf(row, scope === null)) };
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
      ...(s.identifiers.nhsNumber === undefined && d.identifiers.nhsNumber !== undefined
        ? { nhsNumber: d.identifiers.nhsNumber }
        : {}),
      ...(s.identifiers.upn === undefined && d.identifiers.upn !== undefined ? { upn: d.identifiers.upn } : {}),
      supplierRefs: union(
        s.identifiers.supplierRefs,
        d.identifiers.supplierRefs,
        (r) => `${r.supplier}|${r.reference}`,
      ),
    },
  };
}

const clearSecondLook =
  'second_look = NULL, proposed_by = NULL, proposed_at = NULL, proposed_decision = NULL, disputed_by = NULL, disputed_at = NULL';

export async function mergeChildren(
  tx: Queryable,
  survivor: StoredChild,
  duplicate: StoredChild,
  at: Date,
): Promise<{ version: number; moved: string[] }> {
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
  // A moved review is about another pair now: any decision already made on it is void.
  await tx.query(
    `UPDATE match_reviews SET cp_number = $1, ${clearSecondLook} WHERE cp_number = $2 AND status = 'open'`,
    [survivorCp, duplicateCp],
  );
  const moved = await tx.query<{ cp_number: string }>(
    `UPDATE match_reviews SET candidate_cp_number = $1, ${clearSecondLook} WHERE candidate_cp_number = $2 AND status = 'open' RETURNING cp_number`,
    [survivorCp, duplicateCp],
  );
  await tx.query("DELETE FROM match_reviews WHERE status = 'open' AND cp_number = candidate_cp_number");
  return { version: updated.version, moved: moved.map((r) => r.cp_number).filter((cp) => cp !== survivorCp) };
}

/** A child's row as the pending-shield rule needs it. */
interface ShieldRow {
  cp_number: string;
  status: 'active' | 'archived';
  own: boolean;
  shield_pending: boolean;
}

/** Every child linked to `seeds` through open match reviews, either side, any authority (the seeds too). */
async function linkedChildren(tx: Queryable, seeds: readonly string[]): Promise<string[]> {
  const rows = await tx.query<{ cp: string }>(
    `WITH RECURSIVE linked(cp) AS (
       SELECT unnest($1::text[])
       UNION
       SELECT CASE WHEN r.cp_number = l.cp THEN r.candidate_cp_number ELSE r.cp_number END
         FROM linked l JOIN match_reviews r ON r.status = 'open' AND (r.cp_number = l.cp OR r.candidate_cp_number = l.cp))
     SELECT cp FROM linked`,
    [[...seeds]],
  );
  return rows.map((r) => r.cp);
}

/**
 * Lock the rows of every child linked to `seeds` by open reviews (the seeds too), in
 * CP number order, and return them. Locked, then looked for again: a review committed
 * meanwhile may have linked more. recomputeShieldPending does this itself; a path that
 * is about to write a child should call it first, before that write takes its
 * authority's feed head: rows are locked before feed heads everywhere, and a row locked
 * after a head would wait on any writer of that row waiting for the head (a deadlock).
 */
export async function lockLinkedChildren(tx: Queryable, seeds: readonly string[]): Promise<string[]> {
  let members = await linkedChildren(tx, seeds);
  for (const locked = new Set<string>(); ;) {
    const fresh = members.filter((cp) => !locked.has(cp)).sort();
    if (fresh.length === 0) return members;
    await tx.query('SELECT 1 FROM children WHERE cp_number = ANY($1::text[]) ORDER BY cp_number FOR UPDATE', [fresh]);
    for (const cp of fresh) locked.add(cp);
    members = await linkedChildren(tx, [...locked]);
  }
}

/**
 * The pending-shield rule, worked out again for every child linked to `seeds`: a child
 * is shield-pending exactly while open match reviews (on either side, in any authority,
 * through any number of other reviews) link it to another child whose own record is
 * shielded. "May be the same child" is symmetric, and passes along a chain: if the new
 * record N may be the held H, and N may be the shielded S, then H may be S, and a search
 * by H's postcode could find S's home (the 2009 failure). It lifts only when a person
 * resolves the reviews that make the link, or the shield at its end comes off.
 *
 * Call it in the transaction of every change to a shield or to open reviews, after the
 * change, with the children the change touched: each child whose flag changes is
 * written through child-store (version bump, an upsert in its authority's feed), so
 * synced working sets have it at their next sync. Before working anything out, the
 * linked children's rows are locked in one order: two changes to linked children then
 * settle one after the other, the second seeing the first, and neither writes a flag
 * from a stale view. Returns the seeds that remain, as they now stand.
 */
export async function recomputeShieldPending(
  tx: Queryable,
  seeds: readonly string[],
  at: Date,
): Promise<Map<string, StoredChild>> {
  const members = await lockLinkedChildren(tx, seeds);
  const rows = await tx.query<ShieldRow>(
    "SELECT cp_number, status, (record->>'shielded')::boolean AS own, shield_pending FROM children WHERE cp_number = ANY($1::text[])",
    [members],
  );
  const edges = await tx.query<{ cp_number: string; candidate_cp_number: string }>(
    "SELECT cp_number, candidate_cp_number FROM match_reviews WHERE status = 'open' AND cp_number = ANY($1::text[])",
    [members],
  );
  // Union-find over the linked children: each group counts its own shields.
  const parent = new Map(members.map((cp) => [cp, cp]));
  const root = (cp: string): string => {
    let r = cp;
    while (parent.get(r) !== r) r = parent.get(r) ?? r;
    parent.set(cp, r);
    return r;
  };
  for (const e of edges) {
    if (parent.has(e.candidate_cp_number)) parent.set(root(e.cp_number), root(e.candidate_cp_number));
  }
  const shieldsIn = new Map<string, number>();
  for (const row of rows)
    if (row.own) shieldsIn.set(root(row.cp_number), (shieldsIn.get(root(row.cp_number)) ?? 0) + 1);
  // An archived child still links (its reviews stay open), but only active records are
  // written: an archived one is in no working set and no ordinary search.
  const changed = rows
    .filter((row) => row.status === 'active')
    .map((row) => ({
      cp: row.cp_number,
      pending: (shieldsIn.get(root(row.cp_number)) ?? 0) - (row.own ? 1 : 0) > 0,
      was: row.shield_pending,
    }))
    .filter((c) => c.pending !== c.was)
    .sort((a, b) => (a.cp < b.cp ? -1 : 1));
  const now = new Map<string, StoredChild>();
  for (const { cp, pending } of changed) {
    const child = (await loadChild(tx, cp, { forUpdate: true }))!;
    now.set(cp, await updateChild(tx, cp, child.version, child.record, { at, shieldPending: pending }));
  }
  for (const cp of seeds) {
    const child = now.get(cp) ?? (await loadChild(tx, cp));
    if (child) now.set(cp, child);
  }
  return new Map(seeds.flatMap((cp) => (now.has(cp) ? [[cp, now.get(cp)!] as const] : [])));
}

export interface ResolveOutcome {
  id: number;
  /**
   * The decision, once it is settled; 'awaiting-second-person' when the decision was the
   * first of two; 'disputed' when a second person disagreed (a data manager settles it).
   */
  status: MatchReviewDecision | SecondLook;
  /** The child that remains: the held child after a merge, the new child otherwise. */
  cpNumber: string;
  version: number;
  shieldPending: boolean;
}

/**
 * Whether "different children" needs a second person: when either child is shielded or
 * shield-pending. Otherwise neither is in a group with a shield (recomputeShieldPending
 * keeps the flags exact in every transaction that changes them), so unlinking the two
 * changes no pending shield and exposes nothing.
 */
export function needsSecondPerson(created: StoredChild, held: StoredChild | null): boolean {
  return [created, held].some((c) => c !== null && (c.record.shielded || c.shieldPending));
}

async function mustBeIndependent(tx: Queryable, actor: Actor, others: readonly (string | null)[]): Promise<void> {
  for (const other of others) {
    if (other === null) continue;
    if (other === actor.userId)
      throw forbidden(
        'own-request',
        'You have already decided this review: a second person, independent of you, must decide it.',
      );
    if ((await independenceProblem(tx, actor.userId, other)) !== null)
      throw forbidden(
        'not-independent',
        'You took part in issuing credentials or powers to a person who already decided this review (or they to you): a second person independent of them must decide it.',
      );
  }
}

interface LockedReview {
  cp_number: string;
  candidate_cp_number: string;
  status: MatchReviewStatus;
  second_look: SecondLook | null;
  proposed_by: string | null;
  proposed_decision: MatchReviewDecision | null;
  disputed_by: string | null;
}

/**
 * Decide one open review. 404 unknown, 409 already settled or a child gone, 403 another
 * authority's. "Different children" where either child is shielded or shield-pending is
 * settled only by a second independent person (see the top of this file): the first
 * decision leaves the review open, 'awaiting-second-person'.
 */
export async function resolveMatchReview(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  decision: MatchReviewDecision,
): Promise<ResolveOutcome> {
  const scope = authorityScope(actor);
  return ctx.db.transaction(async (tx) => {
    const [review] = await tx.query<LockedReview>(
      'SELECT cp_number, candidate_cp_number, status, second_look, proposed_by, proposed_decision, disputed_by FROM match_reviews WHERE id = $1 FOR UPDATE',
      [id],
    );
    if (!review) throw notFound('There is no match review with that id.');
    if (review.status !== 'open')
      throw conflict('review-resolved', `This review was already resolved as "${review.status}".`);
    // Lock both children in a fixed order, so two resolutions never wait on each other.
    const [first, second] = [review.cp_number, review.candidate_cp_number].sort();
    const locked = new Map<string, StoredChild | null>();
    locked.set(first!, await loadChild(tx, first!, { forUpdate: true }));
    locked.set(second!, await loadChild(tx, second!, { forUpdate: true }));
    // And every child linked to them, before anything is written (see lockLinkedChildren).
    await lockLinkedChildren(tx, [first!, second!]);
    const created = locked.get(review.cp_number) ?? null;
    const held = locked.get(review.candidate_cp_number) ?? null;
    if (!created) throw conflict('review-stale', 'The child created from the supply no longer exists.');
    if (scope !== null && created.localAuthority !== scope) {
      throw forbidden('other-authority', "A local authority team may resolve only its own authority's reviews.");
    }
    const at = ctx.clock.now();
    const audit = (detail: Record<string, unknown>, cpNumber = review.cp_number) =>
      appendAudit(tx, { at, userId: actor.userId, action: 'match-resolved', cpNumber, detail });
    const pending = (status: SecondLook): ResolveOutcome => ({
      id,
      status,
      cpNumber: review.cp_number,
      version: created.version,
      shieldPending: created.shieldPending,
    });
    /** Who decided before, for the audit entry of the settling decision. */
    const earlier = {
      ...(review.proposed_by !== null ? { proposedBy: review.proposed_by } : {}),
      ...(review.disputed_by !== null ? { disputedBy: review.disputed_by } : {}),
    };

    if (review.second_look === 'disputed') {
      // Two people disagreed: a data manager settles it, independent of both.
      if (scope !== null)
        throw conflict(
          'review-disputed',
          'Two people disagreed about this review: a data manager will settle it, and a team can no longer.',
        );
      await mustBeIndependent(tx, actor, [review.proposed_by, review.disputed_by]);
    } else if (review.second_look === 'awaiting-second-person') {
      await mustBeIndependent(tx, actor, [review.proposed_by]);
      // A team member who decides otherwise than the first (the same child where the first
      // saw two, or two where a doubtful pair's first look saw one) disagrees; a data
      // manager, who settles disagreements, settles it with their decision.
      if (decision !== (review.proposed_decision ?? 'different-children') && scope !== null) {
        await tx.query(
          "UPDATE match_reviews SET second_look = 'disputed', disputed_by = $2, disputed_at = $3 WHERE id = $1",
          [id, actor.userId, at],
        );
        await audit({ reviewId: id, decision, candidate: review.candidate_cp_number, step: 'disputed' });
        return pending('disputed');
      }
    } else if (decision === 'different-children' && needsSecondPerson(created, held)) {
      // The first of two: nothing changes but the review's state.
      await tx.query(
        `UPDATE match_reviews SET second_look = 'awaiting-second-person', proposed_by = $2, proposed_at = $3,
           proposed_decision = 'different-children', local_authority = $4 WHERE id = $1`,
        [id, actor.userId, at, created.localAuthority],
      );
      await audit({ reviewId: id, decision, candidate: review.candidate_cp_number, step: 'first-of-two' });
      return pending('awaiting-second-person');
    }

    await tx.query(
      'UPDATE match_reviews SET status = $2, resolved_at = $3, resolved_by = $4, second_look = NULL WHERE id = $1',
      [id, decision, at, actor.userId],
    );

    if (decision === 'same-child') {
      if (!held || held.status !== 'active' || created.status !== 'active') {
        throw conflict('review-stale', 'One of the two children is no longer active: they cannot be merged.');
      }
      // A merge rewrites the held child: a team may merge only into its own authority's.
      if (scope !== null && held.localAuthority !== scope) {
        throw forbidden(
          'other-authority',
          "A local authority team may merge only into its own authority's children: a data manager can resolve this review.",
        );
      }
      const merged = await mergeChildren(tx, held, created, at);
      // The survivor now carries the duplicate's open reviews (and perhaps its shield),
      // and children reviewed against the duplicate are now reviewed against the survivor.
      const survivor = (await recomputeShieldPending(tx, [review.candidate_cp_number, ...merged.moved], at)).get(
        review.candidate_cp_number,
      )!;
      await audit({ reviewId: id, decision, duplicate: review.cp_number, ...earlier }, review.candidate_cp_number);
      return {
        id,
        status: decision,
        cpNumber: review.candidate_cp_number,
        version: survivor.version,
        shieldPending: survivor.shieldPending,
      };
    }
    // Both sides: the held child may have been pending through the new one too.
    const current =
      (await recomputeShieldPending(tx, [review.cp_number, review.candidate_cp_number], at)).get(review.cp_number) ??
      created;
    await audit({ reviewId: id, decision, candidate: review.candidate_cp_number, ...earlier });
    return {
      id,
      status: decision,
      cpNumber: review.cp_number,
      version: current.version,
      shieldPending: current.shieldPending,
    };
  });
}

export interface BandReviewOpened {
  id: number;
  status: 'awaiting-second-person';
  cpNumber: string;
  candidateCpNumber: string;
}

/**
 * A team member decided that a doubtful pair of their authority's children (the review
 * band) is one child: the decision is recorded on a review, for a second member
 * independent of them to decide blind (see the top of this file). An open review of the
 * pair that nobody has decided yet becomes this one (turned so that `cpNumber` is the one
 * merged away); one that already waits for a second person is refused: 403 own-request to
 * the person who decided it, 409 review-open to anyone else. 403 other-authority unless
 * both children are the actor's authority's; 404 when one is not an active child.
 */
export async function openBandReview(
  ctx: ServiceContext,
  actor: Actor,
  body: OpenBandReview,
): Promise<BandReviewOpened> {
  const authority = actor.localAuthority;
  if (!hasRole(actor, 'la-team') || authority === null)
    throw forbidden(
      'reviews-not-permitted',
      "Only a local authority team may ask for a second look at its children's pairs.",
    );
  if (body.cpNumber === body.candidateCpNumber)
    throw new ApiError(422, 'invalid-pair', 'A child cannot be a duplicate of itself: give two ContactPoint numbers.');
  return ctx.db.transaction(async (tx) => {
    const locked = new Map<string, StoredChild | null>();
    for (const cp of [body.cpNumber, body.candidateCpNumber].sort())
      locked.set(cp, await loadChild(tx, cp, { forUpdate: true }));
    await lockLinkedChildren(tx, [body.cpNumber, body.candidateCpNumber]);
    const children = [locked.get(body.cpNumber), locked.get(body.candidateCpNumber)];
    if (children.some((c) => !c || c.status !== 'active'))
      throw notFound('One of the two is not an active child: it may have been merged, archived or transferred.');
    if (children.some((c) => c!.localAuthority !== authority))
      throw forbidden(
        'other-authority',
        "A local authority team may ask for a second look only at its own authority's children.",
      );
    const at = ctx.clock.now();
    const [open] = await tx.query<{ id: number; second_look: SecondLook | null; proposed_by: string | null }>(
      `SELECT id, second_look, proposed_by FROM match_reviews WHERE status = 'open'
          AND ((cp_number = $1 AND candidate_cp_number = $2) OR (cp_number = $2 AND candidate_cp_number = $1))
        ORDER BY id LIMIT 1 FOR UPDATE`,
      [body.cpNumber, body.candidateCpNumber],
    );
    if (open && open.second_look !== null) {
      // Asking again is not a second look, whoever asks.
      if (open.proposed_by === actor.userId)
        throw forbidden(
          'own-request',
          'You have already decided this pair: a second person, independent of you, must decide it.',
        );
      throw conflict(
        'review-open',
        'A decision on this pair is already waiting for a second person: decide it in the national match reviews.',
      );
    }
    const [row] = open
      ? await tx.query<{ id: number }>(
          `UPDATE match_reviews SET origin = 'review-band', second_look = 'awaiting-second-person', proposed_by = $1,
                  proposed_at = $2, proposed_decision = 'same-child', cp_number = $3, candidate_cp_number = $4,
                  local_authority = $5
            WHERE id = $6 RETURNING id`,
          [actor.userId, at, body.cpNumber, body.candidateCpNumber, authority, open.id],
        )
      : await tx.query<{ id: number }>(
          `INSERT INTO match_reviews (cp_number, candidate_cp_number, score, created_at, origin, second_look,
                                      proposed_by, proposed_at, proposed_decision, local_authority)
           VALUES ($3, $4, $5, $2, 'review-band', 'awaiting-second-person', $1, $2, 'same-child', $6) RETURNING id`,
          [actor.userId, at, body.cpNumber, body.candidateCpNumber, body.score, authority],
        );
    const id = Number(row!.id);
    // Linked by an open review now: a shield on either is held over the other until it is decided.
    await recomputeShieldPending(tx, [body.cpNumber, body.candidateCpNumber], at);
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'match-resolved',
      cpNumber: body.cpNumber,
      detail: {
        reviewId: id,
        decision: 'same-child',
        candidate: body.candidateCpNumber,
        step: 'first-of-two',
        origin: 'review-band',
      },
    });
    return { id, status: 'awaiting-second-person', cpNumber: body.cpNumber, candidateCpNumber: body.candidateCpNumber };
  });
}

/**
 * The agreement rate of second looks, from the service's own rows: every review one
 * person decided first (a doubtful pair's "same child", or "different children" against a
 * shielded child) and a second person decided after. Agreed: settled as the first
 * decided, by someone else, with no dispute. Disagreed: disputed, or settled otherwise
 * (a data manager as the second person). A team sees its own authority's; a data manager
 * every authority's.
 */
export async function matchReviewAgreement(ctx: ServiceContext, actor: Actor): Promise<MatchReviewAgreement> {
  const scope = authorityScope(actor);
  const [row] = await ctx.db.query<{ agreed: string | number; disagreed: string | number; awaiting: string | number }>(
    `SELECT
       count(*) FILTER (WHERE status <> 'open' AND disputed_by IS NULL AND status = proposed_decision
                          AND resolved_by IS DISTINCT FROM proposed_by) AS agreed,
       count(*) FILTER (WHERE disputed_by IS NOT NULL OR (status <> 'open' AND status <> proposed_decision)) AS disagreed,
       count(*) FILTER (WHERE status = 'open' AND second_look = 'awaiting-second-person') AS awaiting
       FROM match_reviews
      WHERE proposed_by IS NOT NULL AND ($1::text IS NULL OR local_authority = $1)`,
    [scope],
  );
  const agreed = Number(row?.agreed ?? 0);
  const disagreed = Number(row?.disagreed ?? 0);
  return {
    agreed,
    disagreed,
    awaiting: Number(row?.awaiting ?? 0),
    rate: agreed + disagreed === 0 ? null : agreed / (agreed + disagreed),
  };
}

// The national match-review queue, as main serves it to the cleansing screen: possible
// duplicates the national service opened itself (supply intake), read and settled through
// signed calls on the signed-in person's session. The service decides who may see and do
// what (an authority's team its own reviews, a data manager all; a shield's details only
// to those who may see them); main passes on only the fields the comparison shows, and a
// shielded record's hidden fields only when the person asks to see them.
import type { z } from 'zod';
import { accessReasonHeader, recordViewSchema } from '../../domain/api/records.js';
import {
  matchReviewAgreementSchema,
  matchReviewItemSchema,
  type MatchReviewAgreementView,
  type MatchReviewDecisionChoice,
  type MatchReviewItem,
  type MatchReviewSide,
} from '../../domain/match-review.js';
import type { Role } from '../../domain/roles.js';
import { AppFailure } from '../ipc/app-failure.js';
import type { ApiRequest } from '../api/client.js';

/** What the service calls need: the signed-in person's session. */
export interface ReviewSession {
  call(request: ApiRequest): Promise<unknown>;
  current(): {
    state:
      | { status: 'signed-in'; user: { id: string; roles: readonly Role[]; localAuthority: string | null } }
      | { status: string };
  };
}

const unreadable = () =>
  new AppFailure(
    'service-error',
    'The national index service sent an answer ContactPoint could not understand. Tell your IT service desk.',
  );

/** A member of a team that reviews matches: an authority's ContactPoint team, or a data manager. */
export function reviewer(session: ReviewSession): {
  id: string;
  roles: readonly Role[];
  localAuthority: string | null;
} {
  const { state } = session.current();
  if (state.status !== 'signed-in' || !('user' in state))
    throw new AppFailure('signed-out', 'You are not signed in. Sign in to continue.');
  const user = state.user;
  const team = user.roles.includes('la-team') && user.localAuthority !== null;
  if (!team && !user.roles.includes('data-manager'))
    throw new AppFailure('forbidden', 'Only a local authority ContactPoint team or a data manager may review matches.');
  return user;
}

/** The open reviews the person may settle, as the queue lists them (numbers and scores only). */
export async function listReviews(session: ReviewSession): Promise<MatchReviewItem[]> {
  reviewer(session);
  const answer = (await session.call({ method: 'GET', path: '/v1/match-reviews', query: { status: 'open' } })) as {
    reviews?: unknown;
  } | null;
  if (!answer || !Array.isArray(answer.reviews)) throw unreadable();
  return answer.reviews.map((r) => {
    const v = r as Record<string, unknown>;
    const parsed = matchReviewItemSchema.safeParse({
      id: v.id,
      cpNumber: v.cpNumber,
      candidateCpNumber: v.candidateCpNumber,
      localAuthority: v.localAuthority ?? null,
      // Absent on a doubtful pair awaiting its blind second look.
      ...(v.score !== undefined ? { score: v.score } : {}),
      shieldPending: v.shieldPending,
      createdAt: v.createdAt,
      ...(v.secondLook !== undefined ? { secondLook: v.secondLook } : {}),
    });
    if (!parsed.success) throw unreadable();
    return parsed.data;
  });
}

type RecordView = z.output<typeof recordViewSchema>;

/**
 * One side as the comparison shows it. The service has already left out what the person
 * may not see (a shielded record of another authority: name, gender, date of birth);
 * a shielded record they may see still comes without its hidden fields until `reveal`.
 */
export function sideOf(view: RecordView, reveal: boolean): MatchReviewSide {
  const full = view.localAuthority !== undefined;
  const withheld = !full || (view.shielded && !reveal);
  const base = {
    cpNumber: view.cpNumber,
    localAuthority: full ? (view.localAuthority ?? null) : null,
    shielded: view.shielded,
    withheld,
    mayReveal: full && view.shielded && !reveal,
  };
  const name = { given: view.name.given, family: view.name.family };
  if (withheld) return { ...base, record: { name, dob: view.dob, gender: view.gender } };
  const ids = view.identifiers;
  return {
    ...base,
    record: {
      name,
      dob: view.dob,
      gender: view.gender,
      address: view.address ? { lines: [...view.address.lines], postcode: view.address.postcode } : null,
      identifiers: {
        ...(ids?.nhsNumber !== undefined ? { nhsNumber: ids.nhsNumber } : {}),
        ...(ids?.upn !== undefined ? { upn: ids.upn } : {}),
      },
      ...(view.education ? { education: { name: view.education.name } } : {}),
      ...(view.gp ? { gp: { name: view.gp.name } } : {}),
    },
  };
}

/**
 * A review opened side by side: both records read from the national index with the
 * purpose of the work as the reason for access (each read audited there).
 */
export async function openReview(
  session: ReviewSession,
  id: number,
  purpose: string,
  reveal: readonly string[],
): Promise<{ review: MatchReviewItem; first: MatchReviewSide; second: MatchReviewSide }> {
  const review = (await listReviews(session)).find((r) => r.id === id);
  if (!review)
    throw new AppFailure(
      'not-found',
      'That review is no longer open: someone may have resolved it. Refresh the queue.',
    );
  const read = async (cpNumber: string) => {
    let answer: unknown;
    try {
      answer = await session.call({
        method: 'GET',
        path: `/v1/children/${encodeURIComponent(cpNumber)}`,
        headers: { [accessReasonHeader]: purpose },
      });
    } catch (e) {
      if (e instanceof AppFailure && e.code === 'not-found')
        throw new AppFailure('not-found', `${cpNumber} is no longer an active record: refresh the queue.`);
      throw e;
    }
    const parsed = recordViewSchema.safeParse(answer);
    if (!parsed.success) throw unreadable();
    return sideOf(parsed.data, reveal.includes(cpNumber));
  };
  return { review, first: await read(review.cpNumber), second: await read(review.candidateCpNumber) };
}

/** What a person is told when their decision is recorded but settles nothing yet (MatchReviews.tsx knows the opening words). */
export const secondPersonNotice = {
  'awaiting-second-person':
    'Your decision is recorded. A second team member must confirm this decision: one person alone may not end the pending shield of a possible duplicate of a shielded child.',
  disputed: 'Your decision is recorded. A data manager will settle this review.',
} as const;

export interface Resolved {
  id: number;
  status: MatchReviewDecisionChoice;
  cpNumber: string;
  /** The pair as decided, for the labels (no score: a blind second look, not shown one). */
  pair: { a: string; b: string; score: number | null };
}

/** Settle a review on the national index; the service checks scope and separation of duties. */
export async function resolveReview(
  session: ReviewSession,
  id: number,
  decision: MatchReviewDecisionChoice,
): Promise<Resolved> {
  const review = (await listReviews(session)).find((r) => r.id === id);
  if (!review)
    throw new AppFailure(
      'not-found',
      'That review is no longer open: someone may have resolved it. Refresh the queue.',
    );
  const answer = (await session.call({
    method: 'POST',
    path: `/v1/match-reviews/${encodeURIComponent(String(id))}/resolve`,
    body: { decision },
  })) as { id?: unknown; status?: unknown; cpNumber?: unknown } | null;
  // Against a shielded (or shield-pending) child, "different children" takes two
  // independent people: the first decision is only recorded. Nothing is settled, so
  // nothing is labelled; the person is told, and nothing about any earlier decision.
  if (answer && answer.id === id && (answer.status === 'awaiting-second-person' || answer.status === 'disputed'))
    throw new AppFailure('conflict', secondPersonNotice[answer.status]);
  if (!answer || answer.id !== id || answer.status !== decision || typeof answer.cpNumber !== 'string')
    throw unreadable();
  return {
    id,
    status: decision,
    cpNumber: answer.cpNumber,
    pair: { a: review.cpNumber, b: review.candidateCpNumber, score: review.score ?? null },
  };
}

/** The team's agreement rate of second looks, as the national index counts them. */
export async function agreement(session: ReviewSession): Promise<MatchReviewAgreementView> {
  reviewer(session);
  const parsed = matchReviewAgreementSchema.safeParse(
    await session.call({ method: 'GET', path: '/v1/match-reviews/agreement' }),
  );
  if (!parsed.success) throw unreadable();
  return parsed.data;
}

/**
 * A doubtful pair decided to be one child: the national index opens a review with the
 * decision recorded, for a second team member to decide blind. `duplicate` is merged into
 * `survivor` once they agree.
 */
export async function askSecondLook(
  session: ReviewSession,
  pair: { duplicate: string; survivor: string; score: number },
): Promise<number> {
  const answer = (await session.call({
    method: 'POST',
    path: '/v1/match-reviews',
    body: { cpNumber: pair.duplicate, candidateCpNumber: pair.survivor, score: pair.score, decision: 'same-child' },
  })) as { id?: unknown; status?: unknown } | null;
  if (!answer || typeof answer.id !== 'number' || answer.status !== 'awaiting-second-person') throw unreadable();
  return answer.id;
}

// The national match-review channels: the queue, a review opened side by side, its
// resolution (a signed call to the national index on the person's session, its answer
// checked), and the labelled pairs' figures. The service decides scope, separation of
// duties and what a shield hides; main passes on only the comparison's fields
// (main/cleansing/match-reviews.ts) and keeps each decision as a labelled pair.
import { channels, type Channel } from '../../domain/ipc-contract.js';
import type { z } from 'zod';
import {
  agreement,
  askSecondLook,
  listReviews,
  openReview,
  resolveReview,
  reviewer,
} from '../cleansing/match-reviews.js';
import type { SessionManager } from '../session/session-manager.js';
import type { WorkingSet } from '../working-set/worker-client.js';
import { AppFailure } from './app-failure.js';
import type { Handlers } from './router.js';

type ReviewChannel = Extract<Channel, `reviews.${string}`>;

const checked = <C extends Channel>(channel: C, value: unknown): z.output<(typeof channels)[C]['response']> => {
  const parsed = channels[channel].response.safeParse(value);
  if (!parsed.success)
    throw new AppFailure(
      'service-error',
      'The national index service sent an answer ContactPoint could not understand. Tell your IT service desk.',
    );
  return parsed.data as z.output<(typeof channels)[C]['response']>;
};

export interface MatchReviewDeps {
  session: SessionManager;
  /** The team's working set (throws for anyone else), where labels are kept. */
  teamWorkingSet: () => { ws: WorkingSet };
  /** The purpose of a live cleansing task session, made fit for the access-reason header. */
  cleansingPurpose: (taskSession: string) => string;
  /** A reason for access made fit for its HTTP header (handlers.ts). */
  accessReasonForHeader: (reason: string) => string;
}

export function createMatchReviewHandlers(deps: MatchReviewDeps): Pick<Handlers, ReviewChannel> {
  const { session } = deps;
  return {
    'reviews.list': async () => {
      const reviews = await listReviews(session);
      // The queue stands without the rate: a service that cannot count it yet says nothing.
      const rate = await agreement(session).catch(() => null);
      return checked('reviews.list', { reviews, agreement: rate });
    },
    'reviews.secondLook': async ({ taskId, survivor }) => {
      const { ws } = deps.teamWorkingSet();
      const pair = await ws.call({ op: 'secondLookPair', taskId });
      if (survivor !== pair.cpNumber && survivor !== pair.otherCpNumber)
        throw new AppFailure('invalid-payload', 'The record to keep must be one of the two.');
      const duplicate = survivor === pair.cpNumber ? pair.otherCpNumber : pair.cpNumber;
      const reviewId = await askSecondLook(session, { duplicate, survivor, score: pair.score });
      const { closed } = await ws.call({
        op: 'secondLookAsked',
        taskId,
        reviewId,
        at: new Date().toISOString(),
      });
      return checked('reviews.secondLook', { reviewId, closed });
    },
    'reviews.open': async ({ id, taskSession, reason, reveal }) => {
      const user = reviewer(session);
      // A team works in its cleansing task session; only a data manager (no working set) gives a reason each time.
      let purpose: string;
      if (taskSession !== undefined) purpose = deps.cleansingPurpose(taskSession);
      else if (reason !== undefined && !user.roles.includes('la-team')) purpose = deps.accessReasonForHeader(reason);
      else throw new AppFailure('purpose-required', 'Give the purpose of your cleansing work before a review opens.');
      return checked('reviews.open', await openReview(session, id, purpose, reveal ?? []));
    },
    'reviews.resolve': async ({ id, decision }) => {
      const user = reviewer(session);
      const done = await resolveReview(session, id, decision);
      // The decision is a labelled pair in the team's working set; the national decision
      // stands whether or not it could be kept here.
      let labelled = false;
      if (user.roles.includes('la-team')) {
        try {
          await deps.teamWorkingSet().ws.call({
            op: 'matchLabel',
            a: done.pair.a,
            b: done.pair.b,
            label: decision === 'same-child' ? 'same' : 'different',
            score: done.pair.score,
            at: new Date().toISOString(),
          });
          labelled = true;
        } catch {
          labelled = false;
        }
      }
      return checked('reviews.resolve', { id: done.id, status: done.status, cpNumber: done.cpNumber, labelled });
    },
    'reviews.labels': async () => checked('reviews.labels', await deps.teamWorkingSet().ws.call({ op: 'matchLabels' })),
  };
}

// A second look for doubtful pairs (issue 20, item 4), the working set's side. A pair in
// the review band (below the automatic threshold, main/cleansing/cleanse.ts) that a team
// member decides is one child is not merged here: main asks the national index for a
// second look (POST /v1/match-reviews, service/supply/reviews.ts openBandReview), and the
// task closes as "second look asked" (not a merge, so not a labelled pair). Another
// member decides it blind in the national match reviews; the national index merges on
// agreement, and the merge reaches the working set through the sync feed.
import type Database from 'better-sqlite3-multiple-ciphers';
import { AppFailure } from '../ipc/app-failure.js';
import { cleanseTask, closeTasks, type DuplicateDetail } from './cleanse.js';

/** Why a doubtful pair is not merged at once (the worker refuses a merge of one). */
export const bandMergeRefusal =
  'This pair is doubtful (in the review band): a merge takes a second look by another member of the team. Ask for one.';

/** The resolution a task closes with once its second look is asked (the review's id after it). */
export const SECOND_LOOK_ASKED = 'second look asked';

export interface BandPair {
  cpNumber: string;
  otherCpNumber: string;
  score: number;
}

/** The working-set worker's operations for a second look (protocol.ts lists them beside the others). */
export interface SecondLookOperations {
  /** An open task's pair, when it is in the review band (anything else is refused). */
  secondLookPair: { request: { taskId: number }; reply: BandPair };
  /** The national index opened the review: the task closes, with its id. */
  secondLookAsked: { request: { taskId: number; reviewId: number; at: string }; reply: { closed: number } };
}

type SecondLookHandlers = {
  [K in keyof SecondLookOperations]: (
    request: { op: K } & SecondLookOperations[K]['request'],
  ) => SecondLookOperations[K]['reply'];
};

/** Whether a task's pair is in the review band. */
export function inReviewBand(detail: unknown): boolean {
  return (detail as Partial<DuplicateDetail> | null)?.band === 'review';
}

export function bandPair(db: Database.Database, taskId: number): BandPair {
  const task = cleanseTask(db, taskId);
  if (!task || task.state !== 'open' || task.otherCpNumber === null)
    throw new AppFailure('not-found', 'That task is no longer open: the queue may have been refreshed by a new run.');
  if (!inReviewBand(task.detail))
    throw new AppFailure(
      'invalid-payload',
      'Only a doubtful pair (in the review band) goes for a second look: merge this one.',
    );
  return { cpNumber: task.cpNumber, otherCpNumber: task.otherCpNumber, score: (task.detail as DuplicateDetail).score };
}

export function createSecondLookOps(store: () => { db: Database.Database }): SecondLookHandlers {
  return {
    secondLookPair: ({ taskId }) => bandPair(store().db, taskId),
    secondLookAsked: ({ taskId, reviewId, at }) => ({
      closed: closeTasks(store().db, [taskId], 'resolved', `${SECOND_LOOK_ASKED} (review ${reviewId})`, at),
    }),
  };
}

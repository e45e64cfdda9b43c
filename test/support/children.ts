// Children for the tests, and the authorities they live in. Authority codes are the
// training data's, so the tests and the training data agree.
import { CHESHIRE_WEST_AND_CHESTER as cheshireWestAndChester, WIRRAL as wirral } from '../../service/training/places.js';

/** ONS codes of the training data's authorities. */
export const WIRRAL = wirral.code;
export const CHESHIRE_WEST_AND_CHESTER = cheshireWestAndChester.code;
/** A real authority the training data does not have: no ContactPoint team, no children. */
export const WESTMINSTER = 'E09000033';

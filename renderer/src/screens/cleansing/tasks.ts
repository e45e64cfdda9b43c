// What the cleansing screens need to know of a task: a pair of possible duplicates or a
// single record's finding, and the request that resolves tasks.
import type { CleanseTaskView, DuplicateDetailView } from '../../../../domain/cleanse/views.js';
import type { getApi } from '../../api.js';

/** A task about two records (possible duplicates), not one record's finding. */
export const isPair = (t: CleanseTaskView) => t.otherCpNumber !== null;
/** A pair's likelihood, the weight of each field, and whether one is shielded. */
export const pairDetail = (t: CleanseTaskView) => t.detail as DuplicateDetailView;

/** Assign, dismiss, merge, or mark as not duplicates: what main's cleanse.resolve takes. */
export type ResolveRequest = Parameters<ReturnType<typeof getApi>['cleanse']['resolve']>[0];

// Migration 17: a second person for "different children" on a shielded review (issue 20,
// item 4; issue 18: no single person can expose a shielded child). Settling a review
// against a shielded (or shield-pending) child as different children can end the new
// record's pending shield, after which its address is found like any other. So the first
// person's decision is only proposed: the review stays open (the pending shield with it)
// until a second, independent person decides the same. If the second decides "same child"
// the two disagree, and the review waits for a data manager (independent of both).
//
// second_look: null for an ordinary open or settled review; 'awaiting-second-person'
// after the first decision; 'disputed' after a disagreement. proposed_by/at keep who
// decided first (kept once settled too); disputed_by/at who disagreed. Only an open
// review's second_look means anything (a settled one may keep its last). A merge that
// moves an open review to another record clears these (the pair is no longer the one
// decided about): service/supply/reviews.ts mergeChildren.
export const sql = /* sql */ `
ALTER TABLE match_reviews ADD COLUMN second_look text;
ALTER TABLE match_reviews ADD COLUMN proposed_by text;
ALTER TABLE match_reviews ADD COLUMN proposed_at timestamptz;
ALTER TABLE match_reviews ADD COLUMN disputed_by text;
ALTER TABLE match_reviews ADD COLUMN disputed_at timestamptz;
ALTER TABLE match_reviews ADD CONSTRAINT match_reviews_second_look CHECK (
  second_look IS NULL
  OR (second_look = 'awaiting-second-person' AND proposed_by IS NOT NULL AND proposed_at IS NOT NULL)
  OR (second_look = 'disputed' AND proposed_by IS NOT NULL AND disputed_by IS NOT NULL AND disputed_at IS NOT NULL)
);
`;

// Migration 18: a second look for doubtful pairs (issue 20, item 4). A team member who
// decides that a pair from the review band (below the automatic threshold) is one child
// does not merge it: POST /v1/match-reviews opens a review with their decision recorded,
// and a second, independent team member decides blind (service/supply/reviews.ts).
//
// origin: 'supply' for a review supply intake opened (as before), 'review-band' for a
// team's doubtful pair. proposed_decision: what the first of two people decided
// ('different-children' for every proposal made before this migration: the only one
// there was). local_authority: the authority whose team made the proposal, kept on the
// review because a merge removes one of its children (the agreement rate counts it).
export const sql = /* sql */ `
ALTER TABLE match_reviews ADD COLUMN origin text NOT NULL DEFAULT 'supply';
ALTER TABLE match_reviews ADD CONSTRAINT match_reviews_origin CHECK (origin IN ('supply', 'review-band'));
ALTER TABLE match_reviews ADD COLUMN proposed_decision text;
ALTER TABLE match_reviews ADD COLUMN local_authority text;
UPDATE match_reviews SET proposed_decision = 'different-children' WHERE proposed_by IS NOT NULL;
UPDATE match_reviews r SET local_authority = c.local_authority
  FROM children c WHERE c.cp_number = r.cp_number AND r.proposed_by IS NOT NULL;
ALTER TABLE match_reviews ADD CONSTRAINT match_reviews_proposed_decision CHECK (
  (proposed_decision IS NULL OR proposed_decision IN ('same-child', 'different-children'))
  AND (proposed_by IS NULL OR proposed_decision IS NOT NULL)
);
-- The agreement rate reads the reviews that had a second look.
CREATE INDEX match_reviews_second_looks ON match_reviews (local_authority) WHERE proposed_by IS NOT NULL;
`;

// Migration 15: the open match reviews that name a child, on either side, found through
// an index. Every change to a shield or to a review now follows the open reviews from
// the children it touched to every child they link (supply/reviews.ts
// recomputeShieldPending), in both directions; without these, each step of that walk
// read the whole match_reviews table, which only grows (resolved reviews are kept).
// Partial: only open reviews are followed, and they are the few.
export const sql = /* sql */ `
CREATE INDEX match_reviews_open_cp ON match_reviews (cp_number) WHERE status = 'open';
CREATE INDEX match_reviews_open_candidate ON match_reviews (candidate_cp_number) WHERE status = 'open';
`;

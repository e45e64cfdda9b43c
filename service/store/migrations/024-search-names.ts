// Migration 24: the date-of-birth-first search (service/records/search.ts) also lists
// children of exactly the same surname and forename born on another day. A btree on the
// two name keys finds them in a few pages at any size; the trigram indexes cannot.
// On an existing store this builds one index over every child (13.6 s for a million
// children on a busy 2-vCPU machine), holding writes to `children` while it builds.
export const sql = /* sql */ `
CREATE INDEX children_names ON children (family_key, given_key);
`;

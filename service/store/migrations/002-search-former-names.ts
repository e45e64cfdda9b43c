// Migration 2: former surnames are searched through an index too, so that a search by
// surname (whose candidates are an OR of indexed conditions) never falls back to
// reading every child.
export const sql = /* sql */ `
CREATE INDEX children_former_keys ON children USING gin (former_keys);
`;

// Migration 7: an account can be closed, for good (the holder has left). A closed
// account keeps its row, so the audit trail's user ids still name someone, but it never
// signs in or acts again, and no one may change it.
export const sql = /* sql */ `
ALTER TABLE users ADD COLUMN closed_at timestamptz;
`;

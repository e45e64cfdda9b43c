// Migration 13: the audit trail sealed with a key held outside the database. Each entry
// gains a seal (mac: HMAC-SHA-256 of its hash, audit/audit-key.ts); entries already
// written keep none, since the key was not there to seal them, and still verify by
// their hashes as before. The head records where the sealed part starts, so a check
// can insist on a seal from there on; signed checkpoints (kept outside the database)
// record it too, so lowering it here is caught.
export const sql = /* sql */ `
ALTER TABLE audit_log ADD COLUMN mac text;
ALTER TABLE audit_head ADD COLUMN keyed_from bigint;
UPDATE audit_head SET keyed_from = seq + 1;
ALTER TABLE audit_head ALTER COLUMN keyed_from SET NOT NULL;
`;

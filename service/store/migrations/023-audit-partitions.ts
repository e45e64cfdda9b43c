// Migration 23: the audit trail in partitions (audit/audit-log.ts), so that appends in
// different partitions do not queue behind one head's lock until each commit. The one
// chain there was becomes partition 0 as it stands: its entries, hashes and seals are
// untouched (partition p's seqs start at p·10¹², so partition 0's are the seqs of
// before), and its head keeps its seq, hash and keyed_from. Other partitions' heads are
// added when their first entry is written. Every partition's head is folded, at each
// signed checkpoint, into the national chain (audit/national.ts), which is itself a hash
// chain, sealed like the entries: a head rewound or dropped since a fold is caught.
export const sql = /* sql */ `
ALTER TABLE audit_head DROP CONSTRAINT audit_head_pkey;
ALTER TABLE audit_head DROP CONSTRAINT audit_head_id_check;
ALTER TABLE audit_head ADD COLUMN part integer NOT NULL DEFAULT 0;
ALTER TABLE audit_head ALTER COLUMN part DROP DEFAULT;
ALTER TABLE audit_head ADD PRIMARY KEY (part);
ALTER TABLE audit_head ADD CONSTRAINT audit_head_part CHECK (part >= 0 AND part < 64);
CREATE TABLE audit_national (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  heads jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  mac text NOT NULL
);
`;

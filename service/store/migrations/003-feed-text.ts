// Migration 3: each child's record as the sync feed sends it (supplier references
// removed), kept as JSON text beside the record. A feed page then reads stored text
// instead of rewriting and printing every record's JSON: the heaviest part of a full
// sync of a million children. PostgreSQL keeps it in step with the record itself.
export const sql = /* sql */ `
ALTER TABLE children ADD COLUMN feed_text text GENERATED ALWAYS AS ((record #- '{identifiers,supplierRefs}')::text) STORED;
`;

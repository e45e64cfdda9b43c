// Migration 11: management information read from a narrow index instead of the
// children table. The table's rows are wide (each carries its record); counting an
// authority's children by status, shield, NHS number and open involvements read every
// one of them, twice (1.35 s at a million children). This index holds only what those
// counts need, so PostgreSQL answers them with an index-only scan (autovacuum keeps the
// visibility map current). The partial index finds the few children whose shield is
// pending, the only rows whose record is still opened (to see whether they are also
// shielded in their own right).
export const sql = /* sql */ `
CREATE INDEX children_figures ON children (local_authority, status)
  INCLUDE (shielded, shield_pending, nhs_number, open_sensitive, open_services);
CREATE INDEX children_shield_pending ON children (local_authority) WHERE shield_pending;
`;

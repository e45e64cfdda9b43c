// Migration 9: a child's responsible authority moves only when both authorities agree.
// The sending authority's team asks; the receiving authority's team accepts or rejects;
// the sender may cancel while it is open. At most one transfer is open per child.
export const sql = /* sql */ `
CREATE TABLE transfers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  cp_number text NOT NULL,
  from_local_authority text NOT NULL,
  to_local_authority text NOT NULL CHECK (to_local_authority <> from_local_authority),
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL,
  reason text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected', 'cancelled')),
  decided_by text,
  decided_at timestamptz
);
CREATE UNIQUE INDEX transfers_one_open ON transfers (cp_number) WHERE status = 'open';
CREATE INDEX transfers_from ON transfers (status, from_local_authority, id);
CREATE INDEX transfers_to ON transfers (status, to_local_authority, id);
`;

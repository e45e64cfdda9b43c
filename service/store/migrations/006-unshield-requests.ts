// Migration 6: a shield is removed only when a second person approves (four eyes). A
// request to remove one waits here; at most one is open per child. stale_since marks
// an open request that no longer fits the child (it was merged with another, or
// shielded again): deciding it then cancels it instead.
export const sql = /* sql */ `
CREATE TABLE unshield_requests (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  cp_number text NOT NULL,
  local_authority text NOT NULL,
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL,
  reason text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'rejected', 'cancelled')),
  decided_by text,
  decided_at timestamptz,
  decision_reason text,
  stale_since timestamptz
);
CREATE UNIQUE INDEX unshield_requests_one_open ON unshield_requests (cp_number) WHERE status = 'open';
CREATE INDEX unshield_requests_by_status ON unshield_requests (status, local_authority, id);
`;

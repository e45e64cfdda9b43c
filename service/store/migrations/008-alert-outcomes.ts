// Migration 8: an alert is worked through, not just seen. It is open until someone on
// the team acknowledges it (investigating), and closed with an outcome and an optional
// note by a named person. Alerts already acknowledged are being investigated.
// The index on audit_log.at serves the audit signals and the time filters of the
// audit review, which read a window of the trail rather than all of it.
export const sql = /* sql */ `
ALTER TABLE alerts
  ADD COLUMN status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'investigating', 'closed')),
  ADD COLUMN outcome text CHECK (outcome IN ('justified', 'advice-given', 'referred-for-investigation', 'account-suspended')),
  ADD COLUMN note text,
  ADD COLUMN closed_by text,
  ADD COLUMN closed_at timestamptz,
  ADD CONSTRAINT alerts_closed_has_outcome CHECK ((status = 'closed') = (outcome IS NOT NULL AND closed_by IS NOT NULL AND closed_at IS NOT NULL));
UPDATE alerts SET status = 'investigating' WHERE acknowledged_at IS NOT NULL;
CREATE INDEX alerts_by_status ON alerts (status, local_authority, at DESC);
CREATE INDEX audit_log_at ON audit_log (at);
`;

// Migration 22: usage and data quality over time (issue 21, item 5).
// The management information is a snapshot of now; the service keeps one a day per
// authority (management/history.ts), written by the hourly lifecycle run when today has
// none and at the service's start, so the NHS number match rate and the work waiting can
// be shown as a time series. Counts only: nothing here names a child.
// The weekly usage and supply series read the audit trail by action and time: an index
// on those actions alone, so a year of them does not read the whole trail.
export const sql = /* sql */ `
CREATE TABLE daily_snapshots (
  day date NOT NULL,
  local_authority text NOT NULL,
  active integer NOT NULL,
  with_nhs_number integer NOT NULL,
  shielded integer NOT NULL,
  shield_pending integer NOT NULL,
  archived integer NOT NULL,
  open_match_reviews integer NOT NULL,
  taken_at timestamptz NOT NULL,
  PRIMARY KEY (day, local_authority)
);
CREATE INDEX audit_log_usage ON audit_log (action, at) WHERE action IN ('search', 'read', 'supply-received');
`;

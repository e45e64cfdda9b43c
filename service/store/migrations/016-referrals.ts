// Migration 16: referrals (issue 20, item 5). A practitioner reports a problem with a
// child's record; it is routed to the child's authority at the time of reporting and
// waits in that team's queue until someone closes it with an outcome. Who reported it
// and their organisation are kept as they were then, so the queue reads the same after
// a rename. The (user_id, at) index serves the per-person hourly limit.
//
// A referral's text is written about the child, so it goes when the child's record is
// destroyed (service/lifecycle/lifecycle.ts deletes an archived child's row): the
// trigger below does that on both engines. An active child's row goes only when it is
// merged into another; its referrals then stay in the queue under the merged number,
// so a report is never lost to a merge.
export const sql = /* sql */ `
CREATE TABLE referrals (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reference text NOT NULL UNIQUE,
  at timestamptz NOT NULL,
  cp_number text NOT NULL,
  local_authority text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('wrong-address', 'wrong-school', 'not-known', 'broker-contact')),
  text text,
  user_id text NOT NULL,
  reporter_name text NOT NULL,
  organisation_name text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  outcome text,
  closed_by text,
  closed_at timestamptz,
  CONSTRAINT referrals_closed_has_outcome CHECK ((status = 'closed') = (outcome IS NOT NULL AND closed_by IS NOT NULL AND closed_at IS NOT NULL))
);
CREATE INDEX referrals_queue ON referrals (local_authority, status, at DESC);
CREATE INDEX referrals_by_user ON referrals (user_id, at);
CREATE INDEX referrals_cp ON referrals (cp_number);

CREATE FUNCTION referrals_child_destroyed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'archived' THEN
    DELETE FROM referrals WHERE cp_number = OLD.cp_number;
  END IF;
  RETURN OLD;
END;
$$;
CREATE TRIGGER referrals_child_destroyed AFTER DELETE ON children
  FOR EACH ROW EXECUTE FUNCTION referrals_child_destroyed();
`;

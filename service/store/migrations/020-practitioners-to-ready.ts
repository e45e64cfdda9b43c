// Migration 20: practitioners to ready (issue 21, item 2; domain/practitioners-to-ready.ts).
// The people of an authority's partner organisations who will need access, in the order
// they will be trained, with the dated facts an account needs: the enhanced check, the
// course booked, attended and passed, the end-user agreement signed. Once an account is
// asked for, the entry keeps its id and the account request (the two-person flow of
// migration 12), so the list shows who has access and the team's tasks reach accounts too.
// One work email once per authority: the same person is one entry.
export const sql = /* sql */ `
CREATE TABLE practitioners_to_ready (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  local_authority text NOT NULL,
  organisation_id text NOT NULL REFERENCES organisations (id),
  name text NOT NULL,
  work_email text NOT NULL,
  role text NOT NULL CHECK (role IN ('practitioner', 'child-protection')),
  training_priority integer NOT NULL CHECK (training_priority >= 1),
  enhanced_check_date date,
  course_booked_on date,
  course_attended_on date,
  course_passed_on date,
  agreement_signed_on date,
  user_id text REFERENCES users (id),
  account_request_id bigint REFERENCES account_requests (id),
  added_by text NOT NULL,
  added_at timestamptz NOT NULL,
  updated_by text,
  updated_at timestamptz,
  CHECK (course_passed_on IS NULL OR (course_attended_on IS NOT NULL AND course_passed_on >= course_attended_on))
);
CREATE UNIQUE INDEX practitioners_to_ready_email ON practitioners_to_ready (local_authority, work_email);
CREATE UNIQUE INDEX practitioners_to_ready_user ON practitioners_to_ready (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX practitioners_to_ready_order ON practitioners_to_ready (local_authority, training_priority, id);
CREATE INDEX practitioners_to_ready_organisation ON practitioners_to_ready (organisation_id);
`;

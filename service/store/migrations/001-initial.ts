// Migration 1: the whole first schema. Never edit a released migration: add the next.
export const sql = /* sql */ `
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

-- Accounts and accreditation -------------------------------------------------------
CREATE TABLE organisations (
  id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL,
  accredited boolean NOT NULL,
  local_authority text,
  supplier text
);

CREATE TABLE users (
  id text PRIMARY KEY,
  name text NOT NULL,
  organisation_id text NOT NULL REFERENCES organisations (id),
  roles text[] NOT NULL,
  local_authority text,
  enhanced_check_date date,
  training_completed boolean NOT NULL DEFAULT false,
  agreement_signed boolean NOT NULL DEFAULT false,
  suspended boolean NOT NULL DEFAULT false,
  password_hash text,
  totp_secret text,
  last_totp_step bigint,
  failed_sign_ins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  contact jsonb
);

CREATE TABLE card_keys (
  user_id text NOT NULL REFERENCES users (id),
  thumbprint text NOT NULL,
  public_jwk jsonb NOT NULL,
  registered_at timestamptz NOT NULL,
  revoked_at timestamptz,
  PRIMARY KEY (user_id, thumbprint)
);

-- Sessions ----------------------------------------------------------------------------
CREATE TABLE challenges (
  challenge text PRIMARY KEY,
  user_id text NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  method text NOT NULL CHECK (method IN ('card', 'otp')),
  public_jwk jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ended_at timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE request_nonces (
  session_id text NOT NULL,
  nonce text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (session_id, nonce)
);
CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);

-- Children ----------------------------------------------------------------------------
-- record is the ChildRecord of domain/child-record.ts as held; the *_key columns are
-- derived from it on every write, for search.
CREATE TABLE children (
  cp_number text PRIMARY KEY,
  local_authority text NOT NULL,
  version integer NOT NULL,
  record jsonb NOT NULL,
  provenance jsonb NOT NULL DEFAULT '{}',
  shielded boolean NOT NULL,
  shield_pending boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  archive_due date NOT NULL,
  archived_on date,
  family_key text NOT NULL,
  given_key text NOT NULL,
  former_keys text[] NOT NULL DEFAULT '{}',
  dob date NOT NULL,
  postcode_key text,
  nhs_number text,
  updated_at timestamptz NOT NULL
);
CREATE INDEX children_family_trgm ON children USING gin (family_key gin_trgm_ops);
CREATE INDEX children_given_trgm ON children USING gin (given_key gin_trgm_ops);
CREATE INDEX children_family_dm ON children (dmetaphone(family_key));
CREATE INDEX children_dob ON children (dob);
CREATE INDEX children_postcode ON children (postcode_key);
CREATE INDEX children_nhs ON children (nhs_number);
CREATE INDEX children_la ON children (local_authority);
CREATE INDEX children_archive_due ON children (status, archive_due);
CREATE INDEX children_archived_on ON children (status, archived_on);

-- Who recorded each involvement: a practitioner may end only their own.
CREATE TABLE involvement_owners (
  cp_number text NOT NULL,
  involvement_id text NOT NULL,
  user_id text NOT NULL,
  PRIMARY KEY (cp_number, involvement_id)
);

-- Shield overrides and other events raised to the management team.
CREATE TABLE alerts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  kind text NOT NULL,
  local_authority text,
  user_id text,
  cp_number text,
  detail jsonb NOT NULL DEFAULT '{}',
  acknowledged_at timestamptz,
  acknowledged_by text
);

-- Sync feed ---------------------------------------------------------------------------
-- One gapless sequence per authority. A writer takes the authority's change_heads row
-- (UPDATE ... RETURNING), which it holds until commit, so entries commit in sequence
-- order and a reader that has seen seq N can never later find a new entry below N.
CREATE TABLE change_heads (
  local_authority text PRIMARY KEY,
  last_seq bigint NOT NULL
);
CREATE TABLE changes (
  local_authority text NOT NULL,
  seq bigint NOT NULL,
  cp_number text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('upsert', 'tombstone')),
  reason text,
  version integer NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (local_authority, seq)
);

-- Submissions: an idempotency key is answered with its first result, for ever.
CREATE TABLE submission_items (
  user_id text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  result jsonb NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (user_id, idempotency_key)
);

-- Supply intake -----------------------------------------------------------------------
CREATE TABLE supply_links (
  supplier text NOT NULL,
  supplier_ref text NOT NULL,
  cp_number text NOT NULL,
  PRIMARY KEY (supplier, supplier_ref)
);
CREATE TABLE match_reviews (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  cp_number text NOT NULL,
  candidate_cp_number text NOT NULL,
  score real NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'same-child', 'different-children')),
  created_at timestamptz NOT NULL,
  resolved_at timestamptz,
  resolved_by text
);
CREATE SEQUENCE cp_serial START 90000000;

-- Audit: a hash chain. audit_head holds the last entry's seq and hash; a writer locks
-- it (FOR UPDATE) so entries are chained in one order.
CREATE TABLE audit_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (true, 0, repeat('0', 64));
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  user_id text,
  action text NOT NULL,
  cp_number text,
  reason text,
  detail jsonb NOT NULL DEFAULT '{}',
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_log_cp ON audit_log (cp_number);
CREATE INDEX audit_log_user ON audit_log (user_id);
`;

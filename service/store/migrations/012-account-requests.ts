// Migration 12: separation of duties for credentials and powers (docs/security.md).
// Creating an account, replacing a token, enrolling a card and granting a power role
// are requests a second, independent person confirms. A credential request is then
// completed only by its holder, with both halves of an activation code: the half the
// requester was given and the half the confirmer was given. Only hashes of the halves
// are kept. The table also answers "who took part in issuing this account's
// credentials or powers", which decides whether two people are independent.
export const sql = /* sql */ `
CREATE TABLE account_requests (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('account-create', 'token-reset', 'card-enrol', 'role-grant')),
  user_id text NOT NULL REFERENCES users (id),
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL,
  roles text[],
  confirmed_by text,
  confirmed_at timestamptz,
  status text NOT NULL DEFAULT 'awaiting-confirmation'
    CHECK (status IN ('awaiting-confirmation', 'awaiting-activation', 'completed', 'cancelled')),
  first_half_hash text,
  second_half_hash text,
  failed_activations integer NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  ended_at timestamptz,
  ended_by text,
  end_reason text
);
-- One open request of each kind per account.
CREATE UNIQUE INDEX account_requests_open ON account_requests (user_id, kind)
  WHERE status IN ('awaiting-confirmation', 'awaiting-activation');
CREATE INDEX account_requests_requested_by ON account_requests (requested_by);
CREATE INDEX account_requests_confirmed_by ON account_requests (confirmed_by);
CREATE INDEX account_requests_status ON account_requests (status) WHERE status IN ('awaiting-confirmation', 'awaiting-activation');
`;

// Migration 4: requests made with an Idempotency-Key header (POST /v1/supplies). The
// first request with a key claims it (the primary key: two at once cannot both claim),
// and its response is stored, so a retry after a lost response is answered with it
// instead of being applied again. response_status is null while the first is running;
// rows are kept until expires_at (at least 7 days after the response was stored).
export const sql = /* sql */ `
CREATE TABLE idempotent_requests (
  user_id text NOT NULL,
  operation text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  claim_token text NOT NULL,
  claimed_at timestamptz NOT NULL,
  response_status integer,
  response_headers jsonb,
  response_body text,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, operation, idempotency_key)
);
CREATE INDEX idempotent_requests_expiry ON idempotent_requests (expires_at);
`;

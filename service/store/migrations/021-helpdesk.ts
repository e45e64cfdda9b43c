// Migration 21: the helpdesk in the desktop (issue 21, item 4).
// A card enrolment now names the card read at the desk with its holder present: the
// thumbprint of its public key is kept with the request, the second person confirms
// that card, and only that card can activate it (account-requests.ts). A request made
// without one (the API before this) takes any card, as before.
// An account's history is the audited actions naming it (detail.account): an index on
// that member, so showing one account's history does not read the whole trail.
export const sql = /* sql */ `
ALTER TABLE account_requests ADD COLUMN card_thumbprint text;
CREATE INDEX audit_log_account ON audit_log ((detail ->> 'account'), seq) WHERE (detail ->> 'account') IS NOT NULL;
`;

// Migration 5: an involvement may come from a supplier's case-management system rather
// than from a practitioner. involvement_owners then names the supplier (its supply-link
// key) instead of a user, so that the supplier's next statement of the same service
// updates that involvement, and no practitioner can end or change it as "theirs";
// supplied_on is the date (receivedAt) of the statement that last set it, so an older
// statement arriving late changes nothing.
export const sql = /* sql */ `
ALTER TABLE involvement_owners ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE involvement_owners ADD COLUMN supplier text;
ALTER TABLE involvement_owners ADD COLUMN supplied_on date;
ALTER TABLE involvement_owners ADD CONSTRAINT involvement_owners_one_owner
  CHECK ((user_id IS NULL) <> (supplier IS NULL) AND ((supplier IS NULL) = (supplied_on IS NULL)));
`;

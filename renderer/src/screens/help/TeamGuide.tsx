// Help for a local authority's ContactPoint team: the working set and its sync,
// cleansing, loading local data through the adapter, and shields (TeamHome's tabs;
// docs/team-guide.md has the roll-out and the helpdesk in full).
export function TeamGuide() {
  return (
    <>
      <h3 className="govuk-heading-s">The working set and syncing</h3>
      <p className="govuk-body">
        Your authority&apos;s records are kept on this computer, encrypted, as the working set. On{' '}
        <strong>Working set</strong>, select <strong>Sync</strong> to bring it up to date with the national index. The
        first sync fetches every record; later ones fetch only what has changed. You can stop a sync at any time: what
        has arrived is kept. Changes made here wait on the same screen until you send them.
      </p>
      <p className="govuk-body">
        Sync at least every few days. A working set not synced for 14 days (or the time your council has set) is wiped
        from this computer, and the next sync fetches everything again.
      </p>
      <p className="govuk-body">
        Before records open on a screen, you are asked the purpose of the work, once. Every record you open until you
        leave that screen, sign out or ContactPoint locks is recorded with that purpose and your name.
      </p>

      <h3 className="govuk-heading-s">Cleansing</h3>
      <p className="govuk-body">
        On <strong>Cleansing</strong>, select <strong>Run the checks</strong>. Every record is checked against each
        rule, then compared with the others to find children held twice. The tasks found are put in a queue for each
        rule, the most urgent first. Choose a queue to see what the rule means and work through its tasks: correct the
        record, merge two records, or choose a decision or a referral. A merge is sent to the national index.
      </p>
      <p className="govuk-body">
        A possible duplicate of a shielded record is always urgent: until you decide, the other record is treated as
        shielded too.
      </p>

      <h3 className="govuk-heading-s">Loading local data (the adapter)</h3>
      <p className="govuk-body">
        On <strong>Load local data</strong>, choose a file exported from a case management system and a profile that
        says which column holds which field. The preview shows the first rows as the profile reads them, and follows
        every change to the profile. Then every row is checked: review the problems and the possible matches, leave out
        any rows that should not go, and send the rest to the national index. You then see what happened to each row. A
        column holding case information is never shown or sent.
      </p>

      <h3 className="govuk-heading-s">Shields</h3>
      <p className="govuk-body">
        On <strong>Management</strong>, <strong>Shields</strong>, shield a child whose whereabouts becoming known would
        put them at risk of significant harm. Give the reason in a sentence, without case details. Removing a shield
        takes two people: one member of the team asks, another decides.
      </p>
      <p className="govuk-body">
        When someone with child-protection duties views a shielded record&apos;s details, the team is alerted under{' '}
        <strong>Override alerts</strong>. Look into each one and close it with what you found.
      </p>

      <h3 className="govuk-heading-s">Accounts and the helpdesk</h3>
      <p className="govuk-body">
        Under <strong>Management</strong>, <strong>Helpdesk</strong>, unlock accounts, replace lost tokens and enrol
        smartcards. Give a reason for every action, never anything about a child. A new token, card or account needs a
        second, independent person to confirm it.
      </p>
    </>
  );
}

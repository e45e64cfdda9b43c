// Help for data managers: the archive, the audit, subject-access reports, and the
// decisions only they take (DataManagerHome's tabs and screens/management/*).
export function DataManagerGuide() {
  return (
    <>
      <h3 className="govuk-heading-s">The archive</h3>
      <p className="govuk-body">
        A record leaves the directory when the child reaches the archive age, and is destroyed 6 years after it was
        archived. Find it under <strong>Management</strong>, <strong>Archive</strong>.
      </p>
      <p className="govuk-body">
        Opening an archived record needs a reason. In the record&apos;s first year in the archive, only data managers
        can open it. After that, it can only be opened for a child protection enquiry (section 47), a serious case
        review or a child death review: choose which. Every opening is recorded with your reason.
      </p>

      <h3 className="govuk-heading-s">The audit</h3>
      <p className="govuk-body">
        Under <strong>Management</strong>, <strong>Audit</strong> shows patterns that can mean misuse, for you to judge:
        someone searching for their own surname, many searches with few records opened, or use out of hours. Search the
        audit by user, ContactPoint number, action and dates, and save what you find as a CSV file.
      </p>
      <p className="govuk-body">
        The audit is a chain in which each entry depends on the one before it, so a changed or missing entry shows.
        Check the chain, and check a range you have saved against the signed checkpoints.
      </p>
      <p className="govuk-body">
        <strong>Override alerts</strong> lists each time someone viewed a shielded record&apos;s details. Look into each
        one and close it with what you found.
      </p>

      <h3 className="govuk-heading-s">Subject access</h3>
      <p className="govuk-body">
        When a child, or someone acting for them, asks what ContactPoint holds about the child, use{' '}
        <strong>Subject-access report</strong>. Enter the child&apos;s ContactPoint number and the reference of the
        request. The report shows what the national index holds, where each item came from, and who opened the record,
        when and why. Print it or save it as a PDF. Making the report is recorded in the audit.
      </p>
      <p className="govuk-body">
        If the child&apos;s record is shielded, the report says so at the top. Do not give its hidden details to the
        person who asked until you have checked it is safe to.
      </p>

      <h3 className="govuk-heading-s">Decisions that need a second person</h3>
      <p className="govuk-body">
        You accredit partner organisations and confirm account requests that a ContactPoint team has started. Nobody
        accredits an organisation they proposed or prepared, or confirms a request they asked for.
      </p>
    </>
  );
}

// Help for practitioners: finding a child, the reason for access, shielded records,
// recording involvement and locking (screens/journey/*, App.tsx's lock).
export function PractitionerGuide() {
  return (
    <>
      <h3 className="govuk-heading-s">Finding a child</h3>
      <p className="govuk-body">
        On <strong>Find a child</strong>, enter at least a surname, an NHS number, a ContactPoint number, or a date of
        birth and a postcode. Add more details, such as a forename or date of birth, to narrow the results.
      </p>
      <p className="govuk-body">
        If you cannot tell which child in the results is the one you work with, add more details and search again. Do
        not open several records to find out. Every search you make is recorded.
      </p>

      <h3 className="govuk-heading-s">The reason for access</h3>
      <p className="govuk-body">
        Before a record opens, you must say why you are opening it. Choose the reason that fits, or choose{' '}
        <strong>Other</strong> and write your own.
      </p>
      <p className="govuk-body">
        Your reason is recorded with your name, the date and time in the child&apos;s audit trail, every time you open
        the record. The audit is reviewed. Only open the record of a child you work with, or are about to. Looking up
        anyone else, such as a relative or a neighbour, is misuse: it is investigated and your account can be suspended.
      </p>

      <h3 className="govuk-heading-s">What a shielded record means</h3>
      <p className="govuk-body">
        A record is shielded when letting people know where the child is could put them at risk of significant harm. You
        see the child&apos;s name, gender, date of birth and ContactPoint number, and the names of their parents or
        carers. Their address, contact details, education, GP and services are hidden. A search that uses a postcode
        does not find a shielded child.
      </p>
      <p className="govuk-body">
        If you have child-protection duties, you can select <strong>View shielded details</strong>. You must give your
        reason and confirm you understand that this starts an investigation straight away: the management team is
        alerted and must confirm your reason. The details are shown only until you leave the record.
      </p>
      <p className="govuk-body">
        If you need to contact the people working with a shielded child and do not have child-protection duties, ask
        your local authority&apos;s ContactPoint team.
      </p>

      <h3 className="govuk-heading-s">Recording your involvement</h3>
      <p className="govuk-body">
        On the child&apos;s record, select <strong>Record my involvement</strong>. Give your service or role and the
        date you started, and say whether you are the lead professional and whether a Common Assessment Framework (CAF)
        assessment has been completed. ContactPoint records only that a CAF was completed, never the assessment.
      </p>
      <p className="govuk-body">
        A sexual health, mental health or substance misuse service can only be recorded with the consent of the child
        (or a parent), or if you have reasonable cause to suspect significant harm. Other people then see only that an
        unspecified service is involved.
      </p>
      <p className="govuk-body">
        Keep your involvement up to date: select <strong>End my involvement</strong> when you stop working with the
        child. Never write case information, such as notes, assessments or opinions. If something in the record is
        wrong, select <strong>Report a problem with this record</strong>: your report goes to the ContactPoint team
        responsible for the child.
      </p>

      <h3 className="govuk-heading-s">Locking and signing out</h3>
      <p className="govuk-body">
        ContactPoint locks as soon as you take out your smartcard, when the computer is locked, and when it has not been
        used for a few minutes (5 unless your council has set another time). Take your smartcard with you whenever you
        leave the computer.
      </p>
      <p className="govuk-body">
        Before it locks because it has not been used, ContactPoint warns you (a minute before, unless your council has
        set another time): select <strong>Stay signed in</strong>, or press Enter, to carry on. You are also warned
        before your 8-hour session ends, so that you can finish what you are doing.
      </p>
      <p className="govuk-body">
        When it locks, everything on the screen is cleared, including any record you had open. Sign in again to unlock
        it. Select <strong>Sign out</strong> when you have finished. You must sign in again after 8 hours.
      </p>
    </>
  );
}

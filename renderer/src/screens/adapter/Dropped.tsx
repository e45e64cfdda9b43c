// The columns of a file that are never sent: those whose names say they hold case
// information (ContactPoint never holds it, so they are not even shown) and those the
// profile does not map.

export function Dropped({ caseColumns, unmapped }: { caseColumns: string[]; unmapped: string[] }) {
  if (caseColumns.length === 0 && unmapped.length === 0) return null;
  return (
    <div className="govuk-inset-text" data-testid="dropped">
      {caseColumns.length > 0 ? (
        <p className="govuk-body">
          <strong>Never sent, and not shown:</strong> {caseColumns.join(', ')}. Their names say they hold case
          information, which ContactPoint never holds.
        </p>
      ) : null}
      {unmapped.length > 0 ? (
        <p className="govuk-body">
          <strong>Not sent</strong> (the profile does not map them): {unmapped.join(', ')}.
        </p>
      ) : null}
    </div>
  );
}

// A GOV.UK error message under a field's label. Screen readers hear "Error:" before it;
// the field's aria-describedby points at its id. Nothing is rendered without an error.
export function ErrorMessage({ id, error }: { id: string; error: string | undefined }) {
  if (!error) return null;
  return (
    <p id={id} className="govuk-error-message">
      <span className="govuk-visually-hidden">Error:</span> {error}
    </p>
  );
}

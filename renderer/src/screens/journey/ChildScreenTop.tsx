// The top of a screen about one child: the way back, the errors, and the child's name
// over the question the screen asks.
import type { ChildSearchResult } from '../../../../domain/api/records.js';
import { ErrorSummary, type FieldError } from '../../components/ErrorSummary.js';
import { Name } from '../../components/Name.js';
import { PageHeading } from '../../components/PageHeading.js';

/** The top of a screen about one child: back, errors, the child's name over the question. */
export function ChildScreenTop(props: {
  child: ChildSearchResult;
  title: string;
  back: string;
  onBack: () => void;
  errors: FieldError[];
}) {
  const { child, title, back, onBack, errors } = props;
  return (
    <>
      <BackButton onClick={onBack} label={back} />
      <ErrorSummary errors={errors} />
      <PageHeading caption={<Name given={child.name.given} family={child.name.family} />}>{title}</PageHeading>
    </>
  );
}

/** A GOV.UK back link, as a button: the journey's screens are not pages with addresses. */
export function BackButton({ onClick, label }: { onClick: () => void; label: string }) {
  return (
    <button type="button" className="govuk-back-link cp-link-button" onClick={onClick}>
      {label}
    </button>
  );
}

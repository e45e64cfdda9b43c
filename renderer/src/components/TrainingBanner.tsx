// The phase banner a training build shows on every screen, so nobody mistakes its
// made-up children for real ones.
export function TrainingBanner() {
  return (
    <div className="govuk-phase-banner" role="region" aria-label="Training mode">
      <p className="govuk-phase-banner__content">
        <strong className="govuk-tag govuk-phase-banner__content__tag">Training</strong>
        <span className="govuk-phase-banner__text">
          This is a training system. Every child, family and practitioner in it is made up.
        </span>
      </p>
    </div>
  );
}

// GOV.UK warning text: a "!" and bold words, for a consequence the person must know
// before they act (wiping, an override that starts an investigation).
import type { ReactNode } from 'react';

export function Warning({ children }: { children: ReactNode }) {
  return (
    <div className="govuk-warning-text">
      <span className="govuk-warning-text__icon" aria-hidden="true">
        !
      </span>
      <strong className="govuk-warning-text__text">
        <span className="govuk-visually-hidden">Warning</span>
        {children}
      </strong>
    </div>
  );
}

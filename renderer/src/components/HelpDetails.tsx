// Contextual help beside a question or a warning: the GOV.UK details component, closed
// until the person asks "what does this mean". Native <details>, so it opens from the
// keyboard and is announced as expandable without any script.
import type { ReactNode } from 'react';

export function HelpDetails({ summary, children, testId }: { summary: string; children: ReactNode; testId?: string }) {
  return (
    <details className="govuk-details" data-testid={testId}>
      <summary className="govuk-details__summary">
        <span className="govuk-details__summary-text">{summary}</span>
      </summary>
      <div className="govuk-details__text">{children}</div>
    </details>
  );
}

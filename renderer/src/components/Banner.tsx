// A GOV.UK notification banner: news about the page (a region), or the success of what
// the person just did (an alert that takes focus, as the pattern says).
import { useEffect, useRef, type ReactNode } from 'react';

/** A GOV.UK notification banner; `success` ones take focus, as the pattern says. */
export function Banner({ title, success, children }: { title: string; success?: boolean; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (success) ref.current?.focus();
  }, [success]);
  return (
    <div
      className={`govuk-notification-banner${success ? ' govuk-notification-banner--success' : ''}`}
      role={success ? 'alert' : 'region'}
      aria-label={success ? undefined : title}
      tabIndex={success ? -1 : undefined}
      ref={ref}
    >
      <div className="govuk-notification-banner__header">
        <h2 className="govuk-notification-banner__title">{title}</h2>
      </div>
      <div className="govuk-notification-banner__content">{children}</div>
    </div>
  );
}

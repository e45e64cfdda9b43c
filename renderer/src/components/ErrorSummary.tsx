// The GOV.UK error summary at the top of a page: what is wrong, each message a link to
// the field it is about. It takes focus when it appears, so a screen reader reads it.
// When a message sends the person to their IT service desk or ContactPoint team, the
// summary also says who that is (the machine policy's helpdesk).
import { useEffect, useRef } from 'react';
import { asksForHelp, HelpdeskContact } from './HelpdeskContact.js';

export interface FieldError {
  /** id of the input the message is about: the summary links to it. */
  field: string;
  message: string;
}

/**
 * `errors` must keep its identity until the problems change (a piece of state, or a
 * `useMemo` of one): the summary takes focus each time it is given a new array, which is
 * how a second failed submit with the same problems is announced again. An array built
 * afresh in each render would take focus from the field at every key
 * (test/quality/error-summary.test.ts holds every caller to this).
 */
export function ErrorSummary({ errors }: { errors: readonly FieldError[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // GOV.UK pattern: move focus to the summary so screen readers announce it.
    if (errors.length > 0) ref.current?.focus();
  }, [errors]);
  if (errors.length === 0) return null;
  return (
    <div className="govuk-error-summary" ref={ref} tabIndex={-1} data-module="govuk-error-summary">
      <div role="alert">
        <h2 className="govuk-error-summary__title">There is a problem</h2>
        <div className="govuk-error-summary__body">
          <ul className="govuk-list govuk-error-summary__list">
            {errors.map((e) => (
              <li key={e.field}>
                <a
                  href={`#${e.field}`}
                  onClick={(event) => {
                    event.preventDefault();
                    document.getElementById(e.field)?.focus();
                  }}
                >
                  {e.message}
                </a>
              </li>
            ))}
          </ul>
          {errors.some((e) => asksForHelp(e.message)) ? <HelpdeskContact testId="error-helpdesk-contact" /> : null}
        </div>
      </div>
    </div>
  );
}

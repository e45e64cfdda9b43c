// Who to call for help: the helpdesk the machine policy names (helpdeskName, helpdeskPhone,
// helpdeskHours, reaching the renderer in AppInfo), or, when it names none, the people
// every ContactPoint user has: their local authority's ContactPoint team and the council's
// IT service desk. The number is plain text, not a tel: link: ContactPoint runs as a
// kiosk whose window opens nothing outside itself (main/electron/hardening.ts denies
// navigation), so a link would look as if it did something and do nothing.
import { createContext, useContext } from 'react';
import type { Helpdesk } from '../../../domain/ipc-contract.js';

/** The policy's helpdesk: undefined until main has said, null when the policy names none. */
export const HelpdeskContext = createContext<Helpdesk | null | undefined>(undefined);

/** What is shown when the policy names no helpdesk. */
export const defaultHelpdeskSentence = 'For help, contact your ContactPoint team or IT service desk.';

/**
 * Whether an error's message sends the person to someone ("tell your IT service desk", "ask
 * your ContactPoint team"): then the error summary says who that is and how to reach them.
 */
export function asksForHelp(message: string): boolean {
  return /\b(tell|ask|contact) your (IT service desk|ContactPoint team)\b|\byour ContactPoint team or registration authority can\b/i.test(
    message,
  );
}

/** "For help, contact <name>: <phone> (<hours>)." as one paragraph. */
export function HelpdeskContact({ testId = 'helpdesk-contact' }: { testId?: string }) {
  const helpdesk = useContext(HelpdeskContext);
  // Main answers at once; until it has, saying nothing beats naming the wrong people.
  if (helpdesk === undefined) return null;
  if (helpdesk === null) {
    return (
      <p className="govuk-body" data-testid={testId}>
        {defaultHelpdeskSentence}
      </p>
    );
  }
  return (
    <p className="govuk-body" data-testid={testId}>
      For help, contact <bdi>{helpdesk.name}</bdi>
      {helpdesk.phone !== undefined ? (
        <>
          : <span className="govuk-!-font-weight-bold">{helpdesk.phone}</span>
        </>
      ) : null}
      {helpdesk.hours !== undefined ? <> ({helpdesk.hours})</> : null}.
    </p>
  );
}

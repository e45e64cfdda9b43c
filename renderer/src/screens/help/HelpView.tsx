// The help: a short guide for each kind of user, the signed-in user's own first (the
// same choice of home App makes), the others a click away, and who to call. App shows it
// in place of the screen while that screen stays mounted (hidden), so closing the help
// puts the person back exactly where they were.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import { HelpdeskContact } from '../../components/HelpdeskContact.js';
import { PageHeading } from '../../components/PageHeading.js';
import { DataManagerGuide } from './DataManagerGuide.js';
import { PractitionerGuide } from './PractitionerGuide.js';
import { SigningInGuide } from './SigningInGuide.js';
import { TeamGuide } from './TeamGuide.js';

export type GuideId = 'practitioner' | 'team' | 'data-manager' | 'signing-in';

const guides: Record<GuideId, { title: string; body: () => ReactNode }> = {
  practitioner: { title: 'Finding a child and using their record', body: PractitionerGuide },
  team: { title: "The ContactPoint team's work", body: TeamGuide },
  'data-manager': { title: 'Archive, audit and subject access', body: DataManagerGuide },
  'signing-in': { title: 'Signing in', body: SigningInGuide },
};
const order: GuideId[] = ['practitioner', 'team', 'data-manager', 'signing-in'];

/** The guide a person sees first: signing in before sign-in, otherwise their home's. */
export function guideFor(user: SignedInUser | null): GuideId {
  if (user === null) return 'signing-in';
  if (user.roles.includes('la-team')) return 'team';
  if (user.roles.includes('data-manager')) return 'data-manager';
  return 'practitioner';
}

export function HelpView({ user, onClose }: { user: SignedInUser | null; onClose: () => void }) {
  const [guide, setGuide] = useState<GuideId>(() => guideFor(user));
  const heading = useRef<HTMLHeadingElement>(null);
  const chosen = useRef(false);
  // Choosing another guide moves focus to its heading, so a screen reader starts there.
  useEffect(() => {
    if (chosen.current) heading.current?.focus();
  }, [guide]);
  const Body = guides[guide].body;
  return (
    <div id="help" data-testid="help">
      <button type="button" className="govuk-back-link govuk-link cp-link-button" onClick={onClose}>
        Back to ContactPoint
      </button>
      <PageHeading caption="ContactPoint">Help</PageHeading>
      <div className="govuk-grid-row">
        <div className="govuk-grid-column-two-thirds">
          <h2 className="govuk-heading-m" tabIndex={-1} ref={heading} data-testid="help-guide">
            {guides[guide].title}
          </h2>
          <Body />
        </div>
        <div className="govuk-grid-column-one-third">
          <nav aria-labelledby="help-other-guides">
            <h2 className="govuk-heading-s" id="help-other-guides">
              Other guides
            </h2>
            <ul className="govuk-list">
              {order
                .filter((g) => g !== guide)
                .map((g) => (
                  <li key={g}>
                    <button
                      type="button"
                      className="govuk-link cp-link-button"
                      onClick={() => {
                        chosen.current = true;
                        setGuide(g);
                      }}
                    >
                      {guides[g].title}
                    </button>
                  </li>
                ))}
            </ul>
          </nav>
          <h2 className="govuk-heading-s">Who to call</h2>
          <HelpdeskContact testId="help-helpdesk-contact" />
          <p className="govuk-body">Never give anyone your password, PIN or security code, even the helpdesk.</p>
        </div>
      </div>
      <button type="button" className="govuk-button govuk-button--secondary" onClick={onClose}>
        Close help
      </button>
    </div>
  );
}

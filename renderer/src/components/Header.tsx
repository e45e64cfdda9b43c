// The GOV.UK header: the service's name, the Help control (on every screen, signed in or
// not) and, once someone is signed in, who they are, their organisation and the sign-out
// button.
import type { Ref } from 'react';
import type { SignedInUser } from '../../../domain/ipc-contract.js';

export function Header({
  user,
  onSignOut,
  helpOpen,
  onHelp,
  helpRef,
}: {
  user: SignedInUser | null;
  onSignOut: () => void;
  /** Whether the help is showing (App keeps the screen beneath it). */
  helpOpen: boolean;
  /** Opens the help, or closes it when it is open. */
  onHelp: () => void;
  /** The Help control: focus comes back here when the help closes. */
  helpRef: Ref<HTMLButtonElement>;
}) {
  return (
    <header className="govuk-header" data-module="govuk-header">
      <div className="govuk-header__container govuk-width-container cp-header">
        <span className="cp-header__service">ContactPoint</span>
        <div className="cp-header__user">
          {user ? (
            <span className="cp-header__who">
              <bdi>{user.name}</bdi>, <bdi>{user.organisation.name}</bdi>
            </span>
          ) : null}
          <button
            type="button"
            className="govuk-button govuk-button--secondary cp-header__sign-out"
            aria-expanded={helpOpen}
            aria-controls={helpOpen ? 'help' : undefined}
            onClick={onHelp}
            ref={helpRef}
          >
            Help
          </button>
          {user ? (
            <button
              type="button"
              className="govuk-button govuk-button--secondary cp-header__sign-out"
              onClick={onSignOut}
            >
              Sign out
            </button>
          ) : null}
        </div>
      </div>
    </header>
  );
}

// The GOV.UK header: the service's name and, once someone is signed in, who they are,
// their organisation and the sign-out button.
import type { SignedInUser } from '../../../domain/ipc-contract.js';

export function Header({ user, onSignOut }: { user: SignedInUser | null; onSignOut: () => void }) {
  return (
    <header className="govuk-header" data-module="govuk-header">
      <div className="govuk-header__container govuk-width-container cp-header">
        <span className="cp-header__service">ContactPoint</span>
        {user ? (
          <div className="cp-header__user">
            <span className="cp-header__who">
              <bdi>{user.name}</bdi>, <bdi>{user.organisation.name}</bdi>
            </span>
            <button
              type="button"
              className="govuk-button govuk-button--secondary cp-header__sign-out"
              onClick={onSignOut}
            >
              Sign out
            </button>
          </div>
        ) : null}
      </div>
    </header>
  );
}

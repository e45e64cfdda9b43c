// Help before sign-in: the two ways to sign in, activating a new account, token or card,
// and what to do when signing in does not work (SignIn.tsx, Activate.tsx, ActivateCard.tsx).
export function SigningInGuide() {
  return (
    <>
      <h3 className="govuk-heading-s">Signing in with a smartcard</h3>
      <p className="govuk-body">
        Choose <strong>Smartcard</strong> and put your card in the reader. When ContactPoint has found it, enter your
        card&apos;s PIN and select <strong>Continue</strong>.
      </p>
      <p className="govuk-body">
        If the screen says the reader is not working or this computer cannot read smartcards, sign in with your security
        token instead if you have one.
      </p>

      <h3 className="govuk-heading-s">Signing in with a security token</h3>
      <p className="govuk-body">
        Choose <strong>Security token</strong>, then enter your user ID, your password and the 6-digit code your token
        shows now. A code works only once.
      </p>
      <p className="govuk-body">
        After 5 wrong attempts your account is locked for a while. Your ContactPoint team can unlock it.
      </p>

      <h3 className="govuk-heading-s">A new account, a new token or a new smartcard</h3>
      <p className="govuk-body">
        Two people in your ContactPoint team each give you half of an activation code. Nobody else is given both halves.
      </p>
      <ul className="govuk-list govuk-list--bullet">
        <li>
          For a new account or a replacement security token, choose{' '}
          <strong>Activate a new account or a replacement security token</strong>. Enter both halves, choose a password
          nobody else knows (at least 12 characters), and add the secret shown to your security token or authenticator.
        </li>
        <li>
          For a smartcard enrolled for you at the desk, choose <strong>Activate a smartcard enrolled for you</strong>,
          put the card in the reader, and enter both halves and the card&apos;s PIN.
        </li>
      </ul>
      <p className="govuk-body">Nobody from ContactPoint will ever ask you for your password, PIN or code.</p>

      <h3 className="govuk-heading-s">When ContactPoint is locked</h3>
      <p className="govuk-body">
        Sign in again in the same way to unlock it. Anything that was on the screen has been cleared: search again to
        carry on.
      </p>

      <h3 className="govuk-heading-s">If you cannot sign in</h3>
      <p className="govuk-body">
        If the screen says ContactPoint cannot reach the national index, your account cannot be used, or something else
        you cannot fix, contact the helpdesk below. Tell them what the screen says, never your password, PIN or code.
      </p>
    </>
  );
}

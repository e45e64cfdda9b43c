// The warning before ContactPoint locks for lack of use, and before the session's end
// (WCAG 2.2.1, Timing Adjustable). Main decides when each is due (the machine policy's
// lockWarningSeconds and sessionEndWarningMinutes) and says so in the session state;
// this shows it, tells screen readers once (an alert dialog), moves focus to its first
// button and gives focus back where it was when it goes. The idle lock is postponed by
// "Stay signed in"; the end of the session cannot be postponed, only finished early.
// Removing the smartcard locks at once, with no warning: that is main's doing too.
import { useEffect, useRef, useState } from 'react';

export interface SessionWarningProps {
  kind: 'idle' | 'session-end';
  /** Seconds left when main gave the warning. */
  secondsLeft: number;
  onStay: () => void;
  onSignOut: () => void;
  /** Session-end only: hide the warning (the session still ends on time). */
  onDismiss: () => void;
}

/** "1 minute 5 seconds", "45 seconds", "10 minutes", "2 hours 5 minutes". */
export function describeTimeLeft(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) {
    const hours = Math.floor(s / 3600);
    const minutes = Math.floor((s % 3600) / 60);
    return [
      `${hours} ${hours === 1 ? 'hour' : 'hours'}`,
      minutes > 0 ? `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  const parts: string[] = [];
  if (minutes > 0) parts.push(`${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`);
  if (rest > 0 || minutes === 0) parts.push(`${rest} ${rest === 1 ? 'second' : 'seconds'}`);
  return parts.join(' ');
}

export function SessionWarning({ kind, secondsLeft, onStay, onSignOut, onDismiss }: SessionWarningProps) {
  const [shownAt] = useState(() => Date.now());
  const [now, setNow] = useState(shownAt);
  const first = useRef<HTMLButtonElement>(null);

  // Focus to the first button; back where it was when the warning goes.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    first.current?.focus();
    return () => {
      if (before && before.isConnected) before.focus();
    };
  }, []);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const left = Math.max(0, secondsLeft - Math.floor((now - shownAt) / 1000));
  const idle = kind === 'idle';
  const heading = idle ? 'ContactPoint is about to lock' : 'Your session is about to end';
  // Said once when the warning appears (the dialog's description); the countdown beside
  // it changes every second and is not read out each time.
  const said = idle
    ? `ContactPoint will lock in ${describeTimeLeft(secondsLeft)} because it has not been used. Select Stay signed in to carry on.`
    : `Your session ends in ${describeTimeLeft(secondsLeft)}. Sessions last 8 hours. Finish what you are doing: you will need to sign in again after that.`;

  return (
    <div className="cp-session-warning__backdrop">
      <div
        className="cp-session-warning"
        role="alertdialog"
        aria-modal="false"
        aria-labelledby="cp-session-warning-title"
        aria-describedby="cp-session-warning-said"
        data-testid="session-warning"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            if (idle) onStay();
            else onDismiss();
          }
        }}
      >
        <h2 className="govuk-heading-m" id="cp-session-warning-title">
          {heading}
        </h2>
        <p className="govuk-body" id="cp-session-warning-said">
          {said}
        </p>
        <p className="govuk-body govuk-!-font-weight-bold" aria-hidden="true" data-testid="session-warning-countdown">
          {describeTimeLeft(left)} left
        </p>
        <div className="govuk-button-group">
          {idle ? (
            <button ref={first} type="button" className="govuk-button" onClick={onStay}>
              Stay signed in
            </button>
          ) : (
            <button ref={first} type="button" className="govuk-button" onClick={onDismiss}>
              Continue
            </button>
          )}
          <button type="button" className="govuk-button govuk-button--secondary" onClick={onSignOut}>
            Sign out now
          </button>
        </div>
      </div>
    </div>
  );
}

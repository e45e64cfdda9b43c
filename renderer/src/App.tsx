// The application frame and the session: main decides whether anyone is signed in;
// this long-polls `session.watch` and shows sign-in, the lock screen or the journey.
// The journey is keyed by the session, so a lock or sign-out unmounts it and every
// record, result and override it held goes with it: nothing of a record is kept
// anywhere else in the renderer. The help shows in place of the screen without unmounting
// it (hidden), so closing the help returns to the same screen in the same state.
import { useEffect, useRef, useState } from 'react';
import type { AppInfo, SessionState, ServiceStatus } from '../../domain/ipc-contract.js';
import { getApi } from './api.js';
import { Header } from './components/Header.js';
import { SessionWarning } from './components/SessionWarning.js';
import { HelpdeskContext } from './components/HelpdeskContact.js';
import { TrainingBanner } from './components/TrainingBanner.js';
import { Journey } from './screens/journey/Journey.js';
import { HelpView } from './screens/help/HelpView.js';
import { SignIn } from './screens/SignIn.js';
import { DataManagerHome } from './screens/management/DataManagerHome.js';
import { TeamHome } from './screens/TeamHome.js';

export type ServiceState =
  { state: 'checking' } | { state: 'connected'; status: ServiceStatus } | { state: 'unreachable'; message: string };

const lockReasons: Record<Extract<SessionState, { status: 'locked' }>['reason'], string> = {
  'card-removed': 'Your smartcard was removed.',
  idle: 'ContactPoint locked because it was not used for a while.',
  'computer-locked': 'ContactPoint locked because the computer was locked.',
};

const signedOutNotices: Record<NonNullable<Extract<SessionState, { status: 'signed-out' }>['reason']>, string> = {
  'signed-out': 'You have signed out.',
  'session-expired': 'Your session has expired. Sign in again.',
  'account-refused': 'Your account cannot use ContactPoint at the moment. Contact your ContactPoint team.',
};

/** The session as main tells it, kept current by a long poll. */
function useSession(): SessionState | null {
  const [state, setState] = useState<SessionState | null>(null);
  useEffect(() => {
    let live = true;
    let after = -1;
    const loop = async () => {
      while (live) {
        const r = await getApi().session.watch(after);
        if (!live) return;
        if (r.ok) {
          after = r.value.seq;
          setState(r.value.state);
        } else {
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    };
    void loop();
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/** Tells main the user is here (at most every 30 s), which postpones the idle lock. */
function useActivityReports(active: boolean): void {
  const last = useRef(0);
  useEffect(() => {
    if (!active) return;
    const report = () => {
      const now = Date.now();
      if (now - last.current < 30_000) return;
      last.current = now;
      void getApi().session.activity();
    };
    window.addEventListener('keydown', report, true);
    window.addEventListener('pointerdown', report, true);
    return () => {
      window.removeEventListener('keydown', report, true);
      window.removeEventListener('pointerdown', report, true);
    };
  }, [active]);
}

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [service, setService] = useState<ServiceState>({ state: 'checking' });
  const session = useSession();
  // While the idle warning shows, only its own buttons answer it: a key pressed to find
  // them (Tab, a screen reader's keys) must not make it vanish unread.
  useActivityReports(session?.status === 'signed-in' && session.warning?.kind !== 'idle');
  // The session whose end-of-session warning the user has put aside ("Continue").
  const [endWarningSeen, setEndWarningSeen] = useState<string | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const helpButton = useRef<HTMLButtonElement>(null);
  const refocusHelp = useRef(false);
  const closeHelp = () => {
    refocusHelp.current = true;
    setHelpOpen(false);
  };
  // Closing the help puts focus back on the Help control that opened it.
  useEffect(() => {
    if (!helpOpen && refocusHelp.current) {
      refocusHelp.current = false;
      helpButton.current?.focus();
    }
  }, [helpOpen]);
  // Locking, signing in or out closes the help, so the new screen is what shows.
  const who = session === null || session.status === 'signed-out' ? 'none' : `${session.status}:${session.user.id}`;
  useEffect(() => {
    setHelpOpen(false);
  }, [who]);

  useEffect(() => {
    const api = getApi();
    let live = true;
    void api.app.info().then((r) => {
      if (live && r.ok) setInfo(r.value);
    });
    void api.service.status().then((r) => {
      if (!live) return;
      setService(r.ok ? { state: 'connected', status: r.value } : { state: 'unreachable', message: r.error.message });
    });
    return () => {
      live = false;
    };
  }, []);

  let content;
  if (session === null) {
    content = <p className="govuk-body">Starting ContactPoint…</p>;
  } else if (session.status === 'signed-in') {
    const key = `${session.user.id}:${session.expiresAt}`;
    // A local authority's ContactPoint team works on its working set; a data manager on the
    // archive and audit; everyone else finds children.
    content = session.user.roles.includes('la-team') ? (
      <TeamHome key={key} user={session.user} />
    ) : session.user.roles.includes('data-manager') ? (
      <DataManagerHome key={key} user={session.user} />
    ) : (
      <Journey key={key} user={session.user} />
    );
  } else if (session.status === 'locked') {
    content = (
      <SignIn
        key={`locked:${session.user.id}`}
        service={service}
        unlock={{
          method: session.method,
          userId: session.user.id,
          name: session.user.name,
          why: lockReasons[session.reason],
        }}
      />
    );
  } else {
    const notice = session.reason ? (
      <div className="govuk-inset-text" data-testid="signed-out-notice">
        {signedOutNotices[session.reason]}
      </div>
    ) : null;
    content = <SignIn key={`signed-out:${session.reason ?? ''}`} service={service} notice={notice} />;
  }

  const user = session?.status === 'signed-in' ? session.user : null;
  const warning = session?.status === 'signed-in' ? session.warning : undefined;
  const showWarning =
    warning !== undefined &&
    session?.status === 'signed-in' &&
    !(warning.kind === 'session-end' && endWarningSeen === session.expiresAt);
  return (
    <HelpdeskContext.Provider value={info === null ? undefined : info.helpdesk}>
      {showWarning && session?.status === 'signed-in' ? (
        <SessionWarning
          key={`${warning.kind}:${session.expiresAt}`}
          kind={warning.kind}
          secondsLeft={warning.secondsLeft}
          onStay={() => void getApi().session.activity()}
          onSignOut={() => void getApi().session.signOut()}
          onDismiss={() => setEndWarningSeen(session.expiresAt)}
        />
      ) : null}
      <div className="cp-page">
        <a href="#main-content" className="govuk-skip-link">
          Skip to main content
        </a>
        <Header
          user={user}
          onSignOut={() => void getApi().session.signOut()}
          helpOpen={helpOpen}
          onHelp={() => (helpOpen ? closeHelp() : setHelpOpen(true))}
          helpRef={helpButton}
        />
        <div className="govuk-width-container">
          {info?.trainingMode ? <TrainingBanner /> : null}
          <main className="govuk-main-wrapper" id="main-content" tabIndex={-1}>
            <div hidden={helpOpen}>{content}</div>
            {helpOpen ? <HelpView user={user} onClose={closeHelp} /> : null}
          </main>
        </div>
      </div>
      <footer className="cp-footer">
        <div className="govuk-width-container">
          <p className="govuk-body-s">
            ContactPoint{info ? ` version ${info.version}` : ''}. Every search and every record you open is recorded.
          </p>
        </div>
      </footer>
    </HelpdeskContext.Provider>
  );
}

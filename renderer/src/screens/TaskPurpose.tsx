// The purpose of a piece of work on the working set, asked for once per task session
// (main holds the session and refuses records without it: task-sessions.ts): the hook
// that holds a screen's session, and the form that asks for the purpose.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { TaskScreen, TaskSessionView } from '../../../domain/working-set-access.js';
import { getApi } from '../api.js';
import { HelpDetails } from '../components/HelpDetails.js';
import { TextArea } from '../components/TextArea.js';

/**
 * The task session of one screen: started when the person gives the purpose, ended when
 * the screen stops being active (another tab, another queue) or unmounts (signing out
 * or locking unmounts the session's screens; main ends it then too).
 */
export function useTaskSession(screen: TaskScreen, active: boolean) {
  const [session, setSession] = useState<TaskSessionView | null>(null);
  const current = useRef<TaskSessionView | null>(null);
  current.current = session;
  const end = useCallback(() => {
    const s = current.current;
    if (s) void getApi().workingSet.endTask(s.taskSession);
    current.current = null;
    setSession(null);
  }, []);
  useEffect(() => {
    if (!active) end();
  }, [active, end]);
  useEffect(() => end, [end]);
  /** The session has ended in main (signed out, locked, or a new one elsewhere): forget it here. */
  const lost = useCallback(() => {
    current.current = null;
    setSession(null);
  }, []);
  return { session, start: setSession, end, lost };
}

/** The purpose form: one question, asked once for the work on this screen. */
export function PurposeForm({
  screen,
  id,
  what,
  onStarted,
  onCancel,
}: {
  screen: TaskScreen;
  id: string;
  /** What the person is about to open, for the hint: "records", "tasks". */
  what: string;
  onStarted: (session: TaskSessionView) => void;
  onCancel: () => void;
}) {
  const [purpose, setPurpose] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  // The form appears in answer to the person's action: focus goes to its question.
  useEffect(() => {
    document.getElementById(id)?.focus();
  }, [id]);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (purpose.trim() === '') {
      setError('Enter the purpose of this work');
      document.getElementById(id)?.focus();
      return;
    }
    setBusy(true);
    const r = await getApi().workingSet.startTask({ screen, purpose: purpose.trim() });
    setBusy(false);
    if (r.ok) onStarted(r.value);
    else {
      setError(r.error.message);
      document.getElementById(id)?.focus();
    }
  };
  return (
    <form
      noValidate
      onSubmit={(e) => void onSubmit(e)}
      aria-label="Purpose of this work"
      className="cp-purpose"
      data-testid="purpose-form"
    >
      <p className="govuk-body" id={`${id}-hint`}>
        Before {what} open, give the purpose of this work. It is asked once: every record you open until you leave this
        screen, sign out or ContactPoint locks is recorded with it, and your name, in the child&apos;s audit trail.
      </p>
      <HelpDetails summary="Why you are asked for a purpose" testId="purpose-help">
        <p className="govuk-body">
          Opening a child&apos;s record is allowed only for a reason, and the audit of who opened what, and why, is
          reviewed for misuse. Say what the work is, such as &quot;Cleansing the possible duplicates queue&quot;, not
          anything about a child: ContactPoint holds no case information.
        </p>
      </HelpDetails>
      <TextArea
        id={id}
        label="Purpose of this work"
        value={purpose}
        onChange={setPurpose}
        error={error}
        maxLength={500}
      />
      <div className="govuk-button-group">
        <button type="submit" className="govuk-button" disabled={busy} aria-disabled={busy}>
          Continue
        </button>
        <button type="button" className="cp-link-button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

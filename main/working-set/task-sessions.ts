// Task sessions: the purpose a member of the team gives once for a piece of work on a
// screen of the working set, held in main (never trusted from the renderer).
//
// A task session starts when the person gives the purpose (on the working-set search
// screen before the first record opens; on the cleansing screen before the first task
// of a queue opens) and ends when the screen says they left (another queue, another
// tab), when a new task session starts on the same screen, or when the sign-in it
// belongs to ends: signing out, locking (unlocking is a fresh sign-in) or the session
// expiring. Every record opened in it is audited with its purpose, once per task session;
// every "Show shielded details" is audited each time.
import { randomBytes } from 'node:crypto';
import type { AccessView, TaskScreen } from '../../domain/working-set-access.js';
import { AppFailure } from '../ipc/app-failure.js';

export interface TaskSession {
  id: string;
  screen: TaskScreen;
  purpose: string;
  userId: string;
  startedAt: string;
  /** The sign-in it belongs to: the session manager's state number when it started. */
  signIn: number;
  /** What has been audited in it: `${view}|${cpNumber}`. */
  audited: Set<string>;
  /** The last opening in it: openings run one after another, so two at once cannot both audit the same record. */
  last: Promise<unknown>;
}

export interface TaskSessions {
  start(screen: TaskScreen, purpose: string, user: { userId: string; signIn: number }, at: Date): TaskSession;
  /** The live task session `id` of this sign-in; refused (purpose-required) if it has ended. */
  get(id: string, user: { userId: string; signIn: number }): TaskSession;
  end(id: string): void;
  /** Whether `view` of `cpNumber` has been audited in the task session. */
  audited(session: TaskSession, view: AccessView, cpNumber: string): boolean;
  markAudited(session: TaskSession, view: AccessView, cpNumbers: readonly string[]): void;
  /** Runs `fn` after the task session's earlier openings have finished. */
  serial<T>(session: TaskSession, fn: () => Promise<T>): Promise<T>;
  /** How many are live (tests). */
  size(): number;
}

const ended = () =>
  new AppFailure(
    'purpose-required',
    'Give the purpose of this work before records open: the last purpose given ended when you left the screen, signed out or ContactPoint locked.',
  );

export function createTaskSessions(): TaskSessions {
  const sessions = new Map<string, TaskSession>();
  /** Forget every task session of an earlier sign-in (signed out, locked, expired). */
  const prune = (signIn: number) => {
    for (const [id, s] of sessions) if (s.signIn !== signIn) sessions.delete(id);
  };
  return {
    start(screen, purpose, user, at) {
      prune(user.signIn);
      // One task session a screen: a new purpose ends the one before it.
      for (const [id, s] of sessions) if (s.screen === screen) sessions.delete(id);
      const session: TaskSession = {
        id: randomBytes(16).toString('hex'),
        screen,
        purpose,
        userId: user.userId,
        startedAt: at.toISOString(),
        signIn: user.signIn,
        audited: new Set(),
        last: Promise.resolve(),
      };
      sessions.set(session.id, session);
      return session;
    },
    get(id, user) {
      prune(user.signIn);
      const s = sessions.get(id);
      if (!s || s.userId !== user.userId) throw ended();
      return s;
    },
    end(id) {
      sessions.delete(id);
    },
    audited: (session, view, cpNumber) => session.audited.has(`${view}|${cpNumber}`),
    markAudited(session, view, cpNumbers) {
      for (const cp of cpNumbers) session.audited.add(`${view}|${cp}`);
    },
    serial(session, fn) {
      const run = session.last.then(fn);
      session.last = run.catch(() => undefined);
      return run;
    },
    size: () => sessions.size,
  };
}

// What each IPC channel does. Records pass through main only on their way to the
// screen: main keeps none of them, and checks every answer against the contract's
// schema so the renderer gets exactly the shape it was promised (what the user may not
// see is already absent: the service leaves it out).
import { randomBytes, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { z } from 'zod';
import { accessReasonHeader } from '../../domain/api/records.js';
import { channels, type AppInfo, type CardStatus, type Channel } from '../../domain/ipc-contract.js';
import type { StatusClient } from '../api/status-client.js';
import type { SessionManager } from '../session/session-manager.js';
import { mayRevealShielded, type AccessView } from '../../domain/working-set-access.js';
import { createTaskSessions, type TaskSession } from '../working-set/task-sessions.js';
import type { WorkingSet } from '../working-set/worker-client.js';
import { AppFailure } from './app-failure.js';
import { createCorrectionHandlers } from './correction-handlers.js';
import { createManagementHandlers } from './management-handlers.js';
import { createMatchReviewHandlers } from './match-review-handlers.js';
import { createReferralHandlers } from './referral-handlers.js';
import type { Handlers } from './router.js';

export interface HandlerDeps {
  appInfo: AppInfo;
  /** The national index service's status. */
  service: StatusClient;
  session: SessionManager;
  /** The smartcard's presence, for the sign-in screen. */
  cardStatus: () => Promise<CardStatus>;
  /** The working set on this computer; null where there is none (no folder for it). */
  workingSet: WorkingSet | null;
  /** The policy's days without a sync before the working set is wiped. */
  maxDaysWithoutSync: number;
  /**
   * The computer's file dialogs (Electron's in the application): a path to open or to
   * save to, or null when the person cancels. Null: this computer cannot choose files.
   */
  chooseFile?: ((mode: 'open' | 'save', suggestedName: string) => Promise<string | null>) | null;
}

/** The answer, if it has the promised shape; a service-error otherwise (never the raw answer). */
function checked<C extends Channel>(channel: C, value: unknown): z.output<(typeof channels)[C]['response']> {
  const parsed = channels[channel].response.safeParse(value);
  if (!parsed.success) {
    throw new AppFailure(
      'service-error',
      'The national index service sent an answer ContactPoint could not understand. Tell your IT service desk.',
    );
  }
  return parsed.data as z.output<(typeof channels)[C]['response']>;
}

const typographic: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
};

/**
 * The reason for access travels in an HTTP header (national-api.md), which carries
 * plain ASCII text on one line. Typographic quotes and dashes become their plain forms
 * and accents are dropped ("Zoë" → "Zoe"); anything else a header cannot carry is
 * refused with a message that says what to change.
 */
export function accessReasonForHeader(reason: string): string {
  const plain = reason
    .replace(/[\u2018\u2019\u201c\u201d\u2013\u2014\u2026]/g, (c) => typographic[c] ?? c)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!/^[\x20-\x7e]*$/.test(plain)) {
    throw new AppFailure(
      'invalid-payload',
      'The reason for access may use letters, numbers, spaces and common punctuation only. Remove any symbols or emoji.',
    );
  }
  return plain;
}

const cpPath = (cpNumber: string) => `/v1/children/${encodeURIComponent(cpNumber)}`;

export function createHandlers(deps: HandlerDeps): Handlers {
  const { session } = deps;

  /** The working set, for a signed-in member of a local authority's ContactPoint team. */
  function teamWorkingSet(): { ws: WorkingSet; localAuthority: string } {
    const { state } = session.current();
    if (state.status !== 'signed-in') throw new AppFailure('signed-out', 'You are not signed in. Sign in to continue.');
    if (!state.user.roles.includes('la-team') || state.user.localAuthority === null) {
      throw new AppFailure('forbidden', "Only a local authority's ContactPoint team may use the working set.");
    }
    if (!deps.workingSet)
      throw new AppFailure(
        'working-set-unavailable',
        'This computer has no working set configured. Tell your IT service desk.',
      );
    return { ws: deps.workingSet, localAuthority: state.user.localAuthority };
  }

  /** The authority's ContactPoint team accounts that can take a task (not suspended). */
  async function team(localAuthority: string): Promise<{ id: string; name: string }[]> {
    const members: { id: string; name: string }[] = [];
    for (let after: string | null = null, pages = 0; pages < 20; pages++) {
      const query: Record<string, string> = { localAuthority, limit: '1000', ...(after !== null ? { after } : {}) };
      const page = (await session.call({ method: 'GET', path: '/v1/users', query })) as {
        users: { id: string; name: string; roles: string[]; suspended: boolean }[];
        next: string | null;
      };
      for (const u of page.users)
        if (u.roles.includes('la-team') && !u.suspended) members.push({ id: u.id, name: u.name });
      if (page.next === null) break;
      after = page.next;
    }
    return members;
  }

  // Files chosen in this session, by id: the renderer names a file by its id, never by a
  // path, so a compromised page cannot read an arbitrary file through the adapter.
  const chosen = new Map<string, { path: string; name: string }>();
  const chosenPath = (fileId: string) => {
    const f = chosen.get(fileId);
    if (!f) throw new AppFailure('not-found', 'Choose the file again: it was chosen before ContactPoint restarted.');
    return f.path;
  };
  const choose = async (mode: 'open' | 'save', suggestedName: string) => {
    if (!deps.chooseFile) throw new AppFailure('working-set-unavailable', 'Files cannot be chosen on this computer.');
    return deps.chooseFile(mode, suggestedName);
  };
  const today = () => new Date().toISOString().slice(0, 10);
  const userId = () => {
    const s = session.current().state;
    return s.status === 'signed-in' ? s.user.id : null;
  };
  const adapterStatus = (ws: WorkingSet) => checked('adapter.status', ws.adapter());

  async function cleanseStatus(ws: WorkingSet) {
    const state = ws.cleanse();
    const { queues, lastRun } = await ws.call({ op: 'cleanseQueues' });
    return checked('cleanse.status', {
      running: state.running,
      progress: state.progress,
      lastError: state.last?.error ?? null,
      lastRun,
      queues,
    });
  }

  async function status(ws: WorkingSet) {
    const summary = await ws.call({ op: 'summary' });
    return checked('workingSet.status', { ...summary, sync: ws.sync(), maxDaysWithoutSync: deps.maxDaysWithoutSync });
  }

  const management = createManagementHandlers({ session, chooseFile: choose, accessReasonForHeader });

  // Records of the working set open only in a task session (task-sessions.ts): the
  // purpose given once for the work, held here with the sign-in it belongs to.
  const tasks = createTaskSessions();
  /** The signed-in user and which sign-in this is (any lock or sign-out moves it on). */
  function signedIn() {
    const { seq, state } = session.current();
    if (state.status !== 'signed-in') throw new AppFailure('signed-out', 'You are not signed in. Sign in to continue.');
    return { user: state.user, signIn: seq };
  }
  function liveTask(id: string): TaskSession {
    const { user, signIn } = signedIn();
    return tasks.get(id, { userId: user.id, signIn });
  }
  const accessor = (t: TaskSession, view: AccessView) => ({
    userId: t.userId,
    purpose: t.purpose,
    context: t.screen,
    view,
  });
  // The access entries go to the national audit trail as soon as they are written; offline
  // they wait in the outbox for the next attempt (the next record opened, a sync, "Send").
  let sendingAccess = false;
  function sendAccessSoon(ws: WorkingSet): void {
    if (sendingAccess) return;
    sendingAccess = true;
    ws.call({ op: 'sendAccess' })
      .catch(() => undefined)
      .finally(() => {
        sendingAccess = false;
      });
  }
  async function openRecord(taskSession: string, cpNumber: string, reveal: boolean) {
    const { ws } = teamWorkingSet();
    const t = liveTask(taskSession);
    if (reveal) {
      // The role, checked here against the authority whose records this computer holds:
      // the renderer never decides what it may see.
      const summary = await ws.call({ op: 'summary' });
      if (!mayRevealShielded(signedIn().user, summary.localAuthority)) {
        throw new AppFailure('forbidden', 'Your role may not see the details a shield hides.');
      }
    }
    const view: AccessView = reveal ? 'shielded-details' : 'record';
    return tasks.serial(t, async () => {
      // A record is audited once a task session; shielded details each time they are shown.
      const audit = reveal || !tasks.audited(t, 'record', cpNumber) ? accessor(t, view) : null;
      const record = await ws.call({
        op: 'open',
        cpNumber,
        reveal,
        withProvenance: t.screen === 'cleansing',
        audit,
        at: new Date().toISOString(),
      });
      if (record === null)
        throw new AppFailure('not-held', `${cpNumber} is not in this working set. Sync, then try again.`);
      if (audit) {
        tasks.markAudited(t, 'record', [cpNumber]);
        sendAccessSoon(ws);
      }
      return record;
    });
  }

  const matchReviews = createMatchReviewHandlers({
    session,
    teamWorkingSet,
    cleansingPurpose: (taskSession) => {
      const t = liveTask(taskSession);
      if (t.screen !== 'cleansing')
        throw new AppFailure('purpose-required', 'Give the purpose of your cleansing work before a review opens.');
      return accessReasonForHeader(t.purpose);
    },
    accessReasonForHeader,
  });

  return {
    ...management,
    ...createReferralHandlers({ session, accessReasonForHeader }),
    ...createCorrectionHandlers({ session, workingSet: deps.workingSet }),
    ...matchReviews,
    'app.info': async () => deps.appInfo,
    'service.status': async () => deps.service.status(),

    'session.watch': async ({ after }) => session.watch(after),
    'session.signInCard': async ({ pin }) => session.signInCard(pin),
    'session.signInToken': async (request) => session.signInToken(request),
    'session.activate': async (request) => session.activate(request),
    'session.activateCard': async (request) => session.activateCard(request),
    'session.signOut': async () => session.signOut(),
    'session.activity': async () => {
      session.activity();
      return {};
    },
    'card.status': async () => deps.cardStatus(),

    'children.search': async (query) => {
      const given = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v.trim() !== ''));
      return checked('children.search', await session.call({ method: 'GET', path: '/v1/children', query: given }));
    },
    'children.read': async ({ cpNumber, reason }) =>
      checked(
        'children.read',
        await session.call({
          method: 'GET',
          path: cpPath(cpNumber),
          headers: { [accessReasonHeader]: accessReasonForHeader(reason) },
        }),
      ),
    'children.shieldOverride': async ({ cpNumber, reason }) =>
      checked(
        'children.shieldOverride',
        await session.call({
          method: 'POST',
          path: `${cpPath(cpNumber)}/shield-override`,
          body: { reason, acknowledgeInvestigation: true },
        }),
      ),
    // Keyed, so the client retries it when the answer is lost (a timeout, a failover) and
    // the service answers the retry with the first answer: one involvement, never two.
    'involvements.record': async ({ cpNumber, involvement }) =>
      checked(
        'involvements.record',
        await session.call({
          method: 'POST',
          path: `${cpPath(cpNumber)}/involvements`,
          body: involvement,
          headers: { 'Idempotency-Key': randomUUID() },
        }),
      ),
    'involvements.update': async ({ cpNumber, id, change }) =>
      checked(
        'involvements.update',
        await session.call({
          method: 'PATCH',
          path: `${cpPath(cpNumber)}/involvements/${encodeURIComponent(id)}`,
          body: change,
        }),
      ),

    'workingSet.status': async () => status(teamWorkingSet().ws),
    'workingSet.sync': async () => {
      const { ws, localAuthority } = teamWorkingSet();
      const summary = await ws.call({ op: 'summary' });
      if (!summary.available) throw new AppFailure(summary.error.code, summary.error.message);
      if (summary.localAuthority !== null && summary.localAuthority !== localAuthority) {
        throw new AppFailure(
          'other-authority',
          "The working set on this computer belongs to another local authority. Nothing has been deleted. Wipe it before syncing your authority's records.",
        );
      }
      ws.startSync(localAuthority);
      return status(ws);
    },
    'workingSet.cancel': async () => {
      const { ws } = teamWorkingSet();
      await ws.call({ op: 'cancel' });
      return status(ws);
    },
    'workingSet.history': async () => checked('workingSet.history', await teamWorkingSet().ws.call({ op: 'history' })),
    'workingSet.search': async (query) => {
      const given = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v.trim() !== ''));
      return checked('workingSet.search', await teamWorkingSet().ws.call({ op: 'search', query: given, limit: 50 }));
    },
    'workingSet.startTask': async ({ screen, purpose }) => {
      teamWorkingSet();
      const { user, signIn } = signedIn();
      const t = tasks.start(screen, purpose, { userId: user.id, signIn }, new Date());
      return { taskSession: t.id, screen: t.screen, purpose: t.purpose, startedAt: t.startedAt };
    },
    'workingSet.endTask': async ({ taskSession }) => {
      tasks.end(taskSession);
      return {};
    },
    'workingSet.record': async ({ taskSession, cpNumber }) =>
      checked('workingSet.record', await openRecord(taskSession, cpNumber, false)),
    'workingSet.revealShielded': async ({ taskSession, cpNumber }) =>
      checked('workingSet.revealShielded', await openRecord(taskSession, cpNumber, true)),
    'workingSet.tasks': async () => checked('workingSet.tasks', await teamWorkingSet().ws.call({ op: 'tasks' })),
    'workingSet.send': async () => checked('workingSet.send', await teamWorkingSet().ws.call({ op: 'send' })),
    'workingSet.wipe': async () => {
      const { ws } = teamWorkingSet();
      // The audit entries of records opened here go first if they can: a wipe would lose them.
      await ws.call({ op: 'sendAccess' }).catch(() => undefined);
      await ws.wipe('command');
      return status(ws);
    },

    'cleanse.status': async () => cleanseStatus(teamWorkingSet().ws),
    'cleanse.queueHistory': async ({ days }) => {
      const since = new Date(Date.now() - ((days ?? 84) - 1) * 24 * 3600 * 1000).toISOString().slice(0, 10);
      const history = await teamWorkingSet().ws.call({ op: 'cleanseQueueHistory', since });
      return checked('cleanse.queueHistory', { days: history });
    },
    'cleanse.run': async () => {
      const { ws } = teamWorkingSet();
      const summary = await ws.call({ op: 'summary' });
      if (!summary.available) throw new AppFailure(summary.error.code, summary.error.message);
      if (summary.children === 0)
        throw new AppFailure('working-set-unavailable', 'The working set holds no records yet: sync it first.');
      ws.startCleanse(new Date().toISOString().slice(0, 10));
      return cleanseStatus(ws);
    },
    'cleanse.cancel': async () => {
      const { ws } = teamWorkingSet();
      await ws.call({ op: 'cleanseCancel' });
      return cleanseStatus(ws);
    },
    'cleanse.tasks': async ({ rule, offset, limit }) =>
      checked('cleanse.tasks', await teamWorkingSet().ws.call({ op: 'cleanseTasks', rule, offset, limit })),
    'cleanse.task': async ({ id, taskSession }) => {
      const { ws } = teamWorkingSet();
      const t = liveTask(taskSession);
      if (t.screen !== 'cleansing')
        throw new AppFailure('purpose-required', 'Give the purpose of your cleansing work before a task opens.');
      const answer = await tasks.serial(t, async () => {
        const already = [...t.audited].filter((k) => k.startsWith('record|')).map((k) => k.slice('record|'.length));
        const opened = await ws.call({
          op: 'cleanseTask',
          taskId: id,
          audit: accessor(t, 'record'),
          audited: already,
          at: new Date().toISOString(),
        });
        if (opened.audited.length > 0) {
          tasks.markAudited(t, 'record', opened.audited);
          sendAccessSoon(ws);
        }
        return opened;
      });
      return checked('cleanse.task', answer);
    },
    'adapter.profiles': async () =>
      checked('adapter.profiles', await teamWorkingSet().ws.call({ op: 'adapterProfiles' })),
    'adapter.saveProfile': async ({ profile }) =>
      checked(
        'adapter.saveProfile',
        await teamWorkingSet().ws.call({
          op: 'adapterSaveProfile',
          profile,
          at: new Date().toISOString(),
          userId: userId(),
        }),
      ),
    'adapter.deleteProfile': async ({ name }) =>
      checked('adapter.deleteProfile', await teamWorkingSet().ws.call({ op: 'adapterDeleteProfile', name })),
    'adapter.chooseFile': async () => {
      teamWorkingSet();
      const path = await choose('open', '');
      if (path === null) return null;
      let size: number;
      try {
        const st = statSync(path);
        if (!st.isFile()) throw new Error('not a file');
        size = st.size;
      } catch {
        throw new AppFailure('file-unreadable', 'That file cannot be opened. Choose another.');
      }
      const fileId = randomBytes(16).toString('hex');
      chosen.set(fileId, { path, name: basename(path) });
      return { fileId, name: basename(path), size };
    },
    'adapter.preview': async ({ fileId, profile }) =>
      checked(
        'adapter.preview',
        await teamWorkingSet().ws.call({ op: 'adapterPreview', path: chosenPath(fileId), profile, today: today() }),
      ),
    'adapter.check': async ({ fileId, profile }) => {
      const { ws } = teamWorkingSet();
      ws.startAdapter({ op: 'adapterCheck', path: chosenPath(fileId), profile, today: today(), userId: userId() });
      return adapterStatus(ws);
    },
    'adapter.status': async () => adapterStatus(teamWorkingSet().ws),
    'adapter.cancel': async () => {
      const { ws } = teamWorkingSet();
      await ws.call({ op: 'adapterCancel' });
      return adapterStatus(ws);
    },
    'adapter.loads': async () => checked('adapter.loads', await teamWorkingSet().ws.call({ op: 'adapterLoads' })),
    'adapter.load': async ({ id }) =>
      checked('adapter.load', await teamWorkingSet().ws.call({ op: 'adapterLoad', loadId: id })),
    'adapter.problems': async ({ id, offset, limit }) =>
      checked('adapter.problems', await teamWorkingSet().ws.call({ op: 'adapterProblems', loadId: id, offset, limit })),
    'adapter.rows': async ({ id, filter, offset, limit }) =>
      checked('adapter.rows', await teamWorkingSet().ws.call({ op: 'adapterRows', loadId: id, filter, offset, limit })),
    'adapter.exclude': async ({ id, rows, excluded }) =>
      checked('adapter.exclude', await teamWorkingSet().ws.call({ op: 'adapterExclude', loadId: id, rows, excluded })),
    'adapter.submit': async ({ id }) => {
      const { ws, localAuthority } = teamWorkingSet();
      ws.startAdapter({ op: 'adapterSubmit', loadId: id, localAuthority });
      return adapterStatus(ws);
    },
    'adapter.exportReport': async ({ id }) => {
      const { ws } = teamWorkingSet();
      const load = await ws.call({ op: 'adapterLoad', loadId: id });
      const path = await choose('save', `${load.fileName.replace(/\.[^.]*$/, '')}-report.csv`);
      if (path === null) return { saved: false, name: null };
      await ws.call({ op: 'adapterReport', loadId: id, path });
      return { saved: true, name: basename(path) };
    },
    'cleanse.team': async () => checked('cleanse.team', await team(teamWorkingSet().localAuthority)),
    'cleanse.resolve': async (resolution) => {
      const { ws, localAuthority } = teamWorkingSet();
      // "Assign to me" is the signed-in user; an assignee is otherwise a member of the team.
      const user = session.current().state;
      const r =
        resolution.action === 'assign' && resolution.assignee === 'me' && user.status === 'signed-in'
          ? { ...resolution, assignee: user.user.id }
          : resolution;
      if (
        r.action === 'assign' &&
        r.assignee !== null &&
        !(user.status === 'signed-in' && r.assignee === user.user.id)
      ) {
        const members = await team(localAuthority);
        if (!members.some((m) => m.id === r.assignee)) {
          throw new AppFailure(
            'invalid-payload',
            "A task can be assigned only to an active member of your authority's ContactPoint team.",
          );
        }
      }
      return checked(
        'cleanse.resolve',
        await ws.call({ op: 'cleanseResolve', resolution: r, at: new Date().toISOString() }),
      );
    },
  };
}

// The correction channels: a local authority ContactPoint team's correction of a record
// of its working set, queued in the outbox (main/working-set/corrections.ts) and sent as
// a signed `update` submission at once when the service can be reached (otherwise it
// waits, durably, for the next send). The cleansing task it names closes only when the
// national index has accepted it. What a shield hides is corrected only by a person whose
// role may see it (checked here, never by the renderer) and reaches the screen only as
// the worker's withheld views allow.
import type { z } from 'zod';
import { channels, type Channel } from '../../domain/ipc-contract.js';
import { mayRevealShielded } from '../../domain/working-set-access.js';
import { checkDraft } from '../../domain/correction-check.js';
import type { SessionManager } from '../session/session-manager.js';
import type { WorkingSet } from '../working-set/worker-client.js';
import { AppFailure } from './app-failure.js';
import type { Handlers } from './router.js';

type CorrectionChannel = Extract<Channel, `correction.${string}`>;

const checked = <C extends Channel>(channel: C, value: unknown): z.output<(typeof channels)[C]['response']> => {
  const parsed = channels[channel].response.safeParse(value);
  if (!parsed.success)
    throw new AppFailure(
      'internal-error',
      'The working set sent an answer ContactPoint could not understand. Tell your IT service desk.',
    );
  return parsed.data as z.output<(typeof channels)[C]['response']>;
};

export interface CorrectionDeps {
  session: SessionManager;
  workingSet: WorkingSet | null;
}

export function createCorrectionHandlers(deps: CorrectionDeps): Pick<Handlers, CorrectionChannel> {
  /** The signed-in member of an authority's ContactPoint team, and the working set. */
  function team() {
    const { state } = deps.session.current();
    if (state.status !== 'signed-in') throw new AppFailure('signed-out', 'You are not signed in. Sign in to continue.');
    if (!state.user.roles.includes('la-team') || state.user.localAuthority === null)
      throw new AppFailure('forbidden', "Only a local authority's ContactPoint team may correct a record.");
    if (!deps.workingSet)
      throw new AppFailure(
        'working-set-unavailable',
        'This computer has no working set configured. Tell your IT service desk.',
      );
    return { user: state.user, ws: deps.workingSet };
  }
  /** Whether this person may see (and so correct) what a shield hides in this working set. */
  async function mayReveal(ws: WorkingSet, user: ReturnType<typeof team>['user']): Promise<boolean> {
    const summary = await ws.call({ op: 'summary' });
    return mayRevealShielded(user, summary.localAuthority);
  }
  // One send at a time from here, of updates only (a merge or a shield waits for the team's
  // "Send"); a send that fails (offline) leaves the correction queued for the next one.
  let sending = false;
  /** A correction arrived while a send was running, perhaps after it last read the outbox. */
  let again = false;
  function sendSoon(ws: WorkingSet): void {
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    again = false;
    ws.call({ op: 'sendCorrections' })
      .catch(() => undefined)
      .finally(() => {
        sending = false;
        if (again) sendSoon(ws);
      });
  }

  return {
    'correction.submit': async ({ revealed, ...correction }) => {
      const { user, ws } = team();
      if (revealed && !(await mayReveal(ws, user)))
        throw new AppFailure('forbidden', 'Your role may not see or correct the details a shield hides.');
      const view = await ws.call({ op: 'correct', correction, reveal: revealed, at: new Date().toISOString() });
      sendSoon(ws);
      return checked('correction.submit', view);
    },
    'correction.list': async (request) => {
      const { ws } = team();
      return checked(
        'correction.list',
        await ws.call({
          op: 'corrections',
          ...(request.cpNumber !== undefined ? { cpNumber: request.cpNumber } : {}),
          ...(request.cleanseTaskId !== undefined ? { cleanseTaskId: request.cleanseTaskId } : {}),
        }),
      );
    },
    'correction.check': async ({ record, draft, withheld }) => {
      team();
      return checked(
        'correction.check',
        checkDraft(record, draft, { withheld, today: new Date().toISOString().slice(0, 10) }),
      );
    },
    'correction.conflict': async ({ taskId }) => {
      const { ws } = team();
      // A shielded record's hidden fields stay out of the conflict view: they are
      // compared on the record itself, with its shielded details shown (and audited).
      return checked('correction.conflict', await ws.call({ op: 'correctionConflict', taskId, reveal: false }));
    },
  };
}

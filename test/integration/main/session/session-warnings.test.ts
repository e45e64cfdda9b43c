// The warnings before the idle lock and before the session's end (WCAG 2.2.1, Timing
// Adjustable), against a real national service with real TOTP sign-ins. Time is
// injected: the session manager's clock and its timers are a manual clock that the test
// moves, so each warning and lock is seen at exactly the moment it is due.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../../main/api/client.js';
import { createTransport } from '../../../../main/api/transport.js';
import { createSessionManager, type SessionManager } from '../../../../main/session/session-manager.js';
import type { SessionState } from '../../../../domain/ipc-contract.js';
import { trainingAccounts } from '../../../../service/training/accounts.js';
import { startServiceHarness, totpFor, type ServiceHarness } from '../../../support/national-service.js';

let service: ServiceHarness;
const managers: SessionManager[] = [];

beforeAll(async () => {
  service = await startServiceHarness({ trainingCount: 50 });
});
afterAll(async () => {
  await service.close();
});
afterEach(async () => {
  for (const m of managers.splice(0)) await m.close();
});

/** A clock and timers the test moves by hand: `advance` runs every timer that falls due, in order. */
class ManualTime {
  private at: number;
  private timers: { due: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  constructor(start: number) {
    this.at = start;
  }
  now = (): number => this.at;
  schedule = (fn: () => void, ms: number): (() => void) => {
    const id = this.nextId++;
    this.timers.push({ due: this.at + Math.max(0, ms), fn, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  };
  advance(ms: number): void {
    const until = this.at + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.due <= until).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t.id !== next.id);
      this.at = next.due;
      next.fn();
    }
    this.at = until;
  }
}

function manager(time: ManualTime, options: { idleMs: number; lockWarningMs?: number; sessionEndWarningMs?: number }) {
  const api = createApiClient({
    baseUrl: service.url,
    transport: createTransport({}),
    // The service checks signatures against its own clock: main's requests carry that time.
    now: () => service.clock.now().getTime(),
    retryDelaysMs: [10],
  });
  const m = createSessionManager({ api, card: null, now: time.now, schedule: time.schedule, ...options });
  managers.push(m);
  return m;
}

async function signIn(m: SessionManager): Promise<SessionState> {
  service.clock.advance(30_000); // a fresh TOTP step: each code is accepted once
  const account = trainingAccounts.find((a) => a.id === 'trn-practitioner')!;
  return m.signInToken({
    userId: account.id,
    password: account.password,
    otp: totpFor(account.id, service.clock.now()),
  });
}

const stateOf = (m: SessionManager) => m.current().state;

describe('warning before the idle lock', () => {
  it('warns lockWarning before the lock, with the seconds left, then locks on time', async () => {
    const time = new ManualTime(service.clock.now().getTime());
    const m = manager(time, { idleMs: 5 * 60_000, lockWarningMs: 60_000 });
    await signIn(m);
    expect(stateOf(m)).toMatchObject({ status: 'signed-in' });
    expect(stateOf(m)).not.toHaveProperty('warning');

    time.advance(4 * 60_000 - 1);
    expect(stateOf(m)).not.toHaveProperty('warning');
    const seq = m.current().seq;
    time.advance(1);
    // The renderer long-polling `watch` hears of the warning at once.
    const warned = await m.watch(seq);
    expect(warned.state).toMatchObject({ status: 'signed-in', warning: { kind: 'idle', secondsLeft: 60 } });

    time.advance(60_000 - 1);
    expect(stateOf(m).status).toBe('signed-in');
    time.advance(1);
    expect(stateOf(m)).toMatchObject({ status: 'locked', reason: 'idle' });
    expect(m.holdsKey()).toBe(false);
  });

  it('"stay signed in" (activity) takes the warning away and starts the idle time again', async () => {
    const time = new ManualTime(service.clock.now().getTime());
    const m = manager(time, { idleMs: 5 * 60_000, lockWarningMs: 60_000 });
    await signIn(m);
    time.advance(4 * 60_000 + 30_000);
    expect(stateOf(m)).toMatchObject({ warning: { kind: 'idle' } });

    m.activity();
    expect(stateOf(m)).toMatchObject({ status: 'signed-in' });
    expect(stateOf(m)).not.toHaveProperty('warning');
    // The old lock time passes: still signed in, and the next warning is a full idle period away.
    time.advance(4 * 60_000 - 1);
    expect(stateOf(m)).not.toHaveProperty('warning');
    time.advance(1);
    expect(stateOf(m)).toMatchObject({ warning: { kind: 'idle', secondsLeft: 60 } });
    expect(m.holdsKey()).toBe(true);
  });

  it('never warns for more than half the idle time', async () => {
    const time = new ManualTime(service.clock.now().getTime());
    const m = manager(time, { idleMs: 60_000, lockWarningMs: 300_000 });
    await signIn(m);
    time.advance(29_999);
    expect(stateOf(m)).not.toHaveProperty('warning');
    time.advance(1);
    expect(stateOf(m)).toMatchObject({ warning: { kind: 'idle', secondsLeft: 30 } });
    time.advance(30_000);
    expect(stateOf(m)).toMatchObject({ status: 'locked', reason: 'idle' });
  });

  it('a card-removal style lock needs no warning: lock() is immediate even with a warning due', async () => {
    const time = new ManualTime(service.clock.now().getTime());
    const m = manager(time, { idleMs: 5 * 60_000, lockWarningMs: 60_000 });
    await signIn(m);
    time.advance(60_000);
    m.lock('card-removed');
    expect(stateOf(m)).toMatchObject({ status: 'locked', reason: 'card-removed' });
    // No warning or idle lock fires afterwards for the ended session.
    time.advance(10 * 60_000);
    expect(stateOf(m)).toMatchObject({ status: 'locked', reason: 'card-removed' });
  });
});

describe("warning before the session's end", () => {
  it('warns sessionEndWarning before the end; activity does not take it away; the end signs out', async () => {
    const time = new ManualTime(service.clock.now().getTime());
    const m = manager(time, { idleMs: 60 * 60_000, lockWarningMs: 60_000, sessionEndWarningMs: 10 * 60_000 });
    const t0 = time.now(); // the manual clock stands still while signing in
    const state = await signIn(m);
    if (state.status !== 'signed-in') throw new Error('not signed in');
    const remaining = Date.parse(state.expiresAt) - t0;
    expect(remaining).toBeGreaterThan(7 * 3600_000); // the service's 8-hour session

    // Active every half hour (no idle lock) up to just before the warning is due.
    const warnAt = t0 + remaining - 10 * 60_000;
    while (time.now() + 30 * 60_000 < warnAt) {
      time.advance(30 * 60_000);
      m.activity();
    }
    time.advance(warnAt - time.now() - 1);
    expect(stateOf(m)).not.toHaveProperty('warning');
    time.advance(1);
    expect(stateOf(m)).toMatchObject({ status: 'signed-in', warning: { kind: 'session-end', secondsLeft: 600 } });

    m.activity();
    expect(stateOf(m)).toMatchObject({ warning: { kind: 'session-end' } });
    // An idle warning due now does not hide the end of the session.
    time.advance(10 * 60_000 - 1);
    expect(stateOf(m)).toMatchObject({ status: 'signed-in', warning: { kind: 'session-end' } });
    time.advance(1);
    await m.watch(m.current().seq - 1);
    expect(stateOf(m)).toEqual({ status: 'signed-out', reason: 'session-expired' });
    expect(m.holdsKey()).toBe(false);
  });
});

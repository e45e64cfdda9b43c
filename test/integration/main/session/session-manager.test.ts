// The session manager against a real national service on loopback, signing in with
// real TOTP codes: sign-in, signed calls, locking (and what locking destroys), idle
// lock, expiry and the account being stopped mid-session. Card sign-in and card
// removal with a real SoftHSM2 token are in session-card.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../../main/api/client.js';
import { createTransport } from '../../../../main/api/transport.js';
import { createSessionManager, type SessionManager } from '../../../../main/session/session-manager.js';
import { trainingAccounts } from '../../../../service/training/accounts.js';
import { failureOf } from '../../../support/failures.js';
import { startServiceHarness, totpFor, type ServiceHarness } from '../../../support/national-service.js';

let service: ServiceHarness;
const managers: SessionManager[] = [];

beforeAll(async () => {
  service = await startServiceHarness({ trainingCount: 200 });
});
afterAll(async () => {
  await service.close();
});
afterEach(async () => {
  for (const m of managers.splice(0)) await m.close();
});

function manager(idleMs = 60_000): SessionManager {
  const api = createApiClient({
    baseUrl: service.url,
    transport: createTransport({}),
    now: () => service.clock.now().getTime(),
    retryDelaysMs: [10],
  });
  const m = createSessionManager({ api, card: null, idleMs, now: () => service.clock.now().getTime() });
  managers.push(m);
  return m;
}

async function signInToken(m: SessionManager, userId = 'trn-practitioner') {
  // A fresh 30 s step for every sign-in: each code is accepted once.
  service.clock.advance(30_000);
  const account = trainingAccounts.find((a) => a.id === userId)!;
  return m.signInToken({ userId, password: account.password, otp: totpFor(userId, service.clock.now()) });
}

async function latestSession(userId: string) {
  const [row] = await service.db.query<{ id: string; ended_at: Date | null }>(
    'SELECT id, ended_at FROM sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1',
    [userId],
  );
  return row!;
}

async function until(check: () => Promise<boolean> | boolean, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

describe('session manager with a security token', () => {
  it('signs in with password and a real TOTP code, then signs every call with the session key', async () => {
    const m = manager();
    const state = await signInToken(m);
    expect(state).toMatchObject({
      status: 'signed-in',
      method: 'otp',
      user: { id: 'trn-practitioner', roles: ['practitioner'] },
    });
    expect(m.holdsKey()).toBe(true);
    const result = (await m.call({ method: 'GET', path: '/v1/children', query: { surname: 'Smith' } })) as {
      results: unknown[];
    };
    expect(Array.isArray(result.results)).toBe(true);
    // The service audited the search under this user: the call really was signed by this session.
    const [audit] = await service.db.query<{ user_id: string }>(
      "SELECT user_id FROM audit_log WHERE action = 'search' ORDER BY seq DESC LIMIT 1",
    );
    expect(audit?.user_id).toBe('trn-practitioner');
  });

  it('refuses a wrong code without saying which factor was wrong, and stays signed out', async () => {
    const m = manager();
    service.clock.advance(30_000);
    const account = trainingAccounts.find((a) => a.id === 'trn-practitioner')!;
    const right = totpFor('trn-practitioner', service.clock.now());
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    const e = await failureOf(m.signInToken({ userId: 'trn-practitioner', password: account.password, otp: wrong }));
    expect(e.code).toBe('sign-in-refused');
    expect(e.message).not.toContain(wrong);
    expect(m.current().state).toEqual({ status: 'signed-out' });
    expect(m.holdsKey()).toBe(false);
    expect((await failureOf(m.call({ method: 'GET', path: '/v1/children', query: { surname: 'Smith' } }))).code).toBe(
      'signed-out',
    );
  });

  it('locking destroys the key, ends the national session and refuses further calls', async () => {
    const m = manager();
    await signInToken(m);
    const before = await latestSession('trn-practitioner');
    expect(before.ended_at).toBeNull();
    const seqBefore = m.current().seq;
    m.lock('card-removed');
    expect(m.current()).toEqual({
      seq: seqBefore + 1,
      state: {
        status: 'locked',
        reason: 'card-removed',
        method: 'otp',
        user: { id: 'trn-practitioner', name: expect.any(String) },
      },
    });
    expect(m.holdsKey()).toBe(false);
    expect((await failureOf(m.call({ method: 'GET', path: '/v1/children', query: { surname: 'Smith' } }))).code).toBe(
      'signed-out',
    );
    // Best effort, in the background: the service marks the session ended.
    expect(await until(async () => (await latestSession('trn-practitioner')).ended_at !== null)).toBe(true);
  });

  it('an answer that arrives after the lock never reaches the caller', async () => {
    const m = manager();
    await signInToken(m);
    const inFlight = m.call({ method: 'GET', path: '/v1/children', query: { surname: 'Smith' } });
    m.lock('idle');
    expect((await failureOf(inFlight)).code).toBe('signed-out');
  });

  it('locks after the idle time, and activity postpones it', async () => {
    const m = manager(400);
    await signInToken(m);
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 150));
      m.activity();
    }
    expect(m.current().state.status).toBe('signed-in');
    // First the warning (half the idle time before the lock, at most), then the lock.
    const warned = await m.watch(m.current().seq);
    expect(warned.state).toMatchObject({ status: 'signed-in', warning: { kind: 'idle' } });
    const locked = await m.watch(warned.seq);
    expect(locked.state).toMatchObject({ status: 'locked', reason: 'idle' });
    expect(m.holdsKey()).toBe(false);
  });

  it('an expired national session signs the user out with "sign in again"', async () => {
    const m = manager();
    await signInToken(m);
    service.clock.advance(8 * 3600_000 + 60_000);
    try {
      const e = await failureOf(m.call({ method: 'GET', path: '/v1/children', query: { surname: 'Smith' } }));
      expect(e.code).toBe('session-expired');
      expect(m.current().state).toEqual({ status: 'signed-out', reason: 'session-expired' });
      expect(m.holdsKey()).toBe(false);
    } finally {
      service.clock.advance(0);
    }
  });

  it('an account suspended mid-session is signed out at its next call', async () => {
    const m = manager();
    await signInToken(m, 'trn-practitioner');
    await service.db.query('UPDATE users SET suspended = true WHERE id = $1', ['trn-practitioner']);
    try {
      const e = await failureOf(m.call({ method: 'GET', path: '/v1/children', query: { surname: 'Smith' } }));
      expect(e.code).toBe('forbidden');
      expect(m.current().state).toEqual({ status: 'signed-out', reason: 'account-refused' });
    } finally {
      await service.db.query('UPDATE users SET suspended = false WHERE id = $1', ['trn-practitioner']);
    }
  });

  it('sign-out ends the national session and says so to watchers', async () => {
    const m = manager();
    await signInToken(m);
    const waiting = m.watch(m.current().seq);
    await m.signOut();
    expect((await waiting).state).toEqual({ status: 'signed-out', reason: 'signed-out' });
    expect((await latestSession('trn-practitioner')).ended_at).not.toBeNull();
  });
});

describe('watch', () => {
  it('answers at once when the caller is behind, and waits when it is up to date', async () => {
    const m = manager();
    expect(await m.watch(-1)).toEqual({ seq: 0, state: { status: 'signed-out' } });
    let answered = false;
    const waiting = m.watch(0).then((e) => {
      answered = true;
      return e;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    await signInToken(m);
    expect((await waiting).state.status).toBe('signed-in');
  });
});

// Card sign-in through the session manager: a real SoftHSM2 token whose key is
// registered with a real national service, the card reader's worker thread, and the
// removal watcher locking the session when the token is deleted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../../main/api/client.js';
import { createTransport } from '../../../../main/api/transport.js';
import { createCardReader, type CardReader } from '../../../../main/card/card-reader.js';
import { createSessionManager, type SessionManager } from '../../../../main/session/session-manager.js';
import { registerCardInStore } from '../../../../service/accounts/card-keys.js';
import { startServiceHarness, type ServiceHarness } from '../../../support/national-service.js';
import { failureOf } from '../../../support/failures.js';
import { buildCardWorker, createSoftHsm, SOFTHSM2_MODULE, type SoftHsm } from '../../../support/softhsm.js';

let service: ServiceHarness;
let hsm: SoftHsm;
let workDir: string;
let card: CardReader;
let session: SessionManager;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'cp-session-card-'));
  const { workerFile } = await buildCardWorker(workDir);
  service = await startServiceHarness({ trainingCount: 50 });
  hsm = createSoftHsm();
  card = createCardReader({
    modulePath: SOFTHSM2_MODULE,
    workerFile,
    env: { ...hsm.env, NODE_PATH: resolve('node_modules') },
  });
  const api = createApiClient({
    baseUrl: service.url,
    transport: createTransport({}),
    now: () => service.clock.now().getTime(),
  });
  session = createSessionManager({ api, card, idleMs: 60_000, now: () => service.clock.now().getTime() });
});
afterAll(async () => {
  await session?.close();
  await card?.close();
  await service?.close();
  hsm?.cleanup();
  rmSync(workDir, { recursive: true, force: true });
});

describe('card sign-in through the session manager', () => {
  it('asks for the card when none is inserted', async () => {
    expect((await failureOf(session.signInCard('123456'))).code).toBe('card-absent');
  });

  it('a card whose key the service does not know is refused by the service', async () => {
    await hsm.makeCard({ userId: 'trn-practitioner' });
    const e = await failureOf(session.signInCard('123456'));
    expect(e.code).toBe('sign-in-refused');
    await hsm.removeCard('trn-practitioner');
  });

  it('signs in with the registered card and its PIN; removing the card locks within a second', async () => {
    const { publicJwk } = await hsm.makeCard({ userId: 'trn-practitioner' });
    await service.db.transaction((tx) => registerCardInStore(tx, 'trn-practitioner', publicJwk, service.clock.now()));

    const wrong = await failureOf(session.signInCard('654321'));
    expect(wrong.code).toBe('card-pin-incorrect');
    expect(wrong.triesLeft).toBe(2);
    expect(session.current().state.status).toBe('signed-out');

    const state = await session.signInCard('123456');
    expect(state).toMatchObject({ status: 'signed-in', method: 'card', user: { id: 'trn-practitioner' } });
    const [row] = await service.db.query<{ method: string }>(
      `SELECT method FROM sessions WHERE user_id = 'trn-practitioner' AND ended_at IS NULL ORDER BY created_at DESC LIMIT 1`,
    );
    expect(row?.method).toBe('card');
    // Calls are signed with the session key the card vouched for.
    await session.call({ method: 'GET', path: '/v1/children', query: { surname: 'Smith' } });

    const seq = session.current().seq;
    const locked = session.watch(seq);
    await hsm.removeCard('trn-practitioner');
    const removedAt = Date.now();
    const event = await locked;
    expect(Date.now() - removedAt).toBeLessThan(1000);
    expect(event.state).toMatchObject({ status: 'locked', reason: 'card-removed', method: 'card' });
    expect(session.holdsKey()).toBe(false);
    expect(
      (await failureOf(session.call({ method: 'GET', path: '/v1/children', query: { surname: 'Smith' } }))).code,
    ).toBe('signed-out');
  });
});

describe('a card enrolled at the helpdesk, activated through the session manager', () => {
  it('reads the key after the PIN, refuses a swapped card, activates the one read, and logs no PIN', async () => {
    const lines: string[] = [];
    const api = createApiClient({
      baseUrl: service.url,
      transport: createTransport({}),
      now: () => service.clock.now().getTime(),
    });
    const desk = createSessionManager({
      api,
      card,
      idleMs: 60_000,
      now: () => service.clock.now().getTime(),
      log: (line) => lines.push(line),
    });
    const team = await service.signIn('trn-la-team');
    const team2 = await service.signIn('trn-la-team-2');
    const pin = '975310';
    const ask = async (publicJwk: unknown) => {
      const asked = await team.post('/v1/users/trn-child-protection/card-enrolments', {
        publicJwk,
        reason: 'New card at the desk',
      });
      expect(asked.status).toBe(201);
      const confirmed = await team2.post(`/v1/account-requests/${asked.body.request.id}/confirm`, {
        reason: 'Holder seen',
      });
      expect(confirmed.status).toBe(200);
      return {
        id: asked.body.request.id as string,
        firstHalf: asked.body.firstHalf,
        secondHalf: confirmed.body.secondHalf,
      };
    };
    try {
      await hsm.makeCard({ userId: 'trn-child-protection', pin });
      const read = await desk.readCardKey(pin);
      expect(read.userId).toBe('trn-child-protection');
      const first = await ask(read.publicJwk);

      // Another card with the same label, swapped in before activation: refused.
      await hsm.removeCard('trn-child-protection');
      await hsm.makeCard({ userId: 'trn-child-protection', pin });
      const swapped = await failureOf(
        desk.activateCard({ firstHalf: first.firstHalf, secondHalf: first.secondHalf, pin }),
      );
      expect(swapped.message).toMatch(/refused/i);
      expect((await team.post(`/v1/account-requests/${first.id}/cancel`, { reason: 'Card swapped' })).status).toBe(200);

      // The card now in the reader, read and enrolled, activates and signs in.
      const again = await ask((await desk.readCardKey(pin)).publicJwk);
      const done = await desk.activateCard({ firstHalf: again.firstHalf, secondHalf: again.secondHalf, pin });
      expect(done.userId).toBe('trn-child-protection');
      const state = await desk.signInCard(pin);
      expect(state).toMatchObject({ status: 'signed-in', method: 'card', user: { id: 'trn-child-protection' } });
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).not.toContain(pin);
    } finally {
      await desk.close();
      await hsm.removeCard('trn-child-protection').catch(() => undefined);
    }
  });
});

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

// Main's session manager signed in to a test service with a training account's password
// and a real TOTP code, as the desktop signs in with a security token: for tests that
// drive main's IPC handlers against a real service.
import { createApiClient } from '../../main/api/client.js';
import { createTransport } from '../../main/api/transport.js';
import { createSessionManager, type SessionManager } from '../../main/session/session-manager.js';
import { trainingAccounts } from '../../service/training/accounts.js';
import { totpFor, type ServiceHarness } from './national-service.js';

export async function desktopSessionAs(service: ServiceHarness, userId: string): Promise<SessionManager> {
  const api = createApiClient({
    baseUrl: service.url,
    transport: createTransport({}),
    now: () => service.clock.now().getTime(),
    retryDelaysMs: [10],
  });
  const session = createSessionManager({ api, card: null, idleMs: 60_000, now: () => service.clock.now().getTime() });
  // A new TOTP step, so no code the test used already is offered again.
  service.clock.advance(30_000);
  const account = trainingAccounts.find((a) => a.id === userId);
  if (!account) throw new Error(`no training account ${userId}`);
  await session.signInToken({
    userId: account.id,
    password: account.password,
    otp: totpFor(account.id, service.clock.now()),
  });
  return session;
}

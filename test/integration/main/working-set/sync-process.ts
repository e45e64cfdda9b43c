// A sync in a process of its own, for the crash test: it prints one JSON line per page
// applied and one when it finishes, so the test can kill it with SIGKILL mid-sync.
// Test support only; it signs with a session key the test hands it.
import { createPrivateKey } from 'node:crypto';
import { createApiClient } from '../../../../main/api/client.js';
import { createTransport } from '../../../../main/api/transport.js';
import { openStore } from '../../../../main/working-set/store.js';
import { runSync } from '../../../../main/working-set/sync-engine.js';
import { createKeyringVault } from '../../../../main/working-set/vault.js';

const env = (name: string) => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const offset = Number(env('CP_CLOCK_OFFSET_MS'));
const store = openStore(env('CP_WS_DIR'), createKeyringVault(env('CP_WS_ACCOUNT')));
const api = createApiClient({
  baseUrl: env('CP_SERVICE_URL'),
  transport: createTransport({}),
  now: () => Date.now() + offset,
});
const run = await runSync({
  store,
  api,
  credentials: { sessionId: env('CP_SESSION_ID'), privateKey: createPrivateKey(env('CP_SESSION_KEY')) },
  localAuthority: env('CP_LOCAL_AUTHORITY'),
  pageSize: Number(env('CP_PAGE_SIZE')),
  onProgress: (p) => process.stdout.write(`${JSON.stringify({ received: p.received })}\n`),
});
process.stdout.write(`${JSON.stringify({ finished: run })}\n`);
store.close();

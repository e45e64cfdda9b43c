// A correction made in a process of its own, for the kill test: it queues the correction
// given in CP_CORRECTION (offline: it never sends), prints one JSON line, and waits to be
// killed with SIGKILL. Test support only.
import { openStore } from '../../../../main/working-set/store.js';
import { queueCorrection } from '../../../../main/working-set/corrections.js';
import { createKeyringVault } from '../../../../main/working-set/vault.js';
import { correctionRequestSchema } from '../../../../domain/correction-check.js';

const env = (name: string) => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const store = openStore(env('CP_WS_DIR'), createKeyringVault(env('CP_WS_ACCOUNT')));
const view = queueCorrection(store, correctionRequestSchema.parse(JSON.parse(env('CP_CORRECTION'))), {
  reveal: true,
  localAuthority: store.meta('localAuthority'),
  at: new Date().toISOString(),
});
process.stdout.write(`${JSON.stringify({ queued: view.id, state: view.state })}\n`);
// Until the test kills it: no close, no clean exit.
setInterval(() => undefined, 60_000);

// The checks thread of a cleansing run (bundled as dist/main/cleanse-checks-worker.cjs):
// its own read-only connection to the working set, under the key in the credential
// store, posting each slice's findings as it goes. Stopped by terminating the thread.
import { parentPort, workerData } from 'node:worker_threads';
import { createSliceChecker, type ChecksMessage, type ChecksWorkerData } from './checks.js';
import { openStoreReader, WorkingSetError } from '../working-set/store.js';
import { createKeyringVault, VaultError } from '../working-set/vault.js';

const data = workerData as ChecksWorkerData;
const post = (m: ChecksMessage) => parentPort!.postMessage(m);

try {
  const db = openStoreReader(data.dir, createKeyringVault(data.keyAccount));
  try {
    const next = createSliceChecker(db, data.today);
    let done = 0;
    for (let s = next(); s !== null; s = next()) {
      done = s.done;
      post({ type: 'slice', done: s.done, findings: s.findings });
    }
    post({ type: 'done', done });
  } finally {
    db.close();
  }
} catch (e) {
  // A store or key error's message is written for the user and holds no data; anything else goes out as its class only.
  if (e instanceof WorkingSetError || e instanceof VaultError)
    post({ type: 'failed', name: e.name, code: e.code, message: e.message });
  else post({ type: 'failed', name: e instanceof Error ? e.name : 'Error' });
}

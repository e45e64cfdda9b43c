// A thread of a check (bundled as dist/main/adapter-check-worker.cjs): one part of the
// file's rows, with its own read-only connection to the working set (under the key in
// the credential store) for the local matches. Stopped by terminating the thread.
import { parentPort, workerData } from 'node:worker_threads';
import { openStoreReader } from '../working-set/store.js';
import { createKeyringVault } from '../working-set/vault.js';
import { checkPart, type CheckPartRequest, type CheckPartEnd, type CheckSlice } from './check-part.js';
import { SourceError } from './source/index.js';

export interface CheckWorkerData {
  request: CheckPartRequest;
  workingSet: { dir: string; keyAccount: string } | null;
}

export type CheckWorkerMessage =
  | { type: 'slice'; slice: CheckSlice }
  | { type: 'done'; end: CheckPartEnd }
  | { type: 'failed'; name: string; code?: string; message?: string; row?: number; column?: string };

const data = workerData as CheckWorkerData;
const post = (m: CheckWorkerMessage) => parentPort!.postMessage(m);

// At most this many slices sent and not yet saved: the part waits, so memory stays flat
// however far reading runs ahead of the journal.
const IN_FLIGHT = 4;
let inFlight = 0;
let resume: (() => void) | null = null;
parentPort!.on('message', (m: { type: 'saved' }) => {
  if (m.type !== 'saved') return;
  inFlight--;
  const r = resume;
  resume = null;
  r?.();
});
async function send(slice: CheckSlice): Promise<void> {
  post({ type: 'slice', slice });
  if (++inFlight >= IN_FLIGHT) await new Promise<void>((r) => (resume = r));
}

// No top-level await: the bundle is CommonJS.
void (async () => {
  try {
    const db = data.workingSet
      ? openStoreReader(data.workingSet.dir, createKeyringVault(data.workingSet.keyAccount))
      : null;
    try {
      const end = await checkPart(data.request, { workingSet: db, onSlice: send });
      post({ type: 'done', end });
      // Nothing more to hear: the thread may end.
      parentPort!.removeAllListeners('message');
    } finally {
      db?.close();
    }
  } catch (e) {
    // The reader's and the store's messages are written for the user and hold no data; anything else goes out as its class only.
    if (e instanceof SourceError)
      post({ type: 'failed', name: e.name, code: e.code, message: e.message, row: e.row, column: e.column });
    else if (e instanceof Error && (e.name === 'WorkingSetError' || e.name === 'VaultError'))
      post({ type: 'failed', name: e.name, code: (e as Error & { code?: string }).code ?? '', message: e.message });
    else post({ type: 'failed', name: e instanceof Error ? e.name : 'Error' });
  }
})();

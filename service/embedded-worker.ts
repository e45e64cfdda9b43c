// The training service inside a worker thread: what the desktop application runs, so
// that loading the training data and answering queries (PGlite is WebAssembly, on the
// thread that calls it) never blocks Electron's main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { startService } from './server.js';

export interface EmbeddedWorkerData {
  dataDir?: string;
  trainingCount?: number;
  /** Server-Timing on every answer: the desktop's debugTiming policy. */
  serverTiming?: boolean;
}

export type EmbeddedWorkerMessage =
  | { type: 'progress'; loaded: number; total: number }
  | { type: 'ready'; url: string }
  | { type: 'failed'; message: string }
  | { type: 'closed' };

if (!parentPort) throw new Error('embedded-worker.ts runs only as a worker thread');
const port = parentPort;
const data = workerData as EmbeddedWorkerData;
const post = (m: EmbeddedWorkerMessage) => port.postMessage(m);

async function run(): Promise<void> {
  try {
    const service = await startService({
      host: '127.0.0.1',
      port: 0,
      trainingMode: true,
      ...(data.dataDir !== undefined ? { dataDir: data.dataDir } : {}),
      ...(data.trainingCount !== undefined ? { trainingCount: data.trainingCount } : {}),
      ...(data.serverTiming ? { serverTiming: true } : {}),
      onProgress: ({ loaded, total }) => post({ type: 'progress', loaded, total }),
    });
    port.on('message', (m: unknown) => {
      if (m === 'close') {
        void service.close().finally(() => {
          post({ type: 'closed' });
          port.close();
        });
      }
    });
    post({ type: 'ready', url: service.url });
  } catch (e) {
    // Store errors carry clear messages without secrets (see store/open-store.ts).
    post({ type: 'failed', message: (e as Error).message });
  }
}

// No top-level await: the worker is bundled as CommonJS for Electron.
void run();

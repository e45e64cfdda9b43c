// Start the training service in a worker thread (embedded-worker.ts) and talk to it
// over loopback HTTP like any other national service.
import { Worker } from 'node:worker_threads';
import type { EmbeddedWorkerData, EmbeddedWorkerMessage } from './embedded-worker.js';

export interface EmbeddedServiceOptions extends EmbeddedWorkerData {
  /** The worker's script: the bundled service-worker.cjs in the application. */
  workerFile: string;
  /** Node options for the worker (tests run the TypeScript source with tsx). */
  execArgv?: string[];
  onProgress?: (p: { loaded: number; total: number }) => void;
}

export interface EmbeddedService {
  url: string;
  /** Finish requests in flight, close the store, end the thread. */
  close(): Promise<void>;
}

export class EmbeddedServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedServiceError';
  }
}

export function startEmbeddedService(options: EmbeddedServiceOptions): Promise<EmbeddedService> {
  const data: EmbeddedWorkerData = {
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.trainingCount !== undefined ? { trainingCount: options.trainingCount } : {}),
    ...(options.serverTiming ? { serverTiming: true } : {}),
  };
  const worker = new Worker(options.workerFile, { workerData: data, execArgv: options.execArgv ?? [] });
  return new Promise((resolve, reject) => {
    let started = false;
    worker.on('message', (m: EmbeddedWorkerMessage) => {
      if (m.type === 'progress') options.onProgress?.({ loaded: m.loaded, total: m.total });
      else if (m.type === 'failed') {
        reject(new EmbeddedServiceError(`The training service could not start: ${m.message}`));
        void worker.terminate();
      } else if (m.type === 'ready') {
        started = true;
        resolve({
          url: m.url,
          close: () =>
            new Promise<void>((done) => {
              worker.once('exit', () => done());
              worker.postMessage('close');
            }),
        });
      }
    });
    worker.once('error', (e) => {
      if (!started) reject(new EmbeddedServiceError(`The training service could not start: ${e.name}`));
    });
    worker.once('exit', (code) => {
      if (!started)
        reject(new EmbeddedServiceError(`The training service stopped before it was ready (exit code ${code}).`));
    });
  });
}

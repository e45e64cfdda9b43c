// Cleansing's checks thread, started from the TypeScript source (the headless commands
// and the tests run under tsx; the application starts the bundled
// dist/main/cleanse-checks-worker.cjs).
import type { Worker } from 'node:worker_threads';
import { startWorkerFromSource } from '../worker-from-source.js';
import type { ChecksWorkerData } from './checks.js';

export function startChecksFromSource(data: ChecksWorkerData): Worker {
  return startWorkerFromSource(new URL('./checks-worker.ts', import.meta.url).href, data);
}

// The adapter's check threads, started from the TypeScript source (the headless commands
// and the tests run under tsx; the application starts the bundled
// dist/main/adapter-check-worker.cjs).
import type { Worker } from 'node:worker_threads';
import { startWorkerFromSource } from '../worker-from-source.js';
import { CHECK_THREAD_LIMITS } from './check-part.js';
import type { CheckWorkerData } from './check-worker.js';

export function startAdapterCheckFromSource(data: CheckWorkerData): Worker {
  return startWorkerFromSource(new URL('./check-worker.ts', import.meta.url).href, data, {
    resourceLimits: CHECK_THREAD_LIMITS,
  });
}

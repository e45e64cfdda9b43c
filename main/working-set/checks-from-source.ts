// Cleansing's checks thread and the adapter's check threads, started from the
// TypeScript source (the headless commands and the tests run under tsx).
import type { Worker } from 'node:worker_threads';
import { CHECK_THREAD_LIMITS } from '../adapter/check-part.js';
import type { CheckWorkerData } from '../adapter/check-worker.js';
import { startWorkerFromSource } from '../source-worker.js';
import type { ChecksWorkerData } from './cleanse-checks.js';

export function startChecksFromSource(data: ChecksWorkerData): Worker {
  return startWorkerFromSource(new URL('./cleanse-checks-worker.ts', import.meta.url).href, data);
}

export function startAdapterCheckFromSource(data: CheckWorkerData): Worker {
  return startWorkerFromSource(new URL('../adapter/check-worker.ts', import.meta.url).href, data, { resourceLimits: CHECK_THREAD_LIMITS });
}

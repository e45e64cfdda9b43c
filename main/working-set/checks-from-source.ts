// Starts cleansing's checks thread from the TypeScript source, under tsx: for the
// headless commands (run with tsx) and the tests. The application starts the bundled
// dist/main/cleanse-checks-worker.cjs instead (working-set worker).
import { Worker } from 'node:worker_threads';
import type { ChecksWorkerData } from './cleanse-checks.js';

const source = new URL('./cleanse-checks-worker.ts', import.meta.url).href;

export function startChecksFromSource(data: ChecksWorkerData): Worker {
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

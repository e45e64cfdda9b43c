// Starts a worker thread from its TypeScript source, under tsx: for the headless
// commands (run with tsx) and the tests. The application starts the bundled .cjs files
// in dist/main instead, beside the working-set worker.
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startWorkerFromSource(
  moduleUrl: string,
  workerData: unknown,
  options: Pick<WorkerOptions, 'resourceLimits'> = {},
): Worker {
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}); })`;
  return new Worker(boot, { eval: true, workerData, ...options });
}

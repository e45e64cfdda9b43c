// The spans of the request being handled (domain/timing.ts), kept per request with
// AsyncLocalStorage so the code that queries or audits needs no extra parameter. Only
// when the service was started with server timing on; otherwise `timed` just runs.
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { SpanSet, type SpanName } from '../../domain/timing.js';

const current = new AsyncLocalStorage<SpanSet>();

/** Runs `fn` with a fresh set of spans, which it returns beside the result. */
export function withRequestTiming<T>(fn: () => Promise<T>): Promise<{ result: T; spans: SpanSet }> {
  const spans = new SpanSet();
  return current.run(spans, async () => ({ result: await fn(), spans }));
}

/** Times `fn` as span `name` of the current request, if its spans are being kept. */
export async function timed<T>(name: SpanName, fn: () => Promise<T>): Promise<T> {
  const spans = current.getStore();
  if (spans === undefined) return fn();
  const started = performance.now();
  try {
    return await fn();
  } finally {
    spans.add(name, performance.now() - started);
  }
}

/** The current request's spans, if they are being kept. */
export const requestSpans = (): SpanSet | undefined => current.getStore();

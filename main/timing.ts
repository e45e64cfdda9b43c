// Main's spans of the renderer's request being handled (domain/timing.ts), kept with
// AsyncLocalStorage so the API client can add its own (signing, the wait for the
// service, decoding) and the service's (from Server-Timing) without new parameters.
// Only while the router keeps them, which it does only when `debugTiming` is on.
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { SpanSet, type Span, type SpanName } from '../domain/timing.js';

const current = new AsyncLocalStorage<SpanSet>();

/** Runs `fn` with a fresh set of spans, which it returns beside the result. */
export async function withTiming<T>(fn: () => Promise<T>): Promise<{ result: T; spans: SpanSet }> {
  const spans = new SpanSet();
  return current.run(spans, async () => ({ result: await fn(), spans }));
}

/** Times `fn` as span `name`, if spans are being kept. */
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

/** Times a synchronous step as span `name`, if spans are being kept. */
export function timedSync<T>(name: SpanName, fn: () => T): T {
  const spans = current.getStore();
  if (spans === undefined) return fn();
  const started = performance.now();
  try {
    return fn();
  } finally {
    spans.add(name, performance.now() - started);
  }
}

/** Adds spans measured elsewhere (the service's, from its Server-Timing header). */
export function addSpans(spans: readonly Span[]): void {
  current.getStore()?.addAll(spans);
}

/** Whether spans are being kept for the request at hand. */
export const timing = (): boolean => current.getStore() !== undefined;

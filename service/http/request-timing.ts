// The spans of the work at hand (domain/timing.ts), kept with AsyncLocalStorage so the
// code that queries, audits, signs or waits needs no extra parameter. `createSpanKeeper`
// gives one such store: the service keeps one per request (only when it was started with
// server timing on; otherwise `timed` just runs), and the desktop's main process keeps
// its own (main/timing.ts, only when the debugTiming policy is on).
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { SpanSet, type Span, type SpanName } from '../../domain/timing.js';

export interface SpanKeeper {
  /** Runs `fn` with a fresh set of spans, which it returns beside the result. */
  run<T>(fn: () => Promise<T>): Promise<{ result: T; spans: SpanSet }>;
  /** Times `fn` as span `name`, if spans are being kept. */
  timed<T>(name: SpanName, fn: () => Promise<T>): Promise<T>;
  /** Times a synchronous step as span `name`, if spans are being kept. */
  timedSync<T>(name: SpanName, fn: () => T): T;
  /** Adds spans measured elsewhere (another process's, from its Server-Timing header). */
  addAll(spans: readonly Span[]): void;
  /** The spans being kept for the work at hand, if any. */
  current(): SpanSet | undefined;
}

export function createSpanKeeper(): SpanKeeper {
  const store = new AsyncLocalStorage<SpanSet>();
  const measure = <T>(name: SpanName, fn: () => T): T => {
    const spans = store.getStore();
    if (spans === undefined) return fn();
    const started = performance.now();
    try {
      return fn();
    } finally {
      spans.add(name, performance.now() - started);
    }
  };
  return {
    run(fn) {
      const spans = new SpanSet();
      return store.run(spans, async () => ({ result: await fn(), spans }));
    },
    async timed(name, fn) {
      const spans = store.getStore();
      if (spans === undefined) return fn();
      const started = performance.now();
      try {
        return await fn();
      } finally {
        spans.add(name, performance.now() - started);
      }
    },
    timedSync: measure,
    addAll(spans) {
      store.getStore()?.addAll(spans);
    },
    current: () => store.getStore(),
  };
}

const request = createSpanKeeper();

/** Runs `fn` with a fresh set of spans for the request, which it returns beside the result. */
export const withRequestTiming = request.run;
/** Times `fn` as span `name` of the current request, if its spans are being kept. */
export const timed = request.timed;
/** The current request's spans, if they are being kept. */
export const requestSpans = request.current;

// Main's spans of the renderer's request being handled (domain/timing.ts), kept with
// AsyncLocalStorage (a span keeper of its own, service/http/request-timing.ts) so the API
// client can add its own (signing, the wait for the service, decoding) and the service's
// (from Server-Timing) without new parameters. Only while the router keeps them, which
// it does only when `debugTiming` is on.
import { createSpanKeeper } from '../service/index.js';

const keeper = createSpanKeeper();

/** Runs `fn` with a fresh set of spans, which it returns beside the result. */
export const withTiming = keeper.run;
/** Times `fn` as span `name`, if spans are being kept. */
export const timed = keeper.timed;
/** Times a synchronous step as span `name`, if spans are being kept. */
export const timedSync = keeper.timedSync;
/** Adds spans measured elsewhere (the service's, from its Server-Timing header). */
export const addSpans = keeper.addAll;
/** Whether spans are being kept for the request at hand. */
export const timing = (): boolean => keeper.current() !== undefined;

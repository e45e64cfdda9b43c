// The renderer's part of debug timing (domain/timing.ts): main puts each request's spans
// (its own and the service's) beside the result only when the policy's debugTiming is on,
// and then the renderer adds its own and keeps them all in the window's performance
// timeline as measures named `cp:<action>:<span>`, for the developer tools and the
// benchmark to read. Durations only: a measure never carries what was searched.
import type { Span } from '../../domain/timing.js';

/** The spans of one answered request, from main and the service, placed where it began. */
export function recordSpans(action: string, sent: number, answered: number, spans: readonly Span[]): void {
  performance.measure(`cp:${action}:ipc`, { start: sent, end: answered });
  for (const span of spans) performance.measure(`cp:${action}:${span.name}`, { start: sent, duration: span.ms });
}

/** Calls `done` just after the next frame is painted: a rAF callback runs before the paint, a task posted from it after. */
export function afterNextPaint(done: () => void): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      done();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * From the answer to the rows on screen: `render` (the answer to React's commit),
 * `paint` (the commit to the frame that shows it) and `total` (the user's action to that
 * frame). Call it from a layout effect of the commit that shows the answer.
 */
export function recordPainted(action: string, started: number, answered: number): void {
  const committed = performance.now();
  afterNextPaint(() => {
    const painted = performance.now();
    performance.measure(`cp:${action}:render`, { start: answered, end: committed });
    performance.measure(`cp:${action}:paint`, { start: committed, end: painted });
    performance.measure(`cp:${action}:total`, { start: started, end: painted });
  });
}

// Where a wait goes: spans timed in each layer a request crosses (renderer, IPC, main,
// the signed call, the service), reported only when the machine policy's `debugTiming`
// is on. A span is a fixed name and a duration, nothing else: no names searched, no
// record, no identifier, so a span can be logged or shown without exposing anyone.
// The service hands its spans to main in the standard Server-Timing header; main hands
// its own and the service's to the renderer beside the IPC result.

/** Every span there is. Anything else in a Server-Timing header is dropped. */
export const spanNames = [
  // main, around a renderer's request
  'main.validate', // the IPC payload checked against its schema
  'main.handler', // the channel's handler, whole
  'main.sign', // the RFC 9421 signature of a call to the service
  'main.http', // the service's answer awaited: network and the service's own time
  'main.decode', // the service's JSON answer parsed
  // the service, per request
  'service.parse', // route, body, query and parameters read and checked
  'service.auth', // signature, nonce, session and roles
  'service.query', // the database's part of the answer
  'service.audit', // the audit entry appended
  'service.handle', // the route's handler, whole (query and audit included)
  'service.serialise', // the answer turned into JSON and written
] as const;
export type SpanName = (typeof spanNames)[number];

export interface Span {
  name: SpanName;
  /** Milliseconds, to the microsecond. */
  ms: number;
}

const known = new Set<string>(spanNames);
export const isSpanName = (name: string): name is SpanName => known.has(name);

/** Spans that add up: a span timed twice in one request (two queries) is one span. */
export class SpanSet {
  private readonly byName = new Map<SpanName, number>();
  add(name: SpanName, ms: number): void {
    this.byName.set(name, (this.byName.get(name) ?? 0) + ms);
  }
  addAll(spans: readonly Span[]): void {
    for (const s of spans) this.add(s.name, s.ms);
  }
  list(): Span[] {
    return [...this.byName].map(([name, ms]) => ({ name, ms: Math.round(ms * 1000) / 1000 }));
  }
}

/** A Server-Timing header's value (RFC: `name;dur=milliseconds`, comma-separated). */
export function serverTimingHeader(spans: readonly Span[]): string {
  return spans.map((s) => `${s.name};dur=${s.ms.toFixed(3)}`).join(', ');
}

/**
 * The known spans in a Server-Timing header. A name the list does not hold, a duration
 * that is not a finite number of milliseconds from 0 to an hour, or a malformed entry is
 * dropped: the header comes from the network and is shown only as numbers.
 */
export function parseServerTiming(header: string | undefined): Span[] {
  if (header === undefined || header.length > 4096) return [];
  const spans: Span[] = [];
  for (const entry of header.split(',')) {
    const [rawName, ...params] = entry.split(';').map((p) => p.trim());
    if (rawName === undefined || !isSpanName(rawName)) continue;
    const dur = params.find((p) => p.startsWith('dur='))?.slice(4);
    const ms = dur !== undefined && /^\d{1,7}(\.\d{1,6})?$/.test(dur) ? Number(dur) : NaN;
    if (Number.isFinite(ms) && ms <= 3_600_000) spans.push({ name: rawName, ms });
  }
  return spans;
}

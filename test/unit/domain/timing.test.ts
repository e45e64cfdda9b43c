// Debug timing's wire format: the spans a service puts in Server-Timing, and what main
// takes from a header that came over the network (known names and sane durations only).
import { describe, expect, it } from 'vitest';
import { parseServerTiming, serverTimingHeader, SpanSet, spanNames } from '../../../domain/timing.js';

describe('debug timing spans', () => {
  it('a header written by the service reads back as the same spans', () => {
    const spans = [
      { name: 'service.parse' as const, ms: 0.125 },
      { name: 'service.query' as const, ms: 12.5 },
      { name: 'service.audit' as const, ms: 3 },
    ];
    const header = serverTimingHeader(spans);
    expect(header).toBe('service.parse;dur=0.125, service.query;dur=12.500, service.audit;dur=3.000');
    expect(parseServerTiming(header)).toEqual(spans);
  });

  it('drops names it does not know, so nothing but a fixed span name reaches the window', () => {
    expect(parseServerTiming('service.query;dur=4, smith;dur=1, db;desc="Jones";dur=2')).toEqual([
      { name: 'service.query', ms: 4 },
    ]);
  });

  it.each([
    ['no duration', 'service.query'],
    ['a negative duration', 'service.query;dur=-1'],
    ['not a number', 'service.query;dur=abc'],
    ['an exponent', 'service.query;dur=1e9'],
    ['over an hour', 'service.query;dur=3600001'],
  ])('drops an entry with %s', (_what, header) => {
    expect(parseServerTiming(header)).toEqual([]);
  });

  it('reads nothing from an absent or oversized header', () => {
    expect(parseServerTiming(undefined)).toEqual([]);
    expect(parseServerTiming(`service.query;dur=1, ${'x'.repeat(5000)}`)).toEqual([]);
  });

  it('adds up a span timed twice in one request', () => {
    const set = new SpanSet();
    set.add('service.query', 1.5);
    set.add('service.query', 2.25);
    set.add('service.audit', 1);
    expect(set.list()).toEqual([
      { name: 'service.query', ms: 3.75 },
      { name: 'service.audit', ms: 1 },
    ]);
  });

  it('names every span by layer', () => {
    for (const name of spanNames) expect(name).toMatch(/^(main|service)\.[a-z]+$/);
  });
});

// Debug timing in the service (domain/timing.ts, http/handler.ts): started with server
// timing on, every answer says in Server-Timing how long its parts took (durations
// only); started without it, as every real deployment is by default, no answer does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerTiming } from '../../../../domain/timing.js';
import { startServiceHarness, type ServiceHarness } from '../../../support/national-service.js';

let timedService: ServiceHarness;
let plainService: ServiceHarness;

beforeAll(async () => {
  [timedService, plainService] = await Promise.all([
    startServiceHarness({ trainingCount: 300, serverTiming: true }),
    startServiceHarness({ trainingCount: 300 }),
  ]);
});

afterAll(async () => {
  await Promise.all([timedService?.close(), plainService?.close()]);
});

const surnameOf = async (h: ServiceHarness): Promise<string> => {
  const [row] = await h.db.query<{ family: string }>(
    "SELECT record->'name'->>'family' AS family FROM children WHERE status = 'active' ORDER BY cp_number LIMIT 1",
  );
  return row!.family;
};

describe('Server-Timing', () => {
  it("times a search's parse, authentication, query, audit, handler and serialisation, and says nothing else", async () => {
    const surname = await surnameOf(timedService);
    const practitioner = await timedService.signIn('trn-practitioner');
    const res = await practitioner.get(`/v1/children?surname=${encodeURIComponent(surname)}`);
    expect(res.status).toBe(200);
    expect(res.body.results.length).toBeGreaterThan(0);
    const header = res.headers.get('server-timing');
    expect(header).not.toBeNull();
    const spans = parseServerTiming(header!);
    expect(spans.map((s) => s.name).sort()).toEqual(
      ['service.audit', 'service.auth', 'service.handle', 'service.parse', 'service.query', 'service.serialise'].sort(),
    );
    for (const s of spans) expect(s.ms).toBeGreaterThanOrEqual(0);
    const ms = Object.fromEntries(spans.map((s) => [s.name, s.ms]));
    // The handler's span holds the query and the audit.
    expect(ms['service.handle']!).toBeGreaterThanOrEqual(ms['service.query']! + ms['service.audit']! - 0.01);
    // Every entry is a span name and a duration: the surname searched is not in it.
    expect(header!.toLowerCase()).not.toContain(surname.toLowerCase());
    expect(header!.split(',').every((e) => /^\s*service\.[a-z]+;dur=\d+\.\d{3}$/.test(e))).toBe(true);
  });

  it('puts no timing on a request refused before its handler ran', async () => {
    const res = await timedService.fetchJson('/v1/children?surname=x');
    expect(res.status).toBe(401);
    // A refusal is an ApiError answered outside the timed run: no header, nothing to read.
    expect(res.headers.get('server-timing')).toBeNull();
  });

  it('is off unless the service was started with it', async () => {
    const surname = await surnameOf(plainService);
    const practitioner = await plainService.signIn('trn-practitioner');
    const res = await practitioner.get(`/v1/children?surname=${encodeURIComponent(surname)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toBeNull();
  });
});

// Debug timing through every layer (domain/timing.ts): with the policy's debugTiming on,
// a search leaves in the window's performance timeline where its time went — the IPC
// round trip, main's validation, handler, signing, wait and decoding, the service's
// parse, authentication, query, audit and serialisation, then React's render and the
// paint — as durations only. With it off (the default) the window records nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { expectHeading, resultRows, search, signInWithToken } from './journey-support.js';

interface Measure {
  name: string;
  duration: number;
  detail: unknown;
}

const measures = (h: Harness) =>
  h.page.evaluate(() =>
    performance
      .getEntriesByType('measure')
      .map((m) => ({ name: m.name, duration: m.duration, detail: (m as PerformanceMeasure).detail })),
  ) as Promise<Measure[]>;

async function commonSurname(h: Harness): Promise<string> {
  const [row] = await h.service!.db.query<{ family: string }>(
    `SELECT record->'name'->>'family' AS family FROM children WHERE status = 'active'
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
  );
  return row!.family;
}

describe('debug timing on', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ debugTiming: true });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('a search leaves its spans from the click to the paint, and nothing it searched for', async () => {
    await signInWithToken(h, 'trn-practitioner');
    await expectHeading(h.page, 'Find a child');
    const surname = await commonSurname(h);
    await search(h.page, { surname });
    await expect.poll(() => resultRows(h.page).count()).toBeGreaterThan(0);
    // The paint is recorded just after the frame that shows the rows.
    await expect.poll(async () => (await measures(h)).some((m) => m.name === 'cp:search:total')).toBe(true);
    const found = (await measures(h)).filter((m) => m.name.startsWith('cp:search:'));
    const by = new Map(found.map((m) => [m.name.slice('cp:search:'.length), m.duration]));
    expect([...by.keys()].sort()).toEqual(
      [
        'ipc',
        'main.validate',
        'main.handler',
        'main.sign',
        'main.http',
        'main.decode',
        'service.parse',
        'service.auth',
        'service.query',
        'service.audit',
        'service.handle',
        'service.serialise',
        'render',
        'paint',
        'total',
      ].sort(),
    );
    // The layers nest: the service within main's wait for it, main within the round trip,
    // the round trip within the whole.
    expect(by.get('service.handle')!).toBeLessThanOrEqual(by.get('main.http')! + 0.01);
    expect(by.get('main.handler')!).toBeLessThanOrEqual(by.get('ipc')! + 0.01);
    expect(by.get('ipc')!).toBeLessThanOrEqual(by.get('total')! + 0.01);
    for (const m of found) {
      expect(m.duration).toBeGreaterThanOrEqual(0);
      expect(m.detail ?? null).toBeNull();
      expect(m.name.toLowerCase()).not.toContain(surname.toLowerCase());
    }
  });
});

describe('debug timing off (the default)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('a search leaves nothing in the performance timeline', async () => {
    await signInWithToken(h, 'trn-practitioner');
    await search(h.page, { surname: await commonSurname(h) });
    await expect.poll(() => resultRows(h.page).count()).toBeGreaterThan(0);
    // Two frames later, still nothing.
    await h.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
    expect((await measures(h)).filter((m) => m.name.startsWith('cp:'))).toEqual([]);
  });
});

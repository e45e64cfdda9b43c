// Usage and data quality over time (issue 21, item 5) over HTTP on both store engines:
// searches and record opens in one week and the next (the service's clock moved on), a
// supplier's loads, and the daily snapshot; each series checked against counts the test
// makes itself from the tables (the audit trail, users, organisations, children); the
// snapshot taken at the start and once a day by the lifecycle run, never twice a day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLifecycle } from '../../../../service/lifecycle/lifecycle.js';
import { CHESHIRE_WEST_AND_CHESTER, supplierRecord, WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

const DAY = 24 * 3600 * 1000;
const reason = { headers: { 'cp-access-reason': 'Checking who is involved before a meeting' } };

/** The Monday of `d`'s week, as a date: worked out apart from the service's own code. */
function mondayOf(d: Date): string {
  const back = d.getUTCDay() === 0 ? 6 : d.getUTCDay() - 1;
  const m = new Date(d.getTime() - back * DAY);
  return m.toISOString().slice(0, 10);
}

describe.each(storeEngines)('management information over time on %s', (engine) => {
  let h: ServiceHarness;

  beforeAll(async () => {
    // A Wednesday, so two weeks are two Mondays apart.
    h = await startServiceHarnessOn(engine, { trainingCount: 40, now: new Date('2026-11-18T10:00:00Z') });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  /** The tables as the test reads them: each audited search and read, bucketed here. */
  const independentUsage = async (la: string) => {
    const rows = await h.db.query<{ action: string; at: Date; user_id: string | null; cp_number: string | null }>(
      "SELECT action, at, user_id, cp_number FROM audit_log WHERE action IN ('search', 'read')",
    );
    const users = new Map(
      (
        await h.db.query<{ id: string; kind: string; local_authority: string | null }>(
          'SELECT u.id, o.kind, u.local_authority FROM users u JOIN organisations o ON o.id = u.organisation_id',
        )
      ).map((u) => [u.id, u]),
    );
    const children = new Map(
      (
        await h.db.query<{ cp_number: string; local_authority: string }>(
          'SELECT cp_number, local_authority FROM children',
        )
      ).map((c) => [c.cp_number, c.local_authority]),
    );
    const counted = new Map<string, { searches: number; reads: number }>();
    for (const r of rows) {
      const user = users.get(r.user_id ?? '');
      const mine = r.action === 'search' ? user?.local_authority === la : children.get(r.cp_number ?? '') === la;
      if (!mine) continue;
      const key = `${mondayOf(new Date(r.at))} ${user?.kind ?? 'unknown'}`;
      const c = counted.get(key) ?? { searches: 0, reads: 0 };
      if (r.action === 'search') c.searches++;
      else c.reads++;
      counted.set(key, c);
    }
    return counted;
  };
  const independentSnapshot = async (la: string) => {
    const [c] = await h.db.query<{ active: number; with_nhs: number; archived: number }>(
      `SELECT count(*) FILTER (WHERE status = 'active')::int AS active,
              count(nhs_number) FILTER (WHERE status = 'active')::int AS with_nhs,
              count(*) FILTER (WHERE status = 'archived')::int AS archived
         FROM children WHERE local_authority = $1`,
      [la],
    );
    const [m] = await h.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM match_reviews WHERE status = 'open'
          AND cp_number IN (SELECT cp_number FROM children WHERE local_authority = $1)`,
      [la],
    );
    return { active: c!.active, withNhsNumber: c!.with_nhs, archived: c!.archived, openMatchReviews: m!.n };
  };

  it('counts each week as the audit trail has it, supplier loads with their outcomes, and a snapshot a day', async () => {
    const firstDay = h.clock.now().toISOString().slice(0, 10);
    // Taken as the service started.
    const snapped = await h.db.query<{ local_authority: string }>(
      'SELECT local_authority FROM daily_snapshots WHERE day = $1::date',
      [firstDay],
    );
    expect(snapped.map((s) => s.local_authority)).toEqual(expect.arrayContaining([WIRRAL]));
    const wirralThen = await independentSnapshot(WIRRAL);

    // The first week: a practitioner searches and opens a record; the team searches.
    const practitioner = await h.signIn('trn-practitioner');
    const team = await h.signIn('trn-la-team');
    const [child] = await h.db.query<{ cp_number: string; surname: string }>(
      "SELECT cp_number, record->'name'->>'family' AS surname FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded ORDER BY cp_number LIMIT 1",
      [WIRRAL],
    );
    expect((await practitioner.get(`/v1/children?surname=${encodeURIComponent(child!.surname)}`)).status).toBe(200);
    expect((await practitioner.get(`/v1/children/${child!.cp_number}`, reason)).status).toBe(200);
    expect((await team.get('/v1/children?surname=Nobodyhere')).status).toBe(200);
    // A supplier's load: one new child, one invalid.
    const supplier = await h.signIn('trn-supplier-nhs');
    const load = await supplier.post('/v1/supplies', {
      localAuthority: WIRRAL,
      records: [
        supplierRecord({ supplier: 'nhs', name: { given: 'Hester', family: 'Weekling', former: [] } }),
        supplierRecord({ supplier: 'nhs', dob: '2027-06-01' }),
      ],
    });
    expect(load.status, JSON.stringify(load.body)).toBe(200);

    // Eight days on (the next week): the lifecycle takes today's snapshot, once.
    h.clock.advance(8 * DAY);
    const secondDay = h.clock.now().toISOString().slice(0, 10);
    await runLifecycle(h.db, h.clock);
    const [taken] = await h.db.query<{ n: number; at: Date }>(
      'SELECT count(*)::int AS n, max(taken_at) AS at FROM daily_snapshots WHERE day = $1::date',
      [secondDay],
    );
    expect(taken!.n).toBeGreaterThan(0);
    h.clock.advance(3600 * 1000);
    await runLifecycle(h.db, h.clock);
    const [again] = await h.db.query<{ n: number; at: Date }>(
      'SELECT count(*)::int AS n, max(taken_at) AS at FROM daily_snapshots WHERE day = $1::date',
      [secondDay],
    );
    expect(again).toEqual(taken);
    const wirralNow = await independentSnapshot(WIRRAL);

    // The second week: the practitioner opens the record twice more, a team in another authority searches.
    const practitioner2 = await h.signIn('trn-practitioner');
    expect((await practitioner2.get(`/v1/children/${child!.cp_number}`, reason)).status).toBe(200);
    expect((await practitioner2.get(`/v1/children/${child!.cp_number}`, reason)).status).toBe(200);
    const cwac = await h.signIn('trn-la-team-cwac');
    expect((await cwac.get('/v1/children?surname=Elsewhere')).status).toBe(200);

    const team2 = await h.signIn('trn-la-team');
    const res = await team2.get('/v1/management-information/history?weeks=3');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const view = res.body;
    const weeks = [
      mondayOf(new Date(h.clock.now().getTime() - 14 * DAY)),
      mondayOf(new Date(h.clock.now().getTime() - 7 * DAY)),
      mondayOf(h.clock.now()),
    ];
    expect(view.weeks).toEqual(weeks);
    expect(view.localAuthority).toBe(WIRRAL);

    // Usage: every (week, kind) the tables count is in the series, and nothing else is.
    const counted = await independentUsage(WIRRAL);
    const shown = new Map<string, { searches: number; reads: number }>();
    for (const u of view.usage as { week: string; kind: string; searches: number; reads: number }[])
      if (u.searches + u.reads > 0) shown.set(`${u.week} ${u.kind}`, { searches: u.searches, reads: u.reads });
    const inRange = new Map([...counted].filter(([k]) => weeks.includes(k.slice(0, 10))));
    expect(Object.fromEntries(shown)).toEqual(Object.fromEntries(inRange));
    // What the test did shows: the GP practice's searches and reads, the council's search.
    const gp = (w: string) => shown.get(`${w} gp-practice`);
    expect(gp(weeks[1]!)?.reads).toBeGreaterThanOrEqual(1);
    expect(gp(weeks[2]!)?.reads).toBe(2);

    // Supply: from the loads' audit entries, summed here.
    const loads = await h.db.query<{ at: Date; detail: Record<string, number | string> }>(
      "SELECT at, detail FROM audit_log WHERE action = 'supply-received' AND detail->>'localAuthority' = $1",
      [WIRRAL],
    );
    for (const w of view.supply as Record<string, number | string>[]) {
      const these = loads.filter((l) => mondayOf(new Date(l.at)) === w.week);
      const sum = (k: string) => these.reduce((a, l) => a + Number(l.detail[k] ?? 0), 0);
      expect(w).toEqual({
        week: w.week,
        loads: these.length,
        records: sum('records'),
        matched: sum('matched'),
        created: sum('created'),
        possibleDuplicate: sum('possible-duplicate'),
        invalid: sum('invalid'),
        forbidden: sum('forbidden'),
      });
    }
    const loadWeek = view.supply.find((w: { week: string }) => w.week === weeks[1]);
    expect(loadWeek).toMatchObject({ loads: 1, records: 2, invalid: 1 });
    expect(loadWeek.created + loadWeek.possibleDuplicate + loadWeek.matched).toBe(1);

    // Snapshots: the day the service started and the day the lifecycle ran, as the children stood then.
    expect(view.snapshots.map((s: { day: string }) => s.day)).toEqual([firstDay, secondDay]);
    const [then, now] = view.snapshots;
    expect(then).toMatchObject(wirralThen);
    expect(now).toMatchObject(wirralNow);
    expect(now.withNhsNumber - then.withNhsNumber).toBe(0);
    // The supplied child is held from the second day (nothing of Wirral's was destroyed in between).
    expect(now.active + now.archived - (then.active + then.archived)).toBe(1);
    expect(now.matchRate).toBeCloseTo(wirralNow.withNhsNumber / wirralNow.active, 10);
    expect(view.target).toBe(0.95);
  });

  it('a team sees only its own authority; a data manager any or all; others not at all', async () => {
    const team = await h.signIn('trn-la-team');
    const other = await team.get(`/v1/management-information/history?localAuthority=${CHESHIRE_WEST_AND_CHESTER}`);
    expect([other.status, other.body.error?.code]).toEqual([403, 'other-authority']);
    expect((await team.get('/v1/management-information/history?weeks=53')).status).toBe(422);
    const dataManager = await h.signIn('trn-data-manager');
    const all = await dataManager.get('/v1/management-information/history');
    expect(all.status).toBe(200);
    expect(all.body.localAuthority).toBe('all');
    expect(all.body.weeks).toHaveLength(12);
    // Every authority together: the snapshot rows summed, as the table holds them.
    const [sum] = await h.db.query<{ active: number }>(
      'SELECT sum(active)::int AS active FROM daily_snapshots WHERE day = (SELECT max(day) FROM daily_snapshots)',
    );
    expect(all.body.snapshots.at(-1).active).toBe(sum!.active);
    const cwac = await dataManager.get(
      `/v1/management-information/history?localAuthority=${CHESHIRE_WEST_AND_CHESTER}`,
    );
    expect(cwac.body.localAuthority).toBe(CHESHIRE_WEST_AND_CHESTER);
    const practitioner = await h.signIn('trn-practitioner');
    expect((await practitioner.get('/v1/management-information/history')).status).toBe(403);
  });
});

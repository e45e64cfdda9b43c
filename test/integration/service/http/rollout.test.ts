// Roll-out progress (issue 21, item 3) over HTTP on both store engines: a month of the
// team's work, then the next (the service's clock moved on): people identified, trained
// and given access, a partner accredited; each month's counts checked against counts the
// test makes itself from the tables; a team sees its own authority, a data manager
// every authority side by side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

describe.each(storeEngines)('roll-out progress on %s', (engine) => {
  let h: ServiceHarness;

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 20 });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const today = () => h.clock.now().toISOString().slice(0, 10);
  let serial = 0;
  const add = async (team: SignedClient, over: Record<string, unknown> = {}) => {
    serial++;
    const res = await team.post('/v1/practitioners', {
      organisationId: 'org-gp-training',
      name: `Rowan Rollout ${serial}`,
      workEmail: `rowan.rollout${serial}.${engine}@seacombe.nhs.uk`,
      role: 'practitioner',
      trainingPriority: serial,
      ...over,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.practitioner.id as string;
  };
  /** Counted apart from the service's code: the tables, as they stood at `end`. */
  const independent = async (end: Date) => {
    const day = end.toISOString().slice(0, 10);
    const [people] = await h.db.query<{ identified: number; trained: number; access: number }>(
      `SELECT count(*) FILTER (WHERE p.added_at <= $2)::int AS identified,
              count(*) FILTER (WHERE p.course_passed_on <= $3::date)::int AS trained,
              count(*) FILTER (WHERE r.status = 'completed' AND r.ended_at <= $2)::int AS access
         FROM practitioners_to_ready p LEFT JOIN account_requests r ON r.id = p.account_request_id
        WHERE p.local_authority = $1`,
      [WIRRAL, end, day],
    );
    const [accredited] = await h.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM organisations o
        WHERE o.local_authority = $1 AND o.kind NOT IN ('national', 'supplier')
          AND CASE WHEN EXISTS (SELECT 1 FROM organisation_stages s WHERE s.organisation_id = o.id)
                   THEN (SELECT s.stage FROM organisation_stages s WHERE s.organisation_id = o.id AND s.at <= $2
                          ORDER BY s.id DESC LIMIT 1)
                   WHEN o.stage_since IS NULL OR o.stage_since <= $2 THEN o.stage END = 'accredited'`,
      [WIRRAL, end],
    );
    return {
      accreditedPartners: accredited!.n,
      identified: people!.identified,
      trained: people!.trained,
      withAccess: people!.access,
    };
  };
  const monthEnd = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1);

  it('counts each month as it stood at its end, against the tables; per organisation now', async () => {
    // The first month: three people identified, one of them trained.
    const first = h.clock.now();
    let team = await h.signIn('trn-la-team');
    await add(team, { courseAttendedOn: today(), coursePassedOn: today() });
    await add(team);
    const third = await add(team, { enhancedCheckDate: today() });

    // The next month: one more trained and given access; a partner accredited.
    h.clock.advance(35 * 24 * 3600 * 1000);
    team = await h.signIn('trn-la-team');
    const team2 = await h.signIn('trn-la-team-2');
    const dataManager = await h.signIn('trn-data-manager');
    expect(
      (
        await team.request('PATCH', `/v1/practitioners/${third}`, {
          courseAttendedOn: today(),
          coursePassedOn: today(),
          agreementSignedOn: today(),
        })
      ).status,
    ).toBe(200);
    const asked = await team.post(`/v1/practitioners/${third}/account-request`, {});
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const confirmed = await team2.post(`/v1/account-requests/${asked.body.request.id}/confirm`, undefined);
    expect(confirmed.status).toBe(200);
    await h.activateToken(asked.body.practitioner.userId, asked.body.firstHalf, confirmed.body.secondHalf);
    const proposed = await team.post('/v1/organisations', {
      name: `Rollout Partner ${engine}`,
      kind: 'voluntary',
      localAuthority: WIRRAL,
    });
    expect(proposed.status).toBe(201);
    const org = proposed.body.organisation.id as string;
    expect(
      (
        await team.post(`/v1/organisations/${org}/stages`, {
          action: 'start',
          responsibleOfficer: 'Pat Officer',
          agreementSignedOn: today(),
          evidence: 'Signed agreement seen',
        })
      ).status,
    ).toBe(200);
    expect((await dataManager.post(`/v1/organisations/${org}/stages`, { action: 'accredit' })).status).toBe(200);

    const res = await team.get('/v1/rollout?months=2');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.authorities.map((a: { localAuthority: string }) => a.localAuthority)).toEqual([WIRRAL]);
    const [a] = res.body.authorities;
    expect(res.body.months).toEqual([first.toISOString().slice(0, 7), h.clock.now().toISOString().slice(0, 7)]);
    const [was, now] = a.series;
    expect(was).toEqual({ month: res.body.months[0], ...(await independent(monthEnd(first))) });
    expect(now).toEqual({ month: res.body.months[1], ...(await independent(monthEnd(h.clock.now()))) });
    // What the test did shows in those counts: movement between the two months.
    expect(now.identified - was.identified).toBe(0);
    expect(now.trained - was.trained).toBe(1);
    expect(now.withAccess - was.withAccess).toBe(1);
    expect(now.accreditedPartners - was.accreditedPartners).toBe(1);
    // Per organisation, as it stands now.
    const gp = a.organisations.find((o: { id: string }) => o.id === 'org-gp-training');
    const [counted] = await h.db.query<{ identified: number; trained: number }>(
      `SELECT count(*)::int AS identified, count(course_passed_on)::int AS trained
         FROM practitioners_to_ready WHERE organisation_id = 'org-gp-training'`,
    );
    expect(gp).toMatchObject({ stage: 'accredited', ...counted });
    expect(a.organisations.find((o: { id: string }) => o.id === org)).toMatchObject({ stage: 'accredited' });
  });

  it('a team sees only its own authority; a data manager every authority, side by side', async () => {
    const team = await h.signIn('trn-la-team');
    const other = await team.get(`/v1/rollout?localAuthority=${CHESHIRE_WEST_AND_CHESTER}`);
    expect([other.status, other.body.error?.code]).toEqual([403, 'other-authority']);
    const dataManager = await h.signIn('trn-data-manager');
    const all = await dataManager.get('/v1/rollout');
    expect(all.status).toBe(200);
    const las = all.body.authorities.map((x: { localAuthority: string }) => x.localAuthority);
    expect(las).toEqual(expect.arrayContaining([WIRRAL, CHESHIRE_WEST_AND_CHESTER]));
    expect(all.body.months).toHaveLength(12);
    const practitioner = await h.signIn('trn-practitioner');
    expect((await practitioner.get('/v1/rollout')).status).toBe(403);
  });
});

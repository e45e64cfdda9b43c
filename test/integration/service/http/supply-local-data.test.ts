// A local authority team's adapter supplying local data over HTTP, on both store
// engines: parents, school, GP practice and its own service's involvement reach the
// record; sensitive and case-information fields are refused by name; a national
// supplier's involvement is refused alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

const reason = { headers: { 'cp-access-reason': 'Checking the adapter load' } };

const parents = [{ name: 'Alice Example', relationship: 'mother', contact: { phone: '0151 000 0001' } }];
const education = {
  name: 'Seacombe Primary',
  urn: '105000',
  contact: { phone: '0151 000 0002' },
  startDate: '2021-09-01',
};
const gp = { name: 'Seacombe Surgery', odsCode: 'N82001', contact: { phone: '0151 000 0004' } };
const involvement = {
  service: 'Early help and family support',
  practitioner: { name: 'Carol Worker', organisation: 'Wirral Council', phone: '0151 000 0009' },
  startDate: '2026-01-05',
  cafCompleted: true,
};

function record(family: string, dob: string, over: Record<string, unknown> = {}) {
  return {
    supplier: 'local-authority',
    supplierRef: `CMS-HTTP-${family}`,
    receivedAt: '2026-11-20',
    name: { given: 'Ada', family },
    gender: 'female',
    dob,
    address: null,
    ...over,
  };
}

describe.each(storeEngines)('local data supply over HTTP on %s', (engine) => {
  let h: ServiceHarness;
  let team: SignedClient;
  let practitioner: SignedClient;
  let nhs: SignedClient;

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 10, now: new Date('2026-11-24T10:00:00Z') });
    [team, practitioner, nhs] = [
      await h.signIn('trn-la-team'),
      await h.signIn('trn-practitioner'),
      await h.signIn('trn-supplier-nhs'),
    ];
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const childCount = async () => (await h.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM children'))[0]!.n;

  it('puts parents, school, GP practice and the service’s involvement on the record; a retry adds nothing', async () => {
    const body = {
      localAuthority: WIRRAL,
      records: [record('Adapterload', '2016-03-13', { parents, education, gp, involvement })],
    };
    const res = await team.post('/v1/supplies', body, { headers: { 'idempotency-key': 'adapter-local-0001' } });
    expect(res.status).toBe(200);
    expect(res.body.results[0].status).toBe('created');
    const cp: string = res.body.results[0].cpNumber;

    const view = await team.get(`/v1/children/${cp}`, reason);
    expect(view.body).toMatchObject({ parents, education, gp });
    expect(view.body.involvements).toEqual([
      {
        id: expect.stringMatching(/^inv-/),
        service: 'Early help and family support',
        sensitive: false,
        practitioner: involvement.practitioner,
        leadProfessional: false,
        cafCompleted: true,
        startDate: '2026-01-05',
      },
    ]);
    const retry = await team.post('/v1/supplies', body, { headers: { 'idempotency-key': 'adapter-local-0001' } });
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect((await team.get(`/v1/children/${cp}`, reason)).body.involvements).toHaveLength(1);

    // A practitioner sees who else is involved, and cannot end it as theirs.
    const seen = await practitioner.get(`/v1/children/${cp}`, reason);
    expect(seen.body.involvements[0]).toMatchObject({ service: 'Early help and family support' });
    expect(seen.body.involvements[0]).not.toHaveProperty('mine');
    const end = await practitioner.request('PATCH', `/v1/children/${cp}/involvements/${seen.body.involvements[0].id}`, {
      endDate: '2026-11-23',
    });
    expect(end.status).toBe(403);
    expect(end.body.error.code).toBe('not-your-involvement');
  });

  it('refuses a sensitive involvement’s fields and case information with 422 naming the field, applying nothing', async () => {
    const before = await childCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ involvement: { ...involvement, sensitive: true } }, 'records.0.involvement.sensitive'],
      [
        { involvement: { ...involvement, service: 'Sexual health service', sensitiveCategory: 'sexual-health' } },
        'records.0.involvement.sensitiveCategory',
      ],
      [{ notes: 'Seen at home' }, 'records.0.notes'],
      [{ involvement: { ...involvement, caseNotes: 'Strategy meeting held' } }, 'records.0.involvement.caseNotes'],
      [{ parents: [{ ...parents[0], notes: 'Separated' }] }, 'records.0.parents.0.notes'],
    ];
    for (const [over, field] of cases) {
      const res = await team.post('/v1/supplies', {
        localAuthority: WIRRAL,
        records: [record('Refusedfield', '2015-04-14', over)],
      });
      expect(res.status, field).toBe(422);
      expect(res.body.error.code).toBe('unknown-field');
      expect(res.body.error.message).toContain(`"${field}"`);
      expect(JSON.stringify(res.body)).not.toMatch(/Seen at home|Strategy|Separated/);
    }
    expect(await childCount()).toBe(before);
  });

  it('refuses a national supplier’s involvement, that record alone', async () => {
    const res = await nhs.post('/v1/supplies', {
      localAuthority: WIRRAL,
      records: [
        record('Nhsinvolvement', '2014-05-15', { supplier: 'nhs', supplierRef: 'NHS-HTTP-1', involvement }),
        record('Nhsplain', '2013-06-16', { supplier: 'nhs', supplierRef: 'NHS-HTTP-2', gp }),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['invalid', 'created']);
    expect(res.body.results[0].problems).toEqual([{ path: 'involvement', message: expect.any(String) }]);
    expect((await team.get(`/v1/children/${res.body.results[1].cpNumber}`, reason)).body.gp).toEqual(gp);
  });
});

// Shielding and sensitive services over HTTP, as each role sees them: what a user may
// not see is absent from the JSON the service sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceHarness, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';

let h: ServiceHarness;
let practitioner: SignedClient;
let protection: SignedClient;
let team: SignedClient;
let cwacTeam: SignedClient;
let supplier: SignedClient;
let child: { cpNumber: string; dob: string; postcode: string; nhsNumber: string; family: string; street: string };
const reason = { headers: { 'cp-access-reason': 'Registering the child at the practice' } };

beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: 400 });
  [practitioner, protection, team, cwacTeam, supplier] = [
    await h.signIn('trn-practitioner'),
    await h.signIn('trn-child-protection'),
    await h.signIn('trn-la-team'),
    await h.signIn('trn-la-team-cwac'),
    await h.signIn('trn-supplier-nhs'),
  ];
  const [row] = await h.db.query<{ record: any }>( // eslint-disable-line @typescript-eslint/no-explicit-any
    `SELECT record FROM children WHERE NOT shielded AND local_authority = 'E08000015' AND record->>'whereabouts' = 'current'
        AND nhs_number IS NOT NULL AND record ? 'education' ORDER BY cp_number LIMIT 1`,
  );
  const r = row!.record;
  child = {
    cpNumber: r.cpNumber,
    dob: r.dob,
    postcode: r.address.postcode,
    nhsNumber: r.identifiers.nhsNumber,
    family: r.name.family,
    street: r.address.lines[0],
  };
  // The Wirral team shields the child, as the management team does case by case.
  const read = await team.get(`/v1/children/${child.cpNumber}`, reason);
  const shield = await team.post('/v1/submissions', {
    items: [
      { idempotencyKey: 'shield-test-0001', cpNumber: child.cpNumber, baseVersion: read.body.version, op: 'shield' },
    ],
  });
  expect(shield.body.results[0].status).toBe('applied');
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('a shielded child', () => {
  it('shows an ordinary practitioner only name, gender, date of birth, CP number and parents’ names', async () => {
    const res = await practitioner.get(`/v1/children/${child.cpNumber}`, reason);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(
      ['cpNumber', 'dob', 'gender', 'name', 'parents', 'shielded', 'version'].sort(),
    );
    expect(res.body.shielded).toBe(true);
    for (const p of res.body.parents) expect(Object.keys(p).sort()).toEqual(['name', 'relationship']);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(child.postcode);
    expect(text).not.toContain(child.street);
    expect(text).not.toContain(child.nhsNumber);
  });

  it('is not found by a practitioner through a hidden field (postcode, NHS number), but is by name', async () => {
    const byPostcode = await practitioner.get(
      `/v1/children?dob=${child.dob}&postcode=${encodeURIComponent(child.postcode)}`,
    );
    expect(byPostcode.status).toBe(200);
    expect(byPostcode.body.results.map((r: { cpNumber: string }) => r.cpNumber)).not.toContain(child.cpNumber);
    const byNhs = await practitioner.get(`/v1/children?nhsNumber=${child.nhsNumber}`);
    expect(byNhs.body.results.map((r: { cpNumber: string }) => r.cpNumber)).not.toContain(child.cpNumber);
    const byName = await practitioner.get(`/v1/children?surname=${encodeURIComponent(child.family)}&dob=${child.dob}`);
    const found = byName.body.results.find((r: { cpNumber: string }) => r.cpNumber === child.cpNumber);
    expect(found).toMatchObject({ shielded: true });
    expect(found).not.toHaveProperty('postcode');
  });

  it('is found by postcode by its own authority’s team, which sees it in full; not by another authority’s', async () => {
    const own = await team.get(`/v1/children?dob=${child.dob}&postcode=${encodeURIComponent(child.postcode)}`);
    expect(own.body.results.map((r: { cpNumber: string }) => r.cpNumber)).toContain(child.cpNumber);
    const full = await team.get(`/v1/children/${child.cpNumber}`, reason);
    expect(full.body.address.postcode).toBe(child.postcode);
    const other = await cwacTeam.get(`/v1/children?dob=${child.dob}&postcode=${encodeURIComponent(child.postcode)}`);
    expect(other.body.results.map((r: { cpNumber: string }) => r.cpNumber)).not.toContain(child.cpNumber);
  });

  it('can be overridden only by a child-protection user who acknowledges the investigation; audited and raised', async () => {
    const plain = await practitioner.post(`/v1/children/${child.cpNumber}/shield-override`, {
      reason: 'Safeguarding concern',
      acknowledgeInvestigation: true,
    });
    expect(plain.status).toBe(403);
    const unacknowledged = await protection.post(`/v1/children/${child.cpNumber}/shield-override`, {
      reason: 'Safeguarding concern',
    });
    expect(unacknowledged.status).toBe(422);
    const res = await protection.post(`/v1/children/${child.cpNumber}/shield-override`, {
      reason: 'Section 47 enquiry opened today',
      acknowledgeInvestigation: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.address.postcode).toBe(child.postcode);
    const alerts = await team.get('/v1/alerts');
    expect(alerts.body.alerts).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'shield-override', cpNumber: child.cpNumber })]),
    );
    const audit = await team.get(`/v1/audit?cpNumber=${child.cpNumber}`);
    const override = audit.body.entries.find((e: { action: string }) => e.action === 'shield-override');
    expect(override).toMatchObject({ userId: 'trn-child-protection', reason: 'Section 47 enquiry opened today' });
    // The override is for that response only: the next read is shielded again.
    const again = await protection.get(`/v1/children/${child.cpNumber}`, reason);
    expect(again.body).not.toHaveProperty('address');
  });
});

describe('a sensitive service', () => {
  it('shows ordinary users only that an unspecified service is involved; the management team sees it all', async () => {
    const [row] = await h.db.query<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE NOT shielded AND local_authority = 'E08000015' ORDER BY cp_number DESC LIMIT 1",
    );
    const cp = row!.cp_number;
    const body = {
      service: 'Wirral Young People’s Sexual Health Clinic',
      sensitiveCategory: 'sexual-health',
      startDate: '2026-02-01',
    };
    // Recorded only with consent or on suspicion of significant harm: the practitioner says which.
    const withoutBasis = await protection.post(`/v1/children/${cp}/involvements`, body);
    expect(withoutBasis.status).toBe(422);
    expect(withoutBasis.body.error.message).toContain('sensitiveBasis');
    const recorded = await protection.post(`/v1/children/${cp}/involvements`, { ...body, sensitiveBasis: 'consent' });
    expect(recorded.status).toBe(201);
    const id = recorded.body.involvement.id;
    const seen = await practitioner.get(`/v1/children/${cp}`, reason);
    const inv = seen.body.involvements.find((i: { id: string }) => i.id === id);
    expect(inv).toEqual({
      id,
      service: 'Unspecified service',
      sensitive: true,
      leadProfessional: false,
      cafCompleted: false,
      startDate: '2026-02-01',
    });
    expect(JSON.stringify(seen.body)).not.toMatch(/Sexual Health|sexual-health|Sam Taylor/);
    const managed = await team.get(`/v1/children/${cp}`, reason);
    expect(managed.body.involvements.find((i: { id: string }) => i.id === id)).toMatchObject({
      service: 'Wirral Young People’s Sexual Health Clinic',
      sensitiveCategory: 'sexual-health',
      practitioner: expect.objectContaining({ name: 'Sam Taylor' }),
    });
  });
});

describe('roles', () => {
  it('does not let a supplier system search or read', async () => {
    expect((await supplier.get(`/v1/children?surname=${encodeURIComponent(child.family)}`)).status).toBe(403);
    expect((await supplier.get(`/v1/children/${child.cpNumber}`, reason)).status).toBe(403);
  });

  it('needs a reason to open a record', async () => {
    const res = await practitioner.get(`/v1/children/${child.cpNumber}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('access-reason-required');
  });
});

// The directory of partner organisations and accreditation as a process (issue 21, item
// 1), over HTTP on PGlite and PostgreSQL: an authority's team proposes and prepares, a
// data manager or the national administrator accredits, suspends, reinstates and
// withdraws; every refusal has its code; suspending or withdrawing stops the
// organisation's users at their next request. The table of who may accredit alone is
// separation-of-duties.test.ts's (`organisation-accredit`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

describe.each(storeEngines)('organisations and their accreditation on %s', (engine) => {
  let h: ServiceHarness;
  let admin: SignedClient;
  let team: SignedClient;
  let team2: SignedClient;
  let cwacTeam: SignedClient;
  let dataManager: SignedClient;

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 20, now: new Date('2026-11-24T10:00:00Z') });
    admin = await h.signIn('trn-national-admin');
    team = await h.signIn('trn-la-team');
    team2 = await h.signIn('trn-la-team-2');
    cwacTeam = await h.signIn('trn-la-team-cwac');
    dataManager = await h.signIn('trn-data-manager');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  let serial = 0;
  const propose = (who: SignedClient, body: Record<string, unknown>) => who.post('/v1/organisations', body);
  const step = (who: SignedClient, id: string, body: Record<string, unknown>) =>
    who.post(`/v1/organisations/${id}/stages`, body);
  const refusal = (res: { status: number; body: { error?: { code: string } } }) => [res.status, res.body.error?.code];
  const prepared = {
    action: 'start',
    responsibleOfficer: 'Pat Officer',
    agreementSignedOn: '2026-10-01',
    evidence: 'Signed agreement and training plan seen',
  };
  /** A Wirral third-sector organisation proposed by `who`; its id. */
  async function proposed(who: SignedClient = team): Promise<string> {
    const res = await propose(who, { name: `Wirral Partner ${++serial}`, kind: 'voluntary', localAuthority: WIRRAL });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.organisation.id as string;
  }

  it('shows a team its own authority’s directory and a data manager every authority’s, by stage and kind', async () => {
    const own = await team.get('/v1/organisations');
    expect(own.status).toBe(200);
    const authorities = new Set(own.body.organisations.map((o: { localAuthority: string }) => o.localAuthority));
    expect([...authorities]).toEqual([WIRRAL]);
    // Organisations entered before stages were kept have the stage their accreditation says.
    expect(own.body.organisations.find((o: { id: string }) => o.id === 'org-unaccredited')).toMatchObject({
      stage: 'proposed',
      accredited: false,
      kind: 'voluntary',
    });
    expect(own.body.organisations.find((o: { id: string }) => o.id === 'org-gp-training')).toMatchObject({
      stage: 'accredited',
      accredited: true,
    });
    const all = await dataManager.get('/v1/organisations');
    expect(
      all.body.organisations.some((o: { localAuthority: string }) => o.localAuthority === CHESHIRE_WEST_AND_CHESTER),
    ).toBe(true);
    const gps = await dataManager.get('/v1/organisations?stage=accredited&kind=gp-practice');
    expect(gps.body.organisations.map((o: { id: string }) => o.id)).toEqual(['org-gp-training']);
    expect((await dataManager.get('/v1/organisations?stage=approved')).status).toBe(422);
  });

  it('checks what a proposal carries, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'Seacombe Surgery', kind: 'gp-practice' }, 'odsCode'],
      [{ name: 'Seacombe Surgery', kind: 'gp-practice', odsCode: 'RBL' }, 'odsCode'],
      [{ name: 'Oldershaw Academy', kind: 'school', urn: '12345' }, 'urn'],
      [{ name: 'Oldershaw Academy', kind: 'school', urn: '105080', odsCode: 'N82054' }, 'odsCode'],
      [{ name: 'Wirral Hospital', kind: 'health', odsCode: 'R-B-L' }, 'odsCode'],
      [{ name: 'Flintshire Children’s Services', kind: 'cross-border' }, 'basedIn'],
      [{ name: 'Flintshire Children’s Services', kind: 'cross-border', basedIn: 'Flintshire' }, 'basedIn'],
      [{ name: 'Citizens Advice', kind: 'voluntary', urn: '105080' }, 'urn'],
      [{ name: '', kind: 'voluntary' }, 'name'],
      [{ name: 'Nowhere', kind: 'supplier' }, 'kind'],
    ];
    for (const [body, field] of cases) {
      const res = await propose(team, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(JSON.stringify(res.body.error), JSON.stringify(body)).toContain(field);
    }
    // Based in the authority it works with is no cross-border agency.
    const home = await propose(team, { name: 'Across', kind: 'cross-border', basedIn: WIRRAL });
    expect(refusal(home)).toEqual([422, 'invalid-organisation']);
    const welsh = await propose(team, {
      name: 'Flintshire Children’s Services',
      kind: 'cross-border',
      basedIn: 'w06000005',
    });
    expect(welsh.status, JSON.stringify(welsh.body)).toBe(201);
    expect(welsh.body.organisation).toMatchObject({ kind: 'cross-border', basedIn: 'W06000005', stage: 'proposed' });
    const gp = await propose(team, { name: 'Liscard Group Practice', kind: 'gp-practice', odsCode: 'n82054' });
    expect(gp.status).toBe(201);
    expect(gp.body.organisation).toMatchObject({ odsCode: 'N82054', localAuthority: WIRRAL, accredited: false });
    const school = await propose(team, { name: 'Oldershaw Academy', kind: 'school', urn: '105080' });
    expect(school.body.organisation).toMatchObject({ urn: '105080', kind: 'school' });
    // The same ODS code or URN twice is one organisation.
    expect(refusal(await propose(team2, { name: 'Liscard GP', kind: 'gp-practice', odsCode: 'N82054' }))).toEqual([
      409,
      'organisation-exists',
    ]);
    expect(refusal(await propose(team2, { name: 'Oldershaw', kind: 'school', urn: '105080' }))).toEqual([
      409,
      'organisation-exists',
    ]);
  });

  it('lets only the team (for its own authority) and the national administrator propose', async () => {
    expect(
      refusal(
        await propose(team, { name: 'Chester Charity', kind: 'voluntary', localAuthority: CHESHIRE_WEST_AND_CHESTER }),
      ),
    ).toEqual([403, 'other-authority']);
    expect(
      refusal(await propose(dataManager, { name: 'A Charity', kind: 'voluntary', localAuthority: WIRRAL })),
    ).toEqual([403, 'forbidden-role']);
    expect(refusal(await propose(admin, { name: 'A Charity', kind: 'voluntary' }))).toEqual([
      422,
      'invalid-organisation',
    ]);
    expect((await propose(admin, { name: 'A Charity', kind: 'voluntary', localAuthority: WIRRAL })).status).toBe(201);
  });

  it('takes an organisation from proposed to accredited, each step kept with its date, officer, agreement, evidence and who decided', async () => {
    const id = await proposed(team);
    expect((await team.get(`/v1/organisations/${id}`)).body.organisation.nextActions).toEqual(['start', 'stop']);
    expect(refusal(await step(team, id, { action: 'start' }))).toEqual([422, 'invalid-organisation']);
    expect(refusal(await step(team, id, { action: 'accredit' }))).toEqual([403, 'forbidden-role']);
    expect(refusal(await step(dataManager, id, { action: 'accredit' }))).toEqual([409, 'wrong-stage']);
    const started = await step(team, id, { action: 'start', responsibleOfficer: 'Pat Officer' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.organisation).toMatchObject({ stage: 'in-progress', responsibleOfficer: 'Pat Officer' });
    // Not yet ready: the agreement and the evidence are missing.
    const early = await step(dataManager, id, { action: 'accredit' });
    expect(refusal(early)).toEqual([409, 'preparation-incomplete']);
    expect(early.body.error.missing).toEqual(['the date the agreement was signed', 'the evidence']);
    expect(refusal(await step(team2, id, { action: 'prepare', agreementSignedOn: '2026-12-01' }))).toEqual([
      422,
      'invalid-organisation',
    ]);
    expect(refusal(await step(team2, id, { action: 'prepare', evidence: 'Staff disclosure of abuse noted' }))).toEqual([
      422,
      'case-information',
    ]);
    const ready = await step(team2, id, {
      action: 'prepare',
      agreementSignedOn: '2026-10-01',
      evidence: 'Signed agreement and training plan seen',
    });
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    // The team may not accredit; the data manager may, and is offered it.
    expect((await team.get(`/v1/organisations/${id}`)).body.organisation.nextActions).toEqual(['prepare', 'stop']);
    expect(refusal(await step(team, id, { action: 'accredit' }))).toEqual([403, 'forbidden-role']);
    expect((await dataManager.get(`/v1/organisations/${id}`)).body.organisation.nextActions).toEqual([
      'accredit',
      'stop',
    ]);
    expect(refusal(await step(dataManager, id, { action: 'accredit', responsibleOfficer: 'Someone Else' }))).toEqual([
      422,
      'invalid-organisation',
    ]);
    expect(refusal(await step(dataManager, id, { action: 'accredit', expectedStage: 'proposed' }))).toEqual([
      409,
      'stage-changed',
    ]);
    const at = h.clock.now().toISOString();
    const accredited = await step(dataManager, id, {
      action: 'accredit',
      expectedStage: 'in-progress',
      evidence: 'Checked against the DCSF checklist',
    });
    expect(accredited.status, JSON.stringify(accredited.body)).toBe(200);
    const org = accredited.body.organisation;
    expect(org).toMatchObject({
      stage: 'accredited',
      accredited: true,
      responsibleOfficer: 'Pat Officer',
      agreementSignedOn: '2026-10-01',
      evidence: 'Signed agreement and training plan seen',
      stageSince: at,
    });
    expect(
      org.history.map((e: { action: string; stage: string; decidedBy: { id: string } }) => [
        e.action,
        e.stage,
        e.decidedBy.id,
      ]),
    ).toEqual([
      ['propose', 'proposed', 'trn-la-team'],
      ['start', 'in-progress', 'trn-la-team'],
      ['prepare', 'in-progress', 'trn-la-team-2'],
      ['accredit', 'accredited', 'trn-data-manager'],
    ]);
    expect(org.history[2]).toMatchObject({
      agreementSignedOn: '2026-10-01',
      evidence: 'Signed agreement and training plan seen',
      decidedBy: { id: 'trn-la-team-2', name: 'Casey Brooks' },
    });
    expect(org.history[3]).toMatchObject({ evidence: 'Checked against the DCSF checklist', at });
    const audit = await h.db.query<{ user_id: string; detail: Record<string, unknown> }>(
      "SELECT user_id, detail FROM audit_log WHERE action = 'account-changed' AND detail->>'organisation' = $1 ORDER BY seq",
      [id],
    );
    expect(audit.map((a) => [a.user_id, a.detail['change'], a.detail['step'] ?? null])).toEqual([
      ['trn-la-team', 'organisation-proposed', null],
      ['trn-la-team', 'organisation-stage', 'start'],
      ['trn-la-team-2', 'organisation-stage', 'prepare'],
      ['trn-data-manager', 'organisation-stage', 'accredit'],
    ]);
    // No officer's name or evidence in the audit: it says what changed, not the notes.
    expect(JSON.stringify(audit)).not.toContain('Pat Officer');
    expect((await step(dataManager, id, { action: 'accredit' })).status).toBe(409);
  });

  it('refuses the accreditation to whoever proposed or prepared it, and to anyone bound to them', async () => {
    const id = await proposed(admin);
    expect((await step(admin, id, prepared)).status).toBe(200);
    expect((await admin.get(`/v1/organisations/${id}`)).body.organisation.nextActions).toEqual(['prepare', 'stop']);
    expect(refusal(await step(admin, id, { action: 'accredit' }))).toEqual([403, 'own-request']);
    const bound = await h.newMember(admin, 'dm-made-by-admin', 'org-national', ['data-manager']);
    expect(refusal(await step(bound, id, { action: 'accredit' }))).toEqual([403, 'not-independent']);
    // The team prepared a proposal the administrator made: the administrator still may not accredit it.
    const other = await proposed(admin);
    const teamStarts = await step(team, other, prepared);
    expect(teamStarts.status).toBe(200);
    expect(refusal(await step(admin, other, { action: 'accredit' }))).toEqual([403, 'own-request']);
    expect((await step(dataManager, other, { action: 'accredit' })).status).toBe(200);
  });

  it('hides another authority’s organisation from a team, and lets nobody change their own organisation', async () => {
    const id = await proposed(team);
    expect(refusal(await cwacTeam.get(`/v1/organisations/${id}`))).toEqual([404, 'organisation-not-found']);
    expect(refusal(await step(cwacTeam, id, prepared))).toEqual([404, 'organisation-not-found']);
    expect(refusal(await dataManager.get('/v1/organisations/org-nowhere'))).toEqual([404, 'organisation-not-found']);
    expect(refusal(await step(dataManager, 'org-wirral', { action: 'suspend', evidence: 'Audit finding' }))).toEqual([
      403,
      'own-organisation',
    ]);
    expect((await dataManager.get('/v1/organisations/org-wirral')).body.organisation.nextActions).toEqual([]);
    // The team stops a proposal that went nowhere; it may be proposed again.
    expect(refusal(await step(team, id, { action: 'stop' }))).toEqual([422, 'invalid-organisation']);
    const stopped = await step(team, id, { action: 'stop', evidence: 'The charity closed' });
    expect(stopped.body.organisation.stage).toBe('withdrawn');
    expect((await step(team, id, { action: 'propose-again' })).body.organisation.stage).toBe('proposed');
  });

  it('keeps accredited and the stage together, however the row is written (migration 19)', async () => {
    const row = async (id: string) =>
      (
        await h.db.query<{ stage: string; accredited: boolean }>(
          'SELECT stage, accredited FROM organisations WHERE id = $1',
          [id],
        )
      )[0];
    // The old way, as the training seed and older fixtures write: accredited alone.
    await h.db.query(
      "INSERT INTO organisations (id, name, kind, accredited) VALUES ('org-old-way', 'Old Way', 'voluntary', true)",
    );
    expect(await row('org-old-way')).toEqual({ stage: 'accredited', accredited: true });
    await h.db.query("UPDATE organisations SET accredited = false WHERE id = 'org-old-way'");
    expect(await row('org-old-way')).toEqual({ stage: 'proposed', accredited: false });
    // The stage wins where both are written.
    await h.db.query("UPDATE organisations SET stage = 'accredited', accredited = false WHERE id = 'org-old-way'");
    expect(await row('org-old-way')).toEqual({ stage: 'accredited', accredited: true });
    await expect(h.db.query("UPDATE organisations SET stage = 'approved' WHERE id = 'org-old-way'")).rejects.toThrow();
  });

  it("stops the organisation's users at their next request when suspended or withdrawn, and lets them back when reinstated", async () => {
    const id = await proposed(team);
    expect((await step(team, id, prepared)).status).toBe(200);
    expect((await step(dataManager, id, { action: 'accredit' })).status).toBe(200);
    const worker = await h.newMember(team, 'partner-worker', id, ['practitioner']);
    expect((await worker.get('/v1/sessions/current')).status).toBe(200);

    expect(refusal(await step(team, id, { action: 'suspend', evidence: 'Agreement lapsed' }))).toEqual([
      403,
      'forbidden-role',
    ]);
    expect(refusal(await step(dataManager, id, { action: 'suspend' }))).toEqual([422, 'invalid-organisation']);
    const suspended = await step(dataManager, id, { action: 'suspend', evidence: 'Agreement lapsed' });
    expect(suspended.body.organisation).toMatchObject({ stage: 'suspended', accredited: false });
    expect(refusal(await worker.get('/v1/sessions/current'))).toEqual([403, 'organisation-not-accredited']);

    const back = await step(admin, id, { action: 'reinstate', evidence: 'New agreement signed' });
    expect(back.body.organisation).toMatchObject({ stage: 'accredited', accredited: true });
    expect((await worker.get('/v1/sessions/current')).status).toBe(200);

    expect((await step(dataManager, id, { action: 'withdraw', evidence: 'Partnership ended' })).status).toBe(200);
    expect(refusal(await worker.get('/v1/sessions/current'))).toEqual([403, 'organisation-not-accredited']);
    expect(refusal(await step(dataManager, id, { action: 'reinstate', evidence: 'Again' }))).toEqual([
      409,
      'wrong-stage',
    ]);
    expect(
      (await dataManager.get(`/v1/organisations/${id}`)).body.organisation.history.map(
        (e: { stage: string }) => e.stage,
      ),
    ).toEqual(['proposed', 'in-progress', 'accredited', 'suspended', 'accredited', 'withdrawn']);
  });
});

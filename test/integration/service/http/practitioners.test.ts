// Practitioners to ready (issue 21, item 2), over HTTP on PGlite and PostgreSQL: an
// authority's team keeps the list of people who will need access (its own partners'
// people only), in training order; imports many at once, all or nothing, each bad row
// named; asks for an account only when every item is met, and then only through the
// two-person account request, which the same person, or anyone bound to them, cannot
// confirm; lapsing checks and refreshers come up as tasks 30 days ahead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

describe.each(storeEngines)('practitioners to ready on %s', (engine) => {
  let h: ServiceHarness;
  let team: SignedClient;
  let team2: SignedClient;
  let cwacTeam: SignedClient;
  let dataManager: SignedClient;
  let practitioner: SignedClient;

  // Today is 2026-11-24.
  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 20, now: new Date('2026-11-24T10:00:00Z') });
    team = await h.signIn('trn-la-team');
    team2 = await h.signIn('trn-la-team-2');
    cwacTeam = await h.signIn('trn-la-team-cwac');
    dataManager = await h.signIn('trn-data-manager');
    practitioner = await h.signIn('trn-practitioner');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const patch = (who: SignedClient, id: string, body: unknown) => who.request('PATCH', `/v1/practitioners/${id}`, body);
  const refusal = (res: { status: number; body: { error?: { code: string } } }) => [res.status, res.body.error?.code];
  let serial = 0;
  const person = (over: Record<string, unknown> = {}) => ({
    organisationId: 'org-gp-training',
    name: `Sam Example ${++serial}`,
    workEmail: `sam.example${serial}@seacombe.nhs.uk`,
    role: 'practitioner',
    trainingPriority: 5,
    ...over,
  });
  async function added(over: Record<string, unknown> = {}): Promise<{ id: string; workEmail: string }> {
    const res = await team.post('/v1/practitioners', person(over));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.practitioner;
  }
  const count = async () =>
    (
      await h.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM practitioners_to_ready WHERE local_authority = $1',
        [WIRRAL],
      )
    )[0]!.n;

  it('adds a person of a partner organisation with what they still need, and refuses bad facts naming the field', async () => {
    const p = await added({ trainingPriority: 2, enhancedCheckDate: '2025-06-01' });
    const list = await team.get('/v1/practitioners');
    const found = list.body.practitioners.find((x: { id: string }) => x.id === p.id);
    expect(found).toMatchObject({
      organisation: { id: 'org-gp-training', accredited: true },
      role: 'practitioner',
      trainingPriority: 2,
      enhancedCheckDate: '2025-06-01',
      checkLapsesOn: '2028-06-01',
      missing: ['course-passed', 'agreement'],
      readiness: 'needs-items',
      userId: null,
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ name: ' ' }, 'Name'],
      [{ workEmail: 'not an email' }, 'Work email'],
      [{ role: 'la-team' }, 'Role'],
      [{ trainingPriority: 0 }, 'Training priority'],
      [{ enhancedCheckDate: '2026-12-01' }, 'Enhanced check date'],
      [{ coursePassedOn: '2026-10-01' }, 'Course attended on'],
      [{ courseAttendedOn: '2026-10-02', coursePassedOn: '2026-10-01' }, 'Course passed on'],
      [{ agreementSignedOn: '2027-01-01' }, 'Agreement signed on'],
    ];
    for (const [over, field] of cases) {
      const res = await team.post('/v1/practitioners', person(over));
      expect(refusal(res), JSON.stringify(over)).toEqual([422, 'invalid-practitioner']);
      expect(res.body.error.message, JSON.stringify(over)).toContain(field);
    }
    // Only the authority's own partners: another authority's organisation is refused.
    const other = await team.post('/v1/practitioners', person({ organisationId: 'org-cheshire-west' }));
    expect(refusal(other)).toEqual([422, 'unknown-organisation']);
    // The same work email (in any case) is one person.
    expect(refusal(await team2.post('/v1/practitioners', person({ workEmail: p.workEmail.toUpperCase() })))).toEqual([
      409,
      'practitioner-exists',
    ]);
  });

  it('lets only the team keep its own list; a data manager reads every authority’s', async () => {
    const p = await added();
    expect(refusal(await practitioner.get('/v1/practitioners'))).toEqual([403, 'forbidden-role']);
    expect(refusal(await dataManager.post('/v1/practitioners', person()))).toEqual([403, 'forbidden-role']);
    // Another authority's team: the entry is not there for it, nor its list.
    expect(refusal(await patch(cwacTeam, p.id, { trainingPriority: 1 }))).toEqual([404, 'practitioner-not-found']);
    const theirs = await cwacTeam.get('/v1/practitioners');
    expect(theirs.body.practitioners.some((x: { id: string }) => x.id === p.id)).toBe(false);
    expect(refusal(await cwacTeam.get(`/v1/practitioners?localAuthority=${WIRRAL}`))).toEqual([403, 'other-authority']);
    const all = await dataManager.get(`/v1/practitioners?localAuthority=${WIRRAL}`);
    expect(all.body.practitioners.some((x: { id: string }) => x.id === p.id)).toBe(true);
  });

  it('lists in training order, by organisation and by readiness', async () => {
    const late = await added({ trainingPriority: 900, organisationId: 'org-unaccredited' });
    const first = await added({ trainingPriority: 1 });
    const list = (await team.get('/v1/practitioners')).body.practitioners as { id: string; trainingPriority: number }[];
    const priorities = list.map((x) => x.trainingPriority);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
    expect(list[0]!.id).toBe(first.id);
    const byOrg = (await team.get('/v1/practitioners?organisationId=org-unaccredited')).body.practitioners;
    expect(byOrg.map((x: { id: string }) => x.id)).toEqual([late.id]);
    expect(byOrg[0].missing).toContain('organisation-accredited');
    const ready = await added({
      trainingPriority: 3,
      enhancedCheckDate: '2025-01-10',
      courseAttendedOn: '2026-11-01',
      coursePassedOn: '2026-11-01',
      agreementSignedOn: '2026-11-02',
    });
    const readyList = (await team.get('/v1/practitioners?readiness=ready')).body.practitioners;
    expect(readyList.map((x: { id: string }) => x.id)).toContain(ready.id);
    expect(readyList.every((x: { missing: string[] }) => x.missing.length === 0)).toBe(true);
    expect((await team.get('/v1/practitioners?readiness=soon')).status).toBe(422);
  });

  it('imports all or nothing: one bad row refuses the file, naming its row and field', async () => {
    const before = await count();
    const rows = [
      {
        row: 2,
        organisation: 'Seacombe Training Medical Centre',
        name: 'Alex Import',
        workEmail: 'alex.import@seacombe.nhs.uk',
        role: 'practitioner',
        trainingPriority: '4',
        enhancedCheckDate: '01/02/2025',
      },
      {
        row: 3,
        organisation: 'org-gp-training',
        name: 'Bo Import',
        workEmail: 'bo.import@seacombe.nhs.uk',
        role: 'Child protection',
        trainingPriority: 6,
      },
      {
        row: 4,
        organisation: 'Nowhere Surgery',
        name: 'Cy Import',
        workEmail: 'cy.import',
        role: 'practitioner',
        trainingPriority: '7',
      },
      {
        row: 5,
        organisation: 'org-gp-training',
        name: 'Di Import',
        workEmail: 'ALEX.import@seacombe.nhs.uk',
        role: 'practitioner',
        trainingPriority: '8',
      },
    ];
    const refused = await team.post('/v1/practitioners/import', { entries: rows });
    expect(refusal(refused)).toEqual([422, 'import-refused']);
    expect(refused.body.error.message).toContain('row 4');
    expect(refused.body.error.message).toContain('Organisation');
    expect(refused.body.error.message).toContain('Work email');
    expect(refused.body.error.message).toContain('row 5');
    expect(refused.body.error.message).toContain('is on row 2 of the file too');
    expect(refused.body.error.message).not.toContain('row 2:');
    // No personal data in the refusal: the rows and fields, not the values.
    expect(refused.body.error.message).not.toContain('cy.import');
    expect(await count()).toBe(before);

    const fixed = [
      rows[0]!,
      rows[1]!,
      { ...rows[2]!, organisation: 'org-gp-training', workEmail: 'cy@seacombe.nhs.uk' },
    ];
    const imported = await team.post('/v1/practitioners/import', { entries: fixed });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body).toEqual({ imported: 3 });
    expect(await count()).toBe(before + 3);
    const alex = (await team.get('/v1/practitioners')).body.practitioners.find(
      (x: { workEmail: string }) => x.workEmail === 'alex.import@seacombe.nhs.uk',
    );
    expect(alex).toMatchObject({ enhancedCheckDate: '2025-02-01', organisation: { id: 'org-gp-training' } });
    // The same file again: every row is on the list already, so nothing more is stored.
    const again = await team.post('/v1/practitioners/import', { entries: fixed });
    expect(refusal(again)).toEqual([422, 'import-refused']);
    expect(await count()).toBe(before + 3);
  });

  it('asks for the account only when every item is met, then through the two-person request', async () => {
    const p = await added({ workEmail: 'robin.ready@seacombe.nhs.uk', role: 'child-protection' });
    const early = await team.post(`/v1/practitioners/${p.id}/account-request`, {});
    expect(refusal(early)).toEqual([409, 'not-ready']);
    expect(early.body.error.message).toContain('enhanced check');
    expect(early.body.error.message).toContain('course passed');
    expect(early.body.error.message).toContain('agreement');
    // A check over 3 years old is not met.
    await patch(team, p.id, {
      enhancedCheckDate: '2023-11-24',
      courseAttendedOn: '2026-11-20',
      coursePassedOn: '2026-11-20',
      agreementSignedOn: '2026-11-21',
    });
    const lapsed = await team.post(`/v1/practitioners/${p.id}/account-request`, {});
    expect(refusal(lapsed)).toEqual([409, 'not-ready']);
    expect(lapsed.body.error.message).toContain('over 3 years old');
    expect((await patch(team, p.id, { enhancedCheckDate: '2024-01-15' })).status).toBe(200);
    // An unaccredited organisation is not met either.
    const unaccredited = await added({
      organisationId: 'org-unaccredited',
      enhancedCheckDate: '2025-01-01',
      courseAttendedOn: '2026-11-20',
      coursePassedOn: '2026-11-20',
      agreementSignedOn: '2026-11-21',
    });
    const notAccredited = await team.post(`/v1/practitioners/${unaccredited.id}/account-request`, {});
    expect(refusal(notAccredited)).toEqual([409, 'not-ready']);
    expect(notAccredited.body.error.message).toContain('organisation accredited');

    const asked = await team.post(`/v1/practitioners/${p.id}/account-request`, {});
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body.practitioner).toMatchObject({ userId: 'robin.ready', readiness: 'account-requested' });
    expect(asked.body.request).toMatchObject({
      kind: 'account-create',
      status: 'awaiting-confirmation',
      roles: ['child-protection'],
    });
    expect(asked.body.firstHalf).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    // No credential: the account exists with no password or token secret.
    const [row] = await h.db.query<{ password_hash: string | null; totp_secret: string | null; roles: string[] }>(
      'SELECT password_hash, totp_secret, roles FROM users WHERE id = $1',
      ['robin.ready'],
    );
    expect(row).toEqual({ password_hash: null, totp_secret: null, roles: ['child-protection'] });
    // Asked once only; and who they are is the account's now.
    expect(refusal(await team.post(`/v1/practitioners/${p.id}/account-request`, {}))).toEqual([
      409,
      'account-requested',
    ]);
    expect(refusal(await patch(team, p.id, { role: 'practitioner' }))).toEqual([409, 'account-requested']);
    // The request is the team's usual one, waiting for a second person.
    const waiting = await team2.get('/v1/account-requests');
    expect(waiting.body.requests.map((r: { id: string }) => r.id)).toContain(asked.body.request.id);
  });

  it('never lets whoever asked, or anyone bound to them, confirm the account: only an independent second person', async () => {
    const p = await added({
      workEmail: 'kit.insider@seacombe.nhs.uk',
      enhancedCheckDate: '2025-01-01',
      courseAttendedOn: '2026-11-20',
      coursePassedOn: '2026-11-20',
      agreementSignedOn: '2026-11-21',
    });
    const asked = await team.post(`/v1/practitioners/${p.id}/account-request`, { userId: 'kit.insider' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const requestId = asked.body.request.id as string;
    // The one who asked cannot confirm it.
    expect(refusal(await team.post(`/v1/account-requests/${requestId}/confirm`, undefined))).toEqual([
      403,
      'own-request',
    ]);
    // Nor a colleague whose own account the asker took part in issuing.
    const bound = await h.newMember(team, `bound-${engine}`, 'org-wirral', ['la-team']);
    expect(refusal(await bound.post(`/v1/account-requests/${requestId}/confirm`, undefined))).toEqual([
      403,
      'not-independent',
    ]);
    // The holder cannot sign in on the first half alone.
    expect(
      (
        await h.fetchJson('/v1/activations', {
          method: 'POST',
          body: {
            method: 'otp',
            userId: 'kit.insider',
            firstHalf: asked.body.firstHalf,
            secondHalf: asked.body.firstHalf,
            password: 'a long password of my own',
          },
        })
      ).status,
    ).toBe(401);
    // An independent colleague confirms; the holder activates with both halves and may act.
    const confirmed = await team2.post(`/v1/account-requests/${requestId}/confirm`, undefined);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    const creds = await h.activateToken('kit.insider', asked.body.firstHalf, confirmed.body.secondHalf);
    const holder = await h.signInWith(creds.id, creds.password, creds.totpSecret);
    expect((await holder.get('/v1/sessions/current')).status).toBe(200);
    const listed = (await team.get('/v1/practitioners?readiness=has-account')).body.practitioners;
    expect(listed.map((x: { userId: string }) => x.userId)).toContain('kit.insider');
  });

  it('brings lapsing checks and refreshers up as tasks 30 days ahead, for people and for accounts', async () => {
    // The check dated 2023-12-20 lapses on 2026-12-20: within 30 days of 2026-11-24.
    const soon = await added({ enhancedCheckDate: '2023-12-20' });
    // Lapses 2027-01-30: not yet a task.
    const later = await added({ enhancedCheckDate: '2024-01-30' });
    // Passed 2023-12-10: the refresher falls due on 2026-12-10.
    const refresher = await added({
      enhancedCheckDate: '2025-05-05',
      courseAttendedOn: '2023-12-10',
      coursePassedOn: '2023-12-10',
    });
    const tasks = (await team.get('/v1/practitioners/tasks')).body.tasks as {
      kind: string;
      due: string | null;
      practitionerId: string | null;
      userId: string | null;
    }[];
    expect(tasks.find((t) => t.practitionerId === soon.id)).toMatchObject({
      kind: 'enhanced-check-lapses',
      due: '2026-12-20',
    });
    expect(tasks.some((t) => t.practitionerId === later.id)).toBe(false);
    expect(tasks.find((t) => t.practitionerId === refresher.id)).toMatchObject({
      kind: 'refresher-due',
      due: '2026-12-10',
    });
    // Accounts' items too (lapsing.ts): the training accounts missing training or an agreement, due now.
    expect(tasks.find((t) => t.userId === 'trn-no-training')).toMatchObject({ kind: 'training-missing', due: null });
    const dues = tasks.map((t) => t.due ?? '');
    expect(dues).toEqual([...dues].sort());
    // 60 days ahead, the later check comes up too.
    const wider = (await team.get('/v1/practitioners/tasks?days=70')).body.tasks as { practitionerId: string | null }[];
    expect(wider.some((t) => t.practitionerId === later.id)).toBe(true);
    // Another authority's team sees none of Wirral's.
    const theirs = (await cwacTeam.get('/v1/practitioners/tasks')).body.tasks as { practitionerId: string | null }[];
    expect(theirs.some((t) => t.practitionerId === soon.id)).toBe(false);
  });
});

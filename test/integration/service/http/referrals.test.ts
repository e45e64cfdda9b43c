// Referrals (issue 20, item 5) over HTTP on both store engines: a practitioner reports a
// problem with a record they may read, it reaches the queue of the child's authority's
// team (and the data manager's) only, the team closes it with an outcome; case
// information is refused naming the field, and a shielded child's details reach no one
// who may not see them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../../../support/children.js';
import { runLifecycle } from '../../../../service/lifecycle/lifecycle.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

const reason = { headers: { 'cp-access-reason': 'Registering the child at the practice' } };

describe.each(storeEngines)('referrals on %s', (engine) => {
  let h: ServiceHarness;
  let practitioner: SignedClient;
  let protection: SignedClient;
  let team: SignedClient;
  let cwacTeam: SignedClient;
  let dataManager: SignedClient;
  let admin: SignedClient;
  let supplier: SignedClient;

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 200, now: new Date('2026-12-06T10:00:00Z') });
    practitioner = await h.signIn('trn-practitioner');
    protection = await h.signIn('trn-child-protection');
    team = await h.signIn('trn-la-team');
    cwacTeam = await h.signIn('trn-la-team-cwac');
    dataManager = await h.signIn('trn-data-manager');
    admin = await h.signIn('trn-national-admin');
    supplier = await h.signIn('trn-supplier-nhs');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  async function childIn(la: string, offset = 0): Promise<string> {
    const [row] = await h.db.query<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded ORDER BY cp_number OFFSET $2 LIMIT 1",
      [la, offset],
    );
    return row!.cp_number;
  }
  const stored = async () => (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM referrals'))[0]!.n;
  const audit = (action: string) =>
    h.db.query<{ user_id: string; cp_number: string | null; reason: string | null; detail: Record<string, unknown> }>(
      'SELECT user_id, cp_number, reason, detail FROM audit_log WHERE action = $1 ORDER BY seq',
      [action],
    );
  const references = (res: { body: { referrals: { reference: string }[] } }) =>
    res.body.referrals.map((r) => r.reference);

  it("reaches the child's authority's team, who see who reported it, and closes with an outcome", async () => {
    const cp = await childIn(WIRRAL);
    const sent = await practitioner.post(
      `/v1/children/${cp}/referrals`,
      { kind: 'wrong-address', text: 'The family moved to Birkenhead last month' },
      reason,
    );
    expect(sent.status).toBe(201);
    // A receipt and nothing else: no authority, no record.
    expect(Object.keys(sent.body).sort()).toEqual(['kind', 'receivedAt', 'reference', 'status']);
    expect(sent.body).toMatchObject({ kind: 'wrong-address', status: 'open', receivedAt: h.clock.now().toISOString() });
    expect(sent.body.reference).toMatch(/^RF-[A-Z2-9]{10}$/);
    const ref: string = sent.body.reference;

    // Audited with the reason, the reference and the kind; the text stays on the referral.
    const made = (await audit('referral-made')).filter((e) => e.detail['reference'] === ref);
    expect(made).toEqual([
      {
        user_id: 'trn-practitioner',
        cp_number: cp,
        reason: 'Registering the child at the practice',
        detail: { reference: ref, kind: 'wrong-address' },
      },
    ]);

    const queue = await team.get('/v1/referrals');
    expect(queue.status).toBe(200);
    const [child] = await h.db.query<{ given: string; family: string; dob: string }>(
      "SELECT record->'name'->>'given' AS given, record->'name'->>'family' AS family, record->>'dob' AS dob FROM children WHERE cp_number = $1",
      [cp],
    );
    expect(queue.body.referrals.find((r: { reference: string }) => r.reference === ref)).toEqual({
      reference: ref,
      cpNumber: cp,
      child: child,
      kind: 'wrong-address',
      text: 'The family moved to Birkenhead last month',
      reportedBy: { userId: 'trn-practitioner', name: 'Alex Morgan', organisation: 'Seacombe Training Medical Centre' },
      reportedAt: h.clock.now().toISOString(),
      status: 'open',
      outcome: null,
      closedBy: null,
      closedAt: null,
    });
    expect(references(await dataManager.get('/v1/referrals'))).toContain(ref);
    expect((await audit('referrals-read')).some((e) => e.user_id === 'trn-la-team')).toBe(true);

    h.clock.advance(60_000);
    const closed = await team.post(`/v1/referrals/${ref}/close`, {
      outcome: 'Address corrected from the council tax record',
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      reference: ref,
      status: 'closed',
      outcome: 'Address corrected from the council tax record',
      closedBy: 'trn-la-team',
      closedAt: h.clock.now().toISOString(),
    });
    expect(references(await team.get('/v1/referrals'))).not.toContain(ref);
    expect(references(await team.get('/v1/referrals?status=closed'))).toContain(ref);
    expect(references(await team.get('/v1/referrals?status=all'))).toContain(ref);
    const again = await team.post(`/v1/referrals/${ref}/close`, { outcome: 'Corrected twice' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('referral-closed');
    expect((await audit('referral-closed')).filter((e) => e.detail['reference'] === ref)).toEqual([
      { user_id: 'trn-la-team', cp_number: cp, reason: null, detail: { reference: ref } },
    ]);
  });

  it("is hidden from another authority's team and refused to everyone outside the queue, the reporter included", async () => {
    const cp = await childIn(WIRRAL, 1);
    const sent = await practitioner.post(`/v1/children/${cp}/referrals`, { kind: 'not-known' }, reason);
    expect(sent.status).toBe(201);
    const ref: string = sent.body.reference;

    expect(references(await cwacTeam.get('/v1/referrals?status=all'))).not.toContain(ref);
    const cwacClose = await cwacTeam.post(`/v1/referrals/${ref}/close`, { outcome: 'Not ours' });
    expect(cwacClose.status).toBe(404);
    expect(JSON.stringify(cwacClose.body)).not.toContain(cp);

    for (const outsider of [practitioner, protection, admin, supplier]) {
      const list = await outsider.get('/v1/referrals?status=all');
      expect(list.status, outsider.user.id).toBe(403);
      expect(JSON.stringify(list.body)).not.toContain(ref);
      const close = await outsider.post(`/v1/referrals/${ref}/close`, { outcome: 'Done' });
      expect(close.status, outsider.user.id).toBe(403);
    }
    // A supplier's system may not read records, so it may not report on them either.
    const bySupplier = await supplier.post(`/v1/children/${cp}/referrals`, { kind: 'not-known' }, reason);
    expect(bySupplier.status).toBe(403);

    // The CWAC team's own referral is in its queue and not in Wirral's.
    const cwacChild = await childIn(CHESHIRE_WEST_AND_CHESTER);
    const theirs = await protection.post(`/v1/children/${cwacChild}/referrals`, { kind: 'wrong-school' }, reason);
    expect(theirs.status).toBe(201);
    expect(references(await cwacTeam.get('/v1/referrals'))).toContain(theirs.body.reference);
    expect(references(await team.get('/v1/referrals?status=all'))).not.toContain(theirs.body.reference);
    expect((await team.post(`/v1/referrals/${theirs.body.reference}/close`, { outcome: 'x' })).status).toBe(404);
    expect((await team.post('/v1/referrals/not-a-reference/close', { outcome: 'x' })).status).toBe(404);
  });

  it('refuses case information naming the field, and keeps nothing', async () => {
    const cp = await childIn(WIRRAL, 2);
    const before = await stored();
    const res = await practitioner.post(
      `/v1/children/${cp}/referrals`,
      { kind: 'broker-contact', text: 'Mother disclosed domestic abuse, please pass on' },
      reason,
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('case-information');
    expect(res.body.error.message).toContain('"text"');
    expect(res.body.error.message).toContain('domestic abuse');
    expect(await stored()).toBe(before);
    expect((await audit('referral-made')).filter((e) => e.cp_number === cp)).toEqual([]);

    // The outcome is held to the same rule.
    const ok = await practitioner.post(`/v1/children/${cp}/referrals`, { kind: 'broker-contact' }, reason);
    expect(ok.status).toBe(201);
    const close = await team.post(`/v1/referrals/${ok.body.reference}/close`, {
      outcome: 'Safeguarding concerns passed to police',
    });
    expect(close.status).toBe(422);
    expect(close.body.error.code).toBe('case-information');
    expect(close.body.error.message).toContain('"outcome"');
    expect(references(await team.get('/v1/referrals'))).toContain(ok.body.reference);
  });

  it('takes what reading takes, and refuses bad input by name', async () => {
    const cp = await childIn(WIRRAL, 3);
    const before = await stored();
    const noReason = await practitioner.post(`/v1/children/${cp}/referrals`, { kind: 'not-known' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe('access-reason-required');
    const unknownKind = await practitioner.post(`/v1/children/${cp}/referrals`, { kind: 'other' }, reason);
    expect(unknownKind.status).toBe(422);
    expect(unknownKind.body.error.message).toContain('"kind"');
    const notes = await practitioner.post(`/v1/children/${cp}/referrals`, { kind: 'not-known', notes: 'x' }, reason);
    expect(notes.status).toBe(422);
    expect(notes.body.error.code).toBe('unknown-field');
    const long = await practitioner.post(
      `/v1/children/${cp}/referrals`,
      { kind: 'not-known', text: 'a'.repeat(501) },
      reason,
    );
    expect(long.status).toBe(422);
    expect(long.body.error.message).toContain('"text"');
    const emptyOutcome = await team.post('/v1/referrals/RF-AAAAAAAAAA/close', { outcome: ' ' });
    expect(emptyOutcome.status).toBe(422);
    expect(emptyOutcome.body.error.message).toContain('"outcome"');
    expect((await practitioner.post('/v1/children/CP12345/referrals', { kind: 'not-known' }, reason)).status).toBe(400);
    expect(await stored()).toBe(before);

    // An archived record is not found, as it is when reading.
    await h.db.query("UPDATE children SET status = 'archived', archived_on = '2026-12-01' WHERE cp_number = $1", [cp]);
    const archived = await practitioner.post(`/v1/children/${cp}/referrals`, { kind: 'not-known' }, reason);
    expect(archived.status).toBe(404);
    expect(await stored()).toBe(before);
  });

  it("tells nobody a shielded child's details: the reporter gets a receipt, the team what it may see", async () => {
    const cp = await childIn(WIRRAL, 4);
    const read = await team.get(`/v1/children/${cp}`, reason);
    const shield = await team.post('/v1/submissions', {
      items: [
        { idempotencyKey: `referral-shield-${engine}`, cpNumber: cp, baseVersion: read.body.version, op: 'shield' },
      ],
    });
    expect(shield.body.results[0].status).toBe('applied');
    const full = read.body;

    const sent = await practitioner.post(`/v1/children/${cp}/referrals`, { kind: 'wrong-address' }, reason);
    expect(sent.status).toBe(201);
    expect(Object.keys(sent.body).sort()).toEqual(['kind', 'receivedAt', 'reference', 'status']);
    const text = JSON.stringify(sent.body);
    expect(text).not.toContain(WIRRAL);
    expect(text).not.toContain(full.address.postcode);

    // The Wirral team sees it (it may see the record in full); its queue entry holds only
    // what every reader sees.
    const entry = (await team.get('/v1/referrals')).body.referrals.find(
      (r: { reference: string }) => r.reference === sent.body.reference,
    );
    expect(entry).toBeDefined();
    expect(JSON.stringify(entry)).not.toContain(full.address.postcode);
    expect(references(await cwacTeam.get('/v1/referrals?status=all'))).not.toContain(sent.body.reference);

    // An insider on another authority's team who reports on the child learns no more
    // than reading told them: a receipt, and nothing in their own queue.
    const insider = await cwacTeam.post(`/v1/children/${cp}/referrals`, { kind: 'broker-contact' }, reason);
    expect(insider.status).toBe(201);
    expect(Object.keys(insider.body).sort()).toEqual(['kind', 'receivedAt', 'reference', 'status']);
    expect(JSON.stringify(insider.body)).not.toContain(WIRRAL);
    expect(references(await cwacTeam.get('/v1/referrals?status=all'))).not.toContain(insider.body.reference);
    expect(references(await team.get('/v1/referrals'))).toContain(insider.body.reference);
    const close = await cwacTeam.post(`/v1/referrals/${insider.body.reference}/close`, { outcome: 'Done' });
    expect(close.status).toBe(404);
  });

  it('limits how many one person may make in an hour', async () => {
    const cp = await childIn(WIRRAL, 5);
    let refused = false;
    for (let i = 0; i < 25 && !refused; i++) {
      const res = await protection.post(`/v1/children/${cp}/referrals`, { kind: 'not-known' }, reason);
      if (res.status === 429) {
        expect(res.body.error.code).toBe('too-many-referrals');
        refused = true;
      } else expect(res.status).toBe(201);
    }
    expect(refused).toBe(true);
    const [made] = await h.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM referrals WHERE user_id = 'trn-child-protection' AND at > $1",
      [new Date(h.clock.now().getTime() - 3_600_000)],
    );
    expect(made!.n).toBe(20);
    h.clock.advance(3_600_000);
    // A fresh session: the old one has been idle for the hour.
    const later = await h.signIn('trn-child-protection');
    expect((await later.post(`/v1/children/${cp}/referrals`, { kind: 'not-known' }, reason)).status).toBe(201);
  });

  it("goes with the child's record when the record is destroyed", async () => {
    const cp = await childIn(WIRRAL, 6);
    const sent = await practitioner.post(
      `/v1/children/${cp}/referrals`,
      { kind: 'wrong-school', text: 'Left for a school in Leeds' },
      reason,
    );
    expect(sent.status).toBe(201);
    // Archived long enough ago to be destroyed by today's lifecycle run.
    await h.db.query("UPDATE children SET status = 'archived', archived_on = '2010-01-01' WHERE cp_number = $1", [cp]);
    const result = await runLifecycle(h.db, h.clock);
    expect(result.destroyed).toBeGreaterThanOrEqual(1);
    expect(await h.db.query('SELECT 1 FROM referrals WHERE cp_number = $1', [cp])).toEqual([]);
  });

  it('stays in the queue when its record is merged into another: a report is never lost', async () => {
    const [dup, survivor] = [await childIn(WIRRAL, 7), await childIn(WIRRAL, 8)];
    const sent = await practitioner.post(`/v1/children/${dup}/referrals`, { kind: 'not-known' }, reason);
    expect(sent.status).toBe(201);
    const [a, b] = [await team.get(`/v1/children/${survivor}`, reason), await team.get(`/v1/children/${dup}`, reason)];
    const merged = await team.post('/v1/submissions', {
      items: [
        {
          idempotencyKey: `referral-merge-${engine}`,
          cpNumber: survivor,
          baseVersion: a.body.version,
          op: 'merge',
          duplicate: { cpNumber: dup, baseVersion: b.body.version },
        },
      ],
    });
    expect(merged.body.results[0].status).toBe('applied');
    const entry = (await team.get('/v1/referrals')).body.referrals.find(
      (r: { reference: string }) => r.reference === sent.body.reference,
    );
    expect(entry).toMatchObject({ cpNumber: dup, child: null, status: 'open', kind: 'not-known' });
  });
});

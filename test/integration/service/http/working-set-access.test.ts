// A record opened in a team's working set reaches the child's audit trail over HTTP, on
// both store engines: a working-set-access submission is recorded as a read at the time
// it was viewed, by whoever viewed it, with their purpose; a malformed one is refused
// naming the field; one about another authority's child, or claiming a viewer outside
// the team, is refused and records nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

const NOW = new Date('2026-11-24T10:00:00Z');

describe.each(storeEngines)('working-set access on %s', (engine) => {
  let h: ServiceHarness;
  let team: SignedClient;
  let cwacTeam: SignedClient;

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 200, now: NOW });
    team = await h.signIn('trn-la-team');
    cwacTeam = await h.signIn('trn-la-team-cwac');
    // A colleague in Wirral's team (who need not sign in: the computer's next user sends their entries).
    await h.db.query(
      `INSERT INTO users (id, name, organisation_id, roles, local_authority, enhanced_check_date, training_completed, agreement_signed)
       SELECT 'wirral-team-access', 'Riley Shaw', organisation_id, roles, local_authority, enhanced_check_date, training_completed, agreement_signed
         FROM users WHERE id = 'trn-la-team'`,
    );
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  let n = 0;
  async function child(la: string): Promise<{ cp: string; version: number }> {
    const rows = await h.db.query<{ cp_number: string; version: number }>(
      `SELECT cp_number, version FROM children WHERE local_authority = $1 AND status = 'active' ORDER BY cp_number OFFSET $2 LIMIT 1`,
      [la, n++],
    );
    return { cp: rows[0]!.cp_number, version: rows[0]!.version };
  }
  const item = (cp: string, version: number, over: Record<string, unknown> = {}) => ({
    idempotencyKey: `ws-access-${engine}-${n}-${Math.random().toString(36).slice(2)}`,
    cpNumber: cp,
    baseVersion: version,
    op: 'working-set-access',
    viewedAt: '2026-11-23T21:15:00Z',
    viewedBy: 'trn-la-team',
    reason: 'Cleansing possible duplicates',
    view: 'record',
    context: 'cleansing',
    ...over,
  });
  const entriesFor = async (cp: string) => {
    const page = await team.get(`/v1/audit?cpNumber=${cp}`);
    expect(page.status).toBe(200);
    return (page.body.entries as { at: string; userId: string; action: string; reason: string | null }[]).filter(
      (e) => e.action === 'read',
    );
  };

  it('records the view in the child’s audit: as a read, by the viewer, with the purpose, at the time it was viewed', async () => {
    const { cp, version } = await child(WIRRAL);
    const shown = item(cp, version, { view: 'shielded-details', viewedAt: '2026-11-23T22:40:00+01:00' });
    const res = await team.post('/v1/submissions', { items: [item(cp, version), shown] });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);

    const reads = await entriesFor(cp);
    expect(reads).toHaveLength(2);
    expect(reads[0]).toMatchObject({
      at: '2026-11-23T21:15:00.000Z',
      userId: 'trn-la-team',
      reason: 'Cleansing possible duplicates',
    });
    expect(reads[1]).toMatchObject({ at: '2026-11-23T21:40:00.000Z', userId: 'trn-la-team' });
    // What was seen and when it arrived stay in the entry's detail, for the chain.
    const [stored] = await h.db.query<{ detail: Record<string, unknown> }>(
      "SELECT detail FROM audit_log WHERE cp_number = $1 AND action = 'read' AND detail->>'view' = 'shielded-details'",
      [cp],
    );
    expect(stored!.detail).toMatchObject({
      via: 'working-set',
      view: 'shielded-details',
      context: 'cleansing',
      version,
      receivedAt: h.clock.now().toISOString(),
    });
    expect(stored!.detail).not.toHaveProperty('sentBy');

    // A retry of the same item (the outbox after a crash) is answered, not recorded again.
    const again = await team.post('/v1/submissions', { items: [shown] });
    expect(again.body.results[0]).toMatchObject({ status: 'applied', replayed: true });
    expect(await entriesFor(cp)).toHaveLength(2);
  });

  it('a colleague’s view sent from the same computer is recorded as the colleague’s, saying who sent it', async () => {
    const { cp, version } = await child(WIRRAL);
    const res = await team.post('/v1/submissions', { items: [item(cp, version, { viewedBy: 'wirral-team-access' })] });
    expect(res.body.results[0].status).toBe('applied');
    const [stored] = await h.db.query<{ user_id: string; detail: Record<string, unknown> }>(
      "SELECT user_id, detail FROM audit_log WHERE cp_number = $1 AND action = 'read'",
      [cp],
    );
    expect(stored).toMatchObject({ user_id: 'wirral-team-access', detail: { sentBy: 'trn-la-team' } });
  });

  it('refuses a malformed item with 422 naming the field, and records nothing', async () => {
    const { cp, version } = await child(WIRRAL);
    const cases: [Record<string, unknown>, string][] = [
      [{ reason: '   ' }, 'reason'],
      [{ viewedAt: '23/11/2026 21:15' }, 'viewedAt'],
      [{ view: 'everything' }, 'view'],
      [{ context: 'somewhere' }, 'context'],
      [{ notes: 'case notes' }, 'notes'],
    ];
    for (const [over, field] of cases) {
      const res = await team.post('/v1/submissions', { items: [item(cp, version, over)] });
      expect(res.status, field).toBe(422);
      expect(JSON.stringify(res.body), field).toContain(field);
    }
    const bare = item(cp, version) as Record<string, unknown>;
    delete bare.viewedBy;
    const res = await team.post('/v1/submissions', { items: [bare] });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain('viewedBy');
    expect(await entriesFor(cp)).toHaveLength(0);
  });

  it('refuses a view in the future, another authority’s child, and a viewer outside the team', async () => {
    const { cp, version } = await child(WIRRAL);
    const future = await team.post('/v1/submissions', {
      items: [item(cp, version, { viewedAt: '2026-11-24T11:00:00Z' })],
    });
    expect(future.body.results[0]).toMatchObject({ status: 'invalid', problems: [{ path: 'viewedAt' }] });
    const other = await cwacTeam.post('/v1/submissions', {
      items: [item(cp, version, { viewedBy: 'trn-la-team-cwac' })],
    });
    expect(other.body.results[0].status).toBe('forbidden');
    const framed = await team.post('/v1/submissions', { items: [item(cp, version, { viewedBy: 'trn-la-team-cwac' })] });
    expect(framed.body.results[0]).toMatchObject({ status: 'forbidden', message: expect.stringMatching(/viewedBy/) });
    expect(await entriesFor(cp)).toHaveLength(0);
    const { cp: theirs, version: v } = await child(CHESHIRE_WEST_AND_CHESTER);
    const theirsRes = await team.post('/v1/submissions', { items: [item(theirs, v)] });
    expect(theirsRes.body.results[0].status).toBe('forbidden');
  });
});

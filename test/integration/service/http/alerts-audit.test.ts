// Alerts worked through to an outcome, and audit review (the action filter, the chain
// check for LA teams, searches for one's own surname, signals of possible misuse), over
// HTTP on both store engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, type AuditAction } from '../../../../service/audit/audit-log.js';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

describe.each(storeEngines)('alerts and audit review on %s', (engine) => {
  let h: ServiceHarness;
  let team: SignedClient;
  let cwacTeam: SignedClient;
  let dataManager: SignedClient;
  let practitioner: SignedClient;

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 100, now: new Date('2026-11-24T10:00:00Z') });
    team = await h.signIn('trn-la-team');
    cwacTeam = await h.signIn('trn-la-team-cwac');
    dataManager = await h.signIn('trn-data-manager');
    practitioner = await h.signIn('trn-practitioner');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  async function raise(la: string): Promise<{ id: string; cp: string }> {
    const [child] = await h.db.query<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' ORDER BY random() LIMIT 1",
      [la],
    );
    const [row] = await h.db.query<{ id: number }>(
      "INSERT INTO alerts (at, kind, local_authority, user_id, cp_number) VALUES ($1, 'shield-override', $2, 'trn-child-protection', $3) RETURNING id",
      [h.clock.now(), la, child!.cp_number],
    );
    return { id: String(row!.id), cp: child!.cp_number };
  }
  const audit = (action: string) =>
    h.db.query<{ user_id: string; cp_number: string | null; detail: Record<string, unknown> }>(
      'SELECT user_id, cp_number, detail FROM audit_log WHERE action = $1 ORDER BY seq',
      [action],
    );
  const ids = (res: { body: { alerts: { id: string }[] } }) => res.body.alerts.map((a) => a.id);

  describe('alerts', () => {
    it('go from open to investigating to closed, with who closed them, when and why', async () => {
      const a = await raise(WIRRAL);
      const open = await team.get('/v1/alerts');
      expect(open.status).toBe(200);
      expect(open.body.alerts.find((x: { id: string }) => x.id === a.id)).toEqual({
        id: a.id,
        at: h.clock.now().toISOString(),
        kind: 'shield-override',
        userId: 'trn-child-protection',
        cpNumber: a.cp,
        status: 'open',
        acknowledged: false,
        outcome: null,
        note: null,
        closedBy: null,
        closedAt: null,
      });

      const acknowledged = await team.post(`/v1/alerts/${a.id}/acknowledge`, {});
      expect(acknowledged.status).toBe(200);
      expect(acknowledged.body).toMatchObject({ id: a.id, status: 'investigating', acknowledged: true, outcome: null });
      expect(ids(await team.get('/v1/alerts?status=open'))).not.toContain(a.id);
      expect(ids(await team.get('/v1/alerts?status=investigating'))).toContain(a.id);

      h.clock.advance(60_000);
      const closed = await team.post(`/v1/alerts/${a.id}/close`, {
        outcome: 'advice-given',
        note: 'Spoke to the GP about override use',
      });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({
        id: a.id,
        status: 'closed',
        outcome: 'advice-given',
        note: 'Spoke to the GP about override use',
        closedBy: 'trn-la-team',
        closedAt: h.clock.now().toISOString(),
      });
      expect(ids(await team.get('/v1/alerts?status=investigating'))).not.toContain(a.id);
      expect(ids(await team.get('/v1/alerts?status=closed'))).toContain(a.id);
      expect(ids(await team.get('/v1/alerts?status=all'))).toContain(a.id);

      // Audited with the alert and outcome; the note stays on the alert.
      const entries = await audit('alert-closed');
      expect(entries.at(-1)).toEqual({
        user_id: 'trn-la-team',
        cp_number: a.cp,
        detail: { alert: Number(a.id), outcome: 'advice-given' },
      });
      const noted = await h.db.query(
        "SELECT seq FROM audit_log WHERE detail::text LIKE '%Spoke to the GP%' OR reason LIKE '%Spoke to the GP%'",
      );
      expect(noted).toEqual([]);

      // Closed stays closed: acknowledging changes nothing, closing again is refused.
      expect((await team.post(`/v1/alerts/${a.id}/acknowledge`, {})).body).toMatchObject({
        status: 'closed',
        outcome: 'advice-given',
      });
      const twice = await team.post(`/v1/alerts/${a.id}/close`, { outcome: 'justified' });
      expect([twice.status, twice.body.error.code]).toEqual([409, 'alert-closed']);
      expect(
        (await dataManager.get('/v1/alerts?status=closed')).body.alerts.find((x: { id: string }) => x.id === a.id)
          .outcome,
      ).toBe('advice-given');
    });

    it('may be closed straight from open, with each outcome, without a note', async () => {
      for (const outcome of ['justified', 'advice-given', 'referred-for-investigation', 'account-suspended']) {
        const a = await raise(WIRRAL);
        const res = await dataManager.post(`/v1/alerts/${a.id}/close`, { outcome });
        expect([res.status, res.body.status, res.body.outcome, res.body.note, res.body.closedBy]).toEqual([
          200,
          'closed',
          outcome,
          null,
          'trn-data-manager',
        ]);
      }
    });

    it('refuses a bad outcome, a long note, unknown fields, another authority’s alert and a bad status, naming the field', async () => {
      const a = await raise(WIRRAL);
      const bad = await team.post(`/v1/alerts/${a.id}/close`, { outcome: 'sorted' });
      expect([bad.status, bad.body.error.code]).toEqual([422, 'invalid-body']);
      expect(bad.body.error.message).toContain('"outcome"');
      const missing = await team.post(`/v1/alerts/${a.id}/close`, {});
      expect(missing.body.error.message).toContain('"outcome"');
      const long = await team.post(`/v1/alerts/${a.id}/close`, { outcome: 'justified', note: 'x'.repeat(301) });
      expect([long.status, long.body.error.code]).toEqual([422, 'invalid-body']);
      expect(long.body.error.message).toContain('"note"');
      const extra = await team.post(`/v1/alerts/${a.id}/close`, { outcome: 'justified', caseNotes: 'y' });
      expect([extra.status, extra.body.error.code]).toEqual([422, 'unknown-field']);
      const elsewhere = await cwacTeam.post(`/v1/alerts/${a.id}/close`, { outcome: 'justified' });
      expect(elsewhere.status).toBe(404);
      expect((await cwacTeam.post(`/v1/alerts/${a.id}/acknowledge`, {})).status).toBe(404);
      expect((await team.post('/v1/alerts/999999999/close', { outcome: 'justified' })).status).toBe(404);
      expect((await practitioner.post(`/v1/alerts/${a.id}/close`, { outcome: 'justified' })).status).toBe(403);
      // Nothing of that changed the alert.
      expect(
        (await team.get('/v1/alerts?status=open')).body.alerts.find((x: { id: string }) => x.id === a.id),
      ).toMatchObject({ status: 'open', outcome: null });
      // A note exactly at the limit is fine.
      expect(
        (await team.post(`/v1/alerts/${a.id}/close`, { outcome: 'justified', note: 'n'.repeat(300) })).body.note,
      ).toHaveLength(300);

      const status = await team.get('/v1/alerts?status=done');
      expect([status.status, status.body.error.code]).toEqual([422, 'invalid-query']);
      expect(status.body.error.message).toContain('"status"');
      expect((await team.get('/v1/alerts?state=open')).body.error.code).toBe('unknown-parameter');
    });

    it('lists only the team’s own authority’s alerts', async () => {
      const cwac = await raise(CHESHIRE_WEST_AND_CHESTER);
      expect(ids(await team.get('/v1/alerts?status=all'))).not.toContain(cwac.id);
      expect(ids(await cwacTeam.get('/v1/alerts?status=all'))).toContain(cwac.id);
      expect(ids(await dataManager.get('/v1/alerts?status=all'))).toContain(cwac.id);
    });
  });

  describe('audit review', () => {
    it('filters the trail by action, exactly', async () => {
      const res = await dataManager.get('/v1/audit?action=alert-closed&limit=1000');
      expect(res.status).toBe(200);
      expect(res.body.entries.length).toBeGreaterThanOrEqual(6);
      expect(new Set(res.body.entries.map((e: { action: string }) => e.action))).toEqual(new Set(['alert-closed']));
      expect((await dataManager.get('/v1/audit?action=alert')).body.entries).toEqual([]);
      const long = await dataManager.get(`/v1/audit?action=${'a'.repeat(65)}`);
      expect([long.status, long.body.error.code]).toEqual([422, 'invalid-query']);
      expect(long.body.error.message).toContain('"action"');
      expect((await audit('audit-read')).at(-2)?.detail).toEqual({
        entries: res.body.entries.length,
        filters: ['action'],
      });
    });

    it('lets an LA team check the chain, answering intact as well as ok', async () => {
      const res = await team.get('/v1/audit/verify');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        ok: true,
        intact: true,
        entries: expect.any(Number),
        lastHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect((await practitioner.get('/v1/audit/verify')).status).toBe(403);
    });

    it('flags a search for the searcher’s own surname, without the surname', async () => {
      // trn-practitioner is Alex Morgan.
      expect((await practitioner.get('/v1/children?surname=%20MORGAN%20')).status).toBe(200);
      const [own] = (await audit('search')).slice(-1);
      expect(own).toEqual({
        user_id: 'trn-practitioner',
        cp_number: null,
        detail: expect.objectContaining({ fields: ['surname'], ownSurname: true }),
      });
      expect(JSON.stringify(own!.detail).toLowerCase()).not.toContain('morgan');

      expect((await practitioner.get('/v1/children?surname=Morganson')).status).toBe(200);
      expect((await practitioner.get('/v1/children?surname=Smith&forename=Morgan')).status).toBe(200);
      const others = (await audit('search')).slice(-2);
      expect(others.map((e) => 'ownSurname' in e.detail)).toEqual([false, false]);
      // Someone else searching for Morgan is not searching for their own surname.
      expect((await team.get('/v1/children?surname=Morgan')).status).toBe(200);
      expect((await audit('search')).at(-1)?.detail).not.toHaveProperty('ownSurname');
    });
  });

  describe('signals', () => {
    type Signal = { kind: string; userId: string; count: number; from: string; to: string; description: string };
    const at = (iso: string, minutes: number) => new Date(new Date(iso).getTime() + minutes * 60_000);
    async function entries(userId: string, action: AuditAction, start: string, n: number) {
      for (let i = 0; i < n; i++) await h.db.transaction((tx) => appendAudit(tx, { at: at(start, i), userId, action }));
    }

    beforeAll(async () => {
      // Wirral practitioner: 20 searches one afternoon and nothing opened.
      await entries('trn-practitioner', 'search', '2026-11-20T12:00:00Z', 20);
      // Wirral child-protection: 25 searches but a record opened the same day; 9 reads one night.
      await entries('trn-child-protection', 'search', '2026-11-19T09:00:00Z', 25);
      await entries('trn-child-protection', 'read', '2026-11-19T16:00:00Z', 1);
      await entries('trn-child-protection', 'read', '2026-11-19T23:00:00Z', 9);
      // Cheshire West team member: 10 reads and searches between 22:00 and 23:00.
      await entries('trn-la-team-cwac', 'read', '2026-11-21T22:00:00Z', 6);
      await entries('trn-la-team-cwac', 'search', '2026-11-21T22:30:00Z', 4);
      // Out of the 30-day window.
      await entries('trn-la-team-cwac', 'search', '2026-10-01T03:00:00Z', 12);
    });

    const get = async (who: SignedClient, query = '') => {
      const res = await who.get(`/v1/audit/signals${query}`);
      expect(res.status).toBe(200);
      return res.body.signals as Signal[];
    };

    it('finds each kind of signal in the last 30 days, for a person to judge', async () => {
      const signals = await get(dataManager);
      expect(signals).toEqual([
        {
          kind: 'own-surname-search',
          userId: 'trn-practitioner',
          count: 1,
          from: expect.stringMatching(/^2026-11-24T10:/),
          to: expect.stringMatching(/^2026-11-24T10:/),
          description: 'Searched for their own surname 1 time — may be legitimate; a person should check.',
        },
        {
          kind: 'many-searches-few-reads',
          userId: 'trn-practitioner',
          count: 20,
          from: '2026-11-20T12:00:00.000Z',
          to: '2026-11-20T12:19:00.000Z',
          description: expect.stringContaining('20 searches on 2026-11-20 (UTC) without opening any record that day'),
        },
        {
          kind: 'out-of-hours',
          userId: 'trn-la-team-cwac',
          count: 10,
          from: '2026-11-21T22:00:00.000Z',
          to: '2026-11-21T22:33:00.000Z',
          description: expect.stringContaining(
            '10 searches and record reads between 22:00 and 23:00 UTC on 2026-11-21',
          ),
        },
      ]);
      for (const s of signals) expect(s.description).toMatch(/a person should check\.$/);
      const [read] = (await audit('audit-signals-read')).slice(-1);
      expect(read).toEqual({
        user_id: 'trn-data-manager',
        cp_number: null,
        detail: { signals: 3, from: expect.stringMatching(/^2026-10-25T/), to: expect.stringMatching(/^2026-11-24T/) },
      });
    });

    it('looks at the days asked for', async () => {
      const october = await get(dataManager, '?from=2026-10-01&to=2026-10-01');
      expect(october.map((s) => [s.kind, s.userId, s.count])).toEqual([['out-of-hours', 'trn-la-team-cwac', 12]]);
      expect((await get(dataManager, '?from=2026-11-21&to=2026-11-21')).map((s) => s.kind)).toEqual(['out-of-hours']);
      const backwards = await dataManager.get('/v1/audit/signals?from=2026-11-21&to=2026-11-20');
      expect([backwards.status, backwards.body.error.code]).toEqual([422, 'invalid-query']);
      const bad = await dataManager.get('/v1/audit/signals?from=yesterday');
      expect(bad.body.error.message).toContain('"from"');
      expect((await dataManager.get('/v1/audit/signals?from=2024-01-01&to=2026-01-01')).status).toBe(422);
    });

    it('shows an LA team only the signals about users of its own authority', async () => {
      expect((await get(team)).map((s) => [s.kind, s.userId])).toEqual([
        ['own-surname-search', 'trn-practitioner'],
        ['many-searches-few-reads', 'trn-practitioner'],
      ]);
      expect((await get(cwacTeam)).map((s) => [s.kind, s.userId])).toEqual([['out-of-hours', 'trn-la-team-cwac']]);
      expect((await practitioner.get('/v1/audit/signals')).status).toBe(403);
    });
  });
});

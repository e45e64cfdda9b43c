// The archive list and management information over HTTP, on both store engines: what
// data managers see of the archive without opening a record (and the access rule each
// record falls under), and the counts the management team reports on, checked against
// the records themselves and against changes made through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettableClock } from '../../../../service/context.js';
import { runLifecycle } from '../../../../service/lifecycle/lifecycle.js';
import { SENSITIVE_SERVICES_LABEL } from '../../../../service/management/information.js';
import { loadChild, updateChild } from '../../../../service/records/child-store.js';
import { addChild, traceableChild, WESTMINSTER, WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

describe.each(storeEngines)('archive list and management information on %s', (engine) => {
  let h: ServiceHarness;
  let team: SignedClient;
  let cwacTeam: SignedClient;
  let dataManager: SignedClient;
  let practitioner: SignedClient;
  let protection: SignedClient;

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 200, now: new Date('2026-11-24T10:00:00Z') });
    team = await h.signIn('trn-la-team');
    cwacTeam = await h.signIn('trn-la-team-cwac');
    dataManager = await h.signIn('trn-data-manager');
    practitioner = await h.signIn('trn-practitioner');
    protection = await h.signIn('trn-child-protection');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const auditActions = async (userId: string) =>
    (
      await h.db.query<{ action: string; detail: Record<string, unknown> }>(
        'SELECT action, detail FROM audit_log WHERE user_id = $1 ORDER BY seq',
        [userId],
      )
    ).map((r) => r);

  describe('the archive list', () => {
    let recent: string;
    let older: string;
    beforeAll(async () => {
      // One child archived a year and a half ago (its 18th birthday), one today.
      older = (
        await addChild(h.db, traceableChild({ dob: '2007-06-01', family: 'Archivold', localAuthority: WESTMINSTER }), {
          at: new Date('2020-01-01T00:00:00Z'),
        })
      ).cpNumber;
      await runLifecycle(h.db, new SettableClock(new Date('2025-06-01T12:00:00Z')));
      recent = (
        await addChild(h.db, traceableChild({ dob: '2008-11-24', family: 'Archivnew', localAuthority: WESTMINSTER }), {
          at: new Date('2020-01-01T00:00:00Z'),
        })
      ).cpNumber;
      await runLifecycle(h.db, h.clock);
    });

    it('lists archived records with their dates and access rule, and nothing personal', async () => {
      const res = await dataManager.get(`/v1/archive?localAuthority=${WESTMINSTER}`);
      expect(res.status).toBe(200);
      const expected = [
        {
          cpNumber: older,
          localAuthority: WESTMINSTER,
          archivedAt: '2025-06-01',
          destroyAfter: '2031-06-01',
          access: 'restricted',
        },
        {
          cpNumber: recent,
          localAuthority: WESTMINSTER,
          archivedAt: '2026-11-24',
          destroyAfter: '2032-11-24',
          access: 'data-manager',
        },
      ].sort((a, b) => (a.cpNumber < b.cpNumber ? -1 : 1));
      expect(res.body).toEqual({ records: expected, next: null });
      expect(JSON.stringify(res.body)).not.toMatch(/Archiv|Tamsin|Marlowe|CH44/);
      // Unfiltered, the whole archive: ours among the training data's archived children, none active.
      const all = await dataManager.get('/v1/archive?limit=500');
      const cps = all.body.records.map((r: { cpNumber: string }) => r.cpNumber);
      expect(cps).toEqual(expect.arrayContaining([older, recent]));
      const statuses = await h.db.query<{ status: string }>(
        'SELECT DISTINCT status FROM children WHERE cp_number = ANY($1::text[])',
        [cps],
      );
      expect(statuses).toEqual([{ status: 'archived' }]);
    });

    it('pages by CP number', async () => {
      const first = await dataManager.get(`/v1/archive?localAuthority=${WESTMINSTER}&limit=1`);
      expect(first.body.records).toHaveLength(1);
      expect(first.body.next).toBe(first.body.records[0].cpNumber);
      const second = await dataManager.get(
        `/v1/archive?localAuthority=${WESTMINSTER}&limit=1&after=${first.body.next}`,
      );
      expect(second.body.records).toHaveLength(1);
      expect(second.body.records[0].cpNumber > first.body.records[0].cpNumber).toBe(true);
      expect(second.body.next).toBeNull();
      expect(new Set([first.body.records[0].cpNumber, second.body.records[0].cpNumber])).toEqual(
        new Set([older, recent]),
      );
    });

    it('is for data managers only, refuses a bad query by name, and is audited', async () => {
      expect((await team.get('/v1/archive')).status).toBe(403);
      expect((await practitioner.get('/v1/archive')).status).toBe(403);
      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['limit=many', 'limit'],
        ['after=not-a-cp', 'after'],
        ['sort=name', 'sort'],
      ]) {
        const res = await dataManager.get(`/v1/archive?${query}`);
        expect(res.status, query).toBe(422);
        expect(JSON.stringify(res.body.error), query).toContain(field!);
      }
      const listed = (await auditActions('trn-data-manager')).filter((e) => e.action === 'archive-listed');
      expect(listed.length).toBeGreaterThanOrEqual(3);
      expect(listed[0]!.detail).toEqual({ count: 2, localAuthority: WESTMINSTER });
    });
  });

  describe('management information', () => {
    /** The figures worked out here from the records themselves. */
    async function fromRecords(la: string | null) {
      const rows = await h.db.query<{
        status: string;
        shield_pending: boolean;
        nhs_number: string | null;
        record: Record<string, unknown>;
      }>(
        `SELECT status, shield_pending, nhs_number, record FROM children ${la ? 'WHERE local_authority = $1' : ''}`,
        la ? [la] : [],
      );
      const active = rows.filter((r) => r.status === 'active');
      const services = new Map<string, number>();
      for (const r of active) {
        for (const inv of r.record.involvements as { service: string; sensitive: boolean; endDate?: string }[]) {
          if (inv.endDate !== undefined) continue;
          const name = inv.sensitive ? SENSITIVE_SERVICES_LABEL : inv.service;
          services.set(name, (services.get(name) ?? 0) + 1);
        }
      }
      const withNumber = active.filter((r) => r.nhs_number !== null).length;
      return {
        children: {
          active: active.length,
          shielded: active.filter((r) => r.record.shielded === true).length,
          shieldPending: active.filter((r) => r.shield_pending).length,
          archived: rows.length - active.length,
        },
        nhs: {
          withNumber,
          active: active.length,
          matchRate: active.length === 0 ? 0 : withNumber / active.length,
          target: 0.95,
        },
        services: Object.fromEntries(services),
      };
    }
    const byService = (list: { service: string; open: number }[]) =>
      Object.fromEntries(list.map((s) => [s.service, s.open]));

    it("gives an LA team its own authority's figures, as the records have them", async () => {
      const res = await team.get('/v1/management-information');
      expect(res.status).toBe(200);
      const want = await fromRecords(WIRRAL);
      expect(want.children.active).toBeGreaterThan(0);
      expect(res.body).toMatchObject({ localAuthority: WIRRAL, children: want.children, nhs: want.nhs });
      expect(byService(res.body.involvementsByService)).toEqual(want.services);
      expect(Date.parse(res.body.at)).toBe(Date.parse(res.body.at));
      expect(Math.abs(Date.parse(res.body.at) - h.clock.now().getTime())).toBeLessThan(60_000);
    });

    it('moves with the work: a shield, a sensitive involvement, an alert', async () => {
      const before = (await team.get('/v1/management-information')).body;
      const [row] = await h.db.query<{ cp_number: string }>(
        `SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded ORDER BY cp_number DESC LIMIT 1`,
        [WIRRAL],
      );
      const cp = row!.cp_number;
      expect((await team.post(`/v1/children/${cp}/shield`, { reason: 'Risk of harm if found' })).status).toBe(200);
      const inv = await protection.post(`/v1/children/${cp}/involvements`, {
        service: 'Wirral Young People’s Sexual Health Clinic',
        sensitiveCategory: 'sexual-health',
        sensitiveBasis: 'consent',
        startDate: '2026-02-01',
      });
      expect(inv.status).toBe(201);
      const override = await protection.post(
        `/v1/children/${cp}/shield-override`,
        {
          reason: 'Section 47 enquiry',
          acknowledgeInvestigation: true,
        },
        { headers: { 'cp-access-reason': 'Section 47 enquiry' } },
      );
      expect(override.status).toBe(200);
      const after = (await team.get('/v1/management-information')).body;
      expect(after.children.shielded).toBe(before.children.shielded + 1);
      expect(after.openAlerts).toBe(before.openAlerts + 1);
      const sensitive = (list: { service: string; open: number }[]) =>
        list.find((s) => s.service === SENSITIVE_SERVICES_LABEL)?.open ?? 0;
      expect(sensitive(after.involvementsByService)).toBe(sensitive(before.involvementsByService) + 1);
      // The sensitive service itself is never named.
      expect(JSON.stringify(after)).not.toMatch(/Sexual Health|sexual-health/i);
      // An involvement that ends is no longer open: the sensitive count falls back.
      const ended = await protection.request('PATCH', `/v1/children/${cp}/involvements/${inv.body.involvement.id}`, {
        endDate: '2026-11-20',
      });
      expect(ended.status).toBe(200);
      const afterEnd = (await team.get('/v1/management-information')).body;
      expect(sensitive(afterEnd.involvementsByService)).toBe(sensitive(before.involvementsByService));
      expect(byService(afterEnd.involvementsByService)).toEqual((await fromRecords(WIRRAL)).services);
      // A request to remove the shield is work waiting too.
      expect((await team.post(`/v1/children/${cp}/unshield-requests`, { reason: 'Risk has passed' })).status).toBe(201);
      expect((await team.get('/v1/management-information')).body.openUnshieldRequests).toBe(
        after.openUnshieldRequests + 1,
      );
    });

    it('counts a shield of its own apart from one held while a possible duplicate is reviewed', async () => {
      const rows = await h.db.query<{ cp_number: string }>(
        "SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded ORDER BY cp_number LIMIT 2",
        [WIRRAL],
      );
      const before = (await team.get('/v1/management-information')).body.children;
      // Written as the service writes a possible duplicate of a shielded child: one is also shielded in its own right.
      for (const [i, row] of rows.entries()) {
        await h.db.transaction(async (tx) => {
          const child = (await loadChild(tx, row.cp_number, { forUpdate: true }))!;
          await updateChild(
            tx,
            row.cp_number,
            child.version,
            { ...child.record, shielded: i === 0 },
            { at: h.clock.now(), shieldPending: true },
          );
        });
      }
      const after = (await team.get('/v1/management-information')).body.children;
      expect(after).toEqual((await fromRecords(WIRRAL)).children);
      expect(after.shieldPending).toBe(before.shieldPending + 2);
      expect(after.shielded).toBe(before.shielded + 1);
    });

    it("refuses an LA team another authority's figures; national roles may ask for any, or all", async () => {
      const other = await cwacTeam.get(`/v1/management-information?localAuthority=${WIRRAL}`);
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('other-authority');
      expect((await practitioner.get('/v1/management-information')).status).toBe(403);
      const wirral = await dataManager.get(`/v1/management-information?localAuthority=${WIRRAL}`);
      expect(wirral.body).toMatchObject({ localAuthority: WIRRAL, children: (await fromRecords(WIRRAL)).children });
      const all = await dataManager.get('/v1/management-information');
      expect(all.body.localAuthority).toBe('all');
      expect(all.body.children).toEqual((await fromRecords(null)).children);
      expect(all.body.children.active).toBeGreaterThan(wirral.body.children.active);
      const bad = await dataManager.get('/v1/management-information?localAuthority=&colour=red');
      expect(bad.status).toBe(422);
      expect(JSON.stringify(bad.body.error)).toContain('colour');
    });

    it('is audited, naming only the authority', async () => {
      const entries = (await auditActions('trn-la-team')).filter((e) => e.action === 'management-information-read');
      expect(entries.length).toBeGreaterThanOrEqual(3);
      expect(entries.at(-1)!.detail).toEqual({ localAuthority: WIRRAL });
    });
  });
});

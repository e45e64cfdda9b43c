// Shields over HTTP, on both store engines: the management team shields a child with a
// reason (and the shield reaches the authority's sync feed), and a shield comes off only
// when a second person approves a request to remove it (four eyes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../../../service/sync/feed.js';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

const reason = { headers: { 'cp-access-reason': 'Checking the shield' } };

describe.each(storeEngines)('shields on %s', (engine) => {
  let h: ServiceHarness;
  let team: SignedClient;
  let second: SignedClient;
  let cwacTeam: SignedClient;
  let dataManager: SignedClient;
  let practitioner: SignedClient;

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 200, now: new Date('2026-11-24T10:00:00Z') });
    team = await h.signIn('trn-la-team');
    cwacTeam = await h.signIn('trn-la-team-cwac');
    dataManager = await h.signIn('trn-data-manager');
    practitioner = await h.signIn('trn-practitioner');
    // Made by the national administrator, not by `team`: an account the requester made is not a second person.
    second = await h.newMember(await h.signIn('trn-national-admin'), 'wirral-team-2', 'org-wirral', ['la-team']);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const taken = new Set<string>();
  /** An active child of `la` no other test has used, shielded or not. */
  async function child(la: string, shielded: boolean): Promise<{ cp: string; version: number }> {
    const rows = await h.db.query<{ cp_number: string; version: number }>(
      `SELECT cp_number, version FROM children WHERE local_authority = $1 AND status = 'active' AND shielded = $2 AND NOT shield_pending
        ORDER BY cp_number LIMIT 50`,
      [la, shielded],
    );
    const row = rows.find((r) => !taken.has(r.cp_number));
    if (!row) throw new Error('no child left for the test');
    taken.add(row.cp_number);
    return { cp: row.cp_number, version: row.version };
  }
  async function shieldedChild(la = WIRRAL) {
    const c = await child(la, false);
    const res = await (la === WIRRAL ? team : cwacTeam).post(`/v1/children/${c.cp}/shield`, {
      reason: 'Risk of harm if found',
    });
    expect(res.status).toBe(200);
    return { cp: c.cp, version: res.body.version as number };
  }
  const lastSeq = async (la: string) => (await team.get(`/v1/sync/${la}/status`)).body.lastSeq as number;
  /** The authority's feed after seq `after`, as team reads it. */
  async function feedAfter(after: number) {
    const res = await team.get(`/v1/sync/${WIRRAL}/changes?provenance=omit&after=${encodeCursor(WIRRAL, after)}`);
    expect(res.status).toBe(200);
    return res.body.changes as {
      cpNumber: string;
      kind: string;
      version: number;
      shielded?: boolean;
      record?: { shielded: boolean };
    }[];
  }
  const audit = (cp: string) =>
    h.db.query<{ action: string; user_id: string; reason: string | null; detail: Record<string, unknown> }>(
      'SELECT action, user_id, reason, detail FROM audit_log WHERE cp_number = $1 ORDER BY seq',
      [cp],
    );
  const isShielded = async (cp: string) =>
    (
      await h.db.query<{ s: boolean }>(
        "SELECT (record->>'shielded')::boolean AS s FROM children WHERE cp_number = $1",
        [cp],
      )
    )[0]!.s;

  describe('applying a shield', () => {
    it('shields an own-authority child with a reason; the next sync of the working set carries it', async () => {
      const c = await child(WIRRAL, false);
      const before = await lastSeq(WIRRAL);
      const res = await team.post(`/v1/children/${c.cp}/shield`, { reason: 'Police advise the family is at risk' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ cpNumber: c.cp, shielded: true, version: c.version + 1 });
      const feed = await feedAfter(before);
      expect(feed).toEqual([
        expect.objectContaining({ cpNumber: c.cp, kind: 'upsert', version: c.version + 1, shielded: true }),
      ]);
      expect(feed[0]!.record!.shielded).toBe(true);
      // A practitioner now sees only what a shield leaves visible.
      const read = await practitioner.get(`/v1/children/${c.cp}`, reason);
      expect(read.body.shielded).toBe(true);
      expect(read.body).not.toHaveProperty('address');
      expect((await audit(c.cp)).filter((e) => e.action === 'shield-applied')).toEqual([
        {
          action: 'shield-applied',
          user_id: 'trn-la-team',
          reason: 'Police advise the family is at risk',
          detail: { fields: ['shielded'], version: c.version + 1 },
        },
      ]);
    });

    it('refuses a second shield, another authority’s child (as if absent), practitioners and a missing reason', async () => {
      const c = await shieldedChild();
      const again = await team.post(`/v1/children/${c.cp}/shield`, { reason: 'Again' });
      expect([again.status, again.body.error.code]).toEqual([409, 'already-shielded']);
      const other = await child(CHESHIRE_WEST_AND_CHESTER, false);
      const elsewhere = await team.post(`/v1/children/${other.cp}/shield`, { reason: 'Not ours' });
      expect([elsewhere.status, elsewhere.body.error.code]).toEqual([404, 'not-found']);
      const absent = await team.post('/v1/children/CP999999998/shield', { reason: 'Nobody' });
      expect(absent.body.error).toEqual(elsewhere.body.error);
      expect((await practitioner.post(`/v1/children/${other.cp}/shield`, { reason: 'x' })).body.error.code).toBe(
        'forbidden-role',
      );
      for (const body of [{}, { reason: '' }, { reason: 'x'.repeat(501) }, { reason: 'x', notes: 'y' }]) {
        expect((await team.post(`/v1/children/${other.cp}/shield`, body)).status).toBe(422);
      }
      expect(await isShielded(other.cp)).toBe(false);
      // A data manager may shield any authority's child.
      expect((await dataManager.post(`/v1/children/${other.cp}/shield`, { reason: 'National decision' })).status).toBe(
        200,
      );
      expect(await isShielded(other.cp)).toBe(true);
    });
  });

  describe('removing a shield takes two people', () => {
    it('the requester cannot approve; a second member of the team can, and the feed carries the unshield', async () => {
      const c = await shieldedChild();
      const asked = await team.post(`/v1/children/${c.cp}/unshield-requests`, {
        reason: 'Risk has passed: case closed',
      });
      expect(asked.status).toBe(201);
      const request = asked.body.request;
      expect(request).toEqual({
        id: expect.any(String),
        cpNumber: c.cp,
        localAuthority: WIRRAL,
        requestedBy: 'trn-la-team',
        requestedAt: h.clock.now().toISOString(),
        reason: 'Risk has passed: case closed',
        status: 'open',
        decidedBy: null,
        decidedAt: null,
      });
      expect(await isShielded(c.cp)).toBe(true);
      const twice = await second.post(`/v1/children/${c.cp}/unshield-requests`, { reason: 'Also' });
      expect([twice.status, twice.body.error.code]).toEqual([409, 'unshield-requested']);

      const own = await team.post(`/v1/unshield-requests/${request.id}/approve`, {});
      expect([own.status, own.body.error.code]).toEqual([403, 'own-request']);
      const otherAuthority = await cwacTeam.post(`/v1/unshield-requests/${request.id}/approve`, {});
      expect([otherAuthority.status, otherAuthority.body.error.code]).toEqual([404, 'request-not-found']);
      expect(await isShielded(c.cp)).toBe(true);

      const before = await lastSeq(WIRRAL);
      const approved = await second.post(`/v1/unshield-requests/${request.id}/approve`, {});
      expect(approved.status).toBe(200);
      expect(approved.body).toEqual({
        request: { ...request, status: 'approved', decidedBy: 'wirral-team-2', decidedAt: h.clock.now().toISOString() },
        version: c.version + 1,
      });
      expect(await isShielded(c.cp)).toBe(false);
      const feed = await feedAfter(before);
      expect(feed).toEqual([
        expect.objectContaining({ cpNumber: c.cp, kind: 'upsert', version: c.version + 1, shielded: false }),
      ]);
      expect((await practitioner.get(`/v1/children/${c.cp}`, reason)).body).toHaveProperty('address');

      const again = await second.post(`/v1/unshield-requests/${request.id}/approve`, {});
      expect([again.status, again.body.error.code]).toEqual([409, 'request-decided']);
      const actions = (await audit(c.cp)).map((e) => [e.action, e.user_id]);
      expect(actions).toEqual(
        expect.arrayContaining([
          ['unshield-requested', 'trn-la-team'],
          ['unshield-approved', 'wirral-team-2'],
          ['shield-removed', 'wirral-team-2'],
        ]),
      );
      const approvedList = await team.get('/v1/unshield-requests?status=approved');
      expect(approvedList.body.requests.map((r: { id: string }) => r.id)).toContain(request.id);
      expect((await team.get('/v1/unshield-requests')).body.requests.map((r: { id: string }) => r.id)).not.toContain(
        request.id,
      );
    });

    it('approves with an empty body too, and lets a data manager approve a team member’s request', async () => {
      const c = await shieldedChild();
      const asked = await team.post(`/v1/children/${c.cp}/unshield-requests`, { reason: 'Moved away from the risk' });
      const res = await dataManager.request('POST', `/v1/unshield-requests/${asked.body.request.id}/approve`);
      expect(res.status).toBe(200);
      expect(res.body.request).toMatchObject({ status: 'approved', decidedBy: 'trn-data-manager' });
      expect(await isShielded(c.cp)).toBe(false);
    });

    it('a rejected request leaves the shield on, with the reason audited', async () => {
      const c = await shieldedChild();
      const asked = await team.post(`/v1/children/${c.cp}/unshield-requests`, { reason: 'Family asks' });
      const rejected = await second.post(`/v1/unshield-requests/${asked.body.request.id}/reject`, {
        reason: 'Police still advise a shield',
      });
      expect(rejected.status).toBe(200);
      expect(rejected.body.request).toMatchObject({ status: 'rejected', decidedBy: 'wirral-team-2' });
      expect(await isShielded(c.cp)).toBe(true);
      const entry = (await audit(c.cp)).find((e) => e.action === 'unshield-rejected')!;
      expect(entry).toMatchObject({ user_id: 'wirral-team-2', reason: 'Police still advise a shield' });
      const late = await team.post(`/v1/unshield-requests/${asked.body.request.id}/approve`, {});
      expect([late.status, late.body.error.code]).toEqual([409, 'request-decided']);
      expect(await isShielded(c.cp)).toBe(true);
      // A new request may now be made.
      expect((await team.post(`/v1/children/${c.cp}/unshield-requests`, { reason: 'Asking again' })).status).toBe(201);
    });

    it('refuses a request about a child that is not shielded, another authority’s, or without a reason', async () => {
      const plain = await child(WIRRAL, false);
      const res = await team.post(`/v1/children/${plain.cp}/unshield-requests`, { reason: 'x' });
      expect([res.status, res.body.error.code]).toEqual([409, 'not-shielded']);
      const theirs = await shieldedChild(CHESHIRE_WEST_AND_CHESTER);
      expect((await team.post(`/v1/children/${theirs.cp}/unshield-requests`, { reason: 'x' })).status).toBe(404);
      expect((await cwacTeam.post(`/v1/children/${theirs.cp}/unshield-requests`, {})).status).toBe(422);
      expect((await practitioner.post(`/v1/children/${theirs.cp}/unshield-requests`, { reason: 'x' })).status).toBe(
        403,
      );
    });

    it('a request that no longer fits its child (shielded afresh, merged) is stale: cancelled, not applied', async () => {
      // Shielded afresh (a team's submission) after the request was made.
      const c = await shieldedChild();
      const asked = await team.post(`/v1/children/${c.cp}/unshield-requests`, { reason: 'Done with' });
      const resubmitted = await team.post('/v1/submissions', {
        items: [{ idempotencyKey: `reshield-${c.cp}`, cpNumber: c.cp, baseVersion: c.version, op: 'shield' }],
      });
      expect(resubmitted.body.results[0].status).toBe('applied');
      const stale = await second.post(`/v1/unshield-requests/${asked.body.request.id}/approve`, {});
      expect([stale.status, stale.body.error.code]).toEqual([409, 'request-stale']);
      expect(await isShielded(c.cp)).toBe(true);
      const cancelled = await team.get('/v1/unshield-requests?status=cancelled');
      expect(cancelled.body.requests.find((r: { id: string }) => r.id === asked.body.request.id)).toMatchObject({
        status: 'cancelled',
        decidedBy: null,
      });

      // Merged: the shielded survivor takes in a duplicate.
      const survivor = await shieldedChild();
      const duplicate = await child(WIRRAL, false);
      const onSurvivor = await team.post(`/v1/children/${survivor.cp}/unshield-requests`, { reason: 'Done with' });
      const merged = await team.post('/v1/submissions', {
        items: [
          {
            idempotencyKey: `merge-${survivor.cp}`,
            cpNumber: survivor.cp,
            baseVersion: survivor.version,
            op: 'merge',
            duplicate: { cpNumber: duplicate.cp, baseVersion: duplicate.version },
          },
        ],
      });
      expect(merged.body.results[0].status).toBe('applied');
      const afterMerge = await second.post(`/v1/unshield-requests/${onSurvivor.body.request.id}/reject`, {});
      expect([afterMerge.status, afterMerge.body.error.code]).toEqual([409, 'request-stale']);
      expect(await isShielded(survivor.cp)).toBe(true);
      expect((await audit(survivor.cp)).filter((e) => e.action === 'unshield-cancelled')).toHaveLength(1);
    });

    it('lists an LA team its own authority’s open requests, oldest first, and a data manager all', async () => {
      const mine = await shieldedChild();
      const theirs = await shieldedChild(CHESHIRE_WEST_AND_CHESTER);
      const a = (await team.post(`/v1/children/${mine.cp}/unshield-requests`, { reason: 'First' })).body.request;
      h.clock.advance(1000);
      const b = (await cwacTeam.post(`/v1/children/${theirs.cp}/unshield-requests`, { reason: 'Second' })).body.request;
      const own = (await team.get('/v1/unshield-requests')).body.requests as {
        id: string;
        localAuthority: string;
        requestedAt: string;
      }[];
      expect(own.map((r) => r.id)).toContain(a.id);
      expect(own.every((r) => r.localAuthority === WIRRAL)).toBe(true);
      expect((await cwacTeam.get('/v1/unshield-requests')).body.requests.map((r: { id: string }) => r.id)).toEqual([
        b.id,
      ]);
      const all = (await dataManager.get('/v1/unshield-requests?status=open')).body.requests as {
        id: string;
        requestedAt: string;
      }[];
      expect(all.map((r) => r.id)).toEqual(expect.arrayContaining([a.id, b.id]));
      expect(all.map((r) => r.requestedAt)).toEqual([...all.map((r) => r.requestedAt)].sort());
      expect((await team.get('/v1/unshield-requests?status=pending')).status).toBe(422);
      expect((await practitioner.get('/v1/unshield-requests')).status).toBe(403);
    });
  });
});

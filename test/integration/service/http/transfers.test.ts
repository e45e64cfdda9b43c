// Transfers between authorities over HTTP, on both store engines: a child's responsible
// authority moves only when the sending authority's team asks and the receiving one's
// accepts; both working sets follow through their feeds; bad requests are refused by
// name and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLifecycle } from '../../../../service/lifecycle/lifecycle.js';
import { encodeCursor } from '../../../../service/sync/feed.js';
import { addChild, CHESHIRE_WEST_AND_CHESTER, traceableChild, WESTMINSTER, WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

describe.each(storeEngines)('transfers between authorities on %s', (engine) => {
  let h: ServiceHarness;
  let team: SignedClient;
  let cwacTeam: SignedClient;
  let dataManager: SignedClient;
  let practitioner: SignedClient;

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 200, now: new Date('2026-11-24T10:00:00Z') });
    team = await h.signIn('trn-la-team');
    cwacTeam = await h.signIn('trn-la-team-cwac');
    dataManager = await h.signIn('trn-data-manager');
    practitioner = await h.signIn('trn-practitioner');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const taken = new Set<string>();
  /** An active Wirral child no other test has used. */
  async function wirralChild(): Promise<{ cp: string; version: number }> {
    const rows = await h.db.query<{ cp_number: string; version: number }>(
      "SELECT cp_number, version FROM children WHERE local_authority = $1 AND status = 'active' ORDER BY cp_number LIMIT 50",
      [WIRRAL],
    );
    const row = rows.find((r) => !taken.has(r.cp_number));
    if (!row) throw new Error('no child left for the test');
    taken.add(row.cp_number);
    return { cp: row.cp_number, version: row.version };
  }
  const authorityOf = async (cp: string) =>
    (
      await h.db.query<{ la: string; version: number }>(
        'SELECT local_authority AS la, version FROM children WHERE cp_number = $1',
        [cp],
      )
    )[0]!;
  const lastSeq = async (client: SignedClient, la: string) =>
    (await client.get(`/v1/sync/${la}/status`)).body.lastSeq as number;
  async function feedAfter(client: SignedClient, la: string, after: number) {
    const res = await client.get(`/v1/sync/${la}/changes?provenance=omit&after=${encodeCursor(la, after)}`);
    expect(res.status).toBe(200);
    return res.body.changes as { cpNumber: string; kind: string; version: number; reason?: string }[];
  }
  const audit = (cp: string) =>
    h.db.query<{ action: string; user_id: string; reason: string | null; detail: Record<string, unknown> }>(
      "SELECT action, user_id, reason, detail FROM audit_log WHERE cp_number = $1 AND action LIKE 'transfer-%' ORDER BY seq",
      [cp],
    );
  const ask = (cp: string, reason = 'The family moved to Chester') =>
    team.post('/v1/transfers', { cpNumber: cp, toLocalAuthority: CHESHIRE_WEST_AND_CHESTER, reason });

  it('moves the child only when the receiving team accepts, and both feeds follow', async () => {
    const c = await wirralChild();
    const res = await ask(c.cp);
    expect(res.status).toBe(201);
    const transfer = res.body.transfer;
    expect(transfer).toMatchObject({
      cpNumber: c.cp,
      fromLocalAuthority: WIRRAL,
      toLocalAuthority: CHESHIRE_WEST_AND_CHESTER,
      requestedBy: 'trn-la-team',
      reason: 'The family moved to Chester',
      status: 'open',
      decidedBy: null,
      direction: 'outgoing',
    });
    // Asked for, not agreed: the child has not moved.
    expect(await authorityOf(c.cp)).toEqual({ la: WIRRAL, version: c.version });
    // Each side sees it, in its own direction.
    const mine = (await team.get('/v1/transfers')).body.transfers.find((t: { id: string }) => t.id === transfer.id);
    expect(mine.direction).toBe('outgoing');
    const theirs = (await cwacTeam.get('/v1/transfers?status=open')).body.transfers.find(
      (t: { id: string }) => t.id === transfer.id,
    );
    expect(theirs.direction).toBe('incoming');
    // One authority alone cannot move a child: the sender may not accept its own request.
    const own = await team.post(`/v1/transfers/${transfer.id}/accept`, {});
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('not-receiving-authority');
    expect(await authorityOf(c.cp)).toEqual({ la: WIRRAL, version: c.version });

    const wirralSeq = await lastSeq(team, WIRRAL);
    const cwacSeq = await lastSeq(cwacTeam, CHESHIRE_WEST_AND_CHESTER);
    const accepted = await cwacTeam.post(`/v1/transfers/${transfer.id}/accept`, undefined);
    expect(accepted.status).toBe(200);
    expect(accepted.body.transfer).toMatchObject({
      id: transfer.id,
      status: 'accepted',
      decidedBy: 'trn-la-team-cwac',
      direction: 'incoming',
    });
    expect(await authorityOf(c.cp)).toEqual({ la: CHESHIRE_WEST_AND_CHESTER, version: c.version + 1 });
    expect(await feedAfter(team, WIRRAL, wirralSeq)).toEqual([
      expect.objectContaining({ cpNumber: c.cp, kind: 'tombstone', reason: 'transferred' }),
    ]);
    expect(await feedAfter(cwacTeam, CHESHIRE_WEST_AND_CHESTER, cwacSeq)).toEqual([
      expect.objectContaining({ cpNumber: c.cp, kind: 'upsert', version: c.version + 1 }),
    ]);
    // The record itself names its new authority; the old team no longer sees the transfer as open.
    const read = await cwacTeam.get(`/v1/children/${c.cp}`, {
      headers: { 'cp-access-reason': 'New to our authority' },
    });
    expect(read.status).toBe(200);
    expect(read.body.localAuthority).toBe(CHESHIRE_WEST_AND_CHESTER);
    expect((await team.get('/v1/transfers')).body.transfers.map((t: { id: string }) => t.id)).not.toContain(
      transfer.id,
    );
    expect((await team.get('/v1/transfers?status=accepted')).body.transfers.map((t: { id: string }) => t.id)).toContain(
      transfer.id,
    );
    expect(await audit(c.cp)).toEqual([
      expect.objectContaining({
        action: 'transfer-requested',
        user_id: 'trn-la-team',
        reason: 'The family moved to Chester',
      }),
      expect.objectContaining({
        action: 'transfer-accepted',
        user_id: 'trn-la-team-cwac',
        detail: expect.objectContaining({ from: WIRRAL, to: CHESHIRE_WEST_AND_CHESTER, requestedBy: 'trn-la-team' }),
      }),
    ]);
    // Decided once: deciding again is refused and changes nothing.
    const again = await cwacTeam.post(`/v1/transfers/${transfer.id}/reject`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('transfer-decided');
    expect(await authorityOf(c.cp)).toEqual({ la: CHESHIRE_WEST_AND_CHESTER, version: c.version + 1 });
  });

  it('a rejected transfer leaves the child where it was; a withdrawn one too', async () => {
    const c = await wirralChild();
    const t1 = (await ask(c.cp)).body.transfer;
    // Only the sender withdraws; the receiver rejects.
    const wrongWay = await cwacTeam.post(`/v1/transfers/${t1.id}/cancel`, {});
    expect(wrongWay.status).toBe(403);
    expect(wrongWay.body.error.code).toBe('not-sending-authority');
    const rejected = await cwacTeam.post(`/v1/transfers/${t1.id}/reject`, {});
    expect(rejected.status).toBe(200);
    expect(rejected.body.transfer.status).toBe('rejected');
    expect(await authorityOf(c.cp)).toEqual({ la: WIRRAL, version: c.version });
    // Once rejected, it may be asked for again, and withdrawn.
    const t2 = (await ask(c.cp, 'The family has moved after all')).body.transfer;
    expect(t2.id).not.toBe(t1.id);
    const cancelled = await team.post(`/v1/transfers/${t2.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.transfer).toMatchObject({ status: 'cancelled', decidedBy: 'trn-la-team' });
    expect((await cwacTeam.post(`/v1/transfers/${t2.id}/accept`, {})).status).toBe(409);
    expect(await authorityOf(c.cp)).toEqual({ la: WIRRAL, version: c.version });
    expect((await audit(c.cp)).map((e) => e.action)).toEqual([
      'transfer-requested',
      'transfer-rejected',
      'transfer-requested',
      'transfer-cancelled',
    ]);
  });

  it('refuses bad requests by name and changes nothing', async () => {
    const c = await wirralChild();
    const cases: [unknown, number, string][] = [
      [{ cpNumber: c.cp, toLocalAuthority: WIRRAL, reason: 'x' }, 422, 'same-authority'],
      [{ cpNumber: c.cp, toLocalAuthority: WESTMINSTER, reason: 'x' }, 422, 'unknown-authority'],
      [{ cpNumber: c.cp, toLocalAuthority: 'Chester', reason: 'x' }, 422, 'toLocalAuthority'],
      [{ cpNumber: 'CP123', toLocalAuthority: CHESHIRE_WEST_AND_CHESTER, reason: 'x' }, 422, 'cpNumber'],
      [{ cpNumber: c.cp, toLocalAuthority: CHESHIRE_WEST_AND_CHESTER, reason: '  ' }, 422, 'reason'],
      [{ cpNumber: c.cp, toLocalAuthority: CHESHIRE_WEST_AND_CHESTER, reason: 'x', notes: 'case notes' }, 422, 'notes'],
    ];
    for (const [body, status, named] of cases) {
      const res = await team.post('/v1/transfers', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(JSON.stringify(res.body.error), JSON.stringify(body)).toContain(named);
    }
    // Another authority's child is as if absent.
    const [cwacChild] = await h.db.query<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' LIMIT 1",
      [CHESHIRE_WEST_AND_CHESTER],
    );
    expect(
      (
        await team.post('/v1/transfers', {
          cpNumber: cwacChild!.cp_number,
          toLocalAuthority: CHESHIRE_WEST_AND_CHESTER,
          reason: 'x',
        })
      ).status,
    ).toBe(404);
    // Only ContactPoint teams transfer.
    expect(
      (
        await practitioner.post('/v1/transfers', {
          cpNumber: c.cp,
          toLocalAuthority: CHESHIRE_WEST_AND_CHESTER,
          reason: 'x',
        })
      ).status,
    ).toBe(403);
    expect((await dataManager.get('/v1/transfers')).status).toBe(403);
    expect((await team.get('/v1/transfers?status=done')).status).toBe(422);
    expect((await team.post('/v1/transfers/999999/accept', {})).status).toBe(404);
    expect((await team.post('/v1/transfers/not-a-number/accept', {})).status).toBe(404);
    expect(await audit(c.cp)).toEqual([]);
    // One open transfer per child.
    expect((await ask(c.cp)).status).toBe(201);
    const second = await ask(c.cp);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('transfer-open');
    expect(await authorityOf(c.cp)).toEqual({ la: WIRRAL, version: c.version });
  });

  it('a transfer whose child has been archived since is cancelled, not accepted', async () => {
    // A child who turns 18 today: archived by today's lifecycle run while its transfer is open.
    const cp = (
      await addChild(h.db, traceableChild({ dob: '2008-11-24', family: 'Transferold' }), {
        at: new Date('2020-01-01T00:00:00Z'),
      })
    ).cpNumber;
    const t = (await ask(cp)).body.transfer;
    expect(t.status).toBe('open');
    await runLifecycle(h.db, h.clock);
    const res = await cwacTeam.post(`/v1/transfers/${t.id}/accept`, {});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('transfer-stale');
    expect(
      (await cwacTeam.get('/v1/transfers?status=cancelled')).body.transfers.find((x: { id: string }) => x.id === t.id),
    ).toMatchObject({ status: 'cancelled' });
    expect((await authorityOf(cp)).la).toBe(WIRRAL);
    expect((await audit(cp)).at(-1)).toMatchObject({
      action: 'transfer-cancelled',
      detail: { transfer: t.id, why: 'child-archived' },
    });
  });
});

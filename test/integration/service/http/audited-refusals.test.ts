// Attempts that are refused still leave a trace: reviewers look for exactly these.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addYears } from '../../../../domain/dates.js';
import { today } from '../../../../service/context.js';
import { trainingAccounts } from '../../../../service/training/accounts.js';
import { startServiceHarness, totpFor, type ServiceHarness } from '../../../support/national-service.js';
import { generateSessionKey } from '../../../support/request-signer.js';

let h: ServiceHarness;
beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: 30 });
});
afterAll(async () => {
  await h?.close();
});

const entries = (action: string) =>
  h.db.query<{ user_id: string | null; cp_number: string | null; detail: Record<string, unknown> }>(
    'SELECT user_id, cp_number, detail FROM audit_log WHERE action = $1 ORDER BY seq',
    [action],
  );

describe('audited refusals', () => {
  it('keeps refused attempts on the archive: a practitioner (404) and a data manager without a statutory purpose (403)', async () => {
    const [row] = await h.db.query<{ cp_number: string }>('SELECT cp_number FROM children ORDER BY cp_number LIMIT 1');
    const cp = row!.cp_number;
    await h.db.query("UPDATE children SET status = 'archived', archived_on = $2 WHERE cp_number = $1", [
      cp,
      addYears(today(h.clock), -2),
    ]);
    const practitioner = await h.signIn('trn-practitioner');
    const manager = await h.signIn('trn-data-manager');
    const headers = { headers: { 'cp-access-reason': 'Looking for an old record' } };
    expect((await practitioner.get(`/v1/children/${cp}`, headers)).status).toBe(404);
    expect((await manager.get(`/v1/children/${cp}`, headers)).status).toBe(403);
    const refused = await entries('archive-read-refused');
    expect(refused.map((e) => [e.user_id, e.cp_number, e.detail['code']])).toEqual([
      ['trn-practitioner', cp, 'not-found'],
      ['trn-data-manager', cp, 'archive-restricted'],
    ]);
    const allowed = await manager.get(`/v1/children/${cp}`, {
      headers: { ...headers.headers, 'cp-archive-purpose': 'serious-case-review' },
    });
    expect(allowed.status).toBe(200);
    expect(await entries('archive-read')).toHaveLength(1);
  });

  it('records the user id typed for a refused sign-in to no account, and the first rate-limited attempt of a window', async () => {
    const key = generateSessionKey().publicJwk;
    const attempt = (userId: string, password = 'wrong') =>
      h.fetchJson('/v1/sessions', {
        method: 'POST',
        body: { method: 'otp', userId, password, otp: '000000', sessionKey: key },
      });
    expect((await attempt('ghost-account')).status).toBe(401);
    const refused = await entries('sign-in-refused');
    expect(refused.at(-1)).toMatchObject({ user_id: null, detail: { claimedUserId: 'ghost-account' } });

    // 10 attempts a minute per account; the 11th and later are refused, and one is audited.
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push((await attempt('trn-la-team-cwac')).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429, 429]);
    const limited = await entries('sign-in-rate-limited');
    expect(limited).toHaveLength(1);
    expect(limited[0]!.detail).toMatchObject({ claimedUserId: 'trn-la-team-cwac' });
    // The lock-out (5 failures) also holds: after the window, the right details are still refused.
    h.clock.advance(61_000);
    const account = trainingAccounts.find((a) => a.id === 'trn-la-team-cwac')!;
    const right = await h.fetchJson('/v1/sessions', {
      method: 'POST',
      body: {
        method: 'otp',
        userId: account.id,
        password: account.password,
        otp: totpFor(account.id, h.clock.now()),
        sessionKey: key,
      },
    });
    expect(right.status).toBe(401);
  });

  it('audits acknowledging an alert', async () => {
    const [row] = await h.db.query<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE local_authority = 'E08000015' ORDER BY cp_number DESC LIMIT 1",
    );
    await h.db.query(
      "INSERT INTO alerts (at, kind, local_authority, user_id, cp_number) VALUES (now(), 'shield-override', 'E08000015', 'trn-child-protection', $1)",
      [row!.cp_number],
    );
    const team = await h.signIn('trn-la-team');
    const list = await team.get('/v1/alerts');
    const id = list.body.alerts[0].id;
    expect((await team.post(`/v1/alerts/${id}/acknowledge`, undefined)).status).toBe(200);
    expect(await entries('alert-acknowledged')).toEqual([
      expect.objectContaining({ user_id: 'trn-la-team', cp_number: row!.cp_number }),
    ]);
  });
});

// The end of an account's working life, over HTTP: closing it for good (its sessions
// end, it is refused at its next request and at sign-in, and nothing about it changes
// again), the accounts whose vetting, training or agreement lapses or is missing, and
// the rule that a lapse stops the holder at their next request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceHarness, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';

let h: ServiceHarness;
let admin: SignedClient;
let team: SignedClient;
let cwacTeam: SignedClient;
let dataManager: SignedClient;
let practitioner: SignedClient;

// Today is 2026-11-24 until the last test moves the clock on.
beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: 20, now: new Date('2026-11-24T10:00:00Z') });
  admin = await h.signIn('trn-national-admin');
  team = await h.signIn('trn-la-team');
  cwacTeam = await h.signIn('trn-la-team-cwac');
  dataManager = await h.signIn('trn-data-manager');
  practitioner = await h.signIn('trn-practitioner');
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const patch = (client: SignedClient, path: string, body: unknown) => client.request('PATCH', path, body);

/** An account made by the national administrator, confirmed by the data manager and activated by its holder; the holder's credentials. */
async function account(id: string, over: Record<string, unknown> = {}) {
  return h.newAccount(
    admin,
    {
      id,
      name: `Pat ${id}`,
      organisationId: 'org-gp-training',
      roles: ['practitioner'],
      enhancedCheckDate: '2025-01-01',
      trainingCompleted: true,
      agreementSigned: true,
      ...over,
    },
    dataManager,
  );
}

describe('closing an account', () => {
  it('ends its sessions, refuses its next request and its sign-in, and shows when it closed', async () => {
    const a = await account('close-me');
    const holder = await h.signInWith(a.id, a.password, a.totpSecret);
    expect((await holder.get('/v1/sessions/current')).status).toBe(200);

    const closed = await patch(team, '/v1/users/close-me', { closed: true });
    expect(closed.status).toBe(200);
    expect(closed.body.user).toMatchObject({ id: 'close-me', closedAt: h.clock.now().toISOString(), suspended: false });

    const next = await holder.get('/v1/sessions/current');
    expect([next.status, next.body.error.code]).toEqual([403, 'account-closed']);
    await expect(h.signInWith(a.id, a.password, a.totpSecret)).rejects.toThrow(
      /sign-in of close-me failed: 401 .*sign-in-refused/,
    );
    expect(
      (await h.db.query('SELECT 1 FROM sessions WHERE user_id = $1 AND ended_at IS NULL', ['close-me'])).length,
    ).toBe(0);

    const [entry] = await h.db.query<{ user_id: string; detail: Record<string, unknown> }>(
      "SELECT user_id, detail FROM audit_log WHERE action = 'account-changed' AND detail->>'account' = 'close-me' AND detail->>'change' = 'closed'",
    );
    expect(entry).toEqual({
      user_id: 'trn-la-team',
      detail: { change: 'closed', account: 'close-me', fields: ['closed'], to: { closed: true }, sessionsEnded: 1 },
    });
    const [refusal] = await h.db.query<{ detail: Record<string, unknown> }>(
      "SELECT detail FROM audit_log WHERE action = 'sign-in-refused' AND user_id = 'close-me'",
    );
    expect(refusal!.detail).toMatchObject({ code: 'account-closed' });
    expect((await admin.get('/v1/users/close-me')).body.user.closedAt).toBe(closed.body.user.closedAt);
  });

  it('is for good: any later change, unlock, token reset, card enrolment or card change is 409 account-closed', async () => {
    await account('closed-for-good');
    expect((await patch(admin, '/v1/users/closed-for-good', { closed: true })).status).toBe(200);
    const attempts = [
      await patch(admin, '/v1/users/closed-for-good', { suspended: false }),
      await patch(team, '/v1/users/closed-for-good', { closed: true }),
      await patch(admin, '/v1/users/closed-for-good', { name: 'Pat Renamed' }),
      await admin.post('/v1/users/closed-for-good/unlock', undefined),
      await team.post('/v1/users/closed-for-good/reset-token', undefined),
      await team.post('/v1/users/closed-for-good/card-enrolments', undefined),
      await team.request('DELETE', '/v1/users/closed-for-good/card-keys/abc'),
    ];
    for (const res of attempts) expect([res.status, res.body.error.code]).toEqual([409, 'account-closed']);
    expect((await patch(admin, '/v1/users/closed-for-good', { closed: false })).status).toBe(422);
  });

  it('refuses closing your own account, another authority’s, and practitioners', async () => {
    const own = await patch(team, '/v1/users/trn-la-team', { closed: true });
    expect([own.status, own.body.error.code]).toEqual([403, 'own-account']);
    await account('wirral-only');
    const elsewhere = await patch(cwacTeam, '/v1/users/wirral-only', { closed: true });
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([404, 'user-not-found']);
    expect((await patch(practitioner, '/v1/users/wirral-only', { closed: true })).status).toBe(403);
    expect((await admin.get('/v1/users/wirral-only')).body.user.closedAt).toBeNull();
  });
});

describe('accounts that lapse', () => {
  let ready: Promise<void> | undefined;
  // Today is 2026-11-24: an enhanced check lapses 3 years after its date.
  const setUp = () =>
    (ready ??= (async () => {
      await account('lap-soon', { enhancedCheckDate: '2023-12-04' }); // lapses 2026-12-04
      await account('lap-past', { enhancedCheckDate: '2023-11-01' }); // lapsed 2026-11-01
      await account('lap-edge-in', { enhancedCheckDate: '2023-12-24' }); // lapses today + 30
      await account('lap-edge-out', { enhancedCheckDate: '2023-12-25' }); // lapses today + 31
      await account('lap-fine', { enhancedCheckDate: '2025-01-01' });
      await account('lap-no-training', { trainingCompleted: false });
      await account('lap-no-agreement', { agreementSigned: false });
      await account('lap-no-check', { enhancedCheckDate: null });
      await account('lap-suspended', { enhancedCheckDate: '2023-12-04' });
      await account('lap-closed', { enhancedCheckDate: '2023-12-04', trainingCompleted: false });
      await account('lap-cwac', {
        enhancedCheckDate: '2023-12-04',
        organisationId: 'org-cheshire-west',
        localAuthority: 'E06000050',
      });
      expect((await patch(admin, '/v1/users/lap-suspended', { suspended: true })).status).toBe(200);
      expect((await patch(admin, '/v1/users/lap-closed', { closed: true })).status).toBe(200);
    })());
  const lapsing = async (client: SignedClient, query = '') => {
    const res = await client.get(`/v1/users/lapsing${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.users as { id: string; reasons: unknown[]; organisation: unknown; name: string }[]).filter((u) =>
      u.id.startsWith('lap-'),
    );
  };

  it('lists the own authority’s accounts lapsing within 30 days or lapsed, and those missing training, agreement or check, soonest first', async () => {
    await setUp();
    const users = await lapsing(team);
    expect(users.map((u) => u.id)).toEqual([
      'lap-no-agreement',
      'lap-no-check',
      'lap-no-training',
      'lap-past',
      'lap-soon',
      'lap-edge-in',
    ]);
    expect(users.find((u) => u.id === 'lap-soon')).toEqual({
      id: 'lap-soon',
      name: 'Pat lap-soon',
      organisation: { id: 'org-gp-training', name: 'Seacombe Training Medical Centre' },
      reasons: [{ kind: 'enhanced-check', date: '2026-12-04' }],
    });
    expect(users.find((u) => u.id === 'lap-past')!.reasons).toEqual([{ kind: 'enhanced-check', date: '2026-11-01' }]);
    expect(users.find((u) => u.id === 'lap-no-check')!.reasons).toEqual([{ kind: 'enhanced-check-missing' }]);
    expect(users.find((u) => u.id === 'lap-no-training')!.reasons).toEqual([{ kind: 'training-missing' }]);
    expect(users.find((u) => u.id === 'lap-no-agreement')!.reasons).toEqual([{ kind: 'agreement-missing' }]);
    // The training account whose check is 4 years old is there too; the suspended one is not.
    const all = (await team.get('/v1/users/lapsing')).body.users.map((u: { id: string }) => u.id);
    expect(all).toEqual(expect.arrayContaining(['trn-check-expired', 'trn-no-training', 'trn-no-agreement']));
    expect(all).not.toContain('trn-suspended');
    expect(all).not.toContain('trn-supplier-nhs');
  });

  it('looks as far ahead as asked: the day after the horizon is left out', async () => {
    await setUp();
    expect((await lapsing(team, '?days=31')).map((u) => u.id)).toContain('lap-edge-out');
    expect((await lapsing(team, '?days=30')).map((u) => u.id)).not.toContain('lap-edge-out');
    const soon = (await lapsing(team, '?days=5')).map((u) => u.id);
    expect(soon).toEqual(['lap-no-agreement', 'lap-no-check', 'lap-no-training', 'lap-past']);
    for (const bad of ['?days=0', '?days=366', '?days=ten', '?weeks=2'])
      expect((await team.get(`/v1/users/lapsing${bad}`)).status).toBe(422);
  });

  it('shows a data manager and the national administrator every authority; another authority’s team not ours', async () => {
    await setUp();
    for (const client of [dataManager, admin]) {
      expect((await lapsing(client)).map((u) => u.id)).toEqual([
        'lap-no-agreement',
        'lap-no-check',
        'lap-no-training',
        'lap-past',
        'lap-cwac',
        'lap-soon',
        'lap-edge-in',
      ]);
    }
    expect((await lapsing(cwacTeam)).map((u) => u.id)).toEqual(['lap-cwac']);
    expect((await practitioner.get('/v1/users/lapsing')).body.error.code).toBe('forbidden-role');
  });
});

describe('a lapse stops the holder at the next request', () => {
  it('refuses a signed-in user once their enhanced check lapses at midnight, and once suspended', async () => {
    const l = await account('lapse-live', { enhancedCheckDate: '2023-11-25' }); // lapses 2026-11-25
    const s = await account('suspend-live');
    h.clock.set(new Date('2026-11-24T23:50:00Z'));
    const lapsingHolder = await h.signInWith(l.id, l.password, l.totpSecret);
    const suspendedHolder = await h.signInWith(s.id, s.password, s.totpSecret);
    expect((await lapsingHolder.get('/v1/sessions/current')).status).toBe(200);
    h.clock.advance(20 * 60_000); // 00:10 on the day the check lapses; the session is still live
    const lapsed = await lapsingHolder.get('/v1/sessions/current');
    expect([lapsed.status, lapsed.body.error.code]).toEqual([403, 'enhanced-check-expired']);

    expect((await suspendedHolder.get('/v1/sessions/current')).status).toBe(200);
    const admin2 = await h.signIn('trn-national-admin');
    expect((await patch(admin2, '/v1/users/suspend-live', { suspended: true })).status).toBe(200);
    const suspended = await suspendedHolder.get('/v1/sessions/current');
    expect([suspended.status, suspended.body.error.code]).toEqual([403, 'account-suspended']);
  });
});

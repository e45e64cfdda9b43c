// Separation of duties (domain/separation-of-duties.ts), row by row over HTTP on PGlite
// and PostgreSQL: every duty that needs two people is started by one, and then refused
// to the same person, to an account the starter made (or that made the starter), to a
// role the table does not name, and to another authority's team; it completes only for
// an independent second person. A row added to the table without a driver here fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dualDuties, powerRoles, type DualDuty } from '../../../../domain/separation-of-duties.js';
import { recomputeShieldPending } from '../../../../service/supply/reviews.js';
import { WIRRAL } from '../../../support/children.js';
import {
  startServiceHarnessOn,
  type JsonResponse,
  type ServiceHarness,
  type SignedClient,
} from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

describe.each(storeEngines)('separation of duties on %s', (engine) => {
  let h: ServiceHarness;
  let team: SignedClient;
  let cwacTeam: SignedClient;
  let admin: SignedClient;
  let dataManager: SignedClient;
  let childProtection: SignedClient;
  /** An la-team account of Wirral that `team` asked for (the national administrator confirmed). */
  let madeByTeam: SignedClient;
  /** A data manager the national administrator asked for (the training data manager confirmed). */
  let madeByAdmin: SignedClient;
  const vetted = () => ({
    enhancedCheckDate: `${h.clock.now().getUTCFullYear() - 1}-01-01`,
    trainingCompleted: true,
    agreementSigned: true,
  });

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 200, now: new Date('2026-11-24T10:00:00Z') });
    team = await h.signIn('trn-la-team');
    cwacTeam = await h.signIn('trn-la-team-cwac');
    admin = await h.signIn('trn-national-admin');
    dataManager = await h.signIn('trn-data-manager');
    childProtection = await h.signIn('trn-child-protection');
    madeByTeam = await h.newMember(team, 'made-by-team', 'org-wirral', ['la-team']);
    madeByAdmin = await h.newMember(admin, 'made-by-admin', 'org-national', ['data-manager']);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  let serial = 0;
  /** A fresh Wirral practitioner account, activated, for a duty to be about. */
  async function subject(): Promise<string> {
    const id = `subject-${++serial}`;
    await h.newAccount(
      admin,
      { id, name: `Sam ${id}`, organisationId: 'org-wirral', roles: ['practitioner'], ...vetted() },
      dataManager,
    );
    return id;
  }

  let shieldedTaken = 0;
  async function shieldedChild(): Promise<string> {
    const rows = await h.db.query<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded AND NOT shield_pending ORDER BY cp_number LIMIT 1 OFFSET $2",
      [WIRRAL, shieldedTaken++],
    );
    const cp = rows[0]!.cp_number;
    expect((await team.post(`/v1/children/${cp}/shield`, { reason: 'Risk of harm if found' })).status).toBe(200);
    return cp;
  }

  interface Driver {
    /** Start the duty as `who`; the id of what a second person decides. */
    start(who: SignedClient): Promise<{ res: JsonResponse; id: string | null }>;
    /** The second person's step. */
    confirm(who: SignedClient, id: string): Promise<JsonResponse>;
    /** Whether the duty took effect. */
    done(id: string): Promise<boolean>;
    /** The natural starter and an independent confirmer. */
    starter: () => SignedClient;
    independent: () => SignedClient;
    /** Accounts dependent on the starter: one it made, or that made it. */
    dependent: () => SignedClient[];
    /** A role holder the table does not let confirm. */
    unnamed: () => SignedClient;
    /** What another authority's team gets trying to confirm: 404 (it sees nothing to decide) unless said. */
    otherAuthority?: number;
  }

  let reviewed = 0;
  /** An open review of a Wirral child against a shielded one, opened as supply intake opens one. */
  async function shieldedReview(): Promise<number> {
    const held = await shieldedChild();
    const [row] = await h.db.query<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded AND NOT shield_pending ORDER BY cp_number DESC LIMIT 1 OFFSET $2",
      [WIRRAL, reviewed++],
    );
    return h.db.transaction(async (tx) => {
      const [r] = await tx.query<{ id: number }>(
        'INSERT INTO match_reviews (cp_number, candidate_cp_number, score, created_at) VALUES ($1, $2, 0.8, $3) RETURNING id',
        [row!.cp_number, held, h.clock.now()],
      );
      await recomputeShieldPending(tx, [row!.cp_number, held], h.clock.now());
      return Number(r!.id);
    });
  }
  const decideDifferent = (who: SignedClient, id: string) =>
    who.post(`/v1/match-reviews/${id}/resolve`, { decision: 'different-children' });

  const confirmRequest = (who: SignedClient, id: string) => who.post(`/v1/account-requests/${id}/confirm`, undefined);
  const requestStatus = async (id: string) =>
    (await h.db.query<{ status: string }>('SELECT status FROM account_requests WHERE id = $1', [id]))[0]?.status ??
    'none';
  const credentialDriver = (begin: (who: SignedClient, account: string) => Promise<JsonResponse>): Driver => ({
    async start(who) {
      const res = await begin(who, await subject());
      // account-create ignores the subject: it names a new account.
      return { res, id: res.status === 201 || res.status === 200 ? (res.body.request.id as string) : null };
    },
    confirm: confirmRequest,
    done: async (id) => (await requestStatus(id)) === 'awaiting-activation',
    starter: () => team,
    independent: () => dataManager,
    dependent: () => [madeByTeam],
    unnamed: () => childProtection,
  });

  const drivers: Record<DualDuty, Driver> = {
    // The account is made in the request itself; the others are about an account that exists.
    'account-create': credentialDriver((who) =>
      who.post('/v1/users', {
        id: `created-${++serial}`,
        name: 'Nia New',
        organisationId: 'org-wirral',
        roles: ['child-protection'],
        ...vetted(),
      }),
    ),
    'token-reset': credentialDriver((who, account) => who.post(`/v1/users/${account}/reset-token`, undefined)),
    'card-enrol': credentialDriver((who, account) => who.post(`/v1/users/${account}/card-enrolments`, undefined)),
    'role-grant': {
      async start(who) {
        const account = await subject();
        const res = await who.post(`/v1/users/${account}/role-grants`, { roles: ['practitioner', 'child-protection'] });
        return { res, id: res.status === 201 ? (res.body.request.id as string) : null };
      },
      confirm: confirmRequest,
      done: async (id) => (await requestStatus(id)) === 'completed',
      starter: () => admin,
      independent: () => dataManager,
      dependent: () => [madeByAdmin],
      unnamed: () => team,
    },
    unshield: {
      async start(who) {
        const cp = await shieldedChild();
        const res = await who.post(`/v1/children/${cp}/unshield-requests`, { reason: 'Risk has passed' });
        return { res, id: res.status === 201 ? String(res.body.request.id) : null };
      },
      confirm: (who, id) => who.post(`/v1/unshield-requests/${id}/approve`, undefined),
      done: async (id) =>
        (await h.db.query<{ status: string }>('SELECT status FROM unshield_requests WHERE id = $1', [id]))[0]
          ?.status === 'approved',
      starter: () => team,
      independent: () => dataManager,
      // An account the requester made; the other direction (the maker approving) is tested below.
      dependent: () => [madeByTeam],
      unnamed: () => childProtection,
    },
    'match-different': {
      async start(who) {
        const id = await shieldedReview();
        const res = await decideDifferent(who, String(id));
        if (res.status === 200) expect(res.body.status).toBe('awaiting-second-person');
        return { res, id: res.status === 200 ? String(id) : null };
      },
      confirm: decideDifferent,
      done: async (id) =>
        (await h.db.query<{ status: string }>('SELECT status FROM match_reviews WHERE id = $1', [id]))[0]?.status ===
        'different-children',
      starter: () => team,
      independent: () => dataManager,
      dependent: () => [madeByTeam],
      unnamed: () => childProtection,
      // The review is the new child's authority's: another team is refused it (403 other-authority), as before.
      otherAuthority: 403,
    },
    'organisation-accredit': {
      // Proposed and prepared (marked in progress with officer, agreement and evidence) by one person.
      async start(who) {
        const proposed = await who.post('/v1/organisations', {
          name: `Wirral Partner ${++serial}`,
          kind: 'voluntary',
          localAuthority: WIRRAL,
        });
        if (proposed.status !== 201) return { res: proposed, id: null };
        const id = proposed.body.organisation.id as string;
        const res = await who.post(`/v1/organisations/${id}/stages`, {
          action: 'start',
          responsibleOfficer: 'Pat Officer',
          agreementSignedOn: '2026-10-01',
          evidence: 'Signed agreement and training plan seen',
        });
        return { res, id: res.status === 200 ? id : null };
      },
      confirm: (who, id) => who.post(`/v1/organisations/${id}/stages`, { action: 'accredit' }),
      done: async (id) =>
        (await h.db.query<{ stage: string }>('SELECT stage FROM organisations WHERE id = $1', [id]))[0]?.stage ===
        'accredited',
      starter: () => admin,
      independent: () => dataManager,
      dependent: () => [madeByAdmin],
      unnamed: () => team,
    },
  };

  it('has a driver for every row of the table', () => {
    expect(Object.keys(drivers).sort()).toEqual(dualDuties.map((r) => r.duty).sort());
  });

  for (const rule of dualDuties) {
    describe(`${rule.duty}: ${rule.what}`, () => {
      it('is not done by the one who started it, nor by an account bound to them, nor by a role the table does not name', async () => {
        const d = drivers[rule.duty];
        const { res, id } = await d.start(d.starter());
        expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
        expect(await d.done(id!)).toBe(false);
        const self = await d.confirm(d.starter(), id!);
        expect([self.status, self.body.error.code]).toEqual([403, 'own-request']);
        for (const bound of d.dependent()) {
          const r = await d.confirm(bound, id!);
          expect([r.status, r.body.error.code], bound.user.id).toEqual([403, 'not-independent']);
        }
        const unnamed = await d.confirm(d.unnamed(), id!);
        expect(unnamed.status).toBeGreaterThanOrEqual(403);
        expect(unnamed.status).toBeLessThanOrEqual(404);
        // Another authority's team sees nothing to decide.
        expect((await d.confirm(cwacTeam, id!)).status).toBe(d.otherAuthority ?? 404);
        expect(await d.done(id!)).toBe(false);
        const second = await d.confirm(d.independent(), id!);
        expect(second.status, JSON.stringify(second.body)).toBe(200);
        expect(await d.done(id!)).toBe(true);
      });

      it('may be started only by the roles the table names', async () => {
        const d = drivers[rule.duty];
        for (const who of [team, admin, dataManager, childProtection]) {
          const named =
            rule.start.anywhere.some((r) => who.user.roles.includes(r)) ||
            rule.start.ownAuthority.some((r) => who.user.roles.includes(r));
          const { res } = await d.start(who);
          if (named) expect(res.status, `${who.user.id}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
          else expect(res.status, who.user.id).toBeGreaterThanOrEqual(403);
        }
      });
    });
  }

  it('refuses the maker of the requester too: independence runs both ways', async () => {
    const cp = await shieldedChild();
    const asked = await madeByTeam.post(`/v1/children/${cp}/unshield-requests`, { reason: 'Risk has passed' });
    expect(asked.status).toBe(201);
    const byMaker = await team.post(`/v1/unshield-requests/${asked.body.request.id}/approve`, undefined);
    expect([byMaker.status, byMaker.body.error.code]).toEqual([403, 'not-independent']);
    expect((await dataManager.post(`/v1/unshield-requests/${asked.body.request.id}/approve`, undefined)).status).toBe(
      200,
    );
  });

  it('lets no power role be added by PATCH alone', async () => {
    const account = await subject();
    for (const role of powerRoles) {
      const res = await admin.request('PATCH', `/v1/users/${account}`, { roles: ['practitioner', role] });
      expect([res.status, res.body.error.code], role).toEqual([409, 'second-person-required']);
    }
    expect((await admin.get(`/v1/users/${account}`)).body.user.roles).toEqual(['practitioner']);
  });
});

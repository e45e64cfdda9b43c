import { describe, expect, it } from 'vitest';
import { AppFailure } from '../../../main/ipc/app-failure.js';
import { createRouter, originOf, type Handlers } from '../../../main/ipc/router.js';

const app = { url: 'app://contactpoint/index.html' };
const calls: string[] = [];
// The channels these tests do not exercise answer as a handler that must not be reached.
const unused = async (): Promise<never> => {
  throw new Error('not used by these tests');
};
const handlers: Handlers = {
  'session.watch': unused,
  'session.signInCard': async () => {
    throw new AppFailure('card-pin-incorrect', 'The PIN is wrong. You have 2 tries left.', { triesLeft: 2 });
  },
  'session.signInToken': unused,
  'session.activate': unused,
  'session.activateCard': unused,
  'session.signOut': unused,
  'session.activity': unused,
  'card.status': unused,
  'children.search': unused,
  'children.read': unused,
  'children.shieldOverride': unused,
  'involvements.record': unused,
  'involvements.update': unused,
  'referrals.make': unused,
  'referrals.list': unused,
  'referrals.close': unused,
  'workingSet.status': unused,
  'workingSet.sync': unused,
  'workingSet.cancel': unused,
  'workingSet.history': unused,
  'workingSet.search': unused,
  'workingSet.tasks': unused,
  'workingSet.send': unused,
  'workingSet.wipe': unused,
  'workingSet.startTask': unused,
  'workingSet.endTask': unused,
  'workingSet.record': unused,
  'workingSet.revealShielded': unused,
  'cleanse.status': unused,
  'cleanse.queueHistory': unused,
  'cleanse.run': unused,
  'cleanse.cancel': unused,
  'cleanse.tasks': unused,
  'cleanse.task': unused,
  'cleanse.resolve': unused,
  'cleanse.team': unused,
  'correction.submit': unused,
  'correction.list': unused,
  'correction.conflict': unused,
  'correction.check': unused,
  'reviews.list': unused,
  'reviews.open': unused,
  'reviews.resolve': unused,
  'reviews.labels': unused,
  'reviews.secondLook': unused,
  'adapter.profiles': unused,
  'adapter.saveProfile': unused,
  'adapter.deleteProfile': unused,
  'adapter.chooseFile': unused,
  'adapter.preview': unused,
  'adapter.check': unused,
  'adapter.status': unused,
  'adapter.cancel': unused,
  'adapter.loads': unused,
  'adapter.load': unused,
  'adapter.problems': unused,
  'adapter.rows': unused,
  'adapter.exclude': unused,
  'adapter.submit': unused,
  'adapter.exportReport': unused,
  'manage.shield': unused,
  'manage.requestUnshield': unused,
  'manage.unshieldRequests': unused,
  'manage.decideUnshield': unused,
  'manage.users': unused,
  'manage.organisations': unused,
  'manage.organisation': unused,
  'manage.proposeOrganisation': unused,
  'manage.organisationStep': unused,
  'manage.createUser': unused,
  'manage.accountRequests': unused,
  'manage.confirmAccountRequest': unused,
  'manage.cancelAccountRequest': unused,
  'manage.updateUser': unused,
  'manage.user': unused,
  'manage.userHistory': unused,
  'manage.unlockUser': unused,
  'manage.resetToken': unused,
  'manage.enrolCard': unused,
  'manage.revokeCard': unused,
  'manage.lapsing': unused,
  'manage.practitioners': unused,
  'manage.addPractitioner': unused,
  'manage.updatePractitioner': unused,
  'manage.importPractitioners': unused,
  'manage.requestPractitionerAccount': unused,
  'manage.practitionerTasks': unused,
  'manage.alerts': unused,
  'manage.acknowledgeAlert': unused,
  'manage.closeAlert': unused,
  'manage.audit': unused,
  'manage.auditVerify': unused,
  'manage.auditCheckpoint': unused,
  'manage.auditVerifyRange': unused,
  'manage.auditSignals': unused,
  'manage.archive': unused,
  'manage.archiveRead': unused,
  'manage.transfers': unused,
  'manage.requestTransfer': unused,
  'manage.decideTransfer': unused,
  'manage.information': unused,
  'manage.informationHistory': unused,
  'manage.subjectAccess': unused,
  'manage.rollout': unused,
  'manage.saveCsv': unused,
  'app.info': async () => {
    calls.push('app.info');
    return { name: 'ContactPoint', version: '1.2.3', trainingMode: true, helpdesk: null, debugTiming: false };
  },
  'service.status': async () => {
    throw new AppFailure('service-unreachable', 'The national index service cannot be reached.');
  },
};

describe('IPC router', () => {
  const internal: string[] = [];
  const router = createRouter(handlers, {
    trustedOrigin: 'app://contactpoint',
    onInternalError: (channel, error) => internal.push(`${channel}:${(error as Error).message}`),
  });

  it('passes the tries left of a wrong PIN through to the renderer, and refuses a PIN of the wrong shape unseen', async () => {
    expect(await router('session.signInCard', { pin: '1234' }, app)).toEqual({
      ok: false,
      error: { code: 'card-pin-incorrect', message: 'The PIN is wrong. You have 2 tries left.', triesLeft: 2 },
    });
    const r = await router('session.signInCard', { pin: '12a4' }, app);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    // The refusal names the field but never echoes what was typed.
    expect(JSON.stringify(r)).not.toContain('12a4');
  });

  it('passes a valid request from the application to its handler', async () => {
    expect(await router('app.info', {}, app)).toEqual({
      ok: true,
      value: { name: 'ContactPoint', version: '1.2.3', trainingMode: true, helpdesk: null, debugTiming: false },
    });
  });

  it('refuses an unexpected field, naming it, without calling the handler', async () => {
    calls.length = 0;
    const r = await router('app.info', { caseNotes: 'x' }, app);
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'invalid-payload',
        message: 'The request to "app.info" was refused: payload: unexpected field "caseNotes".',
      },
    });
    expect(calls).toEqual([]);
  });

  it.each([null, undefined, 'text', 42, [], [1]])('refuses a payload that is not an object (%j)', async (payload) => {
    const r = await router('app.info', payload, app);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(r.ok === false && r.error.message).toMatch(/^The request to "app.info" was refused: payload: /);
  });

  it.each([
    ['an unknown name', 'records.deleteAll', /There is no channel called "records.deleteAll"/],
    ['an inherited property', 'toString', /There is no channel called "toString"/],
    ['a non-string', 7, /There is no channel called a number/],
  ])('refuses %s as a channel', async (_what, channel, message) => {
    const r = await router(channel, {}, app);
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown-channel', message: expect.stringMatching(message) } });
  });

  it.each([
    ['another origin', 'https://evil.example/index.html'],
    ['a look-alike host', 'app://contactpoint.evil/index.html'],
    ['file://', 'file:///C:/ContactPoint/index.html'],
    ['no frame', undefined],
    ['garbage', 'not a url'],
  ])('refuses a sender from %s', async (_what, url) => {
    expect(await router('app.info', {}, { url })).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
  });

  it("returns a handler's user-facing failure as it is", async () => {
    expect(await router('service.status', {}, app)).toEqual({
      ok: false,
      error: { code: 'service-unreachable', message: 'The national index service cannot be reached.' },
    });
  });

  it("hides an unexpected error's details from the renderer but reports it", async () => {
    const leaky = createRouter(
      {
        ...handlers,
        'app.info': async () => {
          throw new Error("SELECT * FROM children WHERE surname = 'Smith' at /opt/cp/main.js:12");
        },
      },
      { trustedOrigin: 'app://contactpoint', onInternalError: (channel) => internal.push(channel) },
    );
    const r = await leaky('app.info', {}, app);
    expect(r).toMatchObject({ ok: false, error: { code: 'internal-error' } });
    expect(JSON.stringify(r)).not.toMatch(/SELECT|Smith|main\.js/);
    expect(internal).toContain('app.info');
  });

  it("with debug timing on, puts main's spans beside the result, and nothing when it is off", async () => {
    let on = true;
    const timedRouter = createRouter(handlers, { trustedOrigin: 'app://contactpoint', timing: () => on });
    const r = await timedRouter('app.info', {}, app);
    expect(r.ok).toBe(true);
    expect(r.timing?.map((s) => s.name).sort()).toEqual(['main.handler', 'main.validate']);
    for (const s of r.timing ?? []) expect(s.ms).toBeGreaterThanOrEqual(0);
    // A refused payload is timed up to its refusal, and says only the span names.
    const refused = await timedRouter('session.signInCard', { pin: '12a4' }, app);
    expect(refused.timing?.map((s) => s.name)).toEqual(['main.validate']);
    expect(JSON.stringify(refused.timing)).not.toContain('12a4');
    on = false;
    expect(await timedRouter('app.info', {}, app)).not.toHaveProperty('timing');
    expect(await router('app.info', {}, app)).not.toHaveProperty('timing');
  });

  it('compares origins of custom schemes by scheme and host', () => {
    expect(originOf('app://contactpoint/a/b.html?x=1')).toBe('app://contactpoint');
    expect(originOf('http://app.localhost/index.html')).toBe('http://app.localhost');
    expect(originOf('nonsense')).toBeNull();
    expect(() => createRouter(handlers, { trustedOrigin: 'contactpoint' })).toThrow(/absolute URL/);
  });
});

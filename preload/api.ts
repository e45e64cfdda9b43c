// The one object the renderer gets. Built by a factory so that Electron's preload
// (ipcRenderer.invoke) and the test harness (Playwright's exposeBinding) share it.
import type { AppError, Channel, RequestOf, ResponseOf, Result } from '../domain/ipc-contract.js';

export type Invoke = (channel: Channel, payload: unknown) => Promise<unknown>;

const transportFailure: AppError = {
  code: 'internal-error',
  message: 'ContactPoint could not reach its own background process. Restart the application.',
};

export function createApi(invoke: Invoke) {
  function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
    // Results, not exceptions: errors lose their shape crossing contextBridge.
    return invoke(channel, request).then(
      (result) => result as Result<ResponseOf<C>>,
      () => ({ ok: false, error: transportFailure }) as const,
    );
  }
  /** A method that hands its request straight to the channel. */
  const pass =
    <C extends Channel>(channel: C) =>
    (request: RequestOf<C>) =>
      call(channel, request);
  return Object.freeze({
    app: Object.freeze({
      info: () => call('app.info', {}),
    }),
    service: Object.freeze({
      status: () => call('service.status', {}),
    }),
    session: Object.freeze({
      watch: (after: number) => call('session.watch', { after }),
      signInCard: pass('session.signInCard'),
      signInToken: pass('session.signInToken'),
      activate: pass('session.activate'),
      activateCard: pass('session.activateCard'),
      signOut: () => call('session.signOut', {}),
      activity: () => call('session.activity', {}),
    }),
    card: Object.freeze({
      status: () => call('card.status', {}),
    }),
    children: Object.freeze({
      search: pass('children.search'),
      read: pass('children.read'),
      shieldOverride: pass('children.shieldOverride'),
    }),
    involvements: Object.freeze({
      record: pass('involvements.record'),
      update: pass('involvements.update'),
    }),
    referrals: Object.freeze({
      make: pass('referrals.make'),
      list: pass('referrals.list'),
      close: pass('referrals.close'),
    }),
    workingSet: Object.freeze({
      status: () => call('workingSet.status', {}),
      sync: () => call('workingSet.sync', {}),
      cancel: () => call('workingSet.cancel', {}),
      history: () => call('workingSet.history', {}),
      search: pass('workingSet.search'),
      tasks: () => call('workingSet.tasks', {}),
      send: () => call('workingSet.send', {}),
      wipe: () => call('workingSet.wipe', { confirm: true }),
      startTask: pass('workingSet.startTask'),
      endTask: (taskSession: string) => call('workingSet.endTask', { taskSession }),
      record: pass('workingSet.record'),
      revealShielded: pass('workingSet.revealShielded'),
    }),
    cleanse: Object.freeze({
      status: () => call('cleanse.status', {}),
      queueHistory: pass('cleanse.queueHistory'),
      run: () => call('cleanse.run', {}),
      cancel: () => call('cleanse.cancel', {}),
      tasks: pass('cleanse.tasks'),
      task: (id: number, taskSession: string) => call('cleanse.task', { id, taskSession }),
      resolve: pass('cleanse.resolve'),
      team: () => call('cleanse.team', {}),
    }),
    adapter: Object.freeze({
      profiles: () => call('adapter.profiles', {}),
      saveProfile: (profile: Record<string, unknown>) => call('adapter.saveProfile', { profile }),
      deleteProfile: (name: string) => call('adapter.deleteProfile', { name }),
      chooseFile: () => call('adapter.chooseFile', {}),
      preview: pass('adapter.preview'),
      check: pass('adapter.check'),
      status: () => call('adapter.status', {}),
      cancel: () => call('adapter.cancel', {}),
      loads: () => call('adapter.loads', {}),
      load: (id: number) => call('adapter.load', { id }),
      problems: pass('adapter.problems'),
      rows: pass('adapter.rows'),
      exclude: pass('adapter.exclude'),
      submit: (id: number) => call('adapter.submit', { id }),
      exportReport: (id: number) => call('adapter.exportReport', { id }),
    }),
    reviews: Object.freeze({
      list: () => call('reviews.list', {}),
      open: pass('reviews.open'),
      resolve: pass('reviews.resolve'),
      labels: () => call('reviews.labels', {}),
      secondLook: pass('reviews.secondLook'),
    }),
    correction: Object.freeze({
      submit: pass('correction.submit'),
      list: pass('correction.list'),
      conflict: (taskId: number) => call('correction.conflict', { taskId }),
      check: pass('correction.check'),
    }),
    manage: Object.freeze({
      shield: pass('manage.shield'),
      requestUnshield: pass('manage.requestUnshield'),
      unshieldRequests: pass('manage.unshieldRequests'),
      decideUnshield: pass('manage.decideUnshield'),
      users: () => call('manage.users', {}),
      organisations: () => call('manage.organisations', {}),
      organisation: (id: string) => call('manage.organisation', { id }),
      proposeOrganisation: pass('manage.proposeOrganisation'),
      organisationStep: pass('manage.organisationStep'),
      createUser: pass('manage.createUser'),
      accountRequests: () => call('manage.accountRequests', {}),
      confirmAccountRequest: pass('manage.confirmAccountRequest'),
      cancelAccountRequest: pass('manage.cancelAccountRequest'),
      updateUser: pass('manage.updateUser'),
      user: (id: string) => call('manage.user', { id }),
      userHistory: (id: string) => call('manage.userHistory', { id }),
      unlockUser: pass('manage.unlockUser'),
      resetToken: pass('manage.resetToken'),
      enrolCard: pass('manage.enrolCard'),
      revokeCard: pass('manage.revokeCard'),
      lapsing: pass('manage.lapsing'),
      practitioners: pass('manage.practitioners'),
      addPractitioner: pass('manage.addPractitioner'),
      updatePractitioner: pass('manage.updatePractitioner'),
      importPractitioners: () => call('manage.importPractitioners', {}),
      requestPractitionerAccount: pass('manage.requestPractitionerAccount'),
      practitionerTasks: () => call('manage.practitionerTasks', {}),
      alerts: pass('manage.alerts'),
      acknowledgeAlert: (id: string) => call('manage.acknowledgeAlert', { id }),
      closeAlert: pass('manage.closeAlert'),
      audit: pass('manage.audit'),
      auditVerify: () => call('manage.auditVerify', {}),
      auditCheckpoint: () => call('manage.auditCheckpoint', {}),
      auditVerifyRange: pass('manage.auditVerifyRange'),
      auditSignals: pass('manage.auditSignals'),
      archive: pass('manage.archive'),
      archiveRead: pass('manage.archiveRead'),
      transfers: pass('manage.transfers'),
      requestTransfer: pass('manage.requestTransfer'),
      decideTransfer: pass('manage.decideTransfer'),
      information: pass('manage.information'),
      informationHistory: pass('manage.informationHistory'),
      subjectAccess: pass('manage.subjectAccess'),
      rollout: pass('manage.rollout'),
      saveCsv: pass('manage.saveCsv'),
    }),
  });
}

export type ContactPointApi = ReturnType<typeof createApi>;

/** The name under which the API appears on `window`. */
export const apiGlobalName = 'contactpoint';

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
  return Object.freeze({
    app: Object.freeze({
      info: () => call('app.info', {}),
    }),
    service: Object.freeze({
      status: () => call('service.status', {}),
    }),
    session: Object.freeze({
      watch: (after: number) => call('session.watch', { after }),
      signInCard: (request: RequestOf<'session.signInCard'>) => call('session.signInCard', request),
      signInToken: (request: RequestOf<'session.signInToken'>) => call('session.signInToken', request),
      signOut: () => call('session.signOut', {}),
      activity: () => call('session.activity', {}),
    }),
    card: Object.freeze({
      status: () => call('card.status', {}),
    }),
    children: Object.freeze({
      search: (request: RequestOf<'children.search'>) => call('children.search', request),
      read: (request: RequestOf<'children.read'>) => call('children.read', request),
      shieldOverride: (request: RequestOf<'children.shieldOverride'>) => call('children.shieldOverride', request),
    }),
    involvements: Object.freeze({
      record: (request: RequestOf<'involvements.record'>) => call('involvements.record', request),
      update: (request: RequestOf<'involvements.update'>) => call('involvements.update', request),
    }),
    workingSet: Object.freeze({
      status: () => call('workingSet.status', {}),
      sync: () => call('workingSet.sync', {}),
      cancel: () => call('workingSet.cancel', {}),
      history: () => call('workingSet.history', {}),
      search: (request: RequestOf<'workingSet.search'>) => call('workingSet.search', request),
      tasks: () => call('workingSet.tasks', {}),
      send: () => call('workingSet.send', {}),
      wipe: () => call('workingSet.wipe', { confirm: true }),
    }),
    cleanse: Object.freeze({
      status: () => call('cleanse.status', {}),
      run: () => call('cleanse.run', {}),
      cancel: () => call('cleanse.cancel', {}),
      tasks: (request: RequestOf<'cleanse.tasks'>) => call('cleanse.tasks', request),
      task: (id: number) => call('cleanse.task', { id }),
      resolve: (request: RequestOf<'cleanse.resolve'>) => call('cleanse.resolve', request),
      team: () => call('cleanse.team', {}),
    }),
    adapter: Object.freeze({
      profiles: () => call('adapter.profiles', {}),
      saveProfile: (profile: Record<string, unknown>) => call('adapter.saveProfile', { profile }),
      deleteProfile: (name: string) => call('adapter.deleteProfile', { name }),
      chooseFile: () => call('adapter.chooseFile', {}),
      preview: (request: RequestOf<'adapter.preview'>) => call('adapter.preview', request),
      check: (request: RequestOf<'adapter.check'>) => call('adapter.check', request),
      status: () => call('adapter.status', {}),
      cancel: () => call('adapter.cancel', {}),
      loads: () => call('adapter.loads', {}),
      load: (id: number) => call('adapter.load', { id }),
      problems: (request: RequestOf<'adapter.problems'>) => call('adapter.problems', request),
      rows: (request: RequestOf<'adapter.rows'>) => call('adapter.rows', request),
      exclude: (request: RequestOf<'adapter.exclude'>) => call('adapter.exclude', request),
      submit: (id: number) => call('adapter.submit', { id }),
      exportReport: (id: number) => call('adapter.exportReport', { id }),
    }),
    manage: Object.freeze({
      shield: (request: RequestOf<'manage.shield'>) => call('manage.shield', request),
      requestUnshield: (request: RequestOf<'manage.requestUnshield'>) => call('manage.requestUnshield', request),
      unshieldRequests: (request: RequestOf<'manage.unshieldRequests'>) => call('manage.unshieldRequests', request),
      decideUnshield: (request: RequestOf<'manage.decideUnshield'>) => call('manage.decideUnshield', request),
      users: () => call('manage.users', {}),
      organisations: () => call('manage.organisations', {}),
      createUser: (request: RequestOf<'manage.createUser'>) => call('manage.createUser', request),
      updateUser: (request: RequestOf<'manage.updateUser'>) => call('manage.updateUser', request),
      lapsing: (request: RequestOf<'manage.lapsing'>) => call('manage.lapsing', request),
      alerts: (request: RequestOf<'manage.alerts'>) => call('manage.alerts', request),
      acknowledgeAlert: (id: string) => call('manage.acknowledgeAlert', { id }),
      closeAlert: (request: RequestOf<'manage.closeAlert'>) => call('manage.closeAlert', request),
      audit: (request: RequestOf<'manage.audit'>) => call('manage.audit', request),
      auditVerify: () => call('manage.auditVerify', {}),
      auditSignals: (request: RequestOf<'manage.auditSignals'>) => call('manage.auditSignals', request),
      archive: (request: RequestOf<'manage.archive'>) => call('manage.archive', request),
      archiveRead: (request: RequestOf<'manage.archiveRead'>) => call('manage.archiveRead', request),
      transfers: (request: RequestOf<'manage.transfers'>) => call('manage.transfers', request),
      requestTransfer: (request: RequestOf<'manage.requestTransfer'>) => call('manage.requestTransfer', request),
      decideTransfer: (request: RequestOf<'manage.decideTransfer'>) => call('manage.decideTransfer', request),
      information: (request: RequestOf<'manage.information'>) => call('manage.information', request),
      saveCsv: (request: RequestOf<'manage.saveCsv'>) => call('manage.saveCsv', request),
    }),
  });
}

export type ContactPointApi = ReturnType<typeof createApi>;

/** The name under which the API appears on `window`. */
export const apiGlobalName = 'contactpoint';

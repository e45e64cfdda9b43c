// The adapter's requests as the working-set worker answers them: profiles, the live
// preview, a check (two threads beside the worker, each with its own read-only
// connection to the store), the loads journal and a submission signed through main.
// One check or submission at a time; either can be stopped.
import type { Worker } from 'node:worker_threads';
import type { ApiRequest } from '../api/client.js';
import { AppFailure } from '../ipc/app-failure.js';
import type { AdapterOp, OperationHandlers, WorkerEvent } from '../working-set/protocol.js';
import type { WorkingSetStore } from '../working-set/store.js';
import { parseProfile } from '../../domain/adapter/profile.js';
import { checkFile } from './check.js';
import type { CheckWorkerData } from './check-worker.js';
import { excludeRows, getLoad, listLoads, loadProblems, loadRows, summaryOf } from './loads.js';
import { previewFile } from './preview.js';
import { writeCsvReport } from './report.js';
import { submitLoad } from './submit.js';
import { deleteProfile, listProfiles, saveProfile } from './team-profiles.js';

export interface AdapterDeps {
  store: () => WorkingSetStore;
  dir: string;
  keyAccount: string;
  profilesDir: string;
  /** Starts one of the check's threads (the bundled adapter-check-worker.cjs in the application). */
  startCheckThread: (data: CheckWorkerData) => Worker;
  /** A request to the national index, signed by main. */
  call: (request: ApiRequest) => Promise<unknown>;
  post: (event: WorkerEvent) => void;
}

export function createAdapterOps(deps: AdapterDeps): OperationHandlers<AdapterOp> {
  let running: { cancelled: boolean } | null = null;
  const exclusive = async <T>(work: (flag: { cancelled: boolean }) => Promise<T>): Promise<T> => {
    if (running)
      throw new AppFailure('conflict', 'A check or a submission is already running: wait for it, or stop it.');
    const flag = { cancelled: false };
    running = flag;
    try {
      return await work(flag);
    } finally {
      running = null;
    }
  };
  const loadOr404 = (id: number) => {
    const load = getLoad(deps.store().db, id);
    if (!load) throw new AppFailure('not-found', 'There is no such load on this computer.');
    return load;
  };
  const profileOf = (json: unknown) => {
    try {
      return parseProfile(json);
    } catch (e) {
      throw new AppFailure('invalid-payload', (e as Error).message);
    }
  };

  return {
    adapterProfiles: () => listProfiles(deps.store().db, deps.profilesDir),
    adapterSaveProfile: (request) => {
      try {
        return saveProfile(deps.store().db, request.profile, request.at, request.userId);
      } catch (e) {
        throw new AppFailure('invalid-payload', (e as Error).message);
      }
    },
    adapterDeleteProfile: (request) => ({ deleted: deleteProfile(deps.store().db, request.name) }),
    adapterPreview: (request) => previewFile(request.path, profileOf(request.profile), request.today),
    adapterCheck: (request) => {
      const profile = profileOf(request.profile);
      return exclusive(async (flag) => {
        const s = deps.store();
        return checkFile({
          path: request.path,
          profile,
          today: request.today,
          userId: request.userId,
          db: s.db,
          workingSet: s.childCount() > 0 ? { dir: deps.dir, keyAccount: deps.keyAccount } : null,
          threads: { start: deps.startCheckThread, count: 2 },
          cancelled: () => flag.cancelled,
          onProgress: (p) => deps.post({ event: 'adapter-progress', progress: p }),
        });
      });
    },
    adapterSubmit: (request) =>
      exclusive(async (flag) =>
        submitLoad({
          db: deps.store().db,
          loadId: request.loadId,
          localAuthority: request.localAuthority,
          call: deps.call,
          cancelled: () => flag.cancelled,
          onProgress: (p) =>
            deps.post({
              event: 'adapter-progress',
              progress: { stage: 'sending', fraction: p.total > 0 ? p.sent / p.total : 1, rows: p.sent },
            }),
        }),
      ),
    adapterCancel: () => {
      if (running) running.cancelled = true;
      return null;
    },
    adapterLoads: () => listLoads(deps.store().db),
    adapterLoad: (request) => summaryOf(loadOr404(request.loadId)),
    adapterProblems: (request) => {
      loadOr404(request.loadId);
      return loadProblems(deps.store().db, request.loadId, request.offset, request.limit);
    },
    adapterRows: (request) => {
      loadOr404(request.loadId);
      return loadRows(deps.store().db, request.loadId, request.filter, request.offset, request.limit);
    },
    adapterExclude: (request) => {
      const load = loadOr404(request.loadId);
      if (load.state !== 'checked')
        throw new AppFailure('conflict', 'Rows can be left out only before the load is sent.');
      return { changed: excludeRows(deps.store().db, request.loadId, request.rows, request.excluded) };
    },
    adapterReport: async (request) => {
      loadOr404(request.loadId);
      await writeCsvReport(deps.store().db, request.loadId, request.path);
      return { written: true };
    },
  };
}

// Brings the working set up to date with the authority's feed: from the beginning the
// first time (a full sync), from the stored cursor after that (a delta). Each page is
// applied with its cursor in one transaction (store.ts), so stopping at any instant
// loses at most the page in flight, and the next run starts where this one stopped.
// The next page is already on its way while one is applied.
import type { FeedPage, FeedStatus } from '../../domain/api/sync.js';
import type { ApiClient, RemoteSigner, SessionCredentials } from '../api/client.js';
import { WorkingSetError, type SyncRun, type WorkingSetStore } from './store.js';

export interface SyncProgress {
  runId: number;
  kind: SyncRun['kind'];
  /** Feed entries received this run. */
  received: number;
  upserts: number;
  removed: number;
  /** Roughly how many entries this run will receive in all (from the feed's head). */
  expected: number;
  /** 0 to 1. */
  fraction: number;
  /** Entries a second, this run. */
  rate: number;
  /** Seconds left at this rate, or null before there is a rate. */
  etaSeconds: number | null;
  done: boolean;
}

export interface SyncOptions {
  store: WorkingSetStore;
  api: ApiClient;
  credentials: SessionCredentials | RemoteSigner;
  localAuthority: string;
  /** Entries per page, at most the feed's 1000. */
  pageSize?: number;
  now?: () => Date;
  /** Called after every page. */
  onProgress?: (progress: SyncProgress) => void;
  /** Stops between pages: the run ends 'cancelled', everything applied so far kept. */
  signal?: AbortSignal;
}

const otherAuthority = () =>
  new WorkingSetError(
    'other-authority',
    "The working set on this computer belongs to another local authority. Nothing has been deleted. Wipe it before syncing your authority's records.",
  );

/** Claims an empty working set for `localAuthority`; refuses one that belongs to another. */
export function assertAuthority(store: WorkingSetStore, localAuthority: string): void {
  const held = store.meta('localAuthority');
  if (held === null) store.setMeta('localAuthority', localAuthority);
  else if (held !== localAuthority) throw otherAuthority();
}

export async function runSync(options: SyncOptions): Promise<SyncRun> {
  const { store, api, credentials, localAuthority } = options;
  const now = options.now ?? (() => new Date());
  const pageSize = Math.min(options.pageSize ?? 1000, 1000);
  assertAuthority(store, localAuthority);
  const kind: SyncRun['kind'] = store.meta('fullSyncDone') === '1' ? 'delta' : 'full';
  const runId = store.startRun(kind, now().toISOString());
  const base = `/v1/sync/${localAuthority}`;
  const started = performance.now();
  let received = 0;
  let upserts = 0;
  let removed = 0;

  const fetchPage = (after: string | null) =>
    api.signed(credentials, {
      method: 'GET',
      path: `${base}/changes`,
      query: { limit: String(pageSize), provenance: 'omit', ...(after !== null ? { after } : {}) },
    }) as Promise<FeedPage>;

  try {
    const status = (await api.signed(credentials, { method: 'GET', path: `${base}/status` })) as FeedStatus;
    const startSeq = Number(store.meta('lastSeq') ?? '0');
    const span = Math.max(status.lastSeq - startSeq, 0);
    let cursor = store.meta('cursor');
    let next: Promise<FeedPage> | null = fetchPage(cursor);
    while (next !== null) {
      const page: FeedPage = await next;
      if (options.signal?.aborted) break;
      // Ask for the next page before applying this one: the network and the disk overlap.
      next = page.more ? fetchPage(page.cursor) : null;
      // Keep a failed prefetch from being reported as unhandled while this page is applied.
      next?.catch(() => undefined);
      const applied = store.applyPage(page.changes, page.cursor, runId);
      cursor = page.cursor;
      received += page.changes.length;
      upserts += applied.upserts;
      removed += applied.removed;
      const lastSeq = page.changes.at(-1)?.seq ?? startSeq;
      const fraction = next === null ? 1 : span === 0 ? 1 : Math.min(Math.max((lastSeq - startSeq) / span, 0), 0.999);
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? received / seconds : 0;
      const expected = fraction > 0 ? Math.max(received, Math.round(received / fraction)) : status.children;
      options.onProgress?.({
        runId,
        kind,
        received,
        upserts,
        removed,
        expected,
        fraction,
        rate,
        etaSeconds: fraction > 0 && fraction < 1 ? (seconds * (1 - fraction)) / fraction : fraction >= 1 ? 0 : null,
        done: next === null,
      });
      if (options.signal?.aborted) break;
    }
    if (options.signal?.aborted) {
      store.finishRun(runId, 'cancelled', now().toISOString());
    } else {
      store.setMeta('lastSyncAt', now().toISOString());
      store.setMeta('fullSyncDone', '1');
      store.finishRun(runId, 'completed', now().toISOString());
    }
  } catch (e) {
    store.finishRun(runId, 'failed', now().toISOString(), e instanceof Error ? e.message : 'The sync failed.');
    throw e;
  }
  return store.runs(50).find((r) => r.id === runId)!;
}

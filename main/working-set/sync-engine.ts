// Brings the working set up to date with the authority's feed: from the beginning the
// first time (a full sync), from the stored cursor after that (a delta). Each page is
// applied with its cursor in one transaction (store.ts), so stopping at any instant
// loses at most the page in flight, and the next run starts where this one stopped.
// The next page is already on its way while one is applied.
import { FEED_LINES_PAGE_MAX, type FeedIndex, type FeedLinesHead } from '../../domain/api/sync.js';
import { ServiceFailure, type ApiClient, type RemoteSigner, type SessionCredentials } from '../api/client.js';
import { WorkingSetError, type FeedChange, type SyncRun, type WorkingSetStore } from './store.js';
import { hasStoredModel, linkAfterSync, noteChanged } from '../cleansing/incremental.js';

/**
 * Entries a page: the feed's most. A page costs the service a signed request, a query and
 * an audit entry, and the store a commit that rewrites the last, part-filled page of
 * every table it touched: at 2,500 those were a good part of a full sync's time. Each
 * page is some 15 MB with provenance, three in flight.
 */
export const SYNC_PAGE_SIZE = FEED_LINES_PAGE_MAX;
/** Pages in flight at once. */
export const SYNC_DEPTH = 3;

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
  /** Where this run's time went so far (the last report, after the indexes, has it all). */
  phases: SyncPhases;
}

/**
 * Milliseconds of a run by phase, on the worker's thread. `wait` is time spent with
 * nothing to apply (the next page not there yet: the network, main's signature and the
 * service); `parse` reading pages; `apply` writing them; `commit` committing each page;
 * `link` incremental linking; `index` building the search indexes after a first full
 * sync; `checkpoint` folding the WAL back; `total` the run from start to end.
 */
export interface SyncPhases {
  wait: number;
  parse: number;
  apply: number;
  commit: number;
  link: number;
  index: number;
  checkpoint: number;
  total: number;
  pages: number;
}

export interface SyncOptions {
  store: WorkingSetStore;
  api: ApiClient;
  credentials: SessionCredentials | RemoteSigner;
  localAuthority: string;
  /** Entries per page (default SYNC_PAGE_SIZE, the feed's most: 5000). */
  pageSize?: number;
  /** Pages in flight at once (default SYNC_DEPTH). */
  depth?: number;
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

interface LinesPage {
  head: FeedLinesHead;
  changes: FeedChange[];
}

const unreadable = () =>
  new ServiceFailure(
    'service-error',
    'The national index service sent a page of the feed that could not be read. Sync again; if it keeps happening, tell your IT service desk.',
    undefined,
    200,
  );

const RECORD_KEY = Buffer.from(',"record":', 'utf8');
const PROVENANCE_KEY = Buffer.from(',"provenance":', 'utf8');
const NEWLINE = 0x0a;
const CLOSE = 0x7d; // }

/**
 * Reads a format=lines page. Each upsert line ends with its record: the bytes before it
 * are parsed (the entry and its search keys); the record's JSON stays as the bytes that
 * came over the wire, stored without being decoded or parsed. A JSON string cannot hold
 * an unescaped quote, so the first `,"record":` on a line is the entry's own key.
 */
export function parseFeedLines(body: Buffer | string): LinesPage {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lineEnd = (from: number) => {
    const at = buf.indexOf(NEWLINE, from);
    return at < 0 ? buf.length : at;
  };
  let end = lineEnd(0);
  let head: FeedLinesHead;
  try {
    head = JSON.parse(buf.toString('utf8', 0, end)) as FeedLinesHead;
  } catch {
    throw unreadable();
  }
  if (
    typeof head.cursor !== 'string' ||
    typeof head.more !== 'boolean' ||
    typeof head.count !== 'number' ||
    typeof head.lastSeq !== 'number' ||
    (head.ahead !== undefined && (!Array.isArray(head.ahead) || !head.ahead.every((c) => typeof c === 'string')))
  ) {
    throw unreadable();
  }
  const changes: FeedChange[] = [];
  for (let start = end + 1; start < buf.length; start = end + 1) {
    end = lineEnd(start);
    if (end === start) continue;
    const at = buf.indexOf(RECORD_KEY, start);
    try {
      if (at < 0 || at > end) {
        changes.push(JSON.parse(buf.toString('utf8', start, end)) as FeedChange);
        continue;
      }
      // Provenance, when asked for, sits just before the record: kept as bytes too.
      const p = buf.indexOf(PROVENANCE_KEY, start);
      const hasProvenance = p >= 0 && p < at;
      const entry = JSON.parse(`${buf.toString('utf8', start, hasProvenance ? p : at)}}`) as FeedChange & {
        index: FeedIndex;
      };
      const recordJson = buf.subarray(at + RECORD_KEY.length, end - 1);
      if (recordJson[0] !== 0x7b || buf[end - 1] !== CLOSE || buf[end - 2] !== CLOSE) throw unreadable();
      if (hasProvenance) {
        const provenanceJson = buf.subarray(p + PROVENANCE_KEY.length, at);
        if (provenanceJson[0] !== 0x7b || provenanceJson[provenanceJson.length - 1] !== CLOSE) throw unreadable();
        changes.push({ ...entry, recordJson, provenanceJson });
      } else {
        changes.push({ ...entry, recordJson });
      }
    } catch {
      throw unreadable();
    }
  }
  if (changes.length !== head.count) throw unreadable();
  return { head, changes };
}

export async function runSync(options: SyncOptions): Promise<SyncRun> {
  const { store, api, credentials, localAuthority } = options;
  const now = options.now ?? (() => new Date());
  const pageSize = Math.min(options.pageSize ?? SYNC_PAGE_SIZE, FEED_LINES_PAGE_MAX);
  const depth = Math.max(1, options.depth ?? SYNC_DEPTH);
  assertAuthority(store, localAuthority);
  const kind: SyncRun['kind'] = store.meta('fullSyncDone') === '1' ? 'delta' : 'full';
  const runId = store.startRun(kind, now().toISOString());
  // A first full sync writes in bulk and builds the search indexes when it completes.
  if (kind === 'full') store.dropSearchIndexes();
  // Incremental linking: a delta's children (or any, once a full cleansing run left a model) are
  // noted with their page, and compared for duplicates when the run ends.
  const linking = kind === 'delta' || hasStoredModel(store.db);
  const started = performance.now();
  const phases: SyncPhases = {
    wait: 0,
    parse: 0,
    apply: 0,
    commit: 0,
    link: 0,
    index: 0,
    checkpoint: 0,
    total: 0,
    pages: 0,
  };
  const begin = store.db.prepare('BEGIN');
  const commit = store.db.prepare('COMMIT');
  const rollback = store.db.prepare('ROLLBACK');
  // One transaction a page (applyPage's own becomes a savepoint inside it), its commit timed apart.
  const apply = (changes: FeedChange[], cursor: string) => {
    const t0 = performance.now();
    begin.run();
    let applied: { upserts: number; removed: number };
    let t1: number;
    try {
      applied = store.applyPage(changes, cursor, runId);
      if (linking) noteChanged(store.db, changes);
      t1 = performance.now();
      commit.run();
    } catch (e) {
      // Nothing of the page is kept (a commit that failed, on a full disk say, included).
      if (store.db.inTransaction) rollback.run();
      throw e;
    }
    phases.apply += t1 - t0;
    phases.commit += performance.now() - t1;
    phases.pages++;
    return applied;
  };
  const base = `/v1/sync/${localAuthority}`;
  let received = 0;
  let upserts = 0;
  let removed = 0;

  const fetchPage = async (after: string | null): Promise<LinesPage> => {
    const body = (await api.signed(credentials, {
      method: 'GET',
      path: `${base}/changes`,
      // Provenance (each supplier's value and date) is what the discrepancy checks read.
      query: {
        limit: String(pageSize),
        format: 'lines',
        provenance: 'include',
        ...(after !== null ? { after } : {}),
      },
      responseType: 'buffer',
    })) as Buffer;
    const t0 = performance.now();
    const page = parseFeedLines(body);
    phases.parse += performance.now() - t0;
    return page;
  };

  try {
    const startSeq = Number(store.meta('lastSeq') ?? '0');
    // Up to `depth` pages in flight: the next page from this page's cursor, and the
    // ones after it from the cursors the feed offers ahead. Pages are applied strictly
    // in order, and only a page asked for with the cursor the previous page ended at;
    // a guess that missed is dropped and asked for again.
    let cursor = store.meta('cursor');
    let pending: { asked: string | null; page: Promise<LinesPage> }[] = [];
    const ask = (after: string | null) => {
      const page = fetchPage(after);
      // A failure is reported when its page is awaited, or not at all if it was dropped.
      page.catch(() => undefined);
      pending.push({ asked: after, page });
    };
    ask(cursor);
    let done = false;
    while (pending.length > 0) {
      const inFlight = pending.shift()!;
      if (inFlight.asked !== cursor) {
        pending = [];
        ask(cursor);
        continue;
      }
      const waitFrom = performance.now();
      const page = await inFlight.page;
      phases.wait += performance.now() - waitFrom;
      if (options.signal?.aborted) break;
      if (page.head.more) {
        // Ask for what follows before applying this page: the network, the service and the disk overlap.
        const wanted = [page.head.cursor, ...(page.head.ahead ?? [])].slice(0, depth);
        if (!pending.every((p, i) => p.asked === wanted[i])) pending = [];
        for (const after of wanted.slice(pending.length)) ask(after);
      } else pending = [];
      done = !page.head.more;
      const applied = apply(page.changes, page.head.cursor);
      cursor = page.head.cursor;
      received += page.changes.length;
      upserts += applied.upserts;
      removed += applied.removed;
      const lastSeq = page.changes.at(-1)?.seq ?? startSeq;
      // Every page says where the feed's head is now: the share of the way from where this run started.
      const span = Math.max(page.head.lastSeq - startSeq, 0);
      const fraction = done ? 1 : span === 0 ? 1 : Math.min(Math.max((lastSeq - startSeq) / span, 0), 0.999);
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? received / seconds : 0;
      const expected = fraction > 0 ? Math.max(received, Math.round(received / fraction)) : received;
      phases.total = performance.now() - started;
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
        done,
        phases: { ...phases },
      });
      if (options.signal?.aborted) break;
    }
    let t0 = performance.now();
    if (linking) linkAfterSync(store);
    phases.link = performance.now() - t0;
    if (options.signal?.aborted) {
      store.finishRun(runId, 'cancelled', now().toISOString());
    } else {
      if (kind === 'full') {
        t0 = performance.now();
        store.ensureSearchIndexes();
        phases.index = performance.now() - t0;
        t0 = performance.now();
        // Fold the write-ahead log back into the database now the burst of writes is over.
        store.db.pragma('wal_checkpoint(TRUNCATE)');
        phases.checkpoint = performance.now() - t0;
      }
      store.setMeta('lastSyncAt', now().toISOString());
      store.setMeta('fullSyncDone', '1');
      store.finishRun(runId, 'completed', now().toISOString());
      phases.total = performance.now() - started;
      // The last report: everything done, and the whole run's phases.
      options.onProgress?.({
        runId,
        kind,
        received,
        upserts,
        removed,
        expected: received,
        fraction: 1,
        rate: phases.total > 0 ? (1000 * received) / phases.total : 0,
        etaSeconds: 0,
        done: true,
        phases: { ...phases },
      });
    }
  } catch (e) {
    store.finishRun(runId, 'failed', now().toISOString(), e instanceof Error ? e.message : 'The sync failed.');
    throw e;
  }
  return store.runs(50).find((r) => r.id === runId)!;
}

// What a first full sync is measured against (issue 24), in the same run so that a noisy
// machine moves both alike:
// - the service's part: every page of the feed fetched over the signed call, exactly as
//   the sync asks for it (same page size, same pages in flight), and nothing stored;
// - the floor: the same rows written raw into a working set with the store's own cipher,
//   settings and schema (openStore), in large transactions, the search indexes and the
//   name terms and trigrams built as the store builds them, nothing else.
// And the CPU each process spent, from /proc, so the two cores' sharing shows.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FeedLinesHead } from '../../domain/api/sync.js';
import { soundKey, trigrams } from '../../domain/local-search.js';
import type { ApiClient, RemoteSigner } from '../../main/api/client.js';
import { childId, openStore, type FeedChange } from '../../main/working-set/store.js';
import { parseFeedLines } from '../../main/working-set/sync-engine.js';
import type { Vault } from '../../main/working-set/vault.js';

const TICK_SECONDS = 0.01;

/** The fields of /proc/<pid>/stat after the command's closing parenthesis (field 3 onwards), or null if it is gone. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used, and with `children` those of its children it has reaped. */
function processCpu(pid: number, children = false): number {
  const f = statFields(pid);
  if (!f) return 0;
  // utime is field 14, stime 15, cutime 16, cstime 17 (f[0] is field 3).
  const own = Number(f[11]) + Number(f[12]);
  return (children ? own + Number(f[13]) + Number(f[14]) : own) * TICK_SECONDS;
}

/**
 * CPU seconds of the PostgreSQL server listening on `port`: its postmaster, the
 * processes it runs now, and those it ran that have ended (the postmaster reaps its
 * backends, so their time is in its children's). 0 if there is none.
 */
function postgresCpu(port: number): number {
  let postmaster: number | null = null;
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const f = statFields(Number(d));
    if (!f) continue;
    parent.set(Number(d), Number(f[1]));
    if (postmaster === null) {
      try {
        const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
        if (cmd[0]?.endsWith('/postgres') && cmd[cmd.indexOf('-p') + 1] === String(port)) postmaster = Number(d);
      } catch {
        // Gone meanwhile.
      }
    }
  }
  if (postmaster === null) return 0;
  const pm = postmaster;
  return (
    processCpu(pm, true) +
    [...parent].filter(([, ppid]) => ppid === pm).reduce((sum, [pid]) => sum + processCpu(pid), 0)
  );
}

export interface CpuMeter {
  /** CPU seconds since the meter started: this process (every thread), the service's Node process, PostgreSQL. */
  read(): { client: number; service: number; postgres: number; wall: number };
}

export function cpuMeter(servicePid: number, postgresPort: number): CpuMeter {
  const start = {
    client: process.cpuUsage(),
    service: processCpu(servicePid),
    postgres: postgresCpu(postgresPort),
    wall: performance.now(),
  };
  return {
    read() {
      const client = process.cpuUsage(start.client);
      return {
        client: (client.user + client.system) / 1e6,
        service: processCpu(servicePid) - start.service,
        postgres: postgresCpu(postgresPort) - start.postgres,
        wall: (performance.now() - start.wall) / 1000,
      };
    },
  };
}

/** The head line of a format=lines page. */
function headOf(page: Buffer): FeedLinesHead {
  const end = page.indexOf(0x0a);
  return JSON.parse(page.toString('utf8', 0, end < 0 ? page.length : end)) as FeedLinesHead;
}

/**
 * Every page of the authority's feed, asked for as the sync asks (format=lines with
 * provenance, `pageSize` entries, `depth` pages in flight from the cursors ahead), signed
 * by `signer`, and kept as the bytes received: the service's part of a full sync.
 */
export async function fetchWholeFeed(
  api: ApiClient,
  signer: RemoteSigner,
  localAuthority: string,
  pageSize: number,
  depth: number,
): Promise<Buffer[]> {
  const fetchPage = async (after: string | null) =>
    (await api.signed(signer, {
      method: 'GET',
      path: `/v1/sync/${localAuthority}/changes`,
      query: {
        limit: String(pageSize),
        format: 'lines',
        provenance: 'include',
        ...(after !== null ? { after } : {}),
      },
      responseType: 'buffer',
    })) as Buffer;
  const pages: Buffer[] = [];
  let pending: { asked: string | null; page: Promise<Buffer> }[] = [];
  const ask = (after: string | null) => {
    const page = fetchPage(after);
    page.catch(() => undefined);
    pending.push({ asked: after, page });
  };
  let cursor: string | null = null;
  ask(cursor);
  while (pending.length > 0) {
    const inFlight = pending.shift()!;
    if (inFlight.asked !== cursor) {
      pending = [];
      ask(cursor);
      continue;
    }
    const page = await inFlight.page;
    const head = headOf(page);
    pages.push(page);
    cursor = head.cursor;
    if (!head.more) break;
    const wanted = [head.cursor, ...head.ahead].slice(0, depth);
    if (!pending.every((p, i) => p.asked === wanted[i])) pending = [];
    for (const after of wanted.slice(pending.length)) ask(after);
  }
  return pages;
}

/** A key held in memory for the floor's throwaway store. */
function memoryVault(): Vault {
  let key: Buffer | null = null;
  return {
    read: () => (key ? Buffer.from(key) : null),
    create: () => {
      key = randomBytes(32);
      return Buffer.from(key);
    },
    destroy: () => {
      key?.fill(0);
      key = null;
    },
  };
}

export interface FloorResult {
  /** Seconds: parsing the pages (not part of the floor, reported beside it). */
  parse: number;
  insert: number;
  commit: number;
  index: number;
  checkpoint: number;
  /** insert + commit + index + checkpoint. */
  total: number;
  rows: number;
}

/**
 * The same rows written as plainly as the store allows: parsed first (untimed in the
 * floor), then plain INSERTs with prepared statements in transactions of `batch` rows,
 * the name terms and trigrams as the store writes them, the search indexes built after.
 */
export function encryptedInsertFloor(pages: Buffer[], batch = 25_000): FloorResult {
  const t0 = performance.now();
  const changes: FeedChange[] = [];
  for (const page of pages) for (const c of parseFeedLines(page).changes) changes.push(c);
  const parse = (performance.now() - t0) / 1000;

  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-floor-'));
  const store = openStore(dir, memoryVault());
  try {
    const db = store.db;
    store.dropSearchIndexes();
    const putChild = db.prepare('INSERT INTO children (id, version, seq, record) VALUES (?, ?, ?, ?)');
    const putProvenance = db.prepare('INSERT INTO provenance (id, json) VALUES (?, ?)');
    const putKeys = db.prepare(
      'INSERT INTO child_keys (id, cp, shielded, shield_pending, surname, forename, dob, postcode, nhs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const putTerm = db.prepare('INSERT INTO name_terms (term, sound) VALUES (?, ?)');
    const putGram = db.prepare('INSERT OR IGNORE INTO name_grams (gram, term) VALUES (?, ?)');
    const putFormer = db.prepare('INSERT INTO former_surnames (child_id, term) VALUES (?, ?)');
    const terms = new Set<string>();
    const term = (t: string) => {
      if (t.length === 0 || terms.has(t)) return;
      terms.add(t);
      putTerm.run(t, soundKey(t));
      for (const g of trigrams(t)) putGram.run(g, t);
    };
    let insert = 0;
    let commit = 0;
    let rows = 0;
    const begin = db.prepare('BEGIN');
    const end = db.prepare('COMMIT');
    for (let i = 0; i < changes.length; i += batch) {
      const a = performance.now();
      begin.run();
      for (const c of changes.slice(i, i + batch)) {
        if (c.kind !== 'upsert' || c.superseded || c.recordJson === undefined || c.index === undefined) continue;
        const id = childId(c.cpNumber)!;
        const x = c.index;
        putChild.run(id, c.version, c.seq, c.recordJson);
        if (c.provenanceJson !== undefined) putProvenance.run(id, c.provenanceJson);
        putKeys.run(
          id,
          c.cpNumber,
          c.shielded ? 1 : 0,
          c.shieldPending ? 1 : 0,
          x.family,
          x.given,
          x.dob,
          x.postcode,
          x.nhsNumber,
        );
        term(x.family);
        term(x.given);
        for (const f of x.formerFamilies) {
          term(f);
          putFormer.run(id, f);
        }
        rows++;
      }
      const b = performance.now();
      end.run();
      insert += b - a;
      commit += performance.now() - b;
    }
    let t = performance.now();
    store.ensureSearchIndexes();
    const index = (performance.now() - t) / 1000;
    t = performance.now();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const checkpoint = (performance.now() - t) / 1000;
    insert /= 1000;
    commit /= 1000;
    return { parse, insert, commit, index, checkpoint, total: insert + commit + index + checkpoint, rows };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

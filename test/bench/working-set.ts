// The working set at scale: a local authority of a million children from the training
// generator, in a national service of its own (a separate process, on PostgreSQL), synced
// by the working-set worker thread exactly as the application runs it (main signs each
// request with the session key). Measures the first full sync, a delta of 1,000 changes,
// local search and exact lookups, peak memory and bytes per record on disk.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { generateSync } from 'otplib';
import { createApiClient, type RemoteSigner } from '../../main/api/client.js';
import { createTransport } from '../../main/api/transport.js';
import { createSessionManager } from '../../main/session/session-manager.js';
import { SYNC_DEPTH, SYNC_PAGE_SIZE, type SyncPhases } from '../../main/working-set/sync-engine.js';
import { createWorkingSet, type WorkingSet } from '../../main/working-set/worker-client.js';
import { createKeyringVault } from '../../main/working-set/vault.js';
import { openPostgres } from '../../service/store/postgres.js';
import { trainingAccounts } from '../../service/training/accounts.js';
import { WIRRAL } from '../support/children.js';
import { startPostgres } from '../support/postgres.js';
import { type Emit, percentile } from './measure.js';
import { cpuMeter, encryptedInsertFloor, fetchWholeFeed } from './working-set-floor.js';

/** Wirral's share of the generator's children (the rest are Cheshire West's). */
const WIRRAL_SHARE = 0.855;

async function startServiceProcess(databaseUrl: string, count: number): Promise<{ url: string; child: ChildProcess }> {
  const profile = process.env.CP_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CP_BENCH_PROFILE}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      '--import',
      'tsx',
      'service/cli.ts',
      '--port',
      '0',
      '--database-url',
      databaseUrl,
      '--training-count',
      String(count),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let lastProgress = 0;
  createInterface({ input: child.stderr! }).on('line', (line) => {
    const m = /loading training data: (\d+) of (\d+)/.exec(line);
    if (m && Number(m[1]) - lastProgress >= 100_000) {
      lastProgress = Number(m[1]);
      process.stderr.write(`bench: service loading ${m[1]} of ${m[2]} training children\n`);
    } else if (!m) process.stderr.write(`service: ${line}\n`);
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.once('exit', (code) => reject(new Error(`the service exited (${code}) before it listened`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^listening on (http:\/\/\S+)/.exec(line);
      if (m) resolveUrl(m[1]!);
    });
  });
  return { url, child };
}

async function syncOnce(
  ws: WorkingSet,
): Promise<{ seconds: number; peakRss: number; received: number; phases: SyncPhases | undefined }> {
  let peakRss = process.memoryUsage().rss;
  const t0 = performance.now();
  ws.startSync(WIRRAL);
  let lastReport = 0;
  while (ws.sync().running) {
    await new Promise((r) => setTimeout(r, 10));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const p = ws.sync().progress;
    if (p && p.received - lastReport >= 100_000) {
      lastReport = p.received;
      process.stderr.write(`bench: synced ${p.received} of about ${p.expected} (${Math.round(p.rate)}/s)\n`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const last = ws.sync().last;
  if (!last?.run || last.run.outcome !== 'completed')
    throw new Error(`the sync did not complete: ${JSON.stringify(last)}`);
  return { seconds, peakRss, received: ws.sync().progress?.received ?? 0, phases: ws.sync().progress?.phases };
}

const round = (x: number) => Number(x.toFixed(2));
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

export async function workingSetBench(emit: Emit): Promise<void> {
  const wanted = Number(process.env.CP_BENCH_CHILDREN ?? 1_000_000);
  const count = Math.ceil(wanted / WIRRAL_SHARE);
  const pg = await startPostgres();
  const databaseUrl = await pg.createDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-working-set-'));
  const keyAccount = `bench-${randomBytes(6).toString('hex')}`;
  let service: ChildProcess | undefined;
  let ws: WorkingSet | undefined;
  try {
    const loadStart = performance.now();
    const started = await startServiceProcess(databaseUrl, count);
    service = started.child;
    process.stderr.write(
      `bench: service loaded ${count} children in ${((performance.now() - loadStart) / 1000).toFixed(0)} s\n`,
    );
    const db = await openPostgres(databaseUrl);
    // A store that has settled, as a live one has: the bulk load's autovacuum is not left
    // to run during the timings.
    await db.query('VACUUM ANALYZE');
    const [{ n: records } = { n: 0 }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM children WHERE local_authority = '${WIRRAL}' AND status = 'active'`,
    );

    // Signed in as the application signs in: main's session manager, a real TOTP code.
    const transport = createTransport({ timeoutMs: 120_000, maxResponseBytes: 64 * 1024 * 1024 });
    const api = createApiClient({ baseUrl: started.url, transport });
    const session = createSessionManager({ api, card: null, idleMs: 3_600_000 });
    const account = trainingAccounts.find((a) => a.id === 'trn-la-team')!;
    const state = await session.signInToken({
      userId: account.id,
      password: account.password,
      otp: generateSync({ secret: account.totpSecret }),
    });
    if (state.status !== 'signed-in') throw new Error('the bench could not sign in');
    ws = createWorkingSet({
      workerFile: resolve('dist/main/working-set-worker.cjs'),
      dir,
      keyAccount,
      serviceUrl: started.url,
      transport: { timeoutMs: 120_000 },
      session,
    });

    // The first full sync, and the CPU each side spent on it.
    const pgPort = Number(new URL(databaseUrl).port);
    const rssBefore = process.memoryUsage().rss;
    const loadBefore = loadAverage();
    const syncCpu = cpuMeter(service.pid!, pgPort);
    const full = await syncOnce(ws);
    const cpu = syncCpu.read();
    const held = (await ws.call({ op: 'summary' })).children;
    if (held !== records) throw new Error(`the working set holds ${held} children, the service ${records}`);
    const extra = {
      records: held,
      feedEntries: full.received,
      pageSize: SYNC_PAGE_SIZE,
      pagesInFlight: SYNC_DEPTH,
      format: 'lines',
      service: 'separate process, PostgreSQL 15, loopback HTTP',
      loadAverage: `${loadBefore} before, ${loadAverage()} after`,
    };
    emit('working-set.full-sync', full.seconds, 's', extra);
    const ph = full.phases;
    if (ph)
      emit('working-set.full-sync.phases', ph.total / 1000, 's', {
        records: held,
        pages: ph.pages,
        waitS: round(ph.wait / 1000),
        parseS: round(ph.parse / 1000),
        applyS: round(ph.apply / 1000),
        commitS: round(ph.commit / 1000),
        linkS: round(ph.link / 1000),
        indexS: round(ph.index / 1000),
        checkpointS: round(ph.checkpoint / 1000),
        otherS: round((ph.total - ph.wait - ph.apply - ph.commit - ph.link - ph.index - ph.checkpoint) / 1000),
        covers:
          "the worker thread's time: wait (no page there yet: network, signing, service), parse (in the fetch, overlapping the wait), apply, commit, index build, checkpoint",
      });
    emit('working-set.full-sync.cpu', cpu.client + cpu.service + cpu.postgres, 'cpu-s', {
      wallS: round(cpu.wall),
      clientS: round(cpu.client),
      serviceNodeS: round(cpu.service),
      postgresS: round(cpu.postgres),
      covers: 'CPU seconds during the sync: the client process (main and worker), the service process, PostgreSQL',
    });
    emit('working-set.full-sync.rate', held / full.seconds, 'records/s', extra);
    emit('working-set.full-sync.peak-rss', full.peakRss / 2 ** 20, 'MiB', {
      ...extra,
      rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
      covers: 'the whole client process: main thread and worker',
    });
    emit('working-set.bytes-per-record', dirBytes(dir) / held, 'bytes', {
      records: held,
      files: readdirSync(dir)
        .filter((f) => f.startsWith('working-set.db'))
        .join(' '),
      encrypted: 'SQLCipher (AES-256)',
    });

    // The service's part apart: every page fetched as the sync fetches it, nothing stored.
    const signer: RemoteSigner = (request) => Promise.resolve(session.sign(request));
    const feedCpu = cpuMeter(service.pid!, pgPort);
    let pages: Buffer[] | null = await fetchWholeFeed(api, signer, WIRRAL, SYNC_PAGE_SIZE, SYNC_DEPTH);
    const feed = feedCpu.read();
    emit('working-set.full-sync.service', feed.wall, 's', {
      records: held,
      pages: pages.length,
      megabytes: round(pages.reduce((n, p) => n + p.length, 0) / 2 ** 20),
      serviceNodeCpuS: round(feed.service),
      postgresCpuS: round(feed.postgres),
      clientCpuS: round(feed.client),
      covers:
        'every feed page fetched over the signed call as the sync asks (same page size, same pages in flight), kept, not parsed',
      loadAverage: loadAverage(),
    });

    // The floor: the same rows written raw into a store with the same cipher, settings and schema.
    const floor = encryptedInsertFloor(pages);
    pages = null;
    emit('working-set.full-sync.floor', floor.total, 's', {
      records: floor.rows,
      insertS: round(floor.insert),
      commitS: round(floor.commit),
      indexS: round(floor.index),
      checkpointS: round(floor.checkpoint),
      parseS: round(floor.parse),
      covers:
        'plain INSERTs of the parsed rows (children, provenance, keys, name terms and trigrams, former surnames) in transactions of 25,000, the search indexes built after, the WAL checkpointed; parsing apart (parseS)',
      loadAverage: loadAverage(),
    });
    emit('working-set.full-sync.ratio', full.seconds / floor.total, 'x', {
      syncS: round(full.seconds),
      floorS: round(floor.total),
      target: '<= 2',
    });

    // A delta of 1,000 changes made at the national index.
    const sample = await db.query<{ cp_number: string; version: number; gender: string }>(
      `SELECT cp_number, version, record->>'gender' AS gender FROM children WHERE local_authority = '${WIRRAL}' AND status = 'active' ORDER BY md5(cp_number) LIMIT 1000`,
    );
    for (let i = 0; i < sample.length; i += 500) {
      const items = sample.slice(i, i + 500).map((c) => ({
        idempotencyKey: `bench-${c.cp_number}-${c.version}`,
        cpNumber: c.cp_number,
        baseVersion: c.version,
        op: 'update' as const,
        changes: { gender: c.gender === 'female' ? ('not-specified' as const) : ('female' as const) },
      }));
      const res = (await session.call({ method: 'POST', path: '/v1/submissions', body: { items } })) as {
        results: { status: string }[];
      };
      if (res.results.some((r) => r.status !== 'applied')) throw new Error('the bench changes were not all applied');
    }
    const delta = await syncOnce(ws);
    emit('working-set.delta-sync', delta.seconds, 's', {
      changes: sample.length,
      feedEntries: delta.received,
      records: held,
    });

    // Local search: a misspelt surname (two letters swapped) with the date of birth.
    const people = await db.query<{ cp_number: string; family: string; dob: string; nhs: string | null }>(
      `SELECT cp_number, record->'name'->>'family' AS family, record->>'dob' AS dob, record->'identifiers'->>'nhsNumber' AS nhs
         FROM children WHERE local_authority = '${WIRRAL}' AND status = 'active' AND length(record->'name'->>'family') >= 5
        ORDER BY md5(cp_number || 'search') LIMIT 600`,
    );
    const typo = (s: string) => `${s.slice(0, 2)}${s[3]}${s[2]}${s.slice(4)}`;
    const fuzzy: number[] = [];
    let foundFirst = 0;
    let found = 0;
    for (const [i, p] of people.entries()) {
      const t0 = performance.now();
      const answer = await ws.call({ op: 'search', query: { surname: typo(p.family), dob: p.dob }, limit: 50 });
      const ms = performance.now() - t0;
      if (i < 100) continue;
      fuzzy.push(ms);
      if (answer.results[0]?.cpNumber === p.cp_number) foundFirst++;
      if (answer.results.some((r) => r.cpNumber === p.cp_number)) found++;
    }
    fuzzy.sort((a, b) => a - b);
    const fuzzyExtra = {
      records: held,
      searches: fuzzy.length,
      rankedFirst: `${((100 * foundFirst) / fuzzy.length).toFixed(1)}%`,
      found: `${((100 * found) / fuzzy.length).toFixed(1)}%`,
      ties: 'equal scores by evidence (matcher weights, name frequency, letters wrong), then CP number',
      covers: 'message to the worker thread and back',
    };
    emit('working-set.fuzzy-search.p50', percentile(fuzzy, 50), 'ms', fuzzyExtra);
    emit('working-set.fuzzy-search.p95', percentile(fuzzy, 95), 'ms', fuzzyExtra);

    // Exact NHS and ContactPoint number lookups.
    const exact: number[] = [];
    for (const [i, p] of people.entries()) {
      const query = i % 2 === 0 && p.nhs ? { nhsNumber: p.nhs } : { cpNumber: p.cp_number };
      const t0 = performance.now();
      const answer = await ws.call({ op: 'search', query, limit: 50 });
      const ms = performance.now() - t0;
      if (answer.results[0]?.cpNumber !== p.cp_number && !('nhsNumber' in query))
        throw new Error('an exact lookup missed');
      if (i >= 100) exact.push(ms);
    }
    exact.sort((a, b) => a - b);
    emit('working-set.exact-lookup.p50', percentile(exact, 50), 'ms', {
      records: held,
      lookups: exact.length,
      covers: 'message to the worker thread and back',
    });
    emit('working-set.exact-lookup.p95', percentile(exact, 95), 'ms', {
      records: held,
      lookups: exact.length,
      covers: 'message to the worker thread and back',
    });
    await db.close();
    await session.signOut();
  } finally {
    await ws?.close();
    try {
      createKeyringVault(keyAccount).destroy();
    } catch {
      // No credential store here: nothing was stored.
    }
    rmSync(dir, { recursive: true, force: true });
    service?.kill('SIGTERM');
    await pg.stop();
  }
}

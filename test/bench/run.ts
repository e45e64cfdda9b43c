// npm run bench: one JSON object per line, {"name","value","unit",...}. Speed is
// measured here, never by timed tests. Each line names the machine it ran on.
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createCore } from '../../main/composition-root.js';
import { startService } from '../../service/server.js';
import { generateChildren } from '../../service/training/index.js';
import { startHarness } from '../e2e/harness.js';
import {
  expectHeading,
  findChildren,
  fullName,
  openRecord,
  resultRows,
  search,
  signInWithCard,
  signInWithToken,
} from '../e2e/journey-support.js';
import setup from '../global-setup.js';
import { MemoryNonceCache } from '../../service/auth/nonce-cache.js';
import { verifyRequestSignature } from '../../service/auth/request-signature.js';
import { SettableClock } from '../../service/context.js';
import { openPglite } from '../../service/store/pglite.js';
import { openPostgres } from '../../service/store/postgres.js';
import type { Database } from '../../service/store/database.js';
import { startServiceHarness, type SignedClient } from '../support/national-service.js';
import { startPostgres } from '../support/postgres.js';
import { generateSessionKey, signRequest } from '../support/request-signer.js';
import { signRequest as mainSignRequest } from '../../main/api/signer.js';
import { workingSetBench } from './working-set.js';
import { searchPaintBench } from './search-paint.js';
import { adapterBench } from './adapter.js';
import { cleanseWorkingSetBench, dedupeBench, febrlBench, generatedBench } from './dedupe.js';
import { managementBench } from './management.js';
import { correctionsBench } from './corrections.js';
import { auditConcurrencyBench } from './audit.js';
import { ensureCleanseSchema } from '../../main/cleansing/cleanse.js';
import { openStore } from '../../main/working-set/store.js';
import { createKeyringVault } from '../../main/working-set/vault.js';
import { percentile } from './measure.js';
import { nationalLoadBench } from './national-load.js';
import { nationalBench } from './national.js';
import { rankingBench } from './ranking.js';

const machine = `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const only = process.argv.slice(2);

function emit(name: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ name, value: Number(value.toFixed(3)), unit, ...extra, machine })}\n`);
}

/** Searches a practitioner would type, from what suppliers said (typos and all). */
function searchQueries(count: number, today: string): string[] {
  const queries: string[] = [];
  let i = 0;
  for (const child of generateChildren({ seed: 'contactpoint-training', count: 200_000, today })) {
    if (i++ % 997 !== 0) continue;
    const s = child.supplies[0]!;
    const r = child.record;
    const kind = queries.length % 10;
    const q = new URLSearchParams();
    if (kind < 4) {
      q.set('surname', s.name.family);
      q.set('forename', s.name.given);
    } else if (kind < 6) {
      q.set('surname', s.name.family);
      q.set('dob', s.dob);
    } else if (kind < 8 && r.address) {
      q.set('dob', r.dob);
      q.set('postcode', r.address.postcode);
    } else if (kind === 8 && r.identifiers.nhsNumber) {
      q.set('nhsNumber', r.identifiers.nhsNumber);
    } else {
      q.set('surname', s.name.family);
    }
    queries.push(`/v1/children?${q.toString()}`);
    if (queries.length >= count) break;
  }
  return queries;
}

/** Search p95 and sync feed throughput over 200,000 training children on one store. */
async function searchAndFeed(engine: 'pglite' | 'postgres', db: Database, stop: () => Promise<void>): Promise<void> {
  const today = new Date().toISOString().slice(0, 10);
  const t0 = performance.now();
  const h = await startServiceHarness({ trainingCount: 200_000, database: db });
  emit(`service.training-load.${engine}`, 200_000 / ((performance.now() - t0) / 1000), 'children/s', {
    children: 200_000,
  });
  const practitioner: SignedClient = await h.signIn('trn-practitioner');
  const queries = searchQueries(200, today);
  for (const q of queries.slice(0, 20)) await practitioner.get(q);
  const samples: number[] = [];
  let results = 0;
  for (const q of queries) {
    const s0 = performance.now();
    const res = await practitioner.get(q);
    samples.push(performance.now() - s0);
    if (res.status !== 200) throw new Error(`search failed: ${res.status} ${JSON.stringify(res.body)}`);
    results += res.body.results.length;
  }
  samples.sort((a, b) => a - b);
  const extra = {
    children: 200_000,
    searches: samples.length,
    meanResults: Number((results / samples.length).toFixed(1)),
    includes: 'HTTP, signature, audit',
  };
  emit(`service.search.p50.${engine}`, percentile(samples, 50), 'ms', extra);
  emit(`service.search.p95.${engine}`, percentile(samples, 95), 'ms', extra);

  const team = await h.signIn('trn-la-team');
  const f0 = performance.now();
  let records = 0;
  let cursor: string | undefined;
  for (;;) {
    const res = await team.get(
      `/v1/sync/E08000015/changes?limit=1000${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (res.status !== 200) throw new Error(`feed failed: ${res.status} ${JSON.stringify(res.body)}`);
    records += res.body.changes.length;
    cursor = res.body.cursor;
    if (!res.body.more) break;
  }
  emit(`service.sync-feed.${engine}`, records / ((performance.now() - f0) / 1000), 'records/s', {
    records,
    pageSize: 1000,
    includes: 'HTTP, signature, JSON',
  });
  await h.close();
  await stop();
}

const benches: Record<string, () => Promise<void>> = {
  async 'service.signature-verify'() {
    // Signature base, ECDSA P-256 verify, Content-Digest and the nonce cache, in-process.
    const clock = new SettableClock(new Date());
    const nonces = new MemoryNonceCache(clock);
    const { privateKey, publicJwk } = generateSessionKey();
    const body = JSON.stringify({ service: 'School nursing', startDate: '2026-01-05', leadProfessional: false });
    const url = 'https://index.contactpoint.example/v1/children/CP000000018/involvements';
    const n = 5_000;
    const requests = Array.from({ length: n + 500 }, () => ({
      method: 'POST',
      targetUri: url,
      body: Buffer.from(body),
      headers: signRequest({
        method: 'POST',
        url,
        body,
        keyid: 'bench-session',
        privateKey,
        createdSec: Math.floor(clock.now().getTime() / 1000),
      }),
    }));
    const resolveKey = async () => publicJwk;
    for (const r of requests.slice(n)) await verifyRequestSignature(r, { now: clock.now(), resolveKey, nonces });
    const t0 = performance.now();
    for (const r of requests.slice(0, n)) await verifyRequestSignature(r, { now: clock.now(), resolveKey, nonces });
    emit('service.signature-verify', n / ((performance.now() - t0) / 1000), 'requests/s', {
      requests: n,
      covers: 'signature, content-digest, nonce',
      cores: 1,
    });
  },

  async 'main.request-signing'() {
    // What signing adds to each of the desktop's calls, in main: the signature base,
    // ECDSA P-256 with the session key, and (with a body) the Content-Digest.
    const { privateKey } = generateSessionKey();
    const nowSec = Math.floor(Date.now() / 1000);
    const getUrl = 'https://index.contactpoint.example/v1/children?surname=Smith&forename=Amelia';
    const postUrl = 'https://index.contactpoint.example/v1/children/CP000000018/involvements';
    const body = Buffer.from(
      JSON.stringify({
        service: 'School nursing',
        startDate: '2026-01-05',
        leadProfessional: false,
        cafCompleted: false,
      }),
    );
    const n = 5_000;
    for (let i = 0; i < 500; i++) mainSignRequest({ method: 'GET', url: getUrl, keyid: 'bench', privateKey, nowSec });
    let t0 = performance.now();
    for (let i = 0; i < n; i++) mainSignRequest({ method: 'GET', url: getUrl, keyid: 'bench', privateKey, nowSec });
    emit('main.request-signing.get', ((performance.now() - t0) * 1000) / n, 'µs/request', { requests: n, cores: 1 });
    t0 = performance.now();
    for (let i = 0; i < n; i++)
      mainSignRequest({ method: 'POST', url: postUrl, body, keyid: 'bench', privateKey, nowSec });
    emit('main.request-signing.post', ((performance.now() - t0) * 1000) / n, 'µs/request', {
      requests: n,
      bodyBytes: body.length,
      cores: 1,
    });
  },

  async 'service.search-and-feed.pglite'() {
    const db = await openPglite();
    await searchAndFeed('pglite', db, async () => undefined);
  },

  async 'service.search-and-feed.postgres'() {
    const pg = await startPostgres();
    const db = await openPostgres(await pg.createDatabase());
    await searchAndFeed('postgres', db, () => pg.stop());
  },

  async 'training-data.generate'() {
    const count = 200_000;
    const startRss = process.memoryUsage().rss;
    let peak = startRss;
    const t0 = performance.now();
    let records = 0;
    let supplies = 0;
    for (const child of generateChildren({ seed: 'bench', count, today: '2026-11-24' })) {
      records += 1;
      supplies += child.supplies.length;
      if ((records & 0x3fff) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    const seconds = (performance.now() - t0) / 1000;
    emit('training-data.generate', records / seconds, 'children/s', { children: records, supplierRecords: supplies });
    emit('training-data.generate.rss-growth', (peak - startRss) / 2 ** 20, 'MiB', { children: records });
  },

  async 'ipc.router'() {
    const service = await startService({ port: 0, trainingMode: true, trainingCount: 200, lifecycleIntervalMs: 0 });
    const { router } = createCore({
      serviceUrl: service.url,
      trainingMode: true,
      version: 'bench',
      log: () => undefined,
    });
    const sender = { url: 'app://contactpoint/index.html' };
    const n = 100_000;
    for (let i = 0; i < 1_000; i++) await router('app.info', {}, sender);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await router('app.info', {}, sender);
    const seconds = (performance.now() - t0) / 1000;
    emit('ipc.router.validated-calls', n / seconds, 'calls/s', { channel: 'app.info' });
    const bad = performance.now();
    for (let i = 0; i < n; i++) await router('app.info', { unexpected: i }, sender);
    emit('ipc.router.refused-calls', n / ((performance.now() - bad) / 1000), 'calls/s', { channel: 'app.info' });
    await service.close();
  },

  async 'renderer.first-screen'() {
    // Cold: Chromium start, page load, React render, and the first IPC round trip to
    // the service, until the sign-in screen says it is connected.
    const samples: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      const h = await startHarness();
      await h.page.getByTestId('service-status').waitFor();
      samples.push(performance.now() - t0);
      await h.close();
    }
    samples.sort((a, b) => a - b);
    emit('renderer.first-screen.p50', percentile(samples, 50), 'ms', {
      runs: samples.length,
      includes: 'chromium launch',
    });
    emit('renderer.first-screen.p95', percentile(samples, 95), 'ms', {
      runs: samples.length,
      includes: 'chromium launch',
    });
  },
};

Object.assign(benches, {
  async 'renderer.search-to-results'() {
    await searchPaintBench(emit);
  },

  async 'renderer.card-removed-to-lock'() {
    // From the token's removal (softhsm2-util --delete-token returning) to the lock
    // screen's heading, with a record open: the PKCS#11 poll (every 200 ms, the
    // default), the lock in main, the long-poll answer and React's render.
    const h = await startHarness();
    try {
      const [child] = await findChildren(
        h.service!.db,
        `shielded = false AND record->'name'->>'family' ~ '^[A-Za-z]+$' AND record->'name'->>'given' ~ '^[A-Za-z]+$'`,
      );
      const samples: number[] = [];
      for (let i = 0; i < 20; i++) {
        await h.insertCard('trn-practitioner');
        // Past the service's sign-in rate limit (10 a minute per user) on its clock.
        h.clock.advance(61_000);
        await signInWithCard(h.page, '123456', i === 0 ? 'Continue' : 'Unlock');
        await expectHeading(h.page, 'Find a child');
        await search(h.page, { surname: child!.family, dob: child!.dob });
        await resultRows(h.page).first().waitFor();
        await openRecord(h.page, fullName(child!));
        await h.removeCard('trn-practitioner');
        const t0 = performance.now();
        await h.page.getByRole('heading', { level: 1, name: 'ContactPoint is locked' }).waitFor();
        samples.push(performance.now() - t0);
      }
      samples.sort((a, b) => a - b);
      emit('renderer.card-removed-to-lock.p50', percentile(samples, 50), 'ms', { runs: samples.length, pollMs: 200 });
      emit('renderer.card-removed-to-lock.p95', percentile(samples, 95), 'ms', { runs: samples.length, pollMs: 200 });
    } finally {
      await h.close();
    }
  },
});

Object.assign(benches, {
  async 'renderer.task-list'() {
    // A queue of 100,000 tasks in the team's virtual list, in Chromium: from opening the
    // queue to its first rows, and from a key press (Page Down, End, Home) to the active
    // row on screen, through main's IPC to the working-set worker and its encrypted store.
    const h = await startHarness({ trainingCount: 1_000 });
    try {
      await signInWithToken(h, 'trn-la-team');
      await expectHeading(h.page, 'Working set');
      await h.page.getByRole('button', { name: 'Start the first sync' }).click();
      await h.page.getByTestId('sync-result').waitFor({ timeout: 60_000 });
      // 100,000 tasks written through a second connection to the store, as a run over a large authority would leave them.
      const store = openStore(h.workingSet.dir, createKeyringVault(h.workingSet.keyAccount));
      ensureCleanseSchema(store.db);
      const cps = (store.db.prepare('SELECT cp FROM child_keys').all() as { cp: string }[]).map((r) => r.cp);
      const add = store.db.prepare(
        "INSERT INTO cleanse_tasks (rule, priority, cp, detail, created_at, key) VALUES ('stale-involvement', 3, ?, ?, '2026-12-01T00:00:00Z', ?)",
      );
      const tasks = 100_000;
      store.db.transaction(() => {
        for (let i = 0; i < tasks; i++) {
          const cp = cps[i % cps.length]!;
          const detail = JSON.stringify({
            rule: 'stale-involvement',
            path: `involvements.${i}`,
            message: `School nursing has been open since 2020-01-0${1 + (i % 9)} with no end date.`,
          });
          add.run(cp, detail, `stale-involvement|${cp}|involvements.${i}`);
        }
      })();
      store.close();
      await h.page.getByRole('button', { name: 'Cleansing', exact: true }).click();
      const queueButton = h.page.getByRole('button', {
        name: 'Open involvement with no activity for two years',
        exact: true,
      });
      await queueButton.waitFor();
      const t0 = performance.now();
      await queueButton.click();
      const list = h.page.getByRole('listbox');
      await list.locator('[role=option] strong').first().waitFor();
      const open = performance.now() - t0;
      await list.focus();
      const press = async (key: string, want: number) => {
        const s0 = performance.now();
        await h.page.keyboard.press(key);
        await h.page.waitForFunction((wanted) => {
          const el = document.querySelector('[role=listbox]')!;
          const id = el.getAttribute('aria-activedescendant');
          const row = id ? document.getElementById(id) : null;
          const at = row && row.querySelector('strong') ? Number(row.getAttribute('aria-posinset')) : 0;
          return wanted === -1 ? at === Number(row?.getAttribute('aria-setsize')) : at === wanted;
        }, want);
        return performance.now() - s0;
      };
      const steps: number[] = [];
      for (let i = 0; i < 60; i++) steps.push(await press('PageDown', (i + 1) * 10 + 1));
      const jumps: number[] = [];
      for (let i = 0; i < 10; i++) {
        jumps.push(await press('End', -1));
        jumps.push(await press('Home', 1));
      }
      steps.sort((a, b) => a - b);
      jumps.sort((a, b) => a - b);
      emit('renderer.task-list.open', open, 'ms', { tasks });
      emit('renderer.task-list.page-down.p50', percentile(steps, 50), 'ms', { tasks, presses: steps.length });
      emit('renderer.task-list.page-down.p95', percentile(steps, 95), 'ms', { tasks, presses: steps.length });
      emit('renderer.task-list.end-home.p95', percentile(jumps, 95), 'ms', {
        tasks,
        presses: jumps.length,
        note: 'End or Home: the rows there fetched (100 at a time) and drawn',
      });
      const rendered = await h.page.evaluate(() => document.querySelectorAll('[role=option]').length);
      emit('renderer.task-list.rows-in-dom', rendered, 'rows', { tasks });
    } finally {
      await h.close();
    }
  },

  async 'working-set'() {
    await workingSetBench(emit);
  },
  async dedupe() {
    await dedupeBench(emit);
  },
  // Only the FEBRL part of dedupe: precision, recall and F1 on the public benchmark.
  async 'dedupe.febrl'() {
    await febrlBench(emit);
  },
  // Only the generated-million part of dedupe: recall and precision with the review band.
  async 'dedupe.generated'() {
    await generatedBench(emit);
  },
  // Only the working-set part of dedupe: a full cleansing run, then incremental linking.
  async 'dedupe.incremental'() {
    await cleanseWorkingSetBench(emit);
  },
  async adapter() {
    await adapterBench(emit);
  },
  async management() {
    await managementBench(emit);
  },
  // 1,000 corrections queued through the worker and sent in one go (issue 20).
  async corrections() {
    await correctionsBench(emit);
  },
  // England-scale data loaded with COPY, then search and read (issue 22; CP_NATIONAL_CHILDREN, default 1M).
  async 'national.load'() {
    await nationalLoadBench(emit);
  },
  // The national stack under signed load, 1 and 2 instances, then its faults (issue 22; CP_NATIONAL_SIZES).
  async national() {
    await nationalBench(emit);
  },
  // Audited actions per second with 1, 8 and 32 connections appending at once (issue 22).
  async 'audit.concurrency'() {
    await auditConcurrencyBench(emit);
  },
  // Labelled searches from supplier data: top-1 and top-5, local and national (issue 24).
  async 'search.ranking'() {
    await rankingBench(emit);
  },
});

const names = only.length > 0 ? only : Object.keys(benches);
for (const name of names) {
  if (!benches[name]) {
    process.stderr.write(`There is no benchmark called "${name}". Known: ${Object.keys(benches).join(', ')}\n`);
    process.exit(2);
  }
}
if (names.some((n) => n.startsWith('renderer.') || n === 'working-set' || n === 'adapter' || n === 'corrections'))
  setup();
for (const name of names) await benches[name]!();

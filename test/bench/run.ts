// npm run bench: one JSON object per line, {"name","value","unit",...}. Speed is
// measured here, never by timed tests. Each line names the machine it ran on.
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createCore } from '../../main/core.js';
import { startService } from '../../service/index.js';
import { generateChildren } from '../../service/training/index.js';
import { startHarness } from '../e2e/harness.js';
import setup from '../global-setup.js';

const machine = `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const only = process.argv.slice(2);

function emit(name: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ name, value: Number(value.toFixed(3)), unit, ...extra, machine })}\n`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const benches: Record<string, () => Promise<void>> = {
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
    const { router } = createCore({ serviceUrl: service.url, trainingMode: true, version: 'bench', log: () => undefined });
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
    emit('renderer.first-screen.p50', percentile(samples, 50), 'ms', { runs: samples.length, includes: 'chromium launch' });
    emit('renderer.first-screen.p95', percentile(samples, 95), 'ms', { runs: samples.length, includes: 'chromium launch' });
  },
};

const names = only.length > 0 ? only : Object.keys(benches);
for (const name of names) {
  if (!benches[name]) {
    process.stderr.write(`There is no benchmark called "${name}". Known: ${Object.keys(benches).join(', ')}\n`);
    process.exit(2);
  }
}
if (names.includes('renderer.first-screen')) setup();
for (const name of names) await benches[name]!();

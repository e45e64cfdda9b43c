// The national load test on one in-process service, for a quick figure before the HA
// stack exists (and for whoever wires `npm run bench -- national`): a throwaway
// PostgreSQL (test/support/postgres.ts), the service in this process in training mode
// with --children training children, the load client at each --clients count, and
// verifyAcknowledged after each run. One JSON line per operation and run, as
// test/bench/run.ts writes them.
//
//   bash scripts/with-keyring.sh npx tsx test/bench/national/local.ts --clients 4,16 --duration 20000 --children 24000
//
// Client and service share this process's event loop (and PostgreSQL the other core):
// the figures are for one instance on this machine, not a deployment.
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startService } from '../../../service/server.js';
import { startPostgres } from '../../support/postgres.js';
import { loadMix, provisionLoadUsers, runLoad, verifyAcknowledged } from './load.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '4,16' },
    duration: { type: 'string', default: '20000' },
    children: { type: 'string', default: '24000' },
  },
});
const counts = values.clients.split(',').map(Number);
const durationMs = Number(values.duration);
const children = Number(values.children);
if (counts.some((n) => !Number.isInteger(n) || n < 1) || !(durationMs > 0) || !(children >= 100))
  throw new Error('--clients takes whole numbers separated by commas; --duration ms > 0; --children at least 100.');

const machine = `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const emit = (name: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ name, value: Number(value.toFixed(3)), unit, ...extra, machine })}\n`);

const postgres = await startPostgres();
try {
  const databaseUrl = await postgres.createDatabase();
  const loadStarted = Date.now();
  const service = await startService({
    port: 0,
    databaseUrl,
    trainingMode: true,
    trainingCount: children,
    lifecycleIntervalMs: 0,
  });
  process.stderr.write(`service up with ${children} children in ${Date.now() - loadStarted} ms\n`);
  // Planner statistics, as a loaded store has them once autovacuum (or the loader) has run.
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query('ANALYZE');
  await admin.end();
  try {
    const most = Math.max(...counts.map((n) => loadMix(n).practitioners));
    const users = await provisionLoadUsers(databaseUrl, {
      practitioners: most,
      teams: Math.max(...counts.map((n) => loadMix(n).teams)),
      suppliers: Math.max(...counts.map((n) => loadMix(n).suppliers)),
    });
    for (const clients of counts) {
      const result = await runLoad({ baseUrl: service.url, databaseUrl }, users, { clients, durationMs });
      const verified = await verifyAcknowledged(databaseUrl, result.acknowledged);
      const common = { clients, instances: 1, children, durationMs: result.durationMs };
      let total = 0;
      for (const [op, s] of Object.entries(result.operations)) {
        if (op !== 'sign-in') total += s.count;
        emit(`national ${op}`, s.throughputPerSecond, 'ops/s', { ...common, ...s });
      }
      emit('national all operations', total / (result.durationMs / 1000), 'ops/s', {
        ...common,
        mix: result.mix,
        errorWindowMs: result.errorWindowMs,
        failures: result.failures,
        searchesFound: result.searchesFound,
        verified: verified.checked,
        missing: verified.missing.length,
      });
    }
  } finally {
    await service.close();
  }
} finally {
  await postgres.stop();
}

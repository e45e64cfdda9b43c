// npm run bench -- national: the national stack (scripts/national/stack.ts: pg_auto_failover
// monitor, primary and synchronous standby, service instances, HAProxy over HTTPS) loaded
// with England-scale data by COPY, then simulated users signing every request
// (national/load.ts) at 1, 8, 32 and 128 concurrent clients, with 2 instances and then 1;
// an instance killed under load between the two, and at the end the primary's postmaster killed (RTO, and every
// answered request looked for in the database). Each part's CPU time is read from /proc
// over each run, so a deployment can be sized per request.
//
//   CP_NATIONAL_SIZES     children per stack, comma-separated (default 1000000)
//   CP_NATIONAL_CLIENTS   concurrent clients (default 1,8,32,128)
//   CP_NATIONAL_DURATION  ms per run (default 30000)
//   CP_NATIONAL_STANDBY   0 for no standby (default 1)
//
// Everything runs on this machine, on loopback: the clients, HAProxy, the instances and
// both PostgreSQL nodes share its cores, so the figures are what one machine does, and the
// CPU per request of each part is the figure that carries over to a deployment.
import { readdirSync, readFileSync } from 'node:fs';
import { runVerifyCommand } from '../../service/audit/verify-cli.js';
import { loadNational } from '../../service/training/national-load.js';
import { startNationalStack, type NationalStack } from '../../scripts/national/stack.js';
import { loadMix, provisionLoadUsers, runLoad, verifyAcknowledged, type LoadResult } from './national/load.js';

type Emit = (name: string, value: number, unit: string, extra?: Record<string, unknown>) => void;

function list(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map((v) => Number(v.replace(/_/g, '')));
  if (values.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new RangeError(`${name} must be whole numbers above 0, separated by commas: ${raw}`);
  }
  return values;
}

const ticksPerSecond = 100; // USER_HZ on Linux

/** CPU seconds used so far by every process in each of the stack's process groups. */
function cpuByPart(stack: NationalStack): Record<string, number> {
  const groups = stack.parts();
  const byGroup = new Map<number, string>(groups.map((g) => [g.pgid, g.name]));
  const byPostmaster = new Map<number, string>(
    groups.filter((g) => g.postmaster !== undefined).map((g) => [g.postmaster!, g.name]),
  );
  const out: Record<string, number> = Object.fromEntries(groups.map((g) => [g.name, 0]));
  out['clients (this process)'] = process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command may hold spaces and parentheses: the fields start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[1] is the parent, fields[2] the process group (proc(5), counting from "state").
    const pid = Number(entry);
    const part = byGroup.get(Number(fields[2])) ?? byPostmaster.get(pid) ?? byPostmaster.get(Number(fields[1]));
    if (part === undefined) continue;
    // utime and stime, and cutime and cstime: a backend that ends (a pool closing a
    // connection) has its time added to the postmaster that reaps it, so nothing is lost.
    out[part]! += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
  }
  return out;
}

function requestsOf(result: LoadResult): number {
  return Object.values(result.operations).reduce((n, op) => n + op.count, 0);
}

function emitRun(emit: Emit, label: string, result: LoadResult, extra: Record<string, unknown>): void {
  for (const [op, s] of Object.entries(result.operations)) {
    if (s.count === 0) continue;
    emit(`national.${label}.${op}.throughput`, s.throughputPerSecond, 'ops/s', {
      ...extra,
      count: s.count,
      errors: s.errors,
      retries: s.retries,
    });
    emit(`national.${label}.${op}.p50`, s.p50, 'ms', extra);
    emit(`national.${label}.${op}.p95`, s.p95, 'ms', extra);
    emit(`national.${label}.${op}.p99`, s.p99, 'ms', extra);
  }
  const reads = result.operations['read'];
  const searches = result.operations['search'];
  emit(
    `national.${label}.audited-actions`,
    ((reads?.count ?? 0) + (searches?.count ?? 0)) / (result.durationMs / 1000),
    'actions/s',
    { ...extra, includes: 'searches and reads, each audited' },
  );
  emit(`national.${label}.all`, requestsOf(result) / (result.durationMs / 1000), 'requests/s', {
    ...extra,
    failures: result.failures,
    searchesFound: result.searchesFound,
  });
}

export async function nationalBench(emit: Emit): Promise<void> {
  const sizes = list('CP_NATIONAL_SIZES', [1_000_000]);
  const clientCounts = list('CP_NATIONAL_CLIENTS', [1, 8, 32, 128]);
  const durationMs = list('CP_NATIONAL_DURATION', [30_000])[0]!;
  const standby = process.env['CP_NATIONAL_STANDBY'] !== '0';
  const most = Math.max(...clientCounts);
  for (const children of sizes) {
    let loadSeconds = 0;
    const stack = await startNationalStack({
      instances: 2,
      standby,
      log: (line) => process.stderr.write(`national: ${line}\n`),
      load: async (databaseUrl) => {
        const report = await loadNational({
          databaseUrl,
          children,
          log: (line) => process.stderr.write(`national: load: ${line}\n`),
        });
        loadSeconds = report.totalSeconds;
      },
    });
    try {
      const base = { children, standby, durationMs };
      emit('national.stack.load', loadSeconds, 's', {
        ...base,
        includes: 'COPY into the primary, replicated to the standby; indexes after',
      });
      const mix = loadMix(most);
      const users = await provisionLoadUsers(stack.databaseUrl, {
        practitioners: mix.practitioners,
        teams: Math.max(mix.teams, 1),
        suppliers: Math.max(mix.suppliers, 1),
      });
      const target = { baseUrl: stack.url, ca: stack.ca, databaseUrl: stack.databaseUrl };
      const measure = async (instances: number) => {
        for (const clients of clientCounts) {
          const before = cpuByPart(stack);
          const result = await runLoad(target, users, { clients, durationMs });
          const after = cpuByPart(stack);
          const extra = { ...base, instances, clients };
          emitRun(emit, `${instances}i.${clients}c`, result, extra);
          const requests = requestsOf(result);
          for (const [part, seconds] of Object.entries(after)) {
            const used = seconds - (before[part] ?? 0);
            emit(
              `national.cpu.${part}.${instances}i.${clients}c`,
              (used * 1000) / Math.max(requests, 1),
              'ms/request',
              {
                ...extra,
                cpuSeconds: Number(used.toFixed(2)),
                requests,
              },
            );
          }
        }
      };
      const faultRun = { clients: 32, durationMs: 40_000, retryForMs: 60_000 };
      const faultBase = { ...base, clients: faultRun.clients, durationMs: faultRun.durationMs };
      await measure(2);

      // An instance lost under load: HAProxy routes around it; what was in flight is retried.
      const lostInstance = runLoad(target, users, faultRun);
      await new Promise((r) => setTimeout(r, 10_000));
      stack.killInstance(1);
      const r1 = await lostInstance;
      const v1 = await verifyAcknowledged(stack.databaseUrl, r1.acknowledged);
      emit('national.fault.instance.error-window', r1.errorWindowMs / 1000, 's', {
        ...faultBase,
        failures: r1.failures,
        answeredChecked: v1.checked,
        answeredMissing: v1.missing.length,
      });

      await measure(1);

      // The primary's postmaster killed under load: the standby is promoted.
      if (standby) {
        const lostPrimary = runLoad(target, users, faultRun);
        await new Promise((r) => setTimeout(r, 10_000));
        const killedAt = Date.now();
        const killed = await stack.killPrimaryPostmaster();
        const promoted = await stack.waitForNodes(
          (ns) => ns.some((n) => n.name !== killed.name && ['primary', 'wait_primary'].includes(n.reported)),
          120_000,
        );
        const promotedAfter = (Date.now() - killedAt) / 1000;
        const r2 = await lostPrimary;
        const v2 = await verifyAcknowledged(stack.databaseUrl, r2.acknowledged);
        const lines: string[] = [];
        const verified = await runVerifyCommand(
          ['--database-url', stack.databaseUrl, '--audit-key', stack.auditKeyFile],
          { out: (l) => lines.push(l), err: (l) => lines.push(l) },
        );
        emit('national.fault.primary.error-window', r2.errorWindowMs / 1000, 's', {
          ...faultBase,
          instances: 1,
          promotedWithinSeconds: Number(promotedAfter.toFixed(1)),
          nodes: promoted.map((n) => `${n.name} ${n.reported}`),
          failures: r2.failures,
          answeredChecked: v2.checked,
          acknowledgedLost: v2.missing.length,
          auditChain: verified === 0 ? 'intact' : `broken: ${lines.slice(-2).join(' ')}`,
        });
        emitRun(emit, 'fault.primary', r2, { ...faultBase, instances: 1 });
      }
    } finally {
      await stack.stop();
    }
  }
}

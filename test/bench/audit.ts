// npm run bench -- audit.concurrency: audited actions per second when 1, 8 and 32
// connections append to the audit trail at once, on PostgreSQL 15 (test/support/postgres.ts),
// with the trail in one chain and in CP_BENCH_PARTITIONS partitions (default 8; each
// connection acts as its own user, so its entries go to that user's partition).
// Each action is shaped like an audited read: in one transaction, a child's row read by
// its CP number, then the audit entry appended, then COMMIT. CP_BENCH_SECONDS sets the
// measured time per concurrency (default 5). CPU per action is the service process's
// (Node: hashing, sealing, the driver) and the PostgreSQL backends' (from /proc), each
// divided by the actions committed.
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { appendAudit, useAuditPartitions } from '../../service/audit/audit-log.js';
import { verifyAuditChain } from '../../service/audit/verify.js';
import { openPostgres } from '../../service/store/postgres.js';
import { openStore } from '../../service/store/open-store.js';
import { addChild, child } from '../support/children.js';
import { startPostgres } from '../support/postgres.js';
import type { Emit } from './measure.js';

const ticksPerSecond = 100;

/** The fields of /proc/PID/stat after the command (which may hold spaces). */
function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU seconds (user + system) used so far by the postmaster's children (the backends):
 * those running, and those it has reaped (its cutime and cstime).
 */
function childrenCpu(parent: number): number {
  const own = statFields(parent);
  let ticks = Number(own[13]) + Number(own[14]);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let fields: string[];
    try {
      fields = statFields(name);
    } catch {
      continue;
    }
    if (Number(fields[1]) !== parent) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / ticksPerSecond;
}

export async function auditConcurrencyBench(emit: Emit): Promise<void> {
  const seconds = Number(process.env['CP_BENCH_SECONDS'] ?? 5);
  const partitioned = Number(process.env['CP_BENCH_PARTITIONS'] ?? 8);
  const pg = await startPostgres();
  const url = await pg.createDatabase();
  const setup = await openStore({ databaseUrl: url });
  const cpNumbers: string[] = [];
  for (let i = 0; i < 200; i++) cpNumbers.push((await addChild(setup, child())).cpNumber);
  await setup.close();
  const db = await openPostgres(url, { max: 40 });
  try {
    const [{ pid } = { pid: 0 }] = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const postmaster = Number(statFields(pid)[1]);
    for (const [partitions, connections] of [1, partitioned].flatMap((k) => [1, 8, 32].map((c) => [k, c] as const))) {
      useAuditPartitions(db, partitions);
      let done = 0;
      let measuring = false;
      let stop = false;
      const worker = async (w: number) => {
        let i = w;
        while (!stop) {
          const cpNumber = cpNumbers[i++ % cpNumbers.length]!;
          await db.transaction(async (tx) => {
            const [row] = await tx.query('SELECT record FROM children WHERE cp_number = $1', [cpNumber]);
            if (!row) throw new Error(`child ${cpNumber} is missing`);
            await appendAudit(tx, {
              at: new Date(),
              userId: `bench-user-${w}`,
              action: 'read',
              cpNumber,
              reason: 'Section 47 enquiry',
              detail: { shielded: false },
            });
          });
          if (measuring) done++;
        }
      };
      const workers = Array.from({ length: connections }, (_, w) => worker(w));
      // Warm up: every connection open and its statements seen once.
      await new Promise((r) => setTimeout(r, 1000));
      measuring = true;
      const t0 = performance.now();
      const node0 = process.cpuUsage();
      const pg0 = childrenCpu(postmaster);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      measuring = false;
      const elapsed = (performance.now() - t0) / 1000;
      const node = process.cpuUsage(node0);
      const pgCpu = childrenCpu(postmaster) - pg0;
      const actions = done;
      stop = true;
      await Promise.all(workers);
      emit('audit.concurrency', actions / elapsed, 'actions/s', {
        connections,
        partitions,
        actions,
        seconds: Number(elapsed.toFixed(2)),
        nodeCpuUsPerAction: Math.round((node.user + node.system) / actions),
        postgresCpuUsPerAction: Math.round((pgCpu * 1e6) / actions),
        includes: 'child row read, append, commit',
      });
    }
    // Everything appended, in every partition, still verifies.
    const v0 = performance.now();
    const verdict = await verifyAuditChain(db);
    if (!verdict.ok) throw new Error(`the audit chain does not verify: ${verdict.firstBroken.message}`);
    emit('audit.verify', verdict.entries / ((performance.now() - v0) / 1000), 'entries/s', {
      entries: verdict.entries,
      partitions: verdict.partitions ?? 1,
    });
  } finally {
    await db.close();
    await pg.stop();
  }
}

// One measurement of the adapter, in a process of its own so that its peak memory is
// its own: a case-management export of COUNT rows is written, then checked (parsed,
// mapped through profiles/case-management.json, validated with the national service's
// rules) in two threads (the bundled dist/main/adapter-check-worker.cjs the application
// starts), its journal in a store on disk. Prints one JSON line.
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { parseProfile } from '../../domain/adapter/profile.js';
import { checkFile } from '../../main/adapter/check.js';
import { CHECK_THREAD_LIMITS } from '../../main/adapter/check-part.js';
import { Worker } from 'node:worker_threads';
import { CASE_MANAGEMENT_COLUMNS, caseManagementLine, caseManagementRows } from '../../service/training/exports.js';

const count = Number(process.argv[2]);
const today = '2026-12-04';
const dir = mkdtempSync(join(tmpdir(), 'cp-bench-adapter-'));
try {
  const path = join(dir, 'export.csv');
  const out = createWriteStream(path);
  out.write(`${CASE_MANAGEMENT_COLUMNS.join(',')}\r\n`);
  for (const row of caseManagementRows({ seed: 'bench-adapter', count, today })) {
    if (!out.write(`${caseManagementLine(row)}\r\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  const db = new Database(join(dir, 'journal.db'));
  db.pragma('journal_mode = WAL');
  const profile = parseProfile(JSON.parse(readFileSync('profiles/case-management.json', 'utf8')) as unknown);
  // Generating the file grew the heap; settle before measuring.
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await checkFile({
    path,
    profile,
    today,
    userId: null,
    db,
    threads: {
      start: (data) =>
        new Worker(resolve('dist/main/adapter-check-worker.cjs'), {
          workerData: data,
          resourceLimits: CHECK_THREAD_LIMITS,
        }),
      count: 2,
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  // Every thread's CPU time: steadier than the clock on a shared machine, where the wall time swings with the neighbours.
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  db.close();
  process.stdout.write(
    `${JSON.stringify({ rows: result.rows, valid: result.valid, rejected: result.rejected, bytes: statSync(path).size, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, beforeMiB: before / 2 ** 20, peakMiB: peak / 2 ** 20 })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// The adapter's benchmark, one measurement per process so that each peak of memory is
// its own. Modes (argv[2]):
//   generate COUNT FILE  writes a case-management export of COUNT rows (once per size: a
//                        million rows take longer to write than to check)
//   check FILE           checks FILE (parsed, mapped through profiles/case-management.json,
//                        validated with the national service's rules) in two threads (the
//                        bundled dist/main/adapter-check-worker.cjs the application starts),
//                        its journal in a store on disk
//   stages FILE          where a row's CPU goes, on one thread: the same file read ever
//                        further (decode; + CSV; + mapping; + validation; + journal), each
//                        stage the difference from the one before
//   papaparse FILE       a plain parse of FILE by Papa Parse, for comparison
// Each prints one JSON line.
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3-multiple-ciphers';
import Papa from 'papaparse';
import { compileMapping } from '../../domain/adapter/mapping.js';
import { parseProfile } from '../../domain/adapter/profile.js';
import { checkFile } from '../../main/adapter/check.js';
import { CHECK_THREAD_LIMITS, sourceFormatOf } from '../../main/adapter/check-part.js';
import { readSource } from '../../main/adapter/source/index.js';
import { readText } from '../../main/adapter/source/text-source.js';
import { CASE_MANAGEMENT_COLUMNS, caseManagementLine, caseManagementRows } from '../../service/training/exports.js';

const today = '2026-12-04';
const [mode, ...args] = process.argv.slice(2);
const profile = () => parseProfile(JSON.parse(readFileSync('profiles/case-management.json', 'utf8')) as unknown);
const print = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
/** CPU seconds of every thread of the process since `from`. */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1e6;
};

async function generate(count: number, path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${CASE_MANAGEMENT_COLUMNS.join(',')}\r\n`);
  for (const row of caseManagementRows({ seed: 'bench-adapter', count, today })) {
    if (!out.write(`${caseManagementLine(row)}\r\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  print({ rows: count, bytes: statSync(path).size });
}

async function check(path: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-adapter-db-'));
  try {
    const db = new Database(join(dir, 'journal.db'));
    db.pragma('journal_mode = WAL');
    const p = profile();
    global.gc?.();
    const before = process.memoryUsage.rss();
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const result = await checkFile({
      path,
      profile: p,
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
    const cpuSeconds = cpuSince(cpu0);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage.rss());
    db.close();
    print({
      rows: result.rows,
      valid: result.valid,
      rejected: result.rejected,
      bytes: statSync(path).size,
      seconds,
      cpuSeconds,
      beforeMiB: before / 2 ** 20,
      peakMiB: peak / 2 ** 20,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each pass reads the whole file and does one stage more than the last; CPU seconds of each pass. */
async function stages(path: string): Promise<void> {
  const p = profile();
  const format = sourceFormatOf(p);
  const mapping = compileMapping(p, { today });
  const pass = async (what: 'decode' | 'csv' | 'mapping' | 'validation') => {
    global.gc?.();
    const cpu0 = process.cpuUsage();
    let rows = 0;
    if (what === 'decode') {
      for await (const piece of readText(path, 'auto', { utf8AsBytes: true })) if (typeof piece === 'string') rows++;
    } else {
      for await (const batch of readSource(path, format)) {
        for (const r of batch) {
          if (what === 'mapping') mapping.extract(r.fields);
          else if (what === 'validation') mapping.map(r.fields, r.row);
        }
        rows += batch.length;
      }
    }
    return { rows, cpuSeconds: cpuSince(cpu0) };
  };
  const decode = await pass('decode');
  const csv = await pass('csv');
  const mapped = await pass('mapping');
  const validated = await pass('validation');
  // The whole check on this thread, with its journal in a store on disk.
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-adapter-db-'));
  let journal: { rows: number; cpuSeconds: number };
  try {
    const db = new Database(join(dir, 'journal.db'));
    db.pragma('journal_mode = WAL');
    global.gc?.();
    const cpu0 = process.cpuUsage();
    const r = await checkFile({ path, profile: p, today, userId: null, db });
    journal = { rows: r.rows, cpuSeconds: cpuSince(cpu0) };
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  print({
    rows: csv.rows,
    cpuSeconds: {
      decode: decode.cpuSeconds,
      csv: csv.cpuSeconds,
      mapping: mapped.cpuSeconds,
      validation: validated.cpuSeconds,
      check: journal.cpuSeconds,
    },
  });
}

async function papaparse(path: string): Promise<void> {
  global.gc?.();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let rows = 0;
  await new Promise<void>((done, fail) =>
    Papa.parse<Record<string, string>>(createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }), {
      header: true,
      step: () => {
        rows++;
      },
      complete: () => done(),
      error: (e: Error) => fail(e),
    }),
  );
  print({ rows, seconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSince(cpu0) });
}

switch (mode) {
  case 'generate':
    await generate(Number(args[0]), args[1]!);
    break;
  case 'check':
    await check(args[0]!);
    break;
  case 'stages':
    await stages(args[0]!);
    break;
  case 'papaparse':
    await papaparse(args[0]!);
    break;
  default:
    throw new Error(`adapter-child: unknown mode ${mode}`);
}

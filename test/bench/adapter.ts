// The adapter's benchmark (issue 24): parse, transform and validate a case-management
// export of a million rows (rows per second, target 100,000; CPU per row, target 10 µs)
// with memory flat whatever the file's size (peak RSS, target 300 MiB). The machine may
// be shared, so the million-row check runs eight times, each in a process of its own
// (each peak is its own), and the median is the figure; one run at a quarter of the size
// shows memory does not grow with the file. Beside it, in the same run: where a row's CPU
// goes (one thread, stage by stage), and a plain parse of the same file by Papa Parse.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Emit } from './measure.js';

type Result = Record<string, unknown>;

async function child(...args: string[]): Promise<Result> {
  const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/bench/adapter-child.ts', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let result: Result | null = null;
  createInterface({ input: proc.stdout }).on('line', (line) => {
    if (line.startsWith('{')) result = JSON.parse(line) as Result;
  });
  const code = await new Promise<number | null>((done) => proc.on('close', done));
  if (code !== 0 || result === null) throw new Error(`adapter-child ${args[0]} failed with exit code ${code}`);
  return result;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
/** The machine's load (1, 5, 15 minutes) as the figure was taken: a shared machine's figures swing with it. */
const load = () => loadavg().map((l) => round(l, 2));

interface Check {
  rows: number;
  valid: number;
  rejected: number;
  bytes: number;
  seconds: number;
  cpuSeconds: number;
  beforeMiB: number;
  peakMiB: number;
}

export async function adapterBench(emit: Emit): Promise<void> {
  const count = Number(process.env.CP_BENCH_ROWS ?? 1_000_000);
  const runs = Number(process.env.CP_BENCH_ADAPTER_RUNS ?? 8);
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-adapter-'));
  try {
    const quarter = Math.round(count / 4);
    const files = { [quarter]: join(dir, 'quarter.csv'), [count]: join(dir, 'export.csv') };
    for (const [n, path] of Object.entries(files)) await child('generate', n, path);

    const checks: Record<number, (Check & { load: number })[]> = {};
    // The quarter-size run once (it shows memory flat with size), then the full size `runs` times.
    for (const n of [quarter, ...Array<number>(runs).fill(count)]) {
      const r = (await child('check', files[n]!)) as unknown as Check;
      // The one-minute load as each run ended: which runs shared the machine.
      (checks[n] ??= []).push({ ...r, load: round(loadavg()[0]!, 2) });
    }
    let ours = 0;
    let oursCpu = 0;
    for (const [n, rs] of Object.entries(checks)) {
      const first = rs[0]!;
      const rate = rs.map((r) => r.rows / r.seconds);
      const cpu = rs.map((r) => (r.cpuSeconds * 1e6) / r.rows);
      const peak = rs.map((r) => r.peakMiB);
      const extra = {
        rows: first.rows,
        valid: first.valid,
        rejected: first.rejected,
        fileMiB: Math.round(first.bytes / 2 ** 20),
        threads: 2,
        runs: rs.length,
        loadavg: load(),
        loadEach: rs.map((r) => r.load),
      };
      emit(`adapter.check.rows-per-second.${n}`, median(rate), 'rows/s', {
        ...extra,
        statistic: rs.length > 1 ? `median of ${rs.length} runs` : 'one run',
        each: rate.map((x) => Math.round(x)),
        seconds: rs.map((r) => round(r.seconds)),
        covers: 'read, map, validate, journal on disk',
      });
      emit(`adapter.check.cpu-per-row.${n}`, median(cpu), 'µs', {
        ...extra,
        statistic: rs.length > 1 ? `median of ${rs.length} runs` : 'one run',
        each: cpu.map((x) => round(x)),
        covers: 'CPU time of every thread of the process, per row',
      });
      emit(`adapter.check.peak-rss.${n}`, Math.max(...peak), 'MiB', {
        ...extra,
        statistic: rs.length > 1 ? `highest of ${rs.length} runs` : 'one run',
        each: peak.map((x) => Math.round(x)),
        beforeMiB: rs.map((r) => Math.round(r.beforeMiB)),
      });
      if (Number(n) === count) {
        ours = median(rate);
        oursCpu = median(cpu);
      }
    }

    // Where a row's CPU goes, on one thread (each stage: its pass less the one before).
    const st = await child('stages', files[count]!);
    const cpu = st.cpuSeconds as Record<'decode' | 'csv' | 'mapping' | 'validation' | 'check', number>;
    const rows = st.rows as number;
    const per = (s: number) => (s * 1e6) / rows;
    const stageLoad = load();
    const breakdown: [string, number, string][] = [
      ['read-decode', per(cpu.decode), 'read the file in 1 MiB chunks and decode them'],
      ['csv', per(cpu.csv - cpu.decode), 'split the text into records and fields'],
      ['mapping', per(cpu.mapping - cpu.csv), 'read each field through the profile into a supply record'],
      ['validation', per(cpu.validation - cpu.mapping), 'the service’s rules: schema (fast path), dates, case words'],
      ['journal', per(cpu.check - cpu.validation), 'the whole check inline, less the above: slices, the store on disk'],
    ];
    for (const [stage, us, covers] of breakdown)
      emit(`adapter.stage.${stage}.${count}`, us, 'µs', {
        rows,
        covers,
        threads: 1,
        oneThreadTotal: round(per(cpu.check)),
        loadavg: stageLoad,
      });

    // The same file parsed plainly (header row, one object per record) by a well-known fast CSV parser.
    const papa = await child('papaparse', files[count]!);
    const theirs = (papa.rows as number) / (papa.seconds as number);
    const theirsCpu = ((papa.cpuSeconds as number) * 1e6) / (papa.rows as number);
    const papaLoad = load();
    emit(`adapter.papaparse.rows-per-second.${count}`, theirs, 'rows/s', {
      rows: papa.rows,
      parser: 'papaparse 5 (header: true, step, streamed UTF-8), parse only',
      loadavg: papaLoad,
    });
    emit(`adapter.papaparse.cpu-per-row.${count}`, theirsCpu, 'µs', { rows: papa.rows, loadavg: papaLoad });
    emit(`adapter.check.ratio-to-papaparse.${count}`, ours / theirs, 'x', {
      of: 'rows/s: our whole check (median, two threads) / Papa Parse plain parse (one thread)',
      cpuRatio: round(oursCpu / theirsCpu, 2),
      cpuRatioOf: 'CPU µs/row: our whole check / Papa Parse plain parse',
      readerCpuRatio: round(per(cpu.csv) / theirsCpu, 2),
      readerCpuRatioOf: 'CPU µs/row: our reader alone (decode + CSV, one thread) / Papa Parse plain parse',
      loadavg: papaLoad,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The adapter's benchmark: parse, transform and validate a case-management export of a
// million rows (rows per second, target 100,000) with memory flat whatever the file's
// size (peak RSS, target 300 MiB), measured at a quarter of the size too to show it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type Emit } from './measure.js';

async function child(count: number): Promise<Record<string, number>> {
  const proc = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'test/bench/adapter-child.ts', String(count)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let result: Record<string, number> | null = null;
  createInterface({ input: proc.stdout }).on('line', (line) => {
    if (line.startsWith('{')) result = JSON.parse(line) as Record<string, number>;
  });
  const code = await new Promise<number | null>((done) => proc.on('close', done));
  if (code !== 0 || result === null) throw new Error(`adapter-child ${count} failed with exit code ${code}`);
  return result;
}

export async function adapterBench(emit: Emit): Promise<void> {
  const count = Number(process.env.CP_BENCH_ROWS ?? 1_000_000);
  for (const n of [Math.round(count / 4), count]) {
    const r = await child(n);
    const extra = {
      rows: r.rows,
      valid: r.valid,
      rejected: r.rejected,
      fileMiB: Math.round(r.bytes! / 2 ** 20),
      seconds: Number(r.seconds!.toFixed(1)),
      threads: 2,
    };
    emit(`adapter.check.rows-per-second.${n}`, r.rows! / r.seconds!, 'rows/s', {
      ...extra,
      covers: 'read, map, validate, journal on disk',
    });
    emit(`adapter.check.peak-rss.${n}`, r.peakMiB!, 'MiB', { ...extra, beforeMiB: Math.round(r.beforeMiB!) });
    emit(`adapter.check.cpu-per-row.${n}`, (r.cpuSeconds! * 1e6) / r.rows!, 'µs', {
      ...extra,
      cpuSeconds: Number(r.cpuSeconds!.toFixed(1)),
      covers: 'CPU time of every thread of the process, per row',
    });
  }
}

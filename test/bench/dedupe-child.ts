// One measurement of duplicate detection at scale, in a process of its own so that its
// peak memory is its own: `engine` runs the matcher over generated children held in
// memory; `working-set` runs a whole cleansing run (every rule and the matcher) over an
// encrypted working set of them. Prints one JSON line.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dedupeRecordFromChild } from '../../domain/dedupe/compare.js';
import { DEFAULT_REVIEW_THRESHOLD, DEFAULT_THRESHOLD, findDuplicates } from '../../domain/dedupe/index.js';
import { startChecksFromSource } from '../../main/cleansing/checks-from-source.js';
import { runCleanse } from '../../main/cleansing/cleanse.js';
import { linkChanged, type LinkSummary } from '../../main/cleansing/incremental.js';
import { childId, openStore, type WorkingSetStore } from '../../main/working-set/store.js';
import { cpNumberFromSerial } from '../../domain/cp-number.js';
import type { ChildRecord } from '../../domain/child-record.js';
import { createKeyringVault } from '../../main/working-set/vault.js';
import { applyStatements, statementsOf, type SupplyProvenance } from '../../service/supply/provenance.js';
import { generateChildren, type GeneratedChild } from '../../service/training/index.js';
import { fillStore } from '../support/working-set.js';
import { missedPlanted } from './dedupe-missed.js';

const [mode, countText] = process.argv.slice(2);
const count = Number(countText);
const today = '2026-11-25';

/** Peak resident memory while `work` runs, sampled every 50 ms. */
async function peakDuring<T>(work: () => Promise<T>): Promise<{ value: T; peakMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const value = await work();
    return { value, peakMiB: Math.max(peak, process.memoryUsage().rss) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** Each field's provenance as the service would hold it after the child's supplies, oldest first. */
function provenanceOf(c: GeneratedChild): SupplyProvenance {
  let record = c.record;
  let provenance: SupplyProvenance = {};
  for (const s of [...c.supplies].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))) {
    ({ record, provenance } = applyStatements(record, provenance, s.supplier, s.receivedAt, statementsOf(s)));
  }
  return provenance;
}

/**
 * Incremental linking after the full run: three batches of 1,000 changed children, each
 * as a delta sync would bring them (700 held children changed: a move, a name spelt
 * differently, an NHS number taken away; 300 new children, each a copy of a held one with
 * a slip in the given name), written to the store first, then linked and timed alone.
 */
function linkBatches(store: WorkingSetStore, cps: readonly string[]) {
  const BATCH = 1000;
  const runs: Omit<LinkSummary, 'outcome' | 'message'>[] = [];
  for (let b = 0; b < 3; b++) {
    const step = Math.max(1, Math.floor(cps.length / BATCH));
    const records: ChildRecord[] = [];
    for (let k = 0; k < BATCH; k++) {
      const cp = cps[(k * step + b * 7 + 1) % cps.length]!;
      const held = store.child(cp)!.record as unknown as ChildRecord;
      if (k % 10 < 7) {
        const how = k % 3;
        const changed: ChildRecord =
          how === 0 && held.address
            ? {
                ...held,
                address: {
                  ...held.address,
                  lines: [`${k + 1} New Road`, ...held.address.lines.slice(1)],
                  postcode: 'CH41 9ZZ',
                },
              }
            : how === 1
              ? { ...held, name: { ...held.name, given: `${held.name.given}h` } }
              : { ...held, identifiers: { supplierRefs: held.identifiers.supplierRefs } };
        records.push({ ...changed, version: held.version + 1 });
      } else {
        records.push({
          ...held,
          cpNumber: cpNumberFromSerial(99_000_000 + b * BATCH + k),
          name: { ...held.name, given: `${held.name.given}a` },
        });
      }
    }
    fillStore(
      store,
      records.map((record) => ({ record: record as unknown as Record<string, unknown> & { cpNumber: string } })),
    );
    const summary = linkChanged(store, { ids: records.map((r) => childId(r.cpNumber)!) });
    const { outcome: _o, message: _m, ...figures } = summary;
    runs.push(figures);
  }
  return runs;
}

if (mode === 'engine') {
  const records: ReturnType<typeof dedupeRecordFromChild>[] = [];
  const truth: string[] = [];
  for (const c of generateChildren({ seed: 'contactpoint-training', count, today })) {
    records.push(dedupeRecordFromChild(c.record));
    truth.push(c.truthId);
  }
  const held = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  // With the review band, as a cleansing run finds pairs (main/cleansing/cleanse.ts).
  const { value: result, peakMiB } = await peakDuring(() =>
    findDuplicates(records, { reviewThreshold: DEFAULT_REVIEW_THRESHOLD }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const groups = new Map<string, number>();
  for (const t of truth) groups.set(t, (groups.get(t) ?? 0) + 1);
  let actual = 0;
  for (const n of groups.values()) actual += (n * (n - 1)) / 2;
  const auto = result.pairs.filter((p) => p.band === 'auto');
  const band = result.pairs.filter((p) => p.band === 'review');
  const tp = auto.filter((p) => truth[p.a] === truth[p.b]).length;
  const tpBand = band.filter((p) => truth[p.a] === truth[p.b]).length;
  process.stdout.write(
    `${JSON.stringify({
      records: records.length,
      seconds,
      candidatePairs: result.stats.candidatePairs,
      comparisons: result.stats.comparisons,
      pairs: auto.length,
      duplicates: tp,
      precision: tp / auto.length,
      recall: tp / actual,
      threshold: DEFAULT_THRESHOLD,
      reviewThreshold: DEFAULT_REVIEW_THRESHOLD,
      plantedPairs: actual,
      band: { pairs: band.length, duplicates: tpBand, recall: tpBand / actual, precision: tpBand / band.length },
      combinedRecall: (tp + tpBand) / actual,
      heldMiB: held,
      peakMiB,
      timings: result.stats.timings,
      rules: result.stats.rules,
      missed: missedPlanted(records, truth, result),
    })}\n`,
  );
} else if (mode === 'working-set') {
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-cleanse-'));
  const account = `bench-${randomBytes(6).toString('hex')}`;
  const vault = createKeyringVault(account);
  try {
    let store = openStore(dir, vault);
    let batch: { record: Record<string, unknown> & { cpNumber: string }; provenance: Record<string, unknown> }[] = [];
    const cps: string[] = [];
    for (const c of generateChildren({ seed: 'contactpoint-training', count, today })) {
      cps.push(c.record.cpNumber);
      batch.push({
        record: c.record as unknown as Record<string, unknown> & { cpNumber: string },
        provenance: provenanceOf(c) as Record<string, unknown>,
      });
      if (batch.length === 5000) {
        fillStore(store, batch);
        batch = [];
      }
    }
    if (batch.length > 0) fillStore(store, batch);
    store.ensureSearchIndexes();
    store.close();
    store = openStore(dir, vault);
    const t0 = performance.now();
    const { value: summary, peakMiB } = await peakDuring(() =>
      runCleanse(store, { today, checksThread: { dir, keyAccount: account, start: startChecksFromSource } }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const incremental = linkBatches(store, cps);
    store.close();
    process.stdout.write(
      `${JSON.stringify({ records: summary.records, seconds, pairsCompared: summary.pairsCompared, tasks: summary.tasks, byRule: summary.byRule, stages: summary.stages, peakMiB, incremental })}\n`,
    );
  } finally {
    vault.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  process.stderr.write('usage: dedupe-child.ts engine|working-set COUNT\n');
  process.exit(2);
}

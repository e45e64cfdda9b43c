// npm run bench -- national.load: England-scale training data loaded with COPY
// (service/training/national-load.ts) into a fresh PostgreSQL tuned for a bulk load, then
// the service's own search and read functions timed against it. CP_NATIONAL_CHILDREN
// (default 1,000,000) and CP_NATIONAL_AUTHORITIES (default 150) set the size;
// CP_NATIONAL_SEARCHES (default 200) how many searches and reads are timed.
import { performance } from 'node:perf_hooks';
import { cpNumberFromSerial } from '../../domain/cp-number.js';
import type { ChildRecord } from '../../domain/child-record.js';
import type { Actor } from '../../domain/roles.js';
import { readChild } from '../../service/records/read.js';
import { searchChildren } from '../../service/records/search.js';
import { openPostgres } from '../../service/store/postgres.js';
import { createRandom } from '../../service/training/index.js';
import { loadNational } from '../../service/training/national-load.js';
import { startPostgres } from '../support/postgres.js';
import { percentile } from './measure.js';

type Emit = (name: string, value: number, unit: string, extra?: Record<string, unknown>) => void;

/** The server's settings for a bulk load: no WAL for the copied tables, few checkpoints. */
export const bulkLoadSettings = {
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_wal_size: '32GB',
  checkpoint_timeout: '30min',
  shared_buffers: '2GB',
  max_parallel_maintenance_workers: '1',
} as const;

function wholeNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a whole number above 0: ${raw}`);
  return n;
}

/** A keyboard slip inside a surname, as a practitioner types it: one letter changed. */
function slip(r: ReturnType<typeof createRandom>, name: string): string {
  const letters = [...name].map((c, i) => ({ c, i })).filter(({ c, i }) => i > 0 && c >= 'a' && c <= 'z');
  if (letters.length === 0) return name;
  const { c, i } = r.pick(letters);
  let sub = c;
  while (sub === c) sub = String.fromCharCode(97 + r.int(0, 25));
  return name.slice(0, i) + sub + name.slice(i + 1);
}

export async function nationalLoadBench(emit: Emit): Promise<void> {
  const children = wholeNumber('CP_NATIONAL_CHILDREN', 1_000_000);
  const authorities = wholeNumber('CP_NATIONAL_AUTHORITIES', 150);
  const samples = wholeNumber('CP_NATIONAL_SEARCHES', 200);
  const server = await startPostgres({ settings: bulkLoadSettings });
  try {
    const url = await server.createDatabase();
    const report = await loadNational({
      databaseUrl: url,
      children,
      authorities,
      log: (line) => process.stderr.write(`national.load: ${line}\n`),
    });
    const extra = {
      children,
      authorities,
      supplyLinks: report.supplyLinks,
      server: 'test cluster, fsync off, wal_level minimal',
    };
    emit('national.load.copy', report.copySeconds, 's', { ...extra, phase: 'generate and COPY' });
    emit('national.load.indexes', report.indexSeconds, 's', {
      ...extra,
      phase: 'index build',
      perIndex: Object.fromEntries(report.indexes.map((i) => [i.name, Number(i.seconds.toFixed(1))])),
    });
    emit('national.load.vacuum', report.vacuumSeconds, 's', { ...extra, phase: 'VACUUM ANALYZE' });
    emit('national.load.total', report.totalSeconds, 's', { ...extra, phase: 'migrate to analysed' });
    emit('national.load.rate', children / report.totalSeconds, 'children/s', extra);
    for (const [table, size] of Object.entries(report.sizes)) {
      emit(`national.load.size.${table}`, size.table / 2 ** 20, 'MiB', {
        ...extra,
        indexesMiB: Math.round(size.indexes / 2 ** 20),
      });
    }

    // The service's own search and read, in a transaction each as its routes run them (audited).
    const db = await openPostgres(url, { max: 2 });
    try {
      const actor: Actor = {
        userId: 'bench-practitioner',
        name: 'Bench Practitioner',
        roles: ['practitioner'],
        organisation: {
          id: 'bench-org',
          name: 'Bench organisation',
          kind: 'school',
          accredited: true,
          localAuthority: null,
          supplier: null,
        },
        localAuthority: null,
        sessionId: 'bench-session',
      };
      const r = createRandom('national.load.bench');
      const pickChild = async (): Promise<ChildRecord> => {
        for (;;) {
          const cp = cpNumberFromSerial(r.int(1, children));
          const [row] = await db.query<{ record: ChildRecord; shielded: boolean }>(
            "SELECT record, shielded FROM children WHERE cp_number = $1 AND status = 'active'",
            [cp],
          );
          if (row && !row.shielded) return row.record;
        }
      };
      const at = new Date();
      const today = at.toISOString().slice(0, 10);
      const targets: ChildRecord[] = [];
      for (let i = 0; i < samples + 20; i++) targets.push(await pickChild());
      const searches: number[] = [];
      let found = 0;
      let results = 0;
      for (const [i, target] of targets.entries()) {
        const query = { surname: slip(r, target.name.family), forename: target.name.given, dob: target.dob };
        const t0 = performance.now();
        const outcome = await db.transaction((tx) => searchChildren(tx, actor, query, at));
        // The first 20 warm the caches; they are not counted.
        if (i < 20) continue;
        searches.push(performance.now() - t0);
        results += outcome.results.length;
        if (outcome.results.some((x) => x.cpNumber === target.cpNumber)) found++;
      }
      searches.sort((a, b) => a - b);
      const searchExtra = {
        children,
        searches: searches.length,
        query: 'surname with one letter wrong, forename, date of birth',
        foundShare: Number((found / searches.length).toFixed(3)),
        meanResults: Number((results / searches.length).toFixed(1)),
        includes: 'searchChildren in its transaction, audited; no HTTP',
      };
      emit('national.search.p50', percentile(searches, 50), 'ms', searchExtra);
      emit('national.search.p95', percentile(searches, 95), 'ms', searchExtra);

      const reads: number[] = [];
      for (const [i, target] of targets.entries()) {
        const t0 = performance.now();
        await db.transaction((tx) =>
          readChild(tx, actor, target.cpNumber, { reason: 'Checking who is involved', at, today }),
        );
        if (i >= 20) reads.push(performance.now() - t0);
      }
      reads.sort((a, b) => a - b);
      const readExtra = { children, reads: reads.length, includes: 'readChild in its transaction, audited; no HTTP' };
      emit('national.read.p50', percentile(reads, 50), 'ms', readExtra);
      emit('national.read.p95', percentile(reads, 95), 'ms', readExtra);
    } finally {
      await db.close();
    }
  } finally {
    await server.stop();
  }
}

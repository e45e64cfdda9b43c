// npm run bench -- management: the management team's calls against a national index of
// realistic size, on PostgreSQL 15, over HTTP, signed and audited as the desktop makes
// them: management information (one authority, and all), the audit searched by user,
// its signals over 30 days and its chain verified, the archive listed, and a transfer
// asked for and accepted. CP_BENCH_CHILDREN sets the number of children (default
// 200,000); CP_BENCH_AUDIT the audit entries written before the audit is measured
// (default 200,000: about a month of searches and reads by 60 people).
import { performance } from 'node:perf_hooks';
import { appendAudit, type AuditEntryInput } from '../../service/audit/audit-log.js';
import { openPostgres } from '../../service/store/postgres.js';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../support/children.js';
import { startServiceHarness, type SignedClient } from '../support/national-service.js';
import { startPostgres } from '../support/postgres.js';
import { type Emit, percentile } from './measure.js';

/** Run `call` `runs` times after `warm` unmeasured runs; milliseconds, sorted. */
async function timed(runs: number, warm: number, call: (i: number) => Promise<{ status: number }>): Promise<number[]> {
  for (let i = 0; i < warm; i++) await call(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await call(warm + i);
    samples.push(performance.now() - t0);
    if (res.status >= 300) throw new Error(`the call answered ${res.status}`);
  }
  return samples.sort((a, b) => a - b);
}

export async function managementBench(emit: Emit): Promise<void> {
  const children = Number(process.env['CP_BENCH_CHILDREN'] ?? 200_000);
  const auditEntries = Number(process.env['CP_BENCH_AUDIT'] ?? 200_000);
  const pg = await startPostgres();
  const db = await openPostgres(await pg.createDatabase());
  try {
    // The harness closes what it is given: the store is closed here, after it.
    const h = await startServiceHarness({ trainingCount: children, database: { ...db, close: async () => undefined } });
    const team: SignedClient = await h.signIn('trn-la-team');
    const cwacTeam: SignedClient = await h.signIn('trn-la-team-cwac');
    const dataManager: SignedClient = await h.signIn('trn-data-manager');
    const stats = { children, engine: 'postgres 15', includes: 'HTTP, signature, audit entry' };
    const report = (name: string, samples: number[], extra: Record<string, unknown> = {}) => {
      emit(`${name}.p50`, percentile(samples, 50), 'ms', { ...stats, runs: samples.length, ...extra });
      emit(`${name}.p95`, percentile(samples, 95), 'ms', { ...stats, runs: samples.length, ...extra });
    };

    report('management.information.one-authority', await timed(20, 3, () => team.get('/v1/management-information')));
    report('management.information.all', await timed(20, 3, () => dataManager.get('/v1/management-information')));
    report('management.archive.page', await timed(20, 3, () => dataManager.get('/v1/archive?limit=100')), {
      pageSize: 100,
    });

    // A month of searches and reads by 60 people, in the chain as the service writes it.
    const now = h.clock.now().getTime();
    const w0 = performance.now();
    const batch = 2_000;
    for (let done = 0; done < auditEntries; done += batch) {
      await db.transaction(async (tx) => {
        for (let i = done; i < Math.min(auditEntries, done + batch); i++) {
          const entry: AuditEntryInput = {
            at: new Date(now - 30 * 86_400_000 + Math.floor((i / auditEntries) * 30 * 86_400_000)),
            userId: `bench-user-${i % 60}`,
            action: i % 4 === 0 ? 'read' : 'search',
            cpNumber: i % 4 === 0 ? `CP${String(100_000_000 + (i % 50_000)).slice(1)}` : null,
            reason: i % 4 === 0 ? 'Bench read' : null,
            detail: i % 4 === 0 ? {} : { results: i % 7 },
          };
          await appendAudit(tx, entry);
        }
      });
    }
    emit('management.audit.append', auditEntries / ((performance.now() - w0) / 1000), 'entries/s', {
      entries: auditEntries,
      engine: 'postgres 15',
      includes: 'hash chain, one transaction per 2,000',
    });

    report(
      'management.audit.by-user',
      await timed(20, 3, (i) => dataManager.get(`/v1/audit?userId=bench-user-${i % 60}&limit=100`)),
      { auditEntries, pageSize: 100 },
    );
    report('management.audit.signals-30-days', await timed(5, 1, () => dataManager.get('/v1/audit/signals')), {
      auditEntries,
    });
    const v0 = performance.now();
    const verified = await dataManager.get('/v1/audit/verify');
    const seconds = (performance.now() - v0) / 1000;
    if (verified.status !== 200 || verified.body.intact !== true)
      throw new Error(`the audit chain did not verify: ${JSON.stringify(verified.body)}`);
    emit('management.audit.verify', Number(verified.body.entries) / seconds, 'entries/s', {
      entries: verified.body.entries,
      seconds: Number(seconds.toFixed(2)),
      ...stats,
    });

    // Transfers: asked for by Wirral, accepted by Cheshire West and Chester (the child moves, both feeds follow).
    const cps = (
      await db.query<{ cp_number: string }>(
        "SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' ORDER BY cp_number DESC LIMIT 25",
        [WIRRAL],
      )
    ).map((r) => r.cp_number);
    const asked: number[] = [];
    const accepted: number[] = [];
    for (const cp of cps) {
      let t0 = performance.now();
      const res = await team.post('/v1/transfers', {
        cpNumber: cp,
        toLocalAuthority: CHESHIRE_WEST_AND_CHESTER,
        reason: 'Bench: the family moved',
      });
      asked.push(performance.now() - t0);
      if (res.status !== 201) throw new Error(`transfer request answered ${res.status}`);
      t0 = performance.now();
      const done = await cwacTeam.post(`/v1/transfers/${res.body.transfer.id}/accept`, {});
      accepted.push(performance.now() - t0);
      if (done.status !== 200) throw new Error(`transfer accept answered ${done.status}`);
    }
    report(
      'management.transfer.request',
      asked.slice(5).sort((a, b) => a - b),
    );
    report(
      'management.transfer.accept',
      accepted.slice(5).sort((a, b) => a - b),
    );
    await h.close();
  } finally {
    await db.close();
    await pg.stop();
  }
}

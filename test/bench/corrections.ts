// Correcting records at scale (issue 20, "Quality and speed"): 1,000 corrections, a
// postcode fix each against an open cleansing task, queued through the working-set
// worker's `correct` operation (what the correction.submit handler calls) and sent in one
// go with `sendCorrections` (the handler's send): signed `update` submissions from the
// encrypted outbox to a real national service on PostgreSQL. Measures the whole run, from
// the first correction queued until every one is accepted and its task closed, and each
// correction's time from queued (the worker's answer) to accepted with its task closed
// (seen by a second connection to the store, polled every 5 ms during the send).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateSync } from 'otplib';
import { createApiClient } from '../../main/api/client.js';
import { createTransport } from '../../main/api/transport.js';
import { ensureCleanseSchema } from '../../main/cleansing/cleanse.js';
import { createSessionManager } from '../../main/session/session-manager.js';
import { ensureCorrectionSchema } from '../../main/working-set/corrections.js';
import { openStore } from '../../main/working-set/store.js';
import { createKeyringVault } from '../../main/working-set/vault.js';
import { createWorkingSet, type WorkingSet } from '../../main/working-set/worker-client.js';
import { startService, type RunningService } from '../../service/server.js';
import { trainingAccounts } from '../../service/training/accounts.js';
import { WIRRAL } from '../support/children.js';
import { startPostgres } from '../support/postgres.js';
import { type Emit, percentile } from './measure.js';

const CORRECTIONS = 1_000;
/** Enough training children for 1,000 unshielded Wirral children with an address. */
const TRAINING_CHILDREN = 5_000;

interface Target {
  cp_number: string;
  version: number;
  address: { lines: string[]; postcode: string } & Record<string, unknown>;
}

export async function correctionsBench(emit: Emit): Promise<void> {
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-corrections-'));
  const keyAccount = `bench-${randomBytes(6).toString('hex')}`;
  let service: RunningService | undefined;
  let ws: WorkingSet | undefined;
  try {
    service = await startService({
      port: 0,
      trainingMode: true,
      trainingCount: TRAINING_CHILDREN,
      lifecycleIntervalMs: 0,
      databaseUrl: await pg.createDatabase(),
    });
    // Signed in as the application signs in: main's session manager, a real TOTP code.
    const transport = createTransport({ timeoutMs: 120_000 });
    const api = createApiClient({ baseUrl: service.url, transport });
    const session = createSessionManager({ api, card: null, idleMs: 3_600_000 });
    const account = trainingAccounts.find((a) => a.id === 'trn-la-team')!;
    const state = await session.signInToken({
      userId: account.id,
      password: account.password,
      otp: generateSync({ secret: account.totpSecret }),
    });
    if (state.status !== 'signed-in') throw new Error('the bench could not sign in');
    ws = createWorkingSet({
      workerFile: resolve('dist/main/working-set-worker.cjs'),
      dir,
      keyAccount,
      serviceUrl: service.url,
      transport: { timeoutMs: 120_000 },
      session,
    });
    ws.startSync(WIRRAL);
    while (ws.sync().running) await new Promise((r) => setTimeout(r, 20));
    if (ws.sync().last?.run?.outcome !== 'completed')
      throw new Error(`the sync did not complete: ${JSON.stringify(ws.sync().last)}`);
    const held = (await ws.call({ op: 'summary' })).children;

    const targets = await service.db.query<Target>(
      `SELECT cp_number, version, record->'address' AS address FROM children
        WHERE local_authority = '${WIRRAL}' AND status = 'active' AND NOT shielded AND NOT shield_pending
          AND record->>'dateOfDeath' IS NULL AND jsonb_typeof(record->'address') = 'object'
        ORDER BY md5(cp_number) LIMIT ${CORRECTIONS}`,
    );
    if (targets.length !== CORRECTIONS) throw new Error(`only ${targets.length} children to correct`);

    // An open cleansing task for each, as a run leaves them, written through a second
    // connection to the encrypted store (the worker keeps its own open).
    const side = openStore(dir, createKeyringVault(keyAccount));
    ensureCleanseSchema(side.db);
    const add = side.db.prepare(
      "INSERT INTO cleanse_tasks (rule, priority, cp, detail, created_at, key) VALUES ('invalid-postcode', 1, ?, '{}', ?, ?)",
    );
    const taskIds = side.db.transaction(() =>
      targets.map((t) =>
        Number(add.run(t.cp_number, new Date().toISOString(), `invalid-postcode|${t.cp_number}|bench`).lastInsertRowid),
      ),
    )();
    side.close();

    // A second connection watches, every 5 ms, for corrections accepted with their task
    // closed (the outbox settles each submission of 500 in one transaction). Only the
    // rows after the last seen are read, so the watching costs little.
    const watch = openStore(dir, createKeyringVault(keyAccount));
    ensureCorrectionSchema(watch.db);
    const acceptedAfter = watch.db.prepare<[number], { id: number }>(
      `SELECT c.id FROM corrections c JOIN cleanse_tasks t ON t.id = c.cleanse_task
        WHERE c.id > ? AND c.state = 'accepted' AND t.state = 'resolved' AND t.resolution = 'corrected'
        ORDER BY c.id`,
    );
    const queuedAt = new Map<number, number>();
    const acceptedAt = new Map<number, number>();
    let lastSeen = 0;
    const poll = () => {
      const seen = performance.now();
      for (const { id } of acceptedAfter.all(lastSeen)) {
        acceptedAt.set(id, seen);
        lastSeen = Math.max(lastSeen, id);
      }
    };

    // Queued one by one as the screen submits them, then sent in one go.
    const t0 = performance.now();
    for (const [i, t] of targets.entries()) {
      const postcode = t.address.postcode === 'CH41 1AA' ? 'CH41 1AB' : 'CH41 1AA';
      const view = await ws.call({
        op: 'correct',
        correction: {
          cpNumber: t.cp_number,
          baseVersion: t.version,
          changes: { address: { ...t.address, postcode } },
          cleanseTaskId: taskIds[i]!,
        },
        reveal: false,
        at: new Date().toISOString(),
      });
      queuedAt.set(view.id, performance.now());
      if (view.state !== 'pending') throw new Error(`a correction was not queued: ${view.state}`);
    }
    const queuedMs = performance.now() - t0;
    const watching = setInterval(poll, 5);
    let sent;
    try {
      sent = await ws.call({ op: 'sendCorrections' });
    } finally {
      clearInterval(watching);
    }
    poll();
    const totalMs = Math.max(...acceptedAt.values()) - t0;
    // The whole set again, not only after the last seen: every one accepted, every task closed.
    for (const { id } of acceptedAfter.all(0)) if (!acceptedAt.has(id)) acceptedAt.set(id, performance.now());
    watch.close();
    if (sent.applied !== CORRECTIONS || sent.conflicts !== 0 || sent.rejected !== 0)
      throw new Error(`not every correction was accepted: ${JSON.stringify(sent)}`);
    // Every correction accepted with its task closed, in the store; every record one version on nationally.
    if (acceptedAt.size !== CORRECTIONS || queuedAt.size !== CORRECTIONS)
      throw new Error(`${acceptedAt.size} of ${queuedAt.size} corrections accepted with their task closed`);
    const raised = await service.db.query<{ cp_number: string; version: number }>(
      'SELECT cp_number, version FROM children WHERE cp_number = ANY($1)',
      [targets.map((t) => t.cp_number)],
    );
    const before = new Map(targets.map((t) => [t.cp_number, t.version]));
    if (raised.length !== CORRECTIONS || raised.some((r) => r.version !== before.get(r.cp_number)! + 1))
      throw new Error('not every record is one version on at the national index');

    const samples = [...queuedAt].map(([id, at]) => acceptedAt.get(id)! - at).sort((a, b) => a - b);
    const extra = {
      corrections: CORRECTIONS,
      workingSet: held,
      submissionsOf: 500,
      service: 'in-process, PostgreSQL 15, loopback HTTP',
      store: 'SQLCipher (AES-256), worker thread',
    };
    emit('corrections.total', totalMs / 1000, 's', {
      ...extra,
      queueing: Number((queuedMs / 1000).toFixed(3)),
      covers: 'queue each through the worker, one send, all accepted and tasks closed',
    });
    emit('corrections.rate', CORRECTIONS / (totalMs / 1000), 'corrections/s', extra);
    emit('corrections.queued-to-accepted.p50', percentile(samples, 50), 'ms', { ...extra, pollMs: 5 });
    emit('corrections.queued-to-accepted.p95', percentile(samples, 95), 'ms', { ...extra, pollMs: 5 });
    await session.signOut();
  } finally {
    await ws?.close();
    try {
      createKeyringVault(keyAccount).destroy();
    } catch {
      // No credential store here: nothing was stored.
    }
    rmSync(dir, { recursive: true, force: true });
    await service?.close();
    await pg.stop();
  }
}

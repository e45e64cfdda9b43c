// The management screen's "Download and check against the checkpoint"
// (manage.auditVerifyRange, main/ipc/management-handlers.ts) against a real service whose
// audit trail is in partitions: every chain the signed checkpoint has a head for is
// downloaded and checked, not chain 0 alone; an entry changed in another chain is named;
// an entry asked for picks its own chain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../main/api/client.js';
import { createTransport } from '../../../main/api/transport.js';
import { AppFailure } from '../../../main/ipc/app-failure.js';
import { createManagementHandlers } from '../../../main/ipc/management-handlers.js';
import { createSessionManager, type SessionManager } from '../../../main/session/session-manager.js';
import { partitionSpan } from '../../../service/audit/audit-log.js';
import { trainingAccounts } from '../../../service/training/accounts.js';
import { startServiceHarness, totpFor, type ServiceHarness } from '../../support/national-service.js';

const PARTITIONS = 4;

describe('checking the downloaded audit against the checkpoint, with the trail in partitions', () => {
  let service: ServiceHarness;
  let session: SessionManager;
  let handlers: ReturnType<typeof createManagementHandlers>;
  /** Entries in each chain up to the checkpoint, by partition. */
  let counts: Map<number, number>;

  beforeAll(async () => {
    service = await startServiceHarness({ trainingCount: 10, auditPartitions: PARTITIONS });
    // Sign-ins by several people: their entries go to their own partitions.
    for (const id of [
      'trn-practitioner',
      'trn-la-team',
      'trn-la-team-cwac',
      'trn-child-protection',
      'trn-national-admin',
    ])
      await service.signIn(id);
    const manager = await service.signIn('trn-data-manager');
    expect((await manager.post('/v1/audit/checkpoints', {})).status).toBe(201);
    const rows = await service.db.query<{ part: number; n: number }>(
      `SELECT (seq / ${partitionSpan})::int AS part, count(*)::int AS n FROM audit_log GROUP BY 1 ORDER BY 1`,
    );
    counts = new Map(rows.map((r) => [r.part, r.n]));
    expect(counts.size).toBeGreaterThan(1);

    const api = createApiClient({
      baseUrl: service.url,
      transport: createTransport({}),
      now: () => service.clock.now().getTime(),
      retryDelaysMs: [10],
    });
    session = createSessionManager({ api, card: null, idleMs: 60_000, now: () => service.clock.now().getTime() });
    service.clock.advance(30_000);
    const account = trainingAccounts.find((a) => a.id === 'trn-data-manager')!;
    await session.signInToken({
      userId: account.id,
      password: account.password,
      otp: totpFor(account.id, service.clock.now()),
    });
    handlers = createManagementHandlers({ session, chooseFile: async () => null, accessReasonForHeader: (r) => r });
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await service?.close();
  });

  it('the checkpoint says how many chains and entries it covers, over every chain', async () => {
    const { checkpoint } = await handlers['manage.auditCheckpoint']({});
    expect(checkpoint).not.toBeNull();
    const total = [...counts.values()].reduce((a, n) => a + n, 0);
    expect(checkpoint!.chains).toBe(counts.size);
    expect(checkpoint!.entries).toBe(total);
    expect(checkpoint!.size).toBe(counts.get(0));
  });

  it('downloads and checks every chain, and says so', async () => {
    const verdict = await handlers['manage.auditVerifyRange']({});
    const total = [...counts.values()].reduce((a, n) => a + n, 0);
    expect(verdict).toMatchObject({ ok: true, chains: counts.size, entries: total, from: 1, problem: null });
    const last = Math.max(...counts.keys());
    expect(verdict.to).toBe(last * partitionSpan + counts.get(last)!);
  });

  it('names an entry changed in a chain other than chain 0', async () => {
    const part = [...counts.keys()].find((p) => p > 0)!;
    const seq = part * partitionSpan + 1;
    const [{ action }] = (await service.db.query<{ action: string }>('SELECT action FROM audit_log WHERE seq = $1', [
      seq,
    ])) as [{ action: string }];
    await service.db.query("UPDATE audit_log SET action = 'nothing-happened' WHERE seq = $1", [seq]);
    try {
      const verdict = await handlers['manage.auditVerifyRange']({});
      expect(verdict).toMatchObject({ ok: false, seq, from: part * partitionSpan + 1 });
      expect(verdict.message).toContain(`Entry ${seq}`);
      // Asked for from chain 0, only chain 0 is checked, and it is intact.
      expect(await handlers['manage.auditVerifyRange']({ from: 1 })).toMatchObject({
        ok: true,
        chains: 1,
        from: 1,
        to: counts.get(0),
      });
      // Asked for from inside the changed chain, that chain alone: the change is found.
      expect(await handlers['manage.auditVerifyRange']({ from: seq })).toMatchObject({ ok: false, chains: 1, seq });
    } finally {
      await service.db.query('UPDATE audit_log SET action = $2 WHERE seq = $1', [seq, action]);
    }
    expect(await handlers['manage.auditVerifyRange']({ from: seq })).toMatchObject({ ok: true, chains: 1, from: seq });
  });

  it('refuses an entry in a chain the checkpoint has no head for, saying which chain', async () => {
    const unused = Array.from({ length: 63 }, (_, i) => i + 1).find((p) => !counts.has(p))!;
    const e = await handlers['manage.auditVerifyRange']({ from: unused * partitionSpan + 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppFailure);
    expect((e as AppFailure).code).toBe('not-found');
    expect((e as AppFailure).message).toContain(`audit chain ${unused}`);
  });
});

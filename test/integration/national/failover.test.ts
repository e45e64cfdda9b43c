// The national stack losing a part under load (issue 22, item 5), at CI size: 50,000
// children, a pg_auto_failover monitor, primary and synchronous standby, two service
// instances behind HAProxy over HTTPS (scripts/national/stack.ts), and simulated users
// signing every request (test/bench/national/load.ts), all real processes on loopback.
//
// - One instance is killed: HAProxy routes around it, clients retry what was in flight,
//   and nothing answered 2xx is missing afterwards.
// - The primary's postmaster is killed (SIGKILL): the monitor promotes the standby, the
//   instances find it by themselves, clients see errors for at most 30 s, and every
//   request answered 2xx is in the database (each audited read has its audit entry, each
//   accepted submission and supply is applied) and the audit chain verifies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerifyCommand } from '../../../service/audit/verify-cli.js';
import { loadNational } from '../../../service/training/national-load.js';
import { startNationalStack, type NationalStack } from '../../../scripts/national/stack.js';
import {
  provisionLoadUsers,
  runLoad,
  verifyAcknowledged,
  type LoadResult,
  type LoadUsers,
} from '../../bench/national/load.js';

let stack: NationalStack;
let users: LoadUsers;

beforeAll(async () => {
  stack = await startNationalStack({
    instances: 2,
    standby: true,
    ...(process.env['CP_NATIONAL_DIR'] ? { dir: process.env['CP_NATIONAL_DIR'] } : {}),
    load: async (databaseUrl) => {
      await loadNational({ databaseUrl, children: 50_000, authorities: 10 });
    },
  });
  users = await provisionLoadUsers(stack.databaseUrl, { practitioners: 12, teams: 2, suppliers: 2 });
}, 600_000);

afterAll(async () => {
  await stack?.stop();
}, 120_000);

/** Every operation ran, and none failed for good but an involvement (never retried: it has no key). */
function expectAllAnswered(result: LoadResult): void {
  for (const op of ['sign-in', 'search', 'read', 'feed', 'submission', 'supply']) {
    expect(result.operations[op]?.count ?? 0, op).toBeGreaterThan(0);
  }
  const lasting = Object.entries(result.failures).filter(([what]) => !what.startsWith('involvement'));
  expect(lasting).toEqual([]);
}

describe('the national stack under load', () => {
  it('loses a service instance: HAProxy routes around it and no answered request is lost', async () => {
    const run = runLoad({ baseUrl: stack.url, ca: stack.ca, databaseUrl: stack.databaseUrl }, users, {
      clients: 8,
      durationMs: 20_000,
      retryForMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 7_000));
    stack.killInstance(0);
    const result = await run;
    expectAllAnswered(result);
    const { checked, missing } = await verifyAcknowledged(stack.databaseUrl, result.acknowledged);
    expect(checked).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  }, 180_000);

  it('loses the primary: the standby is promoted, errors last ≤ 30 s, no acknowledged write is lost', async () => {
    const before = await stack.primary();
    const run = runLoad({ baseUrl: stack.url, ca: stack.ca, databaseUrl: stack.databaseUrl }, users, {
      clients: 8,
      durationMs: 30_000,
      retryForMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 8_000));
    const killed = await stack.killPrimaryPostmaster();
    expect(killed.name).toBe(before!.name);
    const result = await run;
    // The other node is primary now.
    const after = await stack.waitForNodes(
      (ns) => ns.some((n) => n.name !== killed.name && ['primary', 'wait_primary'].includes(n.reported)),
      60_000,
    );
    expect(after.find((n) => n.name !== killed.name)!.reported).toMatch(/primary/);
    expectAllAnswered(result);
    expect(result.errorWindowMs).toBeGreaterThan(0);
    expect(result.errorWindowMs).toBeLessThanOrEqual(30_000);
    const { checked, missing } = await verifyAcknowledged(stack.databaseUrl, result.acknowledged);
    expect(checked).toBeGreaterThan(0);
    expect(missing).toEqual([]);
    // The audit chain, from first entry to last, with every seal.
    const lines: string[] = [];
    const code = await runVerifyCommand(['--database-url', stack.databaseUrl, '--audit-key', stack.auditKeyFile], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
    });
    expect(lines.join('\n')).toMatch(/intact/i);
    expect(code).toBe(0);
  }, 240_000);
});

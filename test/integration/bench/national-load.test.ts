// The national load test's client (test/bench/national/load.ts) against a real service
// on a real PostgreSQL: provisioned accounts sign in with their own card keys and sign
// every request; every operation of the mix runs without an error; everything the
// service answered is found in the database, and the check that says so can fail. A
// service that goes away in the middle of a run is retried through, and nothing it
// answered is lost. Speed is measured by `npm run bench -- national`, not here.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../service/server.js';
import {
  loopbackTarget,
  provisionLoadUsers,
  runLoad,
  verifyAcknowledged,
  type LoadResult,
  type LoadUsers,
} from '../../bench/national/load.js';
import { withTestServer } from '../../support/stores.js';

// The key that seals token secrets, the same across a restart of the service.
const secretsKey = randomBytes(32);
/** A CA and a server certificate it signed for 127.0.0.1, made by openssl in `dir`. */
function makeCertificates(dir: string): { ca: Buffer; cert: Buffer; key: Buffer } {
  const file = (name: string) => join(dir, name);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-days',
    '2',
    '-subj',
    '/CN=ContactPoint load test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  openssl(['req', ...ec, '-subj', '/CN=127.0.0.1', '-keyout', file('server.key'), '-out', file('server.csr')]);
  writeFileSync(
    file('server.ext'),
    'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  openssl([
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.pem'),
  ]);
  return {
    ca: readFileSync(file('ca.pem')),
    cert: readFileSync(file('server.pem')),
    key: readFileSync(file('server.key')),
  };
}

const opsOfTheMix = ['sign-in', 'search', 'read', 'involvement', 'feed', 'submission', 'supply'];

describe('the national load test client', () => {
  let databaseUrl: string;
  let closeServer: () => Promise<void>;
  let service: RunningService;
  let users: LoadUsers;
  let first: LoadResult;

  beforeAll(async () => {
    const { server, close } = await withTestServer();
    closeServer = close;
    databaseUrl = await server.createDatabase();
    service = await startService({
      port: 0,
      databaseUrl,
      trainingMode: true,
      trainingCount: 400,
      lifecycleIntervalMs: 0,
      secretsKey,
    });
    users = await provisionLoadUsers(databaseUrl, { practitioners: 6, teams: 2, suppliers: 2 });
  }, 180_000);

  afterAll(async () => {
    await service?.close();
    await closeServer?.();
  });

  it('provisions accounts with their own card keys and children to look for', async () => {
    expect(users.practitioners).toHaveLength(6);
    expect(users.teams).toHaveLength(2);
    expect(users.suppliers).toHaveLength(2);
    const keys = new Set([...users.practitioners, ...users.teams, ...users.suppliers].map((u) => u.cardKeyPem));
    expect(keys.size).toBe(10);
    expect(users.children.length).toBeGreaterThan(100);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const rows = await client.query('SELECT count(*)::int AS n FROM card_keys WHERE user_id LIKE $1', [
        `load-${users.runTag}-%`,
      ]);
      expect(rows.rows[0].n).toBe(10);
    } finally {
      await client.end();
    }
  });

  it('runs every operation of the mix over signed HTTP without an error, and all of it is in the database', async () => {
    first = await runLoad({ baseUrl: service.url, databaseUrl }, users, {
      clients: 4,
      durationMs: 6_000,
      maxRequests: 5_000,
    });
    expect(first.mix).toEqual({ practitioners: 2, teams: 1, suppliers: 1 });
    expect(first.failures).toEqual({});
    for (const op of opsOfTheMix) {
      expect(first.operations[op], op).toBeDefined();
      expect(first.operations[op]!.errors, op).toBe(0);
      expect(first.operations[op]!.count, op).toBeGreaterThan(0);
      expect(first.operations[op]!.p50, op).toBeGreaterThan(0);
      expect(first.operations[op]!.p99, op).toBeGreaterThanOrEqual(first.operations[op]!.p50);
    }
    expect(first.operations['sign-in']!.count).toBe(4);
    expect(first.errorWindowMs).toBe(0);
    // Typed with slips, most searches still find the child looked for.
    expect(first.searchesFound.found / first.searchesFound.answered).toBeGreaterThan(0.5);

    const ack = first.acknowledged;
    expect(ack.reads.length).toBe(first.operations['read']!.count);
    expect(ack.involvements.length).toBe(first.operations['involvement']!.count);
    expect(ack.supplies.length).toBe(first.operations['supply']!.count);
    expect(ack.submissions.length).toBeGreaterThan(0);
    const verified = await verifyAcknowledged(databaseUrl, ack);
    expect(verified.missing).toEqual([]);
    const supplied = ack.supplies.reduce((n, s) => n + 1 + s.records.filter((r) => r.cpNumber).length, 0);
    expect(verified.checked).toBe(
      ack.signIns.length +
        ack.reads.length +
        first.operations['search']!.count +
        first.operations['feed']!.count +
        ack.involvements.length +
        ack.submissions.length +
        supplied,
    );
  }, 120_000);

  it('reports what the database lost, by its reference and account, with no personal data', async () => {
    const ack = first.acknowledged;
    const read = ack.reads[0]!;
    const searcher = Object.keys(ack.searches)[0]!;
    const supply = ack.supplies[0]!;
    const suppliedRecord = supply.records.find((r) => r.cpNumber !== undefined)!;
    const involvement = ack.involvements[0]!;
    const submission = ack.submissions[0]!;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      // The audit trail has no protection against its superuser: the chain and its seals
      // show such a deletion (npm run audit:verify); here the load test's own check must.
      await client.query("DELETE FROM audit_log WHERE action = 'read' AND user_id = $1 AND reason = $2", [
        read.userId,
        read.reason,
      ]);
      await client.query(
        `DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log WHERE action = 'search' AND user_id = $1)`,
        [searcher],
      );
      await client.query('DELETE FROM supply_links WHERE supplier = $1 AND supplier_ref = $2', [
        suppliedRecord.supplier,
        suppliedRecord.supplierRef,
      ]);
      await client.query('DELETE FROM involvement_owners WHERE involvement_id = $1', [involvement.involvementId]);
      await client.query('DELETE FROM submission_items WHERE user_id = $1 AND idempotency_key = $2', [
        submission.userId,
        submission.idempotencyKey,
      ]);
    } finally {
      await client.end();
    }
    const verified = await verifyAcknowledged(databaseUrl, ack);
    expect(verified.missing).toEqual(
      expect.arrayContaining([
        `read by ${read.userId} ref ${read.ref}: no audit entry`,
        expect.stringMatching(
          new RegExp(`^searches by ${searcher}: \\d+ answered, \\d+ audit entries \\(1 missing\\)$`),
        ),
        `supply ${supply.idempotencyKey} record ${suppliedRecord.supplierRef} (${suppliedRecord.status}): not applied`,
        `involvement ${involvement.involvementId} by ${involvement.userId}: not recorded`,
        `submission ${submission.idempotencyKey} by ${submission.userId}: not applied`,
      ]),
    );
    expect(verified.missing).toHaveLength(5);
    // Nothing about a child: no CP number, name or date of birth of any child sampled.
    const text = verified.missing.join('\n');
    for (const child of users.children) {
      expect(text).not.toContain(child.cpNumber);
      expect(text).not.toContain(child.family);
      expect(text).not.toContain(child.dob);
    }
  });

  it('retries through a service that goes away and comes back, losing nothing it answered', async () => {
    const port = service.port;
    const running = runLoad({ baseUrl: service.url, databaseUrl }, users, {
      clients: 4,
      durationMs: 7_000,
      maxRequests: 5_000,
      retryForMs: 30_000,
    });
    await new Promise((r) => setTimeout(r, 2_000));
    // A graceful stop: requests in flight finish; new connections are refused until the
    // service is back on the same port, 1.5 s later.
    await service.close();
    await new Promise((r) => setTimeout(r, 1_500));
    service = await startService({
      port,
      databaseUrl,
      trainingMode: true,
      trainingCount: 400,
      lifecycleIntervalMs: 0,
      secretsKey,
    });
    const result = await running;
    // Only an involvement may fail: it has no Idempotency-Key, so it is never retried.
    expect(Object.keys(result.failures).filter((k) => !k.startsWith('involvement '))).toEqual([]);
    const retries = Object.values(result.operations).reduce((n, s) => n + s.retries, 0);
    expect(retries).toBeGreaterThan(0);
    expect(result.errorWindowMs).toBeGreaterThanOrEqual(1_000);
    expect(result.errorWindowMs).toBeLessThan(20_000);
    for (const op of ['search', 'read', 'feed', 'submission', 'supply'])
      expect(result.operations[op]!.count, op).toBeGreaterThan(0);
    const verified = await verifyAcknowledged(databaseUrl, result.acknowledged);
    expect(verified.missing).toEqual([]);
  }, 120_000);

  it('runs over HTTPS trusting the CA given, and gives up at once on a server the CA does not vouch for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-load-tls-'));
    // A second instance on the same database, serving HTTPS.
    let secure: RunningService | undefined;
    try {
      const { ca, cert, key } = makeCertificates(dir);
      secure = await startService({
        port: 0,
        databaseUrl,
        trainingMode: true,
        trainingCount: 400,
        lifecycleIntervalMs: 0,
        secretsKey,
        tls: { cert, key },
      });
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
      const trusted = await runLoad({ baseUrl: secure.url, ca, databaseUrl }, users, {
        clients: 1,
        durationMs: 1_500,
      });
      expect(trusted.failures).toEqual({});
      expect(trusted.operations['search']!.count).toBeGreaterThan(0);
      expect(trusted.operations['read']!.count).toBeGreaterThan(0);
      expect((await verifyAcknowledged(databaseUrl, trusted.acknowledged)).missing).toEqual([]);

      const started = Date.now();
      const untrusted = await runLoad({ baseUrl: secure.url, databaseUrl }, users, {
        clients: 1,
        durationMs: 1_500,
      });
      expect(Object.keys(untrusted.failures)).toEqual([expect.stringMatching(/^sign-in no answer \(/)]);
      expect(untrusted.operations['sign-in']!.retries).toBe(0);
      expect(untrusted.operations['search']!.count).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await secure?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses to send anywhere but loopback', async () => {
    for (const baseUrl of [
      'http://10.0.0.1:8080',
      'https://192.0.2.10',
      'http://[2001:db8::1]:80',
      'ftp://127.0.0.1',
    ]) {
      await expect(runLoad({ baseUrl, databaseUrl }, users, { clients: 1, durationMs: 1_000 })).rejects.toThrow(
        /loopback only|must be http/,
      );
    }
    await expect(loopbackTarget('http://127.0.0.1:8080/v1')).rejects.toThrow(/origin only/);
    expect((await loopbackTarget('https://127.0.0.1:8443')).address).toBe('127.0.0.1');
    expect((await loopbackTarget('http://[::1]:8080')).address).toBe('::1');
    expect((await loopbackTarget('http://localhost:8080')).origin).toBe('http://localhost:8080');
  });
});

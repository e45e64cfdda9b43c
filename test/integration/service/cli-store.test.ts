// `npm run service` with its store and transport flags, as an operator runs it: a real
// child process, real sign-in (password + TOTP), real signed requests.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import { afterAll, describe, expect, it } from 'vitest';
import { runVerifyCommand } from '../../../service/audit/verify-cli.js';
import { trainingAccounts } from '../../../service/training/accounts.js';
import { generateChildren } from '../../../service/training/index.js';
import { trainingSeed } from '../../../service/training/seed.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';
import { generateSessionKey, signRequest } from '../../support/request-signer.js';

const dirs: string[] = [];
let pg: TestPostgres | undefined;
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await pg?.stop();
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cp-cli-'));
  dirs.push(d);
  return d;
}

function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'service/cli.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = async () => {
    await expect.poll(() => stdout, { timeout: 60_000, interval: 100 }).toMatch(/listening on \S+\n/);
    return /listening on (\S+)/.exec(stdout)![1]!;
  };
  return { child, ready, out: () => stdout, err: () => stderr };
}

async function signIn(url: string, userId: string) {
  const account = trainingAccounts.find((a) => a.id === userId)!;
  const { privateKey, publicJwk } = generateSessionKey();
  const res = await fetch(`${url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      method: 'otp',
      userId,
      password: account.password,
      otp: generateSync({ secret: account.totpSecret }),
      sessionKey: publicJwk,
    }),
  });
  expect(res.status).toBe(201);
  const { sessionId } = (await res.json()) as { sessionId: string };
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const signed = signRequest({
      method,
      url: `${url}${path}`,
      ...(text ? { body: text } : {}),
      keyid: sessionId,
      privateKey,
    });
    return fetch(`${url}${path}`, {
      method,
      headers: { ...signed, ...(text ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(text ? { body: text } : {}),
    });
  };
}

describe('npm run service --data DIR', () => {
  it('keeps everything across a SIGTERM and a restart: a change made just before the signal is there after', async () => {
    const dir = join(tempDir(), 'store');
    const first = startCli(['--port', '0', '--data', dir, '--training-count', '150']);
    const url = await first.ready();
    const call = await signIn(url, 'trn-practitioner');
    // A child the training data is sure to hold: the generator is deterministic.
    const today = new Date().toISOString().slice(0, 10);
    const child = [...generateChildren({ seed: trainingSeed, count: 150, today })].find((c) => !c.record.shielded)!;
    const cp = child.record.cpNumber;
    const found = await call('GET', `/v1/children?cpNumber=${cp}`);
    expect(((await found.json()) as { results: { cpNumber: string }[] }).results.map((r) => r.cpNumber)).toEqual([cp]);
    // Send the change and the signal together: the request in flight must still land.
    const pending = call('POST', `/v1/children/${cp}/involvements`, {
      service: 'School nursing',
      startDate: '2026-01-05',
    });
    await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGTERM');
    const res = await pending;
    expect(res.status).toBe(201);
    const {
      involvement: { id },
    } = (await res.json()) as { involvement: { id: string } };
    const [code] = await once(first.child, 'exit');
    expect(code).toBe(0);

    const second = startCli(['--port', '0', '--data', dir, '--training-count', '150']);
    const url2 = await second.ready();
    expect(second.err()).not.toContain('loading training data');
    // Another user: the practitioner's code of this 30 s step is spent (single use).
    const call2 = await signIn(url2, 'trn-child-protection');
    const read = await call2('GET', `/v1/children/${cp}`, undefined, {
      'cp-access-reason': 'Checking the record after a restart',
    });
    expect(read.status).toBe(200);
    const record = (await read.json()) as { involvements: { id: string; service: string }[] };
    expect(record.involvements.map((i) => i.id)).toContain(id);
    second.child.kill('SIGTERM');
    expect((await once(second.child, 'exit'))[0]).toBe(0);

    // Every sign-in, search, read and change of both runs is in one intact audit chain.
    const out: string[] = [];
    const status = await runVerifyCommand(['--data', dir], { out: (s) => out.push(s), err: () => undefined });
    expect(out.join('')).toMatch(/audit chain intact: \d+ entries/);
    expect(status).toBe(0);
  }, 120_000);
});

describe('npm run service --tls-cert --tls-key', () => {
  it('serves HTTPS with HSTS', async () => {
    const dir = tempDir();
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const cli = startCli(['--port', '0', '--training-count', '10', '--tls-cert', cert, '--tls-key', key]);
    const url = await cli.ready();
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { status, hsts, body } = await new Promise<{ status: number; hsts: string | undefined; body: string }>(
      (resolve, reject) => {
        const req = httpsRequest(`${url}/v1/status`, { ca: readFileSync(cert) }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'], body: text }),
          );
        });
        req.on('error', reject);
        req.end();
      },
    );
    expect(status).toBe(200);
    expect(hsts).toMatch(/max-age=\d+/);
    expect(JSON.parse(body)).toMatchObject({ trainingMode: true });
    cli.child.kill('SIGTERM');
    expect((await once(cli.child, 'exit'))[0]).toBe(0);
  }, 60_000);

  it('refuses a certificate file it cannot read, naming the flag', async () => {
    const cli = startCli(['--port', '0', '--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem']);
    const [code] = await once(cli.child, 'exit');
    expect(code).toBe(2);
    expect(cli.err()).toContain('--tls-cert: cannot read /nonexistent/cert.pem');
  }, 30_000);
});

describe('npm run service --database-url', () => {
  it('runs on a real PostgreSQL server', async () => {
    pg ??= await startPostgres();
    const dbUrl = await pg.createDatabase();
    const cli = startCli(['--port', '0', '--database-url', dbUrl, '--training-count', '120']);
    const url = await cli.ready();
    const call = await signIn(url, 'trn-la-team');
    const res = await call('GET', '/v1/sync/E08000015/changes?limit=1000');
    expect(res.status).toBe(200);
    const page = (await res.json()) as { changes: unknown[] };
    expect(page.changes.length).toBeGreaterThan(50);
    cli.child.kill('SIGTERM');
    expect((await once(cli.child, 'exit'))[0]).toBe(0);
  }, 90_000);

  it('says why it cannot connect, without the password', async () => {
    const cli = startCli(['--port', '0', '--database-url', 'postgres://someone:Sup3rSecretPw@127.0.0.1:1/nothing']);
    const [code] = await once(cli.child, 'exit');
    expect(code).toBe(1);
    expect(cli.err()).toMatch(/could not start/);
    expect(cli.err()).not.toContain('Sup3rSecretPw');
  }, 30_000);
});

// TOTP secrets at rest (service/auth/secret-box.ts, accounts/stored-secrets.ts): sealed
// under a key held outside the database, so a copy of the database yields no working
// token. Real PGlite stores, a real service on loopback, real TOTP codes from otplib.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox, SecretBoxError, trainingKeyFileFor } from '../../../service/auth/secret-box.js';
import { SettableClock } from '../../../service/context.js';
import { startService } from '../../../service/server.js';
import { openPglite } from '../../../service/store/pglite.js';
import { migrate } from '../../../service/store/migrations.js';
import { trainingAccounts } from '../../../service/training/accounts.js';
import { createSignIn } from '../../support/national-service.js';

const trainer = trainingAccounts.find((a) => a.id === 'trn-la-team')!;

describe('the secret box', () => {
  const box = new SecretBox(randomBytes(32));
  it('opens what it sealed, for the same account only, and never with another key', () => {
    const sealed = box.seal(trainer.totpSecret, 'trn-la-team');
    expect(sealed).toMatch(/^sb1:/);
    expect(sealed).not.toContain(trainer.totpSecret);
    expect(box.open(sealed, 'trn-la-team')).toBe(trainer.totpSecret);
    // Copied onto another account's row: does not open there.
    expect(() => box.open(sealed, 'trn-practitioner')).toThrow(SecretBoxError);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'trn-la-team')).toThrow(/does not open/);
    expect(() => box.open(trainer.totpSecret, 'trn-la-team')).toThrow(/not sealed/);
  });
  it('refuses a key of the wrong length, naming where it came from and not the value', async () => {
    const { parseSecretsKey } = await import('../../../service/auth/secret-box.js');
    expect(() => parseSecretsKey('c2hvcnQ=', 'CP_SECRETS_KEY')).toThrow(/CP_SECRETS_KEY must hold a 32-byte key/);
  });
});

describe('a service and its secrets key', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cp-secrets-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('will not start live without a key, and opens no store', async () => {
    await expect(
      startService({ port: 0, trainingMode: false, lifecycleIntervalMs: 0, dataDir: join(dir, 'never') }),
    ).rejects.toThrow(/Live mode needs the secrets key .*--secrets-key-file FILE or set CP_SECRETS_KEY/);
    await expect(stat(join(dir, 'never'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it("keeps a training store's key beside it (mode 0600), seals every secret, and signs in after a restart", async () => {
    const data = join(dir, 'store');
    const clock = new SettableClock(new Date('2026-11-24T10:00:00Z'));
    const first = await startService({
      port: 0,
      trainingMode: true,
      dataDir: data,
      trainingCount: 5,
      lifecycleIntervalMs: 0,
      clock,
    });
    const rows = await first.db.query<{ id: string; totp_secret: string }>(
      'SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL',
    );
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) {
      expect(r.totp_secret).toMatch(/^sb1:/);
      expect(r.totp_secret).not.toContain(trainingAccounts.find((a) => a.id === r.id)!.totpSecret);
    }
    await first.close();
    expect((await stat(trainingKeyFileFor(data))).mode & 0o777).toBe(0o600);
    const again = await startService({
      port: 0,
      trainingMode: true,
      dataDir: data,
      trainingCount: 5,
      lifecycleIntervalMs: 0,
      clock,
    });
    try {
      const client = await createSignIn(again.url, clock)('trn-la-team');
      expect(client.user.id).toBe('trn-la-team');
    } finally {
      await again.close();
    }
    // Another key does not open this store: one clear error at start, not refusals at each sign-in.
    await expect(
      startService({
        port: 0,
        trainingMode: true,
        dataDir: data,
        trainingCount: 5,
        lifecycleIntervalMs: 0,
        clock,
        secretsKey: randomBytes(32),
      }),
    ).rejects.toThrow(/The secrets key does not open the security-token secrets in this store/);
  }, 120_000);

  it('seals a secret an earlier version stored in the clear, at start-up; a secret moved to another account does not sign in', async () => {
    const db = await openPglite();
    await migrate(db);
    const clock = new SettableClock(new Date('2026-11-24T10:00:00Z'));
    const key = randomBytes(32);
    const service = await startService({
      port: 0,
      trainingMode: true,
      database: db,
      trainingCount: 5,
      lifecycleIntervalMs: 0,
      clock,
      secretsKey: key,
    });
    try {
      // As version 11 of the store held it: in the clear.
      await db.query('UPDATE users SET totp_secret = $2 WHERE id = $1', ['trn-la-team', trainer.totpSecret]);
      const { sealStoredSecrets } = await import('../../../service/accounts/stored-secrets.js');
      expect(await sealStoredSecrets(db, new SecretBox(key))).toEqual({ sealed: 1 });
      const [row] = await db.query<{ totp_secret: string }>('SELECT totp_secret FROM users WHERE id = $1', [
        'trn-la-team',
      ]);
      expect(row!.totp_secret).toMatch(/^sb1:/);
      expect((await createSignIn(service.url, clock)('trn-la-team')).user.id).toBe('trn-la-team');
      // An insider copies their own sealed secret onto a colleague's row: it opens for no one else.
      await db.query(
        "UPDATE users SET totp_secret = (SELECT totp_secret FROM users WHERE id = 'trn-la-team') WHERE id = 'trn-child-protection'",
      );
      const res = await fetch(`${service.url}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          method: 'otp',
          userId: 'trn-child-protection',
          password: 'x',
          otp: '000000',
          sessionKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' },
        }),
      });
      expect([400, 401, 422]).toContain(res.status);
      await expect(createSignIn(service.url, clock)('trn-child-protection')).rejects.toThrow(/401 .*sign-in-refused/);
    } finally {
      await service.close();
    }
  }, 120_000);
});

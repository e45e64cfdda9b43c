// `npm run training:card` against the real SoftHSM2 and OpenSC: the token it makes must
// hold the key it registers, so the desktop app can sign in with it.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTrainingCard, DEFAULT_PKCS11_MODULE } from '../../../scripts/training-card.js';
import type { PublicJwk } from '../../../domain/jwk.js';
import { runVerifyCommand } from '../../../service/audit/verify-cli.js';
import { openStore } from '../../../service/store/open-store.js';
import { readTrainingCards } from '../../../service/training/card-registry.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let home: string;
const env = () => ({ ...process.env, CONTACTPOINT_TRAINING_HOME: home });
const toolEnv = () => ({ ...process.env, SOFTHSM2_CONF: join(home, 'softhsm2.conf') });

async function run(argv: string[], environment: NodeJS.ProcessEnv = env()): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runTrainingCard(
    argv,
    { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } },
    environment,
  );
  return { code, stdout, stderr };
}

/** Token labels as PKCS#11 reports them through the module. */
function listedTokenLabels(): string[] {
  const out = execFileSync('pkcs11-tool', ['--module', DEFAULT_PKCS11_MODULE, '--list-slots'], {
    env: toolEnv(),
    encoding: 'utf8',
  });
  return [...out.matchAll(/token label\s*:\s*(.*?)\s*$/gm)].map((m) => m[1] ?? '');
}

/** Sign `message` with the card's key on the token (ECDSA over its SHA-256, raw r‖s). */
function signWithToken(label: string, message: Buffer, pin = '123456'): Buffer {
  const work = mkdtempSync(join(tmpdir(), 'cp-sign-'));
  try {
    writeFileSync(join(work, 'digest.bin'), createHash('sha256').update(message).digest());
    execFileSync(
      'pkcs11-tool',
      [
        '--module',
        DEFAULT_PKCS11_MODULE,
        '--token-label',
        label,
        '--login',
        '--pin',
        pin,
        '--sign',
        '--mechanism',
        'ECDSA',
        '--id',
        '01',
        '--input-file',
        join(work, 'digest.bin'),
        '--output-file',
        join(work, 'sig.bin'),
      ],
      { env: toolEnv(), stdio: 'pipe' },
    );
    return readFileSync(join(work, 'sig.bin'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const verifies = (jwk: PublicJwk, message: Buffer, signature: Buffer) =>
  verify(
    'sha256',
    message,
    { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    signature,
  );

const cardOf = (userId: string) => readTrainingCards(home).find((c) => c.userId === userId);

describe('npm run training:card', () => {
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'cp-training-home-'));
  });
  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('provisions a token whose key is the one registered for the user, and says how to use it', async () => {
    const r = await run(['--user', 'trn-practitioner', '--so-pin', 'so-secret-4711']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(listedTokenLabels()).toContain('cp-trn-practitioner');

    const card = cardOf('trn-practitioner');
    expect(card).toMatchObject({
      userId: 'trn-practitioner',
      tokenLabel: 'cp-trn-practitioner',
      publicJwk: { kty: 'EC', crv: 'P-256' },
    });
    const message = Buffer.from('challenge.thumbprint', 'utf8');
    const signature = signWithToken('cp-trn-practitioner', message);
    expect(signature).toHaveLength(64);
    expect(verifies(card!.publicJwk, message, signature)).toBe(true);
    expect(verifies(card!.publicJwk, Buffer.from('another message'), signature)).toBe(false);

    expect(r.stdout).toContain('cp-trn-practitioner');
    expect(r.stdout).toMatch(/PIN:\s+123456/);
    expect(r.stdout).toContain(join(home, 'softhsm2.conf'));
    expect(r.stdout).toContain(DEFAULT_PKCS11_MODULE);
    expect(r.stdout).not.toContain('so-secret-4711');

    expect(readFileSync(join(home, 'softhsm2.conf'), 'utf8')).toContain(
      `directories.tokendir = ${join(home, 'tokens')}`,
    );
    expect(statSync(join(home, 'cards.json')).mode & 0o777).toBe(0o600);
  });

  it('replaces the token and the card when run again for the same user, and leaves other users’ cards alone', async () => {
    expect((await run(['--user', 'trn-practitioner'])).code).toBe(0);
    expect((await run(['--user', 'trn-la-team'])).code).toBe(0);
    const old = cardOf('trn-practitioner')!.publicJwk;
    const otherUser = cardOf('trn-la-team')!.publicJwk;

    expect((await run(['--user', 'trn-practitioner', '--pin', '246810'])).code).toBe(0);
    const current = cardOf('trn-practitioner')!.publicJwk;
    expect(current).not.toEqual(old);
    expect(readTrainingCards(home).filter((c) => c.userId === 'trn-practitioner')).toHaveLength(1);
    expect(cardOf('trn-la-team')!.publicJwk).toEqual(otherUser);
    expect(listedTokenLabels().filter((l) => l === 'cp-trn-practitioner')).toHaveLength(1);

    const message = Buffer.from('after re-provisioning', 'utf8');
    const signature = signWithToken('cp-trn-practitioner', message, '246810');
    expect(verifies(current, message, signature)).toBe(true);
    expect(verifies(old, message, signature)).toBe(false);
    // The other user's token still signs for the key registered for them.
    expect(verifies(otherUser, message, signWithToken('cp-trn-la-team', message))).toBe(true);
  });

  it('refuses an unknown user, naming them, and provisions nothing', async () => {
    const r = await run(['--user', 'trn-nobody']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"trn-nobody"');
    expect(r.stdout).toBe('');
    expect(readdirSync(home)).toEqual([]);
  });

  it.each([
    [[], /--user is required/],
    [['--user'], /--user/],
    [['--user', 'trn-practitioner', '--colour', 'red'], /Unknown option '--colour'/],
    [['--user', 'trn-practitioner', '--pin', '123'], /--pin must be 4 to 255 characters/],
    [['--user', 'trn-practitioner', '--data', 'a', '--database-url', 'postgres://h/db'], /not both/],
  ])('answers %j with usage (exit 2) and provisions nothing', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('Usage: npm run training:card -- --user ID');
    expect(readdirSync(home)).toEqual([]);
  });

  it('refuses a corrupt cards.json with a clear error, leaving it unchanged and provisioning nothing', async () => {
    const text = '{"cards": [{"userId": "trn-la-team"';
    writeFileSync(join(home, 'cards.json'), text);
    const r = await run(['--user', 'trn-practitioner']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(home, 'cards.json')} is not valid JSON`);
    expect(readFileSync(join(home, 'cards.json'), 'utf8')).toBe(text);
    expect(readdirSync(home)).toEqual(['cards.json']);
  });

  it('says which packages to install when SoftHSM2 or OpenSC is missing', async () => {
    const r = await run(['--user', 'trn-practitioner'], { ...env(), PATH: join(home, 'no-tools-here') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('apt-get install softhsm2 opensc');
    expect(existsSync(join(home, 'cards.json'))).toBe(false);
  });

  it('uses the PKCS#11 module named by CONTACTPOINT_PKCS11_MODULE, refusing one that is not there', async () => {
    const r = await run(['--user', 'trn-practitioner'], {
      ...env(),
      CONTACTPOINT_PKCS11_MODULE: '/nowhere/libpkcs11.so',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nowhere/libpkcs11.so does not exist');
    expect(existsSync(join(home, 'cards.json'))).toBe(false);
  });

  it('registers the card in the store given with --data, revoking the user’s earlier card there', async () => {
    const dataDir = join(home, 'store');
    const seed = await openStore({ dataDir });
    await seed.query(
      `INSERT INTO organisations (id, name, kind, accredited) VALUES ('org-gp-training', 'Training GP', 'gp-practice', true)`,
    );
    await seed.query(
      `INSERT INTO users (id, name, organisation_id, roles) VALUES ('trn-practitioner', 'Alex Morgan', 'org-gp-training', $1)`,
      [['practitioner']],
    );
    await seed.close();

    expect((await run(['--user', 'trn-practitioner', '--data', dataDir])).code).toBe(0);
    const first = cardOf('trn-practitioner')!.publicJwk;
    const r = await run(['--user', 'trn-practitioner', '--data', dataDir]);
    expect(r.code).toBe(0);
    const second = cardOf('trn-practitioner')!.publicJwk;
    expect(r.stdout).toMatch(/and in the store \(thumbprint [A-Za-z0-9_-]{43}\)/);
    // The registrations' audit entries are sealed with the store's own key (kept beside it), so the chain still verifies, seals and all.
    const verified: string[] = [];
    expect(
      await runVerifyCommand(['--data', dataDir], { out: (l) => verified.push(l), err: (l) => verified.push(l) }),
    ).toBe(0);
    expect(verified.join('\n')).not.toMatch(/seals are not/);

    const db = await openStore({ dataDir });
    try {
      const rows = await db.query<{ public_jwk: PublicJwk; revoked: boolean }>(
        'SELECT public_jwk, revoked_at IS NOT NULL AS revoked FROM card_keys WHERE user_id = $1 ORDER BY registered_at',
        ['trn-practitioner'],
      );
      expect(rows).toEqual([
        { public_jwk: first, revoked: true },
        { public_jwk: second, revoked: false },
      ]);
    } finally {
      await db.close();
    }

    // A user the store does not have: refused before any token is made.
    const missing = await run(['--user', 'trn-la-team', '--data', dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no user "trn-la-team" in that store');
    expect(cardOf('trn-la-team')).toBeUndefined();
    expect(listedTokenLabels()).not.toContain('cp-trn-la-team');
  }, 60_000);

  it('runs as a command, exiting 2 with usage when --user is missing', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/training-card.ts'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: env(),
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--user is required');
  }, 60_000);
});

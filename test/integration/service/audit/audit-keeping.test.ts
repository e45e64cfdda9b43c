// The audit keys and checkpoints as the running service keeps them: live mode with a
// store refuses to start without keys and a checkpoint directory; with them, it
// publishes a checkpoint at start, another when an hour has passed on its clock and a
// last one when it stops, and `npm run audit:verify` checks the store with the key
// through a checkpoint the operator copied. A training store keeps its keys beside its
// data directory and its chain still verifies after a restart.
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../../../service/audit/audit-log.js';
import { besideStore } from '../../../../service/audit/audit-key.js';
import { listCheckpointFiles, parseCheckpoint, publicKeyFile } from '../../../../service/audit/checkpoints.js';
import { runVerifyCommand } from '../../../../service/audit/verify-cli.js';
import { SettableClock } from '../../../../service/context.js';
import { startService } from '../../../../service/server.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cp-audit-keeping-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function verify(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runVerifyCommand(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

describe('a live service', () => {
  const files = () => {
    const dir = mkdtempSync(join(root, 'live-'));
    const seal = join(dir, 'audit-seal.key');
    const signing = join(dir, 'audit-signing.pem');
    writeFileSync(seal, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    writeFileSync(signing, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    return { dir, seal, signing, checkpoints: join(dir, 'checkpoints'), data: join(dir, 'store') };
  };

  it('will not start with a store but without its audit keys, or without a checkpoint directory, and opens nothing', async () => {
    const f = files();
    const live = { port: 0, trainingMode: false, lifecycleIntervalMs: 0, dataDir: f.data, secretsKey: randomBytes(32) };
    await expect(startService(live)).rejects.toThrow(
      /give the seal key \(--audit-key FILE.*\) and the checkpoint signing key \(--audit-signing-key FILE/,
    );
    await expect(startService({ ...live, audit: { sealKeyFile: f.seal, signingKeyFile: f.signing } })).rejects.toThrow(
      /--audit-checkpoints DIR/,
    );
    expect(existsSync(f.data)).toBe(false);
    // A key file that holds no key is named, and its content is not shown.
    writeFileSync(f.seal, 'not-a-key-but-a-secret');
    const refused = startService({
      ...live,
      audit: { sealKeyFile: f.seal, signingKeyFile: f.signing, checkpointDir: f.checkpoints },
    });
    await expect(refused).rejects.toThrow(`The audit seal key file ${f.seal} does not hold an audit seal key`);
    await expect(refused).rejects.not.toThrow(/not-a-key-but-a-secret/);
  });

  it('publishes at start, on the hour by its clock and at shutdown; the store verifies with the key through a copied checkpoint, and not with another key', async () => {
    const f = files();
    const clock = new SettableClock(new Date('2026-06-01T08:00:00Z'));
    const service = await startService({
      port: 0,
      trainingMode: false,
      lifecycleIntervalMs: 0,
      dataDir: f.data,
      secretsKey: randomBytes(32),
      clock,
      audit: {
        sealKeyFile: f.seal,
        signingKeyFile: f.signing,
        checkpointDir: f.checkpoints,
        checkpointCheckEveryMs: 10,
      },
    });
    const read = (name: string) => parseCheckpoint(readFileSync(join(f.checkpoints, name), 'utf8'), name);
    let closed = false;
    try {
      for (let i = 1; i <= 3; i++) {
        await service.db.transaction((tx) =>
          appendAudit(tx, { at: clock.now(), userId: 'u-live', action: 'search', detail: { results: i } }),
        );
      }
      expect(listCheckpointFiles(f.checkpoints).map((n) => read(n).reason)).toEqual(['start']);
      expect(readFileSync(join(f.checkpoints, publicKeyFile), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      clock.advance(60 * 60 * 1000);
      await expect.poll(() => listCheckpointFiles(f.checkpoints).length).toBe(2);
      expect(read(listCheckpointFiles(f.checkpoints)[1]!)).toMatchObject({
        reason: 'hourly',
        at: '2026-06-01T09:00:00.000Z',
        size: 3,
      });
      await service.close();
      closed = true;
    } finally {
      if (!closed) await service.close();
    }
    const names = listCheckpointFiles(f.checkpoints);
    expect(read(names.at(-1)!).reason).toBe('shutdown');

    // The hourly one, as a second system would have copied it.
    const copied = join(f.checkpoints, names[1]!);
    const ok = await verify(
      '--data',
      f.data,
      '--audit-key',
      f.seal,
      '--checkpoint',
      copied,
      '--public-key',
      join(f.checkpoints, publicKeyFile),
    );
    expect(ok.code).toBe(0);
    const other = join(f.dir, 'other.key');
    writeFileSync(other, randomBytes(32).toString('hex'));
    const wrong = await verify(
      '--data',
      f.data,
      '--audit-key',
      other,
      '--checkpoint',
      copied,
      '--public-key',
      join(f.checkpoints, publicKeyFile),
    );
    expect(wrong).toMatchObject({ code: 1, out: ['audit chain not verified: wrong-key'] });
  }, 60_000);
});

describe('a training store in a directory', () => {
  it('keeps its keys beside the directory (0600), reuses them after a restart, and its chain verifies from them', async () => {
    const data = join(root, 'training-store');
    const start = () =>
      startService({ port: 0, trainingMode: true, trainingCount: 5, lifecycleIntervalMs: 0, dataDir: data });
    const first = await start();
    await first.close();
    const beside = besideStore(data);
    for (const file of [beside.seal, beside.signing]) expect(statSync(file).mode & 0o777).toBe(0o600);
    const seal = readFileSync(beside.seal, 'utf8');
    const second = await start();
    await second.close();
    expect(readFileSync(beside.seal, 'utf8')).toBe(seal);
    expect(listCheckpointFiles(beside.checkpoints).length).toBeGreaterThanOrEqual(4);
    const r = await verify('--data', data);
    expect(r.code).toBe(0);
    // The key beside the store was used: no warning that seals went unchecked.
    expect(r.err.join('\n')).not.toMatch(/seals are not/);
  }, 120_000);
});

// Real SoftHSM2 smartcards for tests: a token store of the test's own (a temp dir and a
// softhsm2.conf pointing at it), cards made the way `npm run training:card` makes them
// (token label cp-<userId>, an EC P-256 key generated on the token, id 01, label
// cp-card), and removal that PKCS#11 really sees (softhsm2-util --delete-token).
import { execFile } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { PublicJwk } from '../../domain/jwk.js';

const run = promisify(execFile);

export const SOFTHSM2_MODULE = '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so';

export interface SoftHsm {
  /** SOFTHSM2_CONF and the rest of the environment, for the card reader's worker. */
  env: NodeJS.ProcessEnv;
  makeCard(options: {
    userId: string;
    pin?: string;
    label?: string;
  }): Promise<{ publicJwk: PublicJwk; publicKeyDer: Buffer }>;
  removeCard(userId: string): Promise<void>;
  cleanup(): void;
}

export function createSoftHsm(): SoftHsm {
  const dir = mkdtempSync(join(tmpdir(), 'cp-softhsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens, { mode: 0o700 });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  return {
    env,
    async makeCard({ userId, pin = '123456', label }) {
      const tokenLabel = label ?? `cp-${userId}`;
      await run(
        'softhsm2-util',
        ['--init-token', '--free', '--label', tokenLabel, '--so-pin', '87654321', '--pin', pin],
        { env },
      );
      const token = ['--module', SOFTHSM2_MODULE, '--token-label', tokenLabel];
      await run(
        'pkcs11-tool',
        [
          ...token,
          '--login',
          '--pin',
          pin,
          '--keypairgen',
          '--key-type',
          'EC:prime256v1',
          '--id',
          '01',
          '--label',
          'cp-card',
        ],
        { env },
      );
      const der = join(dir, `${tokenLabel}.der`);
      await run('pkcs11-tool', [...token, '--read-object', '--type', 'pubkey', '--id', '01', '--output-file', der], {
        env,
      });
      const publicKeyDer = readFileSync(der);
      const jwk = createPublicKey({ key: publicKeyDer, format: 'der', type: 'spki' }).export({ format: 'jwk' });
      return { publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! }, publicKeyDer };
    },
    async removeCard(userId) {
      await run('softhsm2-util', ['--delete-token', '--token', `cp-${userId}`], { env });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The card reader's worker, bundled the way the application bundles it, into `dir`.
 * pkcs11js stays external and resolves from this repository (NODE_PATH in the env).
 */
export async function buildCardWorker(dir: string): Promise<{ workerFile: string; env: NodeJS.ProcessEnv }> {
  const workerFile = join(dir, 'pkcs11-worker.cjs');
  await build({
    entryPoints: [resolve('main/card/pkcs11-worker.ts')],
    outfile: workerFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['pkcs11js'],
    nodePaths: [resolve('node_modules')],
    logLevel: 'warning',
  });
  return { workerFile, env: { NODE_PATH: resolve('node_modules') } };
}

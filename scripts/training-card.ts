// npm run training:card -- --user ID [--pin PIN] [--so-pin PIN] [--data DIR | --database-url URL] [--module PATH]
// Provisions a SoftHSM2 token holding a fresh P-256 key for a training account and
// registers its public key, so the desktop app can sign in with it through PKCS#11.
// Training only: the default PIN 123456 is public training data, like the training
// passwords in the README.
import { execFile } from 'node:child_process';
import { createPublicKey, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { publicJwkSchema, type PublicJwk } from '../domain/jwk.js';
import { registerCardInStore } from '../service/accounts/card-keys.js';
import {
  readTrainingCards,
  registerTrainingCard,
  trainingHome,
  trainingPaths,
} from '../service/training/card-registry.js';
import { trainingAccounts } from '../service/training/accounts.js';
import { openStore } from '../service/store/open-store.js';
import { resolveAuditKeys, useAuditKeys } from '../service/audit/audit-key.js';
import type { Database } from '../service/store/database.js';

export const DEFAULT_PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so';
/** The training PIN: documented, public, for training tokens only. */
export const TRAINING_PIN = '123456';
/** Where the card's key pair sits on the token. */
export const CARD_KEY_ID = '01';
export const CARD_KEY_LABEL = 'cp-card';

const USAGE =
  'Usage: npm run training:card -- --user ID [--pin PIN] [--so-pin PIN] [--data DIR | --database-url URL] [--module PATH]';

export interface TrainingCardIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** The token label of a user's training card. */
export function tokenLabelFor(userId: string): string {
  return `cp-${userId}`;
}

/** A step that failed, with a message that is safe to print. */
class CardError extends Error {}

function runTool(command: string, args: string[], env: NodeJS.ProcessEnv, secrets: readonly string[]): Promise<string> {
  return new Promise((done, fail) => {
    execFile(command, args, { env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (!error) return done(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return fail(
          new CardError(
            `${command} is not installed. Install SoftHSM2 and OpenSC: sudo apt-get install softhsm2 opensc`,
          ),
        );
      }
      // The tools do not echo PINs, but scrub them anyway: this goes to a terminal.
      let output = `${stderr}${stdout}`.trim();
      for (const secret of secrets) output = output.split(secret).join('***');
      fail(new CardError(`${command} ${args[0] ?? ''} failed${output ? `: ${output}` : ''}`));
    });
  });
}

async function checkToolsInstalled(env: NodeJS.ProcessEnv): Promise<void> {
  for (const [command, probe] of [
    ['softhsm2-util', ['--version']],
    ['pkcs11-tool', ['--list-mechanisms', '--module', '/nonexistent']],
  ] as const) {
    try {
      await runTool(command, [...probe], env, []);
    } catch (e) {
      // Only a missing program matters here; the probe itself may well exit non-zero.
      if (e instanceof CardError && e.message.includes('is not installed')) throw e;
    }
  }
}

/** Labels of the initialised tokens in this training home's token directory. */
async function tokenLabels(env: NodeJS.ProcessEnv): Promise<string[]> {
  const out = await runTool('softhsm2-util', ['--show-slots'], env, []);
  return [...out.matchAll(/^\s*Label:\s*(.*?)\s*$/gm)].map((m) => m[1] ?? '').filter((l) => l !== '');
}

async function deleteTokens(label: string, env: NodeJS.ProcessEnv): Promise<number> {
  const count = (await tokenLabels(env)).filter((l) => l === label).length;
  for (let i = 0; i < count; i++) await runTool('softhsm2-util', ['--delete-token', '--token', label], env, []);
  return count;
}

function softHsmConfig(home: string): string {
  return `# Written by npm run training:card: the training smartcards' token store.\ndirectories.tokendir = ${trainingPaths(home).tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`;
}

async function provision(options: {
  label: string;
  pin: string;
  soPin: string;
  module: string;
  env: NodeJS.ProcessEnv;
}): Promise<PublicJwk> {
  const { label, pin, soPin, module, env } = options;
  const secrets = [pin, soPin];
  await deleteTokens(label, env);
  await runTool(
    'softhsm2-util',
    ['--init-token', '--free', '--label', label, '--so-pin', soPin, '--pin', pin],
    env,
    secrets,
  );
  const work = mkdtempSync(join(tmpdir(), 'cp-training-card-'));
  try {
    const token = ['--module', module, '--token-label', label];
    await runTool(
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
        CARD_KEY_ID,
        '--label',
        CARD_KEY_LABEL,
      ],
      env,
      secrets,
    );
    const der = join(work, 'public-key.der');
    await runTool(
      'pkcs11-tool',
      [...token, '--read-object', '--type', 'pubkey', '--id', CARD_KEY_ID, '--output-file', der],
      env,
      secrets,
    );
    const jwk = createPublicKey({ key: readFileSync(der), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    const parsed = publicJwkSchema.safeParse({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
    if (!parsed.success) throw new CardError('The token returned a public key that is not EC P-256.');
    return parsed.data;
  } catch (e) {
    // Leave no half-made card behind.
    await deleteTokens(label, env).catch(() => undefined);
    throw e;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `npm run training:card`, in-process: returns the exit code (0 done, 1 failed, 2 usage). */
export async function runTrainingCard(
  argv: readonly string[],
  io: TrainingCardIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const usage = (problem: string) => {
    io.stderr.write(`${problem}\n${USAGE}\n`);
    return 2;
  };
  let values: {
    user?: string;
    pin: string;
    'so-pin'?: string;
    data?: string;
    'database-url'?: string;
    module?: string;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        user: { type: 'string' },
        pin: { type: 'string', default: TRAINING_PIN },
        'so-pin': { type: 'string' },
        data: { type: 'string' },
        'database-url': { type: 'string' },
        module: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return usage((e as Error).message);
  }
  if (values.user === undefined || values.user === '')
    return usage('--user is required: the training account to make a card for.');
  // SoftHSM2 takes PINs of 4 to 255 characters.
  if (values.pin.length < 4 || values.pin.length > 255) return usage('--pin must be 4 to 255 characters long.');
  const soPin = values['so-pin'] ?? randomBytes(16).toString('hex');
  if (soPin.length < 4 || soPin.length > 255) return usage('--so-pin must be 4 to 255 characters long.');
  if (values.data !== undefined && values['database-url'] !== undefined)
    return usage('Give --data or --database-url, not both.');

  const fail = (message: string) => {
    io.stderr.write(`${message}\n`);
    return 1;
  };
  const userId = values.user;
  const account = trainingAccounts.find((a) => a.id === userId);
  if (!account) {
    return fail(
      `There is no training account "${userId}". Training accounts: ${trainingAccounts.map((a) => a.id).join(', ')}.`,
    );
  }
  const module = resolve(values.module ?? (env.CONTACTPOINT_PKCS11_MODULE || DEFAULT_PKCS11_MODULE));
  const home = trainingHome(env);
  const paths = trainingPaths(home);
  const label = tokenLabelFor(userId);

  let db: Database | undefined;
  try {
    await checkToolsInstalled(env);
    if (!existsSync(module))
      throw new CardError(
        `The PKCS#11 module ${module} does not exist. Install SoftHSM2 (sudo apt-get install softhsm2) or give --module PATH.`,
      );
    // Refuse a bad cards.json before touching any token: bad input loses nothing.
    readTrainingCards(home);
    if (values.data !== undefined || values['database-url'] !== undefined) {
      // Never create an empty store by mistake: --data names the service's existing one.
      if (values.data !== undefined && !existsSync(values.data))
        throw new CardError(`There is no store in ${resolve(values.data)}.`);
      // The registration is audited, so its entry must be sealed with the store's audit key,
      // as the service seals: the one beside a training store, else the configured one.
      const auditKeys = resolveAuditKeys(values.data !== undefined ? { besideStore: resolve(values.data) } : {});
      if (auditKeys.seal.origin === 'process') {
        throw new CardError(
          "Set CP_AUDIT_KEY_FILE (or CP_AUDIT_KEY) to the service's audit seal key: registering the card is audited, and the entry is sealed with it.",
        );
      }
      db = await openStore(
        values.data !== undefined
          ? { dataDir: resolve(values.data) }
          : { databaseUrl: values['database-url'] as string },
      );
      useAuditKeys(db, auditKeys);
      const found = await db.query('SELECT 1 FROM users WHERE id = $1', [userId]);
      if (found.length === 0)
        throw new CardError(
          `There is no user "${userId}" in that store: start the service on it once so it has the training accounts.`,
        );
    }

    mkdirSync(paths.tokens, { recursive: true, mode: 0o700 });
    writeFileSync(paths.softHsmConfig, softHsmConfig(home), { mode: 0o600 });
    const toolEnv = { ...env, SOFTHSM2_CONF: paths.softHsmConfig };
    const publicJwk = await provision({ label, pin: values.pin, soPin, module, env: toolEnv });

    const now = new Date();
    const store = db;
    const registered = store
      ? await store.transaction((tx) => registerCardInStore(tx, userId, publicJwk, now))
      : undefined;
    registerTrainingCard(home, { userId, tokenLabel: label, publicJwk, registeredAt: now.toISOString() });

    const pinShown = values.pin === TRAINING_PIN ? `${TRAINING_PIN} (the training PIN)` : 'the one you gave with --pin';
    io.stdout.write(
      [
        `Training card ready for ${account.name} (${userId}).`,
        `  Token label:     ${label}`,
        `  PIN:             ${pinShown}`,
        `  SOFTHSM2_CONF:   ${paths.softHsmConfig}`,
        `  PKCS#11 module:  ${module}`,
        `  Key:             id ${CARD_KEY_ID}, label ${CARD_KEY_LABEL}, EC P-256`,
        `Registered in ${paths.cards}${registered ? ` and in the store (thumbprint ${registered.thumbprint})` : ''}.`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    // Our own errors are written to be shown; anything else is shown by name and
    // message only (store URLs and PINs never reach these messages).
    return fail(e instanceof Error ? e.message : String(e));
  } finally {
    await db?.close();
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await runTrainingCard(process.argv.slice(2), process, process.env);
}

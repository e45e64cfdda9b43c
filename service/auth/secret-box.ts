// Secrets the service must read back (security-token TOTP secrets) are sealed with
// AES-256-GCM under a key held outside the database: a copy of the database alone (a
// backup, a replica, an insider with SQL access) yields no working token.
//
//   sb1:<base64url(iv 12 bytes | tag 16 bytes | ciphertext)>
//
// The user id is the additional authenticated data, so a sealed secret copied onto
// another account's row does not open there.
//
// Where the key comes from (keyFor): live mode takes it from --secrets-key-file or the
// CP_SECRETS_KEY environment variable (32 bytes, base64) and refuses to start without
// one; training mode with a --data directory keeps a generated key in a file beside the
// directory; an in-memory training store gets a key for the life of the process.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const prefix = 'sb1:';
const keyBytes = 32;

/** A sealed value that does not open: wrong key, damaged, or moved to another account. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== keyBytes)
      throw new SecretBoxError(`The secrets key must be ${keyBytes} bytes, not ${key.length}.`);
    this.#key = Buffer.from(key);
  }

  static isSealed(value: string): boolean {
    return value.startsWith(prefix);
  }

  seal(plain: string, owner: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(owner, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return prefix + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The plain secret; SecretBoxError (never the value) when it does not open. */
  open(sealed: string, owner: string): string {
    if (!SecretBox.isSealed(sealed)) throw new SecretBoxError('The stored secret is not sealed.');
    const raw = Buffer.from(sealed.slice(prefix.length), 'base64url');
    if (raw.length < 28) throw new SecretBoxError('The stored secret is damaged.');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(owner, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(
        "The stored secret does not open with this service's secrets key (wrong key, or the value was altered).",
      );
    }
  }
}

/** A key from its base64 text; the error names where it came from, never the value. */
export function parseSecretsKey(text: string, from: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== keyBytes) {
    throw new SecretBoxError(
      `${from} must hold a ${keyBytes}-byte key in base64 (make one with: openssl rand -base64 32).`,
    );
  }
  return key;
}

export interface SecretsKeySource {
  /** --secrets-key-file: a file holding the key in base64. */
  keyFile?: string | undefined;
  /** The CP_SECRETS_KEY environment variable's value. */
  envValue?: string | undefined;
  trainingMode: boolean;
  /** The PGlite directory of a persistent training store. */
  dataDir?: string | undefined;
}

/** The file that keeps a persistent training store's generated key: beside the store, not in it. */
export const trainingKeyFileFor = (dataDir: string) => join(dirname(dataDir), `${basename(dataDir)}.secrets-key`);

export function keyFor(source: SecretsKeySource): Buffer {
  if (source.keyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(source.keyFile, 'utf8');
    } catch (e) {
      throw new SecretBoxError(
        `--secrets-key-file: cannot read ${source.keyFile} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
      );
    }
    return parseSecretsKey(text, `--secrets-key-file ${source.keyFile}`);
  }
  if (source.envValue !== undefined && source.envValue !== '')
    return parseSecretsKey(source.envValue, 'CP_SECRETS_KEY');
  if (!source.trainingMode) {
    throw new SecretBoxError(
      'Live mode needs the secrets key that seals security-token secrets: give --secrets-key-file FILE or set CP_SECRETS_KEY.',
    );
  }
  if (source.dataDir === undefined) return randomBytes(keyBytes);
  const file = trainingKeyFileFor(source.dataDir);
  if (existsSync(file)) return parseSecretsKey(readFileSync(file, 'utf8'), file);
  const key = randomBytes(keyBytes);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

// The two audit keys, both held outside the database, so that whoever can write the
// database cannot rewrite the audit trail and have it check out:
//
// - the seal key: a secret for HMAC-SHA-256. Every entry carries a seal (the `mac`
//   column), HMAC(key, entry hash); the hash chains every entry before it, so one seal
//   vouches for the whole chain up to it. Without the key no one can make a valid seal
//   for a changed entry, nor for a chain recomputed from scratch.
// - the signing key: Ed25519, which signs checkpoints of the chain's head (checkpoints.ts).
//   Its public half is published beside them, so anyone can check one offline.
//
// Live: both come from files (or the seal key from an environment variable) that the
// operator keeps off the database host's backups; the service refuses to start with a
// persistent store without them. Training and the embedded desktop store: kept in files
// beside its data directory, so that whoever can write the store can also read them. That is honest about what it protects (nothing against the machine's owner) and
// keeps training stores verifiable across restarts. An in-memory store gets keys made
// for the process: they go when the store goes.
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { storeOf, type Database, type Queryable } from '../store/database.js';

export interface SealKey {
  /** The HMAC secret: never logged, never shown. */
  readonly secret: Buffer;
  /** A short, public name for the key (HMAC of a fixed label): tells a wrong key from a broken chain. */
  readonly id: string;
  readonly origin: KeyOrigin;
}

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key as SPKI PEM: what is published beside the checkpoints. */
  readonly publicKeyPem: string;
  /** SHA-256 of the public key's SPKI DER, hex: its fingerprint, to compare by eye. */
  readonly id: string;
  readonly origin: KeyOrigin;
}

export type KeyOrigin = 'configured' | 'beside-store' | 'process';

export interface AuditKeys {
  seal: SealKey;
  signing: SigningKey;
}

/** A key could not be read or is not a key: the message names the file or variable, never its content. */
export class AuditKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditKeyError';
  }
}

export const sealKeyEnv = 'CP_AUDIT_KEY';
export const sealKeyFileEnv = 'CP_AUDIT_KEY_FILE';
export const signingKeyFileEnv = 'CP_AUDIT_SIGNING_KEY_FILE';
/**
 * The files that keep a persistent training store's generated keys and its checkpoints:
 * beside its data directory, not in it (PGlite owns that directory), as the secrets key
 * is (auth/secret-box.ts).
 */
export const besideStore = (dataDir: string) => {
  const dir = resolve(dataDir);
  return {
    seal: join(dirname(dir), `${basename(dir)}.audit-seal-key`),
    signing: join(dirname(dir), `${basename(dir)}.audit-signing-key.pem`),
    checkpoints: join(dirname(dir), `${basename(dir)}.audit-checkpoints`),
  };
};

/** A seal key from its secret (at least 32 bytes). */
export function sealKeyFrom(secret: Buffer, origin: KeyOrigin = 'configured'): SealKey {
  if (secret.length < 32)
    throw new AuditKeyError('The audit seal key is too short: it must be at least 32 bytes (64 hex digits).');
  const id = createHmac('sha256', secret).update('contactpoint audit seal key id').digest('hex').slice(0, 16);
  return { secret, id, origin };
}

/** The seal key's text form: hex, whitespace around it ignored. */
export function parseSealKey(text: string, where: string, origin: KeyOrigin = 'configured'): SealKey {
  const hex = text.trim();
  if (!/^(?:[0-9a-fA-F]{2}){32,}$/.test(hex)) {
    throw new AuditKeyError(
      `${where} does not hold an audit seal key: expected at least 64 hex digits (openssl rand -hex 32).`,
    );
  }
  return sealKeyFrom(Buffer.from(hex, 'hex'), origin);
}

/** A signing key from its private key (Ed25519, PKCS#8 PEM). */
export function signingKeyFrom(privateKey: KeyObject, origin: KeyOrigin = 'configured'): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new AuditKeyError('The audit signing key must be an Ed25519 key.');
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    id: publicKeyId(publicKey),
    origin,
  };
}

export function publicKeyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function parseSigningKey(pem: string, where: string, origin: KeyOrigin = 'configured'): SigningKey {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new AuditKeyError(`${where} does not hold a private key in PEM (openssl genpkey -algorithm ed25519).`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new AuditKeyError(
      `${where} holds a ${key.asymmetricKeyType ?? 'non-Ed25519'} key: the audit signing key must be Ed25519.`,
    );
  return signingKeyFrom(key, origin);
}

function readKeyFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new AuditKeyError(`Cannot read the ${what} file ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}

export interface AuditKeyOptions {
  /** --audit-key FILE: the seal key, hex. */
  sealKeyFile?: string;
  /** --audit-signing-key FILE: the checkpoint signing key, Ed25519 PKCS#8 PEM. */
  signingKeyFile?: string;
  /** Where CP_AUDIT_KEY, CP_AUDIT_KEY_FILE and CP_AUDIT_SIGNING_KEY_FILE are read (default process.env). */
  env?: Record<string, string | undefined>;
  /** A training store's data directory: keys not configured are kept (made if missing) beside it. */
  besideStore?: string;
  /** Live mode with a store that outlives the process: keys must be configured. */
  requireConfigured?: boolean;
}

/** The configured seal key, if any: the file flag, then the variable holding it, then the variable naming a file. */
export function configuredSealKey(options: AuditKeyOptions): SealKey | undefined {
  const env = options.env ?? process.env;
  if (options.sealKeyFile !== undefined)
    return parseSealKey(
      readKeyFile(options.sealKeyFile, 'audit seal key'),
      `The audit seal key file ${options.sealKeyFile}`,
    );
  const inline = env[sealKeyEnv];
  if (inline !== undefined && inline !== '') return parseSealKey(inline, sealKeyEnv);
  const file = env[sealKeyFileEnv];
  if (file !== undefined && file !== '')
    return parseSealKey(readKeyFile(file, 'audit seal key'), `The audit seal key file ${file}`);
  return undefined;
}

export function configuredSigningKey(options: AuditKeyOptions): SigningKey | undefined {
  const file = options.signingKeyFile ?? (options.env ?? process.env)[signingKeyFileEnv];
  if (file === undefined || file === '') return undefined;
  return parseSigningKey(readKeyFile(file, 'audit signing key'), `The audit signing key file ${file}`);
}

/** Read (or, the first time, make) a key kept beside a training store. */
function keptBeside<K>(path: string, make: () => string, parse: (text: string, where: string) => K): K {
  if (!existsSync(path)) {
    // 'wx': two processes opening the same new store cannot each write a different key.
    try {
      writeFileSync(path, make(), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new AuditKeyError(
          `Cannot keep an audit key in ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
        );
    }
    chmodSync(path, 0o600);
  }
  return parse(readKeyFile(path, 'audit key'), `The audit key file ${path}`);
}

const newSealText = () => `${randomBytes(32).toString('hex')}\n`;
const newSigningPem = () =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The keys a service uses: configured, else beside its training store, else made for this process. */
export function resolveAuditKeys(options: AuditKeyOptions): AuditKeys {
  const seal = configuredSealKey(options);
  const signing = configuredSigningKey(options);
  if (options.requireConfigured && (!seal || !signing)) {
    const missing = [
      ...(seal ? [] : [`the seal key (--audit-key FILE, or ${sealKeyFileEnv} or ${sealKeyEnv})`]),
      ...(signing ? [] : [`the checkpoint signing key (--audit-signing-key FILE or ${signingKeyFileEnv})`]),
    ];
    throw new AuditKeyError(
      `A live service keeps its audit keys outside the database: give ${missing.join(' and ')}. See docs/admin-guide.md.`,
    );
  }
  const dir = options.besideStore;
  return {
    seal:
      seal ??
      (dir !== undefined
        ? keptBeside(besideStore(dir).seal, newSealText, (t, w) => parseSealKey(t, w, 'beside-store'))
        : processKeys().seal),
    signing:
      signing ??
      (dir !== undefined
        ? keptBeside(besideStore(dir).signing, newSigningPem, (t, w) => parseSigningKey(t, w, 'beside-store'))
        : processKeys().signing),
  };
}

let perProcess: AuditKeys | undefined;
/** Keys made for this process: for in-memory stores, which go when the process goes. */
export function processKeys(): AuditKeys {
  perProcess ??= {
    seal: sealKeyFrom(randomBytes(32), 'process'),
    signing: signingKeyFrom(generateKeyPairSync('ed25519').privateKey, 'process'),
  };
  return perProcess;
}

// Which keys seal a store's entries. A store no one gave keys to (tests, tools) uses the
// process's: a live service always gives its own (server.ts).
const storeKeys = new WeakMap<Database, AuditKeys>();

export function useAuditKeys(db: Database, keys: AuditKeys): void {
  storeKeys.set(db, keys);
}

export function auditKeysOf(q: Queryable): AuditKeys {
  const db = storeOf(q);
  return (db && storeKeys.get(db)) ?? processKeys();
}

/** An entry's seal: HMAC-SHA-256 over its hash (which chains every entry before it). */
export function sealOf(key: SealKey, hash: string): string {
  return createHmac('sha256', key.secret).update(hash).digest('hex');
}

export function sealMatches(key: SealKey, hash: string, mac: string): boolean {
  const expected = Buffer.from(sealOf(key, hash), 'hex');
  const given = Buffer.from(mac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// Opening the store the service was configured with: the embedded engine in memory (no
// options: tests, training), the embedded engine in a directory, or a PostgreSQL
// server. Whichever it is comes back migrated to the latest schema.
import { accessSync, constants, mkdirSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import type { Database } from './database.js';
import { migrate } from './migrations.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import { DatabaseUrlError, parsePostgresUrl, scrubSecrets, type PostgresTargets } from './postgres-url.js';

/** The store could not be opened: the message says why and is safe to show and log. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface StoreOptions {
  /** A directory for the embedded store (created if missing). */
  dataDir?: string;
  /** A postgres:// or postgresql:// URL. It may carry a password: it is never shown. */
  databaseUrl?: string;
}

/** The database URL, checked (one host or several), or a StoreError naming the problem. */
function parseDatabaseUrl(databaseUrl: string): PostgresTargets {
  try {
    return parsePostgresUrl(databaseUrl);
  } catch (e) {
    if (e instanceof DatabaseUrlError) throw new StoreError(e.message);
    throw e;
  }
}

/** Make sure `dataDir` is a directory we can write to, creating it if need be. */
function prepareDataDir(dataDir: string): string {
  const dir = resolve(dataDir);
  let existing: Stats | undefined;
  try {
    existing = statSync(dir, { throwIfNoEntry: false });
    if (existing && !existing.isDirectory()) {
      throw new StoreError(`The data directory ${dir} is a file, not a directory: give a directory for the store.`);
    }
    if (!existing) mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    if (e instanceof StoreError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const why =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'it is not writable'
        : code === 'ENOTDIR' || code === 'EEXIST'
          ? 'part of its path is a file'
          : `it cannot be created (${code})`;
    throw new StoreError(`Cannot use the data directory ${dir}: ${why}.`);
  }
  return dir;
}

async function openEngine(options: StoreOptions): Promise<Database> {
  if (options.dataDir !== undefined && options.databaseUrl !== undefined) {
    throw new StoreError('Give either a data directory or a database URL, not both.');
  }
  if (options.databaseUrl !== undefined) {
    const targets = parseDatabaseUrl(options.databaseUrl);
    try {
      return await openPostgres(options.databaseUrl);
    } catch (e) {
      throw new StoreError(scrubSecrets(`Cannot open the store at ${targets.shown}: ${(e as Error).message}`, targets));
    }
  }
  if (options.dataDir !== undefined) {
    const dir = prepareDataDir(options.dataDir);
    try {
      return await openPglite(dir);
    } catch (e) {
      throw new StoreError(
        `Cannot open the embedded store in ${dir}: ${(e as Error).message || 'it is not a store directory'}.`,
      );
    }
  }
  try {
    return await openPglite();
  } catch (e) {
    throw new StoreError(`Cannot start the in-memory store: ${(e as Error).message}.`);
  }
}

/** Open the configured store and bring its schema up to date. */
export async function openStore(options: StoreOptions = {}): Promise<Database> {
  const db = await openEngine(options);
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => undefined);
    const message = `Cannot bring the store's schema up to date: ${(e as Error).message}`;
    throw new StoreError(
      options.databaseUrl !== undefined ? scrubSecrets(message, parseDatabaseUrl(options.databaseUrl)) : message,
    );
  }
  return db;
}

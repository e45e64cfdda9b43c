import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertChild, loadChild } from '../../../../service/records/child-store.js';
import { migrations, schemaVersion } from '../../../../service/store/migrations.js';
import { openStore, StoreError } from '../../../../service/store/open-store.js';
import { child } from '../../../support/children.js';
import { passwordRole, type TestPostgres } from '../../../support/postgres.js';
import { withTestServer } from '../../../support/stores.js';

const latest = Math.max(...migrations.map((m) => m.version));

/** The error `promise` rejects with (failing the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  const result = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(result).toBeInstanceOf(StoreError);
  return result as Error;
}

describe('openStore: the embedded engine', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'cp-open-store-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('opens in memory, migrated, when given nothing', async () => {
    const db = await openStore({});
    try {
      expect(db.kind).toBe('pglite');
      expect(await schemaVersion(db)).toBe(latest);
    } finally {
      await db.close();
    }
  });

  it('keeps its data in a directory it creates, across a close and reopen', async () => {
    const dataDir = join(scratch, 'not', 'yet', 'there');
    const record = child({ serial: 300 });
    const first = await openStore({ dataDir });
    try {
      await first.transaction((tx) => insertChild(tx, record, { at: new Date('2025-02-01T09:00:00Z') }));
    } finally {
      await first.close();
    }
    const again = await openStore({ dataDir });
    try {
      expect((await loadChild(again, record.cpNumber))?.record).toEqual(record);
      expect(await schemaVersion(again)).toBe(latest);
      const applied = await again.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
      expect(applied).toEqual([{ n: migrations.length }]);
    } finally {
      await again.close();
    }
  });

  it('refuses a data directory that is a file, saying so', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a store');
    const error = await failure(openStore({ dataDir: file }));
    expect(error.message).toBe(
      `The data directory ${file} is a file, not a directory: give a directory for the store.`,
    );
  });

  it('refuses a data directory beneath a file', async () => {
    const file = join(scratch, 'another-file');
    writeFileSync(file, 'not a store');
    const error = await failure(openStore({ dataDir: join(file, 'store') }));
    expect(error.message).toMatch(
      /^Cannot use the data directory .*another-file\/store: part of its path is a file\.$/,
    );
  });

  it('refuses both a data directory and a database URL at once', async () => {
    const error = await failure(openStore({ dataDir: scratch, databaseUrl: 'postgres://127.0.0.1/db' }));
    expect(error.message).toBe('Give either a data directory or a database URL, not both.');
  });
});

describe('openStore: a PostgreSQL server', () => {
  let server: TestPostgres;
  let closeServer: () => Promise<void>;
  let port: string;
  beforeAll(async () => {
    ({ server, close: closeServer } = await withTestServer());
    port = new URL(server.url()).port;
  });
  afterAll(() => closeServer());

  it('opens a postgres:// URL, migrated', async () => {
    const db = await openStore({ databaseUrl: await server.createDatabase() });
    try {
      expect(db.kind).toBe('postgres');
      expect(await schemaVersion(db)).toBe(latest);
    } finally {
      await db.close();
    }
  });

  it('opens a postgresql:// URL with the right password', async () => {
    // A database owned by the password role, so that it may migrate it.
    const admin = new pg.Client({ connectionString: server.url() });
    await admin.connect();
    await admin.query(`CREATE DATABASE cp_owned_by_password_role OWNER ${passwordRole.name}`);
    await admin.end();
    const url = `postgresql://${passwordRole.name}:${passwordRole.password}@127.0.0.1:${port}/cp_owned_by_password_role`;
    const db = await openStore({ databaseUrl: url });
    try {
      expect(await schemaVersion(db)).toBe(latest);
      expect(await db.query('SELECT current_user AS u')).toEqual([{ u: passwordRole.name }]);
    } finally {
      await db.close();
    }
  });

  it('says a wrong password was refused without ever showing it', async () => {
    const password = 'Wr0ng:S3cret@Pa55/%';
    const url = `postgres://${passwordRole.name}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    const error = await failure(openStore({ databaseUrl: url }));
    expect(error.message).toContain('password authentication failed');
    expect(error.message).toContain(`postgres://${passwordRole.name}:***@127.0.0.1:${port}/postgres`);
    for (const shown of [error.message, String(error.stack), JSON.stringify(error)]) {
      expect(shown).not.toContain(password);
      expect(shown).not.toContain(encodeURIComponent(password));
      expect(shown).not.toContain('S3cret');
    }
  });

  it('says the schema could not be made when the role may not, without showing the password', async () => {
    const url = `postgres://${passwordRole.name}:${passwordRole.password}@127.0.0.1:${port}/postgres`;
    const error = await failure(openStore({ databaseUrl: url }));
    expect(error.message).toMatch(/^Cannot bring the store's schema up to date: permission denied/);
    expect(error.message).not.toContain(passwordRole.password);
  });

  it('says nothing is listening without showing the password', async () => {
    // Port 1 on loopback: nothing listens there.
    const error = await failure(openStore({ databaseUrl: 'postgres://someone:Secret-Pa55word@127.0.0.1:1/db' }));
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('Secret-Pa55word');
  });

  it('refuses a URL of another kind of database, without showing it', async () => {
    const error = await failure(openStore({ databaseUrl: 'mysql://root:Hunter2-Secret@127.0.0.1:3306/cp' }));
    expect(error.message).toBe(
      'The database URL must start with postgres:// or postgresql://, not mysql://: only PostgreSQL is supported.',
    );
    const notUrl = await failure(openStore({ databaseUrl: 'Hunter2-Secret at the usual place' }));
    expect(notUrl.message).not.toContain('Hunter2');
    expect(notUrl.message).toMatch(/not a valid URL/);
  });
});

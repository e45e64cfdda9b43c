// A highly available cluster is addressed by several hosts and target_session_attrs
// (docs/deploy.md). Two real PostgreSQL servers stand in for a primary and a standby:
// "read-only" is a server whose sessions default to read-only, as a hot standby's do
// (a real standby under pg_auto_failover is in test/integration/national/). The store
// must pick the writable one, and after that one goes away fail the statement in hand
// with StoreUnavailable and find the other by itself.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailable } from '../../../../service/store/database.js';
import { openPostgres } from '../../../../service/store/postgres.js';
import { startPostgres, type TestPostgres } from '../../../support/postgres.js';

let a: TestPostgres;
let b: TestPostgres;

async function admin(server: TestPostgres, ...sql: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: server.url() });
  await client.connect();
  try {
    for (const s of sql) await client.query(s);
  } finally {
    await client.end();
  }
}

const readOnly = (server: TestPostgres, on: boolean) =>
  admin(
    server,
    `ALTER SYSTEM SET default_transaction_read_only = ${on ? 'on' : 'off'}`,
    'SELECT pg_reload_conf()',
    // Sessions already open keep their setting; a promoted or demoted server ends them.
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname IS NOT NULL',
  );

const portOf = (server: TestPostgres) => new URL(server.url()).port;
const both = (attrs: string) =>
  `postgres://postgres@127.0.0.1:${portOf(a)},127.0.0.1:${portOf(b)}/postgres?target_session_attrs=${attrs}`;

beforeAll(async () => {
  [a, b] = await Promise.all([startPostgres(), startPostgres()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('a store on several hosts', () => {
  it('connects to the first writable host, passing over a read-only one', async () => {
    await readOnly(a, true);
    await readOnly(b, false);
    const db = await openPostgres(both('read-write'));
    try {
      const [row] = await db.query<{ port: string }>('SHOW port');
      expect(row!.port).toBe(portOf(b));
      // And it writes there.
      await db.exec('CREATE TABLE IF NOT EXISTS t (n int)');
    } finally {
      await db.close();
    }
  });

  it('with "any", keeps the first host that answers, read-only or not', async () => {
    const db = await openPostgres(both('any'));
    try {
      const [row] = await db.query<{ port: string }>('SHOW port');
      expect(row!.port).toBe(portOf(a));
    } finally {
      await db.close();
    }
  });

  it('after the writable host becomes read-only, fails the statement in hand, then finds the new one', async () => {
    await readOnly(a, true);
    await readOnly(b, false);
    const db = await openPostgres(both('read-write'), { max: 2 });
    try {
      await db.exec('CREATE TABLE IF NOT EXISTS t (n int)');
      // The failover: b is demoted, a promoted.
      await readOnly(b, true);
      await readOnly(a, false);
      await admin(a, 'CREATE TABLE IF NOT EXISTS t (n int)');
      const lost = await db
        .transaction((tx) => tx.query('INSERT INTO t VALUES (1)'))
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(lost).toBeInstanceOf(StoreUnavailable);
      await db.transaction((tx) => tx.query('INSERT INTO t VALUES (2)'));
      const [row] = await db.query<{ port: string }>('SHOW port');
      expect(row!.port).toBe(portOf(a));
    } finally {
      await db.close();
    }
  });

  it('when no host is writable, says so for each host, with no password', async () => {
    await readOnly(a, true);
    await readOnly(b, true);
    const url = `postgres://postgres:Hidden-Pass-1@127.0.0.1:${portOf(a)},127.0.0.1:${portOf(b)},127.0.0.1:1/postgres?target_session_attrs=read-write`;
    const error = await openPostgres(url).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toContain(`127.0.0.1:${portOf(a)} is read-only`);
    expect(error!.message).toContain(`127.0.0.1:${portOf(b)} is read-only`);
    expect(error!.message).toMatch(/127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(error!.message).not.toContain('Hidden-Pass-1');
    await readOnly(a, false);
  });

  it('when its server stops, answers StoreUnavailable, then carries on on the other', async () => {
    const c = await startPostgres();
    await readOnly(b, false);
    const url = `postgres://postgres@127.0.0.1:${portOf(c)},127.0.0.1:${portOf(b)}/postgres?target_session_attrs=read-write`;
    const db = await openPostgres(url);
    try {
      const [first] = await db.query<{ port: string }>('SHOW port');
      expect(first!.port).toBe(portOf(c));
      await c.stop();
      const lost = await db.query('SELECT 1').then(
        () => null,
        (e: unknown) => e,
      );
      expect(lost).toBeInstanceOf(StoreUnavailable);
      const [after] = await db.query<{ port: string }>('SHOW port');
      expect(after!.port).toBe(portOf(b));
    } finally {
      await db.close();
    }
  });

  it('survives its server dying while a transaction is held between statements', async () => {
    const c = await startPostgres();
    await readOnly(b, false);
    const url = `postgres://postgres@127.0.0.1:${portOf(c)},127.0.0.1:${portOf(b)}/postgres?target_session_attrs=read-write`;
    const db = await openPostgres(url);
    let uncaught: unknown = null;
    const onUncaught = (e: unknown) => (uncaught = e);
    process.on('uncaughtException', onUncaught);
    try {
      const held = db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        // The server goes while this transaction waits between its statements: the pool
        // has no listener on a client it has lent out, so only the store's keeps the
        // process alive.
        await c.stop();
        await new Promise((r) => setTimeout(r, 200));
        await tx.query('SELECT 2');
      });
      await expect(held).rejects.toBeInstanceOf(StoreUnavailable);
      expect(uncaught).toBeNull();
      const [after] = await db.query<{ port: string }>('SHOW port');
      expect(after!.port).toBe(portOf(b));
    } finally {
      process.off('uncaughtException', onUncaught);
      await db.close();
    }
  });
});

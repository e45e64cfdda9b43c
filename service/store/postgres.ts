// The production store: a PostgreSQL server (or a Postgres-compatible engine) via pg.
import pg from 'pg';
import { linkTransaction, type Database, type Queryable, type SqlValue } from './database.js';

const { Pool, types } = pg;

// The same value shapes as the embedded store (see pglite.ts).
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === types.builtins.INT8) return (v: string) => Number(v);
    if (oid === types.builtins.DATE) return (v: string) => v;
    return types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row>(sql: string, params: readonly SqlValue[] = []) {
      const result = await client.query({ text: sql, values: params as unknown[], types: typeParsers });
      return result.rows as Row[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

/** Connect to a PostgreSQL server. The URL may carry credentials: it is never logged. */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  const pool = new Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client's error (server restart) must not crash the service.
  pool.on('error', () => undefined);
  // Fail at start, with a clear message, rather than at the first request.
  const probe = await pool.connect().catch((e: unknown) => {
    void pool.end();
    // The server's reason (wrong password, no such database) and its code; never the URL.
    const { code, message } = e as { code?: string; message?: string };
    const reason = [message, code && code !== message ? `(${code})` : ''].filter(Boolean).join(' ');
    throw new Error(`Cannot connect to the PostgreSQL server: ${reason || 'no reason given'}`);
  });
  probe.release();
  const plain = wrap(pool);
  const database: Database = {
    kind: 'postgres',
    query: plain.query,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(linkTransaction(wrap(client), database));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    exec: plain.exec,
    close: () => pool.end(),
  };
  return database;
}

// The production store: a PostgreSQL server (or a Postgres-compatible engine) via pg.
//
// The URL may name several hosts with target_session_attrs (postgres-url.ts), as a highly
// available cluster is addressed (docs/deploy.md): the store connects to the first host
// whose session qualifies and keeps a pool there. When that server goes away (a crash,
// a failover that made it a standby), the statement in hand fails with StoreUnavailable
// (the service answers 503 and the client retries), the pool is dropped, and the next
// statement looks for the qualifying host again: instances reconnect by themselves.
import pg from 'pg';
import { linkTransaction, StoreUnavailable, type Database, type Queryable, type SqlValue } from './database.js';
import { parsePostgresUrl, scrubSecrets, type PostgresTargets } from './postgres-url.js';

const { Client, Pool, types } = pg;

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

// Errors that mean the server is gone or no longer takes writes, not that the statement
// was wrong: a refused or broken connection, an administrator's or crash shutdown
// (57P01-57P03), the connection-exception class (08), and a write on a server that
// became a standby (25006).
const lostCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
]);
export function isConnectionLoss(e: unknown): boolean {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (lostCodes.has(code) || code.startsWith('08') || code === '25006')) return true;
  return (
    typeof message === 'string' &&
    // pg's words for a connection that broke or never came, and for a pool the store
    // dropped at a loss while another statement was still asking it for a connection.
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Cannot use a pool after calling end/i.test(
      message,
    )
  );
}

function reasonOf(e: unknown): string {
  const { code, message } = (e ?? {}) as { code?: string; message?: string };
  return [message, code && code !== message ? `(${code})` : ''].filter(Boolean).join(' ') || 'no reason given';
}

export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  max?: number;
  /** How long one connection attempt may take before the next host is tried (default 5 s). */
  connectTimeoutMs?: number;
}

/** Connect to a PostgreSQL server. The URL may carry credentials: it is never logged. */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Database> {
  const targets = parsePostgresUrl(url);
  const router = new HostRouter(targets, options);
  // Fail at start, with a clear message, rather than at the first request.
  await router.pool().catch((e: unknown) => {
    throw new Error(`Cannot connect to the PostgreSQL server: ${scrubSecrets(reasonOf(e), targets)}`);
  });

  /** Run `work` on the current pool; a lost connection drops the pool and becomes StoreUnavailable. */
  async function onPool<T>(work: (pool: pg.Pool) => Promise<T>): Promise<T> {
    const pool = await router.pool();
    try {
      return await work(pool);
    } catch (e) {
      if (!isConnectionLoss(e)) throw e;
      router.drop(pool);
      throw new StoreUnavailable(`The database connection was lost: ${scrubSecrets(reasonOf(e), targets)}`);
    }
  }

  const database: Database = {
    kind: 'postgres',
    query: (sql, params) => onPool((pool) => wrap(pool).query(sql, params)),
    exec: (sql) => onPool((pool) => wrap(pool).exec(sql)),
    transaction: (work) =>
      onPool(async (pool) => {
        const client = await pool.connect();
        // The pool listens for errors only on idle clients: a server that dies while this
        // one is held between statements would otherwise crash the process. The statement
        // in hand fails with the loss, which the catch below sees.
        let broken = false;
        const onError = () => {
          broken = true;
        };
        client.on('error', onError);
        try {
          await client.query('BEGIN');
          const result = await work(linkTransaction(wrap(client), database));
          await client.query('COMMIT');
          return result;
        } catch (e) {
          broken ||= isConnectionLoss(e);
          if (!broken) await client.query('ROLLBACK').catch(() => undefined);
          throw e;
        } finally {
          client.off('error', onError);
          // A broken client is destroyed, not put back for the next caller.
          client.release(broken ? true : undefined);
        }
      }),
    close: () => router.close(),
  };
  return database;
}

/** Which host the pool is on, found as libpq would with target_session_attrs. */
class HostRouter {
  private current: pg.Pool | undefined;
  private finding: Promise<pg.Pool> | undefined;
  private closed = false;

  constructor(
    private readonly targets: PostgresTargets,
    private readonly options: PostgresOptions,
  ) {}

  pool(): Promise<pg.Pool> {
    if (this.closed) return Promise.reject(new StoreUnavailable('The store is closed.'));
    if (this.current) return Promise.resolve(this.current);
    this.finding ??= this.find().finally(() => (this.finding = undefined));
    return this.finding;
  }

  /** Forget `pool` (its server went away); the next statement looks again. */
  drop(pool: pg.Pool): void {
    if (this.current !== pool) return;
    this.current = undefined;
    void pool.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.current ?? (await this.finding?.catch(() => undefined));
    this.current = undefined;
    await pool?.end();
  }

  private async find(): Promise<pg.Pool> {
    const timeout = this.options.connectTimeoutMs ?? 5_000;
    const reasons: string[] = [];
    for (const host of this.targets.hosts) {
      const where = `${host.hostname}:${host.port || '5432'}`;
      const probe = new Client({ connectionString: host.href, connectionTimeoutMillis: timeout });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        const why = await this.disqualified(probe);
        if (why !== null) {
          reasons.push(`${where} ${why}`);
          continue;
        }
      } catch (e) {
        // A refused password or a missing database is the same on every host: say so now.
        const code = (e as { code?: string }).code;
        if (this.targets.hosts.length === 1 || code === '28P01' || code === '3D000' || code === '28000') throw e;
        reasons.push(`${where}: ${reasonOf(e)}`);
        continue;
      } finally {
        await probe.end().catch(() => undefined);
      }
      const pool = new Pool({
        connectionString: host.href,
        max: this.options.max ?? 10,
        connectionTimeoutMillis: timeout,
      });
      // An idle client's error (server restart) must not crash the service.
      pool.on('error', () => undefined);
      if (this.closed) {
        await pool.end();
        throw new StoreUnavailable('The store is closed.');
      }
      this.current = pool;
      return pool;
    }
    throw new StoreUnavailable(
      `No database server took a ${this.targets.targetSessionAttrs} session: ${scrubSecrets(reasons.join('; '), this.targets)}`,
    );
  }

  /** Null when the session qualifies, else why not. */
  private async disqualified(client: pg.Client): Promise<string | null> {
    const attrs = this.targets.targetSessionAttrs;
    if (attrs === 'any') return null;
    if (attrs === 'read-write') {
      const { rows } = await client.query<{ transaction_read_only: string }>('SHOW transaction_read_only');
      return rows[0]?.transaction_read_only === 'off' ? null : 'is read-only';
    }
    const { rows } = await client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    return rows[0]?.standby === false ? null : 'is a standby';
  }
}

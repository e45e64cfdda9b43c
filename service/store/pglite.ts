// The embedded store: PostgreSQL in-process (PGlite), in memory or in a directory.
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { linkTransaction, type Database, type Queryable, type SqlValue } from './database.js';

// Same value shapes from both engines: int8 as number (our counters stay far below
// 2^53), dates as 'YYYY-MM-DD' strings, timestamps as Date.
const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.DATE]: (v: string) => v,
};

function wrap(q: PGlite | Transaction): Queryable {
  return {
    async query<Row>(sql: string, params: readonly SqlValue[] = []) {
      const result = await q.query<Row>(sql, params as unknown[], { parsers });
      return result.rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  };
}

/** Open the embedded store: in memory when `dataDir` is undefined. */
export async function openPglite(dataDir?: string): Promise<Database> {
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm, fuzzystrmatch } });
  const plain = wrap(db);
  const database: Database = {
    kind: 'pglite',
    query: plain.query,
    transaction: (work) => db.transaction((tx) => work(linkTransaction(wrap(tx), database))),
    exec: plain.exec,
    close: () => db.close(),
  };
  return database;
}

// Run a suite against both store engines:
//
//   describe.each(storeEngines)('%s', (engine) => {
//     let store: TestStore;
//     beforeAll(async () => { store = await openTestStore(engine); });
//     afterAll(() => store.close());
//     ...
//   });
//
// Each store is fresh and migrated: PGlite in memory, or a new database on a real
// PostgreSQL server. One server is shared by the stores of a test file: started by the
// first store that needs it, stopped when the last one open is closed.
import type { Database } from '../../service/store/database.js';
import { migrate } from '../../service/store/migrations.js';
import { openPglite } from '../../service/store/pglite.js';
import { openPostgres } from '../../service/store/postgres.js';
import { startPostgres, type TestPostgres } from './postgres.js';

export const storeEngines = ['pglite', 'postgres'] as const;
export type StoreEngine = (typeof storeEngines)[number];

export interface TestStore {
  engine: StoreEngine;
  db: Database;
  /** The database's URL on PostgreSQL, to open more connections to it; undefined on PGlite. */
  url: string | undefined;
  close(): Promise<void>;
}

let server: Promise<TestPostgres> | undefined;
let openOnServer = 0;

/** The shared server, started if need be. Each call must be paired with `releaseServer`. */
async function acquireServer(): Promise<TestPostgres> {
  openOnServer++;
  server ??= startPostgres();
  try {
    return await server;
  } catch (e) {
    openOnServer--;
    server = undefined;
    throw e;
  }
}

async function releaseServer(): Promise<void> {
  openOnServer--;
  if (openOnServer > 0 || !server) return;
  const running = server;
  server = undefined;
  await (await running).stop();
}

/** A fresh store on `engine`; `migrated: false` leaves the schema to the test. */
export async function openTestStore(engine: StoreEngine, options: { migrated?: boolean } = {}): Promise<TestStore> {
  const migrated = options.migrated ?? true;
  if (engine === 'pglite') {
    const db = await openPglite();
    if (migrated) await migrate(db);
    return { engine, db, url: undefined, close: () => db.close() };
  }
  const pg = await acquireServer();
  let db: Database | undefined;
  let url: string;
  try {
    url = await pg.createDatabase();
    db = await openPostgres(url);
    if (migrated) await migrate(db);
  } catch (e) {
    await db?.close().catch(() => undefined);
    await releaseServer();
    throw e;
  }
  const opened = db;
  let closed = false;
  return {
    engine,
    db: opened,
    url,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await opened.close();
      } finally {
        await releaseServer();
      }
    },
  };
}

/** The shared server itself, for tests that need more than a database (pair with `close`). */
export async function withTestServer(): Promise<{ server: TestPostgres; close(): Promise<void> }> {
  const s = await acquireServer();
  let closed = false;
  return {
    server: s,
    async close() {
      if (closed) return;
      closed = true;
      await releaseServer();
    },
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../../service/store/database.js';
import { migrate, migrations, schemaVersion, type Migration } from '../../../../service/store/migrations.js';
import { openPostgres } from '../../../../service/store/postgres.js';
import { openTestStore, storeEngines, type TestStore } from '../../../support/stores.js';

const allVersions = migrations.map((m) => m.version);

describe.each(storeEngines)('migrations on %s', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine, { migrated: false });
  });
  afterAll(() => store.close());

  it('brings a fresh store to every version, and records each in schema_migrations', async () => {
    expect(await migrate(store.db)).toEqual(allVersions);
    const rows = await store.db.query<{ version: number; name: string; applied_at: Date }>(
      'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => [r.version, r.name])).toEqual(migrations.map((m) => [m.version, m.name]));
    expect(rows.every((r) => r.applied_at instanceof Date)).toBe(true);
    expect(await schemaVersion(store.db)).toBe(Math.max(...allVersions));
    // The schema is really there: the audit chain's genesis row, for one.
    expect(await store.db.query('SELECT seq, hash FROM audit_head')).toEqual([{ seq: 0, hash: '0'.repeat(64) }]);
  });

  it('applies nothing when run again', async () => {
    expect(await migrate(store.db)).toEqual([]);
    const [count] = await store.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM schema_migrations');
    expect(count?.n).toBe(allVersions.length);
  });

  it('rolls a failing migration back entirely, leaving nothing half-made', async () => {
    const broken: Migration = {
      version: 9001,
      name: 'broken',
      sql: `CREATE TABLE half_made (x integer);
            INSERT INTO half_made VALUES (1);
            ALTER TABLE children ADD COLUMN half_made_column text;
            SELECT no_such_column FROM half_made;`,
    };
    await expect(migrate(store.db, [...migrations, broken])).rejects.toThrow(/no_such_column/);
    const tables = await store.db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_made'");
    expect(tables).toEqual([]);
    const columns = await store.db.query(
      "SELECT 1 FROM information_schema.columns WHERE table_name = 'children' AND column_name = 'half_made_column'",
    );
    expect(columns).toEqual([]);
    expect(await schemaVersion(store.db)).toBe(Math.max(...allVersions));
    // The store still works and a good migration after the failure still applies.
    const good: Migration = { version: 9002, name: 'good', sql: 'CREATE TABLE after_failure (x integer)' };
    expect(await migrate(store.db, [...migrations, good])).toEqual([9002]);
  });
});

describe('concurrent migrations on postgres', () => {
  let store: TestStore;
  const others: Database[] = [];
  beforeAll(async () => {
    store = await openTestStore('postgres', { migrated: false });
  });
  afterAll(async () => {
    await Promise.all(others.map((d) => d.close()));
    await store.close();
  });

  it('apply each migration exactly once when two instances start together on an empty database', async () => {
    const second = await openPostgres(store.url!);
    others.push(second);
    const third = await openPostgres(store.url!);
    others.push(third);
    const applied = await Promise.all([migrate(store.db), migrate(second), migrate(third)]);
    // Between them, every version once; none twice.
    expect(applied.flat().sort((a, b) => a - b)).toEqual(allVersions);
    const rows = await store.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(allVersions);
    expect(await store.db.query('SELECT seq FROM audit_head')).toEqual([{ seq: 0 }]);
  });
});

// The Database interface's promises (service/store/database.ts), held to the same
// expected values on both engines, so code written against one behaves alike on the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, storeEngines, type TestStore } from '../../../support/stores.js';

const awkwardStrings = [
  'plain',
  'with space',
  'comma,inside',
  'quote"inside',
  "apostrophe'inside",
  'back\\slash',
  '{brace}',
  'NULL',
  '',
  'ünïcødé ✓',
];

describe.each(storeEngines)('Database on %s', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
    await store.db.exec(`CREATE TABLE probe (
      id text PRIMARY KEY, big int8, day date, at timestamptz, doc jsonb, tags text[], flag boolean)`);
  });
  afterAll(() => store.close());

  describe('value conventions', () => {
    it('returns int8 as a number, counts included', async () => {
      const [row] = await store.db.query(
        'SELECT 9007199254740991::int8 AS big, $1::int8 AS param, count(*) AS n FROM (VALUES (1), (2)) v',
        [42],
      );
      expect(row).toEqual({ big: 9007199254740991, param: 42, n: 2 });
    });

    it("returns date as a 'YYYY-MM-DD' string, whatever the day", async () => {
      const days = ['2012-02-29', '1999-12-31', '2000-01-01', '2024-03-31'];
      const rows = await store.db.query<{ d: string }>(
        'SELECT d::date AS d FROM unnest($1::text[]) WITH ORDINALITY AS u(d, i) ORDER BY i',
        [days],
      );
      expect(rows.map((r) => r.d)).toEqual(days);
    });

    it('takes a Date for timestamptz and gives back a Date at the same instant', async () => {
      const at = new Date('2024-03-31T00:30:15.123Z');
      const [row] = await store.db.query<{ t: unknown; iso: string }>(
        `SELECT $1::timestamptz AS t, to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS iso`,
        [at],
      );
      expect(row?.t).toBeInstanceOf(Date);
      expect((row?.t as Date).toISOString()).toBe(at.toISOString());
      // The server read the instant right, not shifted by a time zone.
      expect(row?.iso).toBe('2024-03-31T00:30:15.123');
    });

    it('takes JSON as JSON.stringify with ::jsonb and gives back the same value', async () => {
      const doc = {
        a: [1, 'two', null, true],
        nested: { deep: { text: 'quote \' " \\ ünïcødé <b>' } },
        n: 1.5,
        empty: {},
      };
      const [row] = await store.db.query<{ j: unknown; kind: string }>(
        'SELECT $1::jsonb AS j, jsonb_typeof($1::jsonb) AS kind',
        [JSON.stringify(doc)],
      );
      expect(row?.j).toEqual(doc);
      expect(row?.kind).toBe('object');
    });

    it('takes a string array for text[] and gives back the same strings', async () => {
      const [row] = await store.db.query<{ a: unknown; n: number; e: unknown }>(
        "SELECT $1::text[] AS a, cardinality($1::text[])::int8 AS n, '{}'::text[] AS e",
        [awkwardStrings],
      );
      expect(row?.a).toEqual(awkwardStrings);
      expect(row?.n).toBe(awkwardStrings.length);
      expect(row?.e).toEqual([]);
    });

    it('keeps every convention through a table round trip', async () => {
      const at = new Date('2023-10-29T01:59:59.999Z');
      const doc = { list: [{ k: 'v' }], s: 'x' };
      await store.db.query('INSERT INTO probe VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)', [
        'round-trip',
        1234567890123,
        '2020-02-29',
        at,
        JSON.stringify(doc),
        awkwardStrings,
        true,
      ]);
      const [row] = await store.db.query("SELECT big, day, at, doc, tags, flag FROM probe WHERE id = 'round-trip'");
      expect(row).toEqual({ big: 1234567890123, day: '2020-02-29', at, doc, tags: awkwardStrings, flag: true });
      const [nulls] = await store.db.query(
        'INSERT INTO probe (id) VALUES ($1) RETURNING big, day, at, doc, tags, flag',
        ['nulls'],
      );
      expect(nulls).toEqual({ big: null, day: null, at: null, doc: null, tags: null, flag: null });
    });
  });

  describe('transaction', () => {
    it('commits when the work resolves, and returns its value', async () => {
      const result = await store.db.transaction(async (tx) => {
        await tx.query("INSERT INTO probe (id, big) VALUES ('committed-1', 1)");
        await tx.query("INSERT INTO probe (id, big) VALUES ('committed-2', 2)");
        return 'done';
      });
      expect(result).toBe('done');
      const rows = await store.db.query("SELECT id FROM probe WHERE id LIKE 'committed-%' ORDER BY id");
      expect(rows).toEqual([{ id: 'committed-1' }, { id: 'committed-2' }]);
    });

    it('rolls everything back when the work throws, and rethrows the same error', async () => {
      const failure = new Error('the work failed');
      const attempt = store.db.transaction(async (tx) => {
        await tx.query("INSERT INTO probe (id) VALUES ('thrown-1')");
        await tx.query("UPDATE probe SET big = 99 WHERE id = 'committed-1'");
        throw failure;
      });
      await expect(attempt).rejects.toBe(failure);
      expect(await store.db.query("SELECT id FROM probe WHERE id = 'thrown-1'")).toEqual([]);
      expect(await store.db.query("SELECT big FROM probe WHERE id = 'committed-1'")).toEqual([{ big: 1 }]);
    });

    it('rolls back earlier statements when a later one fails in the database', async () => {
      const attempt = store.db.transaction(async (tx) => {
        await tx.query("INSERT INTO probe (id) VALUES ('before-duplicate')");
        await tx.query("INSERT INTO probe (id) VALUES ('committed-1')");
      });
      await expect(attempt).rejects.toThrow(/duplicate key/);
      expect(await store.db.query("SELECT id FROM probe WHERE id = 'before-duplicate'")).toEqual([]);
      // The store is usable afterwards (no connection left in an aborted transaction).
      expect(await store.db.query('SELECT 1::int8 AS one')).toEqual([{ one: 1 }]);
    });
  });
});

// PGlite is one session: a transaction there excludes every other query until it ends.
describe('Database on postgres: isolation', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore('postgres');
    await store.db.exec('CREATE TABLE probe (id text PRIMARY KEY)');
  });
  afterAll(() => store.close());

  it('hides uncommitted writes from other connections until commit', async () => {
    let seenInside: unknown[] = ['not checked'];
    await store.db.transaction(async (tx) => {
      await tx.query("INSERT INTO probe (id) VALUES ('isolated')");
      seenInside = await store.db.query("SELECT id FROM probe WHERE id = 'isolated'");
    });
    expect(seenInside).toEqual([]);
    expect(await store.db.query("SELECT id FROM probe WHERE id = 'isolated'")).toEqual([{ id: 'isolated' }]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildRecord } from '../../../../domain/child-record.js';
import { cpNumberFromSerial } from '../../../../domain/cp-number.js';
import { insertChild, loadChild, updateChild, VersionConflict } from '../../../../service/records/child-store.js';
import type { Queryable } from '../../../../service/store/database.js';
import { CHESHIRE_WEST_AND_CHESTER, child, WIRRAL, type ChildOverrides } from '../../../support/children.js';
import { openTestStore, storeEngines, type TestStore } from '../../../support/stores.js';

const at = new Date('2025-01-15T10:00:00.000Z');
const later = new Date('2025-01-16T11:30:00.000Z');
/** The child stored here: born on 29 February, with an apostrophe, a hyphen and a former name, and an NHS number. */
const ada: ChildOverrides = {
  name: { given: 'Ada', family: "O'Brien-Smith", former: [{ family: 'Lovelace' }] },
  dob: '2012-02-29',
  address: { lines: ['1 Hamilton Square', 'Birkenhead'], postcode: 'CH41 5AU' },
  identifiers: { nhsNumber: '9434765919', supplierRefs: [] },
};

interface DerivedRow {
  local_authority: string;
  version: number;
  family_key: string;
  given_key: string;
  former_keys: string[];
  dob: string;
  postcode_key: string | null;
  nhs_number: string | null;
  archive_due: string;
  shielded: boolean;
  updated_at: Date;
}

async function derivedRow(db: Queryable, cpNumber: string): Promise<DerivedRow | undefined> {
  const [row] = await db.query<DerivedRow>(
    `SELECT local_authority, version, family_key, given_key, former_keys, dob, postcode_key, nhs_number, archive_due, shielded, updated_at
       FROM children WHERE cp_number = $1`,
    [cpNumber],
  );
  return row;
}

async function feed(db: Queryable, localAuthority: string, cpNumber: string) {
  return db.query<{ kind: string; reason: string | null; version: number }>(
    'SELECT kind, reason, version FROM changes WHERE local_authority = $1 AND cp_number = $2 ORDER BY seq',
    [localAuthority, cpNumber],
  );
}

describe.each(storeEngines)('child store on %s', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(() => store.close());

  it('stores a new child at version 1 and reads back exactly what was written', async () => {
    const record = child({ serial: 100, ...ada, version: 7 });
    const stored = await store.db.transaction((tx) =>
      insertChild(tx, record, { at, provenance: { dob: { supplier: 'gro', date: '2012-03-05' } } }),
    );
    expect(stored.version).toBe(1);
    expect(stored.record).toEqual({ ...record, version: 1 });
    expect(await loadChild(store.db, record.cpNumber)).toEqual({
      record: { ...record, version: 1 },
      version: 1,
      localAuthority: WIRRAL,
      shielded: false,
      shieldPending: false,
      status: 'active',
      archivedOn: null,
      provenance: { dob: { supplier: 'gro', date: '2012-03-05' } },
    });
    expect(await feed(store.db, WIRRAL, record.cpNumber)).toEqual([{ kind: 'upsert', reason: null, version: 1 }]);
    expect(await loadChild(store.db, cpNumberFromSerial(999))).toBeNull();
  });

  it('keeps the search columns in step with the record on insert', async () => {
    const record = child({ serial: 101, ...ada });
    await store.db.transaction((tx) => insertChild(tx, record, { at }));
    expect(await derivedRow(store.db, record.cpNumber)).toEqual({
      local_authority: WIRRAL,
      version: 1,
      family_key: 'obriensmith',
      given_key: 'ada',
      former_keys: ['lovelace'],
      dob: '2012-02-29',
      postcode_key: 'CH415AU',
      nhs_number: '9434765919',
      // Born on 29 February: 18 on 1 March in a common year.
      archive_due: '2030-03-01',
      shielded: false,
      updated_at: at,
    });
  });

  it('updates a child at the expected version, and the search columns follow the new record', async () => {
    const record = child({ serial: 102, ...ada });
    await store.db.transaction((tx) => insertChild(tx, record, { at }));
    const next: ChildRecord = {
      ...record,
      name: { given: 'Zoë', family: 'Émile Ward', former: [] },
      dateOfDeath: '2020-06-01',
      whereabouts: 'no-known-address',
      address: null,
      identifiers: { supplierRefs: [] },
      shielded: true,
    };
    const stored = await store.db.transaction((tx) => updateChild(tx, record.cpNumber, 1, next, { at: later }));
    expect(stored.version).toBe(2);
    const loaded = await loadChild(store.db, record.cpNumber);
    expect(loaded?.version).toBe(2);
    expect(loaded?.record).toEqual({ ...next, version: 2 });
    expect(loaded?.shielded).toBe(true);
    expect(await derivedRow(store.db, record.cpNumber)).toEqual({
      local_authority: WIRRAL,
      version: 2,
      family_key: 'emileward',
      given_key: 'zoe',
      former_keys: [],
      dob: '2012-02-29',
      postcode_key: null,
      nhs_number: null,
      // A year after death comes before the eighteenth birthday.
      archive_due: '2021-06-01',
      shielded: true,
      updated_at: later,
    });
    expect(await feed(store.db, WIRRAL, record.cpNumber)).toEqual([
      { kind: 'upsert', reason: null, version: 1 },
      { kind: 'upsert', reason: null, version: 2 },
    ]);
  });

  it('refuses an update made from a stale version, leaving the row and the feed unchanged', async () => {
    const record = child({ serial: 103, ...ada });
    await store.db.transaction((tx) => insertChild(tx, record, { at }));
    await store.db.transaction((tx) =>
      updateChild(tx, record.cpNumber, 1, { ...record, gender: 'not-specified' }, { at }),
    );
    const before = await loadChild(store.db, record.cpNumber);
    const stale = store.db.transaction((tx) =>
      updateChild(
        tx,
        record.cpNumber,
        1,
        { ...record, name: { ...record.name, family: 'Overwritten' } },
        { at: later },
      ),
    );
    await expect(stale).rejects.toBeInstanceOf(VersionConflict);
    await expect(stale).rejects.toMatchObject({ cpNumber: record.cpNumber, currentVersion: 2 });
    expect(await loadChild(store.db, record.cpNumber)).toEqual(before);
    expect((await derivedRow(store.db, record.cpNumber))?.family_key).toBe('obriensmith');
    expect(await feed(store.db, WIRRAL, record.cpNumber)).toHaveLength(2);
  });

  it('records a move between authorities as a transfer: a tombstone in the old feed, an upsert in the new', async () => {
    const record = child({ serial: 104, ...ada });
    await store.db.transaction((tx) => insertChild(tx, record, { at }));
    const moved = await store.db.transaction((tx) =>
      updateChild(tx, record.cpNumber, 1, { ...record, localAuthority: CHESHIRE_WEST_AND_CHESTER }, { at: later }),
    );
    expect(moved.localAuthority).toBe(CHESHIRE_WEST_AND_CHESTER);
    expect(await feed(store.db, WIRRAL, record.cpNumber)).toEqual([
      { kind: 'upsert', reason: null, version: 1 },
      { kind: 'tombstone', reason: 'transferred', version: 2 },
    ]);
    expect(await feed(store.db, CHESHIRE_WEST_AND_CHESTER, record.cpNumber)).toEqual([
      { kind: 'upsert', reason: null, version: 2 },
    ]);
    expect((await derivedRow(store.db, record.cpNumber))?.local_authority).toBe(CHESHIRE_WEST_AND_CHESTER);
    // Later changes go to the new authority only.
    await store.db.transaction((tx) =>
      updateChild(tx, record.cpNumber, 2, { ...moved.record, gender: 'male' }, { at: later }),
    );
    expect(await feed(store.db, WIRRAL, record.cpNumber)).toHaveLength(2);
    expect(await feed(store.db, CHESHIRE_WEST_AND_CHESTER, record.cpNumber)).toEqual([
      { kind: 'upsert', reason: null, version: 2 },
      { kind: 'upsert', reason: null, version: 3 },
    ]);
  });

  it('counts a child awaiting a shield decision as shielded', async () => {
    const record = child({ serial: 105, ...ada });
    const stored = await store.db.transaction((tx) => insertChild(tx, record, { at, shieldPending: true }));
    expect(stored).toMatchObject({ shielded: true, shieldPending: true });
    expect(await loadChild(store.db, record.cpNumber)).toMatchObject({ shielded: true, shieldPending: true });
    // The pending flag survives an update that does not mention it.
    await store.db.transaction((tx) => updateChild(tx, record.cpNumber, 1, record, { at }));
    expect(await loadChild(store.db, record.cpNumber)).toMatchObject({
      shielded: true,
      shieldPending: true,
      version: 2,
    });
  });

  describe('hostile text', () => {
    const hostile = [
      "Robert'); DROP TABLE children;--",
      '%',
      '_',
      '\\',
      'O\'Neil "Junior"',
      '<script>alert(1)</script>',
      "'; DELETE FROM changes WHERE ''='",
      '$1',
    ];

    it.each(hostile.map((text, i) => [text, i] as const))(
      'stores %j verbatim everywhere in a record',
      async (text, i) => {
        const record = child({
          serial: 200 + i,
          name: { given: text, family: text, former: [{ given: text, family: text }] },
          address: { lines: [text, `${text} Road`], postcode: 'CH41 5AU' },
          parents: [
            { name: text, relationship: 'mother', contact: { address: { lines: [text], postcode: 'CH1 2HS' } } },
          ],
          identifiers: { nhsNumber: '9434765919', supplierRefs: [{ supplier: 'local-authority', reference: text }] },
        });
        await store.db.transaction((tx) =>
          insertChild(tx, record, { at, provenance: { [text]: { supplier: text, date: '2025-01-01' } } }),
        );
        const loaded = await loadChild(store.db, record.cpNumber);
        expect(loaded?.record).toEqual({ ...record, version: 1 });
        expect(loaded?.provenance).toEqual({ [text]: { supplier: text, date: '2025-01-01' } });
        const updated = { ...record, name: { ...record.name, given: `${text}${text}` } };
        await store.db.transaction((tx) => updateChild(tx, record.cpNumber, 1, updated, { at }));
        expect((await loadChild(store.db, record.cpNumber))?.record.name.given).toBe(`${text}${text}`);
      },
    );

    it('finds no child by a hostile ContactPoint number, and the tables are intact', async () => {
      expect(await loadChild(store.db, "x' OR '1'='1")).toBeNull();
      expect(await loadChild(store.db, '%')).toBeNull();
      const [children] = await store.db.query<{ n: number }>('SELECT count(*) AS n FROM children');
      // 100..105 from the tests above, and one per hostile string.
      expect(children?.n).toBe(6 + hostile.length);
      const [changes] = await store.db.query<{ n: number }>('SELECT count(*) AS n FROM changes');
      expect(changes?.n).toBeGreaterThan(6 + hostile.length);
      const tables = await store.db.query<{ t: string | null }>(
        "SELECT to_regclass('children')::text AS t UNION ALL SELECT to_regclass('changes')::text",
      );
      expect(tables).toEqual([{ t: 'children' }, { t: 'changes' }]);
    });
  });
});

// England-scale training data (issue 22): millions of generated children written into a
// PostgreSQL store with COPY, the way a bulk load should be done. The store is migrated
// with the service's own migrations; the secondary indexes of the tables the load fills
// are dropped (their definitions read from pg_indexes and kept in a table until they are
// back, so an interrupted load can finish them); every row goes through COPY ... FROM
// STDIN; the indexes are then rebuilt with the same definitions, and the tables vacuumed
// and analysed. The rows are exactly what seedTrainingChildren writes for the same seed,
// count and clock: the same columns (PostgreSQL computes the generated ones), provenance,
// supplier links and sync feed.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ChildRecord } from '../../domain/child-record.js';
import { derivedValues } from '../records/child-store.js';
import { migrate } from '../store/migrations.js';
import { openPostgres } from '../store/postgres.js';
import { generateChildren, MAX_TRAINING_COUNT } from './generator.js';
import { MAX_NATIONAL_AUTHORITIES } from './national-places.js';
import { seedRowsOf } from './seed.js';

/** The tables the load fills; their secondary indexes are built after the rows are in. */
export const loadedTables = ['children', 'changes', 'supply_links'] as const;

/** Where the dropped indexes' definitions wait until they are built again. */
const pendingTable = 'national_load_pending_indexes';

export interface NationalLoadOptions {
  databaseUrl: string;
  children: number;
  /** 2 to 150 (default 150). */
  authorities?: number;
  seed?: string;
  /** The load's clock: updated_at and the feed's time, and "today" for ages. Default: now. */
  at?: Date;
  /** Progress lines (rows/s, phase); default: none. */
  log?: (line: string) => void;
}

export interface NationalLoadReport {
  children: number;
  authorities: number;
  supplyLinks: number;
  /** Seconds: generating and copying, building indexes, vacuum and analyse, all. */
  copySeconds: number;
  indexSeconds: number;
  vacuumSeconds: number;
  totalSeconds: number;
  indexes: { name: string; seconds: number }[];
  /** Bytes: heap (with TOAST) and indexes, per table. */
  sizes: Record<string, { table: number; indexes: number }>;
}

export class NationalLoadRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NationalLoadRefused';
  }
}

/** Check the options; a NationalLoadRefused naming the problem. */
export function checkNationalLoadOptions(options: NationalLoadOptions): void {
  const { children, authorities = MAX_NATIONAL_AUTHORITIES, seed } = options;
  if (!Number.isInteger(children) || children < 1 || children > MAX_TRAINING_COUNT) {
    throw new NationalLoadRefused(`--children must be a whole number from 1 to ${MAX_TRAINING_COUNT}: ${children}`);
  }
  if (!Number.isInteger(authorities) || authorities < 2 || authorities > MAX_NATIONAL_AUTHORITIES) {
    throw new NationalLoadRefused(
      `--authorities must be a whole number from 2 to ${MAX_NATIONAL_AUTHORITIES}: ${authorities}`,
    );
  }
  if (seed !== undefined && seed.length === 0) throw new NationalLoadRefused('--seed must not be empty');
  if (!/^postgres(ql)?:\/\//.test(options.databaseUrl)) {
    throw new NationalLoadRefused('--database-url must be a postgres:// URL');
  }
}

// --- COPY text format ------------------------------------------------------------

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped. */
export function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : value;
}

const text = copyText;

function nullable(value: string | null): string {
  return value === null ? '\\N' : text(value);
}

/** A text[] literal: every element quoted (then written with copyText like any value). */
export function copyTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** One row of children, in the column order of childCopy. */
function childLine(record: ChildRecord, provenance: unknown, at: string): string {
  const held: ChildRecord = { ...record, version: 1 };
  const d = derivedValues(held);
  return `${[
    text(held.cpNumber),
    text(held.localAuthority),
    '1',
    text(JSON.stringify(held)),
    text(JSON.stringify(provenance)),
    held.shielded ? 't' : 'f',
    'f',
    d.archive_due,
    text(d.family_key),
    text(d.given_key),
    text(copyTextArray(d.former_keys)),
    d.dob,
    nullable(d.postcode_key),
    nullable(d.nhs_number),
    at,
  ].join('\t')}\n`;
}

const childCopy =
  'COPY children (cp_number, local_authority, version, record, provenance, shielded, shield_pending, archive_due, ' +
  'family_key, given_key, former_keys, dob, postcode_key, nhs_number, updated_at) FROM STDIN WITH (FREEZE)';
const changeCopy = 'COPY changes (local_authority, seq, cp_number, kind, reason, version, at) FROM STDIN WITH (FREEZE)';
const linkCopy = 'COPY supply_links (supplier, supplier_ref, cp_number) FROM STDIN WITH (FREEZE)';

/** One table's COPY on its own connection, in a transaction that emptied the table first. */
class CopyStream {
  private buffer: string[] = [];
  private size = 0;
  private stream!: ReturnType<typeof copyFrom>;
  private opened = false;
  private done!: Promise<void>;
  private failure: Error | null = null;

  constructor(
    readonly client: pg.Client,
    private readonly table: string,
    private readonly sql: string,
  ) {}

  async open(): Promise<void> {
    await this.client.query('BEGIN');
    // Emptying the (already empty) table in this transaction is what lets COPY FREEZE
    // write frozen, all-visible rows, and lets wal_level=minimal skip the WAL.
    await this.client.query(`TRUNCATE ${this.table}`);
    this.stream = this.client.query(copyFrom(this.sql));
    this.opened = true;
    this.done = new Promise((resolve, reject) => {
      this.stream.on('finish', resolve);
      this.stream.on('error', (e: Error) => {
        this.failure = e;
        reject(e);
      });
    });
    this.done.catch(() => undefined);
  }

  /** Queue one line; resolves at once unless the server is behind. */
  write(line: string): Promise<void> | undefined {
    this.buffer.push(line);
    this.size += line.length;
    return this.size >= 1 << 20 ? this.flush() : undefined;
  }

  private flush(): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    if (this.buffer.length === 0) return undefined;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (this.stream.write(chunk)) return undefined;
    return new Promise((resolve, reject) => {
      const onDrain = () => {
        this.stream.off('error', onError);
        resolve();
      };
      const onError = (e: Error) => {
        this.stream.off('drain', onDrain);
        reject(e);
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
  }

  async end(): Promise<void> {
    await this.flush();
    this.stream.end();
    await this.done;
  }

  async commit(): Promise<void> {
    await this.client.query('COMMIT');
  }

  /**
   * Stop this table's COPY and roll its transaction back. A COPY still open holds its
   * connection: the ROLLBACK would queue behind it for ever (as when another table's COPY
   * failed on a full disk), so the stream is destroyed first, which sends CopyFail.
   */
  async abort(): Promise<void> {
    if (this.opened && !this.stream.destroyed) {
      this.stream.destroy(new Error('the load was stopped'));
      await this.done.catch(() => undefined);
    }
    await this.client.query('ROLLBACK').catch(() => undefined);
  }
}

async function connect(url: string, settings: Record<string, string>): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  for (const [name, value] of Object.entries(settings)) {
    await client.query('SELECT set_config($1, $2, false)', [name, value]);
  }
  return client;
}

interface IndexDefinition {
  table: string;
  name: string;
  definition: string;
}

/**
 * The secondary indexes of the loaded tables: every index that does not back a
 * constraint (primary keys stay, so duplicates are refused during the load).
 */
async function secondaryIndexes(client: pg.Client): Promise<IndexDefinition[]> {
  const { rows } = await client.query<IndexDefinition>(
    `SELECT i.tablename AS table, i.indexname AS name, i.indexdef AS definition
       FROM pg_indexes i
       JOIN pg_class c ON c.relname = i.indexname
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname
      WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
      ORDER BY i.tablename, i.indexname`,
    [[...loadedTables]],
  );
  return rows;
}

async function pendingIndexes(client: pg.Client): Promise<IndexDefinition[] | null> {
  const { rows } = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
    pendingTable,
  ]);
  if (!rows[0]?.exists) return null;
  return (await client.query<IndexDefinition>(`SELECT "table", name, definition FROM ${pendingTable} ORDER BY name`))
    .rows;
}

async function count(client: pg.Client, table: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

/** Build the indexes on `workers` connections at once, largest tables first. */
async function buildIndexes(
  url: string,
  definitions: readonly IndexDefinition[],
  settings: Record<string, string>,
  workers: number,
  log: (line: string) => void,
): Promise<{ name: string; seconds: number }[]> {
  // GIN (trigram) builds are the longest and cannot use parallel workers: start them first.
  const queue = [...definitions].sort((a, b) => weight(b) - weight(a));
  const timings: { name: string; seconds: number }[] = [];
  const worker = async () => {
    const client = await connect(url, settings);
    try {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const t0 = performance.now();
        const sql = next.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ');
        await client.query(sql);
        const seconds = (performance.now() - t0) / 1000;
        timings.push({ name: next.name, seconds });
        await client.query(`DELETE FROM ${pendingTable} WHERE name = $1`, [next.name]);
        log(`index ${next.name}: ${seconds.toFixed(1)} s`);
      }
    } finally {
      await client.end();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
  return timings;
}

function weight(d: IndexDefinition): number {
  const table = d.table === 'children' ? 100 : 10;
  return table * (/USING gin/.test(d.definition) ? 10 : 1);
}

/**
 * Load `children` generated children into an empty store. Refuses (NationalLoadRefused,
 * nothing changed) a store that already holds children, links or feed entries.
 */
export async function loadNational(options: NationalLoadOptions): Promise<NationalLoadReport> {
  checkNationalLoadOptions(options);
  const { databaseUrl: url, children: total } = options;
  const authorities = options.authorities ?? MAX_NATIONAL_AUTHORITIES;
  const seed = options.seed ?? 'contactpoint-national';
  const at = options.at ?? new Date();
  const log = options.log ?? (() => undefined);
  const started = performance.now();

  // Migrate with the service's own migrations.
  const db = await openPostgres(url, { max: 2 });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) log(`migrated: ${applied.length} migrations applied`);
  } finally {
    await db.close();
  }

  // lz4 rather than pglz for the TOASTed records: compressing them was a third of the copy.
  const settings = {
    synchronous_commit: 'off',
    maintenance_work_mem: '1GB',
    max_parallel_maintenance_workers: '1',
    default_toast_compression: 'lz4',
  };
  const admin = await connect(url, settings);
  let definitions: IndexDefinition[];
  let resumed = false;
  try {
    const pending = await pendingIndexes(admin);
    const held = await count(admin, 'children');
    if (held > 0 && pending !== null && pending.length > 0) {
      // The rows went in but a previous load stopped before its indexes were all built.
      definitions = pending;
      resumed = true;
      log(`resuming: ${pending.length} indexes of an interrupted load still to build`);
    } else {
      for (const table of loadedTables) {
        const n = table === 'children' ? held : await count(admin, table);
        if (n > 0) {
          throw new NationalLoadRefused(
            `The store already holds ${n} rows in ${table}: the national loader fills only an empty store. Use a new database.`,
          );
        }
      }
      definitions = pending ?? (await secondaryIndexes(admin));
      await admin.query('BEGIN');
      await admin.query(
        `CREATE TABLE IF NOT EXISTS ${pendingTable} ("table" text, name text PRIMARY KEY, definition text)`,
      );
      for (const d of definitions) {
        await admin.query(
          `INSERT INTO ${pendingTable} ("table", name, definition) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [d.table, d.name, d.definition],
        );
        await admin.query(`DROP INDEX IF EXISTS ${d.name}`);
      }
      await admin.query('COMMIT');
      log(`dropped ${definitions.length} secondary indexes of ${loadedTables.join(', ')}`);
    }
  } catch (e) {
    await admin.query('ROLLBACK').catch(() => undefined);
    await admin.end();
    throw e;
  }

  let linksWritten = 0;
  const t0 = performance.now();
  if (!resumed) {
    const streams = await Promise.all(
      [
        ['children', childCopy],
        ['changes', changeCopy],
        ['supply_links', linkCopy],
      ].map(async ([table, sql]) => new CopyStream(await connect(url, settings), table!, sql!)),
    );
    const [childStream, changeStream, linkStream] = streams as [CopyStream, CopyStream, CopyStream];
    const heads = new Map<string, number>();
    try {
      for (const s of streams) await s.open();
      const atText = at.toISOString();
      let written = 0;
      let lastLog = performance.now();
      const generator = generateChildren({ seed, count: total, today: atText.slice(0, 10), authorities });
      for (const child of generator) {
        const { provenance, links } = seedRowsOf(child);
        const r = child.record;
        const pending: Promise<void>[] = [];
        const a = childStream.write(childLine(r, provenance, atText));
        if (a) pending.push(a);
        const seq = (heads.get(r.localAuthority) ?? 0) + 1;
        heads.set(r.localAuthority, seq);
        const b = changeStream.write(
          `${text(r.localAuthority)}\t${seq}\t${text(r.cpNumber)}\tupsert\t\\N\t1\t${atText}\n`,
        );
        if (b) pending.push(b);
        for (const l of links) {
          const c = linkStream.write(`${text(l.supplier)}\t${text(l.ref)}\t${text(l.cp)}\n`);
          if (c) pending.push(c);
        }
        linksWritten += links.length;
        if (pending.length > 0) await Promise.all(pending);
        written++;
        if ((written & 0xfff) === 0 && performance.now() - lastLog > 5000) {
          lastLog = performance.now();
          const seconds = (lastLog - t0) / 1000;
          log(
            `copy: ${written.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} children, ${Math.round(written / seconds).toLocaleString('en-GB')} rows/s`,
          );
        }
      }
      for (const s of streams) await s.end();
      // The feed heads, in the children's transaction: each authority's last sequence number.
      const codes = [...heads.keys()];
      await childStream.client.query(
        `INSERT INTO change_heads (local_authority, last_seq) SELECT * FROM unnest($1::text[], $2::int8[])
         ON CONFLICT (local_authority) DO UPDATE SET last_seq = EXCLUDED.last_seq`,
        [codes, codes.map((c) => heads.get(c)!)],
      );
      for (const s of streams) await s.commit();
    } catch (e) {
      for (const s of streams) await s.abort();
      await admin.end().catch(() => undefined);
      throw e;
    } finally {
      for (const s of streams) await s.client.end().catch(() => undefined);
    }
  }
  const copySeconds = (performance.now() - t0) / 1000;
  log(
    `copy done: ${total.toLocaleString('en-GB')} children in ${copySeconds.toFixed(1)} s (${Math.round(total / copySeconds).toLocaleString('en-GB')} rows/s)`,
  );

  const t1 = performance.now();
  let indexes: { name: string; seconds: number }[];
  try {
    // Two builds at once: one per core, each with a parallel worker where it can use one.
    indexes = await buildIndexes(url, definitions, { ...settings, maintenance_work_mem: '2GB' }, 2, log);
    await admin.query(`DROP TABLE IF EXISTS ${pendingTable}`);
  } catch (e) {
    await admin.end();
    throw e;
  }
  const indexSeconds = (performance.now() - t1) / 1000;
  log(`indexes built in ${indexSeconds.toFixed(1)} s`);

  const t2 = performance.now();
  try {
    // The visibility map (index-only scans, docs/service.md "The store") and the planner's statistics.
    await admin.query(`VACUUM (ANALYZE) ${[...loadedTables, 'change_heads'].join(', ')}`);
    const vacuumSeconds = (performance.now() - t2) / 1000;
    log(`vacuum and analyse: ${vacuumSeconds.toFixed(1)} s`);
    const sizes: NationalLoadReport['sizes'] = {};
    for (const table of loadedTables) {
      const { rows } = await admin.query<{ t: string; i: string }>(
        'SELECT pg_table_size($1) AS t, pg_indexes_size($1) AS i',
        [table],
      );
      sizes[table] = { table: Number(rows[0]!.t), indexes: Number(rows[0]!.i) };
    }
    const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM supply_links');
    return {
      children: total,
      authorities,
      supplyLinks: resumed ? Number(rows[0]!.n) : linksWritten,
      copySeconds,
      indexSeconds,
      vacuumSeconds,
      totalSeconds: (performance.now() - started) / 1000,
      indexes,
      sizes,
    };
  } finally {
    await admin.end();
  }
}

// The national loader (issue 22) on a real PostgreSQL: a store it fills with COPY is the
// store seedTrainingChildren fills row by row (same rows, generated columns, feed,
// supplier links, indexes), the service works on it, and it refuses what it must.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettableClock } from '../../../../service/context.js';
import { migrate } from '../../../../service/store/migrations.js';
import { openPostgres } from '../../../../service/store/postgres.js';
import type { Database } from '../../../../service/store/database.js';
import { generateChildren } from '../../../../service/training/index.js';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  checkNationalLoadOptions,
  copyText,
  copyTextArray,
  loadNational,
  NationalLoadRefused,
  type NationalLoadReport,
} from '../../../../service/training/national-load.js';
import { seedTrainingChildren } from '../../../../service/training/seed.js';
import { startServiceHarness } from '../../../support/national-service.js';
import { startPostgres, type TestPostgres } from '../../../support/postgres.js';

const AT = new Date('2026-11-30T09:15:00.000Z');
const COUNT = 20_000;
const AUTHORITIES = 12;
const SEED = 'national-load-test';
const reason = { headers: { 'cp-access-reason': 'Checking who is involved before a meeting' } };

let server: TestPostgres;
let loadedUrl: string;
let seededUrl: string;
let loaded: Database;
let seeded: Database;
let report: NationalLoadReport;
const progress: string[] = [];

/** Everything the two stores are compared on: whole rows, as text, hashed per table. */
async function contents(db: Database): Promise<Record<string, string>> {
  const [row] = await db.query<Record<string, string>>(
    `SELECT (SELECT md5(string_agg(c::text, E'\\n' ORDER BY cp_number)) FROM children c) AS children,
            (SELECT md5(string_agg(x::text, E'\\n' ORDER BY local_authority, seq)) FROM changes x) AS changes,
            (SELECT md5(string_agg(h::text, E'\\n' ORDER BY local_authority)) FROM change_heads h) AS change_heads,
            (SELECT md5(string_agg(l::text, E'\\n' ORDER BY supplier, supplier_ref)) FROM supply_links l) AS supply_links,
            (SELECT count(*) FROM children)::text AS child_count`,
  );
  return row!;
}

async function indexes(db: Database): Promise<{ tablename: string; indexname: string; indexdef: string }[]> {
  return db.query(
    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname",
  );
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'scripts/national-load.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  server = await startPostgres();
  loadedUrl = await server.createDatabase();
  seededUrl = await server.createDatabase();
  report = await loadNational({
    databaseUrl: loadedUrl,
    children: COUNT,
    authorities: AUTHORITIES,
    seed: SEED,
    at: AT,
    log: (line) => progress.push(line),
  });
  loaded = await openPostgres(loadedUrl);
  seeded = await openPostgres(seededUrl);
  await migrate(seeded);
  await seedTrainingChildren(seeded, new SettableClock(AT), { count: COUNT, seed: SEED, authorities: AUTHORITIES });
}, 600_000);

afterAll(async () => {
  await loaded?.close().catch(() => undefined);
  await seeded?.close();
  await server?.stop();
});

describe('the national loader', () => {
  it('writes exactly the rows seedTrainingChildren writes: children with generated columns, feed, heads, links', async () => {
    const a = await contents(loaded);
    const b = await contents(seeded);
    expect(a.child_count).toBe(String(COUNT));
    expect(a).toEqual(b);
    expect(report).toMatchObject({ children: COUNT, authorities: AUTHORITIES });
    const [links] = await loaded.query<{ n: number }>('SELECT count(*)::int AS n FROM supply_links');
    expect(report.supplyLinks).toBe(links!.n);
    const [la] = await loaded.query<{ n: number }>('SELECT count(DISTINCT local_authority)::int AS n FROM children');
    expect(la!.n).toBe(AUTHORITIES);
    // The generated columns were computed by PostgreSQL, not left empty.
    const [generated] = await loaded.query<{ feed: number; open: number }>(
      'SELECT count(*) FILTER (WHERE feed_text IS NOT NULL)::int AS feed, count(*) FILTER (WHERE jsonb_array_length(open_services) > 0)::int AS open FROM children',
    );
    expect(generated!.feed).toBe(COUNT);
    expect(generated!.open).toBeGreaterThan(COUNT / 10);
  });

  it('leaves the indexes the migrations define, and nothing of its own', async () => {
    const a = await indexes(loaded);
    expect(a).toEqual(await indexes(seeded));
    expect(a.map((i) => i.indexname)).toEqual(expect.arrayContaining(['children_family_trgm', 'children_figures']));
    const [pending] = await loaded.query<{ t: string | null }>(
      "SELECT to_regclass('national_load_pending_indexes')::text AS t",
    );
    expect(pending!.t).toBeNull();
    expect(report.indexes.map((i) => i.name).sort()).toEqual(
      a
        .filter((i) => i.tablename === 'children' && !i.indexname.endsWith('_pkey'))
        .map((i) => i.indexname)
        .sort(),
    );
  });

  it('vacuums and analyses: the visibility map is set and the planner knows the size', async () => {
    const [stats] = await loaded.query<{ tuples: number; visible: number; pages: number }>(
      "SELECT reltuples::int AS tuples, relallvisible AS visible, relpages AS pages FROM pg_class WHERE relname = 'children'",
    );
    expect(stats!.tuples).toBe(COUNT);
    expect(stats!.visible).toBe(stats!.pages);
    expect(progress.some((l) => /rows\/s/.test(l))).toBe(true);
    expect(progress.some((l) => /indexes built/.test(l))).toBe(true);
  });

  it('gives a store the service searches (with a typo, nationally) and reads', async () => {
    const target = [
      ...generateChildren({ seed: SEED, count: COUNT, today: AT.toISOString().slice(0, 10), authorities: AUTHORITIES }),
    ]
      .map((c) => c.record)
      .find((r) => !r.shielded && r.localAuthority === 'E10000016' && r.name.family.length >= 6)!;
    expect(target).toBeDefined();
    const family = target.name.family;
    // A keyboard slip at the end of the surname, as a practitioner makes one.
    const typo = `${family.slice(0, -1)}${family.endsWith('x') ? 'z' : 'x'}`;
    // Its own connection: the service closes its store when it stops.
    const h = await startServiceHarness({ database: await openPostgres(loadedUrl), now: AT });
    try {
      const practitioner = await h.signIn('trn-practitioner');
      const found = await practitioner.get(
        `/v1/children?surname=${encodeURIComponent(typo)}&forename=${encodeURIComponent(target.name.given)}&dob=${target.dob}`,
      );
      expect(found.status).toBe(200);
      expect(found.body.results.map((r: { cpNumber: string }) => r.cpNumber)).toContain(target.cpNumber);
      const read = await practitioner.get(`/v1/children/${target.cpNumber}`, reason);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ cpNumber: target.cpNumber, name: { family }, localAuthority: 'E10000016' });
      // The service loaded no training children of its own on top.
      const [n] = await loaded.query<{ n: number }>('SELECT count(*)::int AS n FROM children');
      expect(n!.n).toBe(COUNT);
    } finally {
      await h.close();
    }
  });

  it('refuses a store that already holds children, and changes nothing', async () => {
    const before = { rows: await contents(loaded), indexes: await indexes(loaded) };
    const refusal = await loadNational({ databaseUrl: loadedUrl, children: 10, seed: SEED }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(NationalLoadRefused);
    expect((refusal as Error).message).toMatch(/already holds \d+ rows in children.*only an empty store/);
    const cli = await runCli(['--database-url', loadedUrl, '--children', '10']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/already holds \d+ rows in children/);
    expect(cli.stderr).not.toContain(loadedUrl);
    expect({ rows: await contents(loaded), indexes: await indexes(loaded) }).toEqual(before);
  });

  it('writes any text through COPY unchanged: backslashes, tabs, new lines, quotes, braces', async () => {
    const awkward = [
      'back\\slash',
      'tab\there',
      'new\nline',
      'carriage\rreturn',
      'quote"d',
      '{brace},comma',
      '\\N',
      'NULL',
      '',
      '\u202Enosnhoj',
      '<script>alert("x")</script>',
    ];
    const client = new pg.Client({ connectionString: loadedUrl });
    await client.connect();
    try {
      await client.query('CREATE TEMP TABLE copy_check (n int, t text, a text[], j jsonb)');
      const stream = client.query(copyFrom('COPY copy_check (n, t, a, j) FROM STDIN'));
      const done = new Promise((resolve, reject) => stream.on('finish', resolve).on('error', reject));
      awkward.forEach((value, n) => {
        const json = JSON.stringify({ value, list: [value] });
        stream.write(`${n}\t${copyText(value)}\t${copyText(copyTextArray([value, 'x']))}\t${copyText(json)}\n`);
      });
      stream.end();
      await done;
      const { rows } = await client.query<{ t: string; a: string[]; j: { value: string; list: string[] } }>(
        'SELECT t, a, j FROM copy_check ORDER BY n',
      );
      expect(rows.map((r) => r.t)).toEqual(awkward);
      expect(rows.map((r) => r.a)).toEqual(awkward.map((v) => [v, 'x']));
      expect(rows.map((r) => r.j)).toEqual(awkward.map((value) => ({ value, list: [value] })));
    } finally {
      await client.end();
    }
  });

  it('finishes the indexes of a load that stopped after its rows were in', async () => {
    const url = await server.createDatabase();
    await loadNational({ databaseUrl: url, children: 500, authorities: 3, seed: SEED, at: AT });
    const db = await openPostgres(url);
    try {
      const complete = await indexes(db);
      // What the loader leaves when it is stopped while building: the rows, some indexes
      // gone, and their definitions waiting in its table.
      await db.exec(`CREATE TABLE national_load_pending_indexes ("table" text, name text PRIMARY KEY, definition text);
        INSERT INTO national_load_pending_indexes SELECT tablename, indexname, indexdef FROM pg_indexes
         WHERE indexname IN ('children_family_trgm', 'children_dob');
        DROP INDEX children_family_trgm; DROP INDEX children_dob;`);
      const lines: string[] = [];
      const again = await loadNational({ databaseUrl: url, children: 500, seed: SEED, log: (l) => lines.push(l) });
      expect(lines.some((l) => /resuming: 2 indexes/.test(l))).toBe(true);
      expect(again.indexes.map((i) => i.name).sort()).toEqual(['children_dob', 'children_family_trgm']);
      expect(await indexes(db)).toEqual(complete);
      const [pending] = await db.query<{ t: string | null }>(
        "SELECT to_regclass('national_load_pending_indexes')::text AS t",
      );
      expect(pending!.t).toBeNull();
      const [n] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM children');
      expect(n!.n).toBe(500);
    } finally {
      await db.close();
    }
  });

  it("a COPY failing part-way (a full disk, a constraint) ends the load at once with the server's error, keeping nothing", async () => {
    const url = await server.createDatabase();
    const db = await openPostgres(url);
    try {
      await migrate(db);
      // Stands in for a full disk (what stopped an 11M load here): the feed's COPY is
      // refused part-way while the children's and the links' COPYs are still open. Their
      // connections must be freed, not left waiting behind their COPY for ever.
      await db.exec('ALTER TABLE changes ADD CONSTRAINT stop_part_way CHECK (seq < 300) NOT VALID');
      const failure = await loadNational({
        databaseUrl: url,
        children: 5_000,
        authorities: 2,
        seed: SEED,
        at: AT,
      }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toMatch(/stop_part_way/);
      const [n] = await db.query<{ children: number; changes: number; links: number }>(
        `SELECT (SELECT count(*)::int FROM children) AS children, (SELECT count(*)::int FROM changes) AS changes,
                (SELECT count(*)::int FROM supply_links) AS links`,
      );
      expect(n).toEqual({ children: 0, changes: 0, links: 0 });
      const [open] = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
      );
      expect(open!.n).toBe(0);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('refuses bad arguments with a message naming the problem', async () => {
    const base = { databaseUrl: 'postgres://127.0.0.1/x', children: 10 };
    expect(() => checkNationalLoadOptions({ ...base, children: 0 })).toThrow(/--children must be a whole number/);
    expect(() => checkNationalLoadOptions({ ...base, children: 2.5 })).toThrow(/--children/);
    expect(() => checkNationalLoadOptions({ ...base, authorities: 151 })).toThrow(/--authorities must be .* 2 to 150/);
    expect(() => checkNationalLoadOptions({ ...base, seed: '' })).toThrow(/--seed/);
    expect(() => checkNationalLoadOptions({ ...base, databaseUrl: 'mysql://x' })).toThrow(/--database-url/);
    const empty = await server.createDatabase();
    const cases: [string[], RegExp][] = [
      [['--children', '10'], /--database-url is required/],
      [['--database-url', empty], /--children is required/],
      [['--database-url', empty, '--children', 'many'], /--children must be a whole number/],
      [['--database-url', empty, '--children', '10', '--authorities', '1'], /--authorities must be a whole number/],
      [['--database-url', empty, '--children', '10', '--colour', 'red'], /Unknown option '--colour'/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain('Usage: npm run national:load');
    }
    // Nothing was created in the empty database: not even the migrations ran.
    const db = await openPostgres(empty);
    try {
      const [t] = await db.query<{ t: string | null }>("SELECT to_regclass('children')::text AS t");
      expect(t!.t).toBeNull();
    } finally {
      await db.close();
    }
  }, 120_000);
});

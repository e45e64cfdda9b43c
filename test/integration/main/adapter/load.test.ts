// A load from end to end below the screen: a case-management export checked with the
// shipped profile (two real threads, each with its own read-only connection to a real
// encrypted working set, its key in the real Secret Service), matched to the working
// set, then sent to a real national index in signed batches with idempotency keys; a
// submission cut off after the service applied a batch resumes without applying it
// twice; a file changed after its check is refused; a stopped check leaves nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseProfile } from '../../../../domain/adapter/profile.js';
import { createApiClient } from '../../../../main/api/client.js';
import { createTransport } from '../../../../main/api/transport.js';
import { CheckCancelled, checkFile } from '../../../../main/adapter/check.js';
import { getLoad, listLoads, loadProblems, loadRows } from '../../../../main/adapter/loads.js';
import { reportLines, writeCsvReport } from '../../../../main/adapter/report.js';
import { SourceError } from '../../../../main/adapter/source/index.js';
import { submitLoad } from '../../../../main/adapter/submit.js';
import type { ApiRequest } from '../../../../main/api/client.js';
import { startAdapterCheckFromSource } from '../../../../main/adapter/check-from-source.js';
import type { WorkingSetStore } from '../../../../main/working-set/store.js';
import {
  CASE_MANAGEMENT_COLUMNS,
  caseManagementLine,
  caseManagementRows,
  type CaseManagementRow,
} from '../../../../service/training/exports.js';
import { WIRRAL } from '../../../../service/training/index.js';
import { startServiceHarness, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import {
  createTestWorkingSet,
  fillStore,
  keyringUnavailable,
  type TestWorkingSet,
} from '../../../support/working-set.js';
import { describeWhere } from '../../../support/skip.js';

const skip = keyringUnavailable();
const profile = parseProfile(JSON.parse(readFileSync('profiles/case-management.json', 'utf8')) as unknown);

describeWhere(skip, 'loading local data', () => {
  let h: ServiceHarness;
  let team: SignedClient;
  let ws: TestWorkingSet;
  let store: WorkingSetStore;
  let dir: string;
  let today: string;
  let heldRows: CaseManagementRow[];
  let call: (request: ApiRequest) => Promise<unknown>;

  const writeExport = (name: string, rows: CaseManagementRow[], extra = '') => {
    const path = join(dir, name);
    writeFileSync(
      path,
      `${CASE_MANAGEMENT_COLUMNS.join(',')}\r\n${rows.map(caseManagementLine).join('\r\n')}\r\n${extra}`,
    );
    return path;
  };
  const check = (path: string, options: Partial<Parameters<typeof checkFile>[0]> = {}) =>
    checkFile({
      path,
      profile,
      today,
      userId: 'trn-la-team',
      db: store.db,
      workingSet: { dir: ws.dir, keyAccount: ws.account },
      threads: { start: startAdapterCheckFromSource, count: 2 },
      ...options,
    });

  beforeAll(async () => {
    h = await startServiceHarness({ trainingCount: 400 });
    today = h.clock.now().toISOString().slice(0, 10);
    team = await h.signIn('trn-la-team');
    const api = createApiClient({
      baseUrl: h.url,
      transport: createTransport({ timeoutMs: 60_000 }),
      now: () => h.clock.now().getTime(),
      retryDelaysMs: [],
    });
    call = (request) => api.signed({ sessionId: team.sessionId, privateKey: team.privateKey }, request);
    ws = createTestWorkingSet();
    store = ws.open();
    // The working set holds Wirral's children, as a sync would have left it.
    const held = await h.db.query<{ record: Record<string, unknown> & { cpNumber: string } }>(
      "SELECT record FROM children WHERE local_authority = $1 AND status = 'active'",
      [WIRRAL.code],
    );
    fillStore(
      store,
      held.map((r) => ({ record: r.record })),
    );
    store.ensureSearchIndexes();
    const heldCps = new Set(held.map((r) => r.record.cpNumber));
    // The export: rows about the same training children (the same seed), Wirral's only.
    const all = [...caseManagementRows({ seed: 'contactpoint-training', count: 400, today })];
    const records = await h.db.query<{ cp_number: string; nhs: string | null }>(
      "SELECT cp_number, record->'identifiers'->>'nhsNumber' AS nhs FROM children WHERE status = 'active'",
    );
    const wirralNhs = new Set(records.filter((r) => heldCps.has(r.cp_number) && r.nhs).map((r) => r.nhs!));
    heldRows = all
      .filter((r) => r['NHS Number'] !== '' && wirralNhs.has(r['NHS Number'].replace(/ /g, '')))
      .slice(0, 60);
    dir = mkdtempSync(join(tmpdir(), 'cp-load-'));
  }, 120_000);
  afterAll(async () => {
    store?.close();
    ws?.cleanup();
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('checks every row in two threads: valid rows matched to the working set, problems by row and field, case-information columns dropped', async () => {
    const fresh = [...caseManagementRows({ seed: 'adapter-new-children', count: 30, today })].map((r, i) => ({
      ...r,
      'Person ID': `NEW${i}`,
      'NHS Number': '',
    }));
    const bad = [
      { ...fresh[0]!, 'Person ID': 'BAD1', 'Date of Birth': '31/02/2015' },
      { ...fresh[1]!, 'Person ID': 'BAD2', Gender: 'Q' },
      { ...fresh[2]!, 'Person ID': heldRows[0]!['Person ID'] },
    ];
    const path = writeExport('export.csv', [...heldRows, ...fresh.slice(3), ...bad]);
    const progress: number[] = [];
    const result = await check(path, { onProgress: (p) => progress.push(p.fraction) });
    expect(result.rows).toBe(heldRows.length + fresh.length);
    expect(result.rejected).toBe(3);
    expect(result.valid).toBe(heldRows.length + fresh.length - 3);
    expect(progress.at(-1)).toBe(1);
    expect(result.matches!.match).toBeGreaterThanOrEqual(heldRows.length);
    expect(result.matches!.new).toBeGreaterThan(0);
    expect(result.dropped).toEqual(
      expect.arrayContaining([
        { column: 'Case Notes', reason: 'case-information' },
        { column: 'Referral Reason', reason: 'case-information' },
        { column: 'Ethnicity', reason: 'not-mapped' },
      ]),
    );
    const { problems } = loadProblems(store.db, result.loadId, 0, 100);
    const rowOf = (ref: string) =>
      2 + [...heldRows, ...fresh.slice(3), ...bad].findIndex((r) => r['Person ID'] === ref);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: rowOf('BAD1'), field: 'dob', column: 'Date of Birth', severity: 'error' }),
        expect.objectContaining({ row: rowOf('BAD2'), field: 'gender', column: 'Gender', severity: 'error' }),
        expect.objectContaining({
          field: 'supplierRef',
          message: expect.stringMatching(/repeats the reference of row 2/),
        }),
      ]),
    );
    const held = loadRows(store.db, result.loadId, 'match', 0, 500).rows;
    expect(held.length).toBeGreaterThanOrEqual(heldRows.length);
    expect(held.every((r) => /^CP\d{9}$/.test(r.matchCpNumber ?? ''))).toBe(true);
    // The report: dropped columns, each problem by row and field, formula-safe.
    const lines = [...reportLines(store.db, result.loadId)];
    const dropped = lines.filter((l) => l.startsWith(',,dropped column,'));
    expect(dropped).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^,,dropped column,,Case Notes,warning,"not sent: its name says it holds case information/,
        ),
      ]),
    );
    expect(lines.indexOf(dropped.at(-1)!)).toBe(dropped.length - 1);
    expect(lines.some((l) => l.startsWith(`${rowOf('BAD1')},BAD1,rejected,dob,Date of Birth,error,`))).toBe(true);
  }, 120_000);

  it('sends the valid rows in signed batches: each row’s outcome kept, held children matched, new children created, and the involvement recorded', async () => {
    const fresh = [...caseManagementRows({ seed: 'adapter-send', count: 25, today })].map((r, i) => ({
      ...r,
      'Person ID': `SEND${i}`,
      'NHS Number': '',
    }));
    const path = writeExport('send.csv', [...heldRows.slice(0, 20), ...fresh]);
    const checked = await check(path);
    expect(checked.rejected).toBe(0);
    const before = (
      await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM children WHERE status = 'active'")
    )[0]!.n;
    const summary = await submitLoad({
      db: store.db,
      loadId: checked.loadId,
      call,
      localAuthority: WIRRAL.code,
      batchSize: 10,
    });
    expect(summary.outcome.matched).toBeGreaterThanOrEqual(20);
    expect((summary.outcome.created ?? 0) + (summary.outcome['possible-duplicate'] ?? 0)).toBeGreaterThan(0);
    const after = (
      await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM children WHERE status = 'active'")
    )[0]!.n;
    expect(after - before).toBe((summary.outcome.created ?? 0) + (summary.outcome['possible-duplicate'] ?? 0));
    const load = getLoad(store.db, checked.loadId)!;
    expect(load.state).toBe('submitted');
    const batches = store.db
      .prepare("SELECT count(*) AS n FROM load_batches WHERE load_id = ? AND state = 'done'")
      .get(checked.loadId) as { n: number };
    expect(batches.n).toBe(Math.ceil(checked.valid / 10));
    // A held child now has the service's involvement from the export.
    const first = loadRows(store.db, checked.loadId, 'all', 0, 1).rows[0]!;
    const [child] = await h.db.query<{ record: { involvements: { service: string }[] } }>(
      'SELECT record FROM children WHERE cp_number = $1',
      [first.cpNumber],
    );
    expect(child!.record.involvements.map((i) => i.service)).toContain(heldRows[0]!.Service);
    await expect(
      submitLoad({ db: store.db, loadId: checked.loadId, call, localAuthority: WIRRAL.code }),
    ).rejects.toThrow(/already been sent/);
  }, 120_000);

  it('a submission cut off after the service applied a batch resumes under the same key, and nothing is applied twice', async () => {
    const fresh = [...caseManagementRows({ seed: 'adapter-resume', count: 30, today })].map((r, i) => ({
      ...r,
      'Person ID': `RES${i}`,
      'NHS Number': '',
    }));
    const path = writeExport('resume.csv', fresh);
    const checked = await check(path);
    let sent = 0;
    // The second batch reaches the service and is applied, but its answer is lost.
    const cutting = async (request: ApiRequest) => {
      const answer = await call(request);
      if (++sent === 2) throw new Error('connection reset');
      return answer;
    };
    await expect(
      submitLoad({ db: store.db, loadId: checked.loadId, call: cutting, localAuthority: WIRRAL.code, batchSize: 10 }),
    ).rejects.toThrow('connection reset');
    expect(getLoad(store.db, checked.loadId)!.state).toBe('interrupted');
    const states = store.db
      .prepare('SELECT state FROM load_batches WHERE load_id = ? ORDER BY batch')
      .all(checked.loadId) as { state: string }[];
    expect(states.map((s) => s.state)).toEqual(['done', 'sending', 'pending']);
    const created = async () =>
      (
        await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM supply_links WHERE supplier_ref LIKE 'RES%'")
      )[0]!.n;
    expect(await created()).toBe(20);
    const supplies = async () =>
      (await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'supply-received'"))[0]!
        .n;
    const suppliesBefore = await supplies();
    const keys: string[] = [];
    const watching = async (request: ApiRequest) => {
      keys.push(request.headers?.['Idempotency-Key'] ?? '');
      return call(request);
    };
    const summary = await submitLoad({
      db: store.db,
      loadId: checked.loadId,
      call: watching,
      localAuthority: WIRRAL.code,
      batchSize: 10,
    });
    const stored = store.db
      .prepare('SELECT idempotency_key FROM load_batches WHERE load_id = ? ORDER BY batch')
      .all(checked.loadId) as { idempotency_key: string }[];
    // The cut-off batch went again under its own key, and the service answered from what it stored: one supply more, not two.
    expect(keys).toEqual([stored[1]!.idempotency_key, stored[2]!.idempotency_key]);
    expect(await supplies()).toBe(suppliesBefore + 1);
    expect(await created()).toBe(30);
    expect(Object.values(summary.outcome).reduce((a, b) => a + b, 0)).toBe(30);
  }, 120_000);

  it('a file changed after its check is refused and nothing is sent; a stopped check leaves no load behind', async () => {
    const rows = [...caseManagementRows({ seed: 'adapter-changed', count: 12, today })];
    const path = writeExport('changed.csv', rows);
    const checked = await check(path);
    writeExport(
      'changed.csv',
      rows.map((r) => ({ ...r, Surname: 'Changed' })),
    );
    let calls = 0;
    await expect(
      submitLoad({
        db: store.db,
        loadId: checked.loadId,
        call: async (r) => (calls++, call(r)),
        localAuthority: WIRRAL.code,
      }),
    ).rejects.toThrow(/changed.*since it was checked/);
    expect(calls).toBe(0);

    const loads = listLoads(store.db).length;
    const big = writeExport('big.csv', [...caseManagementRows({ seed: 'adapter-big', count: 3000, today })]);
    await expect(check(big, { cancelled: () => true })).rejects.toBeInstanceOf(CheckCancelled);
    expect(listLoads(store.db).length).toBe(loads);
    expect(
      (store.db.prepare("SELECT count(*) AS n FROM loads WHERE state = 'checking'").get() as { n: number }).n,
    ).toBe(0);
  }, 120_000);

  it.each([
    [
      'an unbalanced quote',
      (p: string) => writeFileSync(p, `${CASE_MANAGEMENT_COLUMNS.join(',')}\nLCS1,"Ellie,Evans\n`),
      'unclosed-quote',
      2,
    ],
    [
      'a binary file named .csv',
      (p: string) => writeFileSync(p, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0])),
      'binary',
      0,
    ],
    ['an empty file', (p: string) => writeFileSync(p, ''), 'empty', 0],
  ] as const)(
    '%s stops the check with a clear error naming the row, and keeps no load',
    async (_what, write, code, row) => {
      const path = join(dir, `bad-${code}.csv`);
      write(path);
      const loads = listLoads(store.db).length;
      const e = (await check(path).catch((x: unknown) => x)) as SourceError;
      expect(e).toBeInstanceOf(SourceError);
      expect(e.code).toBe(code);
      if (row > 0) expect(e.message).toMatch(new RegExp(`[Rr]ow ${row}\\b`));
      expect(e.message).not.toMatch(/Ellie|Evans/);
      expect(listLoads(store.db).length).toBe(loads);
    },
  );

  it('the CSV report neutralises formulas a hostile export carries', async () => {
    const rows = [...caseManagementRows({ seed: 'adapter-formula', count: 3, today })].map((r, i) => ({
      ...r,
      'Person ID': i === 0 ? '=HYPERLINK("http://x","y")' : `F${i}`,
    }));
    const path = writeExport('formula.csv', rows);
    const checked = await check(path);
    const out = join(dir, 'report.csv');
    await writeCsvReport(store.db, checked.loadId, out);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(text).not.toMatch(/^=|,=/m);
  });
});

// Incremental linking on a real encrypted working set (real Secret Service for its key):
// changed children compared against the rest with the stored model find exactly the
// pairs a full run with that model finds for them, under the same task ids; decisions
// and assignees survive; a change that removes a match drops the open pair; shielded
// children are treated as the full run treats them; with no model nothing is compared.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cpNumberFromSerial } from '../../../../domain/cp-number.js';
import type { ChildRecord } from '../../../../domain/child-record.js';
import { findDuplicates, type DedupeRecord } from '../../../../domain/dedupe/index.js';
import { startChecksFromSource } from '../../../../main/cleansing/checks-from-source.js';
import { createCleansingOps } from '../../../../main/cleansing/cleansing-ops.js';
import {
  allOpenTasks,
  assignTasks,
  CleanseCancelled,
  closeTasks,
  dedupeRecordOf,
  rememberNotDuplicate,
  runCleanse,
  type CleanseTask,
  type DuplicateDetail,
} from '../../../../main/cleansing/cleanse.js';
import {
  fullRunBegins,
  linkAfterSync,
  linkChanged,
  NO_MODEL_MESSAGE,
  NO_MODEL_NOTE,
  noteChanged,
  pendingCount,
  storedModel,
} from '../../../../main/cleansing/incremental.js';
import { childId, type WorkingSetStore } from '../../../../main/working-set/store.js';
import { generateChildren } from '../../../../service/training/index.js';
import {
  createTestWorkingSet,
  fillStore,
  keyringUnavailable,
  type TestWorkingSet,
} from '../../../support/working-set.js';
import { describeWhere } from '../../../support/skip.js';

const TODAY = '2026-11-25';
const skip = keyringUnavailable();
const isPair = (t: CleanseTask) => t.otherCpNumber !== null;

/** Every child as the full run reads it, in row order. */
function readAll(store: WorkingSetStore): DedupeRecord[] {
  return store.db
    .prepare<[], { cp: string; record: Buffer; shielded: number; shield_pending: number }>(
      `SELECT k.cp, c.record, k.shielded, k.shield_pending FROM children c JOIN child_keys k ON k.id = c.id ORDER BY c.id`,
    )
    .all()
    .map((r) =>
      dedupeRecordOf(
        r.cp,
        JSON.parse(r.record.toString('utf8')) as Record<string, unknown>,
        r.shielded === 1 || r.shield_pending === 1,
      ),
    );
}

/** What a full run with the stored model finds for `cps`: each pair as "first|second|score". */
async function fullRunPairs(store: WorkingSetStore, cps: readonly string[]): Promise<string[]> {
  const records = readAll(store);
  const result = await findDuplicates(records, { model: storedModel(store.db)! });
  const decided = new Set(
    (store.db.prepare('SELECT a, b FROM not_duplicates').all() as { a: string; b: string }[]).map(
      (r) => `${r.a}|${r.b}`,
    ),
  );
  const wanted = new Set(cps);
  return result.pairs
    .map((p) => [records[p.a]!, records[p.b]!, result.explain(p).score] as const)
    .filter(([a, b]) => wanted.has(a.id) || wanted.has(b.id))
    .filter(([a, b]) => !decided.has(a.id < b.id ? `${a.id}|${b.id}` : `${b.id}|${a.id}`))
    .map(([a, b, score]) => {
      const [first, second] = b.shielded && !a.shielded ? [b, a] : [a, b];
      return `${first.id}|${second.id}|${Math.round(score * 1000) / 1000}`;
    })
    .sort();
}

/** The open pair tasks that involve `cps`, as "first|second|score". */
function openPairs(store: WorkingSetStore, cps: readonly string[]): string[] {
  const wanted = new Set(cps);
  return allOpenTasks(store.db)
    .filter(isPair)
    .filter((t) => wanted.has(t.cpNumber) || wanted.has(t.otherCpNumber!))
    .map((t) => `${t.cpNumber}|${t.otherCpNumber}|${(t.detail as DuplicateDetail).score}`)
    .sort();
}

/** Every pair task with its id, state, assignee and detail. */
function pairTasks(store: WorkingSetStore): unknown[] {
  return store.db
    .prepare(
      "SELECT id, key, state, assignee, detail FROM cleanse_tasks WHERE rule IN ('possible-duplicate', 'possible-duplicate-of-shielded') ORDER BY id",
    )
    .all();
}

describeWhere(skip, 'incremental linking', () => {
  let ws: TestWorkingSet;
  let store: WorkingSetStore;
  let children: ChildRecord[];
  const put = (records: ChildRecord[], shielded?: boolean) =>
    fillStore(
      store,
      records.map((record) => ({
        record: record as unknown as Record<string, unknown> & { cpNumber: string },
        ...(shielded !== undefined ? { shielded } : {}),
      })),
    );

  beforeAll(() => {
    ws = createTestWorkingSet();
    store = ws.open();
    children = [...generateChildren({ seed: 'incremental-linking', count: 3000, today: TODAY })].map((c) => c.record);
    put(children);
  });
  afterAll(() => {
    store?.close();
    ws?.cleanup();
  });

  it('with no full run yet compares nothing, says so, and keeps the children waiting', async () => {
    const ids = children.slice(0, 5).map((c) => childId(c.cpNumber)!);
    const summary = linkChanged(store, { ids });
    expect(summary).toMatchObject({ outcome: 'no-model', changed: 5, compared: 0, message: NO_MODEL_MESSAGE });
    expect(allOpenTasks(store.db).filter(isPair)).toHaveLength(0);
    expect(pendingCount(store.db)).toBe(5);
    // The cleansing screen's last-run line says so (here after a run that was stopped).
    await expect(runCleanse(store, { today: TODAY, cancelled: () => true })).rejects.toBeInstanceOf(CleanseCancelled);
    const ops = createCleansingOps({
      store: () => store,
      dir: ws.dir,
      keyAccount: ws.account,
      startChecksThread: startChecksFromSource,
      post: () => undefined,
    });
    const status = await ops.cleanseQueues({ op: 'cleanseQueues' });
    expect(status.lastRun?.outcome).toBe(`cancelled (${NO_MODEL_NOTE})`);
    // The full run covers them, leaves its model, and nothing waits any more.
    await runCleanse(store, { today: TODAY });
    expect(storedModel(store.db)).not.toBeNull();
    expect(pendingCount(store.db)).toBe(0);
  });

  it('finds exactly the pairs the full run found for the changed children, under the same task ids', async () => {
    const pairs = allOpenTasks(store.db).filter(isPair);
    expect(pairs.length).toBeGreaterThan(20);
    // Children in pairs, and children in none.
    const cps = [
      ...new Set([
        ...pairs.slice(0, 30).flatMap((t) => [t.cpNumber, t.otherCpNumber!]),
        ...children.slice(100, 160).map((c) => c.cpNumber),
      ]),
    ];
    const before = pairTasks(store);
    const summary = linkChanged(store, { ids: cps.map((cp) => childId(cp)!) });
    expect(summary.outcome).toBe('linked');
    expect(summary.compared).toBeGreaterThan(summary.pairs);
    expect(summary.pairs).toBeGreaterThanOrEqual(30);
    expect(summary.dropped).toBe(0);
    expect(pairTasks(store)).toEqual(before);
    expect(openPairs(store, cps)).toEqual(await fullRunPairs(store, cps));
  });

  it('a pair marked "not a duplicate" stays closed and an assignee stays through an incremental run', async () => {
    const [decided, assigned] = allOpenTasks(store.db).filter((t) => isPair(t) && t.rule === 'possible-duplicate');
    rememberNotDuplicate(store.db, decided!.cpNumber, decided!.otherCpNumber!, TODAY);
    closeTasks(store.db, [decided!.id], 'dismissed', 'not a duplicate', TODAY);
    assignTasks(store.db, [assigned!.id], 'trn-la-team');
    const cps = [decided!.cpNumber, decided!.otherCpNumber!, assigned!.cpNumber, assigned!.otherCpNumber!];
    linkChanged(store, { ids: cps.map((cp) => childId(cp)!) });
    const after = store.db
      .prepare('SELECT id, state, assignee FROM cleanse_tasks WHERE id IN (?, ?)')
      .all(decided!.id, assigned!.id);
    expect(after).toEqual([
      { id: decided!.id, state: 'dismissed', assignee: null },
      { id: assigned!.id, state: 'open', assignee: 'trn-la-team' },
    ]);
    expect(openPairs(store, cps)).toEqual(await fullRunPairs(store, cps));
  });

  it('a change that removes the match drops the open pair; a new copy opens one a full run keeps under the same id', async () => {
    const pair = allOpenTasks(store.db).find(
      (t) => isPair(t) && t.rule === 'possible-duplicate' && t.assignee === null,
    )!;
    const moved = store.child(pair.otherCpNumber!)!.record as unknown as ChildRecord;
    const changed: ChildRecord = {
      ...moved,
      version: moved.version + 1,
      name: { given: 'Zebedee', family: 'Quillfeather', former: [] },
      dob: '2003-01-01',
      gender: moved.gender === 'male' ? 'female' : 'male',
      address: null,
      identifiers: { supplierRefs: [] },
    };
    const source = children[500]!;
    const copy: ChildRecord = {
      ...source,
      cpNumber: cpNumberFromSerial(99_100_001),
      name: { ...source.name, given: `${source.name.given}a` },
    };
    put([changed, copy]);
    const cps = [changed.cpNumber, copy.cpNumber];
    const summary = linkChanged(store, { ids: cps.map((cp) => childId(cp)!) });
    expect(summary.dropped).toBeGreaterThanOrEqual(1);
    expect(store.db.prepare('SELECT 1 FROM cleanse_tasks WHERE id = ?').get(pair.id)).toBeUndefined();
    const opened = openPairs(store, [copy.cpNumber]);
    expect(opened.some((p) => p.includes(source.cpNumber))).toBe(true);
    expect(openPairs(store, cps)).toEqual(await fullRunPairs(store, cps));
    // A full run (its model estimated again) keeps the pair the incremental run opened, under its id.
    const task = allOpenTasks(store.db).find(
      (t) =>
        [t.cpNumber, t.otherCpNumber].includes(copy.cpNumber) &&
        [t.cpNumber, t.otherCpNumber].includes(source.cpNumber),
    )!;
    await runCleanse(store, { today: TODAY });
    const again = allOpenTasks(store.db).find((t) => t.id === task.id);
    expect(again).toMatchObject({ cpNumber: task.cpNumber, otherCpNumber: task.otherCpNumber });
    expect(store.db.prepare('SELECT 1 FROM cleanse_tasks WHERE id = ?').get(pair.id)).toBeUndefined();
  });

  it('a removed child takes its open pairs with it', () => {
    const pair = allOpenTasks(store.db).find(
      (t) => isPair(t) && t.rule === 'possible-duplicate' && t.assignee === null,
    )!;
    const runId = store.startRun('delta', new Date().toISOString());
    const seq = Number(store.meta('lastSeq') ?? '0') + 1;
    store.applyPage([{ seq, cpNumber: pair.otherCpNumber!, kind: 'tombstone', version: 99 }], `cursor-${seq}`, runId);
    store.finishRun(runId, 'completed', new Date().toISOString());
    linkChanged(store, { ids: [childId(pair.otherCpNumber!)!] });
    expect(store.db.prepare('SELECT 1 FROM cleanse_tasks WHERE id = ?').get(pair.id)).toBeUndefined();
  });

  it('a new copy of a shielded child is urgent, shielded record first, and makes the copy shield-pending', async () => {
    const shielded = children.find((c) => c.shielded && c.address !== null)!;
    const copy: ChildRecord = {
      ...shielded,
      cpNumber: cpNumberFromSerial(99_100_002),
      shielded: false,
      name: { ...shielded.name, given: `${shielded.name.given}e` },
    };
    put([copy], false);
    const told: { cpNumber: string; of: string }[] = [];
    linkChanged(store, { ids: [childId(copy.cpNumber)!], onShieldedPair: (p) => told.push(p) });
    const task = allOpenTasks(store.db).find((t) => t.otherCpNumber === copy.cpNumber)!;
    expect(task).toMatchObject({
      rule: 'possible-duplicate-of-shielded',
      priority: 'urgent',
      cpNumber: shielded.cpNumber,
    });
    expect((task.detail as DuplicateDetail).shielded).toBe(true);
    expect(store.child(copy.cpNumber)!.shieldPending).toBe(true);
    expect(told).toContainEqual(expect.objectContaining({ cpNumber: copy.cpNumber, of: shielded.cpNumber }));
    expect(openPairs(store, [copy.cpNumber])).toEqual(await fullRunPairs(store, [copy.cpNumber]));
  });

  it('a sync that ends while a full run reads leaves its children waiting; the run links them when it ends', async () => {
    const source = children[700]!;
    const copy: ChildRecord = {
      ...source,
      cpNumber: cpNumberFromSerial(99_100_003),
      name: { ...source.name, given: `${source.name.given}o` },
    };
    put([copy]);
    const seq = Number(store.meta('lastSeq')) + 1000;
    const runEnds = fullRunBegins();
    noteChanged(store.db, [
      { seq, cpNumber: copy.cpNumber, kind: 'upsert', version: 1, recordJson: Buffer.from('{}') },
    ]);
    expect(linkAfterSync(store)).toBeNull();
    expect(pendingCount(store.db)).toBe(1);
    runEnds();
    // The run began before that feed entry (its seq is later): it links the child at its end.
    await runCleanse(store, { today: TODAY });
    expect(pendingCount(store.db)).toBe(0);
    expect(openPairs(store, [copy.cpNumber]).some((p) => p.includes(source.cpNumber))).toBe(true);
  });
});

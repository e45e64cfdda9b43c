// Cleansing on a real encrypted working set (real Secret Service for its key): every
// rule reaches a queue, shielded pairs come first and make the other record
// shield-pending, decisions are remembered across runs, and a cancelled run changes nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cpNumberFromSerial } from '../../../../domain/cp-number.js';
import type { ChildRecord } from '../../../../domain/child-record.js';
import { startChecksFromSource } from '../../../../main/cleansing/checks-from-source.js';
import {
  allOpenTasks,
  assignTasks,
  CleanseCancelled,
  cleanseQueues,
  cleanseTasks,
  closeTasks,
  rememberNotDuplicate,
  runCleanse,
  type DuplicateDetail,
} from '../../../../main/cleansing/cleanse.js';
import type { WorkingSetStore } from '../../../../main/working-set/store.js';
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

describeWhere(skip, 'cleansing a working set', () => {
  let ws: TestWorkingSet;
  let store: WorkingSetStore;
  let shieldedCp: string;
  let copyCp: string;
  let twinCps: [string, string];
  const shieldedPairs: { cpNumber: string; of: string }[] = [];

  beforeAll(() => {
    ws = createTestWorkingSet();
    store = ws.open();
    const children = [...generateChildren({ seed: 'cleanse-unit', count: 3000, today: TODAY })].map((c) => c.record);
    const shielded = children.find((c) => c.shielded && c.address !== null)!;
    shieldedCp = shielded.cpNumber;
    copyCp = cpNumberFromSerial(99_000_001);
    // An unshielded duplicate of the shielded child, as a 2009 supply would have made.
    const copy: ChildRecord = {
      ...shielded,
      cpNumber: copyCp,
      shielded: false,
      name: { ...shielded.name, given: `${shielded.name.given}e` },
    };
    // Twins: same date of birth and address, different given names, no identifiers.
    const a = cpNumberFromSerial(99_000_002);
    const b = cpNumberFromSerial(99_000_003);
    twinCps = [a, b];
    const base = {
      ...children[10]!,
      identifiers: { supplierRefs: [] },
      name: { given: 'Evangeline', family: 'Quartermaine', former: [] },
    };
    const twinA = { ...base, cpNumber: a };
    const twinB = { ...base, cpNumber: b, name: { ...base.name, given: 'Montgomery' } };
    const broken = {
      ...children[20]!,
      cpNumber: cpNumberFromSerial(99_000_004),
      identifiers: { nhsNumber: '1234567890', supplierRefs: [] },
    };
    const discrepant = { ...children[30]!, cpNumber: cpNumberFromSerial(99_000_005) };
    fillStore(store, [
      ...children.map((record) => ({ record })),
      { record: copy },
      { record: twinA },
      { record: twinB },
      { record: broken },
      {
        record: discrepant,
        provenance: {
          dob: {
            supplier: 'nhs',
            date: '2025-01-01',
            values: {
              gro: { value: '2015-03-04', date: '2015-03-10' },
              nhs: { value: '2015-04-03', date: '2025-01-01' },
            },
          },
        },
      },
    ]);
  });
  afterAll(() => {
    store?.close();
    ws?.cleanup();
  });

  it('fills a queue per rule, most urgent first; the shielded pair is urgent and the copy becomes shield-pending', async () => {
    const stages = new Set<string>();
    const summary = await runCleanse(store, {
      today: TODAY,
      onProgress: (p) => stages.add(p.stage),
      onShieldedPair: (p) => shieldedPairs.push(p),
    });
    expect(summary.records).toBe(3005);
    expect([...stages]).toEqual(expect.arrayContaining(['checking', 'comparing', 'saving']));
    const queues = cleanseQueues(store.db);
    expect(queues[0]!.rule).toBe('possible-duplicate-of-shielded');
    expect(queues.map((q) => q.rule)).toEqual(
      expect.arrayContaining(['invalid-nhs-number', 'supplier-discrepancy', 'possible-duplicate']),
    );
    const urgent = cleanseTasks(store.db, 'possible-duplicate-of-shielded', 0, 500).tasks;
    const ours = urgent.find((t) => t.cpNumber === shieldedCp && t.otherCpNumber === copyCp)!;
    expect(ours.priority).toBe('urgent');
    const why = ours.detail as DuplicateDetail;
    expect(why.fields.find((f) => f.field === 'dob')!.weight).toBeGreaterThan(0);
    expect(store.child(copyCp)!.shieldPending).toBe(true);
    expect(shieldedPairs).toContainEqual(expect.objectContaining({ cpNumber: copyCp, of: shieldedCp }));
    // Twins never reach a queue.
    const all = [...cleanseTasks(store.db, 'possible-duplicate', 0, 500).tasks, ...urgent];
    expect(all.some((t) => twinCps.includes(t.cpNumber) && twinCps.includes(t.otherCpNumber ?? ''))).toBe(false);
  });

  it('a pair marked "not a duplicate" never comes back; an assignee survives the next run', async () => {
    const [pair] = cleanseTasks(store.db, 'possible-duplicate', 0, 1).tasks;
    expect(pair).toBeDefined();
    rememberNotDuplicate(store.db, pair!.cpNumber, pair!.otherCpNumber!, TODAY);
    closeTasks(store.db, [pair!.id], 'dismissed', 'not-duplicate', TODAY);
    const [nhs] = cleanseTasks(store.db, 'invalid-nhs-number', 0, 1).tasks;
    expect(assignTasks(store.db, [nhs!.id], 'trn-la-team')).toBe(1);
    await runCleanse(store, { today: TODAY });
    const again = cleanseTasks(store.db, 'possible-duplicate', 0, 500).tasks;
    expect(again.some((t) => t.cpNumber === pair!.cpNumber && t.otherCpNumber === pair!.otherCpNumber)).toBe(false);
    const [nhsAgain] = cleanseTasks(store.db, 'invalid-nhs-number', 0, 1).tasks;
    expect(nhsAgain).toMatchObject({ id: nhs!.id, assignee: 'trn-la-team' });
  });

  it('a cancelled run stops with CleanseCancelled and leaves the queues as they were', async () => {
    const before = cleanseQueues(store.db);
    let asked = 0;
    await expect(runCleanse(store, { today: TODAY, cancelled: () => ++asked > 3 })).rejects.toBeInstanceOf(
      CleanseCancelled,
    );
    expect(cleanseQueues(store.db)).toEqual(before);
    const [run] = store.db.prepare('SELECT outcome FROM cleanse_runs ORDER BY id DESC LIMIT 1').all() as {
      outcome: string;
    }[];
    expect(run!.outcome).toBe('cancelled');
  });

  it('checks run in a thread of their own find exactly what the inline checks found', async () => {
    const shape = () =>
      allOpenTasks(store.db)
        .map((t) => `${t.rule}|${t.cpNumber}|${t.otherCpNumber ?? ''}|${JSON.stringify(t.detail)}`)
        .sort();
    await runCleanse(store, { today: TODAY });
    const inline = shape();
    const stages = new Set<string>();
    const summary = await runCleanse(store, {
      today: TODAY,
      onProgress: (p) => stages.add(p.stage),
      checksThread: { dir: ws.dir, keyAccount: ws.account, start: startChecksFromSource },
    });
    expect(shape()).toEqual(inline);
    expect(inline.filter((t) => t.startsWith('supplier-discrepancy|')).length).toBeGreaterThan(0);
    expect(summary.records).toBe(3005);
    expect(summary.stages.checking).toBeGreaterThan(0);
    expect([...stages]).toEqual(expect.arrayContaining(['checking', 'comparing', 'saving']));
  });

  it("a checks thread that cannot get the key fails the run with the key's own message, and the queues stay as they were", async () => {
    const before = cleanseQueues(store.db);
    const run = runCleanse(store, {
      today: TODAY,
      checksThread: { dir: ws.dir, keyAccount: `${ws.account}-absent`, start: startChecksFromSource },
    });
    await expect(run).rejects.toMatchObject({ name: 'WorkingSetError', code: 'key-missing' });
    expect(cleanseQueues(store.db)).toEqual(before);
    const [last] = store.db.prepare('SELECT outcome FROM cleanse_runs ORDER BY id DESC LIMIT 1').all() as {
      outcome: string;
    }[];
    expect(last!.outcome).toBe('failed');
  });

  it('a run cancelled while its checks thread works stops the thread and changes nothing', async () => {
    const before = cleanseQueues(store.db);
    let asked = 0;
    const run = runCleanse(store, {
      today: TODAY,
      cancelled: () => ++asked > 5,
      checksThread: { dir: ws.dir, keyAccount: ws.account, start: startChecksFromSource },
    });
    await expect(run).rejects.toBeInstanceOf(CleanseCancelled);
    expect(cleanseQueues(store.db)).toEqual(before);
  });

  it('the task list is read a window at a time', () => {
    const queue = cleanseQueues(store.db).find((q) => q.open > 3)!;
    const first = cleanseTasks(store.db, queue.rule, 0, 2);
    const next = cleanseTasks(store.db, queue.rule, 2, 2);
    expect(first.total).toBe(queue.open);
    expect(first.tasks).toHaveLength(2);
    expect(next.tasks[0]!.id).not.toBe(first.tasks[0]!.id);
  });
});

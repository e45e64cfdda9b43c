// The cleansing queues over time (issue 21, item 5) on a real encrypted working set: a
// full run records each rule's open tasks for its day, an incremental link later that
// day replaces them with the latest (one row a day a rule), the next day gets a row of
// its own; each day's figures checked against counts the test makes from cleanse_tasks
// at that moment, and read back through the worker's operation.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RULE_IDS } from '../../../../domain/cleanse/rules.js';
import { createCleansingOps } from '../../../../main/cleansing/cleansing-ops.js';
import { startChecksFromSource } from '../../../../main/cleansing/checks-from-source.js';
import { allOpenTasks, closeTasks, runCleanse } from '../../../../main/cleansing/cleanse.js';
import { linkChanged } from '../../../../main/cleansing/incremental.js';
import { childId, type WorkingSetStore } from '../../../../main/working-set/store.js';
import { generateChildren } from '../../../../service/training/index.js';
import { describeWhere } from '../../../support/skip.js';
import {
  createTestWorkingSet,
  fillStore,
  keyringUnavailable,
  type TestWorkingSet,
} from '../../../support/working-set.js';

const TODAY = '2026-11-25';
const skip = keyringUnavailable();

describeWhere(skip, 'the cleansing queues day by day', () => {
  let ws: TestWorkingSet;
  let store: WorkingSetStore;

  beforeAll(() => {
    ws = createTestWorkingSet();
    store = ws.open();
    const children = [...generateChildren({ seed: 'queue-history', count: 800, today: TODAY })].map((c) => c.record);
    fillStore(
      store,
      children.map((record) => ({ record: record as unknown as Record<string, unknown> & { cpNumber: string } })),
    );
  });
  afterAll(() => {
    store?.close();
    ws?.cleanup();
  });

  /** Each rule's open tasks now, counted by the test (every rule, none as 0). */
  const counted = () => {
    const rows = store.db.prepare('SELECT rule, state FROM cleanse_tasks').all() as { rule: string; state: string }[];
    return Object.fromEntries(RULE_IDS.map((r) => [r, rows.filter((t) => t.rule === r && t.state === 'open').length]));
  };
  const recorded = (day: string) =>
    Object.fromEntries(
      (
        store.db.prepare('SELECT rule, open FROM cleanse_queue_days WHERE day = ?').all(day) as {
          rule: string;
          open: number;
        }[]
      ).map((r) => [r.rule, r.open]),
    );

  it('records a run, replaces it with the latest link of the day, and keeps each day apart', async () => {
    const morning = new Date(`${TODAY}T09:00:00Z`);
    await runCleanse(store, { today: TODAY, now: () => morning });
    const afterRun = counted();
    expect(Object.values(afterRun).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(recorded(TODAY)).toEqual(afterRun);

    // Later that day: some tasks closed, then an incremental link: the day's row is the latest.
    const open = allOpenTasks(store.db);
    const closing = open.filter((t) => t.rule === open[0]!.rule).slice(0, 3);
    closeTasks(
      store.db,
      closing.map((t) => t.id),
      'dismissed',
      'fixed at source',
      TODAY,
    );
    const afternoon = new Date(`${TODAY}T15:00:00Z`);
    linkChanged(store, { ids: [childId(open[0]!.cpNumber)!], now: () => afternoon });
    const afterLink = counted();
    expect(afterLink[open[0]!.rule]).toBe(afterRun[open[0]!.rule]! - closing.length);
    expect(recorded(TODAY)).toEqual(afterLink);
    expect(store.db.prepare('SELECT count(*) AS n FROM cleanse_queue_days WHERE day = ?').get(TODAY)).toEqual({
      n: RULE_IDS.length,
    });

    // The next day: a row of its own; the day before stays as it ended.
    const next = new Date('2026-11-26T10:00:00Z');
    closeTasks(store.db, [allOpenTasks(store.db)[0]!.id], 'dismissed', 'fixed at source', '2026-11-26');
    linkChanged(store, { ids: [childId(open[0]!.cpNumber)!], now: () => next });
    expect(recorded('2026-11-26')).toEqual(counted());
    expect(recorded(TODAY)).toEqual(afterLink);

    // Through the worker's operation: both days, oldest first, each rule with its title.
    const ops = createCleansingOps({
      store: () => store,
      dir: ws.dir,
      keyAccount: ws.account,
      startChecksThread: startChecksFromSource,
      post: () => undefined,
    });
    const history = await ops.cleanseQueueHistory({ op: 'cleanseQueueHistory', since: TODAY });
    expect(history.map((d) => d.day)).toEqual([TODAY, '2026-11-26']);
    expect(Object.fromEntries(history[0]!.queues.map((q) => [q.rule, q.open]))).toEqual(afterLink);
    expect(history[1]!.queues.every((q) => q.title.length > 0)).toBe(true);
    expect(await ops.cleanseQueueHistory({ op: 'cleanseQueueHistory', since: '2026-11-26' })).toHaveLength(1);
  }, 120_000);
});

// Decisions with a reason (issue 20 item 2), through the worker's own cleansing operations
// on a real encrypted working set: a decision from the rule's list closes the task and is
// remembered against the finding, so the next run leaves it closed unless the data it was
// about changes; a decision not on the rule's list, or a note holding case information, is
// refused with the reason and closes nothing; a bulk decision is all or none, never for pairs.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cpNumberFromSerial } from '../../../../domain/cp-number.js';
import { startChecksFromSource } from '../../../../main/cleansing/checks-from-source.js';
import { allOpenTasks, cleanseTask, type CleanseTask } from '../../../../main/cleansing/cleanse.js';
import { createCleansingOps } from '../../../../main/cleansing/cleansing-ops.js';
import type { CleanseResolution } from '../../../../main/working-set/protocol.js';
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
const AT = '2026-11-25T10:00:00.000Z';

describeWhere(keyringUnavailable(), 'decisions with a reason, remembered', () => {
  let ws: TestWorkingSet;
  let store: WorkingSetStore;
  let ops: ReturnType<typeof createCleansingOps>;
  let base: Record<string, unknown>[];
  const broken = [1, 2, 3, 4].map((i) => cpNumberFromSerial(99_100_000 + i));

  const withNhs = (i: number, nhsNumber: string) => ({
    ...base[20 + i]!,
    cpNumber: broken[i]!,
    identifiers: { nhsNumber, supplierRefs: [] },
  });
  const run = () => ops.cleanse({ op: 'cleanse', today: TODAY });
  // The worker answers a refusal with the failure; here it is a rejected promise either way.
  const resolve = async (resolution: CleanseResolution & { decision?: string; note?: string }) =>
    ops.cleanseResolve({ op: 'cleanseResolve', resolution, at: AT });
  const nhsTask = (cp: string): CleanseTask | undefined =>
    allOpenTasks(store.db).find((t) => t.rule === 'invalid-nhs-number' && t.cpNumber === cp);

  beforeAll(async () => {
    ws = createTestWorkingSet();
    store = ws.open();
    base = [...generateChildren({ seed: 'cleanse-decisions', count: 400, today: TODAY })].map(
      (c) => c.record as unknown as Record<string, unknown>,
    );
    fillStore(store, [
      ...base.map((record) => ({ record: record as Record<string, unknown> & { cpNumber: string } })),
      ...[0, 1, 2, 3].map((i) => ({ record: withNhs(i, `123456789${i}`) })),
    ]);
    ops = createCleansingOps({
      store: () => store,
      dir: ws.dir,
      keyAccount: ws.account,
      startChecksThread: startChecksFromSource,
      post: () => undefined,
    });
    await run();
  }, 120_000);
  afterAll(() => {
    store?.close();
    ws?.cleanup();
  });

  it('a decision closes the task; the next run leaves it closed; a changed value opens it again', async () => {
    const task = nhsTask(broken[0]!)!;
    expect(task).toBeDefined();
    const done = await resolve({
      action: 'dismiss',
      ids: [task.id],
      decision: 'referred-to-supplier',
      note: 'Asked the GP practice to correct its feed',
    });
    expect(done).toEqual({ closed: 1, queued: 0 });
    const row = store.db
      .prepare<[number], { state: string; decision: string; resolution: string }>(
        'SELECT state, decision, resolution FROM cleanse_tasks WHERE id = ?',
      )
      .get(task.id)!;
    expect(row).toEqual({
      state: 'dismissed',
      decision: 'referred-to-supplier',
      resolution: 'referred to the supplier to correct its feed: Asked the GP practice to correct its feed',
    });

    await run();
    expect(nhsTask(broken[0]!)).toBeUndefined();
    expect(cleanseTask(store.db, task.id)!.state).toBe('dismissed');
    // A change to another field is not a change to what the decision was about.
    const renamed = withNhs(0, '1234567890');
    fillStore(store, [{ record: { ...renamed, name: { ...(base[20]!.name as object), given: 'Renamed' } } }]);
    await run();
    expect(nhsTask(broken[0]!)).toBeUndefined();

    // The supplier sent another wrong number: the finding is about different data now.
    fillStore(store, [{ record: withNhs(0, '9999999990') }]);
    await run();
    const back = nhsTask(broken[0]!);
    expect(back).toMatchObject({ id: task.id, state: 'open' });
    // Decided again, and found again unchanged: it stays closed.
    await resolve({ action: 'dismiss', ids: [task.id], decision: 'referred-to-supplier' });
    await run();
    expect(nhsTask(broken[0]!)).toBeUndefined();
  }, 120_000);

  it("refuses a decision that is not on the task's rule's list, and closes nothing", async () => {
    const task = nhsTask(broken[1]!)!;
    await expect(resolve({ action: 'dismiss', ids: [task.id], decision: 'home-educated' })).rejects.toThrow(
      /"home-educated" is not a decision for the rule "invalid-nhs-number"/,
    );
    expect(cleanseTask(store.db, task.id)!.state).toBe('open');
  });

  it('refuses a note that looks like case information, naming the words, and closes nothing', async () => {
    const task = nhsTask(broken[1]!)!;
    const refused = resolve({
      action: 'dismiss',
      ids: [task.id],
      decision: 'referred-to-supplier',
      note: 'GP says there are safeguarding concerns',
    });
    await expect(refused).rejects.toThrow(/case information \("concerns"\)/);
    expect(cleanseTask(store.db, task.id)!.state).toBe('open');
    // No task closes without a decision from its rule's list: a note alone is refused.
    await expect(
      resolve({ action: 'dismiss', ids: [task.id], note: 'just a note' } as unknown as CleanseResolution),
    ).rejects.toThrow(/closes with a decision from its rule's list/);
    expect(cleanseTask(store.db, task.id)!.state).toBe('open');
  });

  it('a bulk decision closes every selected task, or none if one cannot take it; never a pair', async () => {
    const ids = [broken[1]!, broken[2]!, broken[3]!].map((cp) => nhsTask(cp)!.id);
    // Each broken record is a copy of another child, so it is also in a possible duplicate.
    const pair = allOpenTasks(store.db).find((t) => t.otherCpNumber !== null)!;
    expect(pair).toBeDefined();
    {
      await expect(
        resolve({ action: 'dismiss', ids: [...ids, pair.id], decision: 'referred-to-supplier' }),
      ).rejects.toThrow(/must be merged or marked "not a duplicate"/);
      for (const id of ids) expect(cleanseTask(store.db, id)!.state).toBe('open');
    }
    const other = allOpenTasks(store.db).find((t) => t.rule !== 'invalid-nhs-number' && t.otherCpNumber === null)!;
    expect(other).toBeDefined();
    {
      await expect(
        resolve({ action: 'dismiss', ids: [...ids, other.id], decision: 'referred-to-supplier' }),
      ).rejects.toThrow(/is not a decision for the rule/);
      for (const id of ids) expect(cleanseTask(store.db, id)!.state).toBe('open');
    }
    expect(await resolve({ action: 'dismiss', ids, decision: 'referred-to-supplier' })).toEqual({
      closed: 3,
      queued: 0,
    });
    await run();
    for (const cp of broken) expect(nhsTask(cp)).toBeUndefined();
  }, 120_000);
});

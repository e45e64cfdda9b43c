// The review band on a real encrypted working set: a full run files the doubtful pairs
// (below the threshold, at or above the band's edge) as duplicate tasks marked 'review',
// leaves the automatic ones unmarked, stores the band with its model, and incremental
// linking files a changed child's doubtful pairs exactly as the full run does. The band's
// edges are configurable: here drawn high, so that 3,000 children are enough to fill it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cpNumberFromSerial } from '../../../../domain/cp-number.js';
import type { ChildRecord } from '../../../../domain/child-record.js';
import { allOpenTasks, runCleanse, type DuplicateDetail } from '../../../../main/cleansing/cleanse.js';
import { linkChanged, storedModel } from '../../../../main/cleansing/incremental.js';
import { createCleansingOps } from '../../../../main/cleansing/cleansing-ops.js';
import { startChecksFromSource } from '../../../../main/cleansing/checks-from-source.js';
import { createSecondLookOps } from '../../../../main/cleansing/second-look.js';
import { cleanseTask } from '../../../../main/cleansing/cleanse.js';
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
const THRESHOLD = 0.999;
const REVIEW = 0.5;

describeWhere(keyringUnavailable(), 'the review band in a working set', () => {
  let ws: TestWorkingSet;
  let store: WorkingSetStore;
  let children: ChildRecord[];

  beforeAll(() => {
    ws = createTestWorkingSet();
    store = ws.open();
    children = [...generateChildren({ seed: 'review-band', count: 3000, today: TODAY })].map((c) => c.record);
    fillStore(
      store,
      children.map((record) => ({ record })),
    );
  });
  afterAll(() => {
    store?.close();
    ws?.cleanup();
  });

  const pairs = () =>
    allOpenTasks(store.db)
      .filter((t) => t.otherCpNumber !== null)
      .map((t) => ({ task: t, detail: t.detail as DuplicateDetail }));

  it('a full run files doubtful pairs marked as the review band, and stores the band with its model', async () => {
    await runCleanse(store, { today: TODAY, threshold: THRESHOLD, reviewThreshold: REVIEW });
    const found = pairs();
    const band = found.filter((p) => p.detail.band === 'review');
    const auto = found.filter((p) => p.detail.band === undefined);
    expect(band.length).toBeGreaterThan(0);
    expect(auto.length).toBeGreaterThan(0);
    for (const p of band) {
      expect(p.detail.score).toBeGreaterThanOrEqual(REVIEW);
      expect(p.detail.score).toBeLessThan(THRESHOLD);
    }
    // Rounded to three places, as the task keeps it: an automatic pair is at the threshold or above.
    for (const p of auto) expect(p.detail.score).toBeGreaterThanOrEqual(THRESHOLD - 0.0005);
    const model = storedModel(store.db)!;
    expect([model.threshold, model.reviewThreshold]).toEqual([THRESHOLD, REVIEW]);
  });

  it("incremental linking files a changed child's doubtful pairs as the full run does, under the same tasks", async () => {
    const before = new Map(pairs().map((p) => [p.task.id, p.detail.band ?? 'auto']));
    const inBand = pairs().find((p) => p.detail.band === 'review')!;
    // Linking a child of a band pair again (nothing changed) keeps its task, in the band.
    const summary = linkChanged(store, { ids: [childId(inBand.task.cpNumber)!] });
    expect(summary.outcome).toBe('linked');
    const after = new Map(pairs().map((p) => [p.task.id, p.detail.band ?? 'auto']));
    expect(after.get(inBand.task.id)).toBe('review');
    expect(after).toEqual(before);
    // A new copy of a held child with a slip in its given name: found, in whichever band
    // the stored model puts it, exactly as a full run with that model would file it.
    const held = children.find((c) => c.address !== null && !c.shielded)!;
    const copy = {
      ...held,
      cpNumber: cpNumberFromSerial(99_100_001),
      name: { ...held.name, given: `${held.name.given}a` },
    };
    fillStore(store, [{ record: copy }]);
    linkChanged(store, { ids: [childId(copy.cpNumber)!] });
    const linked = pairs()
      .filter((p) => p.task.cpNumber === copy.cpNumber || p.task.otherCpNumber === copy.cpNumber)
      .map((p) => `${p.task.id}|${p.detail.score}|${p.detail.band ?? 'auto'}`)
      .sort();
    expect(linked.length).toBeGreaterThan(0);
    await runCleanse(store, { today: TODAY, threshold: THRESHOLD, reviewThreshold: REVIEW });
    const full = pairs()
      .filter((p) => p.task.cpNumber === copy.cpNumber || p.task.otherCpNumber === copy.cpNumber)
      .map((p) => `${p.task.id}|${p.detail.score}|${p.detail.band ?? 'auto'}`)
      .sort();
    expect(full).toEqual(linked);
  });

  it('a doubtful pair is not merged in the working set: it goes for a second look, and its task closes', async () => {
    const ops = createCleansingOps({
      store: () => store,
      dir: ws.dir,
      keyAccount: ws.account,
      startChecksThread: startChecksFromSource,
      post: () => undefined,
    });
    const look = createSecondLookOps(() => store);
    const band = pairs().find((p) => p.detail.band === 'review')!.task;
    const auto = pairs().find((p) => p.detail.band === undefined)!.task;
    const at = new Date().toISOString();
    const merge = (id: number, survivor: string) =>
      ops.cleanseResolve({ op: 'cleanseResolve', resolution: { action: 'merge', id, survivor }, at });
    expect(() => merge(band.id, band.cpNumber)).toThrow(/second look/);
    expect(() => look.secondLookPair({ op: 'secondLookPair', taskId: auto.id })).toThrow(/merge this one/);
    expect(look.secondLookPair({ op: 'secondLookPair', taskId: band.id })).toEqual({
      cpNumber: band.cpNumber,
      otherCpNumber: band.otherCpNumber,
      score: (band.detail as DuplicateDetail).score,
    });
    expect(look.secondLookAsked({ op: 'secondLookAsked', taskId: band.id, reviewId: 7, at })).toEqual({ closed: 1 });
    expect(cleanseTask(store.db, band.id)!.state).toBe('resolved');
    // Closed, it stays closed when a run finds the pair again; and it is not a merge (no label).
    await runCleanse(store, { today: TODAY, threshold: THRESHOLD, reviewThreshold: REVIEW });
    expect(cleanseTask(store.db, band.id)!.state).toBe('resolved');
    expect(() => look.secondLookPair({ op: 'secondLookPair', taskId: band.id })).toThrow(/no longer open/);
    // An automatic pair still merges at once.
    expect(merge(auto.id, auto.cpNumber)).toMatchObject({ closed: 1, queued: 1 });
  });
});

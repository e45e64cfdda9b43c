// Labelled pairs in a real encrypted working set (real Secret Service for its key): the
// table is created idempotently and survives reopening; local duplicate tasks a person
// decided (merged, "not a duplicate") become labels through the path cleansing closes
// them with; a national review's decision is kept and replaces an earlier one; each label
// is scored by the latest run where the local matcher scored the pair.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cpNumberFromSerial } from '../../../../domain/cp-number.js';
import { closeTasks, ensureCleanseSchema } from '../../../../main/cleansing/cleanse.js';
import {
  createLabelOps,
  ensureLabelSchema,
  importTaskLabels,
  labelSummary,
  recordLabel,
  scoredLabels,
} from '../../../../main/cleansing/labels.js';
import type { WorkingSetStore } from '../../../../main/working-set/store.js';
import { createTestWorkingSet, keyringUnavailable, type TestWorkingSet } from '../../../support/working-set.js';
import { describeWhere } from '../../../support/skip.js';

const AT = '2026-12-06T10:00:00.000Z';
const cp = (n: number) => cpNumberFromSerial(98_000_000 + n);

describeWhere(keyringUnavailable(), 'labelled pairs in the working set', () => {
  let ws: TestWorkingSet;
  let store: WorkingSetStore;

  /** A duplicate task as a cleansing run writes it (its detail carries the score). */
  const task = (a: string, b: string, score: number, key: string): number => {
    ensureCleanseSchema(store.db);
    const detail = JSON.stringify({ score, prior: 0.01, fields: [], twins: false, shielded: false });
    return Number(
      store.db
        .prepare(
          `INSERT INTO cleanse_tasks (rule, priority, cp, cp2, detail, created_at, key)
           VALUES ('possible-duplicate', 2, ?, ?, ?, ?, ?)`,
        )
        .run(a, b, detail, AT, key).lastInsertRowid,
    );
  };

  beforeAll(() => {
    ws = createTestWorkingSet();
    store = ws.open();
  });
  afterAll(() => {
    store?.close();
    ws?.cleanup();
  });

  it('creates its table idempotently, and it survives reopening the store', () => {
    ensureLabelSchema(store.db);
    ensureLabelSchema(store.db);
    recordLabel(store.db, { a: cp(2), b: cp(1), label: 'same', source: 'national-review', score: 0.91, at: AT });
    store.close();
    store = ws.open();
    ensureLabelSchema(store.db);
    const row = store.db.prepare('SELECT a, b, label, source, score FROM match_labels').get();
    // The pair is kept in one order, whichever way it was given.
    expect(row).toEqual({ a: cp(1), b: cp(2), label: 'same', source: 'national-review', score: 0.91 });
  });

  it('takes in decided local duplicate tasks once, and leaves open and other tasks alone', () => {
    const merged = task(cp(3), cp(4), 0.97, 'k-merged');
    const notDuplicate = task(cp(5), cp(6), 0.62, 'k-not');
    task(cp(7), cp(8), 0.7, 'k-open');
    const dismissedFinding = task(cp(9), cp(10), 0.8, 'k-other');
    closeTasks(store.db, [merged], 'resolved', `merged into ${cp(3)}`, AT);
    closeTasks(store.db, [notDuplicate], 'dismissed', 'not a duplicate', AT);
    closeTasks(store.db, [dismissedFinding], 'dismissed', 'nothing to do', AT);
    expect(importTaskLabels(store.db)).toBe(2);
    expect(importTaskLabels(store.db)).toBe(0);
    const labels = store.db
      .prepare('SELECT a, b, label, source FROM match_labels WHERE source = ? ORDER BY a')
      .all('local-task');
    expect(labels).toEqual([
      { a: cp(3), b: cp(4), label: 'same', source: 'local-task' },
      { a: cp(5), b: cp(6), label: 'different', source: 'local-task' },
    ]);
  });

  it('replaces a decision on the same pair with the later one, and a task does not overwrite a national decision', () => {
    recordLabel(store.db, { a: cp(1), b: cp(2), label: 'different', source: 'national-review', score: 0.91, at: AT });
    expect(store.db.prepare('SELECT label FROM match_labels WHERE a = ?').get(cp(1))).toEqual({ label: 'different' });
    // A local task on the national pair, merged: the national decision stays.
    const t = task(cp(2), cp(1), 0.55, 'k-national-pair');
    closeTasks(store.db, [t], 'resolved', `merged into ${cp(1)}`, AT);
    importTaskLabels(store.db);
    expect(store.db.prepare('SELECT label, source FROM match_labels WHERE a = ?').get(cp(1))).toEqual({
      label: 'different',
      source: 'national-review',
    });
  });

  it("scores each label by the local matcher's latest score of the pair, the decided score otherwise", () => {
    recordLabel(store.db, { a: cp(11), b: cp(12), label: 'same', source: 'national-review', score: 0.88, at: AT });
    const all = scoredLabels(store.db);
    // cp(1)/cp(2): the local run scored it 0.55 (the national matcher said 0.91).
    expect(all).toContainEqual({ label: 'different', score: 0.55 });
    expect(all).toContainEqual({ label: 'same', score: 0.88 });
    expect(all).toContainEqual({ label: 'same', score: 0.97 });
    expect(all).toContainEqual({ label: 'different', score: 0.62 });
    expect(all).toHaveLength(4);
  });

  it('reports too few labels to say, through the worker operations too', () => {
    const f = labelSummary(store.db, 0.5);
    expect(f).toMatchObject({ labels: 4, same: 2, above: 4, precision: null, suggestedThreshold: null });
    expect(f.note).toMatch(/Too few labels to say/);
    const ops = createLabelOps(() => store);
    ops.matchLabel({ op: 'matchLabel', a: cp(13), b: cp(14), label: 'same', score: 0.99, at: AT });
    expect(ops.matchLabels({ op: 'matchLabels' })).toMatchObject({ labels: 5, same: 3 });
  });

  it('reports the precision and a threshold once there are enough labels', () => {
    for (let i = 0; i < 30; i++)
      recordLabel(store.db, {
        a: cp(100 + 2 * i),
        b: cp(101 + 2 * i),
        label: 'same',
        source: 'national-review',
        score: 0.8 + i * 0.001,
        at: AT,
      });
    const f = labelSummary(store.db, 0.5);
    // 35 labels, 33 the same child, all at or above 0.5 (0.55 and 0.62 the two different ones).
    expect(f).toMatchObject({ labels: 35, same: 33, above: 35 });
    expect(f.precision).toBeCloseTo(33 / 35, 10);
    // Above 0.62 every label is the same child.
    expect(f.suggestedThreshold).toBe(0.8);
  });
});

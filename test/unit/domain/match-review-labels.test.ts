// The labelled pairs' figures: precision of the automatic band at the threshold, the
// lowest threshold that reaches 0.995, and "too few labels to say", on hand-made labels.
import { describe, expect, it } from 'vitest';
import { labelFigures, MIN_LABELS, type ScoredLabel } from '../../../domain/match-review.js';

const same = (score: number): ScoredLabel => ({ score, label: 'same' });
const different = (score: number): ScoredLabel => ({ score, label: 'different' });
const many = (n: number, make: (i: number) => ScoredLabel) => Array.from({ length: n }, (_, i) => make(i));

describe('labelFigures', () => {
  it('says there are too few labels to say anything with fewer than the minimum', () => {
    const f = labelFigures([same(0.9), same(0.8), different(0.6)], 0.5);
    expect(f).toMatchObject({ labels: 3, same: 2, above: 3, precision: null, suggestedThreshold: null });
    expect(f.note).toMatch(/^Too few labels to say: 3 reviewed pairs, at least 20 are needed\.$/);
    expect(labelFigures([], 0.5)).toMatchObject({ labels: 0, precision: null, suggestedThreshold: null });
  });

  it('says too few when enough labels exist but too few are above the threshold', () => {
    const labels = [...many(25, (i) => different(0.1 + i * 0.001)), same(0.95)];
    const f = labelFigures(labels, 0.5);
    expect(f.above).toBe(1);
    expect(f.precision).toBeNull();
    expect(f.note).toMatch(/1 reviewed pair is at or above the threshold/);
  });

  it('reports the precision of the band at the threshold', () => {
    // 30 above 0.5: 27 the same child, 3 different; 10 below, all different.
    const labels = [
      ...many(27, (i) => same(0.6 + i * 0.01)),
      ...many(3, (i) => different(0.55 + i * 0.01)),
      ...many(10, (i) => different(0.1 + i * 0.01)),
    ];
    const f = labelFigures(labels, 0.5);
    expect(f).toMatchObject({ labels: 40, same: 27, above: 30, threshold: 0.5 });
    expect(f.precision).toBeCloseTo(27 / 30, 10);
    // Above the highest "different" (0.57) every label is the same child: 0.6 is the lowest that reaches 0.995.
    expect(f.suggestedThreshold).toBe(0.6);
    expect(f.note).toBeNull();
  });

  it('suggests the lowest threshold reaching 0.995 with enough labels, not a smaller band', () => {
    // 400 same-child labels from 0.51 upwards with one different at 0.7: precision 400/401 = 0.9975 at 0.51;
    // two more different at 0.3 bring it to 400/403 = 0.9926 there.
    const labels = [...many(400, (i) => same(0.51 + i * 0.001)), different(0.7), different(0.3), different(0.3)];
    const f = labelFigures(labels, 0.5);
    expect(f.precision).toBeCloseTo(400 / 401, 10);
    expect(f.suggestedThreshold).toBe(0.51);
  });

  it('gives no threshold when no band with enough labels reaches the target', () => {
    // Alternate same/different all the way down: never 0.995.
    const labels = many(60, (i) => (i % 2 === 0 ? same(0.99 - i * 0.01) : different(0.99 - i * 0.01)));
    const f = labelFigures(labels, 0.5);
    expect(f.precision).not.toBeNull();
    expect(f.suggestedThreshold).toBeNull();
    expect(f.note).toMatch(/do not reach a precision of 0\.995/);
  });

  it('takes every pair of a tied score together', () => {
    // MIN_LABELS same at 0.9 and one different also at 0.9: the band at 0.9 holds all of them.
    const labels = [...many(MIN_LABELS, () => same(0.9)), different(0.9)];
    const f = labelFigures(labels, 0.9);
    expect(f.above).toBe(MIN_LABELS + 1);
    expect(f.suggestedThreshold).toBeNull();
  });

  it('ignores labels without a finite score', () => {
    const f = labelFigures([same(Number.NaN), ...many(MIN_LABELS, () => same(0.8))], 0.5);
    expect(f.labels).toBe(MIN_LABELS);
    expect(f.precision).toBe(1);
    expect(f.suggestedThreshold).toBe(0.8);
  });
});

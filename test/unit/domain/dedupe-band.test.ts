// The review band below the automatic threshold (issue 20, item 4): pairs the model
// finds doubtful are kept, marked 'review', instead of lost; the automatic band is
// exactly what it was; twins stay out; a stored model carries the band to incremental
// linking.
import { describe, expect, it } from 'vitest';
import {
  bandOf,
  DEFAULT_MAX_GROUP,
  DEFAULT_REVIEW_THRESHOLD,
  DEFAULT_THRESHOLD,
  findDuplicates,
  looksLikeTwins,
  parseStoredModel,
  storeModel,
  TWINS_CEILING,
  type DedupeRecord,
} from '../../../domain/dedupe/index.js';
import { dedupeRecordFromChild } from '../../../domain/dedupe/compare.js';
import { generateChildren } from '../../../service/training/index.js';

function generated(count: number) {
  const records: DedupeRecord[] = [];
  const truth: string[] = [];
  for (const c of generateChildren({ seed: 'dedupe-band', count, today: '2026-11-25' })) {
    records.push(dedupeRecordFromChild(c.record));
    truth.push(c.truthId);
  }
  return { records, truth };
}

describe('the review band', () => {
  const set = generated(20_000);
  // Among 20,000 children the model is sure of nearly every planted pair (the doubtful
  // ones are those a million children's coincidences bring: the same name and birthday,
  // another district), so the band's workings are checked below a stricter threshold.
  const THRESHOLD = 0.99;
  it('a score is automatic at or above the threshold, doubtful in the band, and not reported below it', () => {
    expect(bandOf(0.5, 0.5, 0.1)).toBe('auto');
    expect(bandOf(0.99, 0.5, 0.1)).toBe('auto');
    expect(bandOf(0.4999, 0.5, 0.1)).toBe('review');
    expect(bandOf(0.1, 0.5, 0.1)).toBe('review');
    expect(bandOf(0.0999, 0.5, 0.1)).toBeNull();
    // No band when its edge is the threshold.
    expect(bandOf(0.3, 0.5, 0.5)).toBeNull();
    // The default band lies below the threshold and above the twins rule's ceiling.
    expect(DEFAULT_REVIEW_THRESHOLD).toBeLessThan(DEFAULT_THRESHOLD);
    expect(DEFAULT_REVIEW_THRESHOLD).toBeGreaterThan(TWINS_CEILING);
  });

  it('adds doubtful pairs below the threshold and leaves the automatic ones exactly as they were', async () => {
    const { records, truth } = set;
    const plain = await findDuplicates(records, { threshold: THRESHOLD });
    const banded = await findDuplicates(records, { threshold: THRESHOLD, reviewThreshold: DEFAULT_REVIEW_THRESHOLD });
    expect(plain.pairs.every((p) => p.band === 'auto')).toBe(true);
    const auto = banded.pairs.filter((p) => p.band === 'auto');
    const review = banded.pairs.filter((p) => p.band === 'review');
    expect(auto).toEqual(plain.pairs);
    expect(review.length).toBeGreaterThan(0);
    for (const p of review) {
      expect(p.score).toBeGreaterThanOrEqual(DEFAULT_REVIEW_THRESHOLD);
      expect(p.score).toBeLessThan(THRESHOLD);
      // Twins are held at 1%: never in the band.
      expect(looksLikeTwins(p.pattern)).toBe(false);
    }
    // The band finds planted duplicates the automatic band missed.
    const found = (ps: { a: number; b: number }[]) => ps.filter((p) => truth[p.a] === truth[p.b]).length;
    expect(found(review)).toBeGreaterThan(0);
    expect(found(banded.pairs)).toBeGreaterThan(found(plain.pairs));
  });

  it('refuses a band above the threshold', async () => {
    await expect(findDuplicates([], { threshold: 0.5, reviewThreshold: 0.6 })).rejects.toThrow(RangeError);
  });

  it('a stored model keeps the band, and scoring with it finds the same banded pairs', async () => {
    const { records } = set;
    const run = await findDuplicates(records, { threshold: THRESHOLD, reviewThreshold: DEFAULT_REVIEW_THRESHOLD });
    const stored = parseStoredModel(
      JSON.stringify(storeModel(run.prepared, run.stats.model, THRESHOLD, DEFAULT_MAX_GROUP, DEFAULT_REVIEW_THRESHOLD)),
    );
    expect(stored?.reviewThreshold).toBe(DEFAULT_REVIEW_THRESHOLD);
    const again = await findDuplicates(records, { model: stored! });
    expect(again.pairs).toEqual(run.pairs);
    expect(again.pairs.some((p) => p.band === 'review')).toBe(true);
    // A stored band above its threshold is not a stored model.
    expect(parseStoredModel(JSON.stringify({ ...stored, reviewThreshold: 0.995 }))).toBeNull();
    // One stored before the band had none: scoring with it reports no band.
    const { reviewThreshold: _r, ...old } = stored!;
    const before = await findDuplicates(records, { model: parseStoredModel(JSON.stringify(old))! });
    expect(before.pairs.every((p) => p.band === 'auto')).toBe(true);
  });
});

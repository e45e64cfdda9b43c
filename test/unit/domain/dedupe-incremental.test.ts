// What incremental linking relies on in the domain: each candidate rule's text key groups
// records exactly as its numeric key does (whatever else was prepared with them), and a
// stored model scores a run's pairs exactly as the run scored them.
import { describe, expect, it } from 'vitest';
import {
  BLOCKING_RULES,
  BLOCKING_TEXT,
  blockingHashes,
  findDuplicates,
  hash53,
  parseStoredModel,
  prepare,
  storeModel,
  DEFAULT_MAX_GROUP,
  DEFAULT_THRESHOLD,
  type DedupeRecord,
} from '../../../domain/dedupe/index.js';
import { dedupeRecordFromChild } from '../../../domain/dedupe/compare.js';
import { generateChildren } from '../../../service/training/index.js';

const records: DedupeRecord[] = [
  ...generateChildren({ seed: 'dedupe-incremental-unit', count: 4000, today: '2026-11-25' }),
].map((c, i) => ({
  ...dedupeRecordFromChild(c.record),
  // Held children carry no other identifier: some here do, so that rule has groups too.
  otherId: i % 3 === 0 ? ` Ref ${i % 1000} ` : null,
}));

/** A partition as a sorted list of sorted groups (of record ids), singletons left out. */
function partition(keys: readonly (string | number | null)[]): string[] {
  const groups = new Map<string | number, string[]>();
  keys.forEach((k, i) => {
    if (k === null || k === -1) return;
    groups.set(k, [...(groups.get(k) ?? []), records[i]!.id]);
  });
  return [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => g.sort().join(','))
    .sort();
}

describe('incremental linking in the domain', () => {
  it('every candidate rule has a text key, and it groups records exactly as the numeric key does', () => {
    expect(BLOCKING_TEXT).toHaveLength(BLOCKING_RULES.length);
    const p = prepare(records);
    BLOCKING_RULES.forEach((rule, r) => {
      const smalls = new Map<number, number>();
      const small = (v: number) => {
        if (!smalls.has(v)) smalls.set(v, smalls.size);
        return smalls.get(v)!;
      };
      const numeric = records.map((_, i) => rule.key(p, i, small));
      const text = records.map((_, i) => BLOCKING_TEXT[r]!(p, i));
      expect(partition(text), rule.name).toEqual(partition(numeric));
      expect(partition(text).length, rule.name).toBeGreaterThan(0);
    });
  });

  it('a text key does not depend on which records were prepared together', () => {
    const all = prepare(records);
    const some = records.slice(1234, 1300);
    const few = prepare([...some].reverse());
    some.forEach((_, k) => {
      expect(blockingHashes(few, some.length - 1 - k)).toEqual(blockingHashes(all, 1234 + k));
    });
  });

  it('hashes are 53-bit whole numbers, the same every time', () => {
    expect(hash53('3\u000020150304|14')).toBe(hash53('3\u000020150304|14'));
    expect(hash53('a')).not.toBe(hash53('b'));
    for (const s of ['', 'a', 'Ω', 'x'.repeat(1000)]) {
      const h = hash53(s);
      expect(Number.isSafeInteger(h) && h >= 0).toBe(true);
    }
  });

  it("a stored model, through JSON, scores a run's pairs exactly as the run scored them", async () => {
    const run = await findDuplicates(records);
    const stored = parseStoredModel(
      JSON.stringify(storeModel(run.prepared, run.stats.model, DEFAULT_THRESHOLD, DEFAULT_MAX_GROUP)),
    );
    expect(stored).not.toBeNull();
    const again = await findDuplicates(records, { model: stored! });
    expect(run.pairs.length).toBeGreaterThan(50);
    expect(again.pairs).toEqual(run.pairs);
    expect(again.explain(run.pairs[0]!)).toEqual(run.explain(run.pairs[0]!));
  });

  it('refuses what is not a stored model', () => {
    expect(parseStoredModel('not json')).toBeNull();
    expect(parseStoredModel('{"version":1}')).toBeNull();
    expect(parseStoredModel('{"version":2,"model":{}}')).toBeNull();
  });
});

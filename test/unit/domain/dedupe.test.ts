import { describe, expect, it } from 'vitest';
import {
  Comparator,
  DedupeCancelled,
  FIELDS,
  findDuplicates,
  LEVELS,
  prepare,
  TWINS_CEILING,
  type DedupeRecord,
  type Field,
} from '../../../domain/dedupe/index.js';
import { BLOCKING_RULES, buildBlocks } from '../../../domain/dedupe/blocking.js';
import { loadProfile, readDedupeRecords } from '../../../main/adapter/profile.js';
import { generateChildren } from '../../../service/training/index.js';
import { dedupeRecordFromChild } from '../../../domain/dedupe/compare.js';

function person(id: string, over: Partial<DedupeRecord> = {}): DedupeRecord {
  return {
    id,
    given: 'Oliver',
    family: 'Thompson',
    former: [],
    dob: '2015-03-04',
    gender: 'male',
    postcode: 'CH41 5AA',
    address: '12 Church Road',
    locality: 'Birkenhead',
    nhs: null,
    upn: null,
    otherId: null,
    shielded: false,
    ...over,
  };
}

/** The named level of each field for a pair. */
function levels(a: DedupeRecord, b: DedupeRecord): Record<Field, string> {
  const c = new Comparator(prepare([a, b]));
  const l = c.levels(0, 1);
  return Object.fromEntries(FIELDS.map((f, i) => [f, LEVELS[f][l[i]!]!])) as Record<Field, string>;
}

describe('comparison levels', () => {
  const base = person('a');
  it('names: exact, a slip, sounds alike, a nickname, a swap, a former surname, part of a double-barrelled name', () => {
    expect(levels(base, person('b')).given).toBe('the same');
    expect(levels(base, person('b', { given: 'Olivre' })).given).toBe('spelt slightly differently');
    expect(levels(base, person('b', { family: 'Tomson' })).family).toBe('spelt slightly differently');
    expect(levels(person('a', { family: 'Smith' }), person('b', { family: 'Smyth' })).family).toMatch(
      /slightly|sound alike/,
    );
    expect(levels(person('a', { given: 'William' }), person('b', { given: 'Bill' })).given).toBe(
      'sound alike, or a nickname',
    );
    const swapped = levels(base, person('b', { given: 'Thompson', family: 'Oliver' }));
    expect([swapped.given, swapped.family]).toEqual(['swapped with the family name', 'swapped with the given name']);
    expect(levels(base, person('b', { family: 'Reid', former: ['Thompson'] })).family).toMatch(/former name/);
    expect(levels(person('a', { family: 'Reid' }), person('b', { family: 'Thompson-Reid' })).family).toMatch(
      /double-barrelled/,
    );
    expect(levels(base, person('b', { given: 'Zachary' })).given).toBe('different');
    expect(levels(base, person('b', { given: null })).given).toBe('not given on both');
  });

  it('dates of birth: day and month swapped, one digit, different; postcodes: one character, same district', () => {
    expect(levels(base, person('b', { dob: '2015-04-03' })).dob).toBe('day and month swapped');
    expect(levels(base, person('b', { dob: '2015-03-07' })).dob).toBe('one digit different');
    expect(levels(base, person('b', { dob: '2015-03-40' })).dob).toBe('one digit different');
    expect(levels(base, person('b', { dob: '2016-08-04' })).dob).toBe('different');
    expect(levels(base, person('b', { postcode: 'CH41 5AB' })).postcode).toBe('one character different');
    expect(levels(base, person('b', { postcode: 'CH41 9ZZ' })).postcode).toBe('same district');
    expect(levels(base, person('b', { postcode: 'L1 8JQ' })).postcode).toBe('different');
    expect(levels(person('a', { nhs: '9434765919' }), person('b', { nhs: '9434765991' })).nhs).toBe(
      'one digit different',
    );
  });

  it('a move is one fact: the street and the town beside postcodes that differ have levels of their own', () => {
    const moved = levels(base, person('b', { postcode: 'CH44 7AB', address: '3 Sea View', locality: 'Wallasey' }));
    expect([moved.postcode, moved.address, moved.locality]).toEqual([
      'different',
      'different, as are the postcodes',
      'different, as are the postcodes',
    ]);
    const typo = levels(base, person('b', { postcode: 'CH63 5AA' }));
    expect([typo.address, typo.locality]).toEqual([
      'the same, though the postcodes differ',
      'the same, though the postcodes differ',
    ]);
    const home = levels(base, person('b', { postcode: 'CH41 5AB' }));
    expect([home.address, home.locality]).toEqual(['the same', 'the same']);
  });
});

describe('blocking', () => {
  it('a pair with one typo in any one field is still compared (several rules, each leaving a field out)', () => {
    const original = person('o', { nhs: null });
    const typos: Partial<DedupeRecord>[] = [
      { given: 'Xliver' },
      { family: 'Xhompson' },
      { dob: '2016-03-04' },
      { postcode: 'L1 8JQ', address: '1 Other Street' },
      { given: 'Thompson', family: 'Oliver' },
    ];
    // Two slips at once, each of which one of the rules above needs intact: names the
    // other way round with a typo (no longer sounding alike) and the day and month
    // swapped; a nickname and a new surname at the same address.
    typos.push(
      { given: 'Tompsonn', family: 'Olivr', dob: '2015-04-03', postcode: 'L1 8JQ', address: '1 Other Street' },
      { given: 'Ollie', family: 'Reid', postcode: 'CH41 5AB', dob: '2015-04-03' },
    );
    for (const typo of typos) {
      const p = prepare([original, person('d', typo)]);
      const blocks = buildBlocks(p);
      const found = blocks.groups.some((g) => g.count > 0);
      expect(found, JSON.stringify(typo)).toBe(true);
    }
    expect(BLOCKING_RULES.length).toBeGreaterThanOrEqual(6);
  });
});

/** Generated children with planted duplicates (truthId), as the bench uses at scale. */
function generated(count: number) {
  const records: DedupeRecord[] = [];
  const truth: string[] = [];
  for (const c of generateChildren({ seed: 'dedupe-unit', count, today: '2026-11-25' })) {
    records.push(dedupeRecordFromChild(c.record));
    truth.push(c.truthId);
  }
  return { records, truth };
}

function quality(pairs: { a: number; b: number }[], truth: string[]) {
  const groups = new Map<string, number>();
  for (const t of truth) groups.set(t, (groups.get(t) ?? 0) + 1);
  let actual = 0;
  for (const n of groups.values()) actual += (n * (n - 1)) / 2;
  const tp = pairs.filter((p) => truth[p.a] === truth[p.b]).length;
  const precision = tp / pairs.length;
  const recall = tp / actual;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall), actual };
}

describe('the model, learned without labels', () => {
  it('finds the planted duplicates among 20,000 generated children with F1 above 0.9', async () => {
    const { records, truth } = generated(20_000);
    const result = await findDuplicates(records);
    const q = quality(result.pairs, truth);
    expect(q.actual).toBeGreaterThan(100);
    expect(q.f1).toBeGreaterThan(0.9);
    // What EM learned is what a person would expect: agreement is evidence, disagreement against.
    const m = result.stats.model.m;
    const u = result.stats.model.u;
    const dob = FIELDS.indexOf('dob');
    expect(m[dob]![1]! / u[dob]![1]!).toBeGreaterThan(100);
    expect(m[dob]![4]! / u[dob]![4]!).toBeLessThan(0.2);
    // The street and the town are learned apart beside postcodes alike and postcodes that
    // differ (each group's shares sum to one), and after a move to another district a
    // different street says next to nothing the postcode has not said.
    for (const f of [FIELDS.indexOf('address'), FIELDS.indexOf('locality')]) {
      for (const group of [
        [1, 2, 3],
        [4, 5, 6],
      ]) {
        expect(group.reduce((s, l) => s + m[f]![l]!, 0)).toBeCloseTo(1, 6);
        expect(group.reduce((s, l) => s + u[f]![l]!, 0)).toBeCloseTo(1, 6);
      }
    }
    // A swap of the two names is one fact, weighed once (on the given name).
    const family = FIELDS.indexOf('family');
    expect(m[family]![6]! / u[family]![6]!).toBeCloseTo(1, 6);
    const address = FIELDS.indexOf('address');
    expect(Math.abs(Math.log2(m[address]![6]! / u[address]![6]!))).toBeLessThan(1);
    expect(Math.log2(m[address]![3]! / u[address]![3]!)).toBeLessThan(-2);
  });

  it('reads FEBRL dataset1 through the shipped profile and scores F1 of at least 0.95', async () => {
    const { records, problems } = await readDedupeRecords(
      '../shared/data/febrl/dataset1.csv',
      loadProfile('profiles/febrl.json'),
    );
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1000);
    const truth = records.map((r) => /^rec-(\d+)-/.exec(r.id)![1]!);
    const result = await findDuplicates(records);
    expect(quality(result.pairs, truth).f1).toBeGreaterThanOrEqual(0.95);
  });

  it('twins (same date of birth and address, different given names) are not duplicates unless an identifier agrees', async () => {
    const { records } = generated(3000);
    const twinA = person('twin-a', { given: 'Amelia', family: 'Zephyrine' });
    const twinB = person('twin-b', { given: 'Jacob', family: 'Zephyrine' });
    const result = await findDuplicates([...records, twinA, twinB], { threshold: 0 });
    const n = records.length;
    const pair = result.pairs.find((p) => p.a === n && p.b === n + 1)!;
    expect(pair.score).toBeLessThanOrEqual(TWINS_CEILING);
    expect(result.explain(pair).twins).toBe(true);
    const sameNhs = await findDuplicates([
      ...records,
      { ...twinA, nhs: '9434765919' },
      { ...twinB, nhs: '9434765919' },
    ]);
    expect(sameNhs.pairs.some((p) => p.a === n && p.b === n + 1)).toBe(true);
  });

  it('a rare shared surname counts for more than a common one (term frequency), and every pair says why', async () => {
    const { records } = generated(5000);
    const common = records
      .map((r) => r.family)
      .sort((a, b) => records.filter((r) => r.family === b).length - records.filter((r) => r.family === a).length)[0]!;
    const mk = (id: string, family: string, given: string) =>
      person(id, { family, given, dob: '2012-06-07', postcode: 'CH62 1AA', address: '5 Quiet Lane' });
    const input = [
      ...records,
      mk('c1', common, 'Oliver'),
      mk('c2', common, 'Olivr'),
      mk('r1', 'Quixleyworth', 'Oliver'),
      mk('r2', 'Quixleyworth', 'Olivr'),
    ];
    const result = await findDuplicates(input, { threshold: 0 });
    const n = records.length;
    const weightOf = (a: number) => {
      const pair = result.pairs.find((p) => p.a === a && p.b === a + 1)!;
      const why = result.explain(pair);
      // The fields' weights and the prior add up to the score.
      const total = why.prior + why.fields.reduce((s, f) => s + f.weight, 0);
      expect(1 / (1 + 2 ** -total)).toBeCloseTo(why.score, 2);
      return why.fields.find((f) => f.field === 'family')!.weight;
    };
    expect(weightOf(n + 2)).toBeGreaterThan(weightOf(n));
  });

  it('reports progress through each stage, and stops with DedupeCancelled when asked', async () => {
    const { records } = generated(4000);
    const stages = new Set<string>();
    await findDuplicates(records, { onProgress: (p) => stages.add(p.stage) });
    expect([...stages]).toEqual(['preparing', 'blocking', 'comparing', 'estimating', 'scoring']);
    let asked = 0;
    await expect(findDuplicates(records, { cancelled: () => ++asked > 2 })).rejects.toBeInstanceOf(DedupeCancelled);
  });
});

import { describe, expect, it } from 'vitest';
import {
  childRecordSchema,
  personNameSchema,
  supplierRecordSchema,
  type Address,
  type ChildRecord,
} from '../../../domain/child-record.js';
import { addYears, ageOn, transposeDayMonth } from '../../../domain/dates.js';
import { isNhsTestRange, isValidNhsNumber } from '../../../domain/nhs-number.js';
import { outwardCode } from '../../../domain/postcode.js';
import {
  createRandom,
  generateChildren,
  hostileNames,
  nicknamesOf,
  WeightedTable,
  type GeneratedChild,
} from '../../../service/training/index.js';

const TODAY = '2025-06-01';
const run = (seed: string | number, count: number): GeneratedChild[] => [
  ...generateChildren({ seed, count, today: TODAY }),
];

const OUR_DISTRICTS = new Set([
  'CH41',
  'CH42',
  'CH43',
  'CH44',
  'CH45',
  'CH46',
  'CH47',
  'CH48',
  'CH49',
  'CH60',
  'CH61',
  'CH62',
  'CH63',
  'CH64',
  'CH65',
  'CH66',
]);
const HOSTILE = new Set(hostileNames.map((h) => h.value));
const isHostile = (r: ChildRecord) => HOSTILE.has(r.name.given) || HOSTILE.has(r.name.family);

/** The first record of each real child; the rest are duplicates. */
function split(children: GeneratedChild[]): { originals: GeneratedChild[]; duplicates: GeneratedChild[] } {
  const seen = new Set<string>();
  const originals: GeneratedChild[] = [];
  const duplicates: GeneratedChild[] = [];
  for (const c of children) {
    if (seen.has(c.truthId)) duplicates.push(c);
    else originals.push(c);
    seen.add(c.truthId);
  }
  return { originals, duplicates };
}

const fraction = (items: GeneratedChild[], test: (c: GeneratedChild) => boolean) =>
  items.filter(test).length / items.length;
const age = (r: ChildRecord) => ageOn(r.dob, TODAY);
const sameAddress = (a: Address | null, b: Address | null) => JSON.stringify(a) === JSON.stringify(b);

describe('seeded random numbers', () => {
  it('repeat for the same seed and differ for another', () => {
    const a = createRandom('seed');
    const b = createRandom('seed');
    const c = createRandom('other');
    const xs = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('keeps int() within its bounds and reaches both ends', () => {
    const r = createRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = r.int(-2, 3);
      expect(n).toBeGreaterThanOrEqual(-2);
      expect(n).toBeLessThanOrEqual(3);
      seen.add(n);
    }
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2, 3].sort());
    expect(() => r.int(3, 2)).toThrow(RangeError);
  });

  it('picks by weight and never picks a zero weight', () => {
    const table = new WeightedTable<'rare' | 'never' | 'common'>(['rare', 'never', 'common'], [1, 0, 9]);
    const r = createRandom('weights');
    const counts = { rare: 0, never: 0, common: 0 };
    for (let i = 0; i < 10_000; i++) counts[r.weightedPick(table)]++;
    expect(counts.never).toBe(0);
    expect(counts.common / 10_000).toBeGreaterThan(0.87);
    expect(counts.common / 10_000).toBeLessThan(0.93);
    expect(() => new WeightedTable(['a'], [1, 2])).toThrow(RangeError);
    expect(() => new WeightedTable(['a'], [-1])).toThrow(RangeError);
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = createRandom('shuffle').shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });
});

describe('generateChildren: reproducibility', () => {
  it('gives identical output for the same seed, count and day, and different output for another seed', () => {
    const a = run('repeat', 1500);
    expect(a).toHaveLength(1500);
    expect(run('repeat', 1500)).toEqual(a);
    const b = run('another', 1500);
    const key = (cs: GeneratedChild[]) =>
      cs.map((c) => `${c.record.name.given} ${c.record.name.family} ${c.record.dob}`);
    expect(key(b)).not.toEqual(key(a));
  });

  it('treats a numeric seed and its decimal string alike', () => {
    expect(run(42, 50)).toEqual(run('42', 50));
  });

  it('makes the first N records of a longer run equal a run of N', () => {
    const long = run('prefix', 3000);
    // Odd cut-offs land inside households and between a child and its duplicate.
    for (const n of [1, 2, 7, 333, 1234, 2999]) expect(run('prefix', n)).toEqual(long.slice(0, n));
  });

  it('rejects bad options before producing anything', () => {
    expect(() => generateChildren({ seed: 'x', count: -1, today: TODAY })).toThrow(RangeError);
    expect(() => generateChildren({ seed: 'x', count: 1.5, today: TODAY })).toThrow(RangeError);
    expect(() => generateChildren({ seed: 'x', count: 10, today: '2025-02-30' })).toThrow(RangeError);
    expect(() => generateChildren({ seed: '', count: 10, today: TODAY })).toThrow(RangeError);
    expect(run('x', 0)).toEqual([]);
  });
});

describe('generateChildren: validity', () => {
  it('emits records and supplies that pass the wire schemas unchanged', () => {
    for (const c of run('schema', 5000)) {
      // toEqual, not just "parses": trimming or defaults would mean we emitted something un-normalised.
      expect(childRecordSchema.parse(c.record)).toEqual(c.record);
      expect(c.supplies.length).toBeGreaterThanOrEqual(1);
      expect(c.supplies.length).toBeLessThanOrEqual(4);
      for (const s of c.supplies) expect(supplierRecordSchema.parse(s)).toEqual(s);
    }
  });

  it('has hostile names that are all valid names, up to the 100-character limit', () => {
    for (const h of hostileNames) {
      const name = {
        given: h.part === 'given' ? h.value : 'Alex',
        family: h.part === 'family' ? h.value : 'Smith',
        former: [],
      };
      expect(personNameSchema.parse(name)).toEqual(name);
    }
    expect(Math.max(...hostileNames.map((h) => h.value.length))).toBe(100);
  });

  it('puts hostile names in any run of 100 or more, and keeps them valid', () => {
    for (const seed of ['h1', 'h2', 3]) {
      const hostile = run(seed, 100).filter((c) => isHostile(c.record));
      expect(hostile.length).toBeGreaterThanOrEqual(1);
      for (const c of hostile) expect(childRecordSchema.parse(c.record)).toEqual(c.record);
    }
  });
});

describe('generateChildren: a population of 20,000', () => {
  const all = run('population', 20_000);
  const { originals, duplicates } = split(all);
  const byTruth = new Map(originals.map((c) => [c.truthId, c]));

  it('gives every record its own CP number', () => {
    expect(new Set(all.map((c) => c.record.cpNumber)).size).toBe(all.length);
  });

  it('shields about 0.5% of children', () => {
    const shielded = fraction(originals, (c) => c.record.shielded);
    expect(shielded).toBeGreaterThan(0.0025);
    expect(shielded).toBeLessThan(0.009);
  });

  it('has twins: same birthday and home, different given names, different children', () => {
    const homes = new Map<string, GeneratedChild[]>();
    for (const c of originals) {
      if (!c.record.address) continue;
      const key = `${c.record.dob}|${JSON.stringify(c.record.address)}`;
      homes.set(key, [...(homes.get(key) ?? []), c]);
    }
    const twins = [...homes.values()].filter((group) => group.length > 1);
    const twinChildren = twins.reduce((n, g) => n + g.length, 0) / originals.length;
    expect(twinChildren).toBeGreaterThan(0.008);
    expect(twinChildren).toBeLessThan(0.03);
    for (const group of twins) {
      expect(new Set(group.map((c) => c.record.name.given)).size).toBe(group.length);
      expect(new Set(group.map((c) => c.truthId)).size).toBe(group.length);
      const nhs = group.map((c) => c.record.identifiers.nhsNumber).filter((n) => n !== undefined);
      expect(new Set(nhs).size).toBe(nhs.length);
    }
  });

  it('duplicates 1-2% of children as second records of the same child with a new CP number', () => {
    const rate = duplicates.length / originals.length;
    expect(rate).toBeGreaterThan(0.01);
    expect(rate).toBeLessThan(0.02);
    let differs = 0;
    for (const dup of duplicates) {
      const original = byTruth.get(dup.truthId)!;
      expect(dup.record.cpNumber).not.toBe(original.record.cpNumber);
      expect(dup.supplies).toHaveLength(1);
      const a = dup.record;
      const b = original.record;
      if (
        a.name.given !== b.name.given ||
        a.name.family !== b.name.family ||
        a.dob !== b.dob ||
        a.gender !== b.gender ||
        !sameAddress(a.address, b.address)
      ) {
        differs++;
      }
    }
    // Built from a supply with a mistake in it, so the identity almost always disagrees somewhere.
    expect(differs / duplicates.length).toBeGreaterThan(0.9);
  });

  it('records sensitive services for about 2% of children, always with a category', () => {
    const rate = fraction(originals, (c) => c.record.involvements.some((i) => i.sensitive));
    expect(rate).toBeGreaterThan(0.01);
    expect(rate).toBeLessThan(0.035);
    const categories = new Set(
      originals.flatMap((c) => c.record.involvements.filter((i) => i.sensitive).map((i) => i.sensitiveCategory)),
    );
    expect(categories).toEqual(new Set(['mental-health', 'sexual-health', 'substance-misuse']));
  });

  it('has at most one lead professional per child, and some completed CAFs', () => {
    for (const c of originals)
      expect(c.record.involvements.filter((i) => i.leadProfessional).length).toBeLessThanOrEqual(1);
    expect(originals.some((c) => c.record.involvements.some((i) => i.cafCompleted))).toBe(true);
  });

  it('spans ages 0-17, with some within 60 days of their 18th birthday and a few consented young adults', () => {
    const ages = originals.map((c) => age(c.record));
    expect(Math.min(...ages)).toBe(0);
    const soon = originals.filter((c) => {
      const eighteenth = addYears(c.record.dob, 18);
      return eighteenth > TODAY && daysBetween(TODAY, eighteenth) <= 60;
    });
    expect(soon.length).toBeGreaterThan(20);
    const adults = originals.filter((c) => age(c.record) >= 18);
    expect(adults.length).toBeGreaterThan(0);
    expect(adults.length / originals.length).toBeLessThan(0.01);
    for (const c of adults) expect(c.record.archiveAge).toBeGreaterThan(age(c.record));
    for (const c of originals) if (age(c.record) < 18) expect(c.record.archiveAge).toBe(18);
  });

  it('leaves a small share of school-age children in England without an educational setting', () => {
    const schoolAge = originals.filter(
      (c) => c.record.whereabouts === 'current' && age(c.record) >= 5 && age(c.record) <= 15,
    );
    const without = fraction(schoolAge, (c) => c.record.education === undefined);
    expect(without).toBeGreaterThan(0.005);
    expect(without).toBeLessThan(0.03);
    expect(fraction(schoolAge, (c) => c.record.identifiers.upn !== undefined)).toBeGreaterThan(0.97);
    // Primary-age children go to school in their own postcode district.
    for (const c of schoolAge) {
      if (c.record.education && age(c.record) <= 10 && c.record.address) {
        expect(outwardCode(c.record.education.contact.address!.postcode)).toBe(outwardCode(c.record.address.postcode));
      }
    }
  });

  it('gives at least 95% of children a valid NHS number from the test range, never shared between children', () => {
    const numbers = originals.map((c) => c.record.identifiers.nhsNumber).filter((n) => n !== undefined);
    expect(numbers.length / originals.length).toBeGreaterThanOrEqual(0.95);
    for (const n of numbers) {
      expect(isValidNhsNumber(n)).toBe(true);
      expect(isNhsTestRange(n)).toBe(true);
    }
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(fraction(originals, (c) => c.record.gp !== undefined)).toBeGreaterThan(0.9);
  });

  it('mixes whereabouts, mostly current', () => {
    expect(fraction(originals, (c) => c.record.whereabouts === 'current')).toBeGreaterThan(0.93);
    const kinds = new Set(originals.map((c) => c.record.whereabouts));
    expect(kinds).toEqual(new Set(['current', 'last-known', 'no-known-address', 'left-england']));
    for (const c of originals) {
      if (c.record.whereabouts === 'left-england') expect(c.record.intendsToReturn).toBeDefined();
      else expect(c.record.intendsToReturn).toBeUndefined();
    }
  });

  it('puts hostile names in the population', () => {
    expect(originals.filter((c) => isHostile(c.record)).length).toBeGreaterThanOrEqual(3);
  });

  it('skews surnames like the real population', () => {
    const counts = new Map<string, number>();
    for (const c of originals) counts.set(c.record.name.family, (counts.get(c.record.name.family) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    expect(sorted[0]!).toBeGreaterThan(10 * median);
    expect(counts.size).toBeGreaterThan(200);
  });

  it('keeps every postcode in CH41-CH49 and CH60-CH66, and the right local authority for it', () => {
    const postcodes: string[] = [];
    for (const c of all) {
      const r = c.record;
      if (r.address) postcodes.push(r.address.postcode);
      for (const p of r.parents) if (p.contact?.address) postcodes.push(p.contact.address.postcode);
      if (r.education?.contact.address) postcodes.push(r.education.contact.address.postcode);
      if (r.gp?.contact.address) postcodes.push(r.gp.contact.address.postcode);
      for (const s of c.supplies) if (s.address) postcodes.push(s.address.postcode);
      if (r.address) {
        const cheshire = ['CH64', 'CH65', 'CH66'].includes(outwardCode(r.address.postcode));
        expect(r.localAuthority).toBe(cheshire ? 'E06000050' : 'E08000015');
      }
    }
    const outwards = new Set(postcodes.map(outwardCode));
    for (const o of outwards) expect(OUR_DISTRICTS).toContain(o);
    expect(outwards).toEqual(OUR_DISTRICTS);
  });

  it('keeps families together: siblings share address and parents, mostly the surname', () => {
    const homes = new Map<string, GeneratedChild[]>();
    for (const c of originals) {
      if (c.record.whereabouts !== 'current' || c.record.parents.length === 0) continue;
      const key = JSON.stringify(c.record.address) + JSON.stringify(c.record.parents.map((p) => p.name));
      homes.set(key, [...(homes.get(key) ?? []), c]);
    }
    const families = [...homes.values()].filter((g) => g.length > 1);
    expect(families.length).toBeGreaterThan(1000);
    const sameSurname = families.filter((g) => new Set(g.map((c) => c.record.name.family)).size === 1).length;
    expect(sameSurname / families.length).toBeGreaterThan(0.8);
    expect(sameSurname / families.length).toBeLessThan(1);
  });

  it('corrupts some supplies the way real suppliers do', () => {
    let swappedDob = 0;
    let nickname = 0;
    let formerSurname = 0;
    let swappedNames = 0;
    let olderAddress = 0;
    let typo = 0;
    for (const c of originals) {
      const r = c.record;
      for (const s of c.supplies) {
        if (s.dob === transposeDayMonth(r.dob)) swappedDob++;
        if (nicknamesOf(r.name.given).includes(s.name.given)) nickname++;
        if (r.name.former.some((f) => f.family === s.name.family)) formerSurname++;
        if (s.name.given === r.name.family && s.name.family === r.name.given) swappedNames++;
        if (r.address && s.address && s.address.postcode !== r.address.postcode) olderAddress++;
        if (
          s.name.given === r.name.given &&
          s.name.family !== r.name.family &&
          Math.abs(s.name.family.length - r.name.family.length) <= 1 &&
          s.name.family[0] === r.name.family[0]
        )
          typo++;
      }
    }
    for (const n of [swappedDob, nickname, formerSurname, swappedNames, olderAddress, typo])
      expect(n).toBeGreaterThan(10);
    // ...but most supplies agree with the record.
    const clean = originals.flatMap((c) =>
      c.supplies.map((s) => s.name.given === c.record.name.given && s.dob === c.record.dob),
    );
    expect(clean.filter(Boolean).length / clean.length).toBeGreaterThan(0.85);
  });

  it('gives children a former surname when a parent remarried, and older supplies still use it', () => {
    const renamed = originals.filter((c) => c.record.name.former.length > 0);
    expect(renamed.length).toBeGreaterThan(100);
    for (const c of renamed) expect(c.record.name.former[0]!.family).not.toBe(c.record.name.family);
    const stillFormer = renamed.filter((c) =>
      c.supplies.some((s) => s.name.family === c.record.name.former[0]!.family),
    );
    expect(stillFormer.length / renamed.length).toBeGreaterThan(0.3);
  });
});

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

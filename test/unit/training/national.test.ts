// National mode of the training generator: 150 English authorities, each with its own
// places, children shared out by population; the training dataset is untouched.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { childRecordSchema, supplierRecordSchema } from '../../../domain/child-record.js';
import { isValidPostcode } from '../../../domain/postcode.js';
import {
  authoritiesFor,
  MAX_NATIONAL_AUTHORITIES,
  nationalAuthorities,
  nationalPlaces,
} from '../../../service/training/national-places.js';
import {
  CHESHIRE_WEST_AND_CHESTER,
  generateChildren,
  WIRRAL,
  type GeneratedChild,
} from '../../../service/training/index.js';

const TODAY = '2025-06-01';
const national = (count: number, authorities = 150, seed: string | number = 'national'): GeneratedChild[] => [
  ...generateChildren({ seed, count, today: TODAY, authorities }),
];
const digest = (children: readonly GeneratedChild[]) =>
  createHash('sha256')
    .update(children.map((c) => JSON.stringify(c)).join('\n'))
    .digest('hex');

describe('national authorities', () => {
  it('are 150 with distinct real-format ONS codes, names and DfE numbers, the training two among them', () => {
    expect(nationalAuthorities).toHaveLength(150);
    expect(MAX_NATIONAL_AUTHORITIES).toBe(150);
    expect(new Set(nationalAuthorities.map((a) => a.code)).size).toBe(150);
    expect(new Set(nationalAuthorities.map((a) => a.name)).size).toBe(150);
    expect(new Set(nationalAuthorities.map((a) => a.dfeNumber)).size).toBe(150);
    for (const a of nationalAuthorities) {
      expect(a.code).toMatch(/^E(06|08|09|10)\d{6}$/);
      expect(a.dfeNumber).toMatch(/^\d{3}$/);
    }
    expect(nationalAuthorities.find((a) => a.code === WIRRAL.code)).toMatchObject(WIRRAL);
    expect(nationalAuthorities.find((a) => a.code === CHESHIRE_WEST_AND_CHESTER.code)).toMatchObject(
      CHESHIRE_WEST_AND_CHESTER,
    );
  });

  it('chooses the largest authorities and always the training two; refuses counts outside 2-150', () => {
    const five = authoritiesFor(5).map((a) => a.name);
    expect(five).toHaveLength(5);
    expect(five).toEqual(expect.arrayContaining(['Wirral', 'Cheshire West and Chester', 'Kent', 'Essex']));
    for (const bad of [0, 1, 151, 2.5, Number.NaN]) expect(() => authoritiesFor(bad)).toThrow(/authorities/);
    expect(() => generateChildren({ seed: 1, count: 1, today: TODAY, authorities: 151 })).toThrow(
      /authorities must be a whole number from 2 to 150/,
    );
  });

  it('give every authority its own valid, distinct postcodes, schools and practices', () => {
    const places = nationalPlaces(150);
    const outward = new Set<string>();
    const postcodes = new Set<string>();
    const urns = new Set<string>();
    for (const d of places.districts) {
      expect(outward.has(d.outward)).toBe(false);
      outward.add(d.outward);
      expect(places.districtOf(`${d.outward} 1AA`)).toBe(d);
      for (const s of d.streets) {
        for (const p of s.postcodes) {
          expect(isValidPostcode(p)).toBe(true);
          expect(postcodes.has(p)).toBe(false);
          postcodes.add(p);
        }
      }
      for (const s of [...d.primarySchools, ...d.secondarySchools]) {
        expect(urns.has(s.urn)).toBe(false);
        urns.add(s.urn);
      }
      expect(d.gpPractices.length).toBeGreaterThan(0);
    }
    expect(new Set(places.districts.map((d) => d.localAuthority.code)).size).toBe(150);
    expect([...places.colleges.keys()].sort()).toEqual(nationalAuthorities.map((a) => a.code).sort());
  });
});

describe('generateChildren in national mode', () => {
  const children = national(30_000);

  it('leaves the training dataset exactly as it was', () => {
    const a = [...generateChildren({ seed: 'contactpoint-training', count: 2_000, today: TODAY })];
    const b = [
      ...generateChildren({ seed: 'contactpoint-training', count: 2_000, today: TODAY, authorities: undefined }),
    ];
    expect(digest(a)).toBe(digest(b));
    expect(new Set(a.map((c) => c.record.localAuthority))).toEqual(
      new Set([WIRRAL.code, CHESHIRE_WEST_AND_CHESTER.code]),
    );
    expect(digest(national(2_000))).not.toBe(digest(a));
  });

  it('is reproducible, and its first N records equal a run of N', () => {
    expect(digest(national(3_000))).toBe(digest(children.slice(0, 3_000)));
    expect(digest(national(3_000, 150, 'another'))).not.toBe(digest(children.slice(0, 3_000)));
  });

  it('emits records and supplies that pass the wire schemas', () => {
    for (const c of children.slice(0, 3_000)) {
      expect(() => childRecordSchema.parse(c.record)).not.toThrow();
      for (const s of c.supplies) expect(() => supplierRecordSchema.parse(s)).not.toThrow();
    }
  });

  it('shares children among all 150 authorities roughly by population', () => {
    const byAuthority = new Map<string, number>();
    for (const c of children)
      byAuthority.set(c.record.localAuthority, (byAuthority.get(c.record.localAuthority) ?? 0) + 1);
    expect(byAuthority.size).toBe(150);
    const population = nationalAuthorities.reduce((s, a) => s + a.population, 0);
    for (const name of ['Kent', 'Birmingham', 'Leeds', 'Wirral']) {
      const a = nationalAuthorities.find((x) => x.name === name)!;
      const expected = (children.length * a.population) / population;
      expect(byAuthority.get(a.code)!).toBeGreaterThan(expected * 0.8);
      expect(byAuthority.get(a.code)!).toBeLessThan(expected * 1.2);
    }
  });

  it('keeps each child in its own authority: postcode, school, GP and practitioners', () => {
    const places = nationalPlaces(150);
    let schools = 0;
    for (const c of children) {
      const r = c.record;
      // A duplicate record takes its authority from its supply's postcode, so it agrees too.
      if (r.address) expect(places.districtOf(r.address.postcode)?.localAuthority.code).toBe(r.localAuthority);
      if (r.education?.urn && r.education.urn >= '991000') {
        schools++;
        const d = places.districtOf(r.education.contact!.address!.postcode)!;
        expect(d.localAuthority.code).toBe(r.localAuthority);
      }
    }
    expect(schools).toBeGreaterThan(children.length / 2);
    const london = children.find((c) => c.record.localAuthority === 'E09000012' && c.record.involvements.length > 0);
    expect(london?.record.involvements.some((i) => i.practitioner?.phone?.startsWith('020 7946 0'))).toBe(true);
  });

  it('keeps the training rates: shielding, duplicates and corrupted supplies', () => {
    const shielded = children.filter((c) => c.record.shielded).length / children.length;
    expect(shielded).toBeGreaterThan(0.002);
    expect(shielded).toBeLessThan(0.01);
    const truths = new Set(children.map((c) => c.truthId));
    const duplicates = (children.length - truths.size) / truths.size;
    expect(duplicates).toBeGreaterThan(0.008);
    expect(duplicates).toBeLessThan(0.025);
    const mismatched = children.filter((c) =>
      c.supplies.some((s) => s.name.family !== c.record.name.family || s.dob !== c.record.dob),
    ).length;
    expect(mismatched / children.length).toBeGreaterThan(0.05);
  });
});

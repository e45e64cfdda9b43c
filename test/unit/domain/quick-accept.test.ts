// The adapter's fast check may only ever say yes where the national service's schema
// says yes, and give back exactly what the schema would: checked over generated records
// and thousands of spoilt ones (fast-check). And it must say yes to ordinary valid
// records, or the fast path is never taken.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMapping } from '../../../domain/adapter/mapping.js';
import { parseProfile } from '../../../domain/adapter/profile.js';
import { quickAccept } from '../../../domain/adapter/quick-accept.js';
import { supplierRecordSchema } from '../../../domain/child-record.js';
import { caseManagementRows } from '../../../service/training/exports.js';

const TODAY = '2026-12-04';
const profile = parseProfile(JSON.parse(readFileSync('profiles/case-management.json', 'utf8')) as unknown);
const mapping = compileMapping(profile, { today: TODAY });
const records = [...caseManagementRows({ seed: 'quick-accept', count: 400, today: TODAY })]
  .map((r, i) => mapping.map(r as Record<string, string>, i + 2).record)
  .filter((r) => r !== null)
  .map((r) => structuredClone(r) as unknown as Record<string, unknown>);

type Loose = Record<string, unknown>;

/** Every path to a value in a record, e.g. ['parents', 0, 'contact', 'phone']. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return [prefix, ...v.flatMap((x, i) => paths(x, [...prefix, i]))];
  if (v !== null && typeof v === 'object')
    return [prefix, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...prefix, k]))];
  return [prefix];
}

const spoilers: ((v: unknown) => unknown)[] = [
  (v) => (typeof v === 'string' ? ` ${v}` : v),
  (v) => (typeof v === 'string' ? `${v}\u00a0` : v),
  (v) => (typeof v === 'string' ? `${v}\n` : v),
  () => '',
  () => ' ',
  () => 'x'.repeat(201),
  () => 'x'.repeat(65),
  () => 'x'.repeat(101),
  () => '2015-02-30',
  () => '2015-2-3',
  () => 'CH49 6BA ',
  () => 'ZZ1 1ZZ',
  () => '9993583511',
  () => 'A12345678901Z',
  () => 'someone@example.org',
  () => 'not an email',
  () => '0151 496 000',
  () => 'N8200',
  () => '12345',
  () => 42,
  () => true,
  () => null,
  () => undefined,
  () => [],
  () => ({}),
  () => ['x', 'y', 'z', 'u', 'v', 'w'],
  () => 'other',
  () => 'unknown-value',
  (v) => (Array.isArray(v) ? [...v, ...v, ...v, ...v, ...v, ...v, ...v, ...v, ...v] : v),
];

function spoil(record: Loose, path: (string | number)[], spoiler: (v: unknown) => unknown, extraKey: boolean): Loose {
  const copy = structuredClone(record);
  if (path.length === 0) {
    if (extraKey) copy.notes = 'x';
    return copy;
  }
  let cur: Loose = copy;
  for (const k of path.slice(0, -1)) cur = cur[k as string] as Loose;
  const last = path[path.length - 1]!;
  if (
    extraKey &&
    cur[last as string] !== null &&
    typeof cur[last as string] === 'object' &&
    !Array.isArray(cur[last as string])
  ) {
    (cur[last as string] as Loose).sensitive = true;
  } else {
    const next = spoiler(cur[last as string]);
    if (next === undefined && !Array.isArray(cur)) delete cur[last as string];
    else cur[last as string] = next;
  }
  return copy;
}

describe('the fast check of a supply record', () => {
  it('accepts ordinary valid records, and the schema gives each back unchanged', () => {
    expect(records.length).toBeGreaterThan(350);
    const accepted = records.filter((r) => quickAccept(r));
    expect(accepted.length / records.length).toBeGreaterThan(0.95);
    for (const r of accepted) {
      const parsed = supplierRecordSchema.safeParse(r);
      expect(parsed.success).toBe(true);
      expect(parsed.data).toEqual(r);
    }
  });

  it('never accepts what the schema refuses or would change, over spoilt records', () => {
    let refusedBySchema = 0;
    fc.assert(
      fc.property(
        fc.nat(records.length - 1),
        fc.nat(10_000),
        fc.nat(spoilers.length - 1),
        fc.boolean(),
        (ri, pi, si, extraKey) => {
          const record = records[ri]!;
          const all = paths(record);
          const spoilt = spoil(record, all[pi % all.length]!, spoilers[si]!, extraKey);
          const parsed = supplierRecordSchema.safeParse(spoilt);
          if (!parsed.success) refusedBySchema++;
          if (quickAccept(spoilt)) {
            expect(parsed.success).toBe(true);
            expect(parsed.data).toEqual(spoilt);
          }
        },
      ),
      { numRuns: 20_000, seed: 20261204 },
    );
    // The spoilers really do spoil: the property is not true by emptiness.
    expect(refusedBySchema).toBeGreaterThan(5_000);
  });
});

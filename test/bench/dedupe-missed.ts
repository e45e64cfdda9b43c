// Where the planted duplicate pairs that neither band found went: never compared (no
// blocking rule put the two records in one group, or only in a group too large to
// compare), or compared and scored below the review band. For each, what differs between
// the two records (the generator's corruptions, read back by comparing the records).
import {
  buildBlocks,
  BLOCKING_RULES,
  DEFAULT_MAX_GROUP,
  type DedupeRecord,
  type DedupeResult,
} from '../../domain/dedupe/index.js';

/** Day and month the other way round (YYYY-MM-DD). */
const transposed = (a: string, b: string): boolean =>
  a.slice(0, 5) === b.slice(0, 5) && a.slice(5, 7) === b.slice(8, 10) && a.slice(8, 10) === b.slice(5, 7);

const key = (s: string | null): string => (s ?? '').toLowerCase().replace(/[^a-z]/g, '');

/** Edit distance, small strings only. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** What differs between two records of one child, as short labels (sorted). */
export function differences(a: DedupeRecord, b: DedupeRecord): string[] {
  const out: string[] = [];
  const ga = key(a.given);
  const gb = key(b.given);
  const fa = key(a.family);
  const fb = key(b.family);
  if (ga === fb && fa === gb && ga !== fa) out.push('names-swapped');
  else {
    const name = (field: string, x: string, y: string): void => {
      if (x === y) return;
      if (x === '' || y === '') out.push(`${field}-missing`);
      else out.push(distance(x, y) <= 1 ? `${field}-typo` : `${field}-other`);
    };
    name('given', ga, gb);
    if (fa !== fb && (a.former.some((f) => key(f) === fb) || b.former.some((f) => key(f) === fa)))
      out.push('family-former');
    else name('family', fa, fb);
  }
  if (a.dob !== b.dob) out.push(a.dob && b.dob && transposed(a.dob, b.dob) ? 'dob-day-month' : 'dob-other');
  if (a.gender !== b.gender) out.push(a.gender === null || b.gender === null ? 'gender-missing' : 'gender-other');
  if (a.address !== b.address) out.push(a.address === null || b.address === null ? 'address-missing' : 'address-other');
  else if (a.postcode !== b.postcode) out.push('postcode-typo');
  const shared =
    (a.nhs !== null && a.nhs === b.nhs) ||
    (a.upn !== null && a.upn === b.upn) ||
    (a.otherId !== null && a.otherId === b.otherId);
  if (!shared) out.push('no-shared-identifier');
  return out.sort();
}

export interface MissedSplit {
  planted: number;
  found: number;
  /** No rule's group held both; `tooLarge`: a rule's key was shared but its group exceeded maxGroup. */
  notCompared: { pairs: number; tooLarge: number; byDifference: Record<string, number> };
  /** Compared, scored below the review band; `twins`: held down by the twins rule. */
  belowBand: { pairs: number; twins: number; byDifference: Record<string, number>; scores: Record<string, number> };
}

const top = (counts: Map<string, number>, n = 15): Record<string, number> =>
  Object.fromEntries([...counts.entries()].sort((x, y) => y[1] - x[1]).slice(0, n));

/** The missed planted pairs of a run, split by where they were lost. */
export function missedPlanted(
  records: readonly DedupeRecord[],
  truth: readonly string[],
  result: DedupeResult,
  maxGroup = DEFAULT_MAX_GROUP,
): MissedSplit {
  const n = records.length;
  const found = new Set<number>();
  for (const p of result.pairs) found.add(p.a * n + p.b);
  const members = new Map<string, number[]>();
  truth.forEach((t, i) => {
    const m = members.get(t);
    if (m) m.push(i);
    else members.set(t, [i]);
  });
  const p = result.prepared;
  const blocks = buildBlocks(p, BLOCKING_RULES, maxGroup);
  const notDiff = new Map<string, number>();
  const belowDiff = new Map<string, number>();
  const scores = new Map<string, number>();
  const split: MissedSplit = {
    planted: 0,
    found: 0,
    notCompared: { pairs: 0, tooLarge: 0, byDifference: {} },
    belowBand: { pairs: 0, twins: 0, byDifference: {}, scores: {} },
  };
  const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
  for (const group of members.values()) {
    for (let x = 0; x < group.length; x++) {
      for (let y = x + 1; y < group.length; y++) {
        const a = Math.min(group[x]!, group[y]!);
        const b = Math.max(group[x]!, group[y]!);
        split.planted++;
        if (found.has(a * n + b)) {
          split.found++;
          continue;
        }
        const label = differences(records[a]!, records[b]!).join('+') || 'none';
        const compared = blocks.keys.some((k) => k[a]! >= 0 && k[a] === k[b]);
        if (!compared) {
          split.notCompared.pairs++;
          bump(notDiff, label);
          const smalls = new Map<number, number>();
          const small = (v: number): number => {
            if (!smalls.has(v)) smalls.set(v, smalls.size);
            return smalls.get(v)!;
          };
          if (BLOCKING_RULES.some((r) => r.key(p, a, small) >= 0 && r.key(p, a, small) === r.key(p, b, small)))
            split.notCompared.tooLarge++;
        } else {
          split.belowBand.pairs++;
          bump(belowDiff, label);
          const e = result.explain({ a, b });
          if (e.twins) split.belowBand.twins++;
          bump(scores, e.score < 0.001 ? '<0.001' : e.score < 0.01 ? '0.001-0.01' : '0.01-0.1');
        }
      }
    }
  }
  split.notCompared.byDifference = top(notDiff);
  split.belowBand.byDifference = top(belowDiff);
  split.belowBand.scores = top(scores);
  return split;
}

// A possible duplicate of a shielded child, found by a full run or by incremental linking:
// the national index is told (a possible-duplicate item in the outbox), so that it treats
// the other record as shielded too until a person decides. Told once per pair.
import { queueChanges } from '../working-set/outbox.js';
import type { WorkingSetStore } from '../working-set/store.js';

export interface ShieldedPair {
  /** The record that is not shielded. */
  cpNumber: string;
  /** The shielded record it may be a duplicate of. */
  of: string;
  score: number;
}

export function queueShieldedPairs(s: WorkingSetStore, pairs: readonly ShieldedPair[], at = new Date()): number {
  const already = s.db.prepare(
    "SELECT 1 FROM outbox WHERE op = 'possible-duplicate' AND cp = ? AND json_extract(changes, '$.other') = ?",
  );
  const fresh = pairs.filter((p) => already.get(p.cpNumber, p.of) === undefined);
  if (fresh.length > 0) {
    queueChanges(
      s,
      fresh.map((p) => ({
        cpNumber: p.cpNumber,
        op: 'possible-duplicate' as const,
        other: p.of,
        score: p.score,
        source: 'cleansing' as const,
      })),
      at,
    );
  }
  return fresh.length;
}

// The per-record half of a cleansing run: every rule on every record of the working set,
// a slice of records at a time. Runs inline, or in a thread of its own beside duplicate
// detection (checks-worker.ts), so that on a two-core PC the checks and the
// matcher each have a core.
import type Database from 'better-sqlite3-multiple-ciphers';
import { checkRecord, type RuleId } from '../../domain/cleanse/rules.js';

/** A finding as the task will store it: its detail already the task's JSON. */
export interface StoredFinding {
  cp: string;
  rule: RuleId;
  path: string;
  detail: string;
}

/** Records per slice: small enough that a slice's rows die young (cheap to collect). */
export const CHECK_SLICE = 1000;

/** What the checks thread is told (workerData). */
export interface ChecksWorkerData {
  dir: string;
  keyAccount: string;
  today: string;
}

/** What the checks thread says: a slice done with its findings, the end, or a failure (its class only: no data). */
export type ChecksMessage =
  | { type: 'slice'; done: number; findings: StoredFinding[] }
  | { type: 'done'; done: number }
  | { type: 'failed'; name: string; code?: string; message?: string };

/**
 * Reads the working set in slices by row id (no statement stays open across the pauses
 * in which the caller answers other requests) and checks each record with its provenance.
 */
export function createSliceChecker(
  db: Database.Database,
  today: string,
): () => { done: number; findings: StoredFinding[] } | null {
  const slice = db.prepare<[number, number], { id: number; cp: string; record: Buffer; provenance: Buffer | null }>(
    `SELECT c.id, k.cp, c.record, p.json AS provenance
       FROM children c JOIN child_keys k ON k.id = c.id LEFT JOIN provenance p ON p.id = c.id
      WHERE c.id > ? ORDER BY c.id LIMIT ?`,
  );
  let after = -1;
  let done = 0;
  return () => {
    const rows = slice.all(after, CHECK_SLICE);
    if (rows.length === 0) return null;
    const findings: StoredFinding[] = [];
    for (const row of rows) {
      const record: unknown = JSON.parse(row.record.toString('utf8'));
      const provenance: unknown = row.provenance === null ? null : JSON.parse(row.provenance.toString('utf8'));
      for (const f of checkRecord(record, provenance, today))
        findings.push({ cp: row.cp, rule: f.rule, path: f.path, detail: JSON.stringify(f) });
    }
    after = rows[rows.length - 1]!.id;
    done += rows.length;
    return { done, findings };
  };
}

// The record lifecycle, run daily: children whose archive date has come leave the live
// index for the archive, and archived records six years old are destroyed. The dates
// come from domain/lifecycle.ts; archive_due is derived on every write (child-store),
// so a date of death recorded late, or a consented archive age, just moves it.
//
// Work goes in batches, each in its own transaction, taking rows with FOR UPDATE SKIP
// LOCKED: a row a writer holds is left for the next run rather than waited for, and
// two runs at once never take the same child. Running again changes nothing.
import { addDays, addYears } from '../../domain/dates.js';
import { destroyAfterArchiveYears, destructionDueDate } from '../../domain/lifecycle.js';
import { appendAudit } from '../audit/audit-log.js';
import { today, type Clock } from '../context.js';
import { appendChange } from '../records/child-store.js';
import type { Database, Queryable } from '../store/database.js';
import { recomputeShieldPending } from '../supply/reviews.js';
import { takeDailySnapshot } from '../management/history.js';

export interface LifecycleResult {
  archived: number;
  destroyed: number;
}

interface Candidate {
  cp_number: string;
  local_authority: string;
  version: number;
}

/**
 * The latest archived_on date whose record is due for destruction on `day`. Found
 * through destructionDueDate itself, so a record archived on 29 February is destroyed
 * on the date the domain rule says (1 March in a common year), not SQL's idea of it.
 */
export function lastArchiveDateDueForDestruction(day: string): string {
  let candidate = addDays(addYears(day, -destroyAfterArchiveYears), 1);
  while (destructionDueDate(candidate) > day) candidate = addDays(candidate, -1);
  return candidate;
}

/** Archive every child due by today and destroy every archived record due by today. */
export async function runLifecycle(
  db: Database,
  clock: Clock,
  options: { batchSize?: number } = {},
): Promise<LifecycleResult> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a whole number above 0: ${batchSize}`);
  const day = today(clock);
  const at = clock.now();

  const archived = await inBatches(db, batchSize, async (tx) => {
    const due = await tx.query<Candidate>(
      `SELECT cp_number, local_authority, version FROM children
        WHERE status = 'active' AND archive_due <= $1
        ORDER BY archive_due, cp_number LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [day, batchSize],
    );
    if (due.length === 0) return 0;
    await tx.query(
      `UPDATE children SET status = 'archived', archived_on = $2, updated_at = $3 WHERE cp_number = ANY($1::text[])`,
      [due.map((c) => c.cp_number), day, at],
    );
    // Sync clients drop the record from their working sets.
    await record(tx, due, 'archived', at);
    return due.length;
  });

  const cutoff = lastArchiveDateDueForDestruction(day);
  const destroyed = await inBatches(db, batchSize, async (tx) => {
    const due = await tx.query<Candidate>(
      `SELECT cp_number, local_authority, version FROM children
        WHERE status = 'archived' AND archived_on <= $1
        ORDER BY archived_on, cp_number LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [cutoff, batchSize],
    );
    if (due.length === 0) return 0;
    // Everything personal about the child goes: the record and the tables that hang
    // off it. What stays names the child only by ContactPoint number and holds none of
    // the record: the audit trail (it must stay complete), the sync feed's entries (a
    // gapless sequence clients rely on) and alerts about users' actions.
    const cps = due.map((c) => c.cp_number);
    await tx.query('DELETE FROM involvement_owners WHERE cp_number = ANY($1::text[])', [cps]);
    await tx.query('DELETE FROM supply_links WHERE cp_number = ANY($1::text[])', [cps]);
    // A destroyed child's open reviews go with it: whoever they linked it to has its
    // pending shield worked out again (a shield that ends with the record lifts).
    const linked = await tx.query<{ cp: string }>(
      `DELETE FROM match_reviews WHERE cp_number = ANY($1::text[]) OR candidate_cp_number = ANY($1::text[])
        RETURNING CASE WHEN status = 'open' THEN (CASE WHEN cp_number = ANY($1::text[]) THEN candidate_cp_number ELSE cp_number END) END AS cp`,
      [cps],
    );
    // Requests about the child (their reasons are free text a person wrote about it).
    await tx.query('DELETE FROM unshield_requests WHERE cp_number = ANY($1::text[])', [cps]);
    await tx.query('DELETE FROM children WHERE cp_number = ANY($1::text[])', [cps]);
    const relinked = [
      ...new Set(linked.map((r) => r.cp).filter((cp): cp is string => cp !== null && !cps.includes(cp))),
    ];
    if (relinked.length > 0) await recomputeShieldPending(tx, relinked, at);
    await record(tx, due, 'destroyed', at);
    return due.length;
  });

  // The day's snapshot of each authority, once a day (after today's archiving), for the
  // management information's time series (management/history.ts).
  await takeDailySnapshot(db, clock);
  return { archived, destroyed };
}

/** Run `batch` in its own transaction until it handles fewer than `batchSize` children. */
async function inBatches(db: Database, batchSize: number, batch: (tx: Queryable) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const done = await withRetry(() => db.transaction(batch));
    total += done;
    if (done < batchSize) return total;
  }
}

// Two transactions that lock the same rows in different orders (a writer transferring a
// child between authorities, say) can deadlock; PostgreSQL then aborts one. A batch
// is all or nothing, so trying it again is safe.
async function withRetry<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw e;
    }
  }
}

// The feed's tombstones first, one authority after another in a fixed order, then the
// audit entries: child rows, feed heads, audit head, the order in which a write
// followed by its audit entry takes them, so the two cannot wait on each other.
async function record(
  tx: Queryable,
  children: readonly Candidate[],
  what: 'archived' | 'destroyed',
  at: Date,
): Promise<void> {
  const ordered = [...children].sort((a, b) =>
    a.local_authority === b.local_authority ? 0 : a.local_authority < b.local_authority ? -1 : 1,
  );
  for (const child of ordered) {
    await appendChange(tx, {
      localAuthority: child.local_authority,
      cpNumber: child.cp_number,
      kind: 'tombstone',
      reason: what,
      version: child.version,
      at,
    });
  }
  for (const child of children) await appendAudit(tx, { at, userId: null, action: what, cpNumber: child.cp_number });
}

/**
 * Run the lifecycle every `intervalMs` until stopped. The timer does not keep the
 * process alive, and a run never overlaps the one before. `stop` resolves once any
 * run under way has finished, so the store can then be closed.
 */
export function startLifecycleTimer(
  db: Database,
  clock: Clock,
  intervalMs: number,
  hooks: { onRun?(result: LifecycleResult): void; onError?(error: unknown): void } = {},
): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = runLifecycle(db, clock)
      .then(
        (result) => hooks.onRun?.(result),
        (error: unknown) => {
          if (hooks.onError) hooks.onError(error);
          // Only the error's name: a database error's text could quote a value.
          else
            process.stderr.write(`lifecycle run failed (${(error as Error)?.name ?? 'error'}); it will be retried\n`);
        },
      )
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

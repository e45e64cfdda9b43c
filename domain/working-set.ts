// What the renderer sees of the working set on this computer: its state, the progress
// and history of syncs, local search results and the tasks that need a person. The
// worker's answers are checked against these before they cross to the renderer.
import { z } from 'zod';

export const wipeReasonSchema = z.enum(['command', 'no-sync', 'access-ended']);

const outboxCountsSchema = z.object({
  queued: z.number().int(),
  sending: z.number().int(),
  applied: z.number().int(),
  conflict: z.number().int(),
  rejected: z.number().int(),
});

export const syncProgressSchema = z.object({
  runId: z.number().int(),
  kind: z.enum(['full', 'delta']),
  received: z.number().int(),
  upserts: z.number().int(),
  removed: z.number().int(),
  expected: z.number().int(),
  fraction: z.number().min(0).max(1),
  rate: z.number(),
  etaSeconds: z.number().nullable(),
  done: z.boolean(),
});
export type SyncProgressView = z.infer<typeof syncProgressSchema>;

export const syncRunSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['full', 'delta']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  outcome: z.enum(['running', 'completed', 'failed', 'interrupted', 'cancelled']),
  upserts: z.number().int(),
  removed: z.number().int(),
  error: z.string().nullable(),
});
export type SyncRunView = z.infer<typeof syncRunSchema>;

const problemSchema = z.object({ code: z.string(), message: z.string() });

export const workingSetStatusSchema = z.object({
  available: z.boolean(),
  error: problemSchema.optional(),
  localAuthority: z.string().nullable(),
  children: z.number().int(),
  lastSyncAt: z.string().nullable(),
  fullSyncDone: z.boolean(),
  outbox: outboxCountsSchema,
  openTasks: z.number().int(),
  lastWipe: z.object({ at: z.string(), reason: wipeReasonSchema }).nullable(),
  /** Records opened here whose audit entries have not reached the national audit trail yet, and any it refused. */
  access: z.object({ waiting: z.number().int(), refused: z.number().int() }),
  sync: z.object({
    running: z.boolean(),
    progress: syncProgressSchema.nullable(),
    last: z.object({ run: syncRunSchema.nullable(), error: problemSchema.optional() }).nullable(),
  }),
  /** The machine policy's limit: the working set is wiped after this many days without a sync. */
  maxDaysWithoutSync: z.number().int(),
});
export type WorkingSetStatus = z.infer<typeof workingSetStatusSchema>;

export const localSearchResultSchema = z.object({
  cpNumber: z.string(),
  given: z.string(),
  family: z.string(),
  dob: z.string().nullable(),
  postcode: z.string().nullable(),
  shielded: z.boolean(),
  shieldPending: z.boolean(),
  score: z.number().int().min(0).max(100),
  reasons: z.array(z.string()),
});
export type LocalSearchResultView = z.infer<typeof localSearchResultSchema>;

export const localSearchAnswerSchema = z.object({ results: z.array(localSearchResultSchema), truncated: z.boolean() });

/** What the outbox sends (main/working-set/outbox.ts); a conflict or refusal task names one. */
export const outboxOps = [
  'update',
  'shield',
  'unshield',
  'merge',
  'possible-duplicate',
  'not-duplicate',
  'working-set-access',
] as const;
export type OutboxOp = (typeof outboxOps)[number];

export const taskSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['conflict', 'rejected']),
  cpNumber: z.string(),
  createdAt: z.string(),
  state: z.enum(['open', 'resolved']),
  detail: z.object({
    op: z.enum(outboxOps),
    baseVersion: z.number().int(),
    currentVersion: z.number().int().optional(),
    message: z.string().optional(),
    changes: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type TaskView = z.infer<typeof taskSchema>;

export const sendSummarySchema = z.object({
  applied: z.number().int(),
  conflicts: z.number().int(),
  rejected: z.number().int(),
  remaining: z.number().int(),
});

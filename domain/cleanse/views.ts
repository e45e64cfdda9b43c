// What the cleansing screens receive and send over IPC, as schemas: main checks every
// answer against them, so the renderer gets exactly this shape.
import { z } from 'zod';
import { editableChangesSchema } from '../api/sync.js';
import { cpNumberSchema } from '../child-record.js';
import { FIELDS } from '../dedupe/fields.js';
import { workingSetRecordSchema } from '../working-set-access.js';
import { DECISION_NOTE_MAX } from './actions.js';
import { RULE_IDS } from './rules.js';

const ruleSchema = z.enum(RULE_IDS);
const prioritySchema = z.enum(['urgent', 'high', 'normal', 'low']);

export const cleanseProgressSchema = z.object({ stage: z.string(), done: z.number(), total: z.number() });

export const cleanseStatusSchema = z.object({
  running: z.boolean(),
  progress: cleanseProgressSchema.nullable(),
  /** How the last run of this session ended (an error's code and message). */
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  lastRun: z
    .object({
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      outcome: z.string(),
      records: z.number(),
      tasks: z.number(),
    })
    .nullable(),
  queues: z.array(
    z.object({
      rule: ruleSchema,
      title: z.string(),
      explanation: z.string(),
      priority: prioritySchema,
      open: z.number().int(),
    }),
  ),
});
export type CleanseStatus = z.infer<typeof cleanseStatusSchema>;

/** The queues over time: the open tasks per rule on each day recorded (the latest of the day), oldest first. */
export const cleanseQueueHistorySchema = z.object({
  days: z.array(
    z.object({
      day: z.string(),
      queues: z.array(z.object({ rule: ruleSchema, title: z.string(), open: z.number().int() })),
    }),
  ),
});
export type CleanseQueueHistory = z.infer<typeof cleanseQueueHistorySchema>;

const fieldWeightSchema = z.object({ field: z.enum(FIELDS), level: z.string(), weight: z.number() });

export const findingDetailSchema = z.object({
  rule: ruleSchema,
  path: z.string(),
  message: z.string(),
  values: z.array(z.object({ supplier: z.string(), value: z.unknown(), date: z.string() })).optional(),
});

export const duplicateDetailSchema = z.object({
  score: z.number(),
  prior: z.number(),
  fields: z.array(fieldWeightSchema),
  twins: z.boolean(),
  shielded: z.boolean(),
  /** In the review band below the automatic threshold: doubtful; a merge takes a second look. */
  band: z.literal('review').optional(),
});
export type DuplicateDetailView = z.infer<typeof duplicateDetailSchema>;

export const cleanseTaskSchema = z.object({
  id: z.number().int(),
  rule: ruleSchema,
  priority: prioritySchema,
  cpNumber: cpNumberSchema,
  otherCpNumber: cpNumberSchema.nullable(),
  detail: z.union([duplicateDetailSchema, findingDetailSchema]),
  state: z.enum(['open', 'resolved', 'dismissed']),
  assignee: z.string().nullable(),
  createdAt: z.string(),
});
export type CleanseTaskView = z.infer<typeof cleanseTaskSchema>;

export const cleanseTaskPageSchema = z.object({ tasks: z.array(cleanseTaskSchema), total: z.number().int() });

/** A record beside the task, as it may reach the screen (shielded details withheld until shown). */
const sideSchema = workingSetRecordSchema.nullable();

export const cleanseTaskDetailSchema = z.object({ task: cleanseTaskSchema, first: sideSchema, second: sideSchema });
export type CleanseTaskDetail = z.infer<typeof cleanseTaskDetailSchema>;

const ids = z.array(z.number().int().min(1)).min(1).max(1000);
export const cleanseResolutionSchema = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('merge'),
      id: z.number().int().min(1),
      survivor: cpNumberSchema,
      changes: editableChangesSchema.optional(),
    })
    .strict(),
  z.object({ action: z.literal('not-duplicate'), ids }).strict(),
  // A decision or referral from the rule's list (domain/cleanse/actions.ts) and an optional
  // note, remembered against the finding. Never closed without one: every task ends in a
  // correction, a merge, a decision or a referral, and says which.
  z
    .object({
      action: z.literal('dismiss'),
      ids,
      decision: z.string().regex(/^[a-z][a-z-]{0,63}$/),
      note: z.string().max(DECISION_NOTE_MAX).optional(),
    })
    .strict(),
  z.object({ action: z.literal('assign'), ids, assignee: z.string().min(1).max(64).nullable() }).strict(),
]);
export type CleanseResolutionRequest = z.input<typeof cleanseResolutionSchema>;

export const cleanseResolvedSchema = z.object({
  closed: z.number().int(),
  queued: z.number().int(),
  assigned: z.number().int().optional(),
});

/** A member of the team a task can be assigned to. */
export const teamMemberSchema = z.object({ id: z.string(), name: z.string() });
export const teamSchema = z.array(teamMemberSchema);
export type TeamMember = z.infer<typeof teamMemberSchema>;

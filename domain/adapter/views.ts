// What the adapter's screens receive over IPC: the shapes main promises the renderer.
import { z } from 'zod';

const problemSchema = z.object({
  field: z.string(),
  column: z.string().nullable(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
});

export const droppedColumnSchema = z.object({ column: z.string(), reason: z.enum(['case-information', 'not-mapped']) });

export const profileEntrySchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  shipped: z.boolean(),
  profile: z.record(z.string(), z.unknown()),
  savedAt: z.string().nullable(),
});
export type ProfileEntryView = z.infer<typeof profileEntrySchema>;

export const chosenFileSchema = z.object({ fileId: z.string(), name: z.string(), size: z.number().int() }).nullable();

export const previewSchema = z.object({
  columns: z.array(z.string()),
  encoding: z.string().nullable(),
  rows: z.array(
    z.object({
      row: z.number().int(),
      source: z.record(z.string(), z.string()),
      record: z.record(z.string(), z.unknown()).nullable(),
      problems: z.array(problemSchema),
    }),
  ),
  dropped: z.array(droppedColumnSchema),
  missingColumns: z.array(z.object({ field: z.string(), column: z.string() })),
});
export type PreviewView = z.infer<typeof previewSchema>;

export const loadSummarySchema = z.object({
  id: z.number().int(),
  fileName: z.string(),
  fileSize: z.number().int(),
  profile: z.string(),
  loadDate: z.string(),
  checkedAt: z.string(),
  userId: z.string().nullable(),
  rows: z.number().int(),
  valid: z.number().int(),
  rejected: z.number().int(),
  warnings: z.number().int(),
  dropped: z.array(droppedColumnSchema),
  state: z.enum(['checking', 'checked', 'submitting', 'submitted', 'interrupted']),
  submittedAt: z.string().nullable(),
  outcome: z.record(z.string(), z.number()).nullable(),
});
export type LoadSummaryView = z.infer<typeof loadSummarySchema>;

export const adapterStatusSchema = z.object({
  running: z.enum(['check', 'submit']).nullable(),
  progress: z.object({ stage: z.string(), fraction: z.number(), rows: z.number() }).nullable(),
  /** How the last check or submission of this session ended: its load, or its error. */
  last: z
    .object({
      kind: z.enum(['check', 'submit']),
      loadId: z.number().int().nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    })
    .nullable(),
});
export type AdapterStatusView = z.infer<typeof adapterStatusSchema>;

export const loadProblemsSchema = z.object({
  problems: z.array(problemSchema.extend({ row: z.number().int(), reference: z.string().nullable() })),
  total: z.number().int(),
});

export const loadRowsSchema = z.object({
  rows: z.array(
    z.object({
      row: z.number().int(),
      reference: z.string(),
      match: z.enum(['new', 'match', 'possible']).nullable(),
      matchCpNumber: z.string().nullable(),
      matchScore: z.number().nullable(),
      excluded: z.boolean(),
      status: z.string().nullable(),
      cpNumber: z.string().nullable(),
      message: z.string().nullable(),
    }),
  ),
  total: z.number().int(),
});
export type LoadRowsView = z.infer<typeof loadRowsSchema>;

const loadId = z.number().int().min(1);
const window = { offset: z.number().int().min(0), limit: z.number().int().min(1).max(500) };
const fileId = z.string().regex(/^[a-f0-9]{32}$/, 'must be a file chosen in this session');

export const adapterRequests = {
  profile: z.object({ profile: z.record(z.string(), z.unknown()) }).strict(),
  preview: z.object({ fileId, profile: z.record(z.string(), z.unknown()) }).strict(),
  name: z.object({ name: z.string().min(1).max(40) }).strict(),
  load: z.object({ id: loadId }).strict(),
  problems: z.object({ id: loadId, ...window }).strict(),
  rows: z.object({ id: loadId, filter: z.enum(['all', 'possible', 'match', 'new']), ...window }).strict(),
  exclude: z
    .object({ id: loadId, rows: z.array(z.number().int().min(1)).min(1).max(1000), excluded: z.boolean() })
    .strict(),
};

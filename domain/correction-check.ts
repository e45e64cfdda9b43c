// "Correct a record", the checks a renderer may not run: the same schemas as the national
// index (child-record.ts: the NHS number, UPN, postcode and date validators) applied to
// the form's draft, what a shield leaves to change, and the IPC shapes of a correction.
// The form itself is correction.ts, which holds no schema library so the renderer can
// import it.
import { z } from 'zod';
import { editableChangesSchema, type EditableChanges } from './api/sync.js';
import { childRecordSchema, cpNumberSchema, type ChildRecord } from './child-record.js';
import {
  applyEditable,
  changedPaths,
  dedupe,
  draftFromForm,
  fieldOf,
  FORM_LABELS,
  type CorrectionForm,
  type FieldError,
} from './correction.js';
import { visibleOnShielded } from './working-set-access.js';

type Loose = Record<string, unknown>;

/** Whether a change touches only what a shield leaves visible (names, gender, date of birth, parents' names). */
export function touchesOnlyVisible(changes: EditableChanges, before: Loose): boolean {
  return changedPaths(changes).every((path) => {
    if (path !== 'parents') return visibleOnShielded(path);
    // Parents: only names and relationships may change, and no contact details be added.
    const old = Array.isArray(before.parents) ? (before.parents as Loose[]) : [];
    const next = changes.parents ?? [];
    return next.length === old.length && next.every((p) => p.contact === undefined);
  });
}

/**
 * The draft checked as the national index will check it: the change itself, then (when
 * the whole record is on the screen) the record it makes; dates not in the future. Every
 * problem is named by its form field; nothing is changed when there is one.
 */
export function checkDraft(
  record: Loose,
  out: Loose,
  options: { withheld: boolean; today: string },
): { changes: EditableChanges; errors: [] } | { changes: null; errors: FieldError[] } {
  // The same checks as the national index: the change itself, then the record it makes.
  const parsed = editableChangesSchema.safeParse(out);
  if (!parsed.success)
    return {
      changes: null,
      errors: dedupe(
        parsed.error.issues.map((i) => ({
          field: fieldOf(i.path),
          message: `${FORM_LABELS[fieldOf(i.path)] ?? 'This'} ${i.message}`,
        })),
      ),
    };
  const next = applyEditable(record, parsed.data);
  if (!options.withheld) {
    const whole = childRecordSchema.safeParse(next);
    if (!whole.success)
      return {
        changes: null,
        errors: dedupe(
          whole.error.issues.map((i) => ({
            field: fieldOf(i.path),
            message: `${FORM_LABELS[fieldOf(i.path)] ?? 'This'} ${i.message}`,
          })),
        ),
      };
  }
  for (const [field, date] of [
    ['dob', parsed.data.dob],
    ['dateOfDeath', parsed.data.dateOfDeath],
  ] as const) {
    if (typeof date === 'string' && date > options.today)
      return { changes: null, errors: [{ field, message: `${FORM_LABELS[field]} must be today or in the past` }] };
  }
  return { changes: parsed.data, errors: [] };
}

/** The form's changes, checked: what main does with `correction.check` (and the tests). */
export function changesFromForm(
  record: Loose,
  form: CorrectionForm,
  options: { withheld: boolean; today: string },
): { changes: EditableChanges; errors: [] } | { changes: null; errors: FieldError[] } {
  const d = draftFromForm(record, form, options);
  if (d.draft === null) return { changes: null, errors: d.errors };
  return checkDraft(record, d.draft, options);
}

// ---------------------------------------------------------------------------------
// IPC shapes

/**
 * A correction for the outbox: the changes, the version they were made against, the
 * cleansing task it closes (once the national index accepts it) and the conflict task it
 * settles (a correction made again after someone else changed the record).
 */
export const correctionRequestSchema = z
  .object({
    cpNumber: cpNumberSchema,
    baseVersion: z.number().int().min(1),
    changes: editableChangesSchema,
    cleanseTaskId: z.number().int().min(1).optional(),
    conflictTaskId: z.number().int().min(1).optional(),
  })
  .strict();
export type CorrectionRequest = z.output<typeof correctionRequestSchema>;

/** resent: a conflict decided field by field and sent again as a new correction. */
export const correctionStates = ['pending', 'accepted', 'conflict', 'refused', 'resent'] as const;
export type CorrectionState = (typeof correctionStates)[number];

export const correctionViewSchema = z.object({
  id: z.number().int(),
  cpNumber: z.string(),
  baseVersion: z.number().int(),
  state: z.enum(correctionStates),
  cleanseTaskId: z.number().int().nullable(),
  conflictTaskId: z.number().int().nullable(),
  provenance: z.string(),
  createdAt: z.string(),
  message: z.string().nullable(),
  /** The fields changed (names only: the values are on the record). */
  fields: z.array(z.string()),
});
export type CorrectionView = z.infer<typeof correctionViewSchema>;

/**
 * A conflict to decide: per field, the change made here and the value in the national
 * index now (from the working set after a sync). A shielded record's hidden fields come
 * only once its details have been shown.
 */
export const correctionConflictSchema = z.object({
  taskId: z.number().int(),
  cpNumber: z.string(),
  baseVersion: z.number().int(),
  /** The version the working set holds now: the record the choice is made against. */
  heldVersion: z.number().int(),
  /** The working set still holds the version the change was made against: sync first. */
  needsSync: z.boolean(),
  withheld: z.boolean(),
  record: z.record(z.string(), z.unknown()),
  changes: z.record(z.string(), z.unknown()),
  cleanseTaskId: z.number().int().nullable(),
});
export type CorrectionConflictView = z.infer<typeof correctionConflictSchema>;

/** The record a conflict view shows; only its type, for the worker. */
export type CorrectionRecord = ChildRecord;

/** The IPC requests of the correction channels. */
export const correctionRequests = {
  /** `revealed`: the form was filled in from the record with its shielded details shown (main checks the role). */
  submit: z.object({ ...correctionRequestSchema.shape, revealed: z.boolean() }).strict(),
  list: z
    .object({ cpNumber: cpNumberSchema.optional(), cleanseTaskId: z.number().int().min(1).optional() })
    .strict()
    .refine((r) => (r.cpNumber === undefined) !== (r.cleanseTaskId === undefined), {
      message: 'give either a ContactPoint number or a task',
    }),
  conflict: z.object({ taskId: z.number().int().min(1) }).strict(),
  /** The form's draft, to be checked against the record as the screen holds it. */
  check: z
    .object({
      record: z.record(z.string(), z.unknown()),
      draft: z.record(z.string(), z.unknown()),
      withheld: z.boolean(),
    })
    .strict(),
};

/** The checked changes, or every problem named by its form field. */
export const correctionCheckedSchema = z
  .object({
    changes: editableChangesSchema.nullable(),
    errors: z.array(z.object({ field: z.string(), message: z.string() }).strict()),
  })
  .strict();

// What the "Practitioners to ready" tab sends and receives over IPC (issue 21, item 2):
// the shapes main promises the renderer and the requests it accepts. The rules a person's
// facts are checked by are domain/practitioners-to-ready.ts (zod-free, for the form);
// the service checks them again. Main checks every answer against these schemas.
import { z } from 'zod';
import { organisationStages } from '../organisation-stages.js';
import { missingItems, readinessRoles, readinessStates, taskKinds } from '../practitioners-to-ready.js';
import { accountRequestSchema } from './views.js';

const day = z.string().nullable();

export const practitionerSchema = z.object({
  id: z.string(),
  localAuthority: z.string(),
  organisation: z.object({
    id: z.string(),
    name: z.string(),
    stage: z.enum(organisationStages),
    accredited: z.boolean(),
  }),
  name: z.string(),
  workEmail: z.string(),
  role: z.enum(readinessRoles),
  trainingPriority: z.number().int(),
  enhancedCheckDate: day,
  checkLapsesOn: day,
  courseBookedOn: day,
  courseAttendedOn: day,
  coursePassedOn: day,
  refresherDueOn: day,
  agreementSignedOn: day,
  userId: z.string().nullable(),
  accountRequest: z.object({ id: z.string(), status: z.string() }).nullable(),
  missing: z.array(z.enum(missingItems)),
  readiness: z.enum(readinessStates),
});
export type Practitioner = z.infer<typeof practitionerSchema>;

export const readinessTaskSchema = z.object({
  kind: z.enum(taskKinds),
  due: day,
  name: z.string(),
  practitionerId: z.string().nullable(),
  userId: z.string().nullable(),
  organisation: z.object({ id: z.string(), name: z.string() }),
});
export type ReadinessTask = z.infer<typeof readinessTaskSchema>;

/** A day as the form sends it: ISO, or null for none (the form turns day/month/year into ISO). */
const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .nullable();
const facts = {
  organisationId: z.string().min(1, 'choose the organisation').max(64),
  name: z.string().max(500),
  workEmail: z.string().max(500),
  role: z.enum(readinessRoles),
  trainingPriority: z.number().int(),
  enhancedCheckDate: isoDay,
  courseBookedOn: isoDay,
  courseAttendedOn: isoDay,
  coursePassedOn: isoDay,
  agreementSignedOn: isoDay,
};

/** An import, as main answers it: refused (each bad row with its problems; nothing sent), imported, or cancelled. */
export const importOutcomeSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('cancelled') }),
  z.object({
    outcome: z.literal('refused'),
    file: z.string(),
    /** Why, in a sentence, when the file as a whole was refused (by the service, or unreadable). */
    message: z.string(),
    rows: z.array(z.object({ row: z.number().int(), problems: z.array(z.string()) })),
  }),
  z.object({ outcome: z.literal('imported'), file: z.string(), imported: z.number().int() }),
]);
export type ImportOutcome = z.infer<typeof importOutcomeSchema>;

export const practitionerRequests = {
  list: z
    .object({
      organisationId: z.string().max(64).optional(),
      readiness: z.enum(readinessStates).optional(),
    })
    .strict(),
  add: z.object(facts).strict(),
  /** Only the fields given change; a date given as null is cleared. */
  update: z
    .object(facts)
    .partial()
    .extend({ id: z.string().min(1).max(20) })
    .strict(),
  requestAccount: z
    .object({
      id: z.string().min(1).max(20),
      userId: z
        .string()
        .regex(
          /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
          'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
        )
        .optional(),
    })
    .strict(),
};

export const requestedAccountSchema = z.object({
  practitioner: practitionerSchema,
  request: accountRequestSchema,
  firstHalf: z.string(),
});

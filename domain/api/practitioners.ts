// Wire schemas of the list of practitioners to ready (issue 21, item 2; the rules are
// domain/practitioners-to-ready.ts, zod-free for the desktop). The schemas here check
// shapes only; the service checks each person's facts by those rules, so an API client,
// the desktop's form and a CSV import are refused with the same words, naming the field
// (and, for an import, the row).
import { z } from 'zod';
import { isoDateSchema } from '../child-record.js';
import {
  readinessStates,
  type MissingItem,
  type Readiness,
  type ReadinessRole,
  type TaskKind,
} from '../practitioners-to-ready.js';
import type { OrganisationStage } from '../organisation-stages.js';
import { newUserIdSchema } from './accounts.js';
import { localAuthorityCodeSchema } from './sync.js';

const given = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const organisationId = z.string().trim().min(1, 'must not be empty').max(64);
const day = isoDateSchema.nullable().optional();

const facts = {
  name: text(500),
  workEmail: text(500),
  role: text(50),
  trainingPriority: z.number().int('must be a whole number'),
  enhancedCheckDate: day,
  courseBookedOn: day,
  courseAttendedOn: day,
  coursePassedOn: day,
  agreementSignedOn: day,
};

export const addPractitionerSchema = z.object({ organisationId, ...facts }).strict();
export type AddPractitioner = z.output<typeof addPractitionerSchema>;

export const updatePractitionerSchema = z
  .object({
    organisationId: organisationId.optional(),
    name: facts.name.optional(),
    workEmail: facts.workEmail.optional(),
    role: facts.role.optional(),
    trainingPriority: facts.trainingPriority.optional(),
    enhancedCheckDate: day,
    courseBookedOn: day,
    courseAttendedOn: day,
    coursePassedOn: day,
    agreementSignedOn: day,
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'must change at least one field' });
export type UpdatePractitioner = z.output<typeof updatePractitionerSchema>;

/** One row of an import as read from the team's file: text, checked row by row by the service. */
const importEntry = z
  .object({
    /** The row of the file it came from (a spreadsheet's: the header is row 1), to name it in a refusal. */
    row: z.number().int().min(1),
    /** The organisation's id, ODS code, DfE URN or name, among the authority's partners. */
    organisation: text(200),
    name: text(500),
    workEmail: text(500),
    role: text(50),
    trainingPriority: z.union([z.number(), text(20)]),
    enhancedCheckDate: text(20).nullable().optional(),
    courseBookedOn: text(20).nullable().optional(),
    courseAttendedOn: text(20).nullable().optional(),
    coursePassedOn: text(20).nullable().optional(),
    agreementSignedOn: text(20).nullable().optional(),
  })
  .strict();
export type ImportEntry = z.output<typeof importEntry>;

export const IMPORT_MAX_ROWS = 5000;
export const importPractitionersSchema = z
  .object({ entries: z.array(importEntry).min(1, 'must hold at least one row').max(IMPORT_MAX_ROWS) })
  .strict();

export const practitionersQuerySchema = z
  .object({
    organisationId: given(organisationId),
    readiness: given(z.enum(readinessStates)),
    /** A data manager's or the national administrator's choice of authority. */
    localAuthority: given(localAuthorityCodeSchema),
  })
  .strict();
export type PractitionersQuery = z.output<typeof practitionersQuerySchema>;

export const requestPractitionerAccountSchema = z
  .object({
    /** The id the holder will sign in with; by default made from their work email (before the @). */
    userId: newUserIdSchema.optional(),
  })
  .strict();

/** One person on the list, with what they still need. */
export interface PractitionerView {
  id: string;
  localAuthority: string;
  organisation: { id: string; name: string; stage: OrganisationStage; accredited: boolean };
  name: string;
  workEmail: string;
  role: ReadinessRole;
  trainingPriority: number;
  enhancedCheckDate: string | null;
  /** The first day the check is no longer valid. */
  checkLapsesOn: string | null;
  courseBookedOn: string | null;
  courseAttendedOn: string | null;
  coursePassedOn: string | null;
  refresherDueOn: string | null;
  agreementSignedOn: string | null;
  /** The account asked for, once it is: its id, and the state of its request. */
  userId: string | null;
  accountRequest: { id: string; status: string } | null;
  missing: MissingItem[];
  readiness: Readiness;
}

/** A lapsing item the team chases: of a person not yet with access, or of an account. */
export interface ReadinessTaskView {
  kind: TaskKind;
  /** The day it falls due (the check's first invalid day, the refresher's day); null: now. */
  due: string | null;
  name: string;
  practitionerId: string | null;
  userId: string | null;
  organisation: { id: string; name: string };
}

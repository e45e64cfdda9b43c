// Wire schemas of the record endpoints (national-api.md "Records": fixed): the search
// query, the access reason, shield override and involvement bodies, and the response
// shapes. Every object is strict, so a `notes` or `caseNotes` field is refused: the
// service accepts no case information.
import { z } from 'zod';
import { ALERT_OUTCOMES } from '../management/choices.js';
import {
  addressSchema,
  cpNumberSchema,
  educationSchema,
  genderSchema,
  gpPracticeSchema,
  intendsToReturnSchema,
  involvementSchema,
  isoDateSchema,
  nhsNumberSchema,
  parentSchema,
  personNameSchema,
  relationshipSchema,
  sensitiveBasisSchema,
  sensitiveCategorySchema,
  supplierSchema,
  whereaboutsSchema,
} from '../child-record.js';
import { nameKey } from '../name-key.js';
import { normalisePostcode } from '../postcode.js';

// ---------------------------------------------------------------------------------
// Search

/** A query-string value: surrounding space trimmed, and an empty value treated as not given. */
const searchText = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.string().trim().max(100, 'must be at most 100 characters').optional(),
);

const searchName = searchText.refine((s) => s === undefined || nameKey(s).length > 0, {
  message: 'must contain at least one letter',
});

export const childSearchQuerySchema = z
  .object({
    surname: searchName,
    forename: searchName,
    dob: searchText.pipe(isoDateSchema.optional()),
    postcode: searchText
      .transform((s) => (s === undefined ? undefined : (normalisePostcode(s) ?? s)))
      .pipe(
        z
          .string()
          .refine((s) => normalisePostcode(s) !== null, { message: 'must be a UK postcode such as CH41 1AA' })
          .optional(),
      ),
    nhsNumber: searchText.transform((s) => s?.replace(/\s+/g, '')).pipe(nhsNumberSchema.optional()),
    cpNumber: searchText.transform((s) => s?.toUpperCase()).pipe(cpNumberSchema.optional()),
  })
  .strict()
  .superRefine((q, ctx) => {
    // A search must narrow the index to a few children: a forename, a date of birth or
    // a postcode alone would list streets or year groups.
    const enough =
      q.surname !== undefined ||
      q.nhsNumber !== undefined ||
      q.cpNumber !== undefined ||
      (q.dob !== undefined && q.postcode !== undefined);
    if (!enough) {
      ctx.addIssue({
        code: 'custom',
        path: ['surname'],
        message:
          'is required, unless the search gives an NHS number, a ContactPoint number, or a date of birth with a postcode',
      });
    }
  });
export type ChildSearchQuery = z.output<typeof childSearchQuerySchema>;

export const childSearchResultSchema = z
  .object({
    cpNumber: z.string(),
    name: z.object({ given: z.string(), family: z.string() }).strict(),
    dob: z.string(),
    gender: genderSchema,
    shielded: z.boolean(),
    /** 1 is an exact match (an NHS or ContactPoint number, or every field given). */
    score: z.number().min(0).max(1),
    /** Absent when the child is shielded and the viewer may not see shielded data. */
    localAuthority: z.string().optional(),
    /** Absent when the child is shielded and the viewer may not see shielded data. */
    postcode: z.string().optional(),
  })
  .strict();
export type ChildSearchResult = z.infer<typeof childSearchResultSchema>;

export const childSearchResponseSchema = z
  .object({
    results: z.array(childSearchResultSchema).max(50),
    /** More children matched than the 50 returned: the user should narrow the search. */
    truncated: z.boolean(),
  })
  .strict();

// ---------------------------------------------------------------------------------
// Reading a record

export const accessReasonHeader = 'cp-access-reason';
export const archivePurposeHeader = 'cp-archive-purpose';

/** The reason a user gives before a record opens: audited with the read. */
export const accessReasonSchema = z
  .string()
  .trim()
  .min(1, 'give a reason for access')
  .max(500, 'must be at most 500 characters');

/** The statutory purposes for which an archived record may be opened after its first year. */
export const archivePurposeSchema = z.enum(['s47-enquiry', 'serious-case-review', 'child-death-review']);
export type ArchivePurpose = z.infer<typeof archivePurposeSchema>;

export const shieldOverrideBodySchema = z
  .object({
    reason: accessReasonSchema,
    /** The user has seen the warning that an override starts an immediate investigation. */
    acknowledgeInvestigation: z.literal(true, {
      message: 'must be true: the user must acknowledge the investigation warning',
    }),
  })
  .strict();
export type ShieldOverrideBody = z.output<typeof shieldOverrideBodySchema>;

// ---------------------------------------------------------------------------------
// Involvements

export const recordInvolvementBodySchema = z
  .object({
    service: z.string().trim().min(1).max(200),
    startDate: isoDateSchema,
    leadProfessional: z.boolean().optional(),
    cafCompleted: z.boolean().optional(),
    /** Given exactly when the service is a sensitive one (sexual health, mental health, substance misuse). */
    sensitiveCategory: sensitiveCategorySchema.optional(),
    /**
     * A sensitive service may be recorded only with consent (the child's, or a parent's
     * where the child lacks understanding) or on reasonable cause to suspect
     * significant harm: the practitioner affirms which. Stored on the involvement and in
     * its audit entry as that fact alone: the service keeps no consent details.
     */
    sensitiveBasis: sensitiveBasisSchema.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.sensitiveCategory !== undefined && b.sensitiveBasis === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['sensitiveBasis'],
        message: 'is required for a sensitive service: "consent" or "significant-harm"',
      });
    }
    if (b.sensitiveCategory === undefined && b.sensitiveBasis !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['sensitiveBasis'],
        message: 'is only for a sensitive service (give sensitiveCategory)',
      });
    }
  });
export type RecordInvolvementBody = z.output<typeof recordInvolvementBodySchema>;

export const updateInvolvementBodySchema = z
  .object({
    endDate: isoDateSchema.optional(),
    leadProfessional: z.boolean().optional(),
    cafCompleted: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.endDate !== undefined || b.leadProfessional !== undefined || b.cafCompleted !== undefined, {
    message: 'give at least one of endDate, leadProfessional, cafCompleted',
  });
export type UpdateInvolvementBody = z.output<typeof updateInvolvementBodySchema>;

export const involvementResponseSchema = z
  .object({ involvement: involvementSchema, version: z.number().int() })
  .strict();

// ---------------------------------------------------------------------------------
// The record as a viewer sees it (domain/visibility.ts decides which keys are present)

/** A sensitive service as an ordinary user sees it: that some service is involved, nothing more. */
export const unspecifiedService = 'Unspecified service';

export const involvementViewSchema = z
  .object({
    id: z.string(),
    service: z.string(),
    sensitive: z.boolean(),
    sensitiveCategory: sensitiveCategorySchema.optional(),
    /** Shown with the category, to those who see it (management). */
    sensitiveBasis: sensitiveBasisSchema.optional(),
    practitioner: involvementSchema.shape.practitioner,
    leadProfessional: z.boolean(),
    cafCompleted: z.boolean(),
    startDate: isoDateSchema,
    endDate: isoDateSchema.optional(),
    /** Present (true) on the involvements the viewer recorded: the ones they may end or change. */
    mine: z.literal(true).optional(),
  })
  .strict();
export type InvolvementView = z.infer<typeof involvementViewSchema>;

export const parentViewSchema = z
  .object({ name: z.string(), relationship: relationshipSchema, contact: parentSchema.shape.contact })
  .strict();

export const recordViewSchema = z
  .object({
    cpNumber: z.string(),
    localAuthority: z.string().optional(),
    name: personNameSchema,
    gender: genderSchema,
    dob: isoDateSchema,
    dateOfDeath: isoDateSchema.optional(),
    whereabouts: whereaboutsSchema.optional(),
    intendsToReturn: intendsToReturnSchema.optional(),
    address: addressSchema.nullable().optional(),
    shielded: z.boolean(),
    archiveAge: z.number().int().optional(),
    parents: z.array(parentViewSchema),
    education: educationSchema.optional(),
    gp: gpPracticeSchema.optional(),
    involvements: z.array(involvementViewSchema).optional(),
    identifiers: z
      .object({
        nhsNumber: z.string().optional(),
        upn: z.string().optional(),
        /** Only the viewing supplier's own references. */
        supplierRefs: z.array(z.object({ supplier: supplierSchema, reference: z.string() }).strict()),
      })
      .strict()
      .optional(),
    version: z.number().int(),
  })
  .strict();
export type RecordView = z.infer<typeof recordViewSchema>;

// ---------------------------------------------------------------------------------
// Alerts raised to the management team

/** Open until someone on the team acknowledges it; investigating until closed with an outcome. */
export const alertStatuses = ['open', 'investigating', 'closed'] as const;
export const alertStatusSchema = z.enum(alertStatuses);
export type AlertStatus = z.infer<typeof alertStatusSchema>;

/** How the team closes an alert: the choices the desktop offers. */
export const alertOutcomes = ALERT_OUTCOMES;
export const alertOutcomeSchema = z.enum(alertOutcomes, { error: `must be one of ${alertOutcomes.join(', ')}` });
export type AlertOutcome = z.infer<typeof alertOutcomeSchema>;

export const alertViewSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    kind: z.string(),
    userId: z.string().nullable(),
    cpNumber: z.string().nullable(),
    status: alertStatusSchema,
    /** Kept for older clients: true once the alert is no longer open. */
    acknowledged: z.boolean(),
    outcome: alertOutcomeSchema.nullable(),
    note: z.string().nullable(),
    closedBy: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .strict();
export type AlertView = z.infer<typeof alertViewSchema>;

export const alertsQuerySchema = z
  .object({
    status: z.enum([...alertStatuses, 'all'], { error: 'must be open, investigating, closed or all' }).default('open'),
  })
  .strict();
export type AlertsQuery = z.output<typeof alertsQuerySchema>;

/** Acknowledging takes no fields: who acknowledges is the signed-in user. */
export const acknowledgeAlertBodySchema = z.object({}).strict();

export const closeAlertBodySchema = z
  .object({
    outcome: alertOutcomeSchema,
    /** Free text kept on the alert only, never in the audit trail. */
    note: z.string().trim().max(300, 'must be at most 300 characters').optional(),
  })
  .strict();
export type CloseAlertBody = z.output<typeof closeAlertBodySchema>;

export const alertsResponseSchema = z.object({ alerts: z.array(alertViewSchema) }).strict();

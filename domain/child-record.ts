// The ContactPoint record (SI 2007/2182 Schedule 1) as it travels on the wire.
// One schema per concept; the types are inferred from the schemas so that the
// validated shape and the static shape can never drift apart.
import { z } from 'zod';
import { isValidNhsNumber } from './nhs-number.js';
import { isValidUpn } from './upn.js';
import { isValidPostcode } from './postcode.js';
import { isValidIsoDate } from './dates.js';
import { isValidCpNumber } from './cp-number.js';

const text = (max: number) => z.string().trim().min(1).max(max);

export const isoDateSchema = z.string().refine(isValidIsoDate, {
  message: 'must be a real calendar date written YYYY-MM-DD',
});

export const genderSchema = z.enum(['male', 'female', 'not-specified']);
export type Gender = z.infer<typeof genderSchema>;

export const whereaboutsSchema = z.enum(['current', 'last-known', 'no-known-address', 'left-england']);
export type Whereabouts = z.infer<typeof whereaboutsSchema>;

/** Only meaningful when whereabouts is "left-england". */
export const intendsToReturnSchema = z.enum(['yes', 'no', 'not-known']);

export const postcodeSchema = z.string().refine(isValidPostcode, {
  message: 'must be a UK postcode such as CH41 1AA',
});
export const nhsNumberSchema = z.string().refine(isValidNhsNumber, {
  message: 'must be a 10-digit NHS number with a valid check digit',
});
export const upnSchema = z.string().refine(isValidUpn, {
  message: 'must be a 13-character Unique Pupil Number with a valid check letter',
});
export const cpNumberSchema = z.string().refine(isValidCpNumber, {
  message: 'must be a ContactPoint number such as CP123456782',
});

export const addressSchema = z
  .object({
    lines: z.array(text(100)).min(1).max(5),
    postcode: postcodeSchema,
  })
  .strict();
export type Address = z.infer<typeof addressSchema>;

export const contactSchema = z
  .object({
    address: addressSchema.optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9 ]{10,16}$/, 'must be a UK telephone number')
      .optional(),
    email: z.string().email().max(254).optional(),
  })
  .strict();
export type Contact = z.infer<typeof contactSchema>;

export const formerNameSchema = z.object({ given: text(100).optional(), family: text(100) }).strict();

export const personNameSchema = z
  .object({
    given: text(100),
    family: text(100),
    former: z.array(formerNameSchema).max(10).default([]),
  })
  .strict();
export type PersonName = z.infer<typeof personNameSchema>;

export const relationshipSchema = z.enum([
  'mother',
  'father',
  'step-parent',
  'carer',
  'guardian',
  'grandparent',
  'other',
]);

export const parentSchema = z
  .object({
    name: text(200),
    relationship: relationshipSchema,
    contact: contactSchema.optional(),
  })
  .strict();
export type Parent = z.infer<typeof parentSchema>;

export const educationSchema = z
  .object({
    name: text(200),
    urn: z.string().regex(/^\d{6}$/, 'must be a 6-digit school URN'),
    contact: contactSchema,
    startDate: isoDateSchema,
  })
  .strict();
export type Education = z.infer<typeof educationSchema>;

export const gpPracticeSchema = z
  .object({
    name: text(200),
    odsCode: z.string().regex(/^[A-Z]\d{5}$/, 'must be a GP practice ODS code such as N82001'),
    contact: contactSchema,
  })
  .strict();
export type GpPractice = z.infer<typeof gpPracticeSchema>;

/** The three service kinds that may be recorded only with consent or on suspicion of significant harm. */
export const sensitiveCategorySchema = z.enum(['sexual-health', 'mental-health', 'substance-misuse']);
export type SensitiveCategory = z.infer<typeof sensitiveCategorySchema>;

/**
 * Why a sensitive service could be recorded: with consent (the child's, or a parent's
 * where the child lacks understanding) or on reasonable cause to suspect significant
 * harm. Only this fact is kept, never the consent's details (who, when, the form).
 */
export const sensitiveBasisSchema = z.enum(['consent', 'significant-harm']);
export type SensitiveBasis = z.infer<typeof sensitiveBasisSchema>;

export const practitionerSchema = z
  .object({
    name: text(200),
    organisation: text(200).optional(),
    phone: contactSchema.shape.phone,
    email: contactSchema.shape.email,
  })
  .strict();

export const involvementSchema = z
  .object({
    id: z.string().min(1).max(64),
    service: text(200),
    sensitive: z.boolean(),
    sensitiveCategory: sensitiveCategorySchema.optional(),
    /** On sensitive involvements recorded since it was kept (older ones have none). */
    sensitiveBasis: sensitiveBasisSchema.optional(),
    practitioner: practitionerSchema.optional(),
    leadProfessional: z.boolean(),
    cafCompleted: z.boolean(),
    startDate: isoDateSchema,
    endDate: isoDateSchema.optional(),
  })
  .strict();
export type Involvement = z.infer<typeof involvementSchema>;

export const supplierSchema = z.enum(['gro', 'dwp', 'nhs', 'school-census', 'local-authority', 'youth-offending']);
export type Supplier = z.infer<typeof supplierSchema>;

/**
 * Why a record is kept past 18: with consent, for Connexions (to 19) or a care leaver (to
 * 25). Only the fact that consent is recorded is kept, never its details.
 */
export const archiveConsentSchema = z
  .object({ basis: z.enum(['connexions', 'care-leaver']), consentRecorded: z.literal(true) })
  .strict();
export type ArchiveConsent = z.infer<typeof archiveConsentSchema>;

export const identifiersSchema = z
  .object({
    nhsNumber: nhsNumberSchema.optional(),
    upn: upnSchema.optional(),
    /** A supplier's own reference: visible only to that supplier. */
    supplierRefs: z.array(z.object({ supplier: supplierSchema, reference: text(64) }).strict()).default([]),
  })
  .strict();

export const childRecordSchema = z
  .object({
    cpNumber: cpNumberSchema,
    localAuthority: z.string().regex(/^E\d{8}$/, 'must be an ONS local authority code such as E08000015'),
    name: personNameSchema,
    gender: genderSchema,
    dob: isoDateSchema,
    dateOfDeath: isoDateSchema.optional(),
    whereabouts: whereaboutsSchema,
    intendsToReturn: intendsToReturnSchema.optional(),
    address: addressSchema.nullable(),
    shielded: z.boolean(),
    /** Archive age above 18 only with consent (Connexions to 19, care leavers to 25). */
    archiveAge: z.number().int().min(18).max(25).default(18),
    /** The legal basis of an archive age above 18, recorded with consent (Connexions to 19, care leavers to 25). */
    archiveConsent: archiveConsentSchema.optional(),
    parents: z.array(parentSchema).max(8),
    education: educationSchema.optional(),
    gp: gpPracticeSchema.optional(),
    involvements: z.array(involvementSchema).max(100),
    identifiers: identifiersSchema,
    version: z.number().int().min(1),
  })
  .strict()
  .superRefine((r, ctx) => {
    const needsAddress = r.whereabouts === 'current' || r.whereabouts === 'last-known';
    if (needsAddress && r.address === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['address'],
        message: `is required when whereabouts is "${r.whereabouts}"`,
      });
    }
    if (!needsAddress && r.address !== null) {
      ctx.addIssue({
        code: 'custom',
        path: ['address'],
        message: `must be null when whereabouts is "${r.whereabouts}"`,
      });
    }
    if (r.whereabouts === 'left-england' && r.intendsToReturn === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['intendsToReturn'],
        message: 'is required when the child has left England',
      });
    }
    if (r.archiveConsent !== undefined && r.archiveAge > (r.archiveConsent.basis === 'connexions' ? 19 : 25)) {
      ctx.addIssue({
        code: 'custom',
        path: ['archiveAge'],
        message: `is above what the legal basis allows (${r.archiveConsent.basis === 'connexions' ? 'Connexions: 19' : 'care leaver: 25'})`,
      });
    }
    if (r.dateOfDeath !== undefined && r.dateOfDeath < r.dob) {
      ctx.addIssue({ code: 'custom', path: ['dateOfDeath'], message: 'is before the date of birth' });
    }
    for (const [i, inv] of r.involvements.entries()) {
      if (inv.sensitive !== (inv.sensitiveCategory !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['involvements', i, 'sensitiveCategory'],
          message: 'must be given exactly when the involvement is sensitive',
        });
      }
      if (inv.sensitiveBasis !== undefined && !inv.sensitive) {
        ctx.addIssue({
          code: 'custom',
          path: ['involvements', i, 'sensitiveBasis'],
          message: 'is only for a sensitive involvement',
        });
      }
      if (inv.endDate !== undefined && inv.endDate < inv.startDate) {
        ctx.addIssue({ code: 'custom', path: ['involvements', i, 'endDate'], message: 'is before the start date' });
      }
    }
  });
export type ChildRecord = z.infer<typeof childRecordSchema>;

/**
 * A local supplier's own service's involvement with the child, as its case-management
 * system holds it. It has no sensitive fields, and is strict: a sensitive service
 * (sexual health, mental health, substance misuse) is never supplied, because only the
 * practitioner can affirm the consent or significant harm that allows recording one.
 */
export const suppliedInvolvementSchema = z
  .object({
    service: text(200),
    practitioner: practitionerSchema.optional(),
    startDate: isoDateSchema,
    endDate: isoDateSchema.optional(),
    leadProfessional: z.boolean().default(false),
    cafCompleted: z.boolean().default(false),
  })
  .strict();
export type SuppliedInvolvement = z.infer<typeof suppliedInvolvementSchema>;

/** What one supplier said about a child, and when: the raw material of matching and cleansing. */
export const supplierRecordSchema = z
  .object({
    supplier: supplierSchema,
    supplierRef: text(64),
    receivedAt: isoDateSchema,
    name: personNameSchema,
    gender: genderSchema,
    dob: isoDateSchema,
    address: addressSchema.nullable(),
    nhsNumber: nhsNumberSchema.optional(),
    upn: upnSchema.optional(),
    parents: z.array(parentSchema).max(8).optional(),
    education: educationSchema.optional(),
    gp: gpPracticeSchema.optional(),
    involvement: suppliedInvolvementSchema.optional(),
  })
  .strict();
export type SupplierRecord = z.infer<typeof supplierRecordSchema>;

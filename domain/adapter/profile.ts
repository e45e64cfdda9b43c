// Mapping profiles (version 2): versioned JSON files that say how a case-management
// export's columns become the fields of a ContactPoint supply, and how each value is
// transformed on the way (dates, names, codes, postcodes, phone numbers, address lines).
// Validated by this schema before any row is read; a column whose name says it holds
// case information can never be mapped.
import { z } from 'zod';

export const DATE_FORMATS = [
  'YYYY-MM-DD',
  'DD/MM/YYYY',
  'DD-MM-YYYY',
  'DD.MM.YYYY',
  'YYYYMMDD',
  'DD/MM/YY',
  'DD-MMM-YYYY',
  'MM/DD/YYYY',
  'YYYY/MM/DD',
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export const NAME_SPLITS = ['given-family', 'family-given', 'family-comma-given'] as const;

/** Text transforms, applied in order after the value is read (it is always trimmed first). */
export const TEXT_TRANSFORMS = [
  'upper',
  'lower',
  'title-case',
  'collapse-spaces',
  'digits-only',
  'postcode',
  'phone-uk',
] as const;
export type TextTransform = (typeof TEXT_TRANSFORMS)[number];

const columnName = z.string().trim().min(1, 'must name a column').max(200);

/** Where a value comes from: one column, several joined, or a fixed value. */
export const sourceSchema = z.union([
  z
    .object({
      column: columnName,
      transforms: z.array(z.enum(TEXT_TRANSFORMS)).max(8).optional(),
      /** A date in the source: its format. */
      date: z.enum(DATE_FORMATS).optional(),
      /** A code list: source code (compared case-insensitively, trimmed) to the value ContactPoint uses. */
      codes: z.record(z.string().max(100), z.union([z.string().max(100), z.boolean()])).optional(),
      /** What a code not in the list becomes: an error for the row (the default), or nothing. */
      otherCodes: z.enum(['error', 'blank']).optional(),
      /** For lists (address lines, former surnames): the separator within the cell. */
      split: z.string().min(1).max(3).optional(),
    })
    .strict(),
  z
    .object({
      columns: z.array(columnName).min(1).max(8),
      /** How the columns' values are joined (for one value); for lists each non-empty column is one item. */
      join: z.string().max(3).optional(),
      transforms: z.array(z.enum(TEXT_TRANSFORMS)).max(8).optional(),
    })
    .strict(),
  z.object({ value: z.union([z.string().min(1).max(200), z.boolean()]) }).strict(),
]);
export type Source = z.infer<typeof sourceSchema>;

/** Address lines: one source giving a list (a cell split by `split`, or each column a line), or one source per line. */
export const linesSchema = z.union([sourceSchema, z.array(sourceSchema).min(1).max(5)]);
export type LinesSource = z.infer<typeof linesSchema>;

const contactFields = {
  phone: sourceSchema.optional(),
  email: sourceSchema.optional(),
  addressLines: linesSchema.optional(),
  postcode: sourceSchema.optional(),
};

const parentMapping = z
  .object({
    name: sourceSchema,
    relationship: sourceSchema,
    ...contactFields,
  })
  .strict();

export const profileSchema = z
  .object({
    profile: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be 1 to 40 lower-case letters, digits and hyphens'),
    version: z.literal(2),
    description: z.string().max(1000).optional(),
    source: z.discriminatedUnion('type', [
      z
        .object({
          type: z.literal('csv'),
          delimiter: z.string().length(1, 'must be one character').default(','),
          encoding: z.enum(['auto', 'utf-8', 'windows-1252']).default('auto'),
        })
        .strict(),
      z
        .object({ type: z.literal('jsonl'), encoding: z.enum(['auto', 'utf-8', 'windows-1252']).default('auto') })
        .strict(),
      z
        .object({
          type: z.literal('xml'),
          recordElement: z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, 'must be an XML element name'),
        })
        .strict(),
    ]),
    /** Who the rows are stated as: the authority's own systems, or its youth offending service. */
    supplier: z.enum(['local-authority', 'youth-offending']).default('local-authority'),
    /** The source system's own id for the child: how a later load finds the same child. */
    reference: sourceSchema,
    /** When the source recorded the row (newer statements win); the load's date when not mapped. */
    receivedAt: sourceSchema.optional(),
    fields: z
      .object({
        given: sourceSchema.optional(),
        family: sourceSchema.optional(),
        /** One column with the whole name, split by `nameSplit`. */
        fullName: sourceSchema.optional(),
        nameSplit: z.enum(NAME_SPLITS).optional(),
        formerFamily: sourceSchema.optional(),
        gender: sourceSchema,
        dob: sourceSchema,
        addressLines: linesSchema.optional(),
        postcode: sourceSchema.optional(),
        nhsNumber: sourceSchema.optional(),
        upn: sourceSchema.optional(),
        /** Another identifier the source holds: used only to find duplicates in the file, never sent. */
        otherIdentifier: sourceSchema.optional(),
        parents: z.array(parentMapping).max(4).optional(),
        education: z
          .object({ name: sourceSchema, urn: sourceSchema, startDate: sourceSchema, ...contactFields })
          .strict()
          .optional(),
        gp: z
          .object({ name: sourceSchema, odsCode: sourceSchema, ...contactFields })
          .strict()
          .optional(),
        involvement: z
          .object({
            service: sourceSchema,
            practitionerName: sourceSchema.optional(),
            practitionerOrganisation: sourceSchema.optional(),
            practitionerPhone: sourceSchema.optional(),
            practitionerEmail: sourceSchema.optional(),
            startDate: sourceSchema,
            endDate: sourceSchema.optional(),
            leadProfessional: sourceSchema.optional(),
            cafCompleted: sourceSchema.optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .superRefine((f, ctx) => {
        if (f.fullName === undefined && (f.given === undefined || f.family === undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: ['given'],
            message: 'map given and family, or fullName with nameSplit',
          });
        }
        if (f.fullName !== undefined && f.nameSplit === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['nameSplit'],
            message: 'is needed with fullName: given-family, family-given or family-comma-given',
          });
        }
        if ((f.addressLines === undefined) !== (f.postcode === undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: ['postcode'],
            message: 'map the address lines and the postcode together',
          });
        }
      }),
  })
  .strict();
export type Profile = z.output<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;

/**
 * Column names that say the column holds case information (notes, assessments,
 * diagnoses, concerns...). ContactPoint holds none: such a column is never mapped and
 * never sent, whatever the profile says.
 */
const CASE_COLUMN =
  /(^|[^a-z])(notes?|comments?|remarks?|narrative|free ?text|assessments?|diagnos[ie]s|diagnosed|concerns?|referral ?reasons?|reasons? for (referral|involvement)|risks?|incidents?|allegations?|disclosures?|medical|medication|health ?conditions?|disabilit(y|ies)|offen[cs]es?|convictions?|case ?(history|details|summary|notes?)|(care|cp|child protection) ?plan|outcomes?)([^a-z]|$)/i;

export function looksLikeCaseInformation(column: string): boolean {
  // CaseNotes, referral_reason, "Assessment (CAF)": words however the export writes them.
  return CASE_COLUMN.test(column.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_.-]+/g, ' '));
}

/** Every column a profile reads, with the field it fills. */
export function mappedColumns(profile: Profile): { column: string; field: string }[] {
  const out: { column: string; field: string }[] = [];
  const add = (field: string, s: Source | LinesSource | undefined) => {
    if (s === undefined) return;
    if (Array.isArray(s)) {
      s.forEach((line, i) => add(`${field}.${i}`, line));
      return;
    }
    if ('column' in s) out.push({ column: s.column, field });
    else if ('columns' in s) for (const c of s.columns) out.push({ column: c, field });
  };
  add('reference', profile.reference);
  add('receivedAt', profile.receivedAt);
  const f = profile.fields;
  for (const k of [
    'given',
    'family',
    'fullName',
    'formerFamily',
    'gender',
    'dob',
    'addressLines',
    'postcode',
    'nhsNumber',
    'upn',
    'otherIdentifier',
  ] as const)
    add(k, f[k]);
  f.parents?.forEach((p, i) => {
    for (const [k, s] of Object.entries(p)) add(`parents.${i}.${k}`, s as Source | LinesSource);
  });
  for (const group of ['education', 'gp', 'involvement'] as const) {
    const g = f[group];
    if (g) for (const [k, s] of Object.entries(g)) add(`${group}.${k}`, s as Source | LinesSource);
  }
  return out;
}

export class ProfileError extends Error {
  override name = 'ProfileError';
}

/**
 * A profile from parsed JSON: schema-valid, and mapping no column that looks like case
 * information. The message names the field and what is wrong.
 */
type Issue = z.core.$ZodIssue;

/** Inside a union (a source is a column, columns or a value), the most specific issue of any branch. */
function mostSpecific(issue: Issue, prefix: PropertyKey[] = []): Issue {
  const here = { ...issue, path: [...prefix, ...issue.path] } as Issue;
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return here;
  let best: Issue = here;
  for (const branch of issue.errors) {
    for (const inner of branch) {
      const candidate = mostSpecific(inner, here.path);
      if (candidate.path.length > best.path.length) best = candidate;
    }
  }
  return best;
}

export function parseProfile(json: unknown, where = 'The profile'): Profile {
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = mostSpecific(parsed.error.issues[0]!);
    const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    const message =
      issue.code === 'unrecognized_keys'
        ? `has a field it does not know: ${issue.keys.join(', ')}`
        : issue.code === 'invalid_type' && issue.input === undefined
          ? 'is missing'
          : issue.message;
    throw new ProfileError(`${where} is not valid: ${path} ${message}.`);
  }
  for (const { column, field } of mappedColumns(parsed.data)) {
    if (looksLikeCaseInformation(column)) {
      throw new ProfileError(
        `${where} maps the column "${column}" to ${field}, but its name says it holds case information, which ContactPoint never holds. Remove it from the profile.`,
      );
    }
  }
  return parsed.data;
}

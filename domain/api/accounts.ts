// Wire schemas of account and organisation management: the national administrator
// and the local authority teams create accounts, keep their accreditation facts up to
// date, suspend them, and issue tokens and cards; data managers accredit organisations.
// Every object is strict: an unknown field is refused with 422 naming it.
import { z } from 'zod';
import { isoDateSchema } from '../child-record.js';
import { caseWords } from '../cleanse/rules.js';
import { publicJwkSchema } from '../jwk.js';
import { roleSchema, type Role } from '../roles.js';
import { localAuthorityCodeSchema } from './sync.js';

/** A new account's id: what its holder types at sign-in, so letters, digits and . _ - only. */
export const newUserIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

const personName = z.string().trim().min(1, 'must not be empty').max(200);
const organisationId = z.string().trim().min(1, 'must not be empty').max(64);

/** Roles an account holds: at least one, none twice; a supplier's system holds no person's role. */
export const accountRolesSchema = z
  .array(roleSchema)
  .min(1, 'must name at least one role')
  .refine((r) => new Set(r).size === r.length, { message: 'must not name a role twice' })
  .refine((r) => !r.includes('supplier-system') || r.length === 1, {
    message: 'supplier-system is a system, not a person: it cannot be combined with other roles',
  });

/** Roles a local authority's team may give: never the national ones or a supplier's system. */
export const teamGrantableRoles: readonly Role[] = ['practitioner', 'child-protection', 'la-team'];

/** A query-string value with an empty value treated as not given. */
const given = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

export const USERS_PAGE_DEFAULT = 500;
export const USERS_PAGE_MAX = 1000;

export const usersQuerySchema = z
  .object({
    organisationId: given(organisationId),
    localAuthority: given(localAuthorityCodeSchema),
    limit: given(z.coerce.number().int('must be a whole number').min(1).max(USERS_PAGE_MAX)),
    /** The `next` of the previous page: accounts whose id sorts after this one. */
    after: given(z.string().min(1).max(64)),
  })
  .strict();
export type UsersQuery = z.output<typeof usersQuerySchema>;

export const createUserSchema = z
  .object({
    id: newUserIdSchema,
    name: personName,
    organisationId,
    roles: accountRolesSchema,
    /** The authority the user works for; the organisation's when not given. */
    localAuthority: localAuthorityCodeSchema.nullable().optional(),
    enhancedCheckDate: isoDateSchema.nullable().optional(),
    trainingCompleted: z.boolean().optional(),
    agreementSigned: z.boolean().optional(),
  })
  .strict();
export type CreateUser = z.output<typeof createUserSchema>;

/**
 * Why a helpdesk action is taken (unlock, token, card, suspend, close, confirm): a short
 * note kept in the audit trail with the action. It says what happened to the account
 * ("locked out after a holiday", "token lost on the train"), never anything about a
 * child or a case: the words cleansing looks for are refused.
 */
export const actionReasonSchema = z
  .string()
  .trim()
  .min(1, 'give a reason')
  .max(300, 'must be at most 300 characters')
  .superRefine((text, ctx) => {
    const words = caseWords(text);
    if (words.length > 0)
      ctx.addIssue({
        code: 'custom',
        message: `contains words that suggest case information (${words.join(', ')}), which ContactPoint never holds: say only what happened to the account`,
      });
  });

/** The body of a helpdesk action that changes nothing else: only its reason. */
export const actionReasonBodySchema = z.object({ reason: actionReasonSchema.optional() }).strict();

/** A card enrolment: the card's public key, read at the desk with the holder present, binds the request to that card. */
export const cardEnrolmentSchema = z
  .object({ reason: actionReasonSchema.optional(), publicJwk: publicJwkSchema.optional() })
  .strict();
export type CardEnrolment = z.output<typeof cardEnrolmentSchema>;

export const updateUserSchema = z
  .object({
    suspended: z.boolean().optional(),
    trainingCompleted: z.boolean().optional(),
    agreementSigned: z.boolean().optional(),
    enhancedCheckDate: isoDateSchema.nullable().optional(),
    roles: accountRolesSchema.optional(),
    name: personName.optional(),
    /** Close the account for good: it never signs in or acts again, and its live sessions end. */
    closed: z.literal(true, { message: 'must be true: a closed account is never opened again' }).optional(),
    /** Why: audited with the change, not a field of the account. */
    reason: actionReasonSchema.optional(),
  })
  .strict()
  .refine((b) => Object.entries(b).some(([k, v]) => k !== 'reason' && v !== undefined), {
    message: 'must change at least one field',
  });
export type UpdateUser = z.output<typeof updateUserSchema>;

/** Fields of an account a local authority's team may change (the rest are the national administrator's). */
export const teamEditableFields = [
  'suspended',
  'trainingCompleted',
  'agreementSigned',
  'enhancedCheckDate',
  'closed',
] as const;

export const LAPSING_DAYS_DEFAULT = 30;

export const lapsingQuerySchema = z
  .object({
    /** How far ahead to look: accounts whose enhanced check lapses within this many days of today (or has lapsed). */
    days: given(z.coerce.number().int('must be a whole number').min(1).max(365)),
  })
  .strict();

/** Why an account may not act, or soon will not. */
export type LapseReason =
  | { kind: 'enhanced-check'; date: string }
  | { kind: 'training-missing' }
  | { kind: 'agreement-missing' }
  | { kind: 'enhanced-check-missing' };

export interface LapsingUser {
  id: string;
  name: string;
  organisation: { id: string; name: string };
  reasons: LapseReason[];
}

export const registerCardKeySchema = z.object({ publicJwk: publicJwkSchema }).strict();

/** An account as management sees it: never a password hash, TOTP secret or key. */
export interface UserView {
  id: string;
  name: string;
  roles: Role[];
  organisation: { id: string; name: string };
  localAuthority: string | null;
  enhancedCheckDate: string | null;
  trainingCompleted: boolean;
  agreementSigned: boolean;
  suspended: boolean;
  /** While sign-in is locked after repeated failures; null when it is not. */
  lockedUntil: string | null;
  /** Smartcard keys registered and not revoked. */
  cardKeys: number;
  /** When the account was closed (for good); null while it is open. */
  closedAt: string | null;
}

/** Requests that need a second person (domain/separation-of-duties.ts). */
export const accountRequestKinds = ['account-create', 'token-reset', 'card-enrol', 'role-grant'] as const;
export type AccountRequestKind = (typeof accountRequestKinds)[number];

export interface AccountRequestView {
  id: string;
  kind: AccountRequestKind;
  /** The account the request is about. */
  account: string;
  requestedBy: string;
  requestedAt: string;
  /** account-create: the roles the account is made with; role-grant: the roles it will hold. */
  roles: Role[] | null;
  confirmedBy: string | null;
  confirmedAt: string | null;
  status: 'awaiting-confirmation' | 'awaiting-activation' | 'completed' | 'cancelled';
  expiresAt: string;
  /** Why a cancelled request ended: cancelled, replaced, expired, too-many-wrong-codes. */
  endReason: string | null;
  /** card-enrol: the thumbprint of the card read at the desk; only that card can activate it (null: any card). */
  cardThumbprint: string | null;
}

/** One audited action on an account, as its history shows it: who, when, what and why; never a credential. */
export interface AccountHistoryEntry {
  seq: number;
  at: string;
  /** Who acted: null for the service itself (a card registered by activation is the holder's). */
  by: string | null;
  action: string;
  /** account-changed: created, updated, closed, unlocked, token-reset, card-revoked, activated...; account-request: requested, confirmed, cancelled. */
  change: string | null;
  /** account-request and activation: which kind of request; sign-in-refused: the method (otp or card). */
  kind: string | null;
  reason: string | null;
}

/** A power role grant: the whole list of roles the account will hold once a second administrator confirms. */
export const roleGrantSchema = z.object({ roles: accountRolesSchema }).strict();

/** Half of an activation code as handed over: 10 characters of Crockford base32, a dash or spaces allowed. */
const activationHalf = z
  .string()
  .trim()
  .regex(
    /^[0-9A-Za-z]{5}[-\s]?[0-9A-Za-z]{5}$/,
    'must be the 10 characters of one half of the activation code, such as 7KQ2M-XR4PD',
  );

const activationBase = {
  userId: z.string().trim().min(1).max(64),
  /** The half the person who asked for the account or credential gave the holder. */
  firstHalf: activationHalf,
  /** The half the person who confirmed it gave the holder. */
  secondHalf: activationHalf,
};

export const MIN_PASSWORD_LENGTH = 12;

export const activationSchema = z.discriminatedUnion('method', [
  z
    .object({
      method: z.literal('otp'),
      ...activationBase,
      /** Chosen by the holder: nobody else ever sees it. */
      password: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(256),
    })
    .strict(),
  z
    .object({
      method: z.literal('card'),
      ...activationBase,
      /** From POST /v1/sessions/challenge for this user id. */
      challenge: z
        .string()
        .max(86)
        .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url'),
      /** The card's public key. */
      publicJwk: publicJwkSchema,
      /** The card's signature (raw r‖s, base64url) over challenge + "." + thumbprint(publicJwk). */
      cardSignature: z
        .string()
        .max(172)
        .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url'),
    })
    .strict(),
]);
export type Activation = z.infer<typeof activationSchema>;

// Wire schemas of referrals (issue 20, item 5): a practitioner reports a problem with a
// child's record, the national service routes it to the child's authority, and that
// authority's ContactPoint team closes it with an outcome. Free text is short and is
// held to the same no-case-information rule as everything else (caseWordsIn).
import { z } from 'zod';
import { cpNumberSchema } from '../child-record.js';
import { caseWords } from '../cleanse/rules.js';
import { referralKinds, referralTextMax } from '../referral-kinds.js';

export {
  referralKindLabels,
  referralKinds,
  referralsPerHour,
  referralTextMax,
  type ReferralKind,
} from '../referral-kinds.js';

export const referralKindSchema = z.enum(referralKinds, {
  error: 'must be wrong-address, wrong-school, not-known or broker-contact',
});

const freeText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

export const makeReferralBodySchema = z
  .object({
    kind: referralKindSchema,
    /** Optional: what is wrong, in a sentence. Never case information. */
    text: freeText(referralTextMax).optional(),
  })
  .strict();
export type MakeReferralBody = z.output<typeof makeReferralBodySchema>;

/** What the reporter is told: that it was received, and its reference. Nothing about the child. */
export const referralReceiptSchema = z
  .object({
    reference: z.string(),
    kind: referralKindSchema,
    status: z.literal('open'),
    receivedAt: z.string(),
  })
  .strict();
export type ReferralReceipt = z.infer<typeof referralReceiptSchema>;

export const referralStatuses = ['open', 'closed'] as const;
export const referralStatusSchema = z.enum(referralStatuses);

/** A referral as the child's authority's team (or a data manager) sees it in the queue. */
export const referralViewSchema = z
  .object({
    reference: z.string(),
    cpNumber: z.string(),
    /**
     * The child's name and date of birth: what everyone who may read the record sees,
     * shielded or not. Null when the record is no longer held (merged into another).
     */
    child: z.object({ given: z.string(), family: z.string(), dob: z.string() }).strict().nullable(),
    kind: referralKindSchema,
    text: z.string().nullable(),
    reportedBy: z.object({ userId: z.string(), name: z.string(), organisation: z.string() }).strict(),
    reportedAt: z.string(),
    status: referralStatusSchema,
    outcome: z.string().nullable(),
    closedBy: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .strict();
export type ReferralView = z.infer<typeof referralViewSchema>;

export const referralsQuerySchema = z
  .object({
    status: z.enum([...referralStatuses, 'all'], { error: 'must be open, closed or all' }).default('open'),
  })
  .strict();
export type ReferralsQuery = z.output<typeof referralsQuerySchema>;

export const referralsResponseSchema = z.object({ referrals: z.array(referralViewSchema) }).strict();

export const closeReferralBodySchema = z
  .object({
    /** What the team did, in a sentence ("address corrected", "contact brokered"). Never case information. */
    outcome: freeText(referralTextMax).min(1, 'is required: say what was done'),
  })
  .strict();
export type CloseReferralBody = z.output<typeof closeReferralBodySchema>;

/**
 * The words in `text` that suggest case information: the cleansing rule's own words
 * (domain/cleanse/rules.ts), so the service, the desktop and cleansing agree.
 */
export function caseWordsIn(text: string | undefined): string[] {
  return text === undefined ? [] : caseWords(text);
}

/** The sentence a refusal gives for `field`, naming the words found. */
export function caseInformationMessage(field: string, words: readonly string[]): string {
  return (
    `The field "${field}" contains words that suggest case information (${words.join(', ')}), which ContactPoint never holds: ` +
    'say only what is wrong with the record, without assessments, concerns or reasons for involvement.'
  );
}

// ---------------------------------------------------------------------------------
// The desktop's channels (spread into domain/ipc-contract.ts)

export const referralChannels = {
  /** Report a problem with a record the person has open, with the reason they gave for opening it. */
  'referrals.make': {
    request: z
      .object({
        cpNumber: cpNumberSchema,
        reason: z.string().trim().min(1, 'give a reason for access').max(500),
        referral: makeReferralBodySchema,
      })
      .strict(),
    response: referralReceiptSchema,
  },
  /** The team's queue (an LA team's own authority's; a data manager's all). */
  'referrals.list': {
    request: z.object({ status: z.enum([...referralStatuses, 'all']).optional() }).strict(),
    response: referralsResponseSchema,
  },
  /** Close a referral with what was done. */
  'referrals.close': {
    request: z
      .object({ reference: z.string().regex(/^RF-[A-Z2-9]{10}$/, 'must be a referral reference') })
      .extend(closeReferralBodySchema.shape)
      .strict(),
    response: referralViewSchema,
  },
} as const;

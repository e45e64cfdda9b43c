// The helpdesk's channels (issue 21, item 4), spread into domain/ipc-contract.ts: find an
// account, see it and its history, unlock it, replace a lost token, enrol a smartcard
// read in this computer's reader with the holder present, revoke a card; and the
// holder's own activation of a card. Suspend, reinstate and close are manage.updateUser;
// confirming and cancelling are manage.confirmAccountRequest / cancelAccountRequest.
//
// What crosses to the renderer: each half of an activation code once, to the person it
// is for; never a password, token secret or PIN. The PIN goes from the screen to main
// and no further than the card.
import { z } from 'zod';
import { actionReasonSchema } from '../api/accounts.js';
import { accountRequestSchema, accountSchema } from './views.js';

const userId = z.string().trim().min(1, 'give the user ID').max(64);
/** A smartcard PIN: typed by the holder, used by main to open the card, never stored or logged. */
const cardPin = z.string().regex(/^[0-9]{4,12}$/, 'must be 4 to 12 digits');
const half = z
  .string()
  .trim()
  .regex(
    /^[0-9A-Za-z]{5}[-\s]?[0-9A-Za-z]{5}$/,
    'must be the 10 characters of one half of the activation code, such as 7KQ2M-XR4PD',
  );

/** One account as the helpdesk sees it: the account, its cards in use and whether its token is live. */
export const helpdeskUserSchema = accountSchema.extend({
  cardKeys: z.number().int(),
  cards: z.array(z.object({ thumbprint: z.string(), registeredAt: z.string() })),
  tokenActive: z.boolean(),
});
export type HelpdeskUserView = z.infer<typeof helpdeskUserSchema>;

export const accountHistoryEntrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  by: z.string().nullable(),
  action: z.string(),
  change: z.string().nullable(),
  kind: z.string().nullable(),
  reason: z.string().nullable(),
});
export type AccountHistoryEntryView = z.infer<typeof accountHistoryEntrySchema>;

/** A credential request asked for at the desk: the first half of the holder's code, shown once. */
export const askedRequestSchema = z.object({
  request: accountRequestSchema,
  firstHalf: z.string(),
  /** card-enrol: the thumbprint of the card read at the desk. */
  thumbprint: z.string().optional(),
  /** token: sessions that began with the old token and ended now. */
  sessionsEnded: z.number().int().optional(),
});

export const helpdeskChannels = {
  /** One account of the manager's scope, with its cards and whether its token is live. */
  'manage.user': {
    request: z.object({ id: userId }).strict(),
    response: z.object({ user: helpdeskUserSchema }),
  },
  /** The audited actions on one account, newest first, with who acted and why. */
  'manage.userHistory': {
    request: z.object({ id: userId }).strict(),
    response: z.object({ entries: z.array(accountHistoryEntrySchema) }),
  },
  /** Lift the lock-out after repeated failed sign-ins. */
  'manage.unlockUser': {
    request: z.object({ id: userId, reason: actionReasonSchema }).strict(),
    response: z.object({ user: accountSchema }),
  },
  /** Replace a lost or broken token: the old one stops now; a second person confirms; the holder activates. */
  'manage.resetToken': {
    request: z.object({ id: userId, reason: actionReasonSchema }).strict(),
    response: askedRequestSchema,
  },
  /**
   * Enrol the smartcard in this computer's reader for `id`, its holder present and typing
   * the PIN: main reads the card's public key and asks for the enrolment naming that card.
   */
  'manage.enrolCard': {
    request: z.object({ id: userId, pin: cardPin, reason: actionReasonSchema }).strict(),
    response: askedRequestSchema,
  },
  /** Revoke a smartcard: it stops at once, and sessions begun with a card end. */
  'manage.revokeCard': {
    request: z.object({ id: userId, thumbprint: z.string().min(1).max(128), reason: actionReasonSchema }).strict(),
    response: z.object({ thumbprint: z.string(), sessionsEnded: z.number().int() }),
  },
  /**
   * The holder activates a smartcard enrolled for them: both halves of the code and the
   * card's PIN; the card signs the service's challenge. Signs nobody in.
   */
  'session.activateCard': {
    request: z.object({ firstHalf: half, secondHalf: half, pin: cardPin }).strict(),
    response: z.object({ userId: z.string(), thumbprint: z.string() }),
  },
} as const;

// The plain facts of a referral (a practitioner's report of a problem with a record) that
// a screen needs: the kinds, how they read, and the limits. No schema library here, so
// the renderer may import it (zod probes `new Function`, which the page's Trusted Types
// policy refuses); the wire schemas built on these are in api/referrals.ts.

/** What a practitioner may report. */
export const referralKinds = ['wrong-address', 'wrong-school', 'not-known', 'broker-contact'] as const;
export type ReferralKind = (typeof referralKinds)[number];

/** How each kind reads to a person, on both sides. */
export const referralKindLabels: Record<ReferralKind, string> = {
  'wrong-address': 'The address is wrong',
  'wrong-school': 'The school is wrong',
  'not-known': 'This child is not known to us',
  'broker-contact': 'Ask the ContactPoint team to broker contact with an unspecified service',
};

/** The most characters of free text a referral or its outcome may carry. */
export const referralTextMax = 500;

/** Referrals one person may make in an hour (the service refuses more with 429). */
export const referralsPerHour = 20;

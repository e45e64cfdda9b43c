// Wire schemas of the session endpoints (national-api.md "Sessions": fixed).
import { z } from 'zod';
import { publicJwkSchema } from '../jwk.js';

const userId = z.string().trim().min(1).max(64);
const base64url = (bytesMax: number) =>
  z
    .string()
    .max(Math.ceil((bytesMax * 4) / 3))
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

export const challengeRequestSchema = z.object({ userId }).strict();

export const cardSignInSchema = z
  .object({
    method: z.literal('card'),
    userId,
    challenge: base64url(64),
    sessionKey: publicJwkSchema,
    cardSignature: base64url(128),
  })
  .strict();

export const otpSignInSchema = z
  .object({
    method: z.literal('otp'),
    userId,
    password: z.string().min(1).max(256),
    otp: z.string().regex(/^\d{6}$/, 'must be the 6-digit code from the security token'),
    sessionKey: publicJwkSchema,
  })
  .strict();

export const signInRequestSchema = z.discriminatedUnion('method', [cardSignInSchema, otpSignInSchema]);
export type SignInRequest = z.infer<typeof signInRequestSchema>;

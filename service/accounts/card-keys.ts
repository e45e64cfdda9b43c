// Smartcard keys in the store: a user's registered card public keys, against which
// card sign-in is checked. Used by account management and by `npm run training:card`.
import { publicJwkSchema, type PublicJwk } from '../../domain/jwk.js';
import { appendAudit } from '../audit/audit-log.js';
import { jwkThumbprint } from '../auth/jwk-thumbprint.js';
import type { Queryable } from '../store/database.js';

/** The user is not in the store, so a card cannot be registered for them. */
export class UnknownStoreUserError extends Error {
  override readonly name = 'UnknownStoreUserError';
}

/**
 * Register `publicJwk` as `userId`'s card key in the store and revoke their other card
 * keys: a user holds one card at a time, so a replaced card stops working. Run it in a
 * transaction (it writes the key, the revocations and an audit entry).
 */
export async function registerCardInStore(
  db: Queryable,
  userId: string,
  publicJwk: PublicJwk,
  at: Date,
): Promise<{ thumbprint: string }> {
  const parsed = publicJwkSchema.parse(publicJwk);
  // Only the key itself is kept: optional members (kid, use...) say nothing about the card.
  const jwk = { kty: parsed.kty, crv: parsed.crv, x: parsed.x, y: parsed.y };
  const users = await db.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
  if (users.length === 0) throw new UnknownStoreUserError(`There is no user "${userId}" in the store.`);
  const print = jwkThumbprint(jwk);
  const revoked = await db.query(
    'UPDATE card_keys SET revoked_at = $3 WHERE user_id = $1 AND thumbprint <> $2 AND revoked_at IS NULL RETURNING thumbprint',
    [userId, print, at],
  );
  await db.query(
    `INSERT INTO card_keys (user_id, thumbprint, public_jwk, registered_at, revoked_at)
     VALUES ($1, $2, $3::jsonb, $4, NULL)
     ON CONFLICT (user_id, thumbprint) DO UPDATE SET public_jwk = EXCLUDED.public_jwk, registered_at = EXCLUDED.registered_at, revoked_at = NULL`,
    [userId, print, JSON.stringify(jwk), at],
  );
  await appendAudit(db, {
    at,
    userId: null,
    action: 'account-changed',
    detail: { change: 'card-registered', account: userId, thumbprint: print, revokedCards: revoked.length },
  });
  return { thumbprint: print };
}

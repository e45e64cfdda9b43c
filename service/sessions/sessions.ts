// Sign-in (national-api.md "Sessions"): a single-use challenge signed by the card, or
// password plus a single-use TOTP code; both bind a fresh client session key, whose
// public half signs every later request. Refusals never say which factor was wrong.
import type { PublicJwk } from '../../domain/jwk.js';
import type { SignInRequest } from '../../domain/api/sessions.js';
import { verifyCardSignature } from '../auth/card-signature.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { SecretBoxError } from '../auth/secret-box.js';
import { checkTotp } from '../auth/totp.js';
import { accreditationProblem, actorOf, userColumns, type UserRow } from '../accounts/accreditation.js';
import { appendAudit } from '../audit/audit-log.js';
import { today, type ServiceContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import type { Queryable } from '../store/database.js';
import { cardKeyFor } from '../training/card-registry.js';

export const challengeTtlMs = 120_000;
export const sessionTtlMs = 8 * 60 * 60 * 1000;
export const maxFailures = 5;
export const lockoutMs = 15 * 60 * 1000;

const refused = () =>
  new ApiError(
    401,
    'sign-in-refused',
    'Sign-in was refused. Check your details and try again; after 5 failures the account is locked for 15 minutes.',
  );

export async function createChallenge(
  ctx: ServiceContext,
  userId: string,
): Promise<{ challenge: string; expiresAt: string }> {
  const now = ctx.clock.now();
  const challenge = ctx.randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + challengeTtlMs);
  // Issued whether or not the user exists, so the endpoint does not reveal accounts.
  await ctx.db.query('DELETE FROM challenges WHERE expires_at < $1', [now]);
  await ctx.db.query('INSERT INTO challenges (challenge, user_id, expires_at) VALUES ($1, $2, $3)', [
    challenge,
    userId,
    expiresAt,
  ]);
  return { challenge, expiresAt: expiresAt.toISOString() };
}

interface SecretsRow extends UserRow {
  password_hash: string | null;
  totp_secret: string | null;
  last_totp_step: number | null;
  failed_sign_ins: number;
  locked_until: Date | null;
}

let dummyHash: Promise<string> | undefined;
/** Verify something even for an unknown user, so timing does not reveal accounts. */
const dummyPasswordHash = () => (dummyHash ??= hashPassword('no such user'));

/**
 * One more failed sign-in, by card or by token: the fifth in a row locks the account for
 * 15 minutes (and starts the count again). Not called while the account is locked, so
 * trying during the lock-out does not extend it.
 */
async function countFailure(tx: Queryable, user: SecretsRow, now: Date): Promise<void> {
  const failures = user.failed_sign_ins + 1;
  const lock = failures >= maxFailures;
  await tx.query('UPDATE users SET failed_sign_ins = $2, locked_until = $3 WHERE id = $1', [
    user.id,
    lock ? 0 : failures,
    lock ? new Date(now.getTime() + lockoutMs) : user.locked_until,
  ]);
}

async function loadUser(tx: Queryable, userId: string, forUpdate: boolean): Promise<SecretsRow | null> {
  const rows = await tx.query<SecretsRow>(
    `SELECT ${userColumns}, u.password_hash, u.totp_secret, u.last_totp_step, u.failed_sign_ins, u.locked_until
       FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1${forUpdate ? ' FOR UPDATE OF u' : ''}`,
    [userId],
  );
  return rows[0] ?? null;
}

async function cardKeysOf(ctx: ServiceContext, tx: Queryable, userId: string): Promise<PublicJwk[]> {
  const rows = await tx.query<{ public_jwk: PublicJwk }>(
    'SELECT public_jwk FROM card_keys WHERE user_id = $1 AND revoked_at IS NULL',
    [userId],
  );
  const keys = rows.map((r) => r.public_jwk);
  if (keys.length === 0 && ctx.trainingMode) {
    // A card provisioned by `npm run training:card` for a store it could not reach (the
    // in-memory one). A damaged cards.json means no training card, not a failed service.
    try {
      const training = cardKeyFor(userId);
      if (training) keys.push(training);
    } catch {
      return keys;
    }
  }
  return keys;
}

/** The account's token secret, or null when its sealed value does not open (altered in the store): refused like a wrong code. */
function openTotpSecret(ctx: ServiceContext, userId: string, sealed: string): string | null {
  try {
    return ctx.secrets.open(sealed, userId);
  } catch (e) {
    if (e instanceof SecretBoxError) return null;
    throw e;
  }
}

export interface SignInResult {
  sessionId: string;
  expiresAt: string;
  user: {
    id: string;
    name: string;
    roles: string[];
    organisation: { id: string; name: string; kind: string };
    localAuthority: string | null;
  };
}

export async function signIn(ctx: ServiceContext, body: SignInRequest): Promise<SignInResult> {
  const now = ctx.clock.now();
  const outcome = await ctx.db.transaction(async (tx) => {
    const user = await loadUser(tx, body.userId, true);
    let ok: boolean;
    let totpStep: number | null = null;
    if (body.method === 'card') {
      const [challenge] = await tx.query<{ expires_at: Date }>(
        'DELETE FROM challenges WHERE challenge = $1 AND user_id = $2 RETURNING expires_at',
        [body.challenge, body.userId],
      );
      const live = challenge !== undefined && challenge.expires_at.getTime() > now.getTime();
      const keys = user && live ? await cardKeysOf(ctx, tx, user.id) : [];
      const verified = keys.some((cardPublicJwk) =>
        verifyCardSignature({
          cardPublicJwk,
          challenge: body.challenge,
          sessionKey: body.sessionKey,
          cardSignature: body.cardSignature,
        }),
      );
      // A locked account is locked whichever way in is tried, and a failed card signature
      // counts toward the lock-out like a failed code (guessing is guessing).
      const locked = user !== null && user.locked_until !== null && user.locked_until.getTime() > now.getTime();
      ok = verified && !locked;
      if (user && !ok && !locked) await countFailure(tx, user, now);
    } else {
      const passwordOk = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), body.password);
      const locked = user !== null && user.locked_until !== null && user.locked_until.getTime() > now.getTime();
      const secret = user?.totp_secret ? openTotpSecret(ctx, user.id, user.totp_secret) : null;
      const totp =
        secret !== null ? checkTotp(secret, body.otp, now.getTime(), user!.last_totp_step) : { ok: false as const };
      // An account awaiting activation has no password: the dummy hash must not stand in for it.
      ok = user !== null && user.password_hash !== null && !locked && passwordOk && totp.ok;
      if (totp.ok) totpStep = totp.step;
      if (user && !ok && !locked) await countFailure(tx, user, now);
    }
    if (!ok || !user) {
      // The id as typed, when it is no account: an attack on accounts shows in the trail.
      const claimed = user ? {} : { claimedUserId: body.userId };
      await appendAudit(tx, {
        at: now,
        userId: user?.id ?? null,
        action: 'sign-in-refused',
        detail: { method: body.method, ...claimed },
      });
      return { refused: true as const };
    }
    // A closed account is refused like a wrong password: it is no longer anyone's to use.
    if (user.closed_at !== null) {
      await appendAudit(tx, {
        at: now,
        userId: user.id,
        action: 'sign-in-refused',
        detail: { method: body.method, code: 'account-closed' },
      });
      return { refused: true as const };
    }
    const problem = accreditationProblem(user, today(ctx.clock));
    if (problem) {
      await appendAudit(tx, {
        at: now,
        userId: user.id,
        action: 'sign-in-refused',
        detail: { method: body.method, code: problem.code },
      });
      return { refused: problem };
    }
    if (body.method === 'otp') {
      await tx.query('UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_totp_step = $2 WHERE id = $1', [
        user.id,
        totpStep,
      ]);
    } else if (user.failed_sign_ins > 0) {
      // Five failures in a row lock, as for the token: a good card sign-in starts the count again.
      await tx.query('UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1', [user.id]);
    }
    const sessionId = ctx.randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + sessionTtlMs);
    await tx.query(
      `INSERT INTO sessions (id, user_id, method, public_jwk, created_at, expires_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
      [sessionId, user.id, body.method, JSON.stringify(body.sessionKey), now, expiresAt],
    );
    await appendAudit(tx, { at: now, userId: user.id, action: 'sign-in', detail: { method: body.method } });
    const actor = actorOf(user, sessionId);
    return {
      result: {
        sessionId,
        expiresAt: expiresAt.toISOString(),
        user: {
          id: actor.userId,
          name: actor.name,
          roles: [...actor.roles],
          organisation: { id: actor.organisation.id, name: actor.organisation.name, kind: actor.organisation.kind },
          localAuthority: actor.localAuthority,
        },
      },
    };
  });
  if ('refused' in outcome) throw outcome.refused === true ? refused() : outcome.refused;
  return outcome.result;
}

export async function endSession(ctx: ServiceContext, sessionId: string, userId: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await tx.query('UPDATE sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL', [sessionId, now]);
    await appendAudit(tx, { at: now, userId, action: 'sign-out' });
  });
}

// Every signed request: the RFC 9421 signature (with digest and nonce) against the
// session's key, then the session's life, then the user's accreditation, now. The
// result is the Actor a handler acts for.
import type { IncomingHttpHeaders } from 'node:http';
import { parseSignatureInput } from '../../domain/http-signature.js';
import type { PublicJwk } from '../../domain/jwk.js';
import type { Actor } from '../../domain/roles.js';
import { accountClosed, accreditationProblem, actorOf, userColumns, type UserRow } from '../accounts/accreditation.js';
import type { NonceCache } from '../auth/nonce-cache.js';
import { verifyRequestSignature } from '../auth/request-signature.js';
import { today, type ServiceContext } from '../context.js';
import { ApiError } from '../http/api-error.js';

interface SessionRow extends UserRow {
  session_id: string;
  public_jwk: PublicJwk;
  expires_at: Date;
  ended_at: Date | null;
}

export async function authenticate(
  ctx: ServiceContext,
  nonces: NonceCache,
  request: { method: string; targetUri: string; headers: IncomingHttpHeaders; body: Buffer | null },
): Promise<Actor> {
  const now = ctx.clock.now();
  let session: SessionRow | undefined;
  await verifyRequestSignature(request, {
    now,
    nonces,
    resolveKey: async (keyid) => {
      const rows = await ctx.db.query<SessionRow>(
        `SELECT s.id AS session_id, s.public_jwk, s.expires_at, s.ended_at, ${userColumns}
           FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id
          WHERE s.id = $1`,
        [keyid],
      );
      session = rows[0];
      return session?.public_jwk ?? null;
    },
  });
  // The signature is good, so the caller holds this session's key: it may learn why
  // the session no longer works.
  if (!session)
    throw new ApiError(401, 'signature-unknown-key', 'The request is signed for a session the service does not know.');
  // Closing an account ends its sessions; the holder is told why rather than to sign in again.
  if (session.closed_at !== null) throw accountClosed();
  if (session.ended_at !== null) throw new ApiError(401, 'session-ended', 'This session has ended. Sign in again.');
  if (session.expires_at.getTime() <= now.getTime())
    throw new ApiError(401, 'session-expired', 'This session has expired. Sign in again.');
  const problem = accreditationProblem(session, today(ctx.clock));
  if (problem) throw problem;
  return actorOf(session, session.session_id);
}

/**
 * Before a large body is read: the request must name (in Signature-Input) a session
 * that is live now. The full check of the signature follows once the body is in.
 */
export async function requireLiveSession(ctx: ServiceContext, headers: IncomingHttpHeaders): Promise<void> {
  const input = headers['signature-input'];
  const parsed = typeof input === 'string' ? parseSignatureInput(input) : null;
  const keyid = parsed?.ok ? parsed.value.get('cp')?.params.keyid : undefined;
  if (typeof keyid === 'string') {
    const rows = await ctx.db.query('SELECT 1 FROM sessions WHERE id = $1 AND ended_at IS NULL AND expires_at > $2', [
      keyid,
      ctx.clock.now(),
    ]);
    if (rows.length > 0) return;
  }
  throw new ApiError(401, 'signature-unknown-key', 'A large request must be signed for a live session.');
}

// Requests that need a second person (domain/separation-of-duties.ts): an account made,
// a token replaced, a card enrolled, a power role granted. One person asks; a second,
// independent person confirms; a credential then reaches only its holder, who activates
// it with both halves of an activation code: the requester was given the first half,
// the confirmer the second. Neither of them alone, nor anyone with a copy of the
// database (it keeps only the halves' hashes), can activate it.
//
// Independent means: not the same account, not the account the request is about, and
// neither took part (asking or confirming) in issuing the other's credentials or powers.
// Since every credential takes two people and its holder, one person cannot come to
// hold a second identity, so a direct check is enough: a chain of accounts one person
// made would need a second person at every link.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccountRequestKind, AccountRequestView, Activation } from '../../domain/api/accounts.js';
import { teamGrantableRoles } from '../../domain/api/accounts.js';
import { hasRole, type Actor, type Role } from '../../domain/roles.js';
import { mayTakePart, ruleFor } from '../../domain/separation-of-duties.js';
import { appendAudit } from '../audit/audit-log.js';
import { verifyCardSignature } from '../auth/card-signature.js';
import { jwkThumbprint } from '../auth/jwk-thumbprint.js';
import { hashPassword } from '../auth/password.js';
import { newTotpSecret } from '../auth/totp.js';
import type { ServiceContext } from '../context.js';
import { ApiError, conflict, forbidden } from '../http/api-error.js';
import type { Queryable } from '../store/database.js';
import { registerCardInStore } from './card-keys.js';

/** A request not completed within a week lapses: the people who asked and confirmed must ask again. */
export const requestTtlMs = 7 * 24 * 60 * 60 * 1000;
/** Wrong activation codes an open request survives. */
export const maxFailedActivations = 5;

/** Crockford's base32: no I, L, O or U, so a half read aloud or handwritten is not misread. */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** One half of an activation code: 10 characters (50 bits) as XXXXX-XXXXX. */
function newHalf(randomBytes: (n: number) => Buffer): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => alphabet[b & 31]!).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** What is hashed: case, spaces and dashes do not matter; O reads as 0 and I or L as 1, as Crockford says. */
function normaliseHalf(half: string): string {
  return half.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

const hashHalf = (half: string) => createHash('sha256').update(normaliseHalf(half), 'utf8').digest('hex');

function sameHash(a: string | null, b: string): boolean {
  if (a === null) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

interface RequestRow {
  id: string;
  kind: AccountRequestKind;
  user_id: string;
  requested_by: string;
  requested_at: Date;
  roles: Role[] | null;
  confirmed_by: string | null;
  confirmed_at: Date | null;
  status: AccountRequestView['status'];
  first_half_hash: string | null;
  second_half_hash: string | null;
  failed_activations: number;
  expires_at: Date;
  end_reason: string | null;
  card_thumbprint: string | null;
}

const columnsOf = (a: string) =>
  [
    'kind',
    'user_id',
    'requested_by',
    'requested_at',
    'roles',
    'confirmed_by',
    'confirmed_at',
    'status',
    'first_half_hash',
    'second_half_hash',
    'failed_activations',
    'expires_at',
    'end_reason',
    'card_thumbprint',
  ]
    .map((c) => `${a}.${c}`)
    .concat(`${a}.id::text AS id`)
    .join(', ');
const requestColumns = columnsOf('account_requests');

export function requestView(row: RequestRow): AccountRequestView {
  return {
    id: row.id,
    kind: row.kind,
    account: row.user_id,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at.toISOString(),
    roles: row.roles,
    confirmedBy: row.confirmed_by,
    confirmedAt: row.confirmed_at?.toISOString() ?? null,
    status: row.status,
    expiresAt: row.expires_at.toISOString(),
    endReason: row.end_reason,
    cardThumbprint: row.card_thumbprint,
  };
}

const requestNotFound = () =>
  new ApiError(404, 'account-request-not-found', 'There is no such request that you may confirm or cancel.');

/**
 * Why `a` and `b` are not independent of each other, or null when they are: the same
 * account, or one asked for or confirmed credentials or powers of the other.
 */
export async function independenceProblem(tx: Queryable, a: string, b: string): Promise<string | null> {
  if (a === b) return 'same-person';
  const [row] = await tx.query<{ user_id: string; kind: string }>(
    `SELECT user_id, kind FROM account_requests
      WHERE (user_id = $1 AND (requested_by = $2 OR confirmed_by = $2)) OR (user_id = $2 AND (requested_by = $1 OR confirmed_by = $1))
      LIMIT 1`,
    [a, b],
  );
  return row ? `${row.kind}-of-${row.user_id === a ? 'approver' : 'requester'}` : null;
}

export function notIndependent(): ApiError {
  return forbidden(
    'not-independent',
    'You took part in issuing credentials or powers to the person who asked (or they to you): a second person independent of them must do this.',
  );
}

/** Cancel open requests of `kind` for the account (a new one replaces them). */
async function cancelOpen(
  tx: Queryable,
  userId: string,
  kinds: readonly AccountRequestKind[],
  by: string,
  why: string,
  at: Date,
): Promise<void> {
  await tx.query(
    `UPDATE account_requests SET status = 'cancelled', ended_at = $4, ended_by = $3, end_reason = $5
      WHERE user_id = $1 AND kind = ANY($2::text[]) AND status IN ('awaiting-confirmation', 'awaiting-activation')`,
    [userId, [...kinds], by, at, why],
  );
}

/**
 * Ask for a credential for `userId` (in the caller's transaction, after the caller has
 * checked the actor may manage the account): the requester's half of the activation
 * code is returned this once.
 */
export async function startCredentialRequest(
  ctx: ServiceContext,
  tx: Queryable,
  actor: Actor,
  kind: 'account-create' | 'token-reset' | 'card-enrol',
  userId: string,
  roles: readonly Role[],
  /** Why, audited with the request; card-enrol: the thumbprint of the card read at the desk. */
  extra: { reason?: string | undefined; cardThumbprint?: string | undefined } = {},
): Promise<{ request: AccountRequestView; firstHalf: string }> {
  const at = ctx.clock.now();
  if (kind === 'token-reset')
    await cancelOpen(tx, userId, ['token-reset', 'account-create'], actor.userId, 'replaced', at);
  const firstHalf = newHalf(ctx.randomBytes);
  const rows = await tx.query<RequestRow>(
    `INSERT INTO account_requests (kind, user_id, requested_by, requested_at, roles, first_half_hash, expires_at, card_thumbprint)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING ${requestColumns}`,
    [
      kind,
      userId,
      actor.userId,
      at,
      [...roles],
      hashHalf(firstHalf),
      new Date(at.getTime() + requestTtlMs),
      extra.cardThumbprint ?? null,
    ],
  );
  if (rows.length === 0)
    throw conflict(
      'request-open',
      'A request of this kind is open for this account already: confirm, or cancel it first.',
    );
  await appendAudit(tx, {
    at,
    userId: actor.userId,
    action: 'account-request',
    reason: extra.reason ?? null,
    detail: {
      change: 'requested',
      kind,
      account: userId,
      request: rows[0]!.id,
      ...(extra.cardThumbprint !== undefined ? { thumbprint: extra.cardThumbprint } : {}),
    },
  });
  return { request: requestView(rows[0]!), firstHalf };
}

/** Ask for power roles to be added to an account; a second administrator confirms. */
export async function startRoleGrant(
  ctx: ServiceContext,
  actor: Actor,
  userId: string,
  roles: readonly Role[],
): Promise<AccountRequestView> {
  if (userId === actor.userId)
    throw forbidden('own-account', 'You may not grant roles to your own account: another administrator must ask.');
  const rule = ruleFor('role-grant');
  const at = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [target] = await tx.query<{ roles: Role[]; local_authority: string | null; closed_at: Date | null }>(
      'SELECT roles, local_authority, closed_at FROM users WHERE id = $1 FOR UPDATE',
      [userId],
    );
    if (!target) throw new ApiError(404, 'user-not-found', 'There is no such account that you manage.');
    if (!mayTakePart(rule.start, actor.roles, actor.localAuthority, target.local_authority)) {
      throw forbidden('forbidden-role', 'Only the national administrator may ask for roles to be granted.');
    }
    if (target.closed_at !== null)
      throw conflict('account-closed', 'This account has been closed: it cannot be changed.');
    if (!roles.some((r) => !target.roles.includes(r)))
      throw new ApiError(
        422,
        'no-role-added',
        'These roles add nothing to the account: a removal needs no second person (PATCH the account).',
      );
    if (roles.includes('la-team') && target.local_authority === null) {
      throw new ApiError(
        422,
        'local-authority-required',
        'An LA team account must belong to a local authority; this one belongs to none.',
      );
    }
    const rows = await tx.query<RequestRow>(
      `INSERT INTO account_requests (kind, user_id, requested_by, requested_at, roles, expires_at)
       VALUES ('role-grant', $1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING ${requestColumns}`,
      [userId, actor.userId, at, [...roles], new Date(at.getTime() + requestTtlMs)],
    );
    if (rows.length === 0)
      throw conflict('request-open', 'A role grant is open for this account already: confirm, or cancel it first.');
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'account-request',
      detail: { change: 'requested', kind: 'role-grant', account: userId, request: rows[0]!.id, roles: [...roles] },
    });
    return requestView(rows[0]!);
  });
}

interface TargetRow {
  roles: Role[];
  local_authority: string | null;
  closed_at: Date | null;
}

/** Whether the actor may see this request (and confirm or cancel it): the confirmer's scope, or the one who asked. */
function inScope(actor: Actor, row: RequestRow, target: TargetRow): boolean {
  if (row.requested_by === actor.userId) return true;
  const rule = ruleFor(row.kind);
  if (rule.confirm.anywhere.some((r) => actor.roles.includes(r))) return true;
  if (!mayTakePart(rule.confirm, actor.roles, actor.localAuthority, target.local_authority)) return false;
  // A team confirms only for accounts holding (and to hold) roles a team may give.
  return [...target.roles, ...(row.roles ?? [])].every((r) => teamGrantableRoles.includes(r));
}

async function lapseIfExpired(tx: Queryable, row: RequestRow, at: Date): Promise<RequestRow> {
  if (
    (row.status === 'awaiting-confirmation' || row.status === 'awaiting-activation') &&
    row.expires_at.getTime() <= at.getTime()
  ) {
    const [lapsed] = await tx.query<RequestRow>(
      `UPDATE account_requests SET status = 'cancelled', ended_at = $2, end_reason = 'expired' WHERE id = $1 RETURNING ${requestColumns}`,
      [row.id, at],
    );
    return lapsed!;
  }
  return row;
}

async function lockRequest(
  tx: Queryable,
  actor: Actor,
  id: string,
  at: Date,
): Promise<{ row: RequestRow; target: TargetRow }> {
  if (!/^\d{1,18}$/.test(id)) throw requestNotFound();
  // The account's row first, then the request's, as everywhere (starting a request locks
  // the account before writing it), so two changes to one account never wait on each other.
  const [owner] = await tx.query<{ user_id: string }>('SELECT user_id FROM account_requests WHERE id = $1', [id]);
  if (!owner) throw requestNotFound();
  const [target] = await tx.query<TargetRow>(
    'SELECT roles, local_authority, closed_at FROM users WHERE id = $1 FOR UPDATE',
    [owner.user_id],
  );
  const [found] = await tx.query<RequestRow>(
    `SELECT ${requestColumns} FROM account_requests WHERE id = $1 FOR UPDATE`,
    [id],
  );
  if (!found || !target || !inScope(actor, found, target)) throw requestNotFound();
  return { row: await lapseIfExpired(tx, found, at), target };
}

/**
 * Confirm a request as the second person. A credential request then waits for its
 * holder, and the confirmer is given the second half of the activation code, this once;
 * a role grant takes effect now.
 */
export async function confirmAccountRequest(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  reason?: string,
): Promise<{ request: AccountRequestView; secondHalf?: string }> {
  const at = ctx.clock.now();
  const outcome = await ctx.db.transaction(async (tx) => {
    const { row, target } = await lockRequest(tx, actor, id, at);
    if (row.status === 'cancelled' && row.end_reason === 'expired') return { expired: true as const };
    if (row.status !== 'awaiting-confirmation')
      throw conflict('request-decided', `This request is ${row.status} already.`);
    if (row.user_id === actor.userId)
      throw forbidden('own-account', 'This request is about your own account: another person must confirm it.');
    if (row.requested_by === actor.userId)
      throw forbidden('own-request', 'You asked for this: a second person must confirm it.');
    const rule = ruleFor(row.kind);
    if (!mayTakePart(rule.confirm, actor.roles, actor.localAuthority, target.local_authority)) {
      throw forbidden(
        'forbidden-role',
        `Your roles may not confirm this: ${[...rule.confirm.anywhere, ...rule.confirm.ownAuthority.map((r) => `${r} (own authority)`)].join(', ')} may.`,
      );
    }
    if ((await independenceProblem(tx, actor.userId, row.requested_by)) !== null) throw notIndependent();
    if (target.closed_at !== null)
      throw conflict('account-closed', 'This account has been closed: it cannot be changed.');
    if (row.kind === 'role-grant') {
      await tx.query('UPDATE users SET roles = $2 WHERE id = $1', [row.user_id, row.roles]);
      const [done] = await tx.query<RequestRow>(
        `UPDATE account_requests SET status = 'completed', confirmed_by = $2, confirmed_at = $3, ended_at = $3 WHERE id = $1 RETURNING ${requestColumns}`,
        [row.id, actor.userId, at],
      );
      await appendAudit(tx, {
        at,
        userId: actor.userId,
        action: 'account-changed',
        reason: reason ?? null,
        detail: {
          change: 'roles-granted',
          account: row.user_id,
          fields: ['roles'],
          to: { roles: row.roles },
          request: row.id,
          requestedBy: row.requested_by,
        },
      });
      return { request: requestView(done!) };
    }
    const secondHalf = newHalf(ctx.randomBytes);
    const [confirmed] = await tx.query<RequestRow>(
      `UPDATE account_requests SET status = 'awaiting-activation', confirmed_by = $2, confirmed_at = $3, second_half_hash = $4
        WHERE id = $1 RETURNING ${requestColumns}`,
      [row.id, actor.userId, at, hashHalf(secondHalf)],
    );
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'account-request',
      reason: reason ?? null,
      detail: {
        change: 'confirmed',
        kind: row.kind,
        account: row.user_id,
        request: row.id,
        requestedBy: row.requested_by,
      },
    });
    return { request: requestView(confirmed!), secondHalf };
  });
  if ('expired' in outcome)
    throw conflict('request-expired', 'This request was not completed within 7 days and has lapsed: ask again.');
  return outcome;
}

/** Cancel an open request: whoever asked, or anyone who could confirm it. */
export async function cancelAccountRequest(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  reason?: string,
): Promise<AccountRequestView> {
  const at = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const { row } = await lockRequest(tx, actor, id, at);
    if (row.status !== 'awaiting-confirmation' && row.status !== 'awaiting-activation')
      throw conflict('request-decided', `This request is ${row.status} already.`);
    const [cancelled] = await tx.query<RequestRow>(
      `UPDATE account_requests SET status = 'cancelled', ended_at = $2, ended_by = $3, end_reason = 'cancelled' WHERE id = $1 RETURNING ${requestColumns}`,
      [row.id, at, actor.userId],
    );
    await appendAudit(tx, {
      at,
      userId: actor.userId,
      action: 'account-request',
      reason: reason ?? null,
      detail: { change: 'cancelled', kind: row.kind, account: row.user_id, request: row.id },
    });
    return requestView(cancelled!);
  });
}

/** Open requests the actor asked for or may confirm, oldest first. */
export async function listAccountRequests(ctx: ServiceContext, actor: Actor): Promise<AccountRequestView[]> {
  const at = ctx.clock.now();
  const national = hasRole(actor, 'national-admin', 'data-manager');
  const rows = await ctx.db.query<RequestRow & TargetRow & { target_roles: Role[] }>(
    `SELECT ${columnsOf('r')}, u.roles AS target_roles, u.local_authority, u.closed_at
       FROM account_requests r JOIN users u ON u.id = r.user_id
      WHERE r.status IN ('awaiting-confirmation', 'awaiting-activation') AND r.expires_at > $1
        AND ($2::boolean OR u.local_authority = $3 OR r.requested_by = $4)
      ORDER BY r.id LIMIT 500`,
    [at, national, actor.localAuthority, actor.userId],
  );
  return rows
    .filter((r) =>
      inScope(actor, r, { roles: r.target_roles, local_authority: r.local_authority, closed_at: r.closed_at }),
    )
    .map(requestView);
}

const activationRefused = () =>
  new ApiError(
    401,
    'activation-refused',
    `Activation was refused. Check your user ID and both halves of the activation code; after ${maxFailedActivations} wrong codes the activation is cancelled and must be asked for again.`,
  );

/** Which requests each way of activating completes. */
const activatedBy: Record<Activation['method'], readonly AccountRequestKind[]> = {
  otp: ['account-create', 'token-reset'],
  card: ['account-create', 'card-enrol'],
};

export interface ActivatedToken {
  userId: string;
  /** The security token's RFC 6238 secret (base32), for the holder's token or authenticator: shown this once. */
  totpSecret: string;
  otpauthUri: string;
}

/**
 * The holder completes a confirmed request with both halves of its activation code:
 * choosing their password and receiving their token's secret, or proving their card by
 * signing a challenge with it. Unsigned (the holder has no credential yet), rate-limited
 * by the route, and a wrong code counts against the request.
 */
export async function activate(
  ctx: ServiceContext,
  body: Activation,
): Promise<ActivatedToken | { userId: string; thumbprint: string }> {
  const at = ctx.clock.now();
  const passwordHash = body.method === 'otp' ? await hashPassword(body.password) : null;
  type Outcome = { refused: true } | { token: ActivatedToken } | { card: { userId: string; thumbprint: string } };
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
    // The account's row first, then its requests' (see lockRequest).
    const [user] = await tx.query<{ closed_at: Date | null }>('SELECT closed_at FROM users WHERE id = $1 FOR UPDATE', [
      body.userId,
    ]);
    const candidates = await tx.query<RequestRow>(
      `SELECT ${requestColumns} FROM account_requests
        WHERE user_id = $1 AND status = 'awaiting-activation' AND kind = ANY($2::text[]) AND expires_at > $3 ORDER BY id FOR UPDATE`,
      [body.userId, [...activatedBy[body.method]], at],
    );
    const first = hashHalf(body.firstHalf);
    const second = hashHalf(body.secondHalf);
    const match = candidates.find((r) => sameHash(r.first_half_hash, first) && sameHash(r.second_half_hash, second));
    let cardOk = true;
    if (match && body.method === 'card') {
      // A card read at the desk is the only card that completes its enrolment.
      if (match.card_thumbprint !== null && match.card_thumbprint !== jwkThumbprint(body.publicJwk)) cardOk = false;
    }
    if (match && body.method === 'card' && cardOk) {
      // Proof that the holder has the card: it signs a fresh challenge for its own key.
      const [challenge] = await tx.query<{ expires_at: Date }>(
        'DELETE FROM challenges WHERE challenge = $1 AND user_id = $2 RETURNING expires_at',
        [body.challenge, body.userId],
      );
      cardOk =
        challenge !== undefined &&
        challenge.expires_at.getTime() > at.getTime() &&
        verifyCardSignature({
          cardPublicJwk: body.publicJwk,
          challenge: body.challenge,
          sessionKey: body.publicJwk,
          cardSignature: body.cardSignature,
        });
    }
    if (!match || !cardOk) {
      for (const r of candidates) {
        const failures = r.failed_activations + 1;
        await tx.query(
          `UPDATE account_requests SET failed_activations = $2::int,
             status = CASE WHEN $3::boolean THEN 'cancelled' ELSE status END,
             ended_at = CASE WHEN $3::boolean THEN $4::timestamptz ELSE ended_at END,
             end_reason = CASE WHEN $3::boolean THEN 'too-many-wrong-codes' ELSE end_reason END
           WHERE id = $1`,
          [r.id, failures, failures >= maxFailedActivations, at],
        );
      }
      await appendAudit(tx, {
        at,
        userId: null,
        action: 'activation-refused',
        detail: { method: body.method, claimedUserId: body.userId },
      });
      return { refused: true as const };
    }
    if (!user || user.closed_at !== null) return { refused: true as const };
    await tx.query(`UPDATE account_requests SET status = 'completed', ended_at = $2 WHERE id = $1`, [match.id, at]);
    if (body.method === 'otp') {
      const totpSecret = newTotpSecret(ctx.randomBytes);
      await tx.query(
        'UPDATE users SET password_hash = $2, totp_secret = $3, last_totp_step = NULL, failed_sign_ins = 0, locked_until = NULL WHERE id = $1',
        [body.userId, passwordHash, ctx.secrets.seal(totpSecret, body.userId)],
      );
      await appendAudit(tx, {
        at,
        userId: body.userId,
        action: 'account-changed',
        detail: {
          change: 'activated',
          kind: match.kind,
          account: body.userId,
          fields: ['password', 'totpSecret'],
          request: match.id,
        },
      });
      const label = encodeURIComponent(`ContactPoint:${body.userId}`);
      const token: ActivatedToken = {
        userId: body.userId,
        totpSecret,
        otpauthUri: `otpauth://totp/${label}?secret=${totpSecret}&issuer=ContactPoint&digits=6&period=30`,
      };
      return { token };
    }
    const { thumbprint } = await registerCardInStore(tx, body.userId, body.publicJwk, at);
    // The card this one replaces, and sessions begun with it, stop now.
    await tx.query(
      "UPDATE sessions SET ended_at = $2 WHERE user_id = $1 AND method = 'card' AND ended_at IS NULL AND expires_at > $2",
      [body.userId, at],
    );
    await appendAudit(tx, {
      at,
      userId: body.userId,
      action: 'account-changed',
      detail: {
        change: 'activated',
        kind: match.kind,
        account: body.userId,
        fields: ['cardKeys'],
        thumbprint,
        request: match.id,
      },
    });
    return { card: { userId: body.userId, thumbprint } };
  });
  if ('refused' in outcome) throw activationRefused();
  if ('token' in outcome) return outcome.token;
  return outcome.card;
}

// Account management (contactpoint.md "Access, accreditation, audit"): the national
// administrator manages every account; a local authority's team manages the accounts
// of its own authority, within limits (organisations and their accreditation:
// organisations.ts). Each change is audited in its own transaction as 'account-changed',
// naming the fields changed and never a password, TOTP secret or key. A change to an
// account takes effect at the holder's next request: the HTTP layer checks
// accreditation on every request (accreditation.ts).
import {
  teamEditableFields,
  teamGrantableRoles,
  USERS_PAGE_DEFAULT,
  type CardEnrolment,
  type CreateUser,
  type UpdateUser,
  type UserView,
  type UsersQuery,
} from '../../domain/api/accounts.js';
import { hasRole, type Actor, type Role } from '../../domain/roles.js';
import { userColumns, type UserRow } from './accreditation.js';
import { appendAudit } from '../audit/audit-log.js';
import { today, type ServiceContext } from '../context.js';
import { ApiError, forbidden } from '../http/api-error.js';
import type { Queryable, SqlValue } from '../store/database.js';
import { powerRoles } from '../../domain/separation-of-duties.js';
import { jwkThumbprint } from '../auth/jwk-thumbprint.js';
import { startCredentialRequest } from './account-requests.js';
import type { AccountRequestView } from '../../domain/api/accounts.js';

/** Whose accounts the actor manages: every authority's, or one authority's. */
type Scope = { all: true } | { all: false; authority: string };

function scopeOf(actor: Actor): Scope {
  if (hasRole(actor, 'national-admin', 'data-manager')) return { all: true };
  if (actor.localAuthority === null) {
    throw forbidden(
      'no-local-authority',
      'Your account belongs to no local authority, so there are no accounts you may manage.',
    );
  }
  return { all: false, authority: actor.localAuthority };
}

/** Who may change accounts: the national administrator everywhere, a team in its authority. */
function writeScopeOf(actor: Actor): Scope {
  if (hasRole(actor, 'national-admin')) return { all: true };
  if (!hasRole(actor, 'la-team'))
    throw forbidden('forbidden-role', 'Only the national administrator or a local authority team may change accounts.');
  return scopeOf({ ...actor, roles: ['la-team'] });
}

// The same answer for an account that does not exist and one outside the caller's
// authority, so a team cannot probe for other authorities' accounts.
const userNotFound = () => new ApiError(404, 'user-not-found', 'There is no such account that you manage.');
const ownAccount = (what: string) =>
  forbidden('own-account', `You may not ${what} your own account: another administrator must do it.`);

/** The account as accreditation sees it (UserRow), plus what an administrator needs to manage it. */
interface ViewRow extends UserRow {
  locked_until: Date | null;
  card_keys: number;
}

const viewColumns = `${userColumns}, u.locked_until,
  (SELECT count(*)::int FROM card_keys k WHERE k.user_id = u.id AND k.revoked_at IS NULL) AS card_keys`;

function viewOf(row: ViewRow, now: Date): UserView {
  return {
    id: row.id,
    name: row.name,
    roles: row.roles,
    organisation: { id: row.org_id, name: row.org_name },
    localAuthority: row.local_authority,
    enhancedCheckDate: row.enhanced_check_date,
    trainingCompleted: row.training_completed,
    agreementSigned: row.agreement_signed,
    suspended: row.suspended,
    lockedUntil:
      row.locked_until !== null && row.locked_until.getTime() > now.getTime() ? row.locked_until.toISOString() : null,
    cardKeys: row.card_keys,
    closedAt: row.closed_at?.toISOString() ?? null,
  };
}

async function viewById(tx: Queryable, id: string, now: Date): Promise<UserView> {
  const [row] = await tx.query<ViewRow>(
    `SELECT ${viewColumns} FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1`,
    [id],
  );
  if (!row) throw userNotFound();
  return viewOf(row, now);
}

export async function listUsers(
  ctx: ServiceContext,
  actor: Actor,
  query: UsersQuery,
): Promise<{ users: UserView[]; next: string | null }> {
  const scope = scopeOf(actor);
  if (!scope.all && query.localAuthority !== undefined && query.localAuthority !== scope.authority) {
    throw forbidden('other-authority', 'A local authority team sees only the accounts of its own authority.');
  }
  const params: SqlValue[] = [];
  const where: string[] = [];
  const add = (condition: (param: string) => string, value: SqlValue) => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (!scope.all) add((p) => `u.local_authority = ${p}`, scope.authority);
  if (query.localAuthority !== undefined) add((p) => `u.local_authority = ${p}`, query.localAuthority);
  if (query.organisationId !== undefined) add((p) => `u.organisation_id = ${p}`, query.organisationId);
  if (query.after !== undefined) add((p) => `u.id > ${p}`, query.after);
  const limit = query.limit ?? USERS_PAGE_DEFAULT;
  params.push(limit + 1);
  const rows = await ctx.db.query<ViewRow>(
    `SELECT ${viewColumns} FROM users u JOIN organisations o ON o.id = u.organisation_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY u.id COLLATE "C" LIMIT $${params.length}`,
    params,
  );
  const now = ctx.clock.now();
  const page = rows.slice(0, limit).map((r) => viewOf(r, now));
  return { users: page, next: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

export async function getUser(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
): Promise<UserView & { cards: { thumbprint: string; registeredAt: string }[]; tokenActive: boolean }> {
  const scope = scopeOf(actor);
  const now = ctx.clock.now();
  const user = await viewById(ctx.db, id, now);
  if (!scope.all && user.localAuthority !== scope.authority) throw userNotFound();
  const cards = await ctx.db.query<{ thumbprint: string; registered_at: Date }>(
    'SELECT thumbprint, registered_at FROM card_keys WHERE user_id = $1 AND revoked_at IS NULL ORDER BY registered_at, thumbprint',
    [id],
  );
  // Whether a password and token are set: the helpdesk's answer to "is my token still live?", never the secret.
  const [token] = await ctx.db.query<{ active: boolean }>(
    'SELECT (password_hash IS NOT NULL AND totp_secret IS NOT NULL) AS active FROM users WHERE id = $1',
    [id],
  );
  return {
    ...user,
    cards: cards.map((c) => ({ thumbprint: c.thumbprint, registeredAt: c.registered_at.toISOString() })),
    tokenActive: token?.active ?? false,
  };
}

interface TargetRow {
  id: string;
  roles: Role[];
  local_authority: string | null;
  closed_at: Date | null;
}

/**
 * The account to change, locked for this transaction, if the actor may manage it. A
 * team manages only its own authority's accounts, and not those holding a role it may
 * not give (a data manager or national administrator who happens to sit in it).
 */
async function lockTarget(tx: Queryable, actor: Actor, id: string): Promise<TargetRow> {
  const scope = writeScopeOf(actor);
  const [target] = await tx.query<TargetRow>(
    'SELECT id, roles, local_authority, closed_at FROM users WHERE id = $1 FOR UPDATE',
    [id],
  );
  if (!target || (!scope.all && target.local_authority !== scope.authority)) throw userNotFound();
  if (!scope.all && !target.roles.every((r) => teamGrantableRoles.includes(r))) {
    throw forbidden(
      'protected-account',
      'This account holds a national role: only the national administrator may change it.',
    );
  }
  // Closed is for good: nothing about the account changes again, not even its cards.
  if (target.closed_at !== null)
    throw new ApiError(
      409,
      'account-closed',
      'This account has been closed: it cannot be changed. Create a new account if the person returns.',
    );
  return target;
}

function checkNotFuture(ctx: ServiceContext, date: string | null | undefined): void {
  if (date !== undefined && date !== null && date > today(ctx.clock)) {
    throw new ApiError(
      422,
      'enhanced-check-in-future',
      'The enhanced check date is after today: give the date the check was issued.',
    );
  }
}

function checkTeamRoles(scope: Scope, roles: readonly Role[]): void {
  if (scope.all) return;
  const refused = roles.find((r) => !teamGrantableRoles.includes(r));
  if (refused) {
    throw forbidden(
      'role-not-grantable',
      `A local authority team may not give the role "${refused}": only the national administrator may.`,
    );
  }
}

/** End the user's live sessions begun by one sign-in method; how many ended. */
async function endSessions(tx: Queryable, userId: string, method: 'card' | 'otp', now: Date): Promise<number> {
  const ended = await tx.query(
    'UPDATE sessions SET ended_at = $3 WHERE user_id = $1 AND method = $2 AND ended_at IS NULL AND expires_at > $3 RETURNING id',
    [userId, method, now],
  );
  return ended.length;
}

/**
 * What a request for a credential gives the person who asked: the first half of the
 * holder's activation code, to hand to the holder. The second half goes to whoever
 * confirms (account-requests.ts); the holder chooses their own password or proves their
 * own card. Nobody but the holder ever holds a working credential.
 */
export interface IssuedRequest {
  user: UserView;
  request: AccountRequestView;
  /** Shown this once; only its hash is kept. */
  firstHalf: string;
}

export async function createUser(ctx: ServiceContext, actor: Actor, body: CreateUser): Promise<IssuedRequest> {
  return ctx.db.transaction((tx) => createUserIn(ctx, tx, actor, body));
}

/**
 * Create the account and open its request in the caller's transaction: the list of
 * practitioners to ready (practitioners.ts) asks for an account and links it in one.
 */
export async function createUserIn(
  ctx: ServiceContext,
  tx: Queryable,
  actor: Actor,
  body: CreateUser,
): Promise<IssuedRequest> {
  const scope = writeScopeOf(actor);
  checkTeamRoles(scope, body.roles);
  checkNotFuture(ctx, body.enhancedCheckDate);
  const now = ctx.clock.now();
  const [org] = await tx.query<{ id: string; local_authority: string | null }>(
    'SELECT id, local_authority FROM organisations WHERE id = $1',
    [body.organisationId],
  );
  if (!org) throw new ApiError(422, 'unknown-organisation', `There is no organisation "${body.organisationId}".`);
  const localAuthority = body.localAuthority !== undefined ? body.localAuthority : org.local_authority;
  if (!scope.all && (org.local_authority !== scope.authority || localAuthority !== scope.authority)) {
    throw forbidden(
      'other-authority',
      'A local authority team creates accounts only for organisations and staff of its own authority.',
    );
  }
  if (body.roles.includes('la-team') && localAuthority === null) {
    throw new ApiError(
      422,
      'local-authority-required',
      'An LA team account must belong to a local authority: give localAuthority.',
    );
  }
  const inserted = await tx.query(
    `INSERT INTO users (id, name, organisation_id, roles, local_authority, enhanced_check_date, training_completed, agreement_signed,
                        suspended, password_hash, totp_secret)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false, NULL, NULL) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      body.id,
      body.name,
      org.id,
      body.roles,
      localAuthority,
      body.enhancedCheckDate ?? null,
      body.trainingCompleted ?? false,
      body.agreementSigned ?? false,
    ],
  );
  if (inserted.length === 0) throw new ApiError(409, 'user-exists', `There is already an account "${body.id}".`);
  await appendAudit(tx, {
    at: now,
    userId: actor.userId,
    action: 'account-changed',
    detail: {
      change: 'created',
      account: body.id,
      organisation: org.id,
      fields: [
        'name',
        'organisation',
        'roles',
        'localAuthority',
        'enhancedCheckDate',
        'trainingCompleted',
        'agreementSigned',
      ],
      roles: body.roles,
    },
  });
  // No credential yet: a second person confirms, then the holder activates.
  const { request, firstHalf } = await startCredentialRequest(ctx, tx, actor, 'account-create', body.id, body.roles);
  return { user: await viewById(tx, body.id, now), request, firstHalf };
}

export async function updateUser(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  { reason, ...body }: UpdateUser,
): Promise<UserView> {
  const scope = writeScopeOf(actor);
  const fields = (Object.keys(body) as (keyof typeof body)[]).filter((k) => body[k] !== undefined);
  if (!scope.all) {
    const refused = fields.find((f) => !(teamEditableFields as readonly string[]).includes(f));
    if (refused)
      throw forbidden(
        'field-not-permitted',
        `A local authority team may not change "${refused}": only the national administrator may.`,
      );
  }
  // Nobody vouches for their own vetting, training or agreement, or lifts their own suspension or role.
  const ownFields = fields.filter((f) => f !== 'name');
  if (id === actor.userId && ownFields.length > 0) throw ownAccount(`change "${ownFields[0]}" of`);
  if (body.roles) checkTeamRoles(scope, body.roles);
  checkNotFuture(ctx, body.enhancedCheckDate);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const target = await lockTarget(tx, actor, id);
    // Taking roles away is one person's to do; adding a power over shielded children is not.
    const added = body.roles?.filter((r) => !target.roles.includes(r) && powerRoles.includes(r)) ?? [];
    if (added.length > 0) {
      throw new ApiError(
        409,
        'second-person-required',
        `Adding "${added[0]}" needs a second administrator: ask with POST /v1/users/${id}/role-grants, and another administrator confirms.`,
      );
    }
    if (body.roles?.includes('la-team') && target.local_authority === null) {
      throw new ApiError(
        422,
        'local-authority-required',
        'An LA team account must belong to a local authority; this one belongs to none.',
      );
    }
    const columns: Record<keyof typeof body, string> = {
      suspended: 'suspended',
      trainingCompleted: 'training_completed',
      agreementSigned: 'agreement_signed',
      enhancedCheckDate: 'enhanced_check_date',
      roles: 'roles',
      name: 'name',
      closed: 'closed_at',
    };
    const params: SqlValue[] = [id];
    const sets = fields.map((f) => {
      params.push(f === 'closed' ? now : (body[f] as SqlValue));
      return `${columns[f]} = $${params.length}`;
    });
    await tx.query(`UPDATE users SET ${sets.join(', ')} WHERE id = $1`, params);
    // A closed account's sessions end now, whichever way they began.
    const sessionsEnded = body.closed
      ? (await endSessions(tx, id, 'card', now)) + (await endSessions(tx, id, 'otp', now))
      : undefined;
    // Flags and roles are facts about access, not about the person: the trail shows them.
    const to: Record<string, unknown> = {};
    for (const f of ['suspended', 'trainingCompleted', 'agreementSigned', 'roles', 'closed'] as const)
      if (body[f] !== undefined) to[f] = body[f];
    await appendAudit(tx, {
      at: now,
      userId: actor.userId,
      action: 'account-changed',
      reason: reason ?? null,
      detail: {
        change: body.closed ? 'closed' : 'updated',
        account: id,
        fields,
        to,
        ...(sessionsEnded !== undefined ? { sessionsEnded } : {}),
      },
    });
    return viewById(tx, id, now);
  });
}

export async function unlockUser(ctx: ServiceContext, actor: Actor, id: string, reason?: string): Promise<UserView> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    await lockTarget(tx, actor, id);
    await tx.query('UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1', [id]);
    await appendAudit(tx, {
      at: now,
      userId: actor.userId,
      action: 'account-changed',
      reason: reason ?? null,
      detail: { change: 'unlocked', account: id, fields: ['failedSignIns', 'lockedUntil'] },
    });
    return viewById(tx, id, now);
  });
}

/**
 * A lost or compromised token: the old password and token stop working at once, and so
 * do sessions begun with them (whoever held the old token may have begun one). The new
 * ones are the holder's own, by activation once a second person has confirmed.
 */
export async function resetToken(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  reason?: string,
): Promise<IssuedRequest & { sessionsEnded: number }> {
  if (id === actor.userId) throw ownAccount('reset the token of');
  writeScopeOf(actor);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const target = await lockTarget(tx, actor, id);
    await tx.query(
      'UPDATE users SET password_hash = NULL, totp_secret = NULL, last_totp_step = NULL, failed_sign_ins = 0, locked_until = NULL WHERE id = $1',
      [id],
    );
    const sessionsEnded = await endSessions(tx, id, 'otp', now);
    await appendAudit(tx, {
      at: now,
      userId: actor.userId,
      action: 'account-changed',
      reason: reason ?? null,
      detail: {
        change: 'token-reset',
        account: id,
        fields: ['password', 'totpSecret', 'lastTotpStep', 'lockedUntil'],
        sessionsEnded,
      },
    });
    const { request, firstHalf } = await startCredentialRequest(ctx, tx, actor, 'token-reset', id, target.roles, {
      reason,
    });
    return { user: await viewById(tx, id, now), request, firstHalf, sessionsEnded };
  });
}

/**
 * Enrol a smartcard: a second person confirms, then the holder activates with the card
 * itself (it signs a challenge), which replaces any earlier card. With the card's public
 * key (read at the desk, the holder present), only that card can activate it.
 */
export async function startCardEnrolment(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  body: CardEnrolment = {},
): Promise<IssuedRequest> {
  if (id === actor.userId) throw ownAccount('enrol a card for');
  writeScopeOf(actor);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const target = await lockTarget(tx, actor, id);
    const { request, firstHalf } = await startCredentialRequest(ctx, tx, actor, 'card-enrol', id, target.roles, {
      reason: body.reason,
      cardThumbprint: body.publicJwk ? jwkThumbprint(body.publicJwk) : undefined,
    });
    return { user: await viewById(tx, id, now), request, firstHalf };
  });
}

/**
 * Revoke one smartcard key. Card sessions of the user end too: a session does not
 * record which card began it, and a lost card's finder may have begun one.
 */
export async function revokeCardKey(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  thumbprint: string,
  reason?: string,
): Promise<{ thumbprint: string; sessionsEnded: number }> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    await lockTarget(tx, actor, id);
    const revoked = await tx.query(
      'UPDATE card_keys SET revoked_at = $3 WHERE user_id = $1 AND thumbprint = $2 AND revoked_at IS NULL RETURNING thumbprint',
      [id, thumbprint, now],
    );
    if (revoked.length === 0)
      throw new ApiError(404, 'card-key-not-found', 'This account has no such card key in use.');
    const sessionsEnded = await endSessions(tx, id, 'card', now);
    await appendAudit(tx, {
      at: now,
      userId: actor.userId,
      action: 'account-changed',
      reason: reason ?? null,
      detail: { change: 'card-revoked', account: id, fields: ['cardKeys'], thumbprint, sessionsEnded },
    });
    return { thumbprint, sessionsEnded };
  });
}

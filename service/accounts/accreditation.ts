// A user may act only while: the organisation is accredited, the enhanced criminal
// records check is under 3 years old, mandatory training is done, the end-user
// agreement is signed and the account is not suspended. Checked on every request, so
// a suspension or a lapsed check takes effect at the user's next call, not next sign-in.
import { addYears } from '../../domain/dates.js';
import type { Actor, Organisation, Role } from '../../domain/roles.js';
import { ApiError } from '../http/api-error.js';

export const enhancedCheckValidYears = 3;

export interface UserRow {
  id: string;
  name: string;
  roles: Role[];
  local_authority: string | null;
  enhanced_check_date: string | null;
  training_completed: boolean;
  agreement_signed: boolean;
  suspended: boolean;
  /** When the account was closed, for good; null while it is open. */
  closed_at: Date | null;
  org_id: string;
  org_name: string;
  org_kind: Organisation['kind'];
  org_accredited: boolean;
  org_local_authority: string | null;
  org_supplier: string | null;
}

/** The columns of UserRow, for a query that joins users u and organisations o. */
export const userColumns = `u.id, u.name, u.roles, u.local_authority, u.enhanced_check_date, u.training_completed,
  u.agreement_signed, u.suspended, u.closed_at, o.id AS org_id, o.name AS org_name, o.kind AS org_kind,
  o.accredited AS org_accredited, o.local_authority AS org_local_authority, o.supplier AS org_supplier`;

/** Why this user may not act today, as the error to send; null when they may. */
export function accreditationProblem(user: UserRow, today: string): ApiError | null {
  if (user.closed_at !== null) return accountClosed();
  if (user.suspended)
    return new ApiError(
      403,
      'account-suspended',
      'This account is suspended. Contact your ContactPoint management team.',
    );
  if (!user.org_accredited) {
    return new ApiError(403, 'organisation-not-accredited', 'Your organisation is not accredited to use ContactPoint.');
  }
  // A supplier's system is not a person: no vetting, training or agreement applies.
  if (user.roles.length > 0 && user.roles.every((r) => r === 'supplier-system')) return null;
  if (user.enhanced_check_date === null || enhancedCheckLapses(user.enhanced_check_date) <= today) {
    return new ApiError(
      403,
      'enhanced-check-expired',
      'Your enhanced criminal records check is missing or over 3 years old.',
    );
  }
  if (!user.training_completed)
    return new ApiError(403, 'training-incomplete', 'You have not completed the mandatory ContactPoint training.');
  if (!user.agreement_signed)
    return new ApiError(403, 'agreement-unsigned', 'You have not signed the ContactPoint end-user agreement.');
  return null;
}

/** The refusal of a closed account's request. */
export function accountClosed(): ApiError {
  return new ApiError(
    403,
    'account-closed',
    'This account has been closed. Contact your ContactPoint management team.',
  );
}

/** The date an enhanced check dated `checked` stops being valid (the first day it is refused). */
export function enhancedCheckLapses(checked: string): string {
  return addYears(checked, enhancedCheckValidYears);
}

export function organisationOf(user: UserRow): Organisation {
  return {
    id: user.org_id,
    name: user.org_name,
    kind: user.org_kind,
    accredited: user.org_accredited,
    localAuthority: user.org_local_authority,
    supplier: user.org_supplier,
  };
}

export function actorOf(user: UserRow, sessionId: string): Actor {
  return {
    userId: user.id,
    name: user.name,
    roles: user.roles,
    organisation: organisationOf(user),
    localAuthority: user.local_authority,
    sessionId,
  };
}

// An account's state in a word, as the helpdesk shows it (closed, suspended, locked out, active).
import type { AccountView } from '../../../../domain/management/views.js';

export function accountState(a: AccountView, now: Date = new Date()): string {
  if (a.closedAt) return 'Closed';
  if (a.suspended) return 'Suspended';
  if (a.lockedUntil && new Date(a.lockedUntil) > now) return 'Locked out';
  return 'Active';
}

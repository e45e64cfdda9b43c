// Accounts about to stop working, for the management team to chase before they do:
// an enhanced check that lapses soon (or has lapsed), and training, agreement or check
// never recorded. Suspended and closed accounts are left out (they are stopped on
// purpose), and so are suppliers' systems (no vetting applies to a system).
import { LAPSING_DAYS_DEFAULT, type LapseReason, type LapsingUser } from '../../domain/api/accounts.js';
import { addDays, addYears } from '../../domain/dates.js';
import { hasRole, type Actor } from '../../domain/roles.js';
import { today, type ServiceContext } from '../context.js';
import { forbidden } from '../http/api-error.js';
import { enhancedCheckLapses, enhancedCheckValidYears } from './accreditation.js';

interface Row {
  id: string;
  name: string;
  org_id: string;
  org_name: string;
  enhanced_check_date: string | null;
  training_completed: boolean;
  agreement_signed: boolean;
}

/**
 * The accounts in the actor's scope (an LA team: its own authority's; a data manager or
 * the national administrator: all) that may not act now or will not within `days` of
 * today. Soonest first: an account missing its check, training or agreement (which may
 * not act at all) before any dated lapse, then by lapse date, then by id.
 */
export async function lapsingUsers(
  ctx: ServiceContext,
  actor: Actor,
  days = LAPSING_DAYS_DEFAULT,
): Promise<{ users: LapsingUser[] }> {
  const national = hasRole(actor, 'data-manager', 'national-admin');
  if (!national && actor.localAuthority === null) {
    throw forbidden(
      'no-local-authority',
      'Your account belongs to no local authority, so there are no accounts you may see.',
    );
  }
  const day = today(ctx.clock);
  const horizon = addDays(day, days);
  // A broad cut in SQL (a day's slack for 29 February), the exact rule below.
  const checkedBy = addDays(addYears(horizon, -enhancedCheckValidYears), 1);
  const rows = await ctx.db.query<Row>(
    `SELECT u.id, u.name, o.id AS org_id, o.name AS org_name, u.enhanced_check_date, u.training_completed, u.agreement_signed
       FROM users u JOIN organisations o ON o.id = u.organisation_id
      WHERE NOT u.suspended AND u.closed_at IS NULL AND NOT (u.roles <@ ARRAY['supplier-system']::text[])
        AND ($1::text IS NULL OR u.local_authority = $1)
        AND (u.enhanced_check_date IS NULL OR u.enhanced_check_date <= $2::date OR NOT u.training_completed OR NOT u.agreement_signed)`,
    [national ? null : actor.localAuthority, checkedBy],
  );
  const users: (LapsingUser & { key: string })[] = [];
  for (const row of rows) {
    const reasons: LapseReason[] = [];
    let key = '9999-12-31';
    if (row.enhanced_check_date === null) {
      reasons.push({ kind: 'enhanced-check-missing' });
      key = '';
    } else {
      const lapses = enhancedCheckLapses(row.enhanced_check_date);
      if (lapses <= horizon) {
        reasons.push({ kind: 'enhanced-check', date: lapses });
        key = lapses;
      }
    }
    if (!row.training_completed) reasons.push({ kind: 'training-missing' });
    if (!row.agreement_signed) reasons.push({ kind: 'agreement-missing' });
    if (reasons.length === 0) continue;
    if (!row.training_completed || !row.agreement_signed) key = '';
    users.push({ id: row.id, name: row.name, organisation: { id: row.org_id, name: row.org_name }, reasons, key });
  }
  users.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { users: users.map(({ key: _key, ...user }) => user) };
}

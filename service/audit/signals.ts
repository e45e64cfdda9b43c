// Signals for audit review: patterns in the trail that may be misuse (searching for
// one's own family, browsing the index without opening records, heavy use at night).
// A signal is not a finding: each says what was seen in plain English, and a person
// judges it. Nothing but the user id and counts leaves the trail.
import type { Queryable, SqlValue } from '../store/database.js';

export const signalKinds = ['own-surname-search', 'many-searches-few-reads', 'out-of-hours'] as const;
export type SignalKind = (typeof signalKinds)[number];

export interface Signal {
  kind: SignalKind;
  userId: string;
  count: number;
  /** The first and last entry counted. */
  from: string;
  to: string;
  description: string;
}

/** Searches by one user in one UTC day, with no record opened that day, from which it is a signal. */
export const manySearchesPerDay = 20;
/** Searches and reads by one user in one clock hour out of hours, from which it is a signal. */
export const outOfHoursPerHour = 10;
/** Out of hours: from 20:00 to 07:00 UTC. */
export const outOfHours = { startHour: 20, endHour: 7 } as const;
/** At most this many signals in one answer. */
export const maxSignals = 500;

/** Actions that open a record: any of them on a day means the searches led somewhere. */
const readActions = ['read', 'shield-override', 'archive-read'];
const counted = ['search', ...readActions];

interface Group {
  user_id: string;
  n: number;
  first: Date;
  last: Date;
}

const times = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

export interface SignalWindow {
  from: Date;
  to: Date;
  /** Only users of this authority (their own, or their organisation's); null for all. */
  localAuthority: string | null;
}

export async function auditSignals(tx: Queryable, window: SignalWindow): Promise<Signal[]> {
  const params: SqlValue[] = [window.from, window.to, counted];
  let scope = '';
  if (window.localAuthority !== null) {
    params.push(window.localAuthority);
    scope = `AND EXISTS (SELECT 1 FROM users u JOIN organisations o ON o.id = u.organisation_id
                          WHERE u.id = a.user_id AND COALESCE(u.local_authority, o.local_authority) = $${params.length})`;
  }
  // The window's searches and reads by named users, each with its UTC hour.
  const entries = `WITH e AS (
      SELECT a.user_id, a.at, a.action, a.detail, (a.at AT TIME ZONE 'UTC') AS utc
        FROM audit_log a
       WHERE a.at >= $1 AND a.at <= $2 AND a.user_id IS NOT NULL AND a.action = ANY($3::text[]) ${scope})`;
  const signals: Signal[] = [];

  const ownSurname = await tx.query<Group>(
    `${entries}
     SELECT user_id, count(*)::int AS n, min(at) AS first, max(at) AS last FROM e
      WHERE action = 'search' AND detail @> '{"ownSurname": true}'::jsonb
      GROUP BY user_id ORDER BY user_id`,
    params,
  );
  for (const g of ownSurname) {
    signals.push({
      kind: 'own-surname-search',
      userId: g.user_id,
      count: g.n,
      from: g.first.toISOString(),
      to: g.last.toISOString(),
      description: `Searched for their own surname ${times(g.n, 'time', 'times')} — may be legitimate; a person should check.`,
    });
  }

  const browsing = await tx.query<Group>(
    `${entries}
     SELECT user_id, count(*) FILTER (WHERE action = 'search')::int AS n,
            min(at) FILTER (WHERE action = 'search') AS first, max(at) FILTER (WHERE action = 'search') AS last
       FROM e GROUP BY user_id, date_trunc('day', utc)
     HAVING count(*) FILTER (WHERE action = 'search') >= ${manySearchesPerDay} AND count(*) FILTER (WHERE action <> 'search') = 0
      ORDER BY user_id, first`,
    params,
  );
  for (const g of browsing) {
    signals.push({
      kind: 'many-searches-few-reads',
      userId: g.user_id,
      count: g.n,
      from: g.first.toISOString(),
      to: g.last.toISOString(),
      description:
        `Made ${times(g.n, 'search', 'searches')} on ${g.first.toISOString().slice(0, 10)} (UTC) without opening any record that day — ` +
        'may be looking through the index rather than for a child they work with; a person should check.',
    });
  }

  const night = await tx.query<Group>(
    `${entries}
     SELECT user_id, count(*)::int AS n, min(at) AS first, max(at) AS last FROM e
      WHERE extract(hour FROM utc) >= ${outOfHours.startHour} OR extract(hour FROM utc) < ${outOfHours.endHour}
      GROUP BY user_id, date_trunc('hour', utc)
     HAVING count(*) >= ${outOfHoursPerHour}
      ORDER BY user_id, first`,
    params,
  );
  for (const g of night) {
    const hour = g.first.getUTCHours();
    signals.push({
      kind: 'out-of-hours',
      userId: g.user_id,
      count: g.n,
      from: g.first.toISOString(),
      to: g.last.toISOString(),
      description:
        `Made ${times(g.n, 'search or record read', 'searches and record reads')} between ${hh(hour)} and ${hh((hour + 1) % 24)} UTC on ` +
        `${g.first.toISOString().slice(0, 10)}, outside working hours (${hh(outOfHours.startHour)} to ${hh(outOfHours.endHour)}) — may be legitimate; a person should check.`,
    });
  }
  return signals.slice(0, maxSignals);
}

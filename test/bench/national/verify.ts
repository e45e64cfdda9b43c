// After a load test (and a failover in it): is everything the service acknowledged in
// the database? Each answered read has its own audit entry (found by the unique
// reference in its reason); each user has at least as many search and sync-read audit
// entries since the run began as searches and feed pages it was answered (those entries
// name the fields used, not the request, so they are counted); each recorded involvement
// has its owner row and its audit entry; each applied submission item its stored result
// and its audit entry; each accepted supply has its stored answer and
// every record it matched or created its supplier link; each sign-in its session.
// What is reported missing names the account, the operation and the load test's own
// reference, never a child's details.
import { openPostgres } from '../../../service/store/postgres.js';

/** What the service answered 2xx, as the load test saw it. */
export interface Acknowledged {
  /** When the run began (ISO 8601): entries counted for searches and feed pages are from then on. */
  since: string;
  signIns: { userId: string; sessionId: string }[];
  reads: { userId: string; cpNumber: string; reason: string; ref: string }[];
  /** Per account: searches answered 200. */
  searches: Record<string, number>;
  /** Per account: feed pages answered 200. */
  feedPages: Record<string, number>;
  involvements: { userId: string; cpNumber: string; involvementId: string }[];
  /** Submission items answered applied. */
  submissions: { userId: string; idempotencyKey: string; cpNumber: string; version: number }[];
  supplies: {
    userId: string;
    idempotencyKey: string;
    records: { supplier: string; supplierRef: string; status: string; cpNumber?: string }[];
  }[];
}

export function emptyAcknowledged(since: Date): Acknowledged {
  return {
    since: since.toISOString(),
    signIns: [],
    reads: [],
    searches: {},
    feedPages: {},
    involvements: [],
    submissions: [],
    supplies: [],
  };
}

const batch = 5_000;
function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += batch) out.push(items.slice(i, i + batch));
  return out;
}

export async function verifyAcknowledged(
  databaseUrl: string,
  acknowledged: Acknowledged,
): Promise<{ checked: number; missing: string[] }> {
  // openPostgres reads a multi-host URL (target_session_attrs=read-write) as the service does.
  const client = await openPostgres(databaseUrl, { max: 1 });
  const missing: string[] = [];
  let checked = 0;
  try {
    // Sign-ins: the session exists.
    for (const part of chunks(acknowledged.signIns)) {
      const rows = await client.query<{ id: string; user_id: string }>(
        'SELECT id, user_id FROM sessions WHERE id = ANY($1)',
        [part.map((s) => s.sessionId)],
      );
      const found = new Set(rows.map((r) => `${r.user_id}\u0000${r.id}`));
      for (const s of part) {
        checked++;
        if (!found.has(`${s.userId}\u0000${s.sessionId}`)) missing.push(`sign-in of ${s.userId}: no session`);
      }
    }

    // Reads: each its own audit entry, by its reason's unique reference.
    for (const part of chunks(acknowledged.reads)) {
      const rows = await client.query<{ user_id: string; cp_number: string; reason: string }>(
        `SELECT user_id, cp_number, reason FROM audit_log
          WHERE action = 'read' AND user_id = ANY($1) AND reason = ANY($2)`,
        [[...new Set(part.map((r) => r.userId))], part.map((r) => r.reason)],
      );
      const found = new Set(rows.map((r) => `${r.user_id}\u0000${r.cp_number}\u0000${r.reason}`));
      for (const r of part) {
        checked++;
        if (!found.has(`${r.userId}\u0000${r.cpNumber}\u0000${r.reason}`))
          missing.push(`read by ${r.userId} ref ${r.ref}: no audit entry`);
      }
    }

    // Searches and feed pages: counted per account since the run began.
    const counted = async (action: string, what: string, acked: Record<string, number>) => {
      const users = Object.keys(acked);
      if (users.length === 0) return;
      const rows = await client.query<{ user_id: string; n: number }>(
        `SELECT user_id, count(*) AS n FROM audit_log
          WHERE action = $1 AND user_id = ANY($2) AND at >= $3 GROUP BY user_id`,
        [action, users, new Date(acknowledged.since)],
      );
      const found = new Map(rows.map((r) => [r.user_id, Number(r.n)]));
      for (const user of users) {
        const want = acked[user]!;
        const have = found.get(user) ?? 0;
        checked += want;
        if (have < want)
          missing.push(`${what} by ${user}: ${want} answered, ${have} audit entries (${want - have} missing)`);
      }
    };
    await counted('search', 'searches', acknowledged.searches);
    await counted('sync-read', 'feed pages', acknowledged.feedPages);

    // Involvements: the owner row and the audit entry.
    for (const part of chunks(acknowledged.involvements)) {
      const ids = part.map((i) => i.involvementId);
      const owners = await client.query<{ cp_number: string; involvement_id: string; user_id: string }>(
        'SELECT cp_number, involvement_id, user_id FROM involvement_owners WHERE involvement_id = ANY($1)',
        [ids],
      );
      const audited = await client.query<{ user_id: string; cp_number: string; involvement_id: string }>(
        `SELECT user_id, cp_number, detail->>'involvementId' AS involvement_id FROM audit_log
          WHERE action = 'involvement-recorded' AND user_id = ANY($1) AND detail->>'involvementId' = ANY($2)`,
        [[...new Set(part.map((i) => i.userId))], ids],
      );
      const key = (r: { user_id: string; cp_number: string; involvement_id: string }) =>
        `${r.user_id}\u0000${r.cp_number}\u0000${r.involvement_id}`;
      const owned = new Set(owners.map(key));
      const entries = new Set(audited.map(key));
      for (const i of part) {
        checked++;
        const k = `${i.userId}\u0000${i.cpNumber}\u0000${i.involvementId}`;
        if (!owned.has(k)) missing.push(`involvement ${i.involvementId} by ${i.userId}: not recorded`);
        if (!entries.has(k)) missing.push(`involvement ${i.involvementId} by ${i.userId}: no audit entry`);
      }
    }

    // Submissions: the stored result under the item's key, and the change's audit entry.
    for (const part of chunks(acknowledged.submissions)) {
      const keys = part.map((s) => s.idempotencyKey);
      const stored = await client.query<{ user_id: string; idempotency_key: string; version: number }>(
        `SELECT user_id, idempotency_key, (result->>'version')::int AS version FROM submission_items
          WHERE idempotency_key = ANY($1) AND result->>'status' = 'applied'`,
        [keys],
      );
      const audited = await client.query<{ user_id: string; cp_number: string; version: number }>(
        `SELECT user_id, cp_number, (detail->>'version')::int AS version FROM audit_log
          WHERE action = 'record-changed' AND user_id = ANY($1) AND cp_number = ANY($2)`,
        [[...new Set(part.map((s) => s.userId))], part.map((s) => s.cpNumber)],
      );
      const applied = new Set(stored.map((r) => `${r.user_id}\u0000${r.idempotency_key}\u0000${r.version}`));
      const entries = new Set(audited.map((r) => `${r.user_id}\u0000${r.cp_number}\u0000${r.version}`));
      for (const s of part) {
        checked++;
        if (!applied.has(`${s.userId}\u0000${s.idempotencyKey}\u0000${s.version}`))
          missing.push(`submission ${s.idempotencyKey} by ${s.userId}: not applied`);
        if (!entries.has(`${s.userId}\u0000${s.cpNumber}\u0000${s.version}`))
          missing.push(`submission ${s.idempotencyKey} by ${s.userId}: no audit entry`);
      }
    }

    // Supplies: the stored answer under the key, and each matched or created record's link.
    for (const part of chunks(acknowledged.supplies)) {
      const stored = await client.query<{ user_id: string; idempotency_key: string }>(
        `SELECT user_id, idempotency_key FROM idempotent_requests
          WHERE operation = 'supply' AND idempotency_key = ANY($1) AND response_status BETWEEN 200 AND 299`,
        [part.map((s) => s.idempotencyKey)],
      );
      const answered = new Set(stored.map((r) => `${r.user_id}\u0000${r.idempotency_key}`));
      const applied = part.flatMap((s) => s.records.filter((r) => r.cpNumber !== undefined));
      const links = await client.query<{ supplier: string; supplier_ref: string }>(
        'SELECT supplier, supplier_ref FROM supply_links WHERE supplier_ref = ANY($1)',
        [applied.map((r) => r.supplierRef)],
      );
      const linked = new Set(links.map((r) => `${r.supplier}\u0000${r.supplier_ref}`));
      for (const s of part) {
        checked++;
        if (!answered.has(`${s.userId}\u0000${s.idempotencyKey}`))
          missing.push(`supply ${s.idempotencyKey} by ${s.userId}: no stored answer`);
        for (const r of s.records) {
          if (r.cpNumber === undefined) continue;
          checked++;
          if (!linked.has(`${r.supplier}\u0000${r.supplierRef}`))
            missing.push(`supply ${s.idempotencyKey} record ${r.supplierRef} (${r.status}): not applied`);
        }
      }
    }
  } finally {
    await client.close();
  }
  return { checked, missing };
}

// Versioned migrations: applied in order, each in its own transaction, recorded in
// schema_migrations. An advisory lock keeps two service instances from racing.
import type { Database } from './database.js';
import { sql as initial } from './migrations/001-initial.js';
import { sql as searchFormerNames } from './migrations/002-search-former-names.js';
import { sql as feedText } from './migrations/003-feed-text.js';
import { sql as idempotentRequests } from './migrations/004-idempotent-requests.js';
import { sql as suppliedInvolvements } from './migrations/005-supplied-involvements.js';
import { sql as unshieldRequests } from './migrations/006-unshield-requests.js';
import { sql as closedAccounts } from './migrations/007-closed-accounts.js';
import { sql as alertOutcomes } from './migrations/008-alert-outcomes.js';
import { sql as transfers } from './migrations/009-transfers.js';
import { sql as openInvolvements } from './migrations/010-open-involvements.js';
import { sql as figuresIndex } from './migrations/011-figures-index.js';
import { sql as accountRequests } from './migrations/012-account-requests.js';
import { sql as auditSeals } from './migrations/013-audit-seals.js';
import { sql as openReviewLinks } from './migrations/015-open-review-links.js';
import { sql as referrals } from './migrations/016-referrals.js';
import { sql as reviewSecondPerson } from './migrations/017-review-second-person.js';
import { sql as reviewBand } from './migrations/018-review-band.js';
import { sql as organisationStages } from './migrations/019-organisation-stages.js';
import { sql as practitionersToReady } from './migrations/020-practitioners-to-ready.js';
import { sql as helpdesk } from './migrations/021-helpdesk.js';
import { sql as dailySnapshots } from './migrations/022-daily-snapshots.js';
import { sql as auditPartitions } from './migrations/023-audit-partitions.js';
import { sql as searchNames } from './migrations/024-search-names.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'search-former-names', sql: searchFormerNames },
  { version: 3, name: 'feed-text', sql: feedText },
  { version: 4, name: 'idempotent-requests', sql: idempotentRequests },
  { version: 5, name: 'supplied-involvements', sql: suppliedInvolvements },
  { version: 6, name: 'unshield-requests', sql: unshieldRequests },
  { version: 7, name: 'closed-accounts', sql: closedAccounts },
  { version: 8, name: 'alert-outcomes', sql: alertOutcomes },
  { version: 9, name: 'transfers', sql: transfers },
  { version: 10, name: 'open-involvements', sql: openInvolvements },
  { version: 11, name: 'figures-index', sql: figuresIndex },
  { version: 12, name: 'account-requests', sql: accountRequests },
  { version: 13, name: 'audit-seals', sql: auditSeals },
  { version: 15, name: 'open-review-links', sql: openReviewLinks },
  { version: 16, name: 'referrals', sql: referrals },
  { version: 17, name: 'review-second-person', sql: reviewSecondPerson },
  { version: 18, name: 'review-band', sql: reviewBand },
  { version: 19, name: 'organisation-stages', sql: organisationStages },
  { version: 20, name: 'practitioners-to-ready', sql: practitionersToReady },
  { version: 21, name: 'helpdesk', sql: helpdesk },
  { version: 22, name: 'daily-snapshots', sql: dailySnapshots },
  { version: 23, name: 'audit-partitions', sql: auditPartitions },
  { version: 24, name: 'search-names', sql: searchNames },
];

const lockKey = 4_201_004;

/** Bring the store up to the latest version; returns the versions applied now. */
export async function migrate(db: Database, list: readonly Migration[] = migrations): Promise<number[]> {
  // Under the lock too: two concurrent CREATE TABLE IF NOT EXISTS can both find the
  // table missing, and the second then fails on a duplicate key in the catalogue.
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
  });
  const applied: number[] = [];
  for (const m of list) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (seen.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

/** The highest migration version this store has. */
export async function schemaVersion(db: Database): Promise<number> {
  const rows = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return rows[0]?.v ?? 0;
}

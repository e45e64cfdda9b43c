// Training mode's store: the deterministic dataset and the training accounts. The
// children are loaded once (a persistent store keeps them); the accounts are refreshed
// at every start so their enhanced-check dates stay relative to today.
import type { ChildRecord } from '../../domain/child-record.js';
import { addYears } from '../../domain/dates.js';
import { hashPassword } from '../auth/password.js';
import type { SecretBox } from '../auth/secret-box.js';
import type { Clock } from '../context.js';
import { today as todayOf } from '../context.js';
import { insertChildren, type Provenance } from '../records/child-store.js';
import { statementsOf, type SupplyProvenance } from '../supply/provenance.js';
import type { Database } from '../store/database.js';
import { trainingAccounts, trainingOrganisations } from './accounts.js';
import { generateChildren, type GeneratedChild } from './generator.js';

/** Enough that Wirral alone holds over 20,000 children (about 86% are Wirral's). */
export const defaultTrainingCount = 24_000;
export const trainingSeed = 'contactpoint-training';

export interface SeedProgress {
  loaded: number;
  total: number;
}

/** A supplier's reference to a child, as supply intake keeps it (supply_links). */
export interface SeedLink {
  supplier: string;
  ref: string;
  cp: string;
}

/**
 * What the store keeps beside a generated child's record: each field attributed to the
 * latest supply that carried it, with every supplier's statement, typos and all (the
 * discrepancies cleansing works on), and each supplier's reference. The national loader
 * (national-load.ts) writes the same.
 */
export function seedRowsOf(child: GeneratedChild): { provenance: SupplyProvenance; links: SeedLink[] } {
  const provenance: SupplyProvenance = {};
  const links: SeedLink[] = [];
  for (const s of [...child.supplies].sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : 1))) {
    for (const [field, value] of Object.entries(statementsOf(s))) {
      const values = { ...provenance[field]?.values, [s.supplier]: { value, date: s.receivedAt } };
      provenance[field] = { supplier: s.supplier, date: s.receivedAt, values };
    }
    // An authority's adapter's references are its own (see supply/intake.ts linkSupplier).
    const supplier = s.supplier === 'local-authority' ? `local-authority:${child.record.localAuthority}` : s.supplier;
    links.push({ supplier, ref: s.supplierRef, cp: child.record.cpNumber });
  }
  return { provenance, links };
}

/**
 * Load the training children if the store has none; returns how many were loaded.
 * `seed` and `authorities` (national mode) are for tests and the national loader's
 * comparison; the training store uses neither.
 */
export async function seedTrainingChildren(
  db: Database,
  clock: Clock,
  options: {
    count?: number;
    seed?: string;
    authorities?: number;
    onProgress?: (p: SeedProgress) => void;
  } = {},
): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM children');
  if ((row?.n ?? 0) > 0) return 0;
  const total = options.count ?? defaultTrainingCount;
  const at = clock.now();
  const batchSize = 2_000;
  let batch: ChildRecord[] = [];
  const provenanceOf = new Map<string, Provenance>();
  const links: SeedLink[] = [];
  let loaded = 0;
  const flush = async () => {
    const records = batch;
    const linkRows = links.splice(0);
    batch = [];
    await db.transaction(async (tx) => {
      await insertChildren(tx, records, { at, provenance: (r) => provenanceOf.get(r.cpNumber) ?? {} });
      await tx.query(
        `INSERT INTO supply_links (supplier, supplier_ref, cp_number)
         SELECT l.supplier, l.ref, l.cp FROM jsonb_to_recordset($1::jsonb) AS l(supplier text, ref text, cp text)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(linkRows)],
      );
    });
    provenanceOf.clear();
    loaded += records.length;
    options.onProgress?.({ loaded, total });
  };
  const children = generateChildren({
    seed: options.seed ?? trainingSeed,
    count: total,
    today: todayOf(clock),
    authorities: options.authorities,
  });
  for (const child of children) {
    batch.push(child.record);
    const rows = seedRowsOf(child);
    links.push(...rows.links);
    provenanceOf.set(child.record.cpNumber, rows.provenance);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return loaded;
}

/**
 * Create or refresh the training organisations and accounts. A training account a
 * trainee closed is opened again: training accounts always exist as the README lists them.
 */
export async function seedTrainingAccounts(db: Database, clock: Clock, secrets: SecretBox): Promise<void> {
  const today = todayOf(clock);
  const hashes = await Promise.all(trainingAccounts.map((a) => hashPassword(a.password)));
  await db.transaction(async (tx) => {
    for (const o of trainingOrganisations) {
      await tx.query(
        `INSERT INTO organisations (id, name, kind, accredited, local_authority, supplier) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET name = $2, kind = $3, accredited = $4, local_authority = $5, supplier = $6`,
        [o.id, o.name, o.kind, o.accredited, o.localAuthority, o.supplier],
      );
    }
    for (const [i, a] of trainingAccounts.entries()) {
      const checked = a.enhancedCheckYearsAgo === null ? null : addYears(today, -a.enhancedCheckYearsAgo);
      await tx.query(
        `INSERT INTO users (id, name, organisation_id, roles, local_authority, enhanced_check_date, training_completed,
                            agreement_signed, suspended, password_hash, totp_secret, contact)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)
         ON CONFLICT (id) DO UPDATE SET name = $2, organisation_id = $3, roles = $4, local_authority = $5,
           enhanced_check_date = $6, training_completed = $7, agreement_signed = $8, suspended = $9,
           password_hash = $10, totp_secret = $11, contact = $12::jsonb, closed_at = NULL`,
        [
          a.id,
          a.name,
          a.organisationId,
          a.roles,
          a.localAuthority,
          checked,
          a.trainingCompleted,
          a.agreementSigned,
          a.suspended,
          hashes[i]!,
          secrets.seal(a.totpSecret, a.id),
          JSON.stringify(a.contact),
        ],
      );
    }
  });
}

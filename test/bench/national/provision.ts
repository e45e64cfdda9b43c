// Accounts and search targets for the national load test, written straight into the
// database as its superuser (as the training seed writes its accounts): accredited
// organisations per authority, vetted practitioners and LA team members each with a
// smartcard key of their own registered in card_keys, supplier systems, and a sample of
// real children to look for. Account management through the API (two people, activation)
// is not what this test measures; card sign-in and every request after it are.
//
// No audit entries are written here: the audit trail is sealed with the service's key,
// which this process does not hold, so the registrations are visible in card_keys only.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Supplier } from '../../../domain/child-record.js';
import { openPostgres } from '../../../service/store/postgres.js';
import type { Queryable } from '../../../service/store/database.js';

export interface LoadAccount {
  id: string;
  /** PKCS#8 PEM of the account's card key (P-256): only this process holds it. */
  cardKeyPem: string;
}

export interface LoadTeam extends LoadAccount {
  localAuthority: string;
  /** The feed position the team's working set had reached when provisioned (its first `after`). */
  startSeq: number;
}

export interface LoadSupplier extends LoadAccount {
  supplier: Supplier;
}

/** A child to look for: real data from the store, kept in memory only. */
export interface LoadChild {
  cpNumber: string;
  localAuthority: string;
  given: string;
  family: string;
  dob: string;
  gender: string;
  address: { lines: string[]; postcode: string } | null;
  nhsNumber?: string;
}

export interface LoadUsers {
  /** Distinguishes this provisioning's accounts and references from any other's. */
  runTag: string;
  practitioners: LoadAccount[];
  teams: LoadTeam[];
  suppliers: LoadSupplier[];
  children: LoadChild[];
}

/** How many children to sample as search targets and supplies. */
const sampleSize = 2_000;
const supplier: Supplier = 'nhs';

function cardKey(): { pem: string; jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string } } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    jwk: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! },
  };
}

/** RFC 7638 thumbprint of a P-256 public JWK (SHA-256, base64url). */
export function thumbprintOf(jwk: { crv: string; kty: string; x: string; y: string }): string {
  const canonical = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`;
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

function checkCount(name: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min || n > 100_000)
    throw new Error(`provisionLoadUsers: ${name} must be a whole number from ${min} to 100000 (got ${String(n)}).`);
}

/**
 * Make `counts` accounts, spread over the authorities (all the store's, or
 * options.authorities), and sample children to search for. Each call makes new accounts
 * (ids load-<tag>-...), so runs never share a user.
 */
export async function provisionLoadUsers(
  databaseUrl: string,
  counts: { practitioners: number; teams: number; suppliers: number },
  options: { authorities?: string[] } = {},
): Promise<LoadUsers> {
  checkCount('practitioners', counts.practitioners, 1);
  checkCount('teams', counts.teams, 0);
  checkCount('suppliers', counts.suppliers, 0);
  const runTag = randomBytes(4).toString('hex');
  // openPostgres reads a multi-host URL (target_session_attrs=read-write) as the service does.
  const db = await openPostgres(databaseUrl, { max: 1 });
  try {
    const authorities = options.authorities ?? (await storeAuthorities(db));
    if (authorities.length === 0) throw new Error('provisionLoadUsers: the store holds no children to search for.');
    for (const la of authorities)
      if (!/^E\d{8}$/.test(la)) throw new Error(`provisionLoadUsers: "${la}" is not an ONS authority code.`);

    const children = await sampleChildren(db, authorities);
    if (children.length === 0)
      throw new Error('provisionLoadUsers: no active, unshielded children in those authorities to search for.');

    const today = new Date().toISOString().slice(0, 10);
    const checked = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`.replace(/-02-29$/, '-02-28');
    const now = new Date();
    return await db.transaction(async (tx) => {
      const org = async (id: string, name: string, kind: string, la: string | null, sup: string | null) =>
        tx.query(
          `INSERT INTO organisations (id, name, kind, accredited, local_authority, supplier) VALUES ($1, $2, $3, true, $4, $5)
           ON CONFLICT (id) DO NOTHING`,
          [id, name, kind, la, sup],
        );
      const user = async (id: string, orgId: string, roles: string[], la: string | null): Promise<string> => {
        const key = cardKey();
        await tx.query(
          `INSERT INTO users (id, name, organisation_id, roles, local_authority, enhanced_check_date, training_completed, agreement_signed)
           VALUES ($1, $2, $3, $4, $5, $6, true, true)`,
          [id, `Load ${id}`, orgId, roles, la, checked],
        );
        await tx.query(
          `INSERT INTO card_keys (user_id, thumbprint, public_jwk, registered_at) VALUES ($1, $2, $3::jsonb, $4)`,
          [id, thumbprintOf(key.jwk), JSON.stringify(key.jwk), now],
        );
        return key.pem;
      };
      for (const la of authorities) {
        await org(`load-gp-${la}`, `Load test practice ${la}`, 'gp-practice', la, null);
        await org(`load-la-${la}`, `Load test council ${la}`, 'local-authority', la, null);
      }
      await org('load-supplier-nhs', 'Load test NHS feed', 'supplier', null, supplier);

      const practitioners: LoadAccount[] = [];
      for (let i = 0; i < counts.practitioners; i++) {
        const la = authorities[i % authorities.length]!;
        const id = `load-${runTag}-p${i}`;
        practitioners.push({ id, cardKeyPem: await user(id, `load-gp-${la}`, ['practitioner'], la) });
      }
      const heads = new Map(
        (
          await tx.query<{ local_authority: string; last_seq: number }>(
            'SELECT local_authority, last_seq FROM change_heads WHERE local_authority = ANY($1)',
            [authorities],
          )
        ).map((r) => [r.local_authority, Number(r.last_seq)]),
      );
      const teams: LoadTeam[] = [];
      for (let i = 0; i < counts.teams; i++) {
        const la = authorities[i % authorities.length]!;
        const id = `load-${runTag}-t${i}`;
        teams.push({
          id,
          cardKeyPem: await user(id, `load-la-${la}`, ['la-team'], la),
          localAuthority: la,
          // A team that synced recently: a short backlog, then deltas as they come.
          startSeq: Math.max(0, (heads.get(la) ?? 0) - 200),
        });
      }
      const suppliers: LoadSupplier[] = [];
      for (let i = 0; i < counts.suppliers; i++) {
        const id = `load-${runTag}-s${i}`;
        suppliers.push({ id, cardKeyPem: await user(id, 'load-supplier-nhs', ['supplier-system'], null), supplier });
      }
      return { runTag, practitioners, teams, suppliers, children };
    });
  } finally {
    await db.close();
  }
}

async function storeAuthorities(db: Queryable): Promise<string[]> {
  // change_heads has one row per authority with a feed: cheap at any size.
  const heads = await db.query<{ local_authority: string }>(
    'SELECT local_authority FROM change_heads ORDER BY local_authority',
  );
  if (heads.length > 0) return heads.map((r) => r.local_authority);
  const rows = await db.query<{ local_authority: string }>(
    'SELECT DISTINCT local_authority FROM children ORDER BY local_authority',
  );
  return rows.map((r) => r.local_authority);
}

interface SampledRow {
  cp_number: string;
  local_authority: string;
  record: {
    name: { given: string; family: string };
    dob: string;
    gender: string;
    address: { lines: string[]; postcode: string } | null;
    identifiers?: { nhsNumber?: string };
  };
}

/**
 * Up to sampleSize active, unshielded, living children of those authorities. A large
 * table is sampled by blocks (TABLESAMPLE SYSTEM), never sorted whole.
 */
async function sampleChildren(db: Queryable, authorities: string[]): Promise<LoadChild[]> {
  const [estimate] = await db.query<{ n: number }>(
    "SELECT GREATEST(reltuples, 0)::bigint AS n FROM pg_class WHERE oid = 'children'::regclass",
  );
  const total = Number(estimate?.n ?? 0);
  const percent = total > 50_000 ? Math.min(100, (100 * sampleSize * 20) / total) : 100;
  const rows = await db.query<SampledRow>(
    `SELECT cp_number, local_authority, record FROM children TABLESAMPLE SYSTEM (${percent.toFixed(6)})
      WHERE status = 'active' AND NOT shielded AND NOT shield_pending AND local_authority = ANY($1)
        AND NOT (record ? 'dateOfDeath')
      ORDER BY random() LIMIT ${sampleSize}`,
    [authorities],
  );
  return rows.map((r) => ({
    cpNumber: r.cp_number,
    localAuthority: r.local_authority,
    given: r.record.name.given,
    family: r.record.name.family,
    dob: r.record.dob,
    gender: r.record.gender,
    address: r.record.address,
    ...(r.record.identifiers?.nhsNumber !== undefined ? { nhsNumber: r.record.identifiers.nhsNumber } : {}),
  }));
}

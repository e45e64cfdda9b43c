// Shared fixtures of the record tests: a store with a few organisations and users, the
// actors they sign in as, and how a test reads the audit log and a refusal. Children
// come from test/support/children.ts.
import type { Actor, Organisation, Role } from '../../../../domain/roles.js';
import { ApiError } from '../../../../service/http/api-error.js';
import type { Queryable } from '../../../../service/store/database.js';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../../../support/children.js';

export const organisations: Record<string, Organisation> = {
  gp: {
    id: 'org-gp',
    name: 'Argyle Medical Centre',
    kind: 'gp-practice',
    accredited: true,
    localAuthority: WIRRAL,
    supplier: null,
  },
  wirral: {
    id: 'org-wirral',
    name: 'Wirral Council',
    kind: 'local-authority',
    accredited: true,
    localAuthority: WIRRAL,
    supplier: null,
  },
  cheshire: {
    id: 'org-cheshire',
    name: 'Cheshire West Council',
    kind: 'local-authority',
    accredited: true,
    localAuthority: CHESHIRE_WEST_AND_CHESTER,
    supplier: null,
  },
  national: {
    id: 'org-national',
    name: 'ContactPoint National Service',
    kind: 'national',
    accredited: true,
    localAuthority: null,
    supplier: null,
  },
  nhs: {
    id: 'org-nhs',
    name: 'NHS registrations feed',
    kind: 'supplier',
    accredited: true,
    localAuthority: null,
    supplier: 'nhs',
  },
};

interface UserFixture {
  id: string;
  name: string;
  roles: Role[];
  org: keyof typeof organisations;
  localAuthority: string | null;
  contact?: Record<string, unknown>;
}

const users: UserFixture[] = [
  {
    id: 'u-practitioner',
    name: 'Alex Morgan',
    roles: ['practitioner'],
    org: 'gp',
    localAuthority: WIRRAL,
    contact: { phone: '0151 496 0000', email: 'alex.morgan@example.org' },
  },
  {
    id: 'u-practitioner-2',
    name: 'Bea Collins',
    roles: ['practitioner'],
    org: 'gp',
    localAuthority: WIRRAL,
    contact: { phone: 'not a phone' },
  },
  {
    id: 'u-child-protection',
    name: 'Sam Taylor',
    roles: ['practitioner', 'child-protection'],
    org: 'wirral',
    localAuthority: WIRRAL,
  },
  { id: 'u-la-wirral', name: 'Jordan Lee', roles: ['la-team'], org: 'wirral', localAuthority: WIRRAL },
  {
    id: 'u-la-cheshire',
    name: 'Morgan Price',
    roles: ['la-team'],
    org: 'cheshire',
    localAuthority: CHESHIRE_WEST_AND_CHESTER,
  },
  { id: 'u-data-manager', name: 'Chris Patel', roles: ['data-manager'], org: 'wirral', localAuthority: WIRRAL },
  { id: 'u-national-admin', name: 'Robin Hughes', roles: ['national-admin'], org: 'national', localAuthority: null },
  { id: 'u-supplier', name: 'NHS feed', roles: ['supplier-system'], org: 'nhs', localAuthority: null },
];

export type ActorName =
  | 'practitioner'
  | 'practitioner-2'
  | 'child-protection'
  | 'la-wirral'
  | 'la-cheshire'
  | 'data-manager'
  | 'national-admin'
  | 'supplier';

export function actor(name: ActorName): Actor {
  const u = users.find((x) => x.id === `u-${name}`);
  if (!u) throw new Error(`no fixture user ${name}`);
  return {
    userId: u.id,
    name: u.name,
    roles: u.roles,
    organisation: organisations[u.org]!,
    localAuthority: u.localAuthority,
    sessionId: `s-${u.id}`,
  };
}

export async function seedAccounts(db: Queryable): Promise<void> {
  for (const o of Object.values(organisations)) {
    await db.query(
      'INSERT INTO organisations (id, name, kind, accredited, local_authority, supplier) VALUES ($1, $2, $3, $4, $5, $6)',
      [o.id, o.name, o.kind, o.accredited, o.localAuthority, o.supplier],
    );
  }
  for (const u of users) {
    await db.query(
      'INSERT INTO users (id, name, organisation_id, roles, local_authority, contact) VALUES ($1, $2, $3, $4, $5, $6::jsonb)',
      [u.id, u.name, organisations[u.org]!.id, u.roles, u.localAuthority, u.contact ? JSON.stringify(u.contact) : null],
    );
  }
}

export interface AuditRow {
  seq: number;
  user_id: string | null;
  action: string;
  cp_number: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
}

export async function lastAudit(db: Queryable): Promise<AuditRow | undefined> {
  const [row] = await db.query<AuditRow>(
    'SELECT seq, user_id, action, cp_number, reason, detail FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  return row;
}

/** Run `work` and return the ApiError it throws, so a test can check its status and code. */
export async function refusal(work: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try {
    await work;
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a refusal, but it succeeded');
}

// Shared fixtures of the record tests: a store with a few organisations and users, and
// children built by hand so each test can see what it is searching for.
import type { ChildRecord } from '../../../../domain/child-record.js';
import { cpNumberFromSerial } from '../../../../domain/cp-number.js';
import type { Actor, Organisation, Role } from '../../../../domain/roles.js';
import { ApiError } from '../../../../service/http/api-error.js';
import { insertChild } from '../../../../service/records/child-store.js';
import type { Database, Queryable } from '../../../../service/store/database.js';

export const WIRRAL = 'E08000015';
export const CHESHIRE = 'E06000050';

export const organisations: Record<string, Organisation> = {
  gp: { id: 'org-gp', name: 'Argyle Medical Centre', kind: 'gp-practice', accredited: true, localAuthority: WIRRAL, supplier: null },
  wirral: { id: 'org-wirral', name: 'Wirral Council', kind: 'local-authority', accredited: true, localAuthority: WIRRAL, supplier: null },
  cheshire: { id: 'org-cheshire', name: 'Cheshire West Council', kind: 'local-authority', accredited: true, localAuthority: CHESHIRE, supplier: null },
  national: { id: 'org-national', name: 'ContactPoint National Service', kind: 'national', accredited: true, localAuthority: null, supplier: null },
  nhs: { id: 'org-nhs', name: 'NHS registrations feed', kind: 'supplier', accredited: true, localAuthority: null, supplier: 'nhs' },
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
  { id: 'u-practitioner', name: 'Alex Morgan', roles: ['practitioner'], org: 'gp', localAuthority: WIRRAL, contact: { phone: '0151 496 0000', email: 'alex.morgan@example.org' } },
  { id: 'u-practitioner-2', name: 'Bea Collins', roles: ['practitioner'], org: 'gp', localAuthority: WIRRAL, contact: { phone: 'not a phone' } },
  { id: 'u-child-protection', name: 'Sam Taylor', roles: ['practitioner', 'child-protection'], org: 'wirral', localAuthority: WIRRAL },
  { id: 'u-la-wirral', name: 'Jordan Lee', roles: ['la-team'], org: 'wirral', localAuthority: WIRRAL },
  { id: 'u-la-cheshire', name: 'Morgan Price', roles: ['la-team'], org: 'cheshire', localAuthority: CHESHIRE },
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
  return { userId: u.id, name: u.name, roles: u.roles, organisation: organisations[u.org]!, localAuthority: u.localAuthority, sessionId: `s-${u.id}` };
}

export async function seedAccounts(db: Queryable): Promise<void> {
  for (const o of Object.values(organisations)) {
    await db.query('INSERT INTO organisations (id, name, kind, accredited, local_authority, supplier) VALUES ($1, $2, $3, $4, $5, $6)', [
      o.id,
      o.name,
      o.kind,
      o.accredited,
      o.localAuthority,
      o.supplier,
    ]);
  }
  for (const u of users) {
    await db.query(
      'INSERT INTO users (id, name, organisation_id, roles, local_authority, contact) VALUES ($1, $2, $3, $4, $5, $6::jsonb)',
      [u.id, u.name, organisations[u.org]!.id, u.roles, u.localAuthority, u.contact ? JSON.stringify(u.contact) : null],
    );
  }
}

let nextSerial = 10_000_000;

/** A valid record with a fresh CP number; override what the test is about. */
export function child(over: Partial<Omit<ChildRecord, 'name'>> & { given?: string; family?: string; former?: string[] } = {}): ChildRecord {
  const { given, family, former, ...rest } = over;
  return {
    cpNumber: cpNumberFromSerial(nextSerial++),
    localAuthority: WIRRAL,
    name: { given: given ?? 'Amelia', family: family ?? 'Jones', former: (former ?? []).map((f) => ({ family: f })) },
    gender: 'female',
    dob: '2012-05-20',
    whereabouts: 'current',
    address: { lines: ['12 Argyle Street', 'Birkenhead'], postcode: 'CH41 1AA' },
    shielded: false,
    archiveAge: 18,
    parents: [{ name: 'Sarah Jones', relationship: 'mother', contact: { phone: '0151 496 0100', email: 'sarah@example.org' } }],
    education: { name: 'Birkenhead Primary School', urn: '105000', contact: { phone: '0151 496 0001' }, startDate: '2016-09-05' },
    gp: { name: 'Argyle Medical Centre', odsCode: 'N82001', contact: { phone: '0151 496 0002' } },
    involvements: [],
    identifiers: { supplierRefs: [] },
    version: 1,
    ...rest,
  };
}

export async function addChild(db: Database, record: ChildRecord, options: { shieldPending?: boolean } = {}): Promise<ChildRecord> {
  await db.transaction((tx) => insertChild(tx, record, { at: new Date('2025-01-01T09:00:00Z'), ...options }));
  return record;
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
  const [row] = await db.query<AuditRow>('SELECT seq, user_id, action, cp_number, reason, detail FROM audit_log ORDER BY seq DESC LIMIT 1');
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

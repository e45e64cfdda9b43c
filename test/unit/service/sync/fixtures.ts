// Shared fixtures of the sync and supply tests: a migrated in-memory store with a
// settable clock, actors of each kind, and children built by hand.
import { randomBytes } from 'node:crypto';
import type { ChildRecord, SupplierRecord } from '../../../../domain/child-record.js';
import { cpNumberFromSerial } from '../../../../domain/cp-number.js';
import { nhsCheckDigit } from '../../../../domain/nhs-number.js';
import type { Actor, Organisation, Role } from '../../../../domain/roles.js';
import { SettableClock, type ServiceContext } from '../../../../service/context.js';
import { openPglite } from '../../../../service/store/pglite.js';
import { migrate } from '../../../../service/store/migrations.js';
import { testSecrets } from '../../../support/secrets.js';

export const WIRRAL = 'E08000015';
export const CHESHIRE = 'E06000050';

export async function openContext(): Promise<ServiceContext & { clock: SettableClock }> {
  const db = await openPglite();
  await migrate(db);
  return { db, clock: new SettableClock(new Date('2025-03-01T10:00:00Z')), randomBytes: (n) => randomBytes(n), trainingMode: false, secrets: testSecrets };
}

function organisation(kind: Organisation['kind'], localAuthority: string | null, supplier: string | null = null): Organisation {
  return { id: `org-${kind}-${localAuthority ?? supplier ?? 'national'}`, name: 'Test organisation', kind, accredited: true, localAuthority, supplier };
}

export function laTeam(localAuthority: string, userId = `u-la-${localAuthority}`): Actor {
  return actorOf(userId, ['la-team'], organisation('local-authority', localAuthority), localAuthority);
}
export const dataManager = (): Actor => actorOf('u-data-manager', ['data-manager'], organisation('local-authority', WIRRAL), WIRRAL);
export const nationalAdmin = (): Actor => actorOf('u-national-admin', ['national-admin'], organisation('national', null), null);
export const practitioner = (): Actor => actorOf('u-practitioner', ['practitioner'], organisation('gp-practice', WIRRAL), WIRRAL);
export const supplierSystem = (supplier: string): Actor =>
  actorOf(`u-supplier-${supplier}`, ['supplier-system'], organisation('supplier', null, supplier), null);

function actorOf(userId: string, roles: Role[], org: Organisation, localAuthority: string | null): Actor {
  return { userId, name: 'Test user', roles, organisation: org, localAuthority, sessionId: `s-${userId}` };
}

let serial = 10_000;
/** A fresh ContactPoint number on every call (unique within a test process). */
export function nextCpNumber(): string {
  return cpNumberFromSerial(serial++);
}

let nhsSeed = 400_000_000;
/** A fresh valid NHS number on every call. */
export function nextNhsNumber(): string {
  for (;;) {
    const nine = String(nhsSeed++);
    const check = nhsCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

export function childRecord(over: Partial<ChildRecord> = {}): ChildRecord {
  return {
    cpNumber: nextCpNumber(),
    localAuthority: WIRRAL,
    name: { given: 'Oliver', family: 'Thompson', former: [] },
    gender: 'male',
    dob: '2015-03-04',
    whereabouts: 'current',
    address: { lines: ['12 Church Road', 'Birkenhead'], postcode: 'CH41 5AA' },
    shielded: false,
    archiveAge: 18,
    parents: [{ name: 'Sarah Thompson', relationship: 'mother' }],
    involvements: [],
    identifiers: { supplierRefs: [] },
    version: 1,
    ...over,
  };
}

export function supplierRecord(over: Partial<SupplierRecord> = {}): SupplierRecord {
  return {
    supplier: 'dwp',
    supplierRef: `REF-${serial++}`,
    receivedAt: '2025-02-01',
    name: { given: 'Oliver', family: 'Thompson', former: [] },
    gender: 'male',
    dob: '2015-03-04',
    address: { lines: ['12 Church Road', 'Birkenhead'], postcode: 'CH41 5AA' },
    ...over,
  };
}

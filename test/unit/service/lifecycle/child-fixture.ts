// A valid child record for the lifecycle and audit tests, written through the child
// store as the service writes children.
import { childRecordSchema, type ChildRecord } from '../../../../domain/child-record.js';
import { cpNumberFromSerial } from '../../../../domain/cp-number.js';
import { insertChild } from '../../../../service/records/child-store.js';
import type { Database } from '../../../../service/store/database.js';

export const WIRRAL = 'E08000015';
export const CHESHIRE_WEST = 'E06000050';

let nextSerial = 10_000_000;

export interface ChildSpec {
  dob: string;
  /** A family name unique to the test, so the test can look for it anywhere in the store. */
  family: string;
  localAuthority?: string;
  archiveAge?: number;
  dateOfDeath?: string;
}

export function childRecord(spec: ChildSpec): ChildRecord {
  return childRecordSchema.parse({
    cpNumber: cpNumberFromSerial(nextSerial++),
    localAuthority: spec.localAuthority ?? WIRRAL,
    name: { given: 'Tamsin', family: spec.family, former: [] },
    gender: 'female',
    dob: spec.dob,
    ...(spec.dateOfDeath ? { dateOfDeath: spec.dateOfDeath } : {}),
    whereabouts: 'current',
    address: { lines: ['14 Marlowe Road'], postcode: 'CH44 3DA' },
    shielded: false,
    archiveAge: spec.archiveAge ?? 18,
    parents: [{ name: `Morwenna ${spec.family}`, relationship: 'mother', contact: { phone: '0151 496 0123' } }],
    involvements: [
      { id: 'inv-1', service: 'School nursing', sensitive: false, leadProfessional: false, cafCompleted: false, startDate: spec.dob },
    ],
    identifiers: { supplierRefs: [{ supplier: 'nhs', reference: `NHS-${spec.family}` }] },
    version: 1,
  });
}

/** Insert a child as of `at`; returns its ContactPoint number. */
export async function addChild(db: Database, spec: ChildSpec, at: Date): Promise<string> {
  const record = childRecord(spec);
  await db.transaction((tx) => insertChild(tx, record, { at }));
  return record.cpNumber;
}

// Children for the tests, built by hand so each test can see what it is about: one
// builder of a full, valid record (parents, school and GP practice, with contact
// details) that a test overrides where it matters; a variant whose family name is in
// every part of the record, for tests that look for a child anywhere in the store; what
// a supplier sends about a child; and storing a child as the service does.
//
// Authority codes are the training data's, so the tests and the training data agree.
import { childRecordSchema, type ChildRecord, type SupplierRecord } from '../../domain/child-record.js';
import { cpNumberFromSerial } from '../../domain/cp-number.js';
import { nhsCheckDigit } from '../../domain/nhs-number.js';
import { insertChild } from '../../service/records/child-store.js';
import type { Database } from '../../service/store/database.js';
import {
  CHESHIRE_WEST_AND_CHESTER as cheshireWestAndChester,
  WIRRAL as wirral,
} from '../../service/training/places.js';

/** ONS codes of the training data's authorities. */
export const WIRRAL = wirral.code;
export const CHESHIRE_WEST_AND_CHESTER = cheshireWestAndChester.code;
/** A real authority the training data does not have: no ContactPoint team, no children. */
export const WESTMINSTER = 'E09000033';

let cpSerial = 10_000_000;
/** A fresh ContactPoint number on every call (unique within a test file). */
export function nextCpNumber(): string {
  return cpNumberFromSerial(cpSerial++);
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

export type ChildOverrides = Partial<ChildRecord> & {
  /** The serial of the ContactPoint number, for a test that needs the same number again; a fresh one otherwise. */
  serial?: number;
  /** The name's parts, over `name` (or the default name). */
  given?: string;
  family?: string;
  /** Former family names. */
  former?: string[];
};

/**
 * A valid record with a fresh ContactPoint number: Amelia Jones, a girl in Wirral, with
 * her mother's, her school's and her GP practice's contact details. Override what the
 * test is about; a field overridden with undefined is left out.
 */
export function child(over: ChildOverrides = {}): ChildRecord {
  const { serial, given, family, former, name, ...rest } = over;
  const named = name ?? { given: 'Amelia', family: 'Jones', former: [] };
  const record: Record<string, unknown> = {
    cpNumber: serial === undefined ? nextCpNumber() : cpNumberFromSerial(serial),
    localAuthority: WIRRAL,
    name: {
      ...named,
      ...(given !== undefined && { given }),
      ...(family !== undefined && { family }),
      ...(former !== undefined && { former: former.map((f) => ({ family: f })) }),
    },
    gender: 'female',
    dob: '2012-05-20',
    whereabouts: 'current',
    address: { lines: ['12 Argyle Street', 'Birkenhead'], postcode: 'CH41 1AA' },
    shielded: false,
    archiveAge: 18,
    parents: [
      { name: 'Sarah Jones', relationship: 'mother', contact: { phone: '0151 496 0100', email: 'sarah@example.org' } },
    ],
    education: {
      name: 'Birkenhead Primary School',
      urn: '105000',
      contact: { phone: '0151 496 0001' },
      startDate: '2016-09-05',
    },
    gp: { name: 'Argyle Medical Centre', odsCode: 'N82001', contact: { phone: '0151 496 0002' } },
    involvements: [],
    identifiers: { supplierRefs: [] },
    version: 1,
    ...rest,
  };
  return childRecordSchema.parse(Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)));
}

/**
 * A child whose family name is in every part of the record that can hold it (the
 * mother's name, the supplier's reference), so a test can look for the name anywhere
 * in the store: Tamsin, of Marlowe Road, with a school nursing involvement since birth
 * and no school or GP practice (the archive screenshot shows her record).
 */
export function traceableChild(over: ChildOverrides & { family: string; dob: string }): ChildRecord {
  const { family, dob } = over;
  return child({
    given: 'Tamsin',
    address: { lines: ['14 Marlowe Road'], postcode: 'CH44 3DA' },
    education: undefined,
    gp: undefined,
    parents: [{ name: `Morwenna ${family}`, relationship: 'mother', contact: { phone: '0151 496 0123' } }],
    involvements: [
      {
        id: 'inv-1',
        service: 'School nursing',
        sensitive: false,
        leadProfessional: false,
        cafCompleted: false,
        startDate: dob,
      },
    ],
    identifiers: { supplierRefs: [{ supplier: 'nhs', reference: `NHS-${family}` }] },
    ...over,
  });
}

/** Store `record` as the service stores children (through the child store), as of `at`; returns it. */
export async function addChild(
  db: Database,
  record: ChildRecord,
  options: { at?: Date; shieldPending?: boolean } = {},
): Promise<ChildRecord> {
  const { at = new Date('2025-01-01T09:00:00Z'), shieldPending } = options;
  await db.transaction((tx) => insertChild(tx, record, { at, ...(shieldPending !== undefined && { shieldPending }) }));
  return record;
}

let supplierSerial = 10_000;
/** What a supplier sends about a child: by default Oliver Thompson, a boy (not the default child), under a fresh reference. */
export function supplierRecord(over: Partial<SupplierRecord> = {}): SupplierRecord {
  return {
    supplier: 'dwp',
    supplierRef: `REF-${supplierSerial++}`,
    receivedAt: '2025-02-01',
    name: { given: 'Oliver', family: 'Thompson', former: [] },
    gender: 'male',
    dob: '2015-03-04',
    address: { lines: ['12 Church Road', 'Birkenhead'], postcode: 'CH41 5AA' },
    ...over,
  };
}

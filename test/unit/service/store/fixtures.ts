// Valid child records for the store tests, made distinct by a serial.
import { childRecordSchema, type ChildRecord } from '../../../../domain/child-record.js';
import { cpNumberFromSerial } from '../../../../domain/cp-number.js';

export const WIRRAL = 'E08000015';
export const CHESHIRE_WEST = 'E06000050';

/** A valid record for ContactPoint number `serial`, with `changes` applied on top. */
export function childRecord(serial: number, changes: Partial<ChildRecord> = {}): ChildRecord {
  return childRecordSchema.parse({
    cpNumber: cpNumberFromSerial(serial),
    localAuthority: WIRRAL,
    name: { given: 'Ada', family: "O'Brien-Smith", former: [{ family: 'Lovelace' }] },
    gender: 'female',
    dob: '2012-02-29',
    whereabouts: 'current',
    address: { lines: ['1 Hamilton Square', 'Birkenhead'], postcode: 'CH41 5AU' },
    shielded: false,
    archiveAge: 18,
    parents: [],
    involvements: [],
    identifiers: { nhsNumber: '9434765919', supplierRefs: [] },
    version: 1,
    ...changes,
  });
}

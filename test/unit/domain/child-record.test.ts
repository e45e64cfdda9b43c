import { describe, expect, it } from 'vitest';
import { childRecordSchema, type ChildRecord } from '../../../domain/child-record.js';

// Built by hand so that a change to the schema shows up here as a deliberate edit.
function validRecord(): ChildRecord {
  return {
    cpNumber: 'CP123456782',
    localAuthority: 'E08000015',
    name: { given: 'Amelia', family: 'Jones', former: [{ family: 'Smith' }] },
    gender: 'female',
    dob: '2012-02-29',
    whereabouts: 'current',
    address: { lines: ['12 Argyle Street', 'Birkenhead'], postcode: 'CH41 1AA' },
    shielded: false,
    archiveAge: 18,
    parents: [
      {
        name: 'Sarah Jones',
        relationship: 'mother',
        contact: { phone: '0151 496 0000', email: 'sarah.jones@example.org' },
      },
    ],
    education: {
      name: 'Birkenhead Primary School',
      urn: '105000',
      contact: { phone: '0151 496 0001' },
      startDate: '2016-09-05',
    },
    gp: { name: 'Argyle Medical Centre', odsCode: 'N82001', contact: { phone: '0151 496 0002' } },
    involvements: [
      {
        id: 'inv-1',
        service: 'School nursing',
        sensitive: false,
        leadProfessional: true,
        cafCompleted: false,
        startDate: '2019-01-07',
      },
      {
        id: 'inv-2',
        service: 'CAMHS',
        sensitive: true,
        sensitiveCategory: 'mental-health',
        leadProfessional: false,
        cafCompleted: false,
        startDate: '2022-03-01',
        endDate: '2023-03-01',
      },
    ],
    identifiers: {
      nhsNumber: '9434765919',
      upn: 'B801200005001',
      supplierRefs: [{ supplier: 'nhs', reference: 'PDS-0001' }],
    },
    version: 1,
  };
}

function issuesOf(input: unknown) {
  const result = childRecordSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error?.issues ?? [];
}

const pathOf = (issue: { path: PropertyKey[] }) => issue.path.map(String).join('.');

describe('childRecordSchema', () => {
  it('accepts a complete, valid record', () => {
    const result = childRecordSchema.safeParse(validRecord());
    expect(result.error?.issues).toBeUndefined();
    expect(result.success).toBe(true);
  });

  it('refuses an unknown field such as case notes, naming it', () => {
    // ContactPoint must never carry case information (SI 2007/2182 Schedule 1).
    const issues = issuesOf({ ...validRecord(), caseNotes: 'Disclosed at school on Monday' });
    const unknown = issues.find((i) => i.code === 'unrecognized_keys');
    expect(unknown).toBeDefined();
    expect(unknown && 'keys' in unknown ? unknown.keys : []).toEqual(['caseNotes']);
  });

  it('refuses a bad postcode, at address.postcode', () => {
    const record = validRecord();
    const issues = issuesOf({ ...record, address: { lines: ['12 Argyle Street'], postcode: 'CH41 1CA' } });
    expect(issues.map(pathOf)).toContain('address.postcode');
  });

  it('refuses a lower-case postcode: records hold the canonical form only', () => {
    const issues = issuesOf({ ...validRecord(), address: { lines: ['12 Argyle Street'], postcode: 'ch41 1aa' } });
    expect(issues.map(pathOf)).toContain('address.postcode');
  });

  it('refuses an NHS number with a wrong check digit, at identifiers.nhsNumber', () => {
    const record = validRecord();
    const issues = issuesOf({ ...record, identifiers: { ...record.identifiers, nhsNumber: '9434765918' } });
    expect(issues.map(pathOf)).toEqual(['identifiers.nhsNumber']);
  });

  it('refuses whereabouts "current" with no address, at address', () => {
    const issues = issuesOf({ ...validRecord(), whereabouts: 'current', address: null });
    expect(issues.map(pathOf)).toEqual(['address']);
  });

  it('accepts no address when there is no known address', () => {
    const result = childRecordSchema.safeParse({ ...validRecord(), whereabouts: 'no-known-address', address: null });
    expect(result.success).toBe(true);
  });

  it('refuses a sensitive involvement without its category, at that involvement', () => {
    const record = validRecord();
    const { sensitiveCategory: _dropped, ...withoutCategory } = record.involvements[1]!;
    const issues = issuesOf({ ...record, involvements: [record.involvements[0], withoutCategory] });
    expect(issues.map(pathOf)).toEqual(['involvements.1.sensitiveCategory']);
  });

  it('refuses a category on an involvement that is not sensitive', () => {
    const record = validRecord();
    const issues = issuesOf({
      ...record,
      involvements: [{ ...record.involvements[0]!, sensitiveCategory: 'sexual-health' }, record.involvements[1]],
    });
    expect(issues.map(pathOf)).toEqual(['involvements.0.sensitiveCategory']);
  });
});

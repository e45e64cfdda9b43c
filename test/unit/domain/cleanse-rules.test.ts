import { describe, expect, it } from 'vitest';
import {
  caseWords,
  checkRecord,
  ofCompulsorySchoolAge,
  RULE_IDS,
  RULES,
  type RuleId,
} from '../../../domain/cleanse/rules.js';
import type { ChildRecord } from '../../../domain/child-record.js';

const TODAY = '2026-11-25';

/** A clean record: no rule fires on it (the first test proves that). */
function clean(over: Partial<ChildRecord> & Record<string, unknown> = {}): ChildRecord {
  return {
    cpNumber: 'CP000000018',
    localAuthority: 'E08000015',
    name: { given: 'Oliver', family: 'Thompson', former: [] },
    gender: 'male',
    dob: '2015-03-04',
    whereabouts: 'current',
    address: { lines: ['12 Church Road', 'Birkenhead'], postcode: 'CH41 5AA' },
    shielded: false,
    archiveAge: 18,
    parents: [{ name: 'Sarah Thompson', relationship: 'mother' }],
    education: { name: 'Church Road Primary School', urn: '123456', contact: {}, startDate: '2019-09-04' },
    involvements: [
      {
        id: 'i1',
        service: 'School nursing',
        sensitive: false,
        leadProfessional: false,
        cafCompleted: false,
        startDate: '2025-09-01',
      },
    ],
    identifiers: { nhsNumber: '9434765919', upn: 'A123456789012', supplierRefs: [] },
    gp: { name: 'Church Road Surgery', odsCode: 'N82001', contact: {} },
    version: 1,
    ...over,
  } as ChildRecord;
}

const rulesOf = (record: unknown, provenance: unknown = null) =>
  checkRecord(record, provenance, TODAY).map((f) => f.rule);

describe('cleansing rules', () => {
  it('a clean record raises nothing; every rule has a title, an explanation and a priority', () => {
    expect(checkRecord(clean(), null, TODAY)).toEqual([]);
    for (const id of RULE_IDS) {
      expect(RULES[id].title.length).toBeGreaterThan(5);
      expect(RULES[id].explanation.length).toBeGreaterThan(40);
      expect(['urgent', 'high', 'normal', 'low']).toContain(RULES[id].priority);
    }
    expect(RULES['possible-duplicate-of-shielded'].priority).toBe('urgent');
  });

  const cases: [RuleId, string, unknown, unknown?][] = [
    [
      'invalid-nhs-number',
      'a wrong check digit',
      clean({ identifiers: { nhsNumber: '9434765910', supplierRefs: [] } }),
    ],
    ['invalid-upn', 'a wrong check letter', clean({ identifiers: { upn: 'B123456789012', supplierRefs: [] } })],
    [
      'invalid-postcode',
      'a postcode with a C in the inward code',
      clean({ address: { lines: ['1 A Road'], postcode: 'CH41 5CA' } }),
    ],
    [
      'invalid-postcode',
      "a parent's postcode",
      clean({
        parents: [
          {
            name: 'A Parent',
            relationship: 'mother',
            contact: { address: { lines: ['1 Road'], postcode: 'NOT A CODE' } },
          },
        ],
      }),
    ],
    ['missing-without-not-known', 'no gender at all', { ...clean(), gender: undefined }],
    ['missing-without-not-known', 'a current address that is null', { ...clean(), address: null }],
    [
      'missing-without-not-known',
      'left England with no intention given',
      { ...clean(), whereabouts: 'left-england', address: null },
    ],
    [
      'supplier-discrepancy',
      'GRO and NHS disagree on the date of birth',
      clean(),
      {
        dob: {
          supplier: 'nhs',
          date: '2025-02-01',
          values: {
            gro: { value: '2015-03-04', date: '2015-03-10' },
            nhs: { value: '2015-04-03', date: '2025-02-01' },
          },
        },
      },
    ],
    [
      'possible-case-information',
      'a diagnosis in the service name',
      clean({
        involvements: [
          {
            id: 'i1',
            service: 'CAMHS - ADHD diagnosis',
            sensitive: false,
            leadProfessional: false,
            cafCompleted: false,
            startDate: '2025-09-01',
          },
        ],
      }),
    ],
    ['no-educational-setting', 'an eleven-year-old with no setting', { ...clean(), education: undefined }],
    ['no-nhs-number', 'no NHS number', clean({ identifiers: { upn: 'A123456789012', supplierRefs: [] } })],
    ['no-gp-practice', 'no GP practice', { ...clean(), gp: undefined }],
    ['deceased-not-archived', 'died two years ago', clean({ dateOfDeath: '2024-06-01' })],
    ['archive-due', 'eighteen in ten days', clean({ dob: '2008-12-05', education: undefined })],
    [
      'stale-involvement',
      'open since 2020',
      clean({
        involvements: [
          {
            id: 'i1',
            service: 'Youth service',
            sensitive: false,
            leadProfessional: false,
            cafCompleted: false,
            startDate: '2020-01-01',
          },
        ],
      }),
    ],
  ];
  for (const [rule, what, record, provenance] of cases) {
    it(`${rule}: ${what}`, () => {
      const findings = checkRecord(record, provenance ?? null, TODAY);
      expect(findings.map((f) => f.rule)).toContain(rule);
      const finding = findings.find((f) => f.rule === rule)!;
      expect(finding.path.length).toBeGreaterThan(0);
      expect(finding.message.length).toBeGreaterThan(5);
    });
  }

  it('the health worklists leave out a child who has died or left England, and a wrong number is invalid, not missing', () => {
    const none = { identifiers: { supplierRefs: [] }, gp: undefined };
    expect(rulesOf({ ...clean(), ...none })).toEqual(expect.arrayContaining(['no-nhs-number', 'no-gp-practice']));
    for (const away of [
      { dateOfDeath: '2026-10-01' },
      { whereabouts: 'left-england', address: null, intendsToReturn: 'not-known' },
    ]) {
      const rules = rulesOf({ ...clean(), ...none, ...away });
      expect(rules).not.toContain('no-nhs-number');
      expect(rules).not.toContain('no-gp-practice');
    }
    const wrong = rulesOf(clean({ identifiers: { nhsNumber: '123', supplierRefs: [] } }));
    expect(wrong).toContain('invalid-nhs-number');
    expect(wrong).not.toContain('no-nhs-number');
  });

  it('a discrepancy lists each supplier with its value and date, newest first; agreeing suppliers raise nothing', () => {
    const prov = {
      dob: {
        supplier: 'nhs',
        date: '2025-02-01',
        values: { gro: { value: '2015-03-04', date: '2015-03-10' }, nhs: { value: '2015-04-03', date: '2025-02-01' } },
      },
    };
    const [f] = checkRecord(clean(), prov, TODAY).filter((x) => x.rule === 'supplier-discrepancy');
    expect(f!.values).toEqual([
      { supplier: 'nhs', value: '2015-04-03', date: '2025-02-01' },
      { supplier: 'gro', value: '2015-03-04', date: '2015-03-10' },
    ]);
    const agree = {
      address: {
        supplier: 'dwp',
        date: '2025-01-01',
        values: {
          dwp: { value: { lines: ['1 A Rd'], postcode: 'CH41 5AA' }, date: '2025-01-01' },
          nhs: { value: { postcode: 'CH41 5AA', lines: ['1 a rd'] }, date: '2024-01-01' },
        },
      },
    };
    expect(rulesOf(clean(), agree)).not.toContain('supplier-discrepancy');
    // A family that moved: DWP's old address from 2014 and the NHS's new one are history, not a discrepancy.
    const moved = {
      address: {
        supplier: 'nhs',
        date: '2025-01-01',
        values: {
          dwp: { value: { lines: ['1 Old Rd'], postcode: 'CH41 5AA' }, date: '2014-01-01' },
          nhs: { value: { lines: ['9 New Rd'], postcode: 'CH43 1AA' }, date: '2025-01-01' },
        },
      },
    };
    expect(rulesOf(clean(), moved)).not.toContain('supplier-discrepancy');
    // The same two addresses given within a few months of each other do disagree.
    const clash = {
      address: {
        ...moved.address,
        values: { ...moved.address.values, dwp: { ...moved.address.values.dwp, date: '2024-11-01' } },
      },
    };
    expect(rulesOf(clean(), clash)).toContain('supplier-discrepancy');
  });

  it('case words are whole words: "Grape Street" and "Stirling Police Station Road" differ', () => {
    expect(caseWords('12 Grape Street')).toEqual([]);
    expect(caseWords('Disclosure and self harm concerns')).toEqual(['disclosure', 'self harm', 'concerns']);
    expect(rulesOf(clean({ address: { lines: ['12 Grape Street'], postcode: 'CH41 5AA' } }))).toEqual([]);
  });

  it('compulsory school age runs from the September after the fifth birthday to June of the year the child turns 16', () => {
    expect(ofCompulsorySchoolAge('2021-08-31', '2026-09-01')).toBe(true);
    expect(ofCompulsorySchoolAge('2021-09-01', '2026-09-01')).toBe(false);
    expect(ofCompulsorySchoolAge('2010-08-31', '2026-06-30')).toBe(true);
    expect(ofCompulsorySchoolAge('2010-08-31', '2026-07-01')).toBe(false);
    // Under five, or after leaving: no "missing education" task.
    expect(rulesOf({ ...clean({ dob: '2023-01-01' }), education: undefined })).not.toContain('no-educational-setting');
  });

  it('an ended involvement, or a recent one, is not stale; a death last month is not yet due', () => {
    expect(
      rulesOf(
        clean({
          involvements: [
            {
              id: 'i1',
              service: 'Youth service',
              sensitive: false,
              leadProfessional: false,
              cafCompleted: false,
              startDate: '2020-01-01',
              endDate: '2021-01-01',
            },
          ],
        }),
      ),
    ).toEqual([]);
    expect(rulesOf(clean({ dateOfDeath: '2026-10-25' }))).not.toContain('deceased-not-archived');
  });

  it('garbage in: a non-object, nulls and wrong types give findings, never an exception', () => {
    expect(() => checkRecord('not a record', 42, TODAY)).not.toThrow();
    expect(rulesOf(null)).toEqual(expect.arrayContaining(['missing-without-not-known']));
    expect(rulesOf({ ...clean(), identifiers: { nhsNumber: 12345 } })).toContain('invalid-nhs-number');
  });
});

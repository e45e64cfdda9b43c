// The adapter's profiles, transforms and mapping: what a council's export becomes, and
// every way a row can be wrong, each named by field and column without its value.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileMapping } from '../../../domain/adapter/mapping.js';
import { looksLikeCaseInformation, parseProfile, ProfileError, type Profile } from '../../../domain/adapter/profile.js';
import { lookupCode, readDate, splitName, titleCase, ukPhone } from '../../../domain/adapter/transforms.js';
import {
  CASE_MANAGEMENT_COLUMNS,
  caseManagementRows,
  type CaseManagementRow,
} from '../../../service/training/exports.js';

const TODAY = '2026-12-04';
const shipped = (name: string) =>
  parseProfile(JSON.parse(readFileSync(`profiles/${name}.json`, 'utf8')) as unknown, name);

describe('transforms', () => {
  it.each([
    ['04/03/2015', 'DD/MM/YYYY', '2015-03-04'],
    ['4/3/2015', 'DD/MM/YYYY', '2015-03-04'],
    ['04/03/2015 00:00:00', 'DD/MM/YYYY', '2015-03-04'],
    ['2015-03-04T00:00:00Z', 'YYYY-MM-DD', '2015-03-04'],
    ['04-03-2015', 'DD-MM-YYYY', '2015-03-04'],
    ['04.03.2015', 'DD.MM.YYYY', '2015-03-04'],
    ['20150304', 'YYYYMMDD', '2015-03-04'],
    ['04/03/15', 'DD/MM/YY', '2015-03-04'],
    ['04/03/98', 'DD/MM/YY', '1998-03-04'],
    ['4-Mar-2015', 'DD-MMM-YYYY', '2015-03-04'],
    ['04 Sept 2015', 'DD-MMM-YYYY', '2015-09-04'],
    ['03/04/2015', 'MM/DD/YYYY', '2015-03-04'],
    ['2015/03/04', 'YYYY/MM/DD', '2015-03-04'],
  ] as const)('reads %s written %s', (value, format, iso) => {
    expect(readDate(value, format, TODAY)).toBe(iso);
  });

  it.each([
    ['2015-03-04', 'DD/MM/YYYY'],
    ['04/03/2015', 'YYYY-MM-DD'],
    ['4 March', 'DD-MMM-YYYY'],
    ['04-Foo-2015', 'DD-MMM-YYYY'],
    ['', 'YYYYMMDD'],
  ] as const)('refuses %s as %s', (value, format) => {
    expect(readDate(value, format, TODAY)).toBeNull();
  });

  it('cases names as people write them, without inventing capitals', () => {
    expect(titleCase("o'BRIEN-smith")).toBe("O'Brien-Smith");
    expect(titleCase('MCDONALD')).toBe('McDonald');
    expect(titleCase('MACHIN')).toBe('Machin');
    expect(titleCase('zoë anne')).toBe('Zoë Anne');
  });

  it('writes UK telephone numbers the way the record holds them', () => {
    expect(ukPhone('+44 (0)151 496 0000')).toBe('0151 496 0000');
    expect(ukPhone('0044 7700 900123')).toBe('07700 900123');
    expect(ukPhone('01514960000')).toBe('0151 496 0000');
    expect(ukPhone('020 7946 0000')).toBe('020 7946 0000');
    expect(ukPhone('12345')).toBeNull();
    expect(ukPhone('not a number')).toBeNull();
  });

  it('splits whole names three ways, and says when it cannot', () => {
    expect(splitName('Ellie May Evans', 'given-family')).toEqual({ given: 'Ellie May', family: 'Evans' });
    expect(splitName('EVANS Ellie', 'family-given')).toEqual({ given: 'Ellie', family: 'EVANS' });
    expect(splitName('Evans, Ellie May', 'family-comma-given')).toEqual({ given: 'Ellie May', family: 'Evans' });
    expect(splitName('Evans', 'given-family')).toBeNull();
    expect(splitName('Evans Ellie', 'family-comma-given')).toBeNull();
  });

  it('looks codes up trimmed and in any case', () => {
    expect(lookupCode(' m ', { m: 'male' })).toBe('male');
    expect(lookupCode('Y', { y: true })).toBe(true);
    expect(lookupCode('Q', { m: 'male' })).toBeUndefined();
  });
});

describe('profiles', () => {
  it('the shipped profiles are valid', () => {
    for (const name of ['case-management', 'school-census', 'febrl']) expect(shipped(name).profile).toBe(name);
  });

  it('refuses a profile with a field it does not know, naming the field', () => {
    const p = { ...JSON.parse(readFileSync('profiles/case-management.json', 'utf8')), colour: 'blue' } as Record<
      string,
      unknown
    >;
    expect(() => parseProfile(p)).toThrow(/colour/);
    const bad = JSON.parse(readFileSync('profiles/case-management.json', 'utf8')) as {
      fields: { dob: Record<string, unknown> };
    };
    bad.fields.dob = { column: 'Date of Birth', date: 'DD/MM/YYY' };
    expect(() => parseProfile(bad)).toThrow(/fields\.dob\.date/);
  });

  it('never maps a column whose name says it holds case information', () => {
    for (const c of [
      'Case Notes',
      'CaseNotes',
      'referral_reason',
      'Assessment (CAF)',
      'Diagnosis',
      'KeyWorkerComments',
      'Risk level',
      'Child protection plan',
    ])
      expect(looksLikeCaseInformation(c), c).toBe(true);
    for (const c of [
      'Address Line 1',
      'Postcode',
      'Surname',
      'Date of Birth',
      'NHS Number',
      'CAF Completed',
      'Main Carer Phone',
      'Service',
      'Team',
    ])
      expect(looksLikeCaseInformation(c), c).toBe(false);
    const p = JSON.parse(readFileSync('profiles/case-management.json', 'utf8')) as {
      fields: { involvement: { service: unknown } };
    };
    p.fields.involvement.service = { column: 'Referral Reason' };
    expect(() => parseProfile(p)).toThrow(ProfileError);
    expect(() => parseProfile(p)).toThrow(/"Referral Reason".*case information/);
  });

  it('a whole-name column needs its split; address lines and postcode come together', () => {
    const base = JSON.parse(readFileSync('profiles/school-census.json', 'utf8')) as { fields: Record<string, unknown> };
    const whole = structuredClone(base);
    delete whole.fields.given;
    delete whole.fields.family;
    whole.fields.fullName = { column: 'Name' };
    expect(() => parseProfile(whole)).toThrow(/nameSplit/);
    const noPostcode = structuredClone(base);
    delete noPostcode.fields.postcode;
    expect(() => parseProfile(noPostcode)).toThrow(/postcode/);
  });
});

describe('mapping a case-management export', () => {
  const profile = shipped('case-management');
  const identityOnly: Profile = {
    ...profile,
    fields: { ...profile.fields, parents: undefined, involvement: undefined },
  };
  const rows = [...caseManagementRows({ seed: 'adapter-mapping', count: 300, today: TODAY })];
  const row = (over: Partial<CaseManagementRow> = {}) =>
    ({ ...rows.find((r) => r['NHS Number'] !== '' && r.Postcode !== '')!, ...over }) as Record<string, string>;

  it('turns a row into a supply record: names cased, dates read, codes mapped, postcode and NHS number normalised', () => {
    const m = compileMapping(identityOnly, { today: TODAY });
    const r = row({
      Forename: 'ELLIE',
      Surname: "O'BRIEN",
      Gender: 'F',
      'Date of Birth': '04/03/2015',
      Postcode: 'ch496ba',
      'NHS Number': '999 358 3510',
    });
    const out = m.map(r, 7);
    expect(out.problems).toEqual([]);
    expect(out.record).toMatchObject({
      supplier: 'local-authority',
      supplierRef: r['Person ID'],
      name: { given: 'Ellie', family: "O'Brien" },
      gender: 'female',
      dob: '2015-03-04',
      nhsNumber: '9993583510',
      address: { postcode: 'CH49 6BA' },
    });
    expect(out.record!.receivedAt).toBe(
      `${r['Last Updated']!.slice(6, 10)}-${r['Last Updated']!.slice(3, 5)}-${r['Last Updated']!.slice(0, 2)}`,
    );
  });

  it('most generated rows are valid; the columns it does not map never appear in the record', () => {
    const m = compileMapping(identityOnly, { today: TODAY });
    const out = rows.map((r, i) => m.map(r as Record<string, string>, i + 2));
    expect(out.filter((o) => o.record !== null).length).toBeGreaterThan(rows.length * 0.9);
    const text = JSON.stringify(out.map((o) => o.record));
    for (const r of rows.slice(0, 50)) if (r['Case Notes']) expect(text).not.toContain(r['Case Notes']);
    expect(text).not.toContain('Referral');
    expect(CASE_MANAGEMENT_COLUMNS).toContain('Case Notes');
  });

  it.each([
    [
      'a date that is not in the format',
      { 'Date of Birth': '2015-03-04' },
      'dob',
      'Date of Birth',
      /not a date written DD\/MM\/YYYY/,
    ],
    [
      'a date that is not on the calendar',
      { 'Date of Birth': '31/02/2015' },
      'dob',
      'Date of Birth',
      /is not a real calendar date/,
    ],
    ['a date of birth in the future', { 'Date of Birth': '01/01/2030' }, 'dob', 'Date of Birth', /future/],
    ['a gender code not in the list', { Gender: 'Q' }, 'gender', 'Gender', /not in the profile’s code list/],
    [
      'an NHS number with a wrong check digit',
      { 'NHS Number': '999 358 3511' },
      'nhsNumber',
      'NHS Number',
      /check digit/,
    ],
    ['a postcode that is not one', { Postcode: 'ZZ99 9ZZ9' }, 'address.postcode', 'Postcode', /postcode/],
    ['no reference', { 'Person ID': '' }, 'supplierRef', 'Person ID', /is empty/],
    ['no surname', { Surname: '' }, 'name.family', 'Surname', /missing/],
  ] as const)(
    '%s is rejected, naming the field and the column, never the value',
    (_what, over, field, column, message) => {
      const m = compileMapping(identityOnly, { today: TODAY });
      const r = row({ ...over, Forename: 'Zebedee' });
      const out = m.map(r, 9);
      expect(out.record).toBeNull();
      const p = out.problems.find((x) => x.field === field);
      expect(p, JSON.stringify(out.problems)).toBeDefined();
      expect(p!.column).toBe(column);
      expect(p!.message).toMatch(message);
      expect(p!.severity).toBe('error');
      for (const x of out.problems) {
        expect(x.message).not.toContain('Zebedee');
        for (const v of Object.values(over)) if (v.length > 2) expect(x.message).not.toContain(v);
      }
    },
  );

  it('free text that suggests case information is rejected with the words, in any mapped field', () => {
    const m = compileMapping(identityOnly, { today: TODAY });
    const out = m.map(row({ 'Address Line 1': 'Refuge after domestic abuse' }), 3);
    expect(out.record).toBeNull();
    expect(out.problems[0]).toMatchObject({
      field: 'address.lines.0',
      column: 'Address Line 1 + Address Line 2 + Address Line 3 + Town',
      severity: 'error',
    });
    expect(out.problems[0]!.message).toMatch(/domestic abuse/);
  });

  it('names each free-text field holding case words, a team named for its work allowed, and the same text the same each time', () => {
    const m = compileMapping(profile, { today: TODAY });
    const over = {
      'Main Carer Name': 'Jo Police',
      Service: 'Referral and Assessment Service',
      Team: 'Assessment Team',
      'Allocated Worker': 'Sam Concern',
    } as Partial<CaseManagementRow>;
    // Twice: the words of a text are found once and remembered.
    for (const r of [3, 4]) {
      const out = m.map(row(over), r);
      expect(out.record).toBeNull();
      expect(out.problems.map((p) => [p.field, p.column])).toEqual([
        ['parents.0.name', 'Main Carer Name'],
        ['involvement.practitioner.name', 'Allocated Worker'],
      ]);
      expect(out.problems[0]!.message).toMatch(/\(police\)/);
    }
    // A service or team whose name is not a team's name: the words count.
    const out = m.map(row({ Service: 'Assessment', Team: 'Referral' } as Partial<CaseManagementRow>), 5);
    expect(out.problems.map((p) => p.field)).toEqual(['involvement.service', 'involvement.practitioner.organisation']);
    expect(m.map(row(), 6).record).not.toBeNull();
  });

  it('a row without an NHS number is valid, with a warning that it will match on name, date of birth and postcode', () => {
    const m = compileMapping(identityOnly, { today: TODAY });
    const out = m.map(row({ 'NHS Number': '' }), 4);
    expect(out.record).not.toBeNull();
    expect(out.problems).toEqual([expect.objectContaining({ field: 'nhsNumber', severity: 'warning' })]);
  });

  it('a whole-name column is split by the profile', () => {
    const p = parseProfile({
      ...structuredClone(identityOnly),
      fields: {
        ...identityOnly.fields,
        given: undefined,
        family: undefined,
        fullName: { column: 'Name' },
        nameSplit: 'family-comma-given',
      },
    });
    const m = compileMapping(p, { today: TODAY });
    expect(m.map(row({ Name: 'Evans, Ellie May' } as Partial<CaseManagementRow>), 2).record?.name).toMatchObject({
      given: 'Ellie May',
      family: 'Evans',
    });
    const bad = m.map(row({ Name: 'Evans' } as Partial<CaseManagementRow>), 3);
    expect(bad.problems[0]).toMatchObject({ field: 'name', column: 'Name' });
  });

  it('address lines given one source a line: a line that cannot be read fails the lines, named by all their columns, and the rest of the row is still read', () => {
    const p = parseProfile({
      ...structuredClone(identityOnly),
      fields: {
        ...identityOnly.fields,
        addressLines: [
          { column: 'Address Line 1' },
          { column: 'Address Line 2', transforms: ['phone-uk'] },
          { value: 'England' },
        ],
      },
    });
    const m = compileMapping(p, { today: TODAY });
    const good = m.map(row({ 'Address Line 1': '12 Grove Road', 'Address Line 2': '0151 496 0000' }), 2);
    expect(good.record?.address?.lines).toEqual(['12 Grove Road', '0151 496 0000', 'England']);
    const bad = m.map(row({ 'Address Line 1': '12 Grove Road', 'Address Line 2': 'Flat B', Forename: 'ELLIE' }), 3);
    expect(bad.record).toBeNull();
    expect(bad.problems).toEqual([
      {
        field: 'address.lines',
        column: 'Address Line 1 + Address Line 2',
        message: 'cannot be read as a UK telephone number',
        severity: 'error',
      },
    ]);
    // The problem is the lines' alone: the next read of the same row starts clean.
    expect(m.extract(row({ 'Address Line 2': '' })).problems).toEqual([]);
  });
});

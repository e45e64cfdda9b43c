import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordViewSchema, unspecifiedService } from '../../../domain/api/records.js';
import { childRecordSchema, type ChildRecord, type Contact, type Involvement } from '../../../domain/child-record.js';
import { cpNumberFromSerial } from '../../../domain/cp-number.js';
import { isoFromDayNumber, dayNumber } from '../../../domain/dates.js';
import type { Actor, Role } from '../../../domain/roles.js';
import { recordView, searchResultView } from '../../../domain/visibility.js';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../../support/children.js';

// Every string a shield or a sensitive service hides carries a tag with a space in it
// (or is a phone number or email address), and names are single words of letters: so a
// hidden string can turn up in a view only if the view leaked it.
const word = fc.stringMatching(/^[a-z]{3,10}$/);
const tagged = (tag: string) => word.map((w) => `${tag} ${w}`);
const personName = fc.stringMatching(/^[A-Z][a-z]{1,12}$/);
const phone = fc.stringMatching(/^0\d{3} \d{3} \d{4}$/);
const email = word.map((w) => `${w}@mail.example`);
const postcode = fc.constantFrom('CH41 1AA', 'CH44 7BG', 'CH62 3NN', 'SW1A 1AA', 'CH1 4BJ');
const address = fc.record({ lines: fc.array(tagged('Addressline'), { minLength: 1, maxLength: 3 }), postcode });
const contact: fc.Arbitrary<Contact> = fc.record({ address, phone, email }, { requiredKeys: [] });
const isoDate = (from: string, to: string) =>
  fc.integer({ min: dayNumber(from), max: dayNumber(to) }).map(isoFromDayNumber);

const practitioner = fc.record(
  { name: tagged('Practitioner'), organisation: tagged('Provider'), phone, email },
  { requiredKeys: ['name'] },
);

const involvement = (i: number): fc.Arbitrary<Involvement> =>
  fc
    .record({
      sensitiveCategory: fc.option(fc.constantFrom('sexual-health', 'mental-health', 'substance-misuse' as const), {
        nil: undefined,
      }),
      service: tagged('Service'),
      practitioner: fc.option(practitioner, { nil: undefined }),
      leadProfessional: fc.boolean(),
      cafCompleted: fc.boolean(),
      startDate: isoDate('2015-01-01', '2020-12-31'),
      endDate: fc.option(isoDate('2021-01-01', '2024-12-31'), { nil: undefined }),
    })
    .map((x) => {
      const inv: Involvement = {
        id: `inv-${i}`,
        service: x.service,
        sensitive: x.sensitiveCategory !== undefined,
        leadProfessional: x.leadProfessional,
        cafCompleted: x.cafCompleted,
        startDate: x.startDate,
      };
      if (x.sensitiveCategory !== undefined) inv.sensitiveCategory = x.sensitiveCategory;
      if (x.practitioner !== undefined) inv.practitioner = x.practitioner;
      if (x.endDate !== undefined) inv.endDate = x.endDate;
      return inv;
    });

const childRecord: fc.Arbitrary<ChildRecord> = fc
  .record({
    serial: fc.integer({ min: 0, max: 99_999_999 }),
    localAuthority: fc.constantFrom(WIRRAL, CHESHIRE_WEST_AND_CHESTER),
    given: personName,
    family: personName,
    former: fc.array(personName, { maxLength: 2 }),
    gender: fc.constantFrom('male', 'female', 'not-specified' as const),
    dob: isoDate('2008-01-01', '2024-12-31'),
    dateOfDeath: fc.option(isoDate('2025-01-01', '2025-06-30'), { nil: undefined }),
    whereabouts: fc.constantFrom('current', 'last-known', 'no-known-address', 'left-england' as const),
    address,
    shielded: fc.boolean(),
    parents: fc.array(
      fc.record({
        name: personName,
        relationship: fc.constantFrom('mother', 'father', 'carer' as const),
        contact: fc.option(contact, { nil: undefined }),
      }),
      { maxLength: 3 },
    ),
    education: fc.option(
      fc.record({
        name: tagged('School'),
        urn: fc.constant('105000'),
        contact,
        startDate: isoDate('2012-09-01', '2024-09-01'),
      }),
      { nil: undefined },
    ),
    gp: fc.option(fc.record({ name: tagged('Surgery'), odsCode: fc.constant('N82001'), contact }), { nil: undefined }),
    involvements: fc
      .integer({ min: 0, max: 4 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => involvement(i)))),
    supplierRefs: fc.subarray([
      { supplier: 'nhs' as const, reference: 'PDS-REF 0001' },
      { supplier: 'gro' as const, reference: 'GRO-REF 0002' },
      { supplier: 'school-census' as const, reference: 'SC-REF 0003' },
    ]),
  })
  .map((x) => {
    const hasAddress = x.whereabouts === 'current' || x.whereabouts === 'last-known';
    const record: ChildRecord = {
      cpNumber: cpNumberFromSerial(x.serial),
      localAuthority: x.localAuthority,
      name: { given: x.given, family: x.family, former: x.former.map((family) => ({ family })) },
      gender: x.gender,
      dob: x.dob,
      whereabouts: x.whereabouts,
      address: hasAddress ? x.address : null,
      shielded: x.shielded,
      archiveAge: 18,
      parents: x.parents.map((p) => (p.contact === undefined ? { name: p.name, relationship: p.relationship } : p)),
      involvements: x.involvements,
      identifiers: { nhsNumber: '9434765919', upn: 'B801200005001', supplierRefs: x.supplierRefs },
      version: 3,
    };
    if (x.dateOfDeath !== undefined) record.dateOfDeath = x.dateOfDeath;
    if (x.whereabouts === 'left-england') record.intendsToReturn = 'not-known';
    if (x.education !== undefined) record.education = x.education;
    if (x.gp !== undefined) record.gp = x.gp;
    // The arbitrary must make only records the service could hold.
    return childRecordSchema.parse(record);
  });

function actor(roles: Role[], localAuthority: string | null = WIRRAL, supplier: string | null = null): Actor {
  return {
    userId: 'u-1',
    name: 'Test User',
    roles,
    organisation: { id: 'org-1', name: 'Test Org', kind: 'gp-practice', accredited: true, localAuthority, supplier },
    localAuthority,
    sessionId: 's-1',
  };
}

/** A viewer who is not management for any child (or is la-team of a different authority). */
const ordinaryActor = fc.oneof(
  fc.constant(actor(['practitioner'])),
  fc.constant(actor(['practitioner', 'child-protection'])),
  fc.constant(actor(['practitioner'], CHESHIRE_WEST_AND_CHESTER)),
  fc.constant(actor(['supplier-system'], null, 'nhs')),
);

/** Strings of the record a shield hides from an ordinary user. */
function shieldHidden(r: ChildRecord): string[] {
  const fromContact = (c: Contact | undefined) => [
    ...(c?.address ? [...c.address.lines, c.address.postcode] : []),
    c?.phone,
    c?.email,
  ];
  return [
    ...(r.address ? [...r.address.lines, r.address.postcode] : []),
    ...r.parents.flatMap((p) => fromContact(p.contact)),
    r.education?.name,
    ...fromContact(r.education?.contact),
    r.gp?.name,
    ...fromContact(r.gp?.contact),
    ...r.involvements.flatMap((i) => [
      i.service,
      i.practitioner?.name,
      i.practitioner?.organisation,
      i.practitioner?.phone,
      i.practitioner?.email,
    ]),
    ...r.identifiers.supplierRefs.map((s) => s.reference),
  ].filter((s): s is string => s !== undefined);
}

function sensitiveHidden(r: ChildRecord): string[] {
  // A string the record also shows elsewhere (the same email on a school's contact,
  // say) is not a leak of the sensitive service: only strings unique to it count.
  const shownElsewhere = JSON.stringify({ ...r, involvements: r.involvements.filter((i) => !i.sensitive) });
  return r.involvements
    .filter((i) => i.sensitive)
    .flatMap((i) => [
      i.service,
      i.sensitiveCategory,
      i.practitioner?.name,
      i.practitioner?.organisation,
      i.practitioner?.phone,
      i.practitioner?.email,
    ])
    .filter((s): s is string => s !== undefined && !shownElsewhere.includes(s));
}

const runs = { numRuns: 300 };

describe('recordView', () => {
  it('shows an ordinary user of a shielded record only name, gender, dob, CP number, parents\u2019 names and version', () => {
    fc.assert(
      fc.property(childRecord, ordinaryActor, fc.boolean(), (record, viewer, pending) => {
        // A record is shielded in store either by its own flag or as a possible duplicate pending review.
        const view = recordView({ record: { ...record, shielded: !pending }, shielded: true }, { actor: viewer });
        const json = JSON.stringify(view);
        for (const hidden of shieldHidden(record)) expect(json).not.toContain(hidden);
        expect(Object.keys(view).sort()).toEqual([
          'cpNumber',
          'dob',
          'gender',
          'name',
          'parents',
          'shielded',
          'version',
        ]);
        expect(view.shielded).toBe(true);
        expect(view.parents).toEqual(record.parents.map((p) => ({ name: p.name, relationship: p.relationship })));
        expect(view.name).toEqual(record.name);
        recordViewSchema.parse(view);
      }),
      runs,
    );
  });

  it('never shows an ordinary user a sensitive service, its category, provider or practitioner', () => {
    fc.assert(
      fc.property(childRecord, ordinaryActor, fc.boolean(), (record, viewer, override) => {
        // Unshielded, or shielded and overridden: the shielded data shows but sensitive services stay hidden.
        const stored = { record, shielded: override };
        const view = recordView(stored, { actor: viewer, override });
        const json = JSON.stringify(view);
        for (const hidden of sensitiveHidden(record)) expect(json).not.toContain(hidden);
        const sensitive = record.involvements.filter((i) => i.sensitive);
        for (const inv of sensitive) {
          const shown = view.involvements?.find((v) => v.id === inv.id);
          expect(shown).toEqual({
            id: inv.id,
            service: unspecifiedService,
            sensitive: true,
            leadProfessional: inv.leadProfessional,
            cafCompleted: inv.cafCompleted,
            startDate: inv.startDate,
            ...(inv.endDate !== undefined ? { endDate: inv.endDate } : {}),
          });
        }
        // What is not hidden is shown: the address, and the other services in full.
        expect(view.address).toEqual(record.address);
        for (const inv of record.involvements.filter((i) => !i.sensitive)) {
          expect(view.involvements?.find((v) => v.id === inv.id)).toEqual(inv);
        }
        recordViewSchema.parse(view);
      }),
      runs,
    );
  });

  it('shows the management team everything, shielded or not, except other suppliers\u2019 references', () => {
    const management = fc.oneof(
      fc.constant(actor(['data-manager'])),
      fc.constant(actor(['national-admin'], null)),
      fc.constant(actor(['la-team'], WIRRAL)),
      fc.constant(actor(['la-team'], CHESHIRE_WEST_AND_CHESTER)),
    );
    fc.assert(
      fc.property(childRecord, management, (record, viewer) => {
        fc.pre(!viewer.roles.includes('la-team') || viewer.localAuthority === record.localAuthority);
        const view = recordView({ record, shielded: record.shielded }, { actor: viewer });
        expect(view).toEqual({ ...record, identifiers: { ...record.identifiers, supplierRefs: [] } });
        recordViewSchema.parse(view);
      }),
      runs,
    );
  });

  it('treats an LA team as an ordinary user for another authority\u2019s child', () => {
    fc.assert(
      fc.property(childRecord, (record) => {
        const other = record.localAuthority === WIRRAL ? CHESHIRE_WEST_AND_CHESTER : WIRRAL;
        const view = recordView({ record, shielded: true }, { actor: actor(['la-team'], other) });
        const json = JSON.stringify(view);
        for (const hidden of shieldHidden(record)) expect(json).not.toContain(hidden);
        expect(view.address).toBeUndefined();
      }),
      runs,
    );
  });

  it('shows a supplier\u2019s own references to that supplier and to nobody else', () => {
    fc.assert(
      fc.property(childRecord, fc.constantFrom('nhs', 'gro', 'dwp'), (record, supplier) => {
        const view = recordView({ record, shielded: false }, { actor: actor(['practitioner'], WIRRAL, supplier) });
        expect(view.identifiers?.supplierRefs).toEqual(
          record.identifiers.supplierRefs.filter((s) => s.supplier === supplier),
        );
        expect(view.identifiers?.nhsNumber).toBe(record.identifiers.nhsNumber);
        const plain = recordView({ record, shielded: false }, { actor: actor(['practitioner']) });
        expect(plain.identifiers?.supplierRefs).toEqual([]);
      }),
      runs,
    );
  });

  it('an override shows a shielded record\u2019s address, school and GP, still marked shielded', () => {
    fc.assert(
      fc.property(childRecord, (record) => {
        const view = recordView(
          { record, shielded: true },
          { actor: actor(['practitioner', 'child-protection']), override: true },
        );
        expect(view.shielded).toBe(true);
        expect(view.whereabouts).toBe(record.whereabouts);
        expect(view.address).toEqual(record.address);
        expect(view.education).toEqual(record.education);
        expect(view.gp).toEqual(record.gp);
      }),
      runs,
    );
  });
});

describe('searchResultView', () => {
  it('leaves out the postcode and authority of a shielded child the viewer may not see', () => {
    fc.assert(
      fc.property(childRecord, ordinaryActor, fc.double({ min: 0, max: 1, noNaN: true }), (record, viewer, score) => {
        const shielded = searchResultView({ record, shielded: true }, viewer, score);
        expect(Object.keys(shielded).sort()).toEqual(['cpNumber', 'dob', 'gender', 'name', 'score', 'shielded']);
        if (record.address) expect(JSON.stringify(shielded)).not.toContain(record.address.postcode);
        const open = searchResultView({ record, shielded: false }, viewer, score);
        expect(open.postcode).toBe(record.address?.postcode);
        expect(open.localAuthority).toBe(record.localAuthority);
        const asTeam = searchResultView({ record, shielded: true }, actor(['la-team'], record.localAuthority), score);
        expect(asTeam.postcode).toBe(record.address?.postcode);
      }),
      runs,
    );
  });
});

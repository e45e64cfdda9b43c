// What a shielded record of the working set shows before "Show shielded details": held to
// the service's own restricted view, so the two cannot drift apart; and who may reveal.
import { describe, expect, it } from 'vitest';
import type { ChildRecord } from '../../../domain/child-record.js';
import type { Actor, Role } from '../../../domain/roles.js';
import { recordView } from '../../../domain/visibility.js';
import {
  mayRevealShielded,
  visibleOnShielded,
  withheldProvenance,
  withheldRecord,
} from '../../../domain/working-set-access.js';
import { WIRRAL } from '../../support/children.js';

const full: ChildRecord = {
  cpNumber: 'CP000000018',
  localAuthority: WIRRAL,
  name: { given: 'Amelia', family: 'Okafor', former: [{ given: 'Amy', family: 'Jones' }, { family: 'Smith' }] },
  gender: 'female',
  dob: '2014-02-03',
  dateOfDeath: '2025-01-01',
  whereabouts: 'current',
  address: { lines: ['Hidden Street 1', 'Birkenhead'], postcode: 'CH41 1AA' },
  shielded: true,
  archiveAge: 18,
  parents: [
    {
      name: 'Grace Okafor',
      relationship: 'mother',
      contact: { phone: '0151 555 0101', address: { lines: ['Hidden Street 1'], postcode: 'CH41 1AA' } },
    },
  ],
  education: { name: 'Hidden School', urn: '105000', startDate: '2019-09-01' },
  gp: { name: 'Hidden Surgery', odsCode: 'N82001' },
  involvements: [
    {
      id: 'i1',
      service: 'Hidden Service',
      sensitive: false,
      leadProfessional: true,
      cafCompleted: false,
      startDate: '2024-01-01',
    },
  ],
  identifiers: {
    nhsNumber: '9434765919',
    upn: 'A123456789012',
    supplierRefs: [{ supplier: 'dwp', reference: 'HIDDEN-REF' }],
  },
  version: 7,
} as ChildRecord;

function actor(roles: Role[], localAuthority: string | null): Actor {
  return {
    userId: 'u1',
    name: 'User',
    roles,
    organisation: { id: 'o1', name: 'Org', kind: 'gp-practice', accredited: true, localAuthority, supplier: null },
    localAuthority,
    sessionId: 's1',
  };
}

describe('a shielded record of the working set before its details are shown', () => {
  it('is exactly what the service shows an ordinary user of a shielded record', () => {
    const service = recordView({ record: full, shielded: true }, { actor: actor(['practitioner'], WIRRAL) });
    expect(withheldRecord(full as unknown as Record<string, unknown>)).toEqual(service);
    const minimal = { ...full, name: { given: 'A', family: 'B', former: [] }, parents: [] } as ChildRecord;
    expect(withheldRecord(minimal as unknown as Record<string, unknown>)).toEqual(
      recordView({ record: minimal, shielded: true }, { actor: actor(['practitioner'], WIRRAL) }),
    );
  });

  it('holds nothing hidden, and a field added to records later stays hidden', () => {
    const text = JSON.stringify(
      withheldRecord({ ...(full as unknown as Record<string, unknown>), somethingNew: 'Hidden New Field' }),
    );
    expect(text).not.toMatch(/Hidden|CH41|0151|9434765919|A123456789012|N82001|E08000015/);
    expect(text).toContain('Okafor');
    expect(text).toContain('Grace Okafor');
  });

  it('keeps the provenance of visible fields only', () => {
    const provenance = {
      'name.given': 1,
      'name.family': 2,
      dob: 3,
      gender: 4,
      address: 5,
      'identifiers.nhsNumber': 6,
      parents: 7,
      education: 8,
    };
    expect(Object.keys(withheldProvenance(provenance)!)).toEqual(['name.given', 'name.family', 'dob', 'gender']);
    expect(withheldProvenance(null)).toBeNull();
  });

  it('knows which paths a shield leaves visible', () => {
    for (const p of [
      'cpNumber',
      'name.given',
      'name.former.0.family',
      'dob',
      'gender',
      'parents.0.name',
      'parents.2.relationship',
    ])
      expect(visibleOnShielded(p), p).toBe(true);
    for (const p of [
      'address',
      'address.postcode',
      'whereabouts',
      'parents',
      'parents.0.contact',
      'parents.0.contact.phone',
      'identifiers.nhsNumber',
      'education',
      'gp',
      'involvements.0',
      'localAuthority',
      'dateOfDeath',
      'archiveAge',
    ]) {
      expect(visibleOnShielded(p), p).toBe(false);
    }
  });
});

describe('who may have shielded details shown', () => {
  it('the ContactPoint team of the working set’s own authority, and nobody else', () => {
    expect(mayRevealShielded({ roles: ['la-team'], localAuthority: WIRRAL }, WIRRAL)).toBe(true);
    expect(mayRevealShielded({ roles: ['la-team'], localAuthority: 'E06000050' }, WIRRAL)).toBe(false);
    expect(mayRevealShielded({ roles: ['la-team'], localAuthority: WIRRAL }, null)).toBe(false);
    expect(mayRevealShielded({ roles: ['practitioner', 'child-protection'], localAuthority: WIRRAL }, WIRRAL)).toBe(
      false,
    );
  });
});

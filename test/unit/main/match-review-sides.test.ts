// What main passes to the renderer of each side of a national match review: the
// comparison's fields only, built from the very view the service answers with
// (domain/visibility.ts), so nothing the viewer may not see can be in it, and a
// shielded record's hidden fields only when the person asked to see them.
import { describe, expect, it } from 'vitest';
import { recordViewSchema } from '../../../domain/api/records.js';
import { matchReviewSideSchema } from '../../../domain/match-review.js';
import type { Actor, Role } from '../../../domain/roles.js';
import { recordView } from '../../../domain/visibility.js';
import { sideOf } from '../../../main/cleansing/match-reviews.js';
import { CHESHIRE_WEST_AND_CHESTER, child, WIRRAL } from '../../support/children.js';

const actor = (roles: Role[], localAuthority: string | null): Actor => ({
  userId: `u-${roles.join('-')}-${localAuthority ?? 'none'}`,
  name: 'Test user',
  roles,
  organisation: {
    id: 'org',
    name: 'Test organisation',
    kind: 'local-authority',
    accredited: true,
    localAuthority,
    supplier: null,
  },
  localAuthority,
  sessionId: 's',
});
const wirralTeam = actor(['la-team'], WIRRAL);
const cheshireTeam = actor(['la-team'], CHESHIRE_WEST_AND_CHESTER);
const dataManager = actor(['data-manager'], WIRRAL);

const record = child({
  name: { given: 'Rosa', family: 'Quenby', former: [] },
  address: { lines: ['3 Hidden Lane', 'Chester'], postcode: 'CH2 4QQ' },
  identifiers: { nhsNumber: '9434765919', supplierRefs: [{ supplier: 'nhs', reference: 'NHS-REF-1' }] },
  localAuthority: CHESHIRE_WEST_AND_CHESTER,
});
/** The service's answer to GET /v1/children/{cp} for `viewer`, as main parses it. */
const served = (viewer: Actor, shielded: boolean) =>
  recordViewSchema.parse(recordView({ record: { ...record, shielded }, shielded }, { actor: viewer }));

describe('a side of a national match review', () => {
  it("of another authority's shielded child: name, gender and date of birth only, revealed or not", () => {
    for (const reveal of [false, true]) {
      const side = sideOf(served(wirralTeam, true), reveal);
      expect(matchReviewSideSchema.parse(side)).toEqual(side);
      expect(side).toEqual({
        cpNumber: record.cpNumber,
        localAuthority: null,
        shielded: true,
        withheld: true,
        mayReveal: false,
        record: { name: { given: 'Rosa', family: 'Quenby' }, dob: record.dob, gender: record.gender },
      });
      const raw = JSON.stringify(side);
      for (const hidden of ['CH2 4QQ', 'Hidden Lane', '9434765919', 'Sarah Jones', 'Birkenhead Primary', 'Argyle'])
        expect(raw).not.toContain(hidden);
    }
  });

  it('of a shielded child the viewer may see: withheld until asked for, then the compared fields', () => {
    for (const viewer of [cheshireTeam, dataManager]) {
      const hidden = sideOf(served(viewer, true), false);
      expect(hidden).toMatchObject({ withheld: true, mayReveal: true, localAuthority: CHESHIRE_WEST_AND_CHESTER });
      expect(Object.keys(hidden.record).sort()).toEqual(['dob', 'gender', 'name']);
      const shown = sideOf(served(viewer, true), true);
      expect(shown).toMatchObject({ withheld: false, mayReveal: false });
      expect(shown.record).toEqual({
        name: { given: 'Rosa', family: 'Quenby' },
        dob: record.dob,
        gender: record.gender,
        address: { lines: ['3 Hidden Lane', 'Chester'], postcode: 'CH2 4QQ' },
        identifiers: { nhsNumber: '9434765919' },
        education: { name: 'Birkenhead Primary School' },
        gp: { name: 'Argyle Medical Centre' },
      });
    }
  });

  it('of an unshielded child: the compared fields and nothing more (no parents, contacts or involvements)', () => {
    const side = sideOf(served(wirralTeam, false), false);
    expect(side).toMatchObject({ withheld: false, mayReveal: false, shielded: false });
    const raw = JSON.stringify(side);
    for (const absent of ['Sarah Jones', '0151', 'NHS-REF-1', 'involvements', 'parents'])
      expect(raw).not.toContain(absent);
    expect(matchReviewSideSchema.parse(side)).toEqual(side);
  });
});

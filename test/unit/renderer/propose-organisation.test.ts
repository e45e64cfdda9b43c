// The proposal form's own check (renderer/src/screens/management/ProposeOrganisation.tsx):
// every problem the service would refuse is found before sending, linked to its field.
import { describe, expect, it } from 'vitest';
import { proposalErrors } from '../../../renderer/src/screens/management/ProposeOrganisation.js';

const form = (over: Partial<Parameters<typeof proposalErrors>[0]>) => ({
  name: 'Liscard Group Practice',
  kind: 'gp-practice' as const,
  odsCode: 'N82054',
  urn: '',
  basedIn: '',
  ...over,
});
const fields = (f: Parameters<typeof proposalErrors>[0], authority = 'E08000015') =>
  proposalErrors(f, authority).map((e) => e.field);

describe('proposing an organisation', () => {
  it('accepts a GP practice with its ODS code, in any case', () => {
    expect(fields(form({}))).toEqual([]);
    expect(fields(form({ odsCode: ' n82054 ' }))).toEqual([]);
  });

  it('names each field that is wrong, in the order of the form', () => {
    expect(fields(form({ name: ' ', kind: '' }))).toEqual(['org-name', 'org-kind']);
    expect(fields(form({ odsCode: '' }))).toEqual(['org-ods']);
    expect(fields(form({ odsCode: 'RBL' }))).toEqual(['org-ods']);
    expect(fields(form({ kind: 'school', odsCode: '', urn: '10508' }))).toEqual(['org-urn']);
    expect(fields(form({ kind: 'school', odsCode: '', urn: '105080' }))).toEqual([]);
    expect(fields(form({ kind: 'health', odsCode: 'RBL' }))).toEqual([]);
    expect(fields(form({ kind: 'voluntary', odsCode: '' }))).toEqual([]);
    expect(fields(form({ kind: 'cross-border', odsCode: '', basedIn: '' }))).toEqual(['org-based-in']);
    expect(fields(form({ kind: 'cross-border', odsCode: '', basedIn: 'E08000015' }))).toEqual(['org-based-in']);
    expect(fields(form({ kind: 'cross-border', odsCode: '', basedIn: 'w06000005' }))).toEqual([]);
  });

  it('says what is wrong in a sentence', () => {
    expect(proposalErrors(form({ odsCode: '12345' }), null)[0]!.message).toBe(
      "Must be the practice's ODS code: a letter and five digits, such as N82054",
    );
  });
});

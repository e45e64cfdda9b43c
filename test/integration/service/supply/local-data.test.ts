// A local authority's adapter supplies more than identity: parents and carers, the
// educational setting and the GP practice (supplied fields with provenance, like the
// address), and its own service's involvement with the child (upserted by supplier and
// service; never a sensitive one; only from local suppliers).
import { afterAll, describe, expect, it } from 'vitest';
import { supplyBodySchema } from '../../../../domain/api/supply.js';
import type { Education, GpPractice, Involvement, Parent, SupplierRecord } from '../../../../domain/child-record.js';
import { checkRecord } from '../../../../domain/cleanse/rules.js';
import { ApiError } from '../../../../service/http/api-error.js';
import { problemsOf } from '../../../../service/http/validation.js';
import { insertChild, loadChild } from '../../../../service/records/child-store.js';
import { updateInvolvement } from '../../../../service/records/involvements.js';
import { receiveSupply } from '../../../../service/supply/intake.js';
import { discrepancies, type SupplyProvenance } from '../../../../service/supply/provenance.js';
import { mergeChildren } from '../../../../service/supply/reviews.js';
import { readFeedPage } from '../../../../service/sync/feed.js';
import { child, nextNhsNumber, supplierRecord, WIRRAL } from '../../../support/children.js';
import { laTeam, openContext, practitioner, supplierSystem } from '../sync/fixtures.js';

const ctx = await openContext();
afterAll(() => ctx.db.close());
const TODAY = '2025-03-01'; // the fixtures' clock

const name = (given: string, family: string) => ({ given, family, former: [] });
const address = (postcode: string, line = '1 Test Street') => ({ lines: [line, 'Birkenhead'], postcode });
const load = async (cp: string) => (await loadChild(ctx.db, cp))!;
const team = laTeam(WIRRAL);

const mother: Parent = {
  name: 'Alice Example',
  relationship: 'mother',
  contact: { phone: '0151 000 0001', address: address('CH41 1AA', '2 Parent Road') },
};
const carer: Parent = { name: 'Bob Example', relationship: 'carer' };
const school: Education = {
  name: 'Seacombe Primary',
  urn: '105000',
  contact: { phone: '0151 000 0002' },
  startDate: '2021-09-01',
};
const otherSchool: Education = {
  name: 'Liscard Primary',
  urn: '105001',
  contact: { phone: '0151 000 0003' },
  startDate: '2024-09-01',
};
const surgery: GpPractice = { name: 'Seacombe Surgery', odsCode: 'N82001', contact: { phone: '0151 000 0004' } };
const otherSurgery: GpPractice = {
  name: 'Liscard Group Practice',
  odsCode: 'N82002',
  contact: { phone: '0151 000 0005' },
};

const asTeam = (records: SupplierRecord[]) => receiveSupply(ctx, team, { localAuthority: WIRRAL, records });
const asSupplier = (supplier: string, records: SupplierRecord[]) =>
  receiveSupply(ctx, supplierSystem(supplier), { localAuthority: WIRRAL, records });

/** A local-authority record of a child of its own (its own surname, date of birth and reference). */
function local(family: string, dob: string, over: Partial<SupplierRecord> = {}): SupplierRecord {
  return supplierRecord({
    supplier: 'local-authority',
    supplierRef: `CMS-${family}`,
    receivedAt: '2025-02-01',
    name: name('Ada', family),
    dob,
    address: null,
    ...over,
  });
}
function involvement(
  over: Partial<NonNullable<SupplierRecord['involvement']>> = {},
): NonNullable<SupplierRecord['involvement']> {
  return {
    service: "Children's social care",
    startDate: '2024-06-01',
    leadProfessional: false,
    cafCompleted: false,
    ...over,
  };
}
async function owners(cp: string) {
  return ctx.db.query<{
    involvement_id: string;
    user_id: string | null;
    supplier: string | null;
    supplied_on: string | null;
  }>(
    'SELECT involvement_id, user_id, supplier, supplied_on FROM involvement_owners WHERE cp_number = $1 ORDER BY involvement_id',
    [cp],
  );
}
async function auditActions(cp: string): Promise<string[]> {
  const rows = await ctx.db.query<{ action: string }>(
    'SELECT action FROM audit_log WHERE cp_number = $1 ORDER BY seq',
    [cp],
  );
  return rows.map((r) => r.action);
}

describe('parents, educational setting and GP practice', () => {
  it('are stored from a supply, and keep every supplier’s latest statement for cleansing', async () => {
    const nhsNumber = nextNhsNumber();
    const [byNhs] = (
      await asSupplier('nhs', [
        supplierRecord({
          supplier: 'nhs',
          receivedAt: '2025-01-10',
          name: name('Ada', 'Parentage'),
          dob: '2016-02-13',
          address: null,
          nhsNumber,
          gp: surgery,
        }),
      ])
    ).results;
    expect(byNhs!.status).toBe('created');
    const cp = byNhs!.cpNumber!;
    expect((await load(cp)).record.gp).toEqual(surgery);

    const [byTeam] = (
      await asTeam([
        local('Parentage', '2016-02-13', { nhsNumber, parents: [mother, carer], education: school, gp: otherSurgery }),
      ])
    ).results;
    expect(byTeam).toMatchObject({ status: 'matched', cpNumber: cp });
    const child = await load(cp);
    expect(child.record).toMatchObject({ parents: [mother, carer], education: school, gp: otherSurgery });
    const prov = child.provenance as SupplyProvenance;
    expect(prov['gp']).toEqual({
      supplier: 'local-authority',
      date: '2025-02-01',
      values: {
        nhs: { value: surgery, date: '2025-01-10' },
        'local-authority': { value: otherSurgery, date: '2025-02-01' },
      },
    });
    expect(prov['parents']).toEqual({
      supplier: 'local-authority',
      date: '2025-02-01',
      values: { 'local-authority': { value: [mother, carer], date: '2025-02-01' } },
    });
    expect(prov['education']!.values).toEqual({ 'local-authority': { value: school, date: '2025-02-01' } });
    expect(discrepancies(prov).map((d) => d.field)).toEqual(['gp']);
  });

  it('an older statement is kept but does not overwrite a newer one; a newer one does', async () => {
    const [created] = (
      await asTeam([
        local('Olderstatement', '2015-03-14', {
          receivedAt: '2025-02-10',
          parents: [mother],
          education: school,
          gp: surgery,
        }),
      ])
    ).results;
    const cp = created!.cpNumber!;
    const version = (await load(cp)).version;
    // The school census and the DWP said other things, earlier.
    const census = supplierRecord({
      supplier: 'school-census',
      receivedAt: '2025-01-15',
      name: name('Ada', 'Olderstatement'),
      dob: '2015-03-14',
      address: null,
      education: otherSchool,
    });
    const dwp = supplierRecord({
      supplier: 'dwp',
      receivedAt: '2025-01-20',
      name: name('Ada', 'Olderstatement'),
      dob: '2015-03-14',
      address: null,
      parents: [carer],
      gp: otherSurgery,
    });
    expect((await asSupplier('school-census', [census])).results[0]).toMatchObject({ status: 'matched', cpNumber: cp });
    expect((await asSupplier('dwp', [dwp])).results[0]).toMatchObject({ status: 'matched', cpNumber: cp });
    let child = await load(cp);
    expect(child.record).toMatchObject({ parents: [mother], education: school, gp: surgery });
    const prov = child.provenance as SupplyProvenance;
    expect(prov['education']).toMatchObject({
      supplier: 'local-authority',
      values: { 'school-census': { value: otherSchool, date: '2025-01-15' } },
    });
    expect(prov['parents']).toMatchObject({
      supplier: 'local-authority',
      values: { dwp: { value: [carer], date: '2025-01-20' } },
    });
    // Only the two references were news to the record.
    expect(child.version).toBe(version + 2);

    const later = { ...census, receivedAt: '2025-02-20' };
    await asSupplier('school-census', [later]);
    child = await load(cp);
    expect(child.record.education).toEqual(otherSchool);
    expect((child.provenance as SupplyProvenance)['education']).toMatchObject({
      supplier: 'school-census',
      date: '2025-02-20',
    });
  });

  it('a supplier that sends no parents says nothing about them: an empty list erases nothing', async () => {
    const [created] = (await asTeam([local('Noparents', '2014-04-15', { parents: [mother] })])).results;
    await asTeam([local('Noparents', '2014-04-15', { receivedAt: '2025-02-20', parents: [] })]);
    expect((await load(created!.cpNumber!)).record.parents).toEqual([mother]);
  });

  it('reach the sync feed’s provenance, and the cleansing checks still read it as before', async () => {
    const nhsNumber = nextNhsNumber();
    const gro = supplierRecord({
      supplier: 'gro',
      receivedAt: '2025-01-05',
      name: name('Ada', 'Feedprovenance'),
      dob: '2013-05-16',
      address: null,
      nhsNumber,
      gp: surgery,
    });
    const [created] = (await asSupplier('gro', [gro])).results;
    // The authority's record says another GP practice and a transposed date of birth.
    await asTeam([
      local('Feedprovenance', '2013-05-16', {
        nhsNumber,
        receivedAt: '2025-02-01',
        dob: '2013-05-16',
        gp: otherSurgery,
        parents: [mother],
      }),
    ]);
    await asSupplier('gro', [{ ...gro, receivedAt: '2025-02-05', dob: '2013-06-16' }]);
    const feed = await readFeedPage(ctx, team, WIRRAL, { limit: 1000, provenance: true });
    const entry = feed.changes.filter((e) => e.cpNumber === created!.cpNumber).at(-1)!;
    expect(entry.provenance).toMatchObject({
      gp: { values: { gro: { value: surgery }, 'local-authority': { value: otherSurgery } } },
      parents: { supplier: 'local-authority' },
    });
    const findings = checkRecord(entry.record, entry.provenance, TODAY).filter(
      (f) => f.rule === 'supplier-discrepancy',
    );
    expect(findings.map((f) => f.path)).toEqual(['dob']);
  });
});

describe('a local supplier’s involvement', () => {
  it('is added once, updated (an end date) by a later statement of the same service, and another service is added beside it', async () => {
    const record = local('Involved', '2012-06-17', {
      involvement: involvement({
        practitioner: { name: 'Carol Worker', organisation: 'Wirral Council' },
        leadProfessional: true,
      }),
    });
    const [created] = (await asTeam([record])).results;
    const cp = created!.cpNumber!;
    let child = await load(cp);
    expect(child.record.involvements).toHaveLength(1);
    const added = child.record.involvements[0]!;
    expect(added).toEqual({
      id: expect.stringMatching(/^inv-[0-9a-f]{24}$/),
      service: "Children's social care",
      sensitive: false,
      practitioner: { name: 'Carol Worker', organisation: 'Wirral Council' },
      leadProfessional: true,
      cafCompleted: false,
      startDate: '2024-06-01',
    });
    expect(await owners(cp)).toEqual([
      { involvement_id: added.id, user_id: null, supplier: `local-authority:${WIRRAL}`, supplied_on: '2025-02-01' },
    ]);

    // The same statement again changes nothing.
    const version = child.version;
    await asTeam([record]);
    expect((await load(cp)).version).toBe(version);

    // The same service, spelt with other case and spacing: the same involvement, ended.
    const ended = {
      ...record,
      receivedAt: '2025-02-20',
      involvement: involvement({
        service: "  CHILDREN'S   social care ",
        endDate: '2025-02-14',
        practitioner: { name: 'Carol Worker', organisation: 'Wirral Council' },
      }),
    };
    await asTeam([ended]);
    child = await load(cp);
    expect(child.record.involvements).toEqual([
      { ...added, service: "Children's social care", leadProfessional: false, endDate: '2025-02-14' },
    ]);

    // Another service is another involvement.
    await asTeam([
      {
        ...record,
        receivedAt: '2025-02-21',
        involvement: involvement({
          service: 'Early help and family support',
          startDate: '2025-01-06',
          cafCompleted: true,
        }),
      },
    ]);
    child = await load(cp);
    expect(child.record.involvements.map((i) => [i.service, i.cafCompleted, i.endDate])).toEqual([
      ["Children's social care", false, '2025-02-14'],
      ['Early help and family support', true, undefined],
    ]);
    expect(await auditActions(cp)).toEqual([
      'record-created',
      'involvement-recorded',
      'record-changed',
      'involvement-ended',
      'record-changed',
      'involvement-recorded',
    ]);

    // A statement older than the one that ended it does not reopen it.
    await asTeam([{ ...record, receivedAt: '2025-02-10' }]);
    expect((await load(cp)).record.involvements[0]!.endDate).toBe('2025-02-14');
  });

  it('is kept apart per supplier: a youth offending team’s statement of a service is its own', async () => {
    const nhsNumber = nextNhsNumber();
    const [created] = (
      await asTeam([
        local('Twosuppliers', '2011-07-18', {
          nhsNumber,
          involvement: involvement({ service: 'Targeted youth support' }),
        }),
      ])
    ).results;
    const yot = supplierRecord({
      supplier: 'youth-offending',
      receivedAt: '2025-02-05',
      name: name('Ada', 'Twosuppliers'),
      dob: '2011-07-18',
      address: null,
      nhsNumber,
      involvement: involvement({ service: 'Targeted youth support' }),
    });
    expect((await asSupplier('youth-offending', [yot])).results[0]).toMatchObject({
      status: 'matched',
      cpNumber: created!.cpNumber,
    });
    const rows = await owners(created!.cpNumber!);
    expect(rows.map((r) => r.supplier).sort()).toEqual([`local-authority:${WIRRAL}`, 'youth-offending']);
    expect((await load(created!.cpNumber!)).record.involvements).toHaveLength(2);
  });

  it('from a national supplier is refused, that record alone; the rest of the supply is applied', async () => {
    const refused = supplierRecord({
      supplier: 'nhs',
      name: name('Ada', 'Nationalinvolvement'),
      dob: '2010-08-19',
      address: null,
      involvement: involvement({ service: 'Health visiting' }),
    });
    const fine = supplierRecord({
      supplier: 'nhs',
      name: name('Bea', 'Nationalinvolvement'),
      dob: '2010-09-20',
      address: null,
    });
    const { results } = await asSupplier('nhs', [refused, fine]);
    expect(results.map((r) => r.status)).toEqual(['invalid', 'created']);
    expect(results[0]!.problems).toEqual([expect.objectContaining({ path: 'involvement' })]);
    const [row] = await ctx.db.query<{ n: number }>(
      "SELECT count(*)::int8 AS n FROM children WHERE record->'name'->>'family' = 'Nationalinvolvement'",
    );
    expect(row!.n).toBe(1);
  });

  it('never names a sensitive service, dates itself sensibly, and never makes a second lead professional', async () => {
    const cases: [Partial<NonNullable<SupplierRecord['involvement']>>, string][] = [
      [{ service: 'Child and Adolescent Mental Health Service' }, 'involvement.service'],
      [{ service: 'CAMHS' }, 'involvement.service'],
      [{ service: 'Young people’s substance-misuse team' }, 'involvement.service'],
      [{ service: 'Sexual Health Wirral' }, 'involvement.service'],
      [{ startDate: '2025-03-02' }, 'involvement.startDate'],
      [{ startDate: '2025-01-10', endDate: '2025-01-09' }, 'involvement.endDate'],
    ];
    for (const [i, [over, path]] of cases.entries()) {
      const { results } = await asTeam([
        local(`Refusedinvolvement${String.fromCharCode(97 + i)}`, `2009-10-${13 + i}`, {
          involvement: involvement(over),
        }),
      ]);
      expect(results[0]!.status, path).toBe('invalid');
      expect(results[0]!.problems!.map((p) => p.path)).toEqual([path]);
      // The message names the field; it never repeats what was sent.
      expect(JSON.stringify(results[0]!.problems)).not.toMatch(/Mental|CAMHS|misuse team|Wirral/);
    }
    const [row] = await ctx.db.query<{ n: number }>(
      "SELECT count(*)::int8 AS n FROM children WHERE record->'name'->>'family' LIKE 'Refusedinvolvement%'",
    );
    expect(row!.n).toBe(0);

    const lead: Involvement = {
      id: 'inv-held-lead',
      service: 'School nursing',
      sensitive: false,
      leadProfessional: true,
      cafCompleted: false,
      startDate: '2024-01-01',
    };
    const nhsNumber = nextNhsNumber();
    const held = child({
      name: name('Ada', 'Secondlead'),
      gender: 'male',
      dob: '2009-11-21',
      address: null,
      whereabouts: 'no-known-address',
      involvements: [lead],
      identifiers: { nhsNumber, supplierRefs: [] },
    });
    await ctx.db.transaction((tx) => insertChild(tx, held, { at: ctx.clock.now() }));
    const { results } = await asTeam([
      local('Secondlead', '2009-11-21', { nhsNumber, involvement: involvement({ leadProfessional: true }) }),
    ]);
    expect(results[0]).toMatchObject({
      status: 'invalid',
      cpNumber: held.cpNumber,
      problems: [{ path: 'involvement.leadProfessional' }],
    });
    expect((await load(held.cpNumber)).record.involvements).toEqual([lead]);
  });

  it('beyond the record’s 100 involvements is invalid, alone', async () => {
    const many: Involvement[] = Array.from({ length: 100 }, (_, i) => ({
      id: `inv-many-${i}`,
      service: `Service ${i}`,
      sensitive: false,
      leadProfessional: false,
      cafCompleted: false,
      startDate: '2024-01-01',
    }));
    const held = child({
      name: name('Ada', 'Manyinvolvements'),
      gender: 'male',
      dob: '2008-12-22',
      address: address('CH49 9ZZ'),
      involvements: many,
    });
    await ctx.db.transaction((tx) => insertChild(tx, held, { at: ctx.clock.now() }));
    const s = supplierRecord({
      supplier: 'local-authority',
      name: name('Ada', 'Manyinvolvements'),
      dob: '2008-12-22',
      address: address('CH49 9ZZ'),
      involvement: involvement(),
    });
    const { results } = await asTeam([s]);
    expect(results[0]).toMatchObject({
      status: 'invalid',
      cpNumber: held.cpNumber,
      problems: [{ path: 'involvements' }],
    });
    expect((await load(held.cpNumber)).version).toBe(1);
  });

  it('is no practitioner’s own: none can end or change it', async () => {
    const [created] = (await asTeam([local('Notmine', '2008-01-23', { involvement: involvement() })])).results;
    const cp = created!.cpNumber!;
    const id = (await load(cp)).record.involvements[0]!.id;
    const e = await ctx.db
      .transaction((tx) =>
        updateInvolvement(tx, practitioner(), cp, id, { endDate: '2025-02-01' }, { at: ctx.clock.now(), today: TODAY }),
      )
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('not-your-involvement');
  });

  it('stays the supplier’s after a merge of duplicates: its next statement updates it', async () => {
    const survivor = child({
      name: name('Ada', 'Mergedinvolvement'),
      gender: 'male',
      dob: '2007-02-24',
      address: null,
      whereabouts: 'no-known-address',
      parents: [],
    });
    await ctx.db.transaction((tx) => insertChild(tx, survivor, { at: ctx.clock.now() }));
    const record = local('Mergedinvolvementx', '2007-02-25', { involvement: involvement() });
    const [created] = (await asTeam([record])).results;
    await ctx.db.transaction(async (tx) => {
      const s = (await loadChild(tx, survivor.cpNumber, { forUpdate: true }))!;
      const d = (await loadChild(tx, created!.cpNumber!, { forUpdate: true }))!;
      await mergeChildren(tx, s, d, ctx.clock.now());
    });
    const [again] = (
      await asTeam([{ ...record, receivedAt: '2025-02-22', involvement: involvement({ endDate: '2025-02-21' }) }])
    ).results;
    expect(again).toMatchObject({ status: 'matched', cpNumber: survivor.cpNumber });
    const involvements = (await load(survivor.cpNumber)).record.involvements;
    expect(involvements).toHaveLength(1);
    expect(involvements[0]!.endDate).toBe('2025-02-21');
  });
});

describe('the supply schema', () => {
  const body = (record: Record<string, unknown>) => ({
    localAuthority: WIRRAL,
    records: [{ ...local('Schema', '2016-01-13'), ...record }],
  });
  const refusedPaths = (record: Record<string, unknown>) => {
    const r = supplyBodySchema.safeParse(body(record));
    return r.success ? [] : problemsOf(r.error).map((p) => p.path);
  };

  it('takes parents, education, GP practice and an involvement, with the flags false unless said', () => {
    const r = supplyBodySchema.parse(
      body({
        parents: [mother],
        education: school,
        gp: surgery,
        involvement: { service: 'Early help', startDate: '2024-01-01' },
      }),
    );
    expect(r.records[0]!.involvement).toEqual({
      service: 'Early help',
      startDate: '2024-01-01',
      leadProfessional: false,
      cafCompleted: false,
    });
  });

  it('refuses a sensitive involvement’s fields and case information anywhere, by name', () => {
    expect(refusedPaths({ involvement: { ...involvement(), sensitive: true } })).toEqual([
      'records.0.involvement.sensitive',
    ]);
    expect(refusedPaths({ involvement: { ...involvement(), sensitiveCategory: 'mental-health' } })).toEqual([
      'records.0.involvement.sensitiveCategory',
    ]);
    expect(refusedPaths({ notes: 'x' })).toEqual(['records.0.notes']);
    expect(refusedPaths({ involvement: { ...involvement(), caseNotes: 'x' } })).toEqual([
      'records.0.involvement.caseNotes',
    ]);
    expect(refusedPaths({ parents: [{ ...mother, notes: 'x' }] })).toEqual(['records.0.parents.0.notes']);
    expect(refusedPaths({ education: { ...school, attainment: 'x' } })).toEqual(['records.0.education.attainment']);
    expect(refusedPaths({ gp: { ...surgery, diagnosis: 'x' } })).toEqual(['records.0.gp.diagnosis']);
    expect(refusedPaths({ parents: Array.from({ length: 9 }, () => carer) })).toEqual(['records.0.parents']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordViewSchema, shieldOverrideBodySchema } from '../../../../domain/api/records.js';
import { SettableClock, today } from '../../../../service/context.js';
import { acknowledgeAlert, listAlerts } from '../../../../service/records/alerts.js';
import { accessReasonFrom, archivePurposeFrom, overrideShield, readChild } from '../../../../service/records/read.js';
import type { Database } from '../../../../service/store/database.js';
import { migrate } from '../../../../service/store/migrations.js';
import { openPglite } from '../../../../service/store/pglite.js';
import { addChild, CHESHIRE_WEST_AND_CHESTER, child } from '../../../support/children.js';
import { actor, lastAudit, refusal, seedAccounts, type ActorName } from './fixtures.js';

let db: Database;
const clock = new SettableClock(new Date('2025-03-01T10:00:00Z'));

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  await seedAccounts(db);
});
afterAll(async () => db.close());

function read(cpNumber: string, who: ActorName, reason = 'GP registration check', archivePurpose?: 's47-enquiry') {
  return db.transaction((tx) =>
    readChild(tx, actor(who), cpNumber, { reason, archivePurpose, at: clock.now(), today: today(clock) }),
  );
}

function override(cpNumber: string, who: ActorName, reason = 'Section 47 enquiry under way') {
  return db.transaction((tx) =>
    overrideShield(tx, actor(who), cpNumber, { reason, acknowledgeInvestigation: true }, clock.now()),
  );
}

const shieldedChild = () =>
  child({
    given: 'Ruby',
    family: 'Hollingsworth',
    shielded: true,
    address: { lines: ['4 Quarry Lane', 'Moreton'], postcode: 'CH46 0PQ' },
    involvements: [
      {
        id: 'inv-sens',
        service: 'Brook sexual health clinic',
        sensitive: true,
        sensitiveCategory: 'sexual-health',
        practitioner: { name: 'Nurse Carol Vance', organisation: 'Brook Wirral' },
        leadProfessional: false,
        cafCompleted: false,
        startDate: '2024-01-10',
      },
    ],
  });

describe('the access reason', () => {
  it('is required: missing or blank is 400 access-reason-required', async () => {
    expect(await refusal(Promise.resolve().then(() => accessReasonFrom({})))).toMatchObject({
      status: 400,
      code: 'access-reason-required',
    });
    expect(await refusal(Promise.resolve().then(() => accessReasonFrom({ 'cp-access-reason': '   ' })))).toMatchObject({
      status: 400,
      code: 'access-reason-required',
    });
  });

  it('is trimmed and at most 500 characters', async () => {
    expect(accessReasonFrom({ 'cp-access-reason': '  New registration  ' })).toBe('New registration');
    expect(accessReasonFrom({ 'cp-access-reason': 'r'.repeat(500) })).toHaveLength(500);
    expect(
      await refusal(Promise.resolve().then(() => accessReasonFrom({ 'cp-access-reason': 'r'.repeat(501) }))),
    ).toMatchObject({ status: 400 });
  });

  it('the archive purpose is one of the statutory three', async () => {
    expect(archivePurposeFrom({ 'cp-archive-purpose': 'serious-case-review' })).toBe('serious-case-review');
    expect(archivePurposeFrom({})).toBeUndefined();
    expect(
      await refusal(Promise.resolve().then(() => archivePurposeFrom({ 'cp-archive-purpose': 'curiosity' }))),
    ).toMatchObject({ status: 400 });
  });
});

describe('readChild', () => {
  it('returns the record and audits the read with its reason', async () => {
    const c = await addChild(db, child({ given: 'Oliver', family: 'Grant' }));
    const view = await read(c.cpNumber, 'practitioner', 'Registering at the practice');
    expect(view).toMatchObject({ cpNumber: c.cpNumber, address: c.address, shielded: false, version: 1 });
    recordViewSchema.parse(view);
    expect(await lastAudit(db)).toMatchObject({
      user_id: 'u-practitioner',
      action: 'read',
      cp_number: c.cpNumber,
      reason: 'Registering at the practice',
    });
  });

  it('is 404 for a child that does not exist, and refuses a supplier system', async () => {
    expect(await refusal(read('CP123456782', 'practitioner'))).toMatchObject({ status: 404, code: 'not-found' });
    const c = await addChild(db, child());
    expect(await refusal(read(c.cpNumber, 'supplier'))).toMatchObject({ status: 403 });
  });

  it('shows a practitioner only the unshielded fields of a shielded child, and no sensitive service', async () => {
    const c = await addChild(db, shieldedChild());
    const view = await read(c.cpNumber, 'practitioner');
    expect(Object.keys(view).sort()).toEqual(['cpNumber', 'dob', 'gender', 'name', 'parents', 'shielded', 'version']);
    expect(view.parents).toEqual([{ name: 'Sarah Jones', relationship: 'mother' }]);
    const json = JSON.stringify(view);
    for (const hidden of [
      'Quarry Lane',
      'CH46 0PQ',
      '0151 496 0100',
      'Birkenhead Primary',
      'Argyle Medical',
      'Brook',
    ]) {
      expect(json).not.toContain(hidden);
    }
    // The team of the child's authority sees it all; the neighbouring authority's team does not.
    const team = await read(c.cpNumber, 'la-wirral');
    expect(team.address).toEqual(c.address);
    expect(team.involvements?.[0]).toMatchObject({
      service: 'Brook sexual health clinic',
      sensitiveCategory: 'sexual-health',
    });
    expect((await read(c.cpNumber, 'la-cheshire')).address).toBeUndefined();
  });
});

describe('overrideShield', () => {
  it('is refused to a practitioner without child-protection duties', async () => {
    const c = await addChild(db, shieldedChild());
    expect(await refusal(override(c.cpNumber, 'practitioner'))).toMatchObject({
      status: 403,
      code: 'override-not-permitted',
    });
    expect(await refusal(override(c.cpNumber, 'la-wirral'))).toMatchObject({ status: 403 });
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM alerts WHERE cp_number = $1', [
      c.cpNumber,
    ]);
    expect(row!.n).toBe(0);
  });

  it('is refused on a record that is not shielded', async () => {
    const c = await addChild(db, child());
    expect(await refusal(override(c.cpNumber, 'child-protection'))).toMatchObject({
      status: 409,
      code: 'not-shielded',
    });
  });

  it('the body must acknowledge the investigation warning and carries no other fields', () => {
    expect(shieldOverrideBodySchema.safeParse({ reason: 'x', acknowledgeInvestigation: false }).success).toBe(false);
    expect(shieldOverrideBodySchema.safeParse({ reason: ' ', acknowledgeInvestigation: true }).success).toBe(false);
    const extra = shieldOverrideBodySchema.safeParse({ reason: 'x', acknowledgeInvestigation: true, caseNotes: 'y' });
    expect(extra.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['caseNotes'] });
  });

  it('shows the shielded data but not sensitive services, is audited and raises an alert to the child\u2019s authority', async () => {
    const c = await addChild(db, shieldedChild());
    const view = await override(c.cpNumber, 'child-protection', 'Police protection order');
    expect(view).toMatchObject({
      shielded: true,
      whereabouts: 'current',
      address: c.address,
      education: c.education,
      gp: c.gp,
    });
    expect(view.involvements).toEqual([
      {
        id: 'inv-sens',
        service: 'Unspecified service',
        sensitive: true,
        leadProfessional: false,
        cafCompleted: false,
        startDate: '2024-01-10',
      },
    ]);
    expect(await lastAudit(db)).toMatchObject({
      user_id: 'u-child-protection',
      action: 'shield-override',
      cp_number: c.cpNumber,
      reason: 'Police protection order',
    });
    const alerts = await db.query<{
      kind: string;
      local_authority: string;
      user_id: string;
      acknowledged_at: Date | null;
    }>('SELECT kind, local_authority, user_id, acknowledged_at FROM alerts WHERE cp_number = $1', [c.cpNumber]);
    expect(alerts).toEqual([
      { kind: 'shield-override', local_authority: 'E08000015', user_id: 'u-child-protection', acknowledged_at: null },
    ]);
    // The override is for this response only: the next plain read is shielded again.
    expect((await read(c.cpNumber, 'child-protection')).address).toBeUndefined();
  });
});

describe('alerts', () => {
  it('the child\u2019s authority team sees and acknowledges an override alert; others cannot', async () => {
    const c = await addChild(db, shieldedChild());
    await override(c.cpNumber, 'child-protection');
    const wirral = await db.transaction((tx) => listAlerts(tx, actor('la-wirral'), 'all'));
    const alert = wirral.find((a) => a.cpNumber === c.cpNumber);
    expect(alert).toMatchObject({ kind: 'shield-override', userId: 'u-child-protection', acknowledged: false });
    const cheshire = await db.transaction((tx) => listAlerts(tx, actor('la-cheshire'), 'all'));
    expect(cheshire.find((a) => a.cpNumber === c.cpNumber)).toBeUndefined();
    expect((await db.transaction((tx) => listAlerts(tx, actor('data-manager'), 'all'))).map((a) => a.id)).toContain(
      alert!.id,
    );
    expect(await refusal(db.transaction((tx) => listAlerts(tx, actor('practitioner'), 'all')))).toMatchObject({
      status: 403,
    });

    expect(
      await refusal(db.transaction((tx) => acknowledgeAlert(tx, actor('la-cheshire'), alert!.id, clock.now()))),
    ).toMatchObject({ status: 404 });
    const done = await db.transaction((tx) => acknowledgeAlert(tx, actor('la-wirral'), alert!.id, clock.now()));
    expect(done).toMatchObject({ id: alert!.id, acknowledged: true, status: 'investigating' });
    const again = await db.transaction((tx) => listAlerts(tx, actor('la-wirral'), 'all'));
    expect(again.find((a) => a.id === alert!.id)?.acknowledged).toBe(true);
    expect(
      await refusal(db.transaction((tx) => acknowledgeAlert(tx, actor('la-wirral'), 'nope', clock.now()))),
    ).toMatchObject({ status: 404 });
  });
});

describe('archived records', () => {
  it('only a data manager may open one: freely in its first year, then only for a statutory purpose', async () => {
    clock.set(new Date('2025-03-01T10:00:00Z'));
    const c = await addChild(
      db,
      child({ given: 'Edward', family: 'Archer', localAuthority: CHESHIRE_WEST_AND_CHESTER }),
    );
    await db.query("UPDATE children SET status = 'archived', archived_on = $2 WHERE cp_number = $1", [
      c.cpNumber,
      '2025-03-01',
    ]);

    clock.set(new Date('2025-09-01T10:00:00Z'));
    for (const who of ['practitioner', 'child-protection', 'la-cheshire', 'national-admin'] as const) {
      expect(await refusal(read(c.cpNumber, who))).toMatchObject({ status: 404, code: 'not-found' });
    }
    const view = await read(c.cpNumber, 'data-manager', 'Subject access request');
    expect(view.address).toEqual(c.address);
    expect(await lastAudit(db)).toMatchObject({
      action: 'archive-read',
      cp_number: c.cpNumber,
      reason: 'Subject access request',
    });

    // The last day of the first year, then the first day after it.
    clock.set(new Date('2026-02-28T10:00:00Z'));
    await read(c.cpNumber, 'data-manager');
    clock.set(new Date('2026-03-01T10:00:00Z'));
    expect(await refusal(read(c.cpNumber, 'data-manager'))).toMatchObject({ status: 403, code: 'archive-restricted' });
    const later = await read(c.cpNumber, 'data-manager', 'Strategy discussion', 's47-enquiry');
    expect(later.cpNumber).toBe(c.cpNumber);
    expect(await lastAudit(db)).toMatchObject({
      action: 'archive-read',
      reason: 'Strategy discussion',
      detail: { purpose: 's47-enquiry' },
    });
    expect(await refusal(read(c.cpNumber, 'practitioner', 'x', 's47-enquiry'))).toMatchObject({ status: 404 });
  });
});

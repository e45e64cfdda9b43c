import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  recordInvolvementBodySchema,
  updateInvolvementBodySchema,
  type RecordInvolvementBody,
} from '../../../../domain/api/records.js';
import { SettableClock, today } from '../../../../service/context.js';
import { loadChild } from '../../../../service/records/child-store.js';
import { recordInvolvement, updateInvolvement } from '../../../../service/records/involvements.js';
import { readChild } from '../../../../service/records/read.js';
import type { Database } from '../../../../service/store/database.js';
import { migrate } from '../../../../service/store/migrations.js';
import { openPglite } from '../../../../service/store/pglite.js';
import { addChild, child } from '../../../support/children.js';
import { actor, lastAudit, refusal, seedAccounts, type ActorName } from './fixtures.js';

let db: Database;
const clock = new SettableClock(new Date('2025-03-01T10:00:00Z'));

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  await seedAccounts(db);
});
afterAll(async () => db.close());

const options = () => ({ at: clock.now(), today: today(clock), randomBytes });

function record(cpNumber: string, who: ActorName, body: Partial<RecordInvolvementBody> = {}) {
  const full = recordInvolvementBodySchema.parse({ service: 'School nursing', startDate: '2025-02-01', ...body });
  return db.transaction((tx) => recordInvolvement(tx, actor(who), cpNumber, full, options()));
}

function update(cpNumber: string, id: string, who: ActorName, body: Record<string, unknown>) {
  const parsed = updateInvolvementBodySchema.parse(body);
  return db.transaction((tx) => updateInvolvement(tx, actor(who), cpNumber, id, parsed, options()));
}

describe('the involvement bodies', () => {
  it('accept no case information: unknown fields are refused by name', () => {
    const notes = recordInvolvementBodySchema.safeParse({
      service: 'Youth service',
      startDate: '2025-01-01',
      notes: 'Disclosed at school',
    });
    expect(notes.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['notes'] });
    const practitioner = recordInvolvementBodySchema.safeParse({
      service: 'Youth service',
      startDate: '2025-01-01',
      practitioner: { name: 'X' },
    });
    expect(practitioner.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['practitioner'] });
    const caseNotes = updateInvolvementBodySchema.safeParse({ endDate: '2025-01-01', caseNotes: 'x' });
    expect(caseNotes.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['caseNotes'] });
    expect(updateInvolvementBodySchema.safeParse({}).success).toBe(false);
    expect(recordInvolvementBodySchema.safeParse({ service: 'X', startDate: '2025-02-30' }).success).toBe(false);
  });
});

describe('recordInvolvement', () => {
  it('records the practitioner from their account, with an owner, a new version and an audit entry', async () => {
    const c = await addChild(db, child());
    const out = await record(c.cpNumber, 'practitioner', { service: 'Health visiting', cafCompleted: true });
    expect(out.version).toBe(2);
    expect(out.involvement).toMatchObject({
      service: 'Health visiting',
      sensitive: false,
      leadProfessional: false,
      cafCompleted: true,
      startDate: '2025-02-01',
      practitioner: {
        name: 'Alex Morgan',
        organisation: 'Argyle Medical Centre',
        phone: '0151 496 0000',
        email: 'alex.morgan@example.org',
      },
    });
    expect(out.involvement.id).toMatch(/^inv-[0-9a-f]{24}$/);
    const stored = await loadChild(db, c.cpNumber);
    expect(stored?.record.involvements).toEqual([out.involvement]);
    expect(stored?.version).toBe(2);
    const [owner] = await db.query(
      'SELECT user_id FROM involvement_owners WHERE cp_number = $1 AND involvement_id = $2',
      [c.cpNumber, out.involvement.id],
    );
    expect(owner).toEqual({ user_id: 'u-practitioner' });
    expect(await lastAudit(db)).toMatchObject({
      action: 'involvement-recorded',
      user_id: 'u-practitioner',
      cp_number: c.cpNumber,
    });
    // Contact details that are not well formed are left out rather than stored.
    const other = await record(c.cpNumber, 'practitioner-2');
    expect(other.involvement.practitioner).toEqual({ name: 'Bea Collins', organisation: 'Argyle Medical Centre' });
  });

  it('a sensitive involvement shows to other practitioners only as an unspecified service', async () => {
    const c = await addChild(db, child());
    await record(c.cpNumber, 'practitioner', {
      service: 'Brook sexual health clinic',
      sensitiveCategory: 'sexual-health',
      sensitiveBasis: 'consent',
    });
    const view = await db.transaction((tx) =>
      readChild(tx, actor('practitioner-2'), c.cpNumber, { reason: 'check', at: clock.now(), today: today(clock) }),
    );
    expect(view.involvements?.[0]).toMatchObject({ service: 'Unspecified service', sensitive: true });
    expect(JSON.stringify(view)).not.toContain('Alex Morgan');
  });

  it('refuses a start date in the future, and an unknown or archived child', async () => {
    const c = await addChild(db, child());
    expect(await refusal(record(c.cpNumber, 'practitioner', { startDate: '2025-03-02' }))).toMatchObject({
      status: 422,
      code: 'start-date-in-future',
    });
    expect(await refusal(record('CP123456782', 'practitioner'))).toMatchObject({ status: 404 });
    await db.query("UPDATE children SET status = 'archived', archived_on = '2025-01-01' WHERE cp_number = $1", [
      c.cpNumber,
    ]);
    expect(await refusal(record(c.cpNumber, 'practitioner'))).toMatchObject({ status: 404 });
  });

  it('keeps both of two concurrent involvements (no lost update)', async () => {
    const c = await addChild(db, child());
    await Promise.all([
      record(c.cpNumber, 'practitioner'),
      record(c.cpNumber, 'practitioner-2'),
      record(c.cpNumber, 'child-protection'),
    ]);
    const stored = await loadChild(db, c.cpNumber);
    expect(stored?.record.involvements).toHaveLength(3);
    expect(stored?.version).toBe(4);
  });
});

describe('updateInvolvement', () => {
  it('only the practitioner who recorded an involvement may end or change it', async () => {
    const c = await addChild(db, child());
    const { involvement } = await record(c.cpNumber, 'practitioner');
    expect(
      await refusal(update(c.cpNumber, involvement.id, 'practitioner-2', { endDate: '2025-02-20' })),
    ).toMatchObject({
      status: 403,
      code: 'not-your-involvement',
    });
    expect(await refusal(update(c.cpNumber, involvement.id, 'la-wirral', { cafCompleted: true }))).toMatchObject({
      status: 403,
    });
    expect(await refusal(update(c.cpNumber, 'inv-nope', 'practitioner', { cafCompleted: true }))).toMatchObject({
      status: 404,
    });

    const ended = await update(c.cpNumber, involvement.id, 'practitioner', { endDate: '2025-02-20' });
    expect(ended.involvement).toMatchObject({ id: involvement.id, endDate: '2025-02-20' });
    expect(await lastAudit(db)).toMatchObject({
      action: 'involvement-ended',
      cp_number: c.cpNumber,
      user_id: 'u-practitioner',
    });
    const caf = await update(c.cpNumber, involvement.id, 'practitioner', { cafCompleted: true });
    expect(caf.involvement).toMatchObject({ cafCompleted: true, endDate: '2025-02-20' });
    expect(await lastAudit(db)).toMatchObject({ action: 'involvement-updated' });
    expect(await refusal(update(c.cpNumber, involvement.id, 'practitioner', { endDate: '2025-01-01' }))).toMatchObject({
      status: 422,
      code: 'end-before-start',
    });
  });

  it('a supplied involvement (no owner) cannot be changed by a practitioner', async () => {
    const c = await addChild(
      db,
      child({
        involvements: [
          {
            id: 'inv-supplied',
            service: 'Youth offending team',
            sensitive: false,
            leadProfessional: false,
            cafCompleted: false,
            startDate: '2024-01-01',
          },
        ],
      }),
    );
    expect(await refusal(update(c.cpNumber, 'inv-supplied', 'practitioner', { endDate: '2025-01-01' }))).toMatchObject({
      status: 403,
      code: 'not-your-involvement',
    });
  });
});

describe('the lead professional', () => {
  it('is one at a time: another active lead is 409 until they step down or end', async () => {
    const c = await addChild(db, child());
    const a = await record(c.cpNumber, 'practitioner', { leadProfessional: true });
    expect(await refusal(record(c.cpNumber, 'practitioner-2', { leadProfessional: true }))).toMatchObject({
      status: 409,
      code: 'lead-professional-exists',
    });
    // Nothing was written by the refused request.
    expect((await loadChild(db, c.cpNumber))?.record.involvements).toHaveLength(1);

    const b = await record(c.cpNumber, 'practitioner-2');
    expect(
      await refusal(update(c.cpNumber, b.involvement.id, 'practitioner-2', { leadProfessional: true })),
    ).toMatchObject({ status: 409 });
    await update(c.cpNumber, a.involvement.id, 'practitioner', { endDate: '2025-02-28' });
    const lead = await update(c.cpNumber, b.involvement.id, 'practitioner-2', { leadProfessional: true });
    expect(lead.involvement.leadProfessional).toBe(true);
    // The first may remain marked lead on their ended involvement without blocking anyone.
    expect((await loadChild(db, c.cpNumber))?.record.involvements.filter((i) => i.leadProfessional)).toHaveLength(2);
  });
});

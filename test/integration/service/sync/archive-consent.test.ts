// The legal basis of an archive age above 18 (Connexions to 19, a care leaver to 25,
// each with consent recorded), carried by a team's `update` submission, on both store
// engines: recorded, held to the age its basis allows, removed with null, and named in
// the audit entry without its value.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submissionBodySchema } from '../../../../domain/api/sync.js';
import type { ChildRecord } from '../../../../domain/child-record.js';
import { SettableClock, type ServiceContext } from '../../../../service/context.js';
import { insertChild, loadChild } from '../../../../service/records/child-store.js';
import { submitItems } from '../../../../service/sync/submissions.js';
import { child, WIRRAL } from '../../../support/children.js';
import { testSecrets } from '../../../support/secrets.js';
import { openTestStore, storeEngines, type TestStore } from '../../../support/stores.js';
import { laTeam } from './fixtures.js';

describe.each(storeEngines)('the archive age and its legal basis on %s', (engine) => {
  let store: TestStore;
  let ctx: ServiceContext & { clock: SettableClock };
  const team = laTeam(WIRRAL);
  const key = () => `key-${randomBytes(6).toString('hex')}`;
  beforeAll(async () => {
    store = await openTestStore(engine);
    ctx = {
      db: store.db,
      clock: new SettableClock(new Date('2026-12-06T10:00:00Z')),
      randomBytes: (n) => randomBytes(n),
      trainingMode: false,
      secrets: testSecrets,
    };
  }, 120_000);
  afterAll(() => store?.close());

  async function held(over: Partial<ChildRecord> = {}) {
    const record = child({ ...over });
    await ctx.db.transaction((tx) => insertChild(tx, record, { at: ctx.clock.now() }));
    return record;
  }

  it('records a care leaver basis with consent, and null removes it', async () => {
    const c = await held();
    const [r] = await submitItems(ctx, team, [
      {
        idempotencyKey: key(),
        cpNumber: c.cpNumber,
        baseVersion: 1,
        op: 'update',
        changes: { archiveAge: 25, archiveConsent: { basis: 'care-leaver', consentRecorded: true } },
      },
    ]);
    expect(r).toMatchObject({ status: 'applied', version: 2 });
    expect((await loadChild(ctx.db, c.cpNumber))!.record).toMatchObject({
      archiveAge: 25,
      archiveConsent: { basis: 'care-leaver', consentRecorded: true },
    });
    const [audit] = await ctx.db.query<{ detail: { fields: string[] } }>(
      "SELECT detail FROM audit_log WHERE cp_number = $1 AND action = 'record-changed' ORDER BY seq DESC LIMIT 1",
      [c.cpNumber],
    );
    expect(audit!.detail.fields.sort()).toEqual(['archiveAge', 'archiveConsent']);
    expect(JSON.stringify(audit)).not.toContain('care-leaver');

    const [removed] = await submitItems(ctx, team, [
      {
        idempotencyKey: key(),
        cpNumber: c.cpNumber,
        baseVersion: 2,
        op: 'update',
        changes: { archiveAge: 18, archiveConsent: null },
      },
    ]);
    expect(removed).toMatchObject({ status: 'applied', version: 3 });
    const now = (await loadChild(ctx.db, c.cpNumber))!.record;
    expect(now.archiveAge).toBe(18);
    expect(now.archiveConsent).toBeUndefined();
  });

  it('refuses an age above what the basis allows, naming the field, and changes nothing', async () => {
    const c = await held();
    const [r] = await submitItems(ctx, team, [
      {
        idempotencyKey: key(),
        cpNumber: c.cpNumber,
        baseVersion: 1,
        op: 'update',
        changes: { archiveAge: 25, archiveConsent: { basis: 'connexions', consentRecorded: true } },
      },
    ]);
    expect(r).toMatchObject({ status: 'invalid' });
    expect(r!.problems).toEqual([
      expect.objectContaining({ path: 'archiveAge', message: expect.stringMatching(/Connexions: 19/) }),
    ]);
    expect((await loadChild(ctx.db, c.cpNumber))!.version).toBe(1);
  });

  it('refuses a basis without consent recorded, or an unknown basis, at the schema', () => {
    for (const archiveConsent of [
      { basis: 'connexions', consentRecorded: false },
      { basis: 'connexions' },
      { basis: 'youth-club', consentRecorded: true },
    ]) {
      const parsed = submissionBodySchema.safeParse({
        items: [
          {
            idempotencyKey: 'key-12345678',
            cpNumber: 'CP000000018',
            baseVersion: 1,
            op: 'update',
            changes: { archiveConsent },
          },
        ],
      });
      expect(parsed.success, JSON.stringify(archiveConsent)).toBe(false);
    }
  });
});

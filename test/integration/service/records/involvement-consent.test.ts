// A sensitive service is recorded only with its basis affirmed (consent, or reasonable
// cause to suspect significant harm), and that fact alone is kept: on the involvement,
// where management sees it beside the category, and in the audit entry, which does not
// name the category. Refused, naming the field, when missing. On both engines.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordInvolvementBodySchema, type RecordInvolvementBody } from '../../../../domain/api/records.js';
import { SettableClock, today } from '../../../../service/context.js';
import { loadChild } from '../../../../service/records/child-store.js';
import { recordInvolvement } from '../../../../service/records/involvements.js';
import { readChild } from '../../../../service/records/read.js';
import { addChild, child } from '../../../support/children.js';
import { openTestStore, storeEngines, type TestStore } from '../../../support/stores.js';
import { actor, lastAudit, refusal, seedAccounts } from './fixtures.js';

const clock = new SettableClock(new Date('2025-03-01T10:00:00Z'));
const options = () => ({ at: clock.now(), today: today(clock), randomBytes });

describe.each(storeEngines)('the basis of a sensitive involvement on %s', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
    await seedAccounts(store.db);
  });
  afterAll(() => store.close());

  const record = (cpNumber: string, body: RecordInvolvementBody) =>
    store.db.transaction((tx) => recordInvolvement(tx, actor('practitioner'), cpNumber, body, options()));

  it('is stored on the involvement and in its audit entry, and shown to management with the category', async () => {
    const c = await addChild(store.db, child());
    const body = recordInvolvementBodySchema.parse({
      service: 'Brook sexual health clinic',
      startDate: '2025-02-01',
      sensitiveCategory: 'sexual-health',
      sensitiveBasis: 'significant-harm',
    });
    const { involvement } = await record(c.cpNumber, body);
    expect(involvement).toMatchObject({
      sensitive: true,
      sensitiveCategory: 'sexual-health',
      sensitiveBasis: 'significant-harm',
    });
    const stored = await loadChild(store.db, c.cpNumber);
    expect(stored!.record.involvements[0]).toMatchObject({ id: involvement.id, sensitiveBasis: 'significant-harm' });
    const audit = await lastAudit(store.db);
    expect(audit).toMatchObject({
      action: 'involvement-recorded',
      cp_number: c.cpNumber,
      detail: { involvementId: involvement.id, sensitiveBasis: 'significant-harm' },
    });
    // The trail records the footing, not the kind of service.
    expect(JSON.stringify(audit!.detail)).not.toMatch(/sexual/);

    const read = (who: 'la-wirral' | 'practitioner-2') =>
      store.db.transaction((tx) =>
        readChild(tx, actor(who), c.cpNumber, { reason: 'check', at: clock.now(), today: today(clock) }),
      );
    expect((await read('la-wirral')).involvements?.[0]).toMatchObject({
      sensitiveCategory: 'sexual-health',
      sensitiveBasis: 'significant-harm',
    });
    const ordinary = (await read('practitioner-2')).involvements?.[0];
    expect(ordinary).toMatchObject({ service: 'Unspecified service', sensitive: true });
    expect(ordinary).not.toHaveProperty('sensitiveBasis');
  });

  it('is not added to an ordinary involvement', async () => {
    const c = await addChild(store.db, child());
    const { involvement } = await record(
      c.cpNumber,
      recordInvolvementBodySchema.parse({ service: 'School nursing', startDate: '2025-02-01' }),
    );
    expect(involvement).not.toHaveProperty('sensitiveBasis');
    expect((await lastAudit(store.db))!.detail).not.toHaveProperty('sensitiveBasis');
  });

  it('is required for a sensitive service: refused by name, by the body schema and by the service, and nothing is recorded', async () => {
    const parsed = recordInvolvementBodySchema.safeParse({
      service: 'CAMHS',
      startDate: '2025-02-01',
      sensitiveCategory: 'mental-health',
    });
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['sensitiveBasis'],
      message: 'is required for a sensitive service: "consent" or "significant-harm"',
    });

    const c = await addChild(store.db, child());
    const before = await lastAudit(store.db);
    const refused = await refusal(
      record(c.cpNumber, { service: 'CAMHS', startDate: '2025-02-01', sensitiveCategory: 'mental-health' }),
    );
    expect(refused).toMatchObject({ status: 422, code: 'sensitive-basis-required' });
    expect(refused.message).toContain('sensitiveBasis');
    expect((await loadChild(store.db, c.cpNumber))!.record.involvements).toEqual([]);
    expect((await lastAudit(store.db))!.seq).toBe(before!.seq);
  });
});

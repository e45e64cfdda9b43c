// A child's subject-access report (issue 21, item 6) over HTTP on both store engines:
// what is held, each item's source, and every audit entry about the child with who, when
// and why, checked against the audit trail read independently in the test; the report
// itself audited; only a data manager; a shielded child's report says it is shielded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpNumberFromSerial } from '../../../../domain/cp-number.js';
import { WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

const asked = (reason: string) => ({ headers: { 'cp-access-reason': reason } });

describe.each(storeEngines)("a child's subject-access report on %s", (engine) => {
  let h: ServiceHarness;
  let practitioner: SignedClient;
  let protection: SignedClient;
  let team: SignedClient;
  let dataManager: SignedClient;
  let admin: SignedClient;

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 200, now: new Date('2026-12-06T10:00:00Z') });
    practitioner = await h.signIn('trn-practitioner');
    protection = await h.signIn('trn-child-protection');
    team = await h.signIn('trn-la-team');
    dataManager = await h.signIn('trn-data-manager');
    admin = await h.signIn('trn-national-admin');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  type Held = { cp_number: string; version: number; record: { address: { postcode: string } | null } };
  const child = async (offset: number): Promise<Held> =>
    (
      await h.db.query<Held>(
        `SELECT cp_number, version, record FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded
           AND record->'address' IS NOT NULL AND record->'address' <> 'null'::jsonb ORDER BY cp_number OFFSET $2 LIMIT 1`,
        [WIRRAL, offset],
      )
    )[0]!;
  /** A child its team has just shielded. */
  const shielded = async (): Promise<Held> => {
    const c = await child(5);
    const r = await team.post('/v1/submissions', {
      items: [{ idempotencyKey: `sar-shield-${engine}`, cpNumber: c.cp_number, baseVersion: c.version, op: 'shield' }],
    });
    expect(r.body.results[0].status).toBe('applied');
    return c;
  };
  const trail = (cp: string) =>
    h.db.query<{ seq: string; action: string; user_id: string | null; reason: string | null }>(
      'SELECT seq, action, user_id, reason FROM audit_log WHERE cp_number = $1 ORDER BY seq',
      [cp],
    );

  it('holds the record, its sources and every audit entry about the child, with who, when and why', async () => {
    const { cp_number: cp, record } = await child(0);
    // Two reads and a search's open, by two people, each with its reason.
    expect((await practitioner.get(`/v1/children/${cp}`, asked('Registering the child at the practice'))).status).toBe(
      200,
    );
    expect((await team.get(`/v1/children/${cp}`, asked('Checking the address for the school'))).status).toBe(200);
    const before = await trail(cp);
    const res = await dataManager.get(`/v1/children/${cp}/subject-access`, asked('Subject access request SAR-0042'));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const report = res.body;
    expect(report.record).toMatchObject({ cpNumber: cp, address: { postcode: record.address!.postcode } });
    expect(report).toMatchObject({
      cpNumber: cp,
      reason: 'Subject access request SAR-0042',
      generatedBy: { userId: 'trn-data-manager' },
      status: 'active',
      record: { shielded: false },
      truncated: false,
    });
    // Every entry about the child before the report, in order, with its reason: counted apart.
    expect(report.entries.map((e: { seq: number }) => e.seq)).toEqual(before.map((b) => Number(b.seq)));
    expect(report.entries.map((e: { action: string }) => e.action)).toEqual(before.map((b) => b.action));
    const reads = report.entries.filter((e: { action: string }) => e.action === 'read');
    expect(reads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          userId: 'trn-practitioner',
          name: 'Alex Morgan',
          organisation: 'Seacombe Training Medical Centre',
          reason: 'Registering the child at the practice',
        }),
        expect.objectContaining({ userId: 'trn-la-team', reason: 'Checking the address for the school' }),
      ]),
    );
    // Each item's source, without its values.
    expect(report.sources.length).toBeGreaterThan(0);
    for (const s of report.sources) expect(Object.keys(s).sort()).toEqual(['date', 'field', 'supplier']);

    // The report is itself a read with its reason, and a report entry.
    const after = await trail(cp);
    expect(after.slice(before.length).map((a) => [a.action, a.user_id, a.reason])).toEqual([
      ['read', 'trn-data-manager', 'Subject access request SAR-0042'],
      ['subject-access-report', 'trn-data-manager', 'Subject access request SAR-0042'],
    ]);
  });

  it("a shielded child's report says so, and the audit entry records it", async () => {
    const { cp_number: cp } = await shielded();
    const res = await dataManager.get(`/v1/children/${cp}/subject-access`, asked('Subject access request SAR-0043'));
    expect(res.status).toBe(200);
    expect(res.body.record.shielded).toBe(true);
    const [entry] = await h.db.query<{ detail: { shielded: boolean } }>(
      "SELECT detail FROM audit_log WHERE cp_number = $1 AND action = 'subject-access-report'",
      [cp],
    );
    expect(entry!.detail.shielded).toBe(true);
  });

  it('only a data manager, with a reason; each refusal says why and reveals nothing', async () => {
    const { cp_number: cp } = await child(1);
    for (const who of [practitioner, protection, team, admin]) {
      const r = await who.get(`/v1/children/${cp}/subject-access`, asked('Curious'));
      expect(r.status).toBe(403);
      expect(r.body.entries).toBeUndefined();
    }
    const noReason = await dataManager.get(`/v1/children/${cp}/subject-access`);
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toMatch(/reason/);
    const unknown = await dataManager.get(
      `/v1/children/${cpNumberFromSerial(99_999_999)}/subject-access`,
      asked('SAR-0044'),
    );
    expect(unknown.status).toBe(404);
    expect((await trail(cp)).filter((t) => t.action === 'subject-access-report')).toHaveLength(0);
  });
});

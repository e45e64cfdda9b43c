// Access to the working set, below the UI: a real service on loopback (PGlite), the store
// encrypted under a key in the real Secret Service. Each record opened is written to the
// local access log and the outbox before anything of it is returned; offline it waits
// (through a restart) and is sent later, reaching the child's audit trail; a shielded
// record reaches the screen without its hidden fields (search results, records, tasks)
// until its shielded details are asked for.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../../main/api/client.js';
import { createTransport } from '../../../../main/api/transport.js';
import {
  accessLog,
  outboxTasksForScreen,
  recordAccess,
  recordForScreen,
  tasksForScreen,
} from '../../../../main/working-set/access.js';
import type { CleanseTask } from '../../../../main/cleansing/cleanse.js';
import { accessCounts, outboxCounts, outboxItem, sendOutbox } from '../../../../main/working-set/outbox.js';
import { createLocalSearch } from '../../../../main/working-set/search.js';
import type { WorkingSetStore } from '../../../../main/working-set/store.js';
import { runSync } from '../../../../main/working-set/sync-engine.js';
import { WIRRAL } from '../../../support/children.js';
import { startServiceHarness, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { apiFor, createTestWorkingSet, keyringUnavailable, type TestWorkingSet } from '../../../support/working-set.js';
import { describeWhere } from '../../../support/skip.js';

const who = {
  userId: 'trn-la-team',
  purpose: 'Brokering contact for a school nurse',
  context: 'local-search' as const,
};

interface Held {
  cp_number: string;
  version: number;
  record: {
    name: { given: string; family: string };
    dob: string;
    address: { lines: string[]; postcode: string };
    identifiers: { nhsNumber?: string };
    parents: { contact?: unknown }[];
  };
}

describeWhere(keyringUnavailable(), 'access to the working set (real Secret Service, real service)', () => {
  let h: ServiceHarness;
  let team: SignedClient;
  let ws: TestWorkingSet;
  let store: WorkingSetStore;
  let shielded: Held;
  let open: Held;
  const credentials = () => ({ sessionId: team.sessionId, privateKey: team.privateKey });

  beforeAll(async () => {
    h = await startServiceHarness({ trainingCount: 300 });
    team = await h.signIn('trn-la-team');
    // Two ordinary children with an address and an NHS number; the team shields the first.
    const rows = await h.db.query<Held>(
      `SELECT cp_number, version, record FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded AND NOT shield_pending
          AND record->'address'->>'postcode' IS NOT NULL AND record->'identifiers'->>'nhsNumber' IS NOT NULL ORDER BY cp_number LIMIT 2`,
      [WIRRAL],
    );
    [shielded, open] = rows as [Held, Held];
    const res = await team.post('/v1/submissions', {
      items: [
        {
          idempotencyKey: `shield-${randomBytes(4).toString('hex')}`,
          cpNumber: shielded.cp_number,
          baseVersion: shielded.version,
          op: 'shield',
        },
      ],
    });
    expect(res.body.results[0].status).toBe('applied');
    ws = createTestWorkingSet();
    store = ws.open();
    await runSync({
      store,
      api: apiFor(h),
      credentials: credentials(),
      localAuthority: WIRRAL,
      pageSize: 500,
      now: () => h.clock.now(),
    });
    expect(store.child(shielded.cp_number)?.shielded).toBe(true);
  }, 120_000);
  afterAll(async () => {
    store?.close();
    ws?.cleanup();
    await h?.close();
  });

  describe('what reaches the screen of a shielded record', () => {
    it('a record opened is withheld to what a shield leaves visible; shown in full only when revealed', () => {
      const withheld = recordForScreen(store, shielded.cp_number, false, true)!;
      expect(withheld).toMatchObject({ cpNumber: shielded.cp_number, shielded: true, withheld: true });
      const text = JSON.stringify(withheld);
      expect(text).toContain(shielded.record.name.family);
      expect(text).not.toContain(shielded.record.address.postcode);
      expect(text).not.toContain(shielded.record.address.lines[0]!);
      expect(text).not.toContain(shielded.record.identifiers.nhsNumber!);
      expect(Object.keys(withheld.record).sort()).toEqual([
        'cpNumber',
        'dob',
        'gender',
        'name',
        'parents',
        'shielded',
        'version',
      ]);
      // Provenance of hidden fields (each supplier's address) is withheld too.
      expect(
        Object.keys(withheld.provenance ?? {}).every((k) => k === 'dob' || k === 'gender' || k.startsWith('name')),
      ).toBe(true);

      const revealed = recordForScreen(store, shielded.cp_number, true, true)!;
      expect(revealed.withheld).toBe(false);
      expect(JSON.stringify(revealed.record)).toContain(shielded.record.address.postcode);
      // An ordinary record needs no reveal.
      const plain = recordForScreen(store, open.cp_number, false, false)!;
      expect(plain).toMatchObject({ withheld: false, shielded: false, provenance: null });
      expect(JSON.stringify(plain.record)).toContain(open.record.address.postcode);
    });

    it('search: no postcode in a shielded result, and a postcode or NHS number does not find it', () => {
      const search = createLocalSearch(store);
      const byName = search({ surname: shielded.record.name.family, dob: shielded.record.dob });
      const hit = byName.results.find((r) => r.cpNumber === shielded.cp_number)!;
      expect(hit).toMatchObject({ shielded: true, postcode: null });
      expect(hit.reasons.join(' ')).not.toMatch(/postcode/);
      // The same search with its postcode scores the shielded child no differently.
      const withPostcode = search({
        surname: shielded.record.name.family,
        dob: shielded.record.dob,
        postcode: shielded.record.address.postcode,
      });
      expect(withPostcode.results.find((r) => r.cpNumber === shielded.cp_number)).toEqual(hit);
      expect(search({ postcode: shielded.record.address.postcode }).results.map((r) => r.cpNumber)).not.toContain(
        shielded.cp_number,
      );
      expect(search({ nhsNumber: shielded.record.identifiers.nhsNumber! }).results).toEqual([]);
      // An ordinary child is found by both, with its postcode.
      expect(
        search({ postcode: open.record.address.postcode }).results.find((r) => r.cpNumber === open.cp_number),
      ).toMatchObject({ postcode: open.record.address.postcode });
      expect(search({ nhsNumber: open.record.identifiers.nhsNumber! }).results[0]).toMatchObject({
        cpNumber: open.cp_number,
        score: 100,
      });
      // The ContactPoint number a shield leaves visible still finds it.
      expect(search({ cpNumber: shielded.cp_number }).results[0]).toMatchObject({
        cpNumber: shielded.cp_number,
        score: 100,
        postcode: null,
      });
    });

    it('cleansing tasks: a finding about a hidden field says so without its value; a pair shows only the visible fields', () => {
      const base = {
        priority: 'high' as const,
        state: 'open' as const,
        assignee: null,
        createdAt: '2026-01-01T00:00:00Z',
      };
      const tasks: CleanseTask[] = [
        {
          ...base,
          id: 1,
          rule: 'invalid-postcode',
          cpNumber: shielded.cp_number,
          otherCpNumber: null,
          detail: {
            rule: 'invalid-postcode',
            path: 'address.postcode',
            message: `"${shielded.record.address.postcode}" is not a UK postcode.`,
            values: [{ supplier: 'dwp', value: shielded.record.address.postcode, date: '2026-01-01' }],
          },
        },
        {
          ...base,
          id: 2,
          rule: 'missing-without-not-known',
          cpNumber: shielded.cp_number,
          otherCpNumber: null,
          detail: { rule: 'missing-without-not-known', path: 'name.given', message: 'The given name is empty.' },
        },
        {
          ...base,
          id: 3,
          rule: 'invalid-postcode',
          cpNumber: open.cp_number,
          otherCpNumber: null,
          detail: {
            rule: 'invalid-postcode',
            path: 'address.postcode',
            message: `"${open.record.address.postcode}" is not a UK postcode.`,
          },
        },
        {
          ...base,
          id: 4,
          rule: 'possible-duplicate-of-shielded',
          cpNumber: shielded.cp_number,
          otherCpNumber: open.cp_number,
          detail: {
            score: 0.9,
            prior: 0.01,
            twins: false,
            shielded: true,
            fields: [
              { field: 'family', level: 'exact', weight: 3 },
              { field: 'postcode', level: 'exact', weight: 4 },
              { field: 'nhs', level: 'different', weight: -5 },
            ],
          },
        },
      ] as CleanseTask[];
      const [hiddenFinding, visibleFinding, ordinary, pair] = tasksForScreen(store.db, tasks);
      expect(JSON.stringify(hiddenFinding)).not.toContain(shielded.record.address.postcode);
      expect(hiddenFinding!.detail).toEqual({
        rule: 'invalid-postcode',
        path: 'address.postcode',
        message: 'A detail the shield hides: show the shielded details to see it.',
      });
      expect(visibleFinding).toEqual(tasks[1]);
      expect(ordinary).toEqual(tasks[2]);
      expect((pair!.detail as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual(['family']);
    });
  });

  it('tasks for a person: a change to a shielded record comes without the values it would set', async () => {
    const { openTasks } = await import('../../../../main/working-set/outbox.js');
    const add = store.db.prepare(
      "INSERT INTO tasks (kind, cp, outbox_id, created_at, state, detail) VALUES ('conflict', ?, NULL, '2026-01-01T00:00:00Z', 'open', ?)",
    );
    const changes = { address: { lines: ['1 Secret Lane'], postcode: 'CH41 9ZZ' } };
    for (const cp of [shielded.cp_number, open.cp_number])
      add.run(
        cp,
        JSON.stringify({ op: 'update', baseVersion: 1, currentVersion: 2, message: 'Changed first', changes }),
      );
    const shown = outboxTasksForScreen(store.db, openTasks(store));
    const ofShielded = shown.find((t) => t.cpNumber === shielded.cp_number)!;
    expect(ofShielded.detail).toEqual({ op: 'update', baseVersion: 1, currentVersion: 2, message: 'Changed first' });
    expect(shown.find((t) => t.cpNumber === open.cp_number)!.detail.changes).toEqual(changes);
    store.db.prepare("DELETE FROM tasks WHERE created_at = '2026-01-01T00:00:00Z'").run();
  });

  it("tasks for a person from a merge or another pair submission pass the channel's contract, so the list still shows", async () => {
    const { openTasks } = await import('../../../../main/working-set/outbox.js');
    const { channels } = await import('../../../../domain/ipc-contract.js');
    const add = store.db.prepare(
      "INSERT INTO tasks (kind, cp, outbox_id, created_at, state, detail) VALUES (?, ?, NULL, '2026-01-02T00:00:00Z', 'open', ?)",
    );
    // As sendOutbox writes them for a pair submission the service did not apply.
    add.run(
      'conflict',
      open.cp_number,
      JSON.stringify({ op: 'merge', baseVersion: 1, currentVersion: 2, message: 'Changed first' }),
    );
    add.run('rejected', open.cp_number, JSON.stringify({ op: 'not-duplicate', baseVersion: 1, message: 'Refused' }));
    add.run(
      'rejected',
      open.cp_number,
      JSON.stringify({ op: 'possible-duplicate', baseVersion: 1, message: 'Refused' }),
    );
    const shown = outboxTasksForScreen(store.db, openTasks(store));
    const parsed = channels['workingSet.tasks'].response.safeParse(shown);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(shown.map((t) => t.detail.op).filter((op) => op !== 'update')).toEqual(
      expect.arrayContaining(['merge', 'not-duplicate', 'possible-duplicate']),
    );
    store.db.prepare("DELETE FROM tasks WHERE created_at = '2026-01-02T00:00:00Z'").run();
  });

  describe('the access log', () => {
    it('an entry is written with its outbox item; offline it waits, through a restart; then it reaches the child’s audit', async () => {
      const viewedAt = new Date(h.clock.now().getTime() - 60_000);
      const entry = recordAccess(store, shielded.cp_number, who, 'shielded-details', viewedAt);
      expect(accessLog(store, 1)[0]).toEqual(entry);
      expect(entry).toMatchObject({
        cpNumber: shielded.cp_number,
        userId: 'trn-la-team',
        purpose: who.purpose,
        view: 'shielded-details',
        context: 'local-search',
      });
      expect(outboxItem(store, entry.outboxId)).toMatchObject({
        op: 'working-set-access',
        state: 'queued',
        cpNumber: shielded.cp_number,
      });
      // Audit, not a change: counted apart from the changes waiting to be sent.
      expect(accessCounts(store)).toMatchObject({ waiting: 1 });
      expect(outboxCounts(store).queued).toBe(0);

      // Offline: nothing answers.
      const offline = createApiClient({
        baseUrl: 'http://127.0.0.1:9',
        transport: createTransport({ timeoutMs: 2000 }),
        retryDelaysMs: [],
      });
      await expect(sendOutbox({ store, api: offline, credentials: credentials() })).rejects.toMatchObject({
        code: 'service-unreachable',
      });
      store.close();
      store = ws.open();
      expect(accessCounts(store).waiting).toBe(1);

      const summary = await sendOutbox({
        store,
        api: apiFor(h),
        credentials: credentials(),
        ops: ['working-set-access'],
      });
      expect(summary).toMatchObject({ applied: 1, rejected: 0, remaining: 0 });
      expect(outboxItem(store, entry.outboxId)!.state).toBe('applied');
      expect(accessCounts(store)).toEqual({ waiting: 0, refused: 0 });
      const audit = await team.get(`/v1/audit?cpNumber=${shielded.cp_number}&action=read`);
      expect(audit.body.entries).toEqual([
        expect.objectContaining({
          at: viewedAt.toISOString(),
          userId: 'trn-la-team',
          action: 'read',
          cpNumber: shielded.cp_number,
          reason: who.purpose,
        }),
      ]);
    });

    it('sending only the access entries leaves the changes waiting for a person to send', async () => {
      const { queueChanges } = await import('../../../../main/working-set/outbox.js');
      const [change] = queueChanges(
        store,
        [{ cpNumber: open.cp_number, op: 'update', changes: { gender: 'not-specified' }, source: 'cleansing' }],
        h.clock.now(),
      );
      const entry = recordAccess(store, open.cp_number, { ...who, context: 'cleansing' }, 'record', h.clock.now());
      const summary = await sendOutbox({
        store,
        api: apiFor(h),
        credentials: credentials(),
        ops: ['working-set-access'],
      });
      expect(summary.applied).toBe(1);
      expect(outboxItem(store, entry.outboxId)!.state).toBe('applied');
      expect(outboxItem(store, change!.id)!.state).toBe('queued');
    });

    it('a refused entry is kept with the service’s reason, counted, and becomes no task', async () => {
      // A colleague from another authority cannot be named as the viewer.
      const entry = recordAccess(
        store,
        open.cp_number,
        { ...who, userId: 'trn-la-team-cwac' },
        'record',
        h.clock.now(),
      );
      await sendOutbox({ store, api: apiFor(h), credentials: credentials(), ops: ['working-set-access'] });
      expect(outboxItem(store, entry.outboxId)).toMatchObject({
        state: 'rejected',
        message: expect.stringMatching(/viewedBy/),
      });
      expect(accessCounts(store).refused).toBe(1);
      expect(store.db.prepare('SELECT count(*) AS n FROM tasks WHERE outbox_id = ?').get(entry.outboxId)).toEqual({
        n: 0,
      });
    });

    it('refuses to log access to a child not in the working set, and logs nothing', () => {
      const before = accessLog(store).length;
      expect(() => recordAccess(store, 'CP000000018', who, 'record', new Date())).toThrow(/not in this working set/);
      expect(accessLog(store)).toHaveLength(before);
    });
  });
});

// Correcting a record below the UI: a real national service on loopback (PGlite,
// training data), the encrypted working set under a key in the real Secret Service, the
// outbox's signed submissions. A correction closes its cleansing task only once the
// national index has accepted it; a conflict becomes a task to decide; a correction made
// offline survives a killed process and is sent later; a shielded record's hidden
// details are never corrected (nor shown) without being revealed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditableChanges } from '../../../../domain/api/sync.js';
import { changesFromForm } from '../../../../domain/correction-check.js';
import { changeLines, formFromRecord, provenanceOf } from '../../../../domain/correction.js';
import { createApiClient } from '../../../../main/api/client.js';
import { createTransport } from '../../../../main/api/transport.js';
import { AppFailure } from '../../../../main/ipc/app-failure.js';
import { ensureCleanseSchema } from '../../../../main/cleansing/cleanse.js';
import { conflictView, correctionsOf, queueCorrection } from '../../../../main/working-set/corrections.js';
import { openTasks, sendOutbox } from '../../../../main/working-set/outbox.js';
import type { WorkingSetStore } from '../../../../main/working-set/store.js';
import { runSync } from '../../../../main/working-set/sync-engine.js';
import { WIRRAL } from '../../../support/children.js';
import { startServiceHarness, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { apiFor, createTestWorkingSet, keyringUnavailable, type TestWorkingSet } from '../../../support/working-set.js';
import { describeWhere } from '../../../support/skip.js';

const skipReason = keyringUnavailable();

interface Held {
  cp_number: string;
  version: number;
  record: Record<string, unknown> & { name: { given: string; family: string }; dob: string };
}

describeWhere(skipReason, 'correcting a record (real Secret Service, real service)', () => {
  let h: ServiceHarness;
  let team: SignedClient;
  let ws: TestWorkingSet;
  let store: WorkingSetStore;
  let children: Held[];
  let shielded: Held;
  const credentials = () => ({ sessionId: team.sessionId, privateKey: team.privateKey });
  const send = () => sendOutbox({ store, api: apiFor(h), credentials: credentials(), now: () => h.clock.now() });
  const sync = () =>
    runSync({ store, api: apiFor(h), credentials: credentials(), localAuthority: WIRRAL, now: () => h.clock.now() });
  const national = async (cp: string) =>
    (
      await h.db.query<{ version: number; record: Record<string, unknown> }>(
        'SELECT version, record FROM children WHERE cp_number = $1',
        [cp],
      )
    )[0]!;
  /** A cleansing task for a record, as a run leaves it (the rule's finding). */
  const taskFor = (cp: string, rule = 'invalid-nhs-number') =>
    Number(
      store.db
        .prepare("INSERT INTO cleanse_tasks (rule, priority, cp, detail, created_at, key) VALUES (?, 1, ?, '{}', ?, ?)")
        .run(rule, cp, h.clock.now().toISOString(), `${rule}|${cp}|${randomBytes(4).toString('hex')}`).lastInsertRowid,
    );
  const taskState = (id: number) =>
    store.db.prepare('SELECT state, resolution FROM cleanse_tasks WHERE id = ?').get(id) as {
      state: string;
      resolution: string | null;
    };
  const at = () => h.clock.now().toISOString();

  beforeAll(async () => {
    h = await startServiceHarness({ trainingCount: 300 });
    team = await h.signIn('trn-la-team');
    ws = createTestWorkingSet();
    store = ws.open();
    ensureCleanseSchema(store.db);
    await sync();
    children = await h.db.query<Held>(
      `SELECT cp_number, version, record FROM children WHERE local_authority = $1 AND status = 'active'
        AND NOT shielded AND NOT shield_pending AND record->>'dateOfDeath' IS NULL ORDER BY cp_number LIMIT 6`,
      [WIRRAL],
    );
    // A child shielded by the team (four eyes apply to removing a shield, not to applying one).
    const [found] = await h.db.query<Held>(
      `SELECT cp_number, version, record FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded
        AND NOT shield_pending AND record->>'whereabouts' = 'current' AND jsonb_array_length(record->'parents') > 0
        AND cp_number NOT IN (${children.map((_, i) => `$${i + 2}`).join(', ')}) ORDER BY cp_number DESC LIMIT 1`,
      [WIRRAL, ...children.map((c) => c.cp_number)],
    );
    shielded = found!;
    const shield = await team.post('/v1/submissions', {
      items: [
        {
          idempotencyKey: `shield-${randomBytes(4).toString('hex')}`,
          cpNumber: shielded.cp_number,
          baseVersion: shielded.version,
          op: 'shield',
        },
      ],
    });
    expect(shield.body.results[0].status).toBe('applied');
    await sync();
    expect(store.child(shielded.cp_number)?.shielded).toBe(true);
    expect(children.length).toBe(6);
    expect(shielded).toBeDefined();
  }, 120_000);
  afterAll(async () => {
    store?.close();
    ws?.cleanup();
    await h?.close();
  });

  it('the form checks with the service validators and names the field', () => {
    const c = children[0]!;
    const form = { ...formFromRecord(c.record), nhsNumber: '1234567890', nhsNotKnown: false, postcode: 'NOT A CODE' };
    const r = changesFromForm(c.record, form, { withheld: false, today: at().slice(0, 10) });
    expect(r.changes).toBeNull();
    expect(r.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['nhsNumber']));
    expect(r.errors.find((e) => e.field === 'nhsNumber')!.message).toMatch(/NHS number .*check digit/);
    // An archive age above 18 needs its basis and consent.
    const noConsent = changesFromForm(
      c.record,
      { ...formFromRecord(c.record), archive: 'connexions' },
      {
        withheld: false,
        today: at().slice(0, 10),
      },
    );
    expect(noConsent.errors).toEqual([expect.objectContaining({ field: 'archiveConsent' })]);
    expect(provenanceOf(WIRRAL, '2026-12-06')).toBe('Wirral ContactPoint team, 2026-12-06');
  });

  it('an untouched form changes nothing, whatever the record holds', async () => {
    const all = await h.db.query<Held>(
      "SELECT cp_number, version, record FROM children WHERE local_authority = $1 AND status = 'active' LIMIT 300",
      [WIRRAL],
    );
    for (const c of all) {
      const record = store.child(c.cp_number)!.record;
      const r = changesFromForm(record, formFromRecord(record), { withheld: false, today: at().slice(0, 10) });
      expect(r.errors, `${c.cp_number} ${JSON.stringify(r.changes)}`).toEqual([
        { field: 'given', message: 'Change at least one thing, or cancel' },
      ]);
    }
  });

  it('queues a signed update; the task closes only when the national index accepts it', async () => {
    const c = children[0]!;
    const form = {
      ...formFromRecord(store.child(c.cp_number)!.record),
      family: 'Corrected',
      nhsNotKnown: true,
      nhsNumber: '',
      archive: 'care-leaver' as const,
      archiveConsent: true,
    };
    const made = changesFromForm(store.child(c.cp_number)!.record, form, { withheld: false, today: at().slice(0, 10) });
    expect(made.errors).toEqual([]);
    const changes = made.changes!;
    expect(changeLines(c.record, changes).map((l) => l.label)).toEqual(
      expect.arrayContaining(['Name', 'Archive age', 'Legal basis for the archive age']),
    );
    const task = taskFor(c.cp_number);
    const view = queueCorrection(
      store,
      { cpNumber: c.cp_number, baseVersion: c.version, changes, cleanseTaskId: task },
      { reveal: true, localAuthority: WIRRAL, at: at() },
    );
    expect(view).toMatchObject({
      state: 'pending',
      cleanseTaskId: task,
      provenance: expect.stringMatching(/^Wirral ContactPoint team, /),
    });
    expect(taskState(task).state).toBe('open');
    expect(await send()).toMatchObject({ applied: 1, conflicts: 0, rejected: 0 });
    expect(correctionsOf(store.db, { cleanseTaskId: task })[0]).toMatchObject({ state: 'accepted' });
    expect(taskState(task)).toEqual({ state: 'resolved', resolution: 'corrected' });
    const now = await national(c.cp_number);
    expect(now.version).toBe(c.version + 1);
    expect(now.record).toMatchObject({
      name: { family: 'Corrected' },
      archiveAge: 25,
      archiveConsent: { basis: 'care-leaver', consentRecorded: true },
    });
    expect((now.record.identifiers as Record<string, unknown>).nhsNumber).toBeUndefined();
    // The national audit trail names the fields, never their values.
    const [audit] = await h.db.query<{ detail: { fields: string[] } }>(
      "SELECT detail FROM audit_log WHERE cp_number = $1 AND action = 'record-changed' ORDER BY seq DESC LIMIT 1",
      [c.cp_number],
    );
    expect(audit!.detail.fields).toEqual(expect.arrayContaining(['name', 'archiveAge', 'identifiers.nhsNumber']));
    expect(JSON.stringify(audit)).not.toContain('Corrected');
  });

  it('refuses a correction against a version the working set no longer holds, queuing nothing', () => {
    const c = children[1]!;
    const before = store.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number };
    const e = (() => {
      try {
        queueCorrection(
          store,
          { cpNumber: c.cp_number, baseVersion: c.version + 5, changes: { gender: 'female' } },
          { reveal: true, localAuthority: WIRRAL, at: at() },
        );
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(AppFailure);
    expect((e as AppFailure).code).toBe('conflict');
    expect(store.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual(before);
  });

  it('a conflict becomes a task showing both versions; chosen per field, it is sent again and closes the task', async () => {
    const c = children[2]!;
    const task = taskFor(c.cp_number, 'missing-without-not-known');
    queueCorrection(
      store,
      {
        cpNumber: c.cp_number,
        baseVersion: c.version,
        changes: { name: { given: 'Mine', family: c.record.name.family, former: [] }, gender: 'female' },
        cleanseTaskId: task,
      },
      { reveal: true, localAuthority: WIRRAL, at: at() },
    );
    // Meanwhile, someone changes the record at the national index.
    const other = await team.post('/v1/submissions', {
      items: [
        {
          idempotencyKey: `other-${randomBytes(4).toString('hex')}`,
          cpNumber: c.cp_number,
          baseVersion: c.version,
          op: 'update',
          changes: { gender: 'male', dob: c.record.dob },
        },
      ],
    });
    expect(other.body.results[0].status).toBe('applied');
    expect(await send()).toMatchObject({ applied: 0, conflicts: 1 });
    const [correction] = correctionsOf(store.db, { cleanseTaskId: task });
    expect(correction).toMatchObject({ state: 'conflict' });
    expect(taskState(task).state).toBe('open');
    const conflictTask = openTasks(store).find((t) => t.cpNumber === c.cp_number && t.kind === 'conflict')!;
    expect(correction!.conflictTaskId).toBe(conflictTask.id);
    // Before a sync the working set holds the old version: the person is told to sync first.
    expect(conflictView(store, conflictTask.id, false).needsSync).toBe(true);
    await sync();
    const view = conflictView(store, conflictTask.id, false);
    expect(view).toMatchObject({ needsSync: false, heldVersion: c.version + 1, cleanseTaskId: task });
    expect(view.changes).toMatchObject({ gender: 'female', name: { given: 'Mine' } });
    expect(view.record).toMatchObject({ gender: 'male' });
    // Keep my name, take their gender: sent again against the version held now.
    const changes: EditableChanges = { name: view.changes.name as EditableChanges['name'] };
    queueCorrection(
      store,
      {
        cpNumber: c.cp_number,
        baseVersion: view.heldVersion,
        changes,
        cleanseTaskId: task,
        conflictTaskId: view.taskId,
      },
      { reveal: true, localAuthority: WIRRAL, at: at() },
    );
    expect(openTasks(store).some((t) => t.id === conflictTask.id)).toBe(false);
    expect(correctionsOf(store.db, { cleanseTaskId: task }).map((x) => x.state)).toEqual(['pending', 'resent']);
    expect(await send()).toMatchObject({ applied: 1 });
    expect(taskState(task)).toEqual({ state: 'resolved', resolution: 'corrected' });
    expect((await national(c.cp_number)).record).toMatchObject({ gender: 'male', name: { given: 'Mine' } });
  });

  it('a correction made offline survives a killed process and is sent later', async () => {
    const c = children[3]!;
    const task = taskFor(c.cp_number, 'invalid-postcode');
    store.close();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/integration/main/working-set/correction-process.ts'],
      {
        env: {
          ...process.env,
          CP_WS_DIR: ws.dir,
          CP_WS_ACCOUNT: ws.account,
          CP_CORRECTION: JSON.stringify({
            cpNumber: c.cp_number,
            baseVersion: c.version,
            changes: { whereabouts: 'left-england', address: null, intendsToReturn: 'not-known' },
            cleanseTaskId: task,
          }),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    for await (const text of createInterface({ input: child.stdout! })) {
      expect(JSON.parse(text)).toMatchObject({ state: 'pending' });
      child.kill('SIGKILL');
      break;
    }
    expect(await exited).toBe('SIGKILL');

    store = ws.open();
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(correctionsOf(store.db, { cleanseTaskId: task })[0]).toMatchObject({ state: 'pending' });
    // Still offline: nothing is lost, the task stays open and the correction pending.
    const offline = createApiClient({
      baseUrl: 'https://127.0.0.1:9',
      transport: createTransport({ timeoutMs: 2_000 }),
      retryDelaysMs: [],
    });
    await expect(sendOutbox({ store, api: offline, credentials: credentials() })).rejects.toBeDefined();
    expect(correctionsOf(store.db, { cleanseTaskId: task })[0]).toMatchObject({ state: 'pending' });
    expect(taskState(task).state).toBe('open');
    // Back online: sent once, accepted, the task closed.
    expect(await send()).toMatchObject({ applied: 1, conflicts: 0, rejected: 0 });
    expect(taskState(task)).toEqual({ state: 'resolved', resolution: 'corrected' });
    expect((await national(c.cp_number)).record).toMatchObject({
      whereabouts: 'left-england',
      address: null,
      intendsToReturn: 'not-known',
    });
  }, 60_000);

  describe('a shielded child', () => {
    it('may have what a shield leaves visible corrected; its hidden details stay as they are', async () => {
      const held = store.child(shielded.cp_number)!;
      const parents = held.record.parents as { name: string; relationship: string; contact?: unknown }[];
      const changes: EditableChanges = {
        parents: parents.map((p, i) => ({
          name: i === 0 ? 'Renamed Carer' : p.name,
          relationship: p.relationship as never,
        })),
      };
      queueCorrection(
        store,
        { cpNumber: shielded.cp_number, baseVersion: held.version, changes },
        { reveal: false, localAuthority: WIRRAL, at: at() },
      );
      expect(await send()).toMatchObject({ applied: 1 });
      const now = await national(shielded.cp_number);
      const nowParents = now.record.parents as { name: string; contact?: unknown }[];
      expect(nowParents[0]!.name).toBe('Renamed Carer');
      // The contact details the screen never had were kept, not wiped.
      expect(nowParents.map((p) => p.contact)).toEqual(parents.map((p) => p.contact));
      expect(now.record.address).toEqual(shielded.record.address);
    });

    it('refuses a correction of its hidden details without them shown, and queues nothing', async () => {
      await sync();
      const held = store.child(shielded.cp_number)!;
      const before = store.db.prepare('SELECT count(*) AS n FROM outbox').get();
      for (const changes of [
        { address: { lines: ['1 Insider Street'], postcode: 'CH41 1AA' } },
        { whereabouts: 'no-known-address', address: null },
        { parents: [{ name: 'X', relationship: 'mother', contact: { phone: '0151 000 0000' } }] },
        { identifiers: { nhsNumber: null } },
      ] as EditableChanges[]) {
        let e: unknown;
        try {
          queueCorrection(
            store,
            { cpNumber: shielded.cp_number, baseVersion: held.version, changes },
            { reveal: false, localAuthority: WIRRAL, at: at() },
          );
        } catch (err) {
          e = err;
        }
        expect((e as AppFailure).code, JSON.stringify(changes)).toBe('forbidden');
      }
      expect(store.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual(before);
    });

    it("a conflict on it shows neither the record's hidden details nor the change's", async () => {
      const held = store.child(shielded.cp_number)!;
      queueCorrection(
        store,
        {
          cpNumber: shielded.cp_number,
          baseVersion: held.version,
          changes: { address: { lines: ['2 Hidden Road'], postcode: 'CH41 1AA' }, gender: 'female' },
        },
        { reveal: true, localAuthority: WIRRAL, at: at() },
      );
      await team.post('/v1/submissions', {
        items: [
          {
            idempotencyKey: `other-${randomBytes(4).toString('hex')}`,
            cpNumber: shielded.cp_number,
            baseVersion: held.version,
            op: 'update',
            changes: { gender: 'male' },
          },
        ],
      });
      expect(await send()).toMatchObject({ conflicts: 1 });
      await sync();
      const task = openTasks(store).find((t) => t.cpNumber === shielded.cp_number && t.kind === 'conflict')!;
      const view = conflictView(store, task.id, false);
      expect(view.withheld).toBe(true);
      const shown = JSON.stringify(view);
      expect(shown).not.toContain('Hidden Road');
      const address = shielded.record.address as { postcode: string; lines: string[] };
      expect(shown).not.toContain(address.postcode);
      expect(shown).not.toContain(address.lines[0]!);
      expect(view.changes).toEqual({ gender: 'female' });
    });
  });
});

// The encrypted working set end to end below the UI: a real national service on
// loopback (PGlite, training data), main's signed API client, the store encrypted under
// a key in the real Secret Service (gnome-keyring in npm test's D-Bus session).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Entry } from '@napi-rs/keyring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppFailure } from '../../../../main/ipc/app-failure.js';
import { openTasks, outboxCounts, outboxItem, queueChanges, sendOutbox } from '../../../../main/working-set/outbox.js';
import { createLocalSearch } from '../../../../main/working-set/search.js';
import {
  openStore,
  storeFiles,
  wipeStore,
  WorkingSetError,
  type WorkingSetStore,
} from '../../../../main/working-set/store.js';
import { runSync, type SyncProgress } from '../../../../main/working-set/sync-engine.js';
import { KEYRING_SERVICE } from '../../../../main/working-set/vault.js';
import { runLifecycle } from '../../../../service/lifecycle/lifecycle.js';
import { WIRRAL } from '../../../support/children.js';
import { failureOf } from '../../../support/failures.js';
import { startServiceHarness, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { apiFor, createTestWorkingSet, keyringUnavailable, type TestWorkingSet } from '../../../support/working-set.js';
import { describeWhere } from '../../../support/skip.js';

const skipReason = keyringUnavailable();

interface HeldChild {
  cp_number: string;
  version: number;
  record: {
    name: { given: string; family: string; former: { family: string }[] };
    dob: string;
    address: { postcode: string } | null;
    identifiers: { nhsNumber?: string };
    gender: string;
  };
}

async function activeChildren(h: ServiceHarness, where = 'true'): Promise<HeldChild[]> {
  return h.db.query<HeldChild>(
    `SELECT cp_number, version, record FROM children WHERE local_authority = '${WIRRAL}' AND status = 'active' AND ${where} ORDER BY cp_number`,
  );
}

/** What `fn` throws (undefined if it returns). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

function filesHash(dir: string): string {
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  return hash.digest('hex');
}

describeWhere(skipReason, 'the working set (real Secret Service, real service)', () => {
  let h: ServiceHarness;
  let team: SignedClient;
  let ws: TestWorkingSet;
  let store: WorkingSetStore;
  const credentials = () => ({ sessionId: team.sessionId, privateKey: team.privateKey });
  const sync = (onProgress?: (p: SyncProgress) => void) =>
    runSync({
      store,
      api: apiFor(h),
      credentials: credentials(),
      localAuthority: WIRRAL,
      pageSize: 100,
      now: () => h.clock.now(),
      ...(onProgress ? { onProgress } : {}),
    });

  beforeAll(async () => {
    h = await startServiceHarness({ trainingCount: 700 });
    team = await h.signIn('trn-la-team');
    ws = createTestWorkingSet();
    store = ws.open();
  }, 120_000);
  afterAll(async () => {
    store?.close();
    ws?.cleanup();
    await h?.close();
  });

  it('a first full sync brings every active child of the authority, with progress to 100%', async () => {
    const progress: SyncProgress[] = [];
    const run = await sync((p) => progress.push(p));
    const held = await activeChildren(h);
    expect(run).toMatchObject({ kind: 'full', outcome: 'completed' });
    expect(store.childCount()).toBe(held.length);
    expect(held.length).toBeGreaterThan(300);
    // Every child at the service's version.
    for (const c of held.slice(0, 50)) expect(store.child(c.cp_number)?.version).toBe(c.version);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toMatchObject({ done: true, fraction: 1, etaSeconds: 0 });
    const fractions = progress.map((p) => p.fraction);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    expect(progress[1]!.rate).toBeGreaterThan(0);
    // Each field's provenance came too, as the service holds it (cleansing's discrepancy check reads it).
    const [one] = await h.db.query<{ cp_number: string; provenance: Record<string, unknown> }>(
      "SELECT cp_number, provenance FROM children WHERE local_authority = $1 AND status = 'active' AND provenance <> '{}'::jsonb LIMIT 1",
      [WIRRAL],
    );
    const stored = store.db
      .prepare('SELECT json FROM provenance WHERE id = ?')
      .get(Number(one!.cp_number.slice(2, 10))) as { json: Buffer };
    expect(JSON.parse(stored.json.toString('utf8'))).toEqual(one!.provenance);
  });

  it('keeps no personal data in plaintext on disk: database, WAL and journal', async () => {
    const [child] = await activeChildren(h, "record->'identifiers'->>'nhsNumber' IS NOT NULL");
    const family = child!.record.name.family;
    const nhs = child!.record.identifiers.nhsNumber!;
    // The store holds it (so the search below would find it if it were in the clear)...
    expect(store.child(child!.cp_number)?.record).toMatchObject({ name: { family } });
    const files = storeFiles(ws.dir);
    expect(files.map((f) => f.slice(ws.dir.length + 1))).toEqual(
      expect.arrayContaining(['working-set.db', 'working-set.db-wal']),
    );
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const needle of [family, nhs, child!.cp_number, child!.record.dob, 'identifiers']) {
        expect(bytes.includes(Buffer.from(needle, 'utf8')), `${needle} found in ${f}`).toBe(false);
      }
    }
    // ...and the key is not on disk either.
    const key = new Entry(KEYRING_SERVICE, ws.account).getPassword()!;
    for (const f of files) expect(readFileSync(f).includes(Buffer.from(key, 'hex'))).toBe(false);
  });

  it('a delta sync fetches only what changed: updates, and tombstones for archived children', async () => {
    const before = store.childCount();
    // Five months on: the oldest children reach their archive age and leave the working set.
    h.clock.advance(150 * 24 * 3600 * 1000);
    team = await h.signIn('trn-la-team');
    const result = await runLifecycle(h.db, h.clock);
    expect(result.archived).toBeGreaterThan(0);
    const [changed] = await activeChildren(h);
    const res = await team.post('/v1/submissions', {
      items: [
        {
          idempotencyKey: 'test-delta-1',
          cpNumber: changed!.cp_number,
          baseVersion: changed!.version,
          op: 'update',
          changes: { gender: 'not-specified' },
        },
      ],
    });
    expect(res.body.results[0].status).toBe('applied');

    const run = await sync();
    expect(run.kind).toBe('delta');
    expect(run.removed).toBeGreaterThan(0);
    // Far fewer than a full sync's worth of entries.
    expect(run.upserts + run.removed).toBeLessThan(before / 2);
    expect(store.childCount()).toBe((await activeChildren(h)).length);
    expect(store.childCount()).toBe(before - run.removed);
    expect(store.child(changed!.cp_number)).toMatchObject({
      version: changed!.version + 1,
      record: { gender: 'not-specified' },
    });
    const archived = await h.db.query<{ cp_number: string }>(
      `SELECT cp_number FROM children WHERE local_authority = '${WIRRAL}' AND status = 'archived' LIMIT 5`,
    );
    for (const a of archived) expect(store.child(a.cp_number)).toBeNull();
  });

  it('refuses to sync another authority into this working set, and changes nothing', async () => {
    const count = store.childCount();
    const other = await h.signIn('trn-la-team-cwac');
    const err = await runSync({
      store,
      api: apiFor(h),
      credentials: { sessionId: other.sessionId, privateKey: other.privateKey },
      localAuthority: 'E06000050',
    }).catch((e) => e);
    expect(err).toBeInstanceOf(WorkingSetError);
    expect(err.code).toBe('other-authority');
    expect(err.message).toMatch(/belongs to another local authority/);
    expect(store.childCount()).toBe(count);
  });

  describe('the outbox', () => {
    it('sends a queued change once, signed; the next sync brings the new version', async () => {
      const [c] = await activeChildren(h, 'NOT shielded');
      const [item] = queueChanges(
        store,
        [{ cpNumber: c!.cp_number, op: 'update', changes: { gender: 'female' }, source: 'cleansing' }],
        h.clock.now(),
      );
      expect(item).toMatchObject({ state: 'queued', baseVersion: c!.version });
      const summary = await sendOutbox({ store, api: apiFor(h), credentials: credentials(), now: () => h.clock.now() });
      expect(summary).toEqual({ applied: 1, conflicts: 0, rejected: 0, remaining: 0 });
      expect(outboxItem(store, item!.id)).toMatchObject({ state: 'applied', attempts: 1 });
      // Sending again sends nothing: the item is final.
      expect(await sendOutbox({ store, api: apiFor(h), credentials: credentials() })).toEqual({
        applied: 0,
        conflicts: 0,
        rejected: 0,
        remaining: 0,
      });
      const [after] = await h.db.query<{ version: number; record: { gender: string } }>(
        'SELECT version, record FROM children WHERE cp_number = $1',
        [c!.cp_number],
      );
      expect(after).toMatchObject({ version: c!.version + 1, record: { gender: 'female' } });
      await sync();
      expect(store.child(c!.cp_number)?.version).toBe(c!.version + 1);
    });

    it('a change to a record someone else changed first becomes a conflict task; nothing is overwritten', async () => {
      const [, c] = await activeChildren(h, 'NOT shielded');
      queueChanges(
        store,
        [
          {
            cpNumber: c!.cp_number,
            op: 'update',
            changes: { name: { given: 'Local', family: 'Change', former: [] } },
            source: 'cleansing',
          },
        ],
        h.clock.now(),
      );
      // Meanwhile, at the national index:
      await team.post('/v1/submissions', {
        items: [
          {
            idempotencyKey: `other-${randomBytes(4).toString('hex')}`,
            cpNumber: c!.cp_number,
            baseVersion: c!.version,
            op: 'update',
            changes: { gender: 'not-specified' },
          },
        ],
      });
      const summary = await sendOutbox({ store, api: apiFor(h), credentials: credentials() });
      expect(summary).toMatchObject({ applied: 0, conflicts: 1 });
      const [now] = await h.db.query<{ version: number; record: { name: { family: string } } }>(
        'SELECT version, record FROM children WHERE cp_number = $1',
        [c!.cp_number],
      );
      expect(now!.record.name.family).toBe(c!.record.name.family);
      expect(now!.version).toBe(c!.version + 1);
      const task = openTasks(store).find((t) => t.cpNumber === c!.cp_number);
      expect(task).toMatchObject({
        kind: 'conflict',
        state: 'open',
        detail: { baseVersion: c!.version, currentVersion: c!.version + 1, changes: { name: { family: 'Change' } } },
      });
    });

    /** Shield a child at the national index, as its team would. */
    const shield = async (c: HeldChild) => {
      const r = await team.post('/v1/submissions', {
        items: [
          {
            idempotencyKey: `shield-${randomBytes(4).toString('hex')}`,
            cpNumber: c.cp_number,
            baseVersion: c.version,
            op: 'shield',
          },
        ],
      });
      expect(r.body.results[0].status).toBe('applied');
    };

    it("a possible duplicate's shield-pending change does not turn the changes queued behind it into conflicts", async () => {
      // The cleansing run queues the possible duplicate of a shielded child; the team then
      // merges the copy into it, before sending. The first item moves the copy's version on
      // at the national index (it becomes shield-pending), and only that.
      const [s, u] = (await activeChildren(h, 'NOT shielded AND NOT shield_pending')).slice(-2);
      await shield(s!);
      await sync();
      const items = queueChanges(
        store,
        [
          { cpNumber: u!.cp_number, op: 'possible-duplicate', other: s!.cp_number, score: 0.9, source: 'cleansing' },
          { cpNumber: s!.cp_number, op: 'merge', other: u!.cp_number, source: 'cleansing' },
        ],
        h.clock.now(),
      );
      const summary = await sendOutbox({ store, api: apiFor(h), credentials: credentials() });
      expect(summary).toEqual({ applied: 2, conflicts: 0, rejected: 0, remaining: 0 });
      expect(items.map((i) => outboxItem(store, i.id)!.state)).toEqual(['applied', 'applied']);
      expect(await h.db.query('SELECT 1 FROM children WHERE cp_number = $1', [u!.cp_number])).toEqual([]);
    });

    it("anybody else's change before the possible duplicate still makes the change behind it a conflict", async () => {
      const [s, u] = (await activeChildren(h, 'NOT shielded AND NOT shield_pending')).slice(-4, -2);
      await shield(s!);
      await sync();
      const items = queueChanges(
        store,
        [
          { cpNumber: u!.cp_number, op: 'possible-duplicate', other: s!.cp_number, score: 0.9, source: 'cleansing' },
          { cpNumber: u!.cp_number, op: 'update', changes: { gender: 'not-specified' }, source: 'cleansing' },
        ],
        h.clock.now(),
      );
      await team.post('/v1/submissions', {
        items: [
          {
            idempotencyKey: `other-${randomBytes(4).toString('hex')}`,
            cpNumber: u!.cp_number,
            baseVersion: u!.version,
            op: 'update',
            changes: { name: { ...u!.record.name, given: 'Other' } },
          },
        ],
      });
      const summary = await sendOutbox({ store, api: apiFor(h), credentials: credentials() });
      expect(summary).toMatchObject({ applied: 1, conflicts: 1 });
      expect(outboxItem(store, items[1]!.id)!.state).toBe('conflict');
      const [now] = await h.db.query<{ record: { gender: string; name: { given: string } } }>(
        'SELECT record FROM children WHERE cp_number = $1',
        [u!.cp_number],
      );
      expect(now!.record).toMatchObject({ gender: u!.record.gender, name: { given: 'Other' } });
    });

    it('survives a restart, and an item cut off mid-send goes again with its key and is applied once', async () => {
      const [, , c] = await activeChildren(h, 'NOT shielded');
      const [item] = queueChanges(
        store,
        [{ cpNumber: c!.cp_number, op: 'update', changes: { gender: 'male' }, source: 'supply' }],
        h.clock.now(),
      );
      // The batch reached the service, but the process died before it heard the answer.
      const sent = await team.post('/v1/submissions', {
        items: [
          {
            idempotencyKey: item!.idempotencyKey,
            cpNumber: c!.cp_number,
            baseVersion: item!.baseVersion,
            op: 'update',
            changes: { gender: 'male' },
          },
        ],
      });
      expect(sent.body.results[0].status).toBe('applied');
      store.db.prepare("UPDATE outbox SET state = 'sending', attempts = 1 WHERE id = ?").run(item!.id);
      store.close();
      store = ws.open();
      expect(outboxCounts(store).sending).toBe(1);
      const summary = await sendOutbox({ store, api: apiFor(h), credentials: credentials() });
      expect(summary.applied).toBe(1);
      expect(outboxItem(store, item!.id)).toMatchObject({ state: 'applied', attempts: 2 });
      // Applied once: one new version, not two.
      const [now] = await h.db.query<{ version: number }>('SELECT version FROM children WHERE cp_number = $1', [
        c!.cp_number,
      ]);
      expect(now!.version).toBe(c!.version + 1);
    });

    it('a failed send leaves the items waiting, nothing lost', async () => {
      const [, , , c] = await activeChildren(h, 'NOT shielded');
      const [item] = queueChanges(store, [{ cpNumber: c!.cp_number, op: 'shield', source: 'team' }], h.clock.now());
      const signer = async () => {
        throw new AppFailure('signed-out', 'ContactPoint was locked. Sign in again to continue.');
      };
      expect((await failureOf(sendOutbox({ store, api: apiFor(h), credentials: signer }))).code).toBe('signed-out');
      expect(outboxItem(store, item!.id)!.state).toBe('sending');
      expect((await sendOutbox({ store, api: apiFor(h), credentials: credentials() })).applied).toBe(1);
    });

    it('refuses to queue a change for a child not in the working set, and queues nothing', () => {
      const before = outboxCounts(store).queued;
      const err = thrownBy(() =>
        queueChanges(store, [{ cpNumber: 'CP000000018', op: 'shield', source: 'team' }], new Date()),
      ) as WorkingSetError;
      expect(err.code).toBe('not-held');
      expect(outboxCounts(store).queued).toBe(before);
    });
  });

  describe('local search', () => {
    let search: ReturnType<typeof createLocalSearch>;
    let child: HeldChild;
    beforeAll(async () => {
      search = createLocalSearch(store);
      const candidates = await activeChildren(
        h,
        "length(record->'name'->>'family') >= 6 AND record->'address' IS NOT NULL AND record->'identifiers'->>'nhsNumber' IS NOT NULL",
      );
      // A surname whose third and fourth letters differ, so that swapping them (the typo below) really misspells it.
      child = candidates.find(
        (c) =>
          store.child(c.cp_number) !== null &&
          Number(c.record.dob.slice(8)) <= 12 &&
          c.record.dob.slice(5, 7) !== c.record.dob.slice(8) &&
          c.record.name.family[2]!.toLowerCase() !== c.record.name.family[3]!.toLowerCase(),
      )!;
      expect(child).toBeDefined();
    });
    const top = (q: Parameters<typeof search>[0]) => search(q).results[0];

    it('finds a misspelt surname with the date of birth, ranked first with its reason', () => {
      const family = child.record.name.family;
      const typo = `${family.slice(0, 2)}${family[3]}${family[2]}${family.slice(4)}`;
      expect(typo.toLowerCase()).not.toBe(family.toLowerCase());
      const hit = top({ surname: typo, dob: child.record.dob });
      expect(hit).toMatchObject({ cpNumber: child.cp_number, given: child.record.name.given, family });
      expect(hit!.score).toBeLessThan(100);
      expect(hit!.score).toBeGreaterThan(70);
    });

    it('finds the child with day and month of birth swapped', () => {
      const [y, m, d] = child.record.dob.split('-');
      const hit = search({ surname: child.record.name.family, dob: `${y}-${d}-${m}` }).results.find(
        (r) => r.cpNumber === child.cp_number,
      );
      expect(hit?.reasons).toContain('date of birth with day and month swapped');
    });

    it('finds by surname alone through a typo, and by a sound-alike spelling', () => {
      const family = child.record.name.family;
      const dropped = family.slice(0, 3) + family.slice(4);
      expect(search({ surname: dropped }).results.map((r) => r.cpNumber)).toContain(child.cp_number);
    });

    it('finds by full postcode and by outward code with the date of birth', () => {
      const pc = child.record.address!.postcode;
      expect(search({ postcode: pc.toLowerCase().replace(' ', '') }).results.map((r) => r.cpNumber)).toContain(
        child.cp_number,
      );
      const outward = pc.split(' ')[0]!;
      const byOutward = search({ postcode: outward, dob: child.record.dob });
      expect(byOutward.results[0]?.cpNumber).toBe(child.cp_number);
    });

    it('finds by NHS number and ContactPoint number exactly, score 100', () => {
      expect(
        top({ nhsNumber: child.record.identifiers.nhsNumber!.replace(/^(\d{3})(\d{3})/, '$1 $2 ') }),
      ).toMatchObject({ cpNumber: child.cp_number, score: 100 });
      expect(top({ cpNumber: child.cp_number.toLowerCase() })).toMatchObject({ cpNumber: child.cp_number, score: 100 });
      expect(search({ cpNumber: 'CP000000018' }).results).toEqual([]);
    });

    it('does not offer children whose surname is nothing like the one asked for', () => {
      const results = search({ surname: 'Zzyzxqwv', dob: child.record.dob }).results;
      expect(results).toEqual([]);
    });
  });

  describe('keys and wiping', () => {
    it('a missing key is a clear error and deletes nothing', () => {
      const other = createTestWorkingSet();
      try {
        other.open().close();
        const before = filesHash(other.dir);
        other.vault.destroy();
        const err = thrownBy(() => other.open()) as WorkingSetError;
        expect(err).toBeInstanceOf(WorkingSetError);
        expect(err.code).toBe('key-missing');
        expect(err.message).toMatch(
          /key is not in this computer's credential store.*Nothing on this computer has been deleted/,
        );
        expect(filesHash(other.dir)).toBe(before);
      } finally {
        other.cleanup();
      }
    });

    it('a wrong key is a clear error and deletes nothing', () => {
      const other = createTestWorkingSet();
      try {
        const s = other.open();
        s.setMeta('localAuthority', WIRRAL);
        s.close();
        const before = filesHash(other.dir);
        new Entry(KEYRING_SERVICE, other.account).setPassword(randomBytes(32).toString('hex'));
        const err = thrownBy(() => openStore(other.dir, other.vault)) as WorkingSetError;
        expect(err.code).toBe('key-wrong');
        expect(err.message).toMatch(/cannot be opened with the key.*Nothing on this computer has been deleted/);
        expect(filesHash(other.dir)).toBe(before);
      } finally {
        other.cleanup();
      }
    });

    it('wiping removes the database, its WAL and the key; the next open starts empty', () => {
      const other = createTestWorkingSet();
      try {
        const s = other.open();
        s.setMeta('localAuthority', WIRRAL);
        s.close();
        expect(new Entry(KEYRING_SERVICE, other.account).getPassword()).not.toBeNull();
        wipeStore(other.dir, other.vault);
        expect(storeFiles(other.dir)).toEqual([]);
        expect(existsSync(join(other.dir, 'working-set.db'))).toBe(false);
        expect(new Entry(KEYRING_SERVICE, other.account).getPassword()).toBeNull();
        const fresh = other.open();
        expect(fresh.meta('localAuthority')).toBeNull();
        fresh.close();
      } finally {
        other.cleanup();
      }
    });
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FeedEntry } from '../../../../domain/api/sync.js';
import type { ChildRecord } from '../../../../domain/child-record.js';
import { ApiError } from '../../../../service/http/api-error.js';
import { runLifecycle } from '../../../../service/lifecycle/lifecycle.js';
import { insertChild, loadChild, updateChild } from '../../../../service/records/child-store.js';
import {
  decodeCursor,
  encodeCursor,
  readFeedPage,
  readFeedPageLines,
  readFeedPageText,
  readFeedStatus,
} from '../../../../service/sync/feed.js';
import { parseFeedLines } from '../../../../main/working-set/sync-engine.js';
import { CHESHIRE_WEST_AND_CHESTER, child, WIRRAL } from '../../../support/children.js';
import { laTeam, nationalAdmin, openContext, practitioner } from './fixtures.js';

const ctx = await openContext();
afterAll(() => ctx.db.close());

let laCounter = 0;
/** A local authority code of its own, so each test reads a feed no other test writes. */
const freshAuthority = () => `E09${String(100000 + laCounter++).padStart(6, '0')}`;

async function insert(record: ChildRecord) {
  return ctx.db.transaction((tx) => insertChild(tx, record, { at: ctx.clock.now() }));
}
async function change(cpNumber: string, edit: (r: ChildRecord) => ChildRecord) {
  return ctx.db.transaction(async (tx) => {
    const c = (await loadChild(tx, cpNumber, { forUpdate: true }))!;
    return updateChild(tx, cpNumber, c.version, edit(c.record), { at: ctx.clock.now() });
  });
}

async function readAll(la: string, limit: number): Promise<FeedEntry[]> {
  const out: FeedEntry[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await readFeedPage(ctx, laTeam(la), la, { after: cursor, limit });
    out.push(...page.changes);
    cursor = page.cursor;
    if (!page.more) return out;
  }
}

async function auditCount(action: string): Promise<number> {
  const [row] = await ctx.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM audit_log WHERE action = $1', [
    action,
  ]);
  return row!.n;
}

describe('reading the feed', () => {
  it('delivers upserts with the full record, flags, and no supplier references', async () => {
    const la = freshAuthority();
    const shielded = child({
      localAuthority: la,
      shielded: true,
      identifiers: { nhsNumber: '9434765919', supplierRefs: [{ supplier: 'nhs', reference: 'N-1' }] },
      involvements: [
        {
          id: 'i1',
          service: 'Sexual health service',
          sensitive: true,
          sensitiveCategory: 'sexual-health',
          leadProfessional: false,
          cafCompleted: false,
          startDate: '2024-01-01',
        },
      ],
    });
    await insert(shielded);
    const before = await auditCount('sync-read');
    const page = await readFeedPage(ctx, laTeam(la), la);
    expect(page.more).toBe(false);
    expect(page.changes).toHaveLength(1);
    const entry = page.changes[0]!;
    expect(entry).toMatchObject({
      seq: 1,
      cpNumber: shielded.cpNumber,
      kind: 'upsert',
      version: 1,
      shielded: true,
      shieldPending: false,
    });
    const record = entry.record as ChildRecord;
    expect(record.address).toEqual(shielded.address);
    expect(record.involvements[0]!.sensitiveCategory).toBe('sexual-health');
    expect(record.identifiers).toEqual({ nhsNumber: '9434765919' });
    expect(JSON.stringify(page)).not.toContain('N-1');
    expect(await auditCount('sync-read')).toBe(before + 1);
    const [audit] = await ctx.db.query<{ detail: Record<string, unknown>; user_id: string }>(
      "SELECT detail, user_id FROM audit_log WHERE action = 'sync-read' ORDER BY seq DESC LIMIT 1",
    );
    expect(audit).toEqual({ detail: { localAuthority: la, count: 1 }, user_id: `u-la-${la}` });
  });

  it('an empty feed, and a read at the end, return the same cursor and no entries', async () => {
    const la = freshAuthority();
    const empty = await readFeedPage(ctx, laTeam(la), la);
    expect(empty).toEqual({ changes: [], cursor: encodeCursor(la, 0), more: false });
    await insert(child({ localAuthority: la }));
    const first = await readFeedPage(ctx, laTeam(la), la, { after: empty.cursor });
    expect(first.changes.map((c) => c.seq)).toEqual([1]);
    const again = await readFeedPage(ctx, laTeam(la), la, { after: first.cursor });
    expect(again).toEqual({ changes: [], cursor: first.cursor, more: false });
  });

  it('a transfer leaves a tombstone in the old authority and an upsert in the new one', async () => {
    const from = freshAuthority();
    const to = freshAuthority();
    const c = child({ localAuthority: from });
    await insert(c);
    await change(c.cpNumber, (r) => ({ ...r, localAuthority: to }));
    const old = await readAll(from, 10);
    expect(old.map((e) => [e.kind, e.reason ?? null, e.version])).toEqual([
      ['upsert', null, 1],
      ['tombstone', 'transferred', 2],
    ]);
    // The first upsert no longer carries the record: the child is not the old authority's now.
    expect(old[0]!.superseded).toBe(true);
    expect(old[0]!.record).toBeUndefined();
    const neu = await readAll(to, 10);
    expect(neu).toHaveLength(1);
    expect(neu[0]).toMatchObject({ kind: 'upsert', version: 2, cpNumber: c.cpNumber });
    expect((neu[0]!.record as ChildRecord).localAuthority).toBe(to);
  });

  it('archiving leaves an "archived" tombstone and supersedes the earlier upsert', async () => {
    const la = freshAuthority();
    // 18 on 2024-06-01: due for the archive by the test clock.
    const c = child({ localAuthority: la, dob: '2006-06-01' });
    await insert(c);
    const result = await runLifecycle(ctx.db, ctx.clock);
    expect(result.archived).toBeGreaterThanOrEqual(1);
    const entries = await readAll(la, 500);
    expect(entries.map((e) => [e.kind, e.reason ?? null])).toEqual([
      ['upsert', null],
      ['tombstone', 'archived'],
    ]);
    expect(entries[0]).toMatchObject({ superseded: true });
    expect(await readFeedStatus(ctx, laTeam(la), la)).toEqual({ lastSeq: 2, children: 0 });
  });

  it('an upsert of a record changed since says superseded; the later upsert carries it', async () => {
    const la = freshAuthority();
    const c = child({ localAuthority: la });
    await insert(c);
    await change(c.cpNumber, (r) => ({ ...r, name: { ...r.name, given: 'Ollie' } }));
    const entries = await readAll(la, 1);
    expect(entries.map((e) => [e.version, e.superseded ?? false])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect((entries[1]!.record as ChildRecord).name.given).toBe('Ollie');
  });

  it('the page as JSON text (records spliced in from the store) is the same page as the objects', async () => {
    const la = freshAuthority();
    const kept = child({
      localAuthority: la,
      name: { given: 'Zoë "Zee"', family: "O'Brien-Smith", former: [{ family: 'Ünal' }] },
    });
    await insert(kept);
    const changed = child({ localAuthority: la });
    await insert(changed);
    await change(changed.cpNumber, (r) => ({ ...r, gender: 'not-specified' }));
    const archived = child({ localAuthority: la, dob: '2006-06-01' });
    await insert(archived);
    await runLifecycle(ctx.db, ctx.clock);
    const objects = await readFeedPage(ctx, laTeam(la), la, { provenance: false });
    const text = await readFeedPageText(ctx, laTeam(la), la);
    expect(objects.changes.map((e) => [e.kind, e.superseded ?? false, e.reason ?? null])).toEqual([
      ['upsert', false, null],
      ['upsert', true, null],
      ['upsert', false, null],
      ['upsert', true, null],
      ['tombstone', false, 'archived'],
    ]);
    expect(JSON.parse(text)).toEqual(objects);
    // Supplier references never leave the service.
    expect(text).not.toContain('supplierRefs');
    expect((objects.changes[0]!.record as ChildRecord).name.given).toBe('Zoë "Zee"');
  });

  it('the page as JSON Lines carries the same entries, each record last and intact, with its search keys and cursors ahead', async () => {
    const la = freshAuthority();
    const tricky = child({
      localAuthority: la,
      name: { given: 'Zoë ,"record":', family: "O'Brien", former: [{ family: 'Ünal' }] },
    });
    await insert(tricky);
    const changed = child({ localAuthority: la });
    await insert(changed);
    await change(changed.cpNumber, (r) => ({ ...r, gender: 'not-specified' }));
    for (let i = 0; i < 5; i++) await insert(child({ localAuthority: la }));
    const objects = await readFeedPage(ctx, laTeam(la), la, { provenance: false, limit: 2 });
    const text = await readFeedPageLines(ctx, laTeam(la), la, { limit: 2 });
    // Every line is JSON on its own.
    for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    const { head, changes } = parseFeedLines(text);
    expect(head).toMatchObject({ cursor: objects.cursor, more: true, count: 2 });
    // Pages after the next, `limit` entries apart, while the feed has them (8 entries: seq 2+2, 2+4, 2+6 < 8).
    expect(head.ahead.map((c) => decodeCursor(la, c))).toEqual([4, 6]);
    expect(changes.map((c) => [c.seq, c.kind, c.superseded ?? false])).toEqual(
      objects.changes.map((e) => [e.seq, e.kind, e.superseded ?? false]),
    );
    expect(JSON.parse(Buffer.from(changes[0]!.recordJson!).toString('utf8'))).toEqual(objects.changes[0]!.record);
    expect(changes[0]!.index).toEqual({
      family: 'obrien',
      given: 'zoerecord',
      dob: tricky.dob,
      postcode: tricky.address!.postcode,
      nhsNumber: tricky.identifiers.nhsNumber ?? null,
      formerFamilies: ['unal'],
    });
    expect(changes[1]!.recordJson).toBeUndefined();
    expect(text).not.toContain('supplierRefs');
  });

  it('status gives the last sequence number and the active children', async () => {
    const la = freshAuthority();
    await insert(child({ localAuthority: la }));
    const c = child({ localAuthority: la });
    await insert(c);
    await change(c.cpNumber, (r) => ({ ...r, gender: 'not-specified' }));
    expect(await readFeedStatus(ctx, laTeam(la), la)).toEqual({ lastSeq: 3, children: 2 });
    expect(await readFeedStatus(ctx, nationalAdmin(), la)).toEqual({ lastSeq: 3, children: 2 });
  });
});

describe('who may read, and cursors', () => {
  const expectApiError = async (p: Promise<unknown>, status: number, code: string) => {
    const e = await p.then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(status);
    expect((e as ApiError).code).toBe(code);
  };

  it("another authority's team is refused; a national administrator is not", async () => {
    await expectApiError(readFeedPage(ctx, laTeam(CHESHIRE_WEST_AND_CHESTER), WIRRAL), 403, 'other-authority');
    await expectApiError(readFeedStatus(ctx, laTeam(CHESHIRE_WEST_AND_CHESTER), WIRRAL), 403, 'other-authority');
    await expectApiError(readFeedPage(ctx, practitioner(), WIRRAL), 403, 'other-authority');
    await expect(readFeedPage(ctx, nationalAdmin(), WIRRAL)).resolves.toMatchObject({ more: false });
  });

  it('a cursor from another authority, garbage, or beyond the head is refused with invalid-cursor', async () => {
    const la = freshAuthority();
    const other = freshAuthority();
    await insert(child({ localAuthority: la }));
    await insert(child({ localAuthority: other }));
    const theirs = (await readFeedPage(ctx, laTeam(other), other)).cursor;
    await expectApiError(readFeedPage(ctx, laTeam(la), la, { after: theirs }), 400, 'invalid-cursor');
    await expectApiError(readFeedPage(ctx, laTeam(la), la, { after: 'not a cursor!' }), 400, 'invalid-cursor');
    await expectApiError(
      readFeedPage(ctx, laTeam(la), la, { after: Buffer.from('hello').toString('base64url') }),
      400,
      'invalid-cursor',
    );
    await expectApiError(readFeedPage(ctx, laTeam(la), la, { after: encodeCursor(la, 99) }), 400, 'invalid-cursor');
    expect(decodeCursor(la, encodeCursor(la, 1))).toBe(1);
  });

  it('an authority code that is not one is a bad request', async () => {
    await expectApiError(readFeedPage(ctx, nationalAdmin(), 'wirral'), 400, 'invalid-local-authority');
  });
});

describe('every entry exactly once', () => {
  type Op =
    | { kind: 'insert' }
    | { kind: 'update'; pick: number }
    | { kind: 'transfer-out'; pick: number }
    | { kind: 'transfer-in' }
    | { kind: 'shield'; pick: number }
    | { kind: 'read'; limit: number };

  const op: fc.Arbitrary<Op> = fc.oneof(
    { arbitrary: fc.constant({ kind: 'insert' as const }), weight: 3 },
    { arbitrary: fc.nat(50).map((pick) => ({ kind: 'update' as const, pick })), weight: 3 },
    { arbitrary: fc.nat(50).map((pick) => ({ kind: 'transfer-out' as const, pick })), weight: 1 },
    { arbitrary: fc.constant({ kind: 'transfer-in' as const }), weight: 1 },
    { arbitrary: fc.nat(50).map((pick) => ({ kind: 'shield' as const, pick })), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 7 }).map((limit) => ({ kind: 'read' as const, limit })), weight: 4 },
  );

  it('with writes between page reads, pages never skip or repeat, and the replica ends equal to the index', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 9 }),
        async (ops, finalLimit) => {
          const la = freshAuthority();
          const elsewhere = freshAuthority();
          const mine: string[] = [];
          const theirs: string[] = [];
          const delivered: FeedEntry[] = [];
          let cursor: string | undefined;
          const read = async (limit: number) => {
            const page = await readFeedPage(ctx, laTeam(la), la, { after: cursor, limit });
            expect(page.changes.length).toBeLessThanOrEqual(limit);
            delivered.push(...page.changes);
            cursor = page.cursor;
            return page;
          };
          for (const o of ops) {
            if (o.kind === 'insert') {
              const c = child({ localAuthority: la });
              await insert(c);
              mine.push(c.cpNumber);
            } else if (o.kind === 'transfer-in') {
              const c = child({ localAuthority: elsewhere });
              await insert(c);
              await change(c.cpNumber, (r) => ({ ...r, localAuthority: la }));
              mine.push(c.cpNumber);
            } else if (o.kind === 'read') {
              await read(o.limit);
            } else if (mine.length > 0) {
              const cp = mine[o.pick % mine.length]!;
              if (o.kind === 'update')
                await change(cp, (r) => ({ ...r, name: { ...r.name, given: `${r.name.given}a` } }));
              if (o.kind === 'shield') await change(cp, (r) => ({ ...r, shielded: !r.shielded }));
              if (o.kind === 'transfer-out') {
                await change(cp, (r) => ({ ...r, localAuthority: elsewhere }));
                mine.splice(mine.indexOf(cp), 1);
                theirs.push(cp);
              }
            }
          }
          for (;;) if (!(await read(finalLimit)).more) break;

          const status = await readFeedStatus(ctx, laTeam(la), la);
          expect(delivered.map((e) => e.seq)).toEqual(Array.from({ length: status.lastSeq }, (_, i) => i + 1));

          // Applying the feed in order gives exactly the authority's active children.
          const replica = new Map<string, ChildRecord>();
          for (const e of delivered) {
            if (e.kind === 'tombstone') replica.delete(e.cpNumber);
            else if (e.record) replica.set(e.cpNumber, e.record as ChildRecord);
          }
          expect([...replica.keys()].sort()).toEqual([...mine].sort());
          for (const cp of mine) {
            const held = (await loadChild(ctx.db, cp))!;
            const { supplierRefs: _refs, ...identifiers } = held.record.identifiers;
            expect(replica.get(cp)).toEqual({ ...held.record, identifiers });
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { submissionBodySchema, type SubmissionItem } from '../../../../domain/api/sync.js';
import type { ChildRecord } from '../../../../domain/child-record.js';
import { insertChild, loadChild } from '../../../../service/records/child-store.js';
import { resolveMatchReview } from '../../../../service/supply/reviews.js';
import { submitItems } from '../../../../service/sync/submissions.js';
import { problemsOf } from '../../../../service/http/validation.js';
import { CHESHIRE_WEST_AND_CHESTER, child, WIRRAL } from '../../../support/children.js';
import { dataManager, laTeam, openContext } from './fixtures.js';

const ctx = await openContext();
afterAll(() => ctx.db.close());

let keyCounter = 0;
const key = () => `key-${String(keyCounter++).padStart(6, '0')}`;

async function held(over: Partial<ChildRecord> = {}) {
  const record = child({ name: { given: 'Oliver', family: 'Thompson', former: [] }, gender: 'male', ...over });
  await ctx.db.transaction((tx) => insertChild(tx, record, { at: ctx.clock.now() }));
  return record;
}
const load = async (cp: string) => (await loadChild(ctx.db, cp))!;

async function auditActions(cp: string): Promise<string[]> {
  const rows = await ctx.db.query<{ action: string }>(
    'SELECT action FROM audit_log WHERE cp_number = $1 ORDER BY seq',
    [cp],
  );
  return rows.map((r) => r.action);
}

describe('submissions', () => {
  const wirral = laTeam(WIRRAL);

  it('applies an update made against the current version', async () => {
    const c = await held();
    const [r] = await submitItems(ctx, wirral, [
      {
        idempotencyKey: key(),
        cpNumber: c.cpNumber,
        baseVersion: 1,
        op: 'update',
        changes: {
          name: { given: 'Olly', family: 'Thompson-Reid', former: [{ family: 'Thompson' }] },
          identifiers: { nhsNumber: '9434765919' },
        },
      },
    ]);
    expect(r).toMatchObject({ status: 'applied', version: 2 });
    const now = await load(c.cpNumber);
    expect(now.version).toBe(2);
    expect(now.record.name).toEqual({ given: 'Olly', family: 'Thompson-Reid', former: [{ family: 'Thompson' }] });
    expect(now.record.identifiers.nhsNumber).toBe('9434765919');
    expect(now.record.address).toEqual(c.address);
    expect(await auditActions(c.cpNumber)).toEqual(['record-changed']);
  });

  it('null removes an optional field', async () => {
    const c = await held({ dateOfDeath: '2024-01-02' });
    const [r] = await submitItems(ctx, wirral, [
      { idempotencyKey: key(), cpNumber: c.cpNumber, baseVersion: 1, op: 'update', changes: { dateOfDeath: null } },
    ]);
    expect(r!.status).toBe('applied');
    expect((await load(c.cpNumber)).record.dateOfDeath).toBeUndefined();
  });

  it('a stale base version is a conflict and leaves the record untouched', async () => {
    const c = await held();
    await submitItems(ctx, wirral, [
      {
        idempotencyKey: key(),
        cpNumber: c.cpNumber,
        baseVersion: 1,
        op: 'update',
        changes: { gender: 'not-specified' },
      },
    ]);
    const [r] = await submitItems(ctx, wirral, [
      {
        idempotencyKey: key(),
        cpNumber: c.cpNumber,
        baseVersion: 1,
        op: 'update',
        changes: { name: { given: 'Overwritten', family: 'X', former: [] } },
      },
    ]);
    expect(r).toMatchObject({ status: 'conflict', currentVersion: 2 });
    expect(r!.message).toMatch(/version 2/);
    const now = await load(c.cpNumber);
    expect(now.version).toBe(2);
    expect(now.record.name.given).toBe('Oliver');
  });

  it('a replayed key returns the stored result and applies nothing twice', async () => {
    const c = await held();
    const item: SubmissionItem = { idempotencyKey: key(), cpNumber: c.cpNumber, baseVersion: 1, op: 'shield' };
    const [first] = await submitItems(ctx, wirral, [item]);
    expect(first).toEqual({ idempotencyKey: item.idempotencyKey, status: 'applied', version: 2 });
    const [again] = await submitItems(ctx, wirral, [item]);
    expect(again).toEqual({ idempotencyKey: item.idempotencyKey, status: 'applied', version: 2, replayed: true });
    const now = await load(c.cpNumber);
    expect(now.version).toBe(2);
    expect(now.shielded).toBe(true);
    expect(await auditActions(c.cpNumber)).toEqual(['shield-applied']);
    // The key belongs to its user: another user's identical key is a new submission.
    const [other] = await submitItems(ctx, laTeam(WIRRAL, 'u-la-other'), [item]);
    expect(other).toMatchObject({ status: 'conflict', currentVersion: 2 });
  });

  it('a replayed conflict stays a conflict, even once the base version would fit', async () => {
    const c = await held();
    const item: SubmissionItem = { idempotencyKey: key(), cpNumber: c.cpNumber, baseVersion: 5, op: 'shield' };
    const [first] = await submitItems(ctx, wirral, [item]);
    expect(first!.status).toBe('conflict');
    const [again] = await submitItems(ctx, wirral, [item]);
    expect(again).toMatchObject({ status: 'conflict', replayed: true });
  });

  it('the same key with a different item is key-reused, and nothing is applied', async () => {
    const c = await held();
    const k = key();
    await submitItems(ctx, wirral, [
      { idempotencyKey: k, cpNumber: c.cpNumber, baseVersion: 1, op: 'update', changes: { archiveAge: 19 } },
    ]);
    const [r] = await submitItems(ctx, wirral, [
      { idempotencyKey: k, cpNumber: c.cpNumber, baseVersion: 2, op: 'update', changes: { archiveAge: 21 } },
    ]);
    expect(r!.status).toBe('key-reused');
    const now = await load(c.cpNumber);
    expect(now.version).toBe(2);
    expect(now.record.archiveAge).toBe(19);
  });

  it('a change that would make the record invalid is refused with the problems', async () => {
    const c = await held();
    const [r] = await submitItems(ctx, wirral, [
      {
        idempotencyKey: key(),
        cpNumber: c.cpNumber,
        baseVersion: 1,
        op: 'update',
        changes: { whereabouts: 'left-england' },
      },
    ]);
    expect(r!.status).toBe('invalid');
    expect(r!.problems!.map((p) => p.path).sort()).toEqual(['address', 'intendsToReturn']);
    expect((await load(c.cpNumber)).version).toBe(1);
    const [fixed] = await submitItems(ctx, wirral, [
      {
        idempotencyKey: key(),
        cpNumber: c.cpNumber,
        baseVersion: 1,
        op: 'update',
        changes: { whereabouts: 'left-england', address: null, intendsToReturn: 'yes' },
      },
    ]);
    expect(fixed!.status).toBe('applied');
  });

  it("another authority's child is forbidden to its team but not to a data manager; an unknown child is not-found", async () => {
    const c = await held({ localAuthority: CHESHIRE_WEST_AND_CHESTER });
    const results = await submitItems(ctx, wirral, [
      { idempotencyKey: key(), cpNumber: c.cpNumber, baseVersion: 1, op: 'shield' },
      { idempotencyKey: key(), cpNumber: 'CP999999998', baseVersion: 1, op: 'shield' },
    ]);
    expect(results.map((r) => r.status)).toEqual(['forbidden', 'not-found']);
    expect((await load(c.cpNumber)).version).toBe(1);
    const [dm] = await submitItems(ctx, dataManager(), [
      { idempotencyKey: key(), cpNumber: c.cpNumber, baseVersion: 1, op: 'shield' },
    ]);
    expect(dm!.status).toBe('applied');
  });

  it('items are answered in order, each on its own', async () => {
    const a = await held();
    const b = await held();
    const results = await submitItems(ctx, wirral, [
      { idempotencyKey: key(), cpNumber: a.cpNumber, baseVersion: 1, op: 'shield' },
      { idempotencyKey: key(), cpNumber: b.cpNumber, baseVersion: 9, op: 'shield' },
      { idempotencyKey: key(), cpNumber: a.cpNumber, baseVersion: 2, op: 'update', changes: { archiveAge: 19 } },
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'conflict', 'applied']);
    expect((await load(a.cpNumber)).record).toMatchObject({ shielded: true, archiveAge: 19 });
    expect(await auditActions(a.cpNumber)).toEqual(['shield-applied', 'record-changed']);
  });

  it('never takes a shield off: unshield is forbidden, for a second person to approve a request instead', async () => {
    const a = await held({ shielded: true });
    for (const actor of [wirral, dataManager()]) {
      const [r] = await submitItems(ctx, actor, [
        { idempotencyKey: key(), cpNumber: a.cpNumber, baseVersion: 1, op: 'unshield' },
      ]);
      expect(r).toEqual({
        idempotencyKey: r!.idempotencyKey,
        status: 'forbidden',
        message: 'A shield is removed only when a second member of the team approves: ask for it to be removed.',
      });
    }
    const now = await load(a.cpNumber);
    expect(now).toMatchObject({ version: 1, shielded: true });
    expect(await auditActions(a.cpNumber)).toEqual([]);
  });
});

describe('the submission body schema', () => {
  const base = { idempotencyKey: 'abcdefgh', cpNumber: 'CP999999998', baseVersion: 1 };
  const problems = (body: unknown) => {
    const r = submissionBodySchema.safeParse(body);
    return r.success ? [] : problemsOf(r.error).map((p) => p.path);
  };

  it('refuses unknown fields anywhere, by name', () => {
    expect(problems({ items: [{ ...base, op: 'update', changes: { notes: 'x' } }] })).toContain(
      'items.0.changes.notes',
    );
    expect(problems({ items: [{ ...base, op: 'shield', caseNotes: 'x' }] })).toEqual(['items.0.caseNotes']);
    expect(problems({ items: [{ ...base, op: 'update', changes: { involvements: [] } }] })).toContain(
      'items.0.changes.involvements',
    );
    expect(problems({ items: [{ ...base, op: 'update', changes: { identifiers: { supplierRefs: [] } } }] })).toEqual([
      'items.0.changes.identifiers.supplierRefs',
    ]);
    expect(problems({ items: [], extra: 1 })).toContain('extra');
  });

  it('bounds keys and batch size', () => {
    expect(problems({ items: [{ ...base, idempotencyKey: 'short', op: 'shield' }] })).toEqual([
      'items.0.idempotencyKey',
    ]);
    expect(problems({ items: Array.from({ length: 501 }, () => ({ ...base, op: 'shield' })) })).toEqual(['items']);
    expect(problems({ items: [{ ...base, op: 'shield' }] })).toEqual([]);
  });
});

describe('submissions about two records (cleansing)', () => {
  const wirral = laTeam(WIRRAL);
  const feedReasons = async (cp: string) =>
    (
      await ctx.db.query<{ kind: string; reason: string | null }>(
        'SELECT kind, reason FROM changes WHERE cp_number = $1 ORDER BY seq',
        [cp],
      )
    ).map((r) => r.reason ?? r.kind);

  it('merge: the duplicate goes (a "merged" tombstone), its involvements move, and the chosen values are set', async () => {
    const survivor = await held();
    const duplicate = await held({
      name: { given: 'Olly', family: 'Thomson', former: [] },
      identifiers: { nhsNumber: '9434765919', supplierRefs: [] },
      involvements: [
        {
          id: 'inv-1',
          service: 'Health visiting',
          sensitive: false,
          leadProfessional: false,
          cafCompleted: false,
          startDate: '2024-01-01',
        },
      ],
    });
    const [r] = await submitItems(ctx, wirral, [
      {
        idempotencyKey: key(),
        cpNumber: survivor.cpNumber,
        baseVersion: 1,
        op: 'merge',
        duplicate: { cpNumber: duplicate.cpNumber, baseVersion: 1 },
        changes: { name: { given: 'Olly', family: 'Thompson', former: [] } },
      },
    ]);
    expect(r).toMatchObject({ status: 'applied' });
    const now = await load(survivor.cpNumber);
    expect(now.record.name.given).toBe('Olly');
    expect(now.record.identifiers.nhsNumber).toBe('9434765919');
    expect(now.record.involvements.map((i) => i.id)).toEqual(['inv-1']);
    const gone = await loadChild(ctx.db, duplicate.cpNumber);
    expect(gone === null || gone.status !== 'active').toBe(true);
    expect(await feedReasons(duplicate.cpNumber)).toContain('merged');
    expect(await auditActions(survivor.cpNumber)).toContain('match-resolved');
  });

  it('merge against a stale version of either record is a conflict and changes nothing', async () => {
    const survivor = await held();
    const duplicate = await held();
    await submitItems(ctx, wirral, [
      {
        idempotencyKey: key(),
        cpNumber: duplicate.cpNumber,
        baseVersion: 1,
        op: 'update',
        changes: { gender: 'not-specified' },
      },
    ]);
    const [r] = await submitItems(ctx, wirral, [
      {
        idempotencyKey: key(),
        cpNumber: survivor.cpNumber,
        baseVersion: 1,
        op: 'merge',
        duplicate: { cpNumber: duplicate.cpNumber, baseVersion: 1 },
      },
    ]);
    expect(r).toMatchObject({ status: 'conflict', currentVersion: 2 });
    expect((await load(duplicate.cpNumber)).status).toBe('active');
    expect((await load(survivor.cpNumber)).version).toBe(1);
  });

  it('merge with chosen values that break a rule is refused whole: both records stay as they were', async () => {
    const survivor = await held();
    const duplicate = await held();
    const item: SubmissionItem = {
      idempotencyKey: key(),
      cpNumber: survivor.cpNumber,
      baseVersion: 1,
      op: 'merge',
      duplicate: { cpNumber: duplicate.cpNumber, baseVersion: 1 },
      changes: { dateOfDeath: '2001-01-01' },
    };
    const [r] = await submitItems(ctx, wirral, [item]);
    expect(r).toMatchObject({ status: 'invalid' });
    expect(r!.problems!.map((p) => p.path)).toContain('dateOfDeath');
    expect((await load(duplicate.cpNumber)).status).toBe('active');
    expect((await load(survivor.cpNumber)).version).toBe(1);
    const [again] = await submitItems(ctx, wirral, [item]);
    expect(again).toMatchObject({ status: 'invalid', replayed: true });
  });

  it('possible-duplicate of a shielded child makes the other shield-pending until two people say "different"', async () => {
    const shielded = await held({ shielded: true });
    const other = await held();
    const [opened] = await submitItems(ctx, wirral, [
      {
        idempotencyKey: key(),
        cpNumber: other.cpNumber,
        baseVersion: 1,
        op: 'possible-duplicate',
        of: shielded.cpNumber,
        score: 0.8,
      },
    ]);
    expect(opened).toMatchObject({ status: 'applied' });
    expect((await load(other.cpNumber)).shieldPending).toBe(true);
    // One person's "not a duplicate" from the working set would end the pending shield on
    // its own: it is refused, with where to decide it instead, and changes nothing.
    const [refused] = await submitItems(ctx, wirral, [
      { idempotencyKey: key(), cpNumber: other.cpNumber, baseVersion: 1, op: 'not-duplicate', of: shielded.cpNumber },
    ]);
    expect(refused).toMatchObject({ status: 'forbidden', message: expect.stringMatching(/second member/) });
    expect((await load(other.cpNumber)).shieldPending).toBe(true);
    // Two independent members in the match-review queue do it.
    const [review] = await ctx.db.query<{ id: number }>(
      "SELECT id FROM match_reviews WHERE status = 'open' AND cp_number = $1",
      [other.cpNumber],
    );
    expect(await resolveMatchReview(ctx, wirral, review!.id, 'different-children')).toMatchObject({
      status: 'awaiting-second-person',
    });
    expect((await load(other.cpNumber)).shieldPending).toBe(true);
    expect(
      await resolveMatchReview(ctx, laTeam(WIRRAL, 'u-la-second'), review!.id, 'different-children'),
    ).toMatchObject({ status: 'different-children' });
    expect((await load(other.cpNumber)).shieldPending).toBe(false);
  });

  it('"not-duplicate" of two children with no shield between them still settles their review at once', async () => {
    const a = await held();
    const b = await held();
    const [opened] = await submitItems(ctx, wirral, [
      {
        idempotencyKey: key(),
        cpNumber: a.cpNumber,
        baseVersion: 1,
        op: 'possible-duplicate',
        of: b.cpNumber,
        score: 0.8,
      },
    ]);
    expect(opened).toMatchObject({ status: 'applied' });
    const [closed] = await submitItems(ctx, wirral, [
      { idempotencyKey: key(), cpNumber: a.cpNumber, baseVersion: 1, op: 'not-duplicate', of: b.cpNumber },
    ]);
    expect(closed).toMatchObject({ status: 'applied' });
    const open = await ctx.db.query(
      "SELECT 1 FROM match_reviews WHERE status = 'open' AND (cp_number = $1 OR candidate_cp_number = $1)",
      [a.cpNumber],
    );
    expect(open).toHaveLength(0);
  });

  it("another authority's child, or a record paired with itself, is refused", async () => {
    const mine = await held();
    const theirs = await held({ localAuthority: CHESHIRE_WEST_AND_CHESTER });
    const [a] = await submitItems(ctx, wirral, [
      {
        idempotencyKey: key(),
        cpNumber: mine.cpNumber,
        baseVersion: 1,
        op: 'merge',
        duplicate: { cpNumber: theirs.cpNumber, baseVersion: 1 },
      },
    ]);
    expect(a!.status).toBe('forbidden');
    const [b] = await submitItems(ctx, wirral, [
      { idempotencyKey: key(), cpNumber: mine.cpNumber, baseVersion: 1, op: 'not-duplicate', of: mine.cpNumber },
    ]);
    expect(b!.status).toBe('invalid');
    expect((await load(theirs.cpNumber)).status).toBe('active');
  });
});

// Pending shields that are always right (issue 18), model-based: random sequences of
// supplies (which open match reviews), review resolutions, shields, unshields (asked
// for by one member of a team, approved by another), merges, transfers and reviews
// opened by hand, on PGlite and on a real PostgreSQL server. After every step:
//
// - the invariant: no search by postcode, no read, made by someone who may not see
//   shielded details (a practitioner), and no authority's synced working set shows a
//   child that is shielded, or linked through open reviews to a shielded child, with
//   what the shield hides;
// - and the flags are exact: each authority's working set carries every child of the
//   sequence with `shielded` and `shieldPending` as the rule gives them.
//
// The model keeps which children exist, where, and which are shielded in their own
// right; it reads the open reviews (what intake's matching decided) from the store, and
// works out who is pending from those alone, never from the store's own flag.
//
// Cheap isolation: one store per engine for all runs; each run has its own surname,
// date of birth and postcodes, so no run's supplies resemble another run's children.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupplierRecord } from '../../../../domain/child-record.js';
import type { Actor } from '../../../../domain/roles.js';
import { ApiError } from '../../../../service/http/api-error.js';
import { insertChild, loadChild } from '../../../../service/records/child-store.js';
import { applyShield, decideUnshieldRequest, requestUnshield } from '../../../../service/shields/shields.js';
import { receiveSupply } from '../../../../service/supply/intake.js';
import { resolveMatchReview } from '../../../../service/supply/reviews.js';
import { submitItems } from '../../../../service/sync/submissions.js';
import { decideTransfer, requestTransfer } from '../../../../service/transfers/transfers.js';
import { CHESHIRE_WEST_AND_CHESTER, child, supplierRecord, WIRRAL } from '../../../support/children.js';
import { storeEngines, type TestStore } from '../../../support/stores.js';
import { dataManager, laTeam, supplierSystem } from '../sync/fixtures.js';
import {
  hiddenFieldsIn,
  openPendingContext,
  ordinaryUser,
  readAs,
  searchByPostcode,
  secondMember,
  WorkingSet,
  type PendingContext,
} from './pending-support.js';

// 200 in CI; PENDING_SHIELDS_RUNS only for trying things locally.
const RUNS = Number(process.env['PENDING_SHIELDS_RUNS'] ?? 200);
const MAX_COMMANDS = 12;
const AUTHORITIES = [WIRRAL, CHESHIRE_WEST_AND_CHESTER] as const;
const other = (la: string) => (la === WIRRAL ? CHESHIRE_WEST_AND_CHESTER : WIRRAL);

// ---------------------------------------------------------------------------------
// One run's identity: a surname, a date of birth and two postcodes no other run uses.

const SYLLABLES = [
  'bar',
  'cot',
  'dun',
  'fel',
  'gor',
  'hax',
  'jum',
  'kel',
  'lov',
  'mip',
  'nor',
  'pux',
  'quen',
  'rav',
  'sol',
  'tib',
  'vor',
  'wex',
  'yal',
  'zun',
];
const INWARD = 'ABDEFGHJLNPQRSTUWXYZ';
/** Two held children's, and one for each supply of a sequence at a new address. */
const POSTCODES = 2 + MAX_COMMANDS;
const AREAS = ['CH', 'L', 'WA', 'M', 'SK', 'B', 'LS', 'S', 'NE', 'BS', 'CF', 'EH', 'G', 'PL'] as const;

function clusterOf(k: number) {
  const family = `${SYLLABLES[k % 20]}${SYLLABLES[Math.floor(k / 20) % 20]}${SYLLABLES[Math.floor(k / 400) % 20]}`;
  // Days 13 to 28: swapping day and month never gives another valid date, so transposition
  // matching cannot reach another run's children.
  const day = 13 + (k % 16);
  const month = 1 + (Math.floor(k / 16) % 12);
  const year = 2006 + (Math.floor(k / 192) % 15);
  const dob = `${year}-${String(month).padStart(2, '0')}-${day}`;
  // Each postcode of a sequence in another area (so none is a slip of another), and the
  // district number and inward code from the sequence: no other sequence has it.
  const postcode = (i: number) =>
    `${AREAS[i]}${1 + (k % 9)} ${Math.floor(k / 9) % 10}${INWARD[Math.floor(k / 90) % 20]}${INWARD[Math.floor(k / 1800) % 20]}`;
  return {
    family: family.charAt(0).toUpperCase() + family.slice(1),
    dob,
    postcodes: Array.from({ length: POSTCODES }, (_, i) => postcode(i)),
  };
}

// ---------------------------------------------------------------------------------
// The model.

interface ModelChild {
  localAuthority: string;
  /** Shielded in its own right (its record says so). */
  own: boolean;
}

interface Model {
  cluster: ReturnType<typeof clusterOf>;
  /** The next new address's postcode. */
  nextPostcode: number;
  /** The sequence's children that exist now, by CP number. */
  children: Map<string, ModelChild>;
}

interface Real {
  ctx: PendingContext;
  sets: Map<string, WorkingSet>;
  /** Rows (CP number, version, flag) a practitioner has read already and seen nothing hidden. */
  readsChecked: Set<string>;
}

/** How often each kind of step did what it set out to, over a whole property run (so a test that refuses everything cannot pass). */
const done = new Map<string, number>();
const count = (what: string) => done.set(what, (done.get(what) ?? 0) + 1);

let keys = 0;
/** A fresh idempotency key's suffix: every item a step submits is a new change. */
const nextKey = () => String(keys++);

const sorted = (m: Model) => [...m.children.keys()].sort();
const pick = <T>(list: readonly T[], i: number): T | undefined =>
  list.length === 0 ? undefined : list[i % list.length];

/** Open reviews naming any of the sequence's children, either side. */
async function openReviews(real: Real, m: Model) {
  return real.ctx.db.query<{ id: number; cp_number: string; candidate_cp_number: string }>(
    `SELECT id, cp_number, candidate_cp_number FROM match_reviews
      WHERE status = 'open' AND (cp_number = ANY($1::text[]) OR candidate_cp_number = ANY($1::text[])) ORDER BY id`,
    [sorted(m)],
  );
}

/** The rule, from the model's shields and the open reviews: pending when linked to another child shielded in its own right. */
async function expected(real: Real, m: Model): Promise<Map<string, { shielded: boolean; pending: boolean }>> {
  const parent = new Map(sorted(m).map((cp) => [cp, cp]));
  const root = (cp: string): string => (parent.get(cp) === cp ? cp : root(parent.get(cp)!));
  for (const r of await openReviews(real, m)) {
    for (const cp of [r.cp_number, r.candidate_cp_number]) {
      // Every open review must be between two living children of this sequence.
      if (!parent.has(cp))
        throw new Error(
          `open review ${r.id} names ${cp}, which is not a child of this sequence: runs are not isolated, or a review outlived its child`,
        );
    }
    parent.set(root(r.cp_number), root(r.candidate_cp_number));
  }
  const shields = new Map<string, number>();
  for (const [cp, c] of m.children) if (c.own) shields.set(root(cp), (shields.get(root(cp)) ?? 0) + 1);
  return new Map(
    [...m.children].map(([cp, c]) => {
      const pending = (shields.get(root(cp)) ?? 0) - (c.own ? 1 : 0) > 0;
      return [cp, { shielded: c.own || pending, pending }];
    }),
  );
}

/** After every step: nothing a shield hides reaches anyone who may not see it, and the working sets carry the rule exactly. */
async function checkInvariant(real: Real, m: Model): Promise<void> {
  const want = await expected(real, m);
  const shielded = [...want].filter(([, w]) => w.shielded).map(([cp]) => cp);
  const { ctx } = real;

  // The rows as they stand (test input only: where each child lives, and what a read's
  // answer can depend on).
  const rows = await ctx.db.query<{ cp_number: string; version: number; shielded: boolean; postcode: string | null }>(
    "SELECT cp_number, version, shielded, record->'address'->>'postcode' AS postcode FROM children WHERE cp_number = ANY($1::text[])",
    [shielded],
  );

  // Searches by postcode, one per postcode a shielded child of the sequence lives at.
  const postcodes = new Set(rows.flatMap((r) => (r.postcode === null ? [] : [r.postcode])));
  for (const postcode of postcodes) {
    const found = await searchByPostcode(ctx, ordinaryUser(), { dob: m.cluster.dob, postcode });
    const leaked = found.filter((cp) => want.get(cp)?.shielded === true);
    expect(leaked, `a search by postcode ${postcode} found shielded or pending children`).toEqual([]);
  }

  // Reads of each shielded child by a practitioner. A read's answer is a function of the
  // row, so a row read before at the same version and flag is not read again.
  for (const row of rows) {
    const key = `${row.cp_number}@${row.version}:${row.shielded}`;
    if (real.readsChecked.has(key)) continue;
    const view = await readAs(ctx, ordinaryUser(), row.cp_number);
    expect(
      { cp: row.cp_number, shielded: view.shielded, hidden: hiddenFieldsIn(view) },
      'a practitioner read what a shield hides',
    ).toEqual({
      cp: row.cp_number,
      shielded: true,
      hidden: [],
    });
    real.readsChecked.add(key);
  }

  // Every authority's working set, synced.
  for (const set of real.sets.values()) {
    await set.sync();
    for (const [cp, w] of want) {
      const entry = set.children.get(cp);
      const c = m.children.get(cp)!;
      if (c.localAuthority !== set.localAuthority) {
        expect(entry, `${cp} of ${c.localAuthority} is still in ${set.localAuthority}'s working set`).toBeUndefined();
        continue;
      }
      expect(
        { cp, shielded: entry?.shielded, shieldPending: entry?.shieldPending, own: entry?.record?.['shielded'] },
        `${set.localAuthority}'s working set`,
      ).toEqual({ cp, shielded: w.shielded, shieldPending: w.pending, own: c.own });
    }
  }
}

/** Runs a step; a refusal by name (ApiError) is a step that did nothing, anything else fails the test. */
async function refusable(what: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
    count(what);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    count(`${what} refused (${e.code})`);
  }
}

// ---------------------------------------------------------------------------------
// The commands.

type Cmd = fc.AsyncCommand<Model, Real>;
// Against the held Rosa <surname> (postcode 0) and Rosa <surname>s (postcode 1), these
// give clear matches, possible duplicates (a given-name variant, a surname slip, a new
// address) and new records.
const GIVEN = ['Rosa', 'Rose'] as const;
const FAMILY = ['', 'e', 's'] as const;

class Supply implements Cmd {
  constructor(
    readonly given: number,
    readonly family: number,
    readonly postcode: 0 | 1 | 'new',
    readonly localAuthority: string,
    readonly national: boolean,
  ) {}
  check = () => true;
  async run(m: Model, real: Real) {
    const s: SupplierRecord = supplierRecord({
      supplier: this.national ? 'nhs' : 'local-authority',
      receivedAt: '2025-02-15',
      name: { given: GIVEN[this.given]!, family: `${m.cluster.family}${FAMILY[this.family]}`, former: [] },
      gender: 'female',
      dob: m.cluster.dob,
      address: {
        lines: ['1 Test Street', 'Birkenhead'],
        postcode: m.cluster.postcodes[this.postcode === 'new' ? m.nextPostcode++ : this.postcode]!,
      },
    });
    const actor = this.national ? supplierSystem('nhs') : laTeam(this.localAuthority);
    const [r] = (await receiveSupply(real.ctx, actor, { localAuthority: this.localAuthority, records: [s] })).results;
    if (r!.status === 'created' || r!.status === 'possible-duplicate')
      m.children.set(r!.cpNumber!, { localAuthority: this.localAuthority, own: false });
    count(`supply ${r!.status}`);
    await checkInvariant(real, m);
  }
  toString = () =>
    `Supply(${GIVEN[this.given]} <surname>${FAMILY[this.family]}, postcode ${this.postcode}, ${this.localAuthority}, ${this.national ? 'nhs' : 'local'})`;
}

class Resolve implements Cmd {
  constructor(
    readonly review: number,
    readonly how: 'same-child' | 'different-children' | 'not-duplicate submission',
  ) {}
  check = () => true;
  async run(m: Model, real: Real) {
    const r = pick(await openReviews(real, m), this.review);
    if (r) {
      await refusable(`resolve ${this.how}`, async () => {
        if (this.how === 'not-duplicate submission') {
          const [res] = await submitItems(real.ctx, dataManager(), [
            {
              op: 'not-duplicate',
              cpNumber: r.cp_number,
              of: r.candidate_cp_number,
              baseVersion: 1,
              idempotencyKey: `nd-${r.id}-${nextKey()}`,
            },
          ]);
          if (res!.status !== 'applied') throw new ApiError(409, res!.status, res!.message ?? '');
          return;
        }
        await resolveMatchReview(real.ctx, dataManager(), r.id, this.how);
        if (this.how === 'same-child') mergeInModel(m, r.candidate_cp_number, r.cp_number);
      });
    }
    await checkInvariant(real, m);
  }
  toString = () => `Resolve(review #${this.review}, ${this.how})`;
}

/** A merge keeps the survivor, with a shield if either had one. */
function mergeInModel(m: Model, survivor: string, duplicate: string) {
  const s = m.children.get(survivor)!;
  const d = m.children.get(duplicate)!;
  s.own = s.own || d.own;
  m.children.delete(duplicate);
}

class Shield implements Cmd {
  constructor(
    readonly child: number,
    readonly viaSync: boolean,
  ) {}
  check = () => true;
  async run(m: Model, real: Real) {
    const cp = pick(
      sorted(m).filter((c) => !m.children.get(c)!.own),
      this.child,
    );
    if (cp) {
      const c = m.children.get(cp)!;
      if (this.viaSync) {
        const { version } = (await loadChild(real.ctx.db, cp))!;
        const [res] = await submitItems(real.ctx, laTeam(c.localAuthority), [
          { op: 'shield', cpNumber: cp, baseVersion: version, idempotencyKey: `shield-${cp}-v${version}` },
        ]);
        expect(res, 'a shield submission against the current version').toMatchObject({ status: 'applied' });
      } else {
        await applyShield(real.ctx, laTeam(c.localAuthority), cp, 'Risk of significant harm');
      }
      c.own = true;
      count(this.viaSync ? 'shield (sync)' : 'shield');
    }
    await checkInvariant(real, m);
  }
  toString = () => `Shield(child #${this.child}${this.viaSync ? ', sync submission' : ''})`;
}

class Unshield implements Cmd {
  constructor(readonly child: number) {}
  check = () => true;
  async run(m: Model, real: Real) {
    const cp = pick(
      sorted(m).filter((c) => m.children.get(c)!.own),
      this.child,
    );
    if (cp) {
      const c = m.children.get(cp)!;
      const request = await requestUnshield(real.ctx, laTeam(c.localAuthority), cp, 'The risk has passed');
      await decideUnshieldRequest(real.ctx, secondMember(c.localAuthority), request.id, { decision: 'approve' });
      c.own = false;
      count('unshield');
    }
    await checkInvariant(real, m);
  }
  toString = () => `Unshield(child #${this.child})`;
}

class Merge implements Cmd {
  constructor(
    readonly survivor: number,
    readonly duplicate: number,
  ) {}
  check = () => true;
  async run(m: Model, real: Real) {
    const all = sorted(m);
    const s = pick(all, this.survivor);
    const d = pick(all, this.duplicate);
    if (s && d && s !== d) {
      await refusable('merge', async () => {
        const [sv, dv] = [(await loadChild(real.ctx.db, s))!.version, (await loadChild(real.ctx.db, d))!.version];
        const sameAuthority = m.children.get(s)!.localAuthority === m.children.get(d)!.localAuthority;
        const actor: Actor = sameAuthority ? laTeam(m.children.get(s)!.localAuthority) : dataManager();
        const [res] = await submitItems(real.ctx, actor, [
          {
            op: 'merge',
            cpNumber: s,
            baseVersion: sv,
            duplicate: { cpNumber: d, baseVersion: dv },
            idempotencyKey: `merge-${s}-${d}-${sv}-${dv}`,
          },
        ]);
        if (res!.status !== 'applied') throw new ApiError(409, res!.status, res!.message ?? '');
        mergeInModel(m, s, d);
      });
    }
    await checkInvariant(real, m);
  }
  toString = () => `Merge(survivor #${this.survivor}, duplicate #${this.duplicate})`;
}

class Transfer implements Cmd {
  constructor(readonly child: number) {}
  check = () => true;
  async run(m: Model, real: Real) {
    const cp = pick(sorted(m), this.child);
    if (cp) {
      const c = m.children.get(cp)!;
      const to = other(c.localAuthority);
      const t = await requestTransfer(real.ctx, laTeam(c.localAuthority), {
        cpNumber: cp,
        toLocalAuthority: to,
        reason: 'The family moved',
      });
      await decideTransfer(real.ctx, laTeam(to), t.id, 'accept');
      c.localAuthority = to;
      count('transfer');
    }
    await checkInvariant(real, m);
  }
  toString = () => `Transfer(child #${this.child})`;
}

class OpenReview implements Cmd {
  constructor(
    readonly child: number,
    readonly of: number,
  ) {}
  check = () => true;
  async run(m: Model, real: Real) {
    const all = sorted(m);
    const a = pick(all, this.child);
    const b = pick(all, this.of);
    if (a && b && a !== b) {
      const [res] = await submitItems(real.ctx, dataManager(), [
        {
          op: 'possible-duplicate',
          cpNumber: a,
          of: b,
          score: 0.7,
          baseVersion: 1,
          idempotencyKey: `pd-${a}-${b}-${nextKey()}`,
        },
      ]);
      expect(res, 'a review opened by hand').toMatchObject({ status: 'applied' });
      count('review opened by hand');
    }
    await checkInvariant(real, m);
  }
  toString = () => `OpenReview(child #${this.child} may be #${this.of})`;
}

const index = fc.nat({ max: 7 });
const authority = fc.constantFrom(...AUTHORITIES);
const supply = fc
  .tuple(
    fc.nat({ max: 1 }),
    fc.nat({ max: 2 }),
    fc.constantFrom(0 as const, 1 as const, 'new' as const, 'new' as const, 'new' as const, 'new' as const),
    authority,
    fc.boolean(),
  )
  .map(([g, f, p, la, n]) => new Supply(g, f, p, la, n));
const commands = fc.commands(
  [
    // Supplies are weighted up: they are what opens reviews.
    supply,
    supply,
    supply,
    fc
      .tuple(
        index,
        fc.constantFrom('same-child' as const, 'different-children' as const, 'not-duplicate submission' as const),
      )
      .map(([i, how]) => new Resolve(i, how)),
    fc.tuple(index, fc.boolean()).map(([i, s]) => new Shield(i, s)),
    index.map((i) => new Unshield(i)),
    fc.tuple(index, index).map(([a, b]) => new Merge(a, b)),
    index.map((i) => new Transfer(i)),
    fc.tuple(index, index).map(([a, b]) => new OpenReview(a, b)),
  ],
  { maxCommands: MAX_COMMANDS, size: 'medium' },
);

/** A child already held when the sequence starts. */
function heldChild(family: string, dob: string, localAuthority: string, postcode: string, shielded: boolean) {
  return child({
    name: { given: 'Rosa', family, former: [] },
    gender: 'female',
    dob,
    shielded,
    localAuthority,
    address: { lines: ['2 Held Road', 'Birkenhead'], postcode },
  });
}

// ---------------------------------------------------------------------------------

describe.each(storeEngines)('pending shields, model-based, on %s', (engine) => {
  let store: TestStore;
  let real: Real;
  let runs = 0;
  beforeAll(async () => {
    const opened = await openPendingContext(engine);
    store = opened.store;
    real = {
      ctx: opened.ctx,
      sets: new Map(AUTHORITIES.map((la) => [la, new WorkingSet(opened.ctx, la)])),
      readsChecked: new Set(),
    };
    // The working sets start from the feeds' heads, like a team that has synced before.
    for (const set of real.sets.values()) await set.sync();
  }, 120_000);
  afterAll(async () => {
    await store?.close();
  });

  it(`no search by postcode, read or working set shows a shielded or pending child's hidden fields (${RUNS} sequences)`, async () => {
    done.clear();
    // A seed from the environment replays a failure; a fresh one otherwise.
    const seed =
      process.env['PENDING_SHIELDS_SEED'] === undefined ? undefined : Number(process.env['PENDING_SHIELDS_SEED']);
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.boolean(), commands, async (heldShielded, otherShielded, cmds) => {
        // Each sequence: its own identity, and two held children of it, one per authority.
        const cluster = clusterOf(runs++);
        const m: Model = { cluster, nextPostcode: 2, children: new Map() };
        const held = [
          heldChild(cluster.family, cluster.dob, WIRRAL, cluster.postcodes[0]!, heldShielded),
          heldChild(`${cluster.family}s`, cluster.dob, CHESHIRE_WEST_AND_CHESTER, cluster.postcodes[1]!, otherShielded),
        ];
        await real.ctx.db.transaction(async (tx) => {
          for (const h of held) await insertChild(tx, h, { at: real.ctx.clock.now() });
        });
        for (const h of held) m.children.set(h.cpNumber, { localAuthority: h.localAuthority, own: h.shielded });
        await checkInvariant(real, m);
        await fc.asyncModelRun(() => ({ model: m, real }), cmds);
      }),
      {
        numRuns: RUNS,
        ...(seed !== undefined ? { seed } : {}),
        endOnFailure: process.env['PENDING_SHIELDS_NO_SHRINK'] === '1',
      },
    );
    // Every kind of step did its work in some sequence: the property was not met by refusing everything.
    const did = Object.fromEntries(done);
    for (const what of [
      'supply possible-duplicate',
      'resolve same-child',
      'resolve different-children',
      'resolve not-duplicate submission',
      'shield',
      'shield (sync)',
      'unshield',
      'merge',
      'transfer',
      'review opened by hand',
    ]) {
      expect(did[what] ?? 0, `${what} in ${JSON.stringify(did)}`).toBeGreaterThan(0);
    }
  }, 600_000);
});

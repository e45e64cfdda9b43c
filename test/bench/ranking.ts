// Search ranking (issue 24, "rank the right child first"): the labelled queries of
// ranking-set.ts asked of the local working-set search (an encrypted store of the
// Wirral's children, built straight from the generator as a full sync would leave it)
// and of the national search (PGlite, every child of the same generated population, the
// service's own searchChildren in a transaction, audited). Reports top-1 and top-5
// accuracy, found at all, latency, per query kind and clean/corrupted supply, and why
// each miss happened: a duplicate record of the same child, a child no search could
// tell apart on the fields given (twins by surname and date of birth, namesakes born the
// same day), a tie, or outscored by whom.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { childSearchQuerySchema } from '../../domain/api/records.js';
import type { ChildRecord } from '../../domain/child-record.js';
import { nameKey } from '../../domain/name-key.js';
import type { Actor } from '../../domain/roles.js';
import { createLocalSearch } from '../../main/working-set/search.js';
import { openStore, type FeedChange } from '../../main/working-set/store.js';
import { createKeyringVault } from '../../main/working-set/vault.js';
import { searchChildren } from '../../service/records/search.js';
import { migrate } from '../../service/store/migrations.js';
import { openPglite } from '../../service/store/pglite.js';
import { seedTrainingChildren, trainingSeed } from '../../service/training/seed.js';
import { generateChildren } from '../../service/training/index.js';
import { WIRRAL } from '../support/children.js';
import { type Emit, percentile } from './measure.js';
import { kindFields, QUERY_KINDS, rankingCases, type RankingCase } from './ranking-set.js';

const TODAY = '2026-11-24';

/** What the miss analysis needs of each child: its search keys and the real child behind it. */
interface Held {
  surname: string;
  forename: string;
  dob: string;
  postcode: string | null;
  truthId: string;
}

function heldOf(record: ChildRecord, truthId: string): Held {
  return {
    surname: nameKey(record.name.family),
    forename: nameKey(record.name.given),
    dob: record.dob,
    postcode: record.address?.postcode ?? null,
    truthId,
  };
}

interface Ranked {
  cpNumber: string;
  score: number;
}

interface Outcome {
  c: RankingCase;
  ranked: Ranked[];
  ms: number;
}

/** Why the first result is not the child meant. */
function missReason(o: Outcome, held: Map<string, Held>): string {
  const rank = o.ranked.findIndex((r) => r.cpNumber === o.c.cpNumber);
  if (rank < 0) return 'not found';
  const top = o.ranked[0]!;
  const target = held.get(o.c.cpNumber)!;
  const winner = held.get(top.cpNumber);
  if (!winner) return 'outscored by an unknown child';
  if (winner.truthId === target.truthId) return 'duplicate record of the same child';
  const same = kindFields(o.c.kind).every((f) => winner[f] === target[f]);
  if (same) return 'indistinguishable on the fields given';
  const who =
    winner.surname === target.surname && winner.dob === target.dob
      ? 'a twin'
      : winner.surname === target.surname && winner.postcode !== null && winner.postcode === target.postcode
        ? 'a sibling'
        : winner.surname === target.surname && winner.forename === target.forename
          ? 'a namesake'
          : winner.dob === target.dob
            ? 'a child born the same day'
            : winner.surname === target.surname
              ? 'a child of the same surname'
              : 'another child';
  const score = o.ranked[rank]!.score;
  return `${top.score === score ? 'tied with' : 'outscored by'} ${who}`;
}

const pct = (n: number, d: number) => Number(((100 * n) / Math.max(1, d)).toFixed(2));

function report(emit: Emit, engine: 'local' | 'national', outcomes: Outcome[], held: Map<string, Held>, extra: object) {
  const at = (o: Outcome, k: number) => o.ranked.slice(0, k).some((r) => r.cpNumber === o.c.cpNumber);
  const tally = (list: Outcome[]) => ({
    n: list.length,
    p95ms:
      list.length === 0
        ? 0
        : Number(
            percentile(
              list.map((o) => o.ms).sort((x, y) => x - y),
              95,
            ).toFixed(1),
          ),
    top1: pct(list.filter((o) => at(o, 1)).length, list.length),
    top5: pct(list.filter((o) => at(o, 5)).length, list.length),
    found: pct(list.filter((o) => at(o, Infinity)).length, list.length),
  });
  const all = tally(outcomes);
  const perKind = Object.fromEntries(QUERY_KINDS.map((k) => [k, tally(outcomes.filter((o) => o.c.kind === k))]));
  const clean = tally(outcomes.filter((o) => !o.c.corrupted));
  const corrupted = tally(outcomes.filter((o) => o.c.corrupted));
  const misses: Record<string, number> = {};
  for (const o of outcomes) {
    if (at(o, 1)) continue;
    const why = `${o.c.kind}: ${missReason(o, held)}`;
    // Names and dates of generated children only (never real people): for tuning.
    if (process.env.CP_RANKING_DEBUG)
      process.stderr.write(
        `${engine} miss ${why} ${JSON.stringify(o.c.query)} meant ${JSON.stringify(held.get(o.c.cpNumber))} ` +
          `got ${JSON.stringify(o.ranked.slice(0, 2).map((r) => ({ ...r, ...held.get(r.cpNumber) })))}\n`,
      );
    misses[why] = (misses[why] ?? 0) + 1;
  }
  // A child no search can tell apart from the one meant (same values in every field
  // given), or a duplicate record of the same child: reported, not counted away.
  const unavoidable = outcomes.filter((o) => {
    if (at(o, 1) || o.ranked.length === 0) return false;
    const r = missReason(o, held);
    return r === 'indistinguishable on the fields given' || r === 'duplicate record of the same child';
  }).length;
  const ms = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const base = { ...extra, searches: outcomes.length };
  emit(`search.ranking.${engine}.top1`, all.top1, '%', {
    ...base,
    top1Distinguishable: pct(outcomes.filter((o) => at(o, 1)).length, outcomes.length - unavoidable),
    unavoidableMisses: unavoidable,
    clean,
    corrupted,
  });
  emit(`search.ranking.${engine}.top5`, all.top5, '%', base);
  emit(`search.ranking.${engine}.found`, all.found, '%', base);
  emit(`search.ranking.${engine}.per-kind`, outcomes.length, 'searches', { ...base, perKind });
  emit(`search.ranking.${engine}.misses`, outcomes.length - outcomes.filter((o) => at(o, 1)).length, 'searches', {
    ...base,
    misses: Object.fromEntries(Object.entries(misses).sort((a, b) => b[1] - a[1])),
  });
  emit(`search.ranking.${engine}.p50`, percentile(ms, 50), 'ms', base);
  emit(`search.ranking.${engine}.p95`, percentile(ms, 95), 'ms', base);
}

export async function rankingBench(emit: Emit): Promise<void> {
  // The generator's children (the Wirral's share is the working set: 200,000 of 234,000).
  // The national store is PGlite in this process: at 234,000 its load ended the run
  // without a word (out of memory), so it holds 40,000 unless told otherwise, each with
  // labelled searches drawn from its own population.
  const which = (process.env.CP_RANKING_ENGINES ?? 'local,national').split(',');
  const localCount = Number(process.env.CP_RANKING_CHILDREN ?? 234_000);
  const nationalCount = Number(process.env.CP_RANKING_NATIONAL_CHILDREN ?? process.env.CP_RANKING_CHILDREN ?? 40_000);
  if (which.includes('local')) await rankingFor(emit, localCount, ['local']);
  if (which.includes('national')) await rankingFor(emit, nationalCount, ['national']);
}

async function rankingFor(emit: Emit, count: number, which: string[]): Promise<void> {
  const searches = Number(process.env.CP_RANKING_SEARCHES ?? 2_000);
  const generate = () => generateChildren({ seed: trainingSeed, count, today: TODAY });

  const held = new Map<string, Held>();
  for (const child of generate()) held.set(child.record.cpNumber, heldOf(child.record, child.truthId));
  const cases = rankingCases(generate(), {
    seed: 'issue-24',
    count: searches,
    every: Math.max(1, Math.floor((count * 0.855) / searches / 1.1)),
    keep: (r) => r.localAuthority === WIRRAL,
  });
  process.stderr.write(`bench: ${cases.length} labelled searches over ${count} generated children\n`);

  if (which.includes('local')) {
    const dir = mkdtempSync(join(tmpdir(), 'cp-bench-ranking-'));
    const vault = createKeyringVault(`bench-${randomBytes(6).toString('hex')}`);
    const store = openStore(dir, vault);
    try {
      const t0 = performance.now();
      store.dropSearchIndexes();
      const runId = store.startRun('full', new Date().toISOString());
      let page: FeedChange[] = [];
      let seq = 0;
      let records = 0;
      const flush = () => {
        store.applyPage(page, `cursor-${seq}`, runId);
        page = [];
      };
      for (const { record } of generate()) {
        if (record.localAuthority !== WIRRAL) continue;
        records++;
        page.push({
          seq: ++seq,
          cpNumber: record.cpNumber,
          kind: 'upsert',
          version: 1,
          shielded: record.shielded,
          shieldPending: false,
          index: {
            family: record.name.family,
            given: record.name.given,
            dob: record.dob,
            postcode: record.address?.postcode ?? null,
            nhsNumber: record.identifiers.nhsNumber ?? null,
            formerFamilies: record.name.former.map((f) => f.family),
          },
          recordJson: Buffer.from(JSON.stringify(record), 'utf8'),
        });
        if (page.length >= 2500) flush();
      }
      flush();
      store.ensureSearchIndexes();
      store.finishRun(runId, 'completed', new Date().toISOString());
      process.stderr.write(
        `bench: working set of ${records} built in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
      );
      const search = createLocalSearch(store);
      for (const c of cases.slice(0, 50)) search(c.query, 50);
      const outcomes: Outcome[] = cases.map((c) => {
        const s0 = performance.now();
        const answer = search(c.query, 50);
        const ms = performance.now() - s0;
        return { c, ms, ranked: answer.results.map((r) => ({ cpNumber: r.cpNumber, score: r.score })) };
      });
      report(emit, 'local', outcomes, held, {
        records,
        store: 'SQLCipher working set, in process (no worker round trip)',
      });
    } finally {
      store.close();
      try {
        vault.destroy();
      } catch {
        // No credential store here: nothing was stored.
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }

  if (which.includes('national')) {
    const db = await openPglite();
    try {
      await migrate(db);
      const t0 = performance.now();
      const clock = { now: () => new Date(`${TODAY}T12:00:00Z`) };
      const loaded = await seedTrainingChildren(db, clock, { count, seed: trainingSeed });
      await db.query('ANALYZE');
      process.stderr.write(
        `bench: national store of ${loaded} loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
      );
      const actor: Actor = {
        userId: 'bench-practitioner',
        name: 'Bench Practitioner',
        roles: ['practitioner'],
        organisation: {
          id: 'bench-org',
          name: 'Bench organisation',
          kind: 'school',
          accredited: true,
          localAuthority: null,
          supplier: null,
        },
        localAuthority: null,
        sessionId: 'bench-session',
      };
      const at = clock.now();
      const ask = async (c: RankingCase): Promise<Outcome> => {
        const query = childSearchQuerySchema.parse(c.query);
        const s0 = performance.now();
        const out = await db.transaction((tx) => searchChildren(tx, actor, query, at));
        const ms = performance.now() - s0;
        return { c, ms, ranked: out.results.map((r) => ({ cpNumber: r.cpNumber, score: r.score })) };
      };
      for (const c of cases.slice(0, 20)) await ask(c);
      const outcomes: Outcome[] = [];
      for (const c of cases) outcomes.push(await ask(c));
      report(emit, 'national', outcomes, held, {
        records: loaded,
        store: 'PGlite, searchChildren in a transaction (audited), no HTTP',
      });
    } finally {
      await db.close();
    }
  }
}

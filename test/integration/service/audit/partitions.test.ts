// The audit trail in partitions (migration 23), on both store engines: entries spread by
// user over several chains, each with its own head, folded at each signed checkpoint into
// the national chain. Each kind of break in a partition (an entry changed, removed,
// reordered or inserted, a head dropped, a partition cut short) and in the national chain
// is caught; many concurrent appends across partitions all land and verify; a store with
// one chain from before migration 23 becomes partition 0 and still verifies; and
// `npm run audit:verify` checks a partitioned store. Each tampering happens inside a
// transaction that is then rolled back, so every test starts from the same trail.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  sealKeyFrom,
  sealOf,
  signingKeyFrom,
  useAuditKeys,
  type AuditKeys,
} from '../../../../service/audit/audit-key.js';
import {
  appendAudit,
  entryHash,
  partitionFor,
  partitionOf,
  partitionSpan,
  useAuditPartitions,
} from '../../../../service/audit/audit-log.js';
import { CheckpointPublisher, type AuditCheckpoint } from '../../../../service/audit/checkpoints.js';
import { auditQuerySchema, auditRoutes } from '../../../../service/audit/routes.js';
import { SettableClock, type ServiceContext } from '../../../../service/context.js';
import type { Actor } from '../../../../domain/roles.js';
import { testSecrets } from '../../../support/secrets.js';
import { nationalHash, type FoldedHead } from '../../../../service/audit/national.js';
import { runVerifyCommand } from '../../../../service/audit/verify-cli.js';
import { GENESIS_HASH, verifyAuditChain, type AuditChainVerdict } from '../../../../service/audit/verify.js';
import type { Database, Queryable } from '../../../../service/store/database.js';
import { migrate, migrations } from '../../../../service/store/migrations.js';
import { openStore } from '../../../../service/store/open-store.js';
import { openTestStore, storeEngines, type TestStore } from '../../../support/stores.js';

const PARTS = 4;
const users = Array.from({ length: 8 }, (_, i) => `u-${i}`);
const newKeys = (): AuditKeys => ({
  seal: sealKeyFrom(randomBytes(32)),
  signing: signingKeyFrom(generateKeyPairSync('ed25519').privateKey),
});

function append(db: Database, i: number, userId = users[i % users.length]!) {
  return db.transaction((tx) =>
    appendAudit(tx, {
      at: new Date(Date.UTC(2024, 4, 1, 9, 0, i % 60, i)),
      userId,
      action: i % 2 === 0 ? 'search' : 'read',
      cpNumber: i % 2 === 0 ? null : `CP10000${String(i).padStart(4, '0')}`,
      reason: i % 2 === 0 ? null : `Referral ${i}`,
      detail: { results: i },
    }),
  );
}

class Rollback extends Error {}
const brokenAt = (v: AuditChainVerdict) => (v.ok ? 'intact' : `${v.firstBroken.seq} ${v.firstBroken.problem}`);

describe.each(storeEngines)('the audit trail in partitions on %s', (engine) => {
  let store: TestStore;
  let keys: AuditKeys;
  let checkpoint: AuditCheckpoint;
  /** A partition other than 0 with at least three entries before the checkpoint, and its seqs. */
  let part: number;
  let seqs: number[];

  async function tampered(tamper: (tx: Queryable) => Promise<unknown>, withCheckpoint = false) {
    let verdict: AuditChainVerdict | undefined;
    await store.db
      .transaction(async (tx) => {
        await tamper(tx);
        verdict = await verifyAuditChain(tx, { batchSize: 3, ...(withCheckpoint ? { checkpoint } : {}) });
        throw new Rollback();
      })
      .catch((e: unknown) => {
        if (!(e instanceof Rollback)) throw e;
      });
    return brokenAt(verdict!);
  }

  beforeAll(async () => {
    store = await openTestStore(engine);
    keys = newKeys();
    useAuditKeys(store.db, keys);
    useAuditPartitions(store.db, PARTS);
    for (let i = 0; i < 24; i++) await append(store.db, i);
    checkpoint = await new CheckpointPublisher({
      db: store.db,
      clock: new SettableClock(new Date('2024-05-02T00:00:00Z')),
      keys,
    }).publish('on-demand');
    // Entries after the checkpoint: the unpinned end of each partition.
    for (let i = 24; i < 30; i++) await append(store.db, i);
    const counts = new Map<number, number>();
    for (const u of users.slice(0, 24)) {
      const p = partitionFor(u, PARTS);
      counts.set(p, (counts.get(p) ?? 0) + 3);
    }
    part = [...counts.entries()].find(([p, n]) => p > 0 && n >= 3)![0];
    seqs = (
      await store.db.query<{ seq: number }>('SELECT seq FROM audit_log WHERE seq > $1 AND seq < $2 ORDER BY seq', [
        part * partitionSpan,
        (part + 1) * partitionSpan,
      ])
    ).map((r) => r.seq);
  });
  afterAll(() => store.close());

  it('spreads entries by user over partitions, each a chain from its own genesis, and verifies them all', async () => {
    const heads = await store.db.query<{ part: number; seq: number }>('SELECT part, seq FROM audit_head ORDER BY part');
    expect(heads.length).toBeGreaterThan(2);
    for (const h of heads) {
      const rows = await store.db.query<{ seq: number; prev_hash: string }>(
        'SELECT seq, prev_hash FROM audit_log WHERE seq > $1 AND seq < $2 ORDER BY seq',
        [h.part * partitionSpan, (h.part + 1) * partitionSpan],
      );
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => h.part * partitionSpan + i + 1));
      expect(rows.at(-1)?.seq).toBe(h.seq);
      expect(rows[0]?.prev_hash).toBe(GENESIS_HASH);
    }
    expect(seqs.length).toBeGreaterThanOrEqual(4);
    expect(checkpoint.partitions?.map((p) => p.part)).toEqual(heads.filter((h) => h.part > 0).map((h) => h.part));
    expect(checkpoint.national).toMatchObject({ size: 1 });
    const verdict = await verifyAuditChain(store.db, { checkpoint });
    expect(verdict).toMatchObject({ ok: true, entries: 30, partitions: heads.length });
  });

  it('catches an entry changed, removed or reordered in a partition at that entry', async () => {
    const [, s2, s3] = seqs as [number, number, number];
    expect(await tampered((tx) => tx.query("UPDATE audit_log SET reason = 'x' WHERE seq = $1", [s2]))).toBe(
      `${s2} hash-mismatch`,
    );
    expect(await tampered((tx) => tx.query('DELETE FROM audit_log WHERE seq = $1', [s2]))).toBe(`${s2} missing-entry`);
    const swap = async (tx: Queryable) => {
      await tx.query('UPDATE audit_log SET seq = -1 WHERE seq = $1', [s2]);
      await tx.query('UPDATE audit_log SET seq = $1 WHERE seq = $2', [s2, s3]);
      await tx.query('UPDATE audit_log SET seq = $1 WHERE seq = -1', [s3]);
    };
    expect(await tampered(swap)).toBe(`${s2} hash-mismatch`);
  });

  it('catches an entry inserted in a partition, hashed and linked: at its seal, or at the head', async () => {
    const insert = async (tx: Queryable, mac: (hash: string) => string | null, moveHead: boolean) => {
      const [head] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE part = $1', [
        part,
      ]);
      const body = {
        seq: head!.seq + 1,
        at: '2024-05-03T00:00:00.000Z',
        userId: 'u-forger',
        action: 'read',
        cpNumber: null,
        reason: null,
        detail: {},
        prevHash: head!.hash,
      };
      const hash = entryHash(body);
      await tx.query(
        `INSERT INTO audit_log (seq, at, user_id, action, cp_number, reason, detail, prev_hash, hash, mac)
         VALUES ($1, $2, $3, $4, NULL, NULL, '{}', $5, $6, $7)`,
        [body.seq, new Date(body.at), body.userId, body.action, body.prevHash, hash, mac(hash)],
      );
      if (moveHead) await tx.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE part = $3', [body.seq, hash, part]);
      return body.seq;
    };
    const last = seqs.at(-1)!;
    expect(await tampered((tx) => insert(tx, (h) => sealOf(newKeys().seal, h), true))).toBe(
      `${last + 1} seal-mismatch`,
    );
    expect(await tampered((tx) => insert(tx, () => null, true))).toBe(`${last + 1} seal-missing`);
    // Sealed with the key itself, but the head not moved to it.
    expect(await tampered((tx) => insert(tx, (h) => sealOf(keys.seal, h), false))).toBe(`${last + 1} head-mismatch`);
  });

  it("catches a partition's head dropped: its entries left without one, or the whole partition with a checkpoint", async () => {
    const first = part * partitionSpan + 1;
    expect(await tampered((tx) => tx.query('DELETE FROM audit_head WHERE part = $1', [part]))).toBe(
      `${first} head-mismatch`,
    );
    const dropAll = async (tx: Queryable) => {
      await tx.query('DELETE FROM audit_log WHERE seq >= $1 AND seq < $2', [first, first + partitionSpan - 1]);
      await tx.query('DELETE FROM audit_head WHERE part = $1', [part]);
    };
    // The database alone is consistent without the partition: only the checkpoint knows.
    expect(await tampered(dropAll)).toBe('intact');
    expect(await tampered(dropAll, true)).toBe(`${first} head-mismatch`);
  });

  it('with a checkpoint, catches a partition cut short or rewound and a national chain rewritten', async () => {
    const pinned = checkpoint.partitions!.find((p) => p.part === part)!.size;
    const cut = async (tx: Queryable) => {
      await tx.query('DELETE FROM audit_log WHERE seq > $1 AND seq < $2', [pinned - 2, (part + 1) * partitionSpan]);
      await tx.query(
        'UPDATE audit_head SET seq = $1, hash = (SELECT hash FROM audit_log WHERE seq = $1) WHERE part = $2',
        [pinned - 2, part],
      );
    };
    expect(await tampered(cut)).toBe('intact');
    expect(await tampered(cut, true)).toBe(`${pinned - 1} checkpoint-mismatch`);
    // The national chain's fold changed, or removed.
    expect(await tampered((tx) => tx.query(`UPDATE audit_national SET heads = heads - 0 WHERE seq = 1`))).toBe(
      '1 hash-mismatch',
    );
    expect(await tampered((tx) => tx.query('DELETE FROM audit_national'), true)).toBe('1 checkpoint-mismatch');
    // A later fold that leaves a partition out, hashed, linked and even sealed with the key.
    const foldWithout = (sealWith: AuditKeys) => async (tx: Queryable) => {
      const [fold] = await tx.query<{ hash: string; heads: FoldedHead[] }>(
        'SELECT hash, heads FROM audit_national WHERE seq = 1',
      );
      const body = {
        seq: 2,
        at: '2024-05-03T00:00:00.000Z',
        heads: fold!.heads.filter((h) => h.part !== part),
        prevHash: fold!.hash,
      };
      const hash = nationalHash(body);
      await tx.query(
        'INSERT INTO audit_national (seq, at, heads, prev_hash, hash, mac) VALUES (2, $1, $2::jsonb, $3, $4, $5)',
        [new Date(body.at), JSON.stringify(body.heads), body.prevHash, hash, sealOf(sealWith.seal, hash)],
      );
    };
    expect(await tampered(foldWithout(keys))).toBe('2 head-mismatch');
    expect(await tampered(foldWithout(newKeys()))).toBe('2 seal-mismatch');
  });

  it('lists entries for review in time order across partitions, page by page, and verifies through the route', async () => {
    const ctx: ServiceContext = {
      db: store.db,
      clock: new SettableClock(new Date('2024-06-01T12:00:00Z')),
      randomBytes: () => Buffer.alloc(0),
      trainingMode: true,
      secrets: testSecrets,
    };
    const who: Actor = {
      userId: 'u-reviewer',
      name: 'Reviewer',
      roles: ['data-manager'],
      organisation: {
        id: 'org-1',
        name: 'Organisation',
        kind: 'local-authority',
        accredited: true,
        localAuthority: null,
        supplier: null,
      },
      localAuthority: null,
      sessionId: 's-1',
    };
    const call = async (path: string, query: Record<string, unknown>) => {
      const route = auditRoutes.find((r) => r.method === 'GET' && r.path === path)!;
      const res = await route.handle(
        { params: {}, query, body: undefined, headers: {}, remoteAddress: '127.0.0.1', actor: who },
        ctx,
      );
      expect(res.status).toBe(200);
      return res.body as { entries: { seq: number; at: string; action: string }[]; next: number | null };
    };
    const seen: { seq: number; at: string }[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await call(
        '/v1/audit',
        auditQuerySchema.parse({ limit: '7', ...(after ? { after: String(after) } : {}) }),
      );
      seen.push(...page.entries.filter((e) => e.action !== 'audit-read'));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toHaveLength(30);
    expect(seen.map((e) => e.at)).toEqual(seen.map((e) => e.at).sort());
    expect(new Set(seen.slice(0, 8).map((e) => partitionOf(e.seq))).size).toBeGreaterThan(1);
    expect(await call('/v1/audit/verify', {})).toMatchObject({ ok: true, intact: true });
  });

  it('lands every one of many concurrent appends across partitions, and they all verify', async () => {
    const db = store.db;
    const before = await verifyAuditChain(db);
    expect(before.ok).toBe(true);
    useAuditPartitions(db, 8);
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => append(db, 1000 + i, `concurrent-${i % 20}`)),
      );
      expect(new Set(results.map((e) => e.seq)).size).toBe(200);
      const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
      expect(n).toBe(before.entries + 200);
      const after = await verifyAuditChain(db, { checkpoint });
      expect(after).toMatchObject({ ok: true, entries: before.entries + 200 });
      expect((after as { partitions: number }).partitions).toBeGreaterThan(4);
    } finally {
      useAuditPartitions(db, PARTS);
    }
  });

  // Opening and migrating an embedded store in a directory takes a while on a busy machine.
  it('is verified by npm run audit:verify, which names a broken partition entry', async () => {
    const args =
      engine === 'postgres' ? ['--database-url', store.url!] : await (async () => ['--data', await pgliteCopy()])();
    const out: string[] = [];
    const err: string[] = [];
    const run = (argv: string[]) => runVerifyCommand(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
    expect(await run(args)).toBe(0);
    expect(out.at(-1)).toMatch(/^audit chain intact: \d+ entries in \d+ partitions$/);
    if (engine === 'postgres') {
      const [, s2] = seqs as [number, number];
      const [was] = await store.db.query<{ reason: string | null }>('SELECT reason FROM audit_log WHERE seq = $1', [
        s2,
      ]);
      await store.db.query("UPDATE audit_log SET reason = 'x' WHERE seq = $1", [s2]);
      try {
        expect(await run(args)).toBe(1);
        expect(out.at(-1)).toBe(`audit chain broken at entry ${s2}: hash-mismatch`);
      } finally {
        await store.db.query('UPDATE audit_log SET reason = $2 WHERE seq = $1', [s2, was!.reason]);
      }
      expect(await run(args)).toBe(0);
    }
  }, 180_000);
});

// An embedded store in a directory, written with partitions and closed: what the command reads.
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
async function pgliteCopy(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-audit-parts-'));
  dirs.push(dir);
  const dataDir = join(dir, 'store');
  const db = await openStore({ dataDir });
  useAuditPartitions(db, PARTS);
  for (let i = 0; i < 20; i++) await append(db, i);
  await db.close();
  return dataDir;
}

describe.each(storeEngines)('a store with one chain from before migration 23 on %s', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine, { migrated: false });
  });
  afterAll(() => store.close());

  it('becomes partition 0 with its hashes and seals untouched, verifies, and takes partitions after', async () => {
    const db = store.db;
    const keys = newKeys();
    useAuditKeys(db, keys);
    await migrate(
      db,
      migrations.filter((m) => m.version < 23),
    );
    // Entries appended as before migration 23: one head, locked by its id.
    for (let i = 1; i <= 7; i++) {
      await db.transaction(async (tx) => {
        const [head] = await tx.query<{ seq: number; hash: string }>(
          'SELECT seq, hash FROM audit_head WHERE id FOR UPDATE',
        );
        const body = {
          seq: head!.seq + 1,
          at: new Date(Date.UTC(2024, 0, 1, 9, i)).toISOString(),
          userId: `u-${i}`,
          action: 'read',
          cpNumber: null,
          reason: `Visit ${i}`,
          detail: {},
          prevHash: head!.hash,
        };
        const hash = entryHash(body);
        await tx.query(
          `INSERT INTO audit_log (seq, at, user_id, action, cp_number, reason, detail, prev_hash, hash, mac)
           VALUES ($1, $2, $3, $4, NULL, $5, '{}', $6, $7, $8)`,
          [
            body.seq,
            new Date(body.at),
            body.userId,
            body.action,
            body.reason,
            body.prevHash,
            hash,
            sealOf(keys.seal, hash),
          ],
        );
        await tx.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE id', [body.seq, hash]);
      });
    }
    const before = await db.query<{ hash: string }>('SELECT seq, prev_hash, hash, mac FROM audit_log ORDER BY seq');

    await migrate(db);
    expect(await db.query('SELECT seq, prev_hash, hash, mac FROM audit_log ORDER BY seq')).toEqual(before);
    expect(await db.query('SELECT part, seq FROM audit_head')).toEqual([{ part: 0, seq: 7 }]);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 7, lastHash: before.at(-1)!.hash });

    useAuditPartitions(db, PARTS);
    for (let i = 0; i < 16; i++) await append(db, i);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 23 });
    // Partition 0 goes on from where the one chain stopped.
    const zero = await db.query<{ seq: number }>('SELECT seq FROM audit_log WHERE seq < $1 ORDER BY seq', [
      partitionSpan,
    ]);
    expect(zero.map((r) => r.seq)).toEqual(zero.map((_, i) => i + 1));
  });
});

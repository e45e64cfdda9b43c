// Nonce caches: one process's memory, and the shared PostgreSQL table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryNonceCache, StoreNonceCache } from '../../../../service/auth/nonce-cache.js';
import { SettableClock } from '../../../../service/context.js';
import type { Database } from '../../../../service/store/database.js';
import { migrate } from '../../../../service/store/migrations.js';
import { openPglite } from '../../../../service/store/pglite.js';

const start = new Date('2026-03-02T10:00:00.000Z');
const inSeconds = (clock: SettableClock, s: number) => new Date(clock.now().getTime() + s * 1000);

describe('MemoryNonceCache', () => {
  it('refuses a nonce seen before until it expires, then forgets it', async () => {
    const clock = new SettableClock(start);
    const cache = new MemoryNonceCache(clock);
    const expiry = inSeconds(clock, 60);
    expect(await cache.remember('s1', 'nonce-1', expiry)).toBe(true);
    expect(await cache.remember('s1', 'nonce-1', expiry)).toBe(false);
    clock.advance(59_000);
    expect(await cache.remember('s1', 'nonce-1', expiry)).toBe(false);
    clock.advance(1_000);
    expect(await cache.remember('s1', 'nonce-1', inSeconds(clock, 60))).toBe(true);
  });

  it('keeps nonces apart per key, without ambiguity in how the two are joined', async () => {
    const cache = new MemoryNonceCache(new SettableClock(start));
    const expiry = new Date(start.getTime() + 60_000);
    expect(await cache.remember('s1', 'n', expiry)).toBe(true);
    expect(await cache.remember('s2', 'n', expiry)).toBe(true);
    expect(await cache.remember('ab', 'cdefgh', expiry)).toBe(true);
    expect(await cache.remember('a', 'bcdefgh', expiry)).toBe(true);
    expect(await cache.remember('abc', 'defgh', expiry)).toBe(true);
  });

  it('sweeps expired entries, so memory stays bounded', async () => {
    const clock = new SettableClock(start);
    const cache = new MemoryNonceCache(clock, { maxEntries: 100, sweepEvery: 10 });
    for (let i = 0; i < 50; i++) await cache.remember('s', `old-${i}`, inSeconds(clock, 10));
    clock.advance(11_000);
    for (let i = 0; i < 10; i++) await cache.remember('s', `new-${i}`, inSeconds(clock, 10));
    expect(cache.size).toBeLessThanOrEqual(20);
  });

  it('refuses rather than forgets a live nonce when full', async () => {
    const clock = new SettableClock(start);
    const cache = new MemoryNonceCache(clock, { maxEntries: 3 });
    for (let i = 0; i < 3; i++) expect(await cache.remember('s', `n-${i}`, inSeconds(clock, 60))).toBe(true);
    await expect(cache.remember('s', 'n-3', inSeconds(clock, 60))).rejects.toMatchObject({ status: 503 });
    expect(await cache.remember('s', 'n-0', inSeconds(clock, 60))).toBe(false);
    clock.advance(61_000);
    expect(await cache.remember('s', 'n-3', inSeconds(clock, 60))).toBe(true);
  });
});

describe('StoreNonceCache (PGlite)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
  });
  afterAll(() => db.close());

  it('refuses a nonce seen before, across cache instances sharing the database', async () => {
    const clock = new SettableClock(start);
    const a = new StoreNonceCache(db, clock);
    const b = new StoreNonceCache(db, clock);
    const expiry = inSeconds(clock, 60);
    expect(await a.remember('session-a', 'nonce-1', expiry)).toBe(true);
    expect(await b.remember('session-a', 'nonce-1', expiry)).toBe(false);
    expect(await b.remember('session-b', 'nonce-1', expiry)).toBe(true);
  });

  it('accepts a nonce again once its row has expired, even before it is swept', async () => {
    const clock = new SettableClock(start);
    const cache = new StoreNonceCache(db, clock, 3_600_000);
    expect(await cache.remember('session-c', 'nonce-2', inSeconds(clock, 30))).toBe(true);
    clock.advance(29_000);
    expect(await cache.remember('session-c', 'nonce-2', inSeconds(clock, 30))).toBe(false);
    clock.advance(1_000);
    expect(await cache.remember('session-c', 'nonce-2', inSeconds(clock, 30))).toBe(true);
    expect(await cache.remember('session-c', 'nonce-2', inSeconds(clock, 30))).toBe(false);
  });

  it('deletes expired rows from time to time', async () => {
    const clock = new SettableClock(start);
    const cache = new StoreNonceCache(db, clock, 60_000);
    for (let i = 0; i < 5; i++) await cache.remember('session-d', `n-${i}`, inSeconds(clock, 10));
    const count = async () =>
      (
        await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM request_nonces WHERE session_id = 'session-d'`)
      )[0]!.n;
    expect(await count()).toBe(5);
    clock.advance(61_000);
    await cache.remember('session-d', 'fresh', inSeconds(clock, 10));
    expect(await count()).toBe(1);
  });

  it('sweeps a backlog in bounded batches, one per request, without refusing anything live', async () => {
    const clock = new SettableClock(start);
    const cache = new StoreNonceCache(db, clock, { sweepIntervalMs: 60_000, sweepBatch: 4 });
    for (let i = 0; i < 10; i++) await cache.remember('session-e', `old-${i}`, inSeconds(clock, 10));
    const live = inSeconds(clock, 300);
    await cache.remember('session-e', 'live', live);
    const old = async () =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM request_nonces WHERE session_id = 'session-e' AND nonce LIKE 'old-%'`,
        )
      )[0]!.n;
    clock.advance(61_000);
    await cache.remember('session-e', 'next-1', inSeconds(clock, 10));
    expect(await old()).toBe(6);
    await cache.remember('session-e', 'next-2', inSeconds(clock, 10));
    expect(await old()).toBe(2);
    await cache.remember('session-e', 'next-3', inSeconds(clock, 10));
    expect(await old()).toBe(0);
    expect(await cache.remember('session-e', 'live', live)).toBe(false);
  });
});

// Signed checkpoints of the audit head: a changed checkpoint or one signed by another
// key is refused; a downloaded range is checked against one offline (no store, no
// service), tampering, deletion and a rewrite without the key each caught and named;
// the publisher writes one file per checkpoint with the public key beside them, and
// publishes on a timer that follows the service's clock. On both engines.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, entryHash } from '../../../../service/audit/audit-log.js';
import {
  sealKeyFrom,
  sealOf,
  signingKeyFrom,
  useAuditKeys,
  type AuditKeys,
} from '../../../../service/audit/audit-key.js';
import type { ChainEntry } from '../../../../service/audit/chain.js';
import {
  checkpointSignatureValid,
  CheckpointPublisher,
  listCheckpointFiles,
  parseCheckpoint,
  publicKeyFile,
  signCheckpoint,
  startCheckpointTimer,
  verifyRange,
  type AuditCheckpoint,
} from '../../../../service/audit/checkpoints.js';
import { SettableClock } from '../../../../service/context.js';
import { openTestStore, storeEngines, type TestStore } from '../../../support/stores.js';

const newKeys = (): AuditKeys => ({
  seal: sealKeyFrom(randomBytes(32)),
  signing: signingKeyFrom(generateKeyPairSync('ed25519').privateKey),
});
const ENTRIES = 10;

async function exportAll(store: TestStore): Promise<ChainEntry[]> {
  const rows = await store.db.query<{
    seq: number;
    at: Date;
    user_id: string | null;
    action: string;
    cp_number: string | null;
    reason: string | null;
    detail: Record<string, unknown>;
    prev_hash: string;
    hash: string;
    mac: string | null;
  }>('SELECT * FROM audit_log ORDER BY seq');
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at.toISOString(),
    userId: r.user_id,
    action: r.action,
    cpNumber: r.cp_number,
    reason: r.reason,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
    mac: r.mac,
  }));
}

/** Recompute hashes from `from` on after changing that entry, as a forger without the key would (copies, not the store). */
function rechained(entries: ChainEntry[], from: number, seal: (hash: string) => string | null): ChainEntry[] {
  let prev = entries.find((e) => e.seq === from - 1)?.hash ?? '0'.repeat(64);
  return entries.map((e) => {
    if (e.seq < from) return e;
    const changed = { ...e, ...(e.seq === from ? { reason: 'rewritten' } : {}), prevHash: prev };
    const hash = entryHash(changed);
    prev = hash;
    return { ...changed, hash, mac: seal(hash) };
  });
}

const brokenAt = (v: ReturnType<typeof verifyRange>) =>
  v.ok ? 'intact' : `${v.firstBroken.seq ?? '-'} ${v.firstBroken.problem}`;

describe('checkpoint signatures', () => {
  const keys = newKeys();
  const checkpoint = signCheckpoint(keys, {
    size: 5,
    head: 'a'.repeat(64),
    keyedFrom: 1,
    at: new Date('2026-01-01T10:00:00Z'),
    reason: 'hourly',
  });

  it('verify with the public key, and a checkpoint read back from its file still does', () => {
    expect(checkpointSignatureValid(checkpoint, keys.signing.publicKey)).toBe(true);
    expect(checkpointSignatureValid(parseCheckpoint(JSON.stringify(checkpoint), 'file'), keys.signing.publicKey)).toBe(
      true,
    );
  });

  it('fail when any field is changed, or when checked with another key', () => {
    for (const change of [
      { size: 4 },
      { head: 'b'.repeat(64) },
      { keyedFrom: 3 },
      { at: '2026-01-01T11:00:00.000Z' },
      { reason: 'shutdown' as const },
    ]) {
      expect(
        checkpointSignatureValid({ ...checkpoint, ...change }, keys.signing.publicKey),
        JSON.stringify(change),
      ).toBe(false);
    }
    const sig = Buffer.from(checkpoint.signature, 'base64');
    sig[10]! ^= 1;
    expect(checkpointSignatureValid({ ...checkpoint, signature: sig.toString('base64') }, keys.signing.publicKey)).toBe(
      false,
    );
    expect(checkpointSignatureValid(checkpoint, newKeys().signing.publicKey)).toBe(false);
    // Re-signed by someone else with their own key id: still not the published key.
    const forged = signCheckpoint(
      { ...newKeys(), seal: keys.seal },
      { size: 4, head: 'b'.repeat(64), keyedFrom: 1, at: new Date(), reason: 'hourly' },
    );
    expect(checkpointSignatureValid(forged, keys.signing.publicKey)).toBe(false);
  });

  it('refuses a file that is not a checkpoint, naming it', () => {
    expect(() => parseCheckpoint('{"format":"x"}', 'c.json')).toThrow(/c\.json is not an audit checkpoint: format/);
    expect(() => parseCheckpoint('nope', 'c.json')).toThrow(/c\.json is not JSON/);
  });
});

describe.each(storeEngines)('checkpoints on %s', (engine) => {
  let store: TestStore;
  let keys: AuditKeys;
  let dir: string;
  let clock: SettableClock;
  let publisher: CheckpointPublisher;
  let checkpoint: AuditCheckpoint;
  let entries: ChainEntry[];

  beforeAll(async () => {
    store = await openTestStore(engine);
    keys = newKeys();
    useAuditKeys(store.db, keys);
    dir = await mkdtemp(join(tmpdir(), 'cp-checkpoints-'));
    clock = new SettableClock(new Date('2026-03-01T09:00:00Z'));
    for (let i = 1; i <= ENTRIES; i++) {
      await store.db.transaction((tx) =>
        appendAudit(tx, {
          at: clock.now(),
          userId: `u-${i % 3}`,
          action: 'read',
          cpNumber: 'CP10000001',
          reason: `Visit ${i}`,
          detail: { i },
        }),
      );
    }
    publisher = new CheckpointPublisher({ db: store.db, clock, keys, dir });
    checkpoint = await publisher.publish('on-demand');
    entries = await exportAll(store);
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes one JSON file per checkpoint with the public key beside them, and a new publisher finds the latest', async () => {
    expect(checkpoint).toMatchObject({
      size: ENTRIES,
      head: entries.at(-1)!.hash,
      keyedFrom: 1,
      reason: 'on-demand',
      at: clock.now().toISOString(),
    });
    const files = listCheckpointFiles(dir);
    expect(files).toHaveLength(1);
    expect(JSON.parse(await readFile(join(dir, files[0]!), 'utf8'))).toEqual(checkpoint);
    expect(await readFile(join(dir, publicKeyFile), 'utf8')).toBe(keys.signing.publicKeyPem);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(new CheckpointPublisher({ db: store.db, clock, keys, dir }).latest()).toEqual(checkpoint);
  });

  it('checks an intact range offline, without the key and with it, from the start or from mid-chain', () => {
    const publicKey = keys.signing.publicKey;
    expect(verifyRange(entries, checkpoint, { publicKey })).toEqual({
      ok: true,
      from: 1,
      to: ENTRIES,
      checkpointSize: ENTRIES,
      sealsChecked: false,
    });
    expect(verifyRange(entries, checkpoint, { publicKey, seal: keys.seal })).toMatchObject({
      ok: true,
      sealsChecked: true,
    });
    expect(verifyRange(entries.slice(4), checkpoint, { publicKey, seal: keys.seal })).toMatchObject({
      ok: true,
      from: 5,
    });
  });

  it('names a changed entry, a deleted one and a chain rewritten without the key', () => {
    const publicKey = keys.signing.publicKey;
    const changed = entries.map((e) => (e.seq === 4 ? { ...e, userId: 'u-someone-else' } : e));
    expect(brokenAt(verifyRange(changed, checkpoint, { publicKey }))).toBe('4 hash-mismatch');
    expect(
      brokenAt(
        verifyRange(
          entries.filter((e) => e.seq !== 6),
          checkpoint,
          { publicKey },
        ),
      ),
    ).toBe('6 missing-entry');
    // Deleting the last entries: the range no longer reaches the signed head.
    expect(brokenAt(verifyRange(entries.slice(0, -2), checkpoint, { publicKey }))).toBe('- outside-range');
    // Rewritten from entry 3 with fresh unkeyed hashes: without the key, caught at the signed head...
    const unsealed = rechained(entries, 3, () => null);
    expect(brokenAt(verifyRange(unsealed, checkpoint, { publicKey }))).toBe(`${ENTRIES} checkpoint-mismatch`);
    // ...with it, at the first rewritten entry, even when the forger sealed with a key of their own.
    expect(brokenAt(verifyRange(unsealed, checkpoint, { publicKey, seal: keys.seal }))).toBe('3 seal-missing');
    const otherSeal = newKeys().seal;
    expect(
      brokenAt(
        verifyRange(
          rechained(entries, 3, (h) => sealOf(otherSeal, h)),
          checkpoint,
          { publicKey, seal: keys.seal },
        ),
      ),
    ).toBe('3 seal-mismatch');
    // And verify() names the entry in its message.
    const v = verifyRange(changed, checkpoint, { publicKey });
    expect(!v.ok && v.firstBroken.message).toBe('Entry 4 has been changed: its content does not match its hash.');
  });

  it('refuses a changed checkpoint, another signer, and the wrong seal key before reading any entry', () => {
    const publicKey = keys.signing.publicKey;
    expect(
      brokenAt(
        verifyRange(entries, { ...checkpoint, size: ENTRIES - 1, head: entries[ENTRIES - 2]!.hash }, { publicKey }),
      ),
    ).toBe('- checkpoint-signature');
    expect(brokenAt(verifyRange(entries, checkpoint, { publicKey: newKeys().signing.publicKey }))).toBe(
      '- checkpoint-signature',
    );
    expect(brokenAt(verifyRange(entries, checkpoint, { publicKey, seal: newKeys().seal }))).toBe('- wrong-key');
  });

  it('publishes on a timer when an hour has passed on the service clock, not before', async () => {
    const timerDir = await mkdtemp(join(tmpdir(), 'cp-checkpoints-timer-'));
    const timed = new CheckpointPublisher({ db: store.db, clock, keys, dir: timerDir });
    await timed.publish('start');
    const timer = startCheckpointTimer(timed, clock, { intervalMs: 60 * 60 * 1000, checkEveryMs: 5 });
    const settle = () => new Promise((r) => setTimeout(r, 60));
    try {
      clock.advance(59 * 60 * 1000);
      await settle();
      expect(listCheckpointFiles(timerDir)).toHaveLength(1);
      await store.db.transaction((tx) => appendAudit(tx, { at: clock.now(), userId: 'u-1', action: 'search' }));
      clock.advance(60 * 1000);
      await expect.poll(() => listCheckpointFiles(timerDir).length).toBe(2);
      expect(timed.latest()).toMatchObject({ reason: 'hourly', size: ENTRIES + 1, at: clock.now().toISOString() });
      await settle();
      expect(listCheckpointFiles(timerDir)).toHaveLength(2);
    } finally {
      await timer.stop();
      await rm(timerDir, { recursive: true, force: true });
    }
  });
});

// The card reader against real SoftHSM2 tokens, through the real worker thread (the
// worker bundled the way the application bundles it): presence, whose card, signing,
// wrong PINs and locking, insertion and removal, and a main thread that stays free.
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCardReader, type CardReader, type CardReaderOptions } from '../../../../main/card/card-reader.js';
import { failureOf } from '../../../support/failures.js';
import { buildCardWorker, createSoftHsm, SOFTHSM2_MODULE, type SoftHsm } from '../../../support/softhsm.js';

let workDir: string;
let workerFile: string;
let hsm: SoftHsm;
const readers: CardReader[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'cp-card-worker-'));
  ({ workerFile } = await buildCardWorker(workDir));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

function newHsm(): SoftHsm {
  hsm = createSoftHsm();
  return hsm;
}

afterEach(async () => {
  for (const r of readers.splice(0)) await r.close();
  hsm?.cleanup();
});

function reader(options: Partial<CardReaderOptions> = {}): CardReader {
  const r = createCardReader({
    modulePath: SOFTHSM2_MODULE,
    workerFile,
    env: { ...hsm.env, NODE_PATH: resolve('node_modules') },
    ...options,
  });
  readers.push(r);
  return r;
}

describe('card reader (SoftHSM2)', () => {
  it('sees no card, then one card and whose it is, then refuses two', async () => {
    newHsm();
    const r = reader();
    expect(await r.status()).toEqual({ reader: 'ready', present: false });
    expect((await failureOf(r.sign('123456', Buffer.from('x')))).code).toBe('card-absent');
    // Inserted after the reader started: found without a restart.
    await hsm.makeCard({ userId: 'trn-practitioner' });
    expect(await r.status()).toEqual({ reader: 'ready', present: true, userId: 'trn-practitioner' });
    // A token that is not a ContactPoint card is ignored.
    await hsm.makeCard({ userId: 'other', label: 'someone-elses-token' });
    expect(await r.status()).toEqual({ reader: 'ready', present: true, userId: 'trn-practitioner' });
    await hsm.makeCard({ userId: 'trn-child-protection' });
    expect((await r.status()).userId).toBeUndefined();
    const two = await failureOf(r.sign('123456', Buffer.from('x')));
    expect(two.code).toBe('card-unreadable');
    expect(two.message).toBe('More than one smartcard is inserted: remove all but yours.');
  });

  it('signs SHA-256 of the message with the card key (raw r||s), checked with node:crypto', async () => {
    newHsm();
    const { publicKeyDer } = await hsm.makeCard({ userId: 'trn-practitioner' });
    const r = reader();
    const message = Buffer.from('challenge.thumbprint', 'utf8');
    const { card, signature } = await r.sign('123456', message);
    expect(card.userId).toBe('trn-practitioner');
    expect(signature).toHaveLength(64);
    const key = createPublicKey({ key: publicKeyDer, format: 'der', type: 'spki' });
    expect(verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    expect(verify('sha256', Buffer.from('something else'), { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(false);
  });

  it('reads the card key after its PIN, for enrolling the card at the desk; a wrong PIN reads nothing', async () => {
    newHsm();
    const { publicJwk } = await hsm.makeCard({ userId: 'trn-practitioner', pin: '246810' });
    const r = reader();
    const wrong = await failureOf(r.readKey('123456'));
    expect(wrong.code).toBe('card-pin-incorrect');
    expect(wrong.message).not.toContain('123456');
    const { card, publicJwk: read } = await r.readKey('246810');
    expect(card.userId).toBe('trn-practitioner');
    expect(read).toEqual({ kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y });
  });

  it('counts wrong PINs down, then locks the card and refuses even the right PIN; never echoes a PIN', async () => {
    newHsm();
    await hsm.makeCard({ userId: 'trn-practitioner' });
    const r = reader();
    const first = await failureOf(r.sign('111111', Buffer.from('x')));
    expect(first.code).toBe('card-pin-incorrect');
    expect(first.triesLeft).toBe(2);
    expect(first.message).toBe('The PIN is not right. You have 2 tries left before the card locks.');
    const second = await failureOf(r.sign('222222', Buffer.from('x')));
    expect(second.triesLeft).toBe(1);
    expect(second.message).toContain('1 try left');
    const third = await failureOf(r.sign('333333', Buffer.from('x')));
    expect(third.code).toBe('card-pin-locked');
    expect(third.message).toContain('locked');
    const right = await failureOf(r.sign('123456', Buffer.from('x')));
    expect(right.code).toBe('card-pin-locked');
    for (const e of [first, second, third, right]) {
      for (const pin of ['111111', '222222', '333333', '123456']) expect(e.message).not.toContain(pin);
    }
  });

  it('a right PIN clears the count of wrong ones', async () => {
    newHsm();
    await hsm.makeCard({ userId: 'trn-practitioner' });
    const r = reader();
    await failureOf(r.sign('111111', Buffer.from('x')));
    await failureOf(r.sign('111111', Buffer.from('x')));
    await r.sign('123456', Buffer.from('x'));
    expect((await failureOf(r.sign('111111', Buffer.from('x')))).triesLeft).toBe(2);
  });

  it('says the PKCS#11 module is missing, and names no secret', async () => {
    newHsm();
    const r = reader({ modulePath: '/nonexistent/opensc-pkcs11.so' });
    expect(await r.status()).toEqual({ reader: 'module-missing', present: false });
    const e = await failureOf(r.sign('123456', Buffer.from('x')));
    expect(e.code).toBe('card-module-missing');
    expect(e.message).toContain('PKCS#11 module');
    expect(e.message).not.toContain('123456');
  });

  it('reports the card taken out within a second', async () => {
    newHsm();
    await hsm.makeCard({ userId: 'trn-practitioner' });
    const r = reader();
    const { card } = await r.sign('123456', Buffer.from('x'));
    let removedAt = 0;
    const removed = new Promise<void>((done) => {
      r.watchRemoval(card, () => {
        removedAt = Date.now();
        done();
      });
    });
    // Still there: no removal reported.
    await new Promise((t) => setTimeout(t, 500));
    expect(removedAt).toBe(0);
    await hsm.removeCard('trn-practitioner');
    const deletedAt = Date.now();
    await removed;
    expect(removedAt - deletedAt).toBeLessThan(1000);
    expect(await r.status()).toEqual({ reader: 'ready', present: false });
  });

  it('a stopped watch reports nothing', async () => {
    newHsm();
    await hsm.makeCard({ userId: 'trn-practitioner' });
    const r = reader({ pollMs: 50 });
    const { card } = await r.sign('123456', Buffer.from('x'));
    let calls = 0;
    const stop = r.watchRemoval(card, () => (calls += 1));
    stop();
    await hsm.removeCard('trn-practitioner');
    await new Promise((t) => setTimeout(t, 400));
    expect(calls).toBe(0);
  });

  it('keeps the main thread free while the worker talks to the card', async () => {
    newHsm();
    await hsm.makeCard({ userId: 'trn-practitioner' });
    const r = reader();
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    const signs = Array.from({ length: 20 }, (_, i) => r.sign('123456', Buffer.from(`m${i}`)));
    await Promise.all(signs);
    clearInterval(timer);
    // The event loop ran while twenty logins and signatures went on in the worker.
    expect(ticks).toBeGreaterThan(0);
  });
});

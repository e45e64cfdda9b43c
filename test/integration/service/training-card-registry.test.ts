import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PublicJwk } from '../../../domain/jwk.js';
import { migrate } from '../../../service/store/migrations.js';
import { openPglite } from '../../../service/store/pglite.js';
import type { Database } from '../../../service/store/database.js';
import { registerCardInStore, UnknownStoreUserError } from '../../../service/accounts/card-keys.js';
import {
  cardKeyFor,
  readTrainingCards,
  registerTrainingCard,
  trainingHome,
  TrainingCardsError,
  type TrainingCard,
} from '../../../service/training/card-registry.js';

function newKey(): PublicJwk {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  return { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string };
}

function card(userId: string, publicJwk = newKey()): TrainingCard {
  return { userId, tokenLabel: `cp-${userId}`, publicJwk, registeredAt: '2026-11-24T10:00:00.000Z' };
}

/** RFC 7638 written out by hand: the required members, sorted, no whitespace. */
function rfc7638(jwk: PublicJwk): string {
  return createHash('sha256').update(`{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`).digest('base64url');
}

describe('training card registry (cards.json)', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'cp-cards-'));
  });
  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('lives in $CONTACTPOINT_TRAINING_HOME, or ~/.contactpoint-training when that is unset', () => {
    expect(trainingHome({ CONTACTPOINT_TRAINING_HOME: home })).toBe(home);
    expect(trainingHome({})).toBe(join(homedir(), '.contactpoint-training'));
    expect(trainingHome({ CONTACTPOINT_TRAINING_HOME: '' })).toBe(join(homedir(), '.contactpoint-training'));
  });

  it('has no cards before the first is registered', () => {
    expect(readTrainingCards(home)).toEqual([]);
    expect(cardKeyFor('trn-practitioner', home)).toBeNull();
  });

  it('keeps one card per user: a new card replaces the earlier one, other users keep theirs', () => {
    const first = card('trn-practitioner');
    const other = card('trn-la-team');
    registerTrainingCard(home, first);
    registerTrainingCard(home, other);
    expect(cardKeyFor('trn-practitioner', home)).toEqual(first.publicJwk);

    const replacement = card('trn-practitioner');
    registerTrainingCard(home, replacement);
    expect(cardKeyFor('trn-practitioner', home)).toEqual(replacement.publicJwk);
    expect(cardKeyFor('trn-la-team', home)).toEqual(other.publicJwk);
    expect(readTrainingCards(home)).toHaveLength(2);
    expect(cardKeyFor('trn-data-manager', home)).toBeNull();
  });

  it('writes cards.json readable by its owner only, with no temporary file left behind', () => {
    registerTrainingCard(home, card('trn-practitioner'));
    expect(statSync(join(home, 'cards.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(home)).toEqual(['cards.json']);
    const file = JSON.parse(readFileSync(join(home, 'cards.json'), 'utf8'));
    expect(Object.keys(file)).toEqual(['cards']);
    expect(Object.keys(file.cards[0]).sort()).toEqual(['publicJwk', 'registeredAt', 'tokenLabel', 'userId']);
  });

  it('refuses a card whose key is not an EC P-256 public key', () => {
    const notOnCurve = { ...newKey(), y: newKey().y };
    expect(() => registerTrainingCard(home, card('trn-practitioner', notOnCurve))).toThrow();
    const withPrivate = { ...newKey(), d: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } as unknown as PublicJwk;
    expect(() => registerTrainingCard(home, card('trn-practitioner', withPrivate))).toThrow();
    expect(readdirSync(home)).toEqual([]);
  });

  it.each([
    ['text that is not JSON', '{"cards": [', /is not valid JSON/],
    ['the wrong shape', '{"cards": {}}', /is not a valid training cards file \(cards: /],
    [
      'a key that is not on the curve',
      JSON.stringify({ cards: [card('trn-practitioner', { ...newKey(), x: newKey().x })] }),
      /cards\.0\.publicJwk\.x: is not a point on the P-256 curve/,
    ],
    [
      'two cards for one user',
      JSON.stringify({ cards: [card('trn-practitioner'), card('trn-practitioner')] }),
      /more than one card for the same user/,
    ],
  ])('refuses a cards.json holding %s, and leaves it exactly as it was', (_what, text, message) => {
    const file = join(home, 'cards.json');
    writeFileSync(file, text);
    expect(() => readTrainingCards(home)).toThrow(TrainingCardsError);
    expect(() => readTrainingCards(home)).toThrow(message);
    expect(() => cardKeyFor('trn-practitioner', home)).toThrow(TrainingCardsError);
    expect(() => registerTrainingCard(home, card('trn-la-team'))).toThrow(TrainingCardsError);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readdirSync(home)).toEqual(['cards.json']);
  });

  it('does not echo key material from a bad file in its error', () => {
    const bad = card('trn-practitioner', { ...newKey(), x: newKey().x });
    writeFileSync(join(home, 'cards.json'), JSON.stringify({ cards: [bad] }));
    expect(() => readTrainingCards(home)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(bad.publicJwk.x) }),
    );
  });

  it('says so when cards.json cannot be read, and registers nothing', () => {
    mkdirSync(join(home, 'cards.json'));
    expect(() => readTrainingCards(home)).toThrow(/Cannot read .*cards\.json: EISDIR/);
    expect(() => registerTrainingCard(home, card('trn-la-team'))).toThrow(TrainingCardsError);
    expect(readdirSync(join(home, 'cards.json'))).toEqual([]);
  });
});

describe('registering a card key in the store', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
    await db.query(
      `INSERT INTO organisations (id, name, kind, accredited) VALUES ('org-t', 'Training GP', 'gp-practice', true)`,
    );
    for (const id of ['u-one', 'u-two', 'u-three']) {
      await db.query(`INSERT INTO users (id, name, organisation_id, roles) VALUES ($1, 'Test User', 'org-t', $2)`, [
        id,
        ['practitioner'],
      ]);
    }
  });
  afterAll(async () => {
    await db.close();
  });

  const activeKeys = (userId: string) =>
    db.query<{ thumbprint: string; public_jwk: PublicJwk }>(
      'SELECT thumbprint, public_jwk FROM card_keys WHERE user_id = $1 AND revoked_at IS NULL',
      [userId],
    );

  it('stores the key under its RFC 7638 thumbprint', async () => {
    const key = newKey();
    const at = new Date('2026-11-24T09:00:00Z');
    const result = await db.transaction((tx) => registerCardInStore(tx, 'u-one', key, at));
    expect(result.thumbprint).toBe(rfc7638(key));
    const rows = await db.query<{ thumbprint: string; public_jwk: PublicJwk; registered_at: Date }>(
      'SELECT thumbprint, public_jwk, registered_at FROM card_keys WHERE user_id = $1',
      ['u-one'],
    );
    expect(rows).toEqual([{ thumbprint: rfc7638(key), public_jwk: key, registered_at: at }]);
  });

  it('keeps only the key itself (kty, crv, x, y), not optional members a client may add', async () => {
    const key = newKey();
    await db.transaction((tx) =>
      registerCardInStore(tx, 'u-one', { ...key, kid: 'card-7', use: 'sig' }, new Date('2026-11-24T09:30:00Z')),
    );
    expect((await activeKeys('u-one')).map((r) => r.public_jwk)).toEqual([key]);
  });

  it('revokes the user’s earlier card when a new one is registered, and no one else’s', async () => {
    const old = newKey();
    const other = newKey();
    await db.transaction((tx) => registerCardInStore(tx, 'u-two', old, new Date('2026-11-24T09:00:00Z')));
    await db.transaction((tx) => registerCardInStore(tx, 'u-three', other, new Date('2026-11-24T09:00:00Z')));
    const replacement = newKey();
    await db.transaction((tx) => registerCardInStore(tx, 'u-two', replacement, new Date('2026-11-24T09:05:00Z')));

    expect((await activeKeys('u-two')).map((r) => r.public_jwk)).toEqual([replacement]);
    expect((await activeKeys('u-three')).map((r) => r.public_jwk)).toEqual([other]);
    const revoked = await db.query<{ revoked_at: Date }>(
      'SELECT revoked_at FROM card_keys WHERE user_id = $1 AND thumbprint = $2',
      ['u-two', rfc7638(old)],
    );
    expect(revoked).toEqual([{ revoked_at: new Date('2026-11-24T09:05:00Z') }]);

    // Registering the old card again brings it back and retires the replacement.
    await db.transaction((tx) => registerCardInStore(tx, 'u-two', old, new Date('2026-11-24T09:10:00Z')));
    expect((await activeKeys('u-two')).map((r) => r.public_jwk)).toEqual([old]);
  });

  it('records the registration in the audit trail, without the key itself', async () => {
    const key = newKey();
    await db.transaction((tx) => registerCardInStore(tx, 'u-three', key, new Date('2026-11-24T11:00:00Z')));
    const [entry] = await db.query<{ action: string; detail: Record<string, unknown> }>(
      'SELECT action, detail FROM audit_log ORDER BY seq DESC LIMIT 1',
    );
    expect(entry).toEqual({
      action: 'account-changed',
      detail: { change: 'card-registered', account: 'u-three', thumbprint: rfc7638(key), revokedCards: 1 },
    });
  });

  it('refuses a user who is not in the store, and stores nothing', async () => {
    const before = await db.query('SELECT count(*)::int AS n FROM card_keys');
    await expect(db.transaction((tx) => registerCardInStore(tx, 'u-nobody', newKey(), new Date()))).rejects.toThrow(
      UnknownStoreUserError,
    );
    await expect(db.transaction((tx) => registerCardInStore(tx, 'u-nobody', newKey(), new Date()))).rejects.toThrow(
      'There is no user "u-nobody" in the store.',
    );
    expect(await db.query('SELECT count(*)::int AS n FROM card_keys')).toEqual(before);
  });
});

// The real parts later work depends on, proven present on every machine that runs the
// tests: the encrypting SQLite build and the OS credential store (Secret Service,
// through the private D-Bus session and gnome-keyring that npm test starts).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Entry } from '@napi-rs/keyring';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';

describe('encrypted SQLite (better-sqlite3-multiple-ciphers)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-sqlite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps rows unreadable on disk without the key, and readable with it', () => {
    const file = join(dir, 'store.db');
    const key = randomBytes(32).toString('hex');
    const db = new Database(file);
    db.pragma(`cipher='sqlcipher'`);
    db.pragma(`key="x'${key}'"`);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE child (name TEXT)');
    db.prepare('INSERT INTO child (name) VALUES (?)').run('Zebedee Quartermaine');
    db.close();

    for (const f of readdirSync(dir)) {
      expect(readFileSync(join(dir, f)).includes(Buffer.from('Quartermaine'))).toBe(false);
    }
    const withoutKey = new Database(file);
    expect(() => withoutKey.prepare('SELECT name FROM child').get()).toThrow(/not a database/);
    withoutKey.close();

    const withKey = new Database(file);
    withKey.pragma(`cipher='sqlcipher'`);
    withKey.pragma(`key="x'${key}'"`);
    expect(withKey.prepare('SELECT name FROM child').get()).toEqual({ name: 'Zebedee Quartermaine' });
    withKey.close();
  });
});

describe('OS credential store (@napi-rs/keyring)', () => {
  it('stores, reads back and deletes a secret in the real Secret Service', (ctx) => {
    if (process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS) {
      return ctx.skip('no D-Bus session: run the tests with "npm test", which starts one with gnome-keyring');
    }
    const entry = new Entry('uk.gov.contactpoint.test', `probe-${randomBytes(4).toString('hex')}`);
    const secret = randomBytes(32).toString('base64');
    entry.setPassword(secret);
    try {
      expect(entry.getPassword()).toBe(secret);
    } finally {
      expect(entry.deleteCredential()).toBe(true);
    }
    expect(entry.getPassword()).toBeNull();
  });
});

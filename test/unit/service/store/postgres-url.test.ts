// The database URL as libpq reads it: several hosts and target_session_attrs, which `pg`
// does not parse itself (service/store/postgres-url.ts).
import { describe, expect, it } from 'vitest';
import { DatabaseUrlError, parsePostgresUrl, scrubSecrets } from '../../../../service/store/postgres-url.js';

describe('parsePostgresUrl', () => {
  it('reads one host as before, with any session acceptable', () => {
    const t = parsePostgresUrl('postgres://cp@db.example:5433/contactpoint');
    expect(t.hosts.map((h) => h.href)).toEqual(['postgres://cp@db.example:5433/contactpoint']);
    expect(t.targetSessionAttrs).toBe('any');
  });

  it('splits several hosts into one URL each, keeping user, database and other parameters', () => {
    const t = parsePostgresUrl(
      'postgresql://cp:s3cret@127.0.0.1:6001,127.0.0.1:6002,[::1]:6003/cp?target_session_attrs=read-write&sslmode=disable',
    );
    expect(t.hosts.map((h) => `${h.hostname}:${h.port}`)).toEqual(['127.0.0.1:6001', '127.0.0.1:6002', '[::1]:6003']);
    for (const h of t.hosts) {
      expect(h.username).toBe('cp');
      expect(h.password).toBe('s3cret');
      expect(h.pathname).toBe('/cp');
      expect(h.searchParams.get('sslmode')).toBe('disable');
      // pg would send it to the server as a setting, which the server refuses.
      expect(h.searchParams.has('target_session_attrs')).toBe(false);
    }
    expect(t.targetSessionAttrs).toBe('read-write');
    expect(t.shown).toBe(
      'postgresql://cp:***@127.0.0.1:6001,127.0.0.1:6002,[::1]:6003/cp?target_session_attrs=read-write&sslmode=disable',
    );
  });

  it('refuses what libpq would refuse or we do not do, naming it and never the password', () => {
    const cases: [string, RegExp][] = [
      ['mysql://u:pw@h/db', /must start with postgres:\/\/ or postgresql:\/\/, not mysql:\/\//],
      ['postgres://u:pw@h1,,h2/db', /empty host in its list of hosts/],
      ['postgres://u:pw@/db', /names no host/],
      ['postgres://u:pw@h1:99999,h2/db', /not a valid URL/],
      [
        'postgres://u:pw@h1,h2/db?target_session_attrs=standby',
        /must be one of any, read-write, primary, not "standby"/,
      ],
      ['not a url', /not a valid URL/],
    ];
    for (const [url, message] of cases) {
      let error: unknown;
      try {
        parsePostgresUrl(url);
      } catch (e) {
        error = e;
      }
      expect(error, url).toBeInstanceOf(DatabaseUrlError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('pw@');
    }
  });

  it('scrubs the password in every spelling from a message', () => {
    const t = parsePostgresUrl('postgres://cp:p%40ss@h1,h2/db');
    expect(scrubSecrets('failed: p%40ss and p@ss', t)).toBe('failed: *** and ***');
  });
});

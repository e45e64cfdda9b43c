// The main-process API client against the real national service on loopback: a real
// OTP sign-in (otplib's TOTP), signed calls the service accepts, and each refusal the
// service makes turned into its own AppFailure. Tiny node:http servers stand in only
// for what the service cannot do on demand: 503s, resets, skewed Date headers, non-JSON.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiClient,
  ServiceFailure,
  type ApiClient,
  type SessionCredentials,
} from '../../../../main/api/client.js';
import { createTransport } from '../../../../main/api/transport.js';
import { AppFailure } from '../../../../main/ipc/app-failure.js';
import { trainingAccounts } from '../../../../service/training/accounts.js';
import { startServiceHarness, totpFor, type ServiceHarness } from '../../../support/national-service.js';

const account = (id: string) => trainingAccounts.find((a) => a.id === id)!;
const reason = { 'cp-access-reason': 'Registering the child at the practice' };

async function failureOf(p: Promise<unknown>): Promise<ServiceFailure> {
  const e = await p.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppFailure);
  return e as ServiceFailure;
}

describe('against the real national service', () => {
  let h: ServiceHarness;
  /** The client's clock: the service's, moved by this much. */
  let offsetMs = 0;
  let api: ApiClient;
  let child: { cpNumber: string };

  beforeAll(async () => {
    h = await startServiceHarness({ trainingCount: 40 });
    api = createApiClient({
      baseUrl: h.url,
      transport: createTransport({}),
      now: () => h.clock.now().getTime() + offsetMs,
      retryDelaysMs: [],
    });
    const [row] = await h.db.query<{ cp_number: string }>(
      'SELECT cp_number FROM children WHERE NOT shielded ORDER BY cp_number LIMIT 1',
    );
    child = { cpNumber: row!.cp_number };
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  /** A real OTP sign-in through the client, binding a fresh P-256 session key. */
  async function signIn(userId: string): Promise<SessionCredentials & { user: { id: string } }> {
    h.clock.advance(30_000); // a fresh TOTP step, as a person waits for the next code
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const res = (await api.unsigned('POST', '/v1/sessions', {
      method: 'otp',
      userId,
      password: account(userId).password,
      otp: totpFor(userId, h.clock.now()),
      sessionKey: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
    })) as { sessionId: string; user: { id: string } };
    return { sessionId: res.sessionId, privateKey, user: res.user };
  }

  it('signs in, then makes signed GET, POST, PATCH and DELETE requests the service accepts', async () => {
    const session = await signIn('trn-practitioner');
    expect(session.user.id).toBe('trn-practitioner');
    expect(await api.signed(session, { method: 'GET', path: '/v1/sessions/current' })).toMatchObject({
      user: { id: 'trn-practitioner' },
    });

    const search = (await api.signed(session, {
      method: 'GET',
      path: '/v1/children',
      query: { surname: "O'Brien Smith", forename: undefined, dob: '2015-04-01' },
    })) as {
      results: unknown[];
    };
    expect(Array.isArray(search.results)).toBe(true);

    const record = (await api.signed(session, {
      method: 'GET',
      path: `/v1/children/${child.cpNumber}`,
      headers: reason,
    })) as { cpNumber: string };
    expect(record.cpNumber).toBe(child.cpNumber);

    const today = h.clock.now().toISOString().slice(0, 10);
    const recorded = (await api.signed(session, {
      method: 'POST',
      path: `/v1/children/${child.cpNumber}/involvements`,
      body: { service: 'School nursing', startDate: today },
    })) as { involvement: { id: string; endDate?: string } };
    expect(recorded.involvement.id).toEqual(expect.any(String));

    const ended = (await api.signed(session, {
      method: 'PATCH',
      path: `/v1/children/${child.cpNumber}/involvements/${recorded.involvement.id}`,
      body: { endDate: today },
    })) as { involvement: { endDate?: string } };
    expect(ended.involvement.endDate).toBe(today);

    expect(await api.signed(session, { method: 'DELETE', path: '/v1/sessions/current' })).toBeNull();
    // The ended session: the next call is refused as expired, so main signs the user out.
    const after = await failureOf(api.signed(session, { method: 'GET', path: '/v1/sessions/current' }));
    expect(after.code).toBe('session-expired');
    expect(after.serviceCode).toBe('session-ended');
    expect(after.message).toBe('Your session has ended. Sign in again to continue.');
  });

  it('says sign-in was refused, without saying which factor, and without echoing what was typed', async () => {
    h.clock.advance(30_000);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const e = await failureOf(
      api.unsigned('POST', '/v1/sessions', {
        method: 'otp',
        userId: 'trn-la-team',
        password: 'Not-The-Password-77',
        otp: totpFor('trn-la-team', h.clock.now()),
        sessionKey: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
      }),
    );
    expect(e.code).toBe('sign-in-refused');
    expect(e.message).toMatch(/^Sign-in was refused\./);
    expect(e.message).not.toMatch(/password|code|Not-The-Password-77/i);
  });

  it("says the session expired once the service's 8 hours are up", async () => {
    const session = await signIn('trn-child-protection');
    expect(await api.signed(session, { method: 'GET', path: '/v1/sessions/current' })).toMatchObject({
      user: { id: 'trn-child-protection' },
    });
    h.clock.advance(8 * 60 * 60 * 1000 + 60_000); // both clocks move: the signature stays fresh
    const e = await failureOf(api.signed(session, { method: 'GET', path: '/v1/sessions/current' }));
    expect(e.code).toBe('session-expired');
    expect(e.serviceCode).toBe('session-expired');
  });

  it("says by how much and which way the computer's clock is wrong, and to ask IT to correct it", async () => {
    const session = await signIn('trn-data-manager');
    // The service's Date header comes from the real clock: line the service's clock up
    // with it for this test (and put it back after, so no TOTP step comes round twice).
    const saved = h.clock.now();
    h.clock.set(new Date());
    expect(await api.signed(session, { method: 'GET', path: '/v1/sessions/current' })).toMatchObject({
      user: { id: 'trn-data-manager' },
    });
    try {
      offsetMs = 10 * 60_000;
      const ahead = await failureOf(api.signed(session, { method: 'GET', path: '/v1/sessions/current' }));
      expect(ahead.code).toBe('clock-skew');
      expect(ahead.serviceCode).toBe('signature-future');
      expect(ahead.message).toBe(
        "This computer's clock is 10 minutes ahead of the national index service's, so the service cannot accept its requests. Ask your IT service desk to correct this computer's clock.",
      );
      offsetMs = -10 * 60_000;
      const behind = await failureOf(api.signed(session, { method: 'GET', path: '/v1/sessions/current' }));
      expect(behind.code).toBe('clock-skew');
      expect(behind.serviceCode).toBe('signature-expired');
      expect(behind.message).toContain('10 minutes behind the national index service');
    } finally {
      offsetMs = 0;
    }
    // Within the service's 30 s the same session works again.
    expect(await api.signed(session, { method: 'GET', path: '/v1/sessions/current' })).toMatchObject({
      user: { id: 'trn-data-manager' },
    });
    h.clock.set(saved);
  });

  it("says forbidden in the service's words, keeping its code (a suspended account signing in)", async () => {
    const e = await failureOf(signIn('trn-suspended'));
    expect(e.code).toBe('forbidden');
    expect(e.serviceCode).toBe('account-suspended');
    expect(e.message).toBe('This account is suspended. Contact your ContactPoint management team.');
  });

  it("keeps the service's code on a signed request too, when an account is suspended mid-session", async () => {
    const session = await signIn('trn-la-team-cwac');
    expect(await api.signed(session, { method: 'GET', path: '/v1/sessions/current' })).toMatchObject({
      user: { id: 'trn-la-team-cwac' },
    });
    await h.db.query('UPDATE users SET suspended = true WHERE id = $1', ['trn-la-team-cwac']);
    const e = await failureOf(api.signed(session, { method: 'GET', path: '/v1/sessions/current' }));
    expect([e.code, e.serviceCode, e.status]).toEqual(['forbidden', 'account-suspended', 403]);
  });

  it('maps a role refusal to forbidden, a missing record to not-found, a bad request to invalid-request and a conflict to conflict', async () => {
    const practitioner = await signIn('trn-practitioner');
    const role = await failureOf(
      api.signed(practitioner, { method: 'GET', path: '/v1/audit', query: { cpNumber: child.cpNumber } }),
    );
    expect([role.code, role.serviceCode]).toEqual(['forbidden', 'forbidden-role']);

    expect(await h.db.query('SELECT 1 FROM children WHERE cp_number = $1', ['CP123456782'])).toHaveLength(0);
    const missing = await failureOf(
      api.signed(practitioner, { method: 'GET', path: '/v1/children/CP123456782', headers: reason }),
    );
    expect(missing.code).toBe('not-found');

    const noReason = await failureOf(
      api.signed(practitioner, { method: 'GET', path: `/v1/children/${child.cpNumber}` }),
    );
    expect([noReason.code, noReason.status]).toEqual(['invalid-request', 400]);
    const caseNotes = await failureOf(
      api.signed(practitioner, {
        method: 'POST',
        path: `/v1/children/${child.cpNumber}/involvements`,
        body: { service: 'School nursing', startDate: '2026-01-05', notes: 'a case note' },
      }),
    );
    expect([caseNotes.code, caseNotes.status]).toEqual(['invalid-request', 422]);
    expect(caseNotes.message).toContain('notes');
    expect(caseNotes.message).not.toContain('a case note');

    const protection = await signIn('trn-child-protection');
    const notShielded = await failureOf(
      api.signed(protection, {
        method: 'POST',
        path: `/v1/children/${child.cpNumber}/shield-override`,
        body: { reason: 'Safeguarding concern', acknowledgeInvestigation: true },
      }),
    );
    expect([notShielded.code, notShielded.serviceCode]).toEqual(['conflict', 'not-shielded']);
  });
});

// ---------------------------------------------------------------------------------------
// What the service cannot produce on demand: a tiny server that counts and misbehaves.

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('retries and failure modes (a loopback stand-in server)', () => {
  let server: Server;
  let baseUrl: string;
  let seen: Seen[] = [];
  let answer: (req: Seen, res: ServerResponse, n: number) => void = (_req, res) => res.end();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const credentials: SessionCredentials = { sessionId: 'session-1', privateKey };
  const client = (extra: { now?: () => number } = {}) =>
    createApiClient({ baseUrl, transport: createTransport({ timeoutMs: 5_000 }), retryDelaysMs: [20, 40], ...extra });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const entry = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        };
        seen.push(entry);
        answer(entry, res, seen.length);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const reset = (fn: typeof answer) => {
    seen = [];
    answer = fn;
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  const serviceError = (code: string, message: string) => ({ error: { code, message } });

  it('retries a GET after 503, signing each attempt afresh', async () => {
    reset((_req, res, n) =>
      n === 1 ? json(res, 503, serviceError('unavailable', 'Busy.')) : json(res, 200, { ok: true }),
    );
    expect(
      await client().signed(credentials, { method: 'GET', path: '/v1/children', query: { surname: 'Smith' } }),
    ).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    const nonces = seen.map((s) => /nonce="([^"]+)"/.exec(String(s.headers['signature-input']))?.[1]);
    expect(nonces[0]).toBeDefined();
    expect(nonces[0]).not.toBe(nonces[1]);
    expect(seen[0]!.url).toBe('/v1/children?surname=Smith');
  });

  it('retries a GET and a DELETE when the connection is reset, and gives up after the delays given', async () => {
    reset((_req, res, n) => (n === 1 ? res.socket?.destroy() : res.writeHead(204).end()));
    expect(await client().signed(credentials, { method: 'DELETE', path: '/v1/sessions/current' })).toBeNull();
    expect(seen).toHaveLength(2);

    reset((_req, res) => json(res, 504, serviceError('timeout', 'Slow.')));
    const e = await failureOf(client().signed(credentials, { method: 'GET', path: '/v1/status' }));
    expect(seen).toHaveLength(3); // the first try and one for each of the two delays
    expect(e.code).toBe('service-error');
    expect(e.message).toMatch(/HTTP 504/);

    reset((_req, res) => res.socket?.destroy());
    const gone = await failureOf(client().signed(credentials, { method: 'GET', path: '/v1/status' }));
    expect(seen).toHaveLength(3);
    expect(gone.code).toBe('service-unreachable');
  });

  it('retries a POST with an Idempotency-Key, the same key each time: after a reset, a 503 or 409 in progress', async () => {
    reset((_req, res, n) =>
      n === 1
        ? res.socket?.destroy()
        : n === 2
          ? json(res, 409, serviceError('idempotency-in-progress', 'Still running.'), { 'retry-after': '2' })
          : json(res, 201, { involvement: { id: 'inv-1' } }),
    );
    expect(
      await client().signed(credentials, {
        method: 'POST',
        path: '/v1/children/CP123456782/involvements',
        body: { service: 'x' },
        headers: { 'Idempotency-Key': 'key-1' },
      }),
    ).toEqual({ involvement: { id: 'inv-1' } });
    expect(seen.map((s) => [s.method, s.headers['idempotency-key'], s.body])).toEqual([
      ['POST', 'key-1', '{"service":"x"}'],
      ['POST', 'key-1', '{"service":"x"}'],
      ['POST', 'key-1', '{"service":"x"}'],
    ]);
    const nonces = new Set(seen.map((s) => /nonce="([^"]+)"/.exec(String(s.headers['signature-input']))?.[1]));
    expect(nonces.size).toBe(3);

    // Still in progress: each retry waits as long as Retry-After asks, and the person is
    // told plainly at the end, without the header's name.
    reset((_req, res) =>
      json(res, 409, serviceError('idempotency-in-progress', 'A request with this Idempotency-Key is running.'), {
        'retry-after': '1',
      }),
    );
    const started = Date.now();
    const running = await failureOf(
      client().signed(credentials, { method: 'POST', path: '/v1/x', body: {}, headers: { 'Idempotency-Key': 'k3' } }),
    );
    expect(seen).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(running.code).toBe('conflict');
    expect(running.message).toMatch(/still saving this/);
    expect(running.message).not.toMatch(/Idempotency/);

    // Any other 409 is the answer: not retried.
    reset((_req, res) => json(res, 409, serviceError('idempotency-key-reused', 'Another body.')));
    const reused = await failureOf(
      client().signed(credentials, { method: 'POST', path: '/v1/x', body: {}, headers: { 'idempotency-key': 'k' } }),
    );
    expect(reused.serviceCode).toBe('idempotency-key-reused');
    expect(seen).toHaveLength(1);

    // And a keyed request gives up after the delays given, like a GET.
    reset((_req, res) => json(res, 503, serviceError('unavailable', 'Busy.')));
    await failureOf(
      client().signed(credentials, { method: 'POST', path: '/v1/x', body: {}, headers: { 'Idempotency-Key': 'k2' } }),
    );
    expect(seen).toHaveLength(3);
  });

  it('never retries a POST or a PATCH without an Idempotency-Key: one that fails is sent exactly once', async () => {
    reset((_req, res) => json(res, 503, serviceError('unavailable', 'Busy.')));
    const post = await failureOf(
      client().signed(credentials, {
        method: 'POST',
        path: '/v1/children/CP123456782/involvements',
        body: { service: 'x' },
      }),
    );
    expect(post.code).toBe('service-error');
    expect(seen.map((s) => s.method)).toEqual(['POST']);

    reset((_req, res) => res.socket?.destroy());
    const patch = await failureOf(
      client().signed(credentials, { method: 'PATCH', path: '/v1/x', body: { endDate: '2026-01-01' } }),
    );
    expect(patch.code).toBe('service-unreachable');
    expect(seen.map((s) => s.method)).toEqual(['PATCH']);

    reset((_req, res) => json(res, 502, serviceError('bad-gateway', 'Proxy.')));
    await failureOf(client().unsigned('POST', '/v1/sessions', { userId: 'u' }));
    expect(seen.map((s) => s.method)).toEqual(['POST']);
  });

  it("sends JSON with its digest, and the caller's extra headers", async () => {
    reset((_req, res) => json(res, 201, { id: 'i1' }));
    await client().signed(credentials, {
      method: 'POST',
      path: '/v1/things',
      body: { a: 1 },
      headers: { 'CP-Access-Reason': 'Checking' },
    });
    const [req] = seen;
    expect(req!.body).toBe('{"a":1}');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['content-digest']).toMatch(/^sha-256=:[A-Za-z0-9+/]{43}=:$/);
    expect(req!.headers['cp-access-reason']).toBe('Checking');
    expect(req!.headers['signature-input']).toContain('"content-digest"');
  });

  it("reads a skewed Date header as the computer's clock being wrong, by how much and which way", async () => {
    const ours = Date.parse('2026-11-25T10:00:00Z');
    reset((_req, res) =>
      json(res, 401, serviceError('signature-expired', 'The signature has expired.'), {
        date: new Date(ours - 2 * 60 * 60_000).toUTCString(),
      }),
    );
    const ahead = await failureOf(
      client({ now: () => ours }).signed(credentials, { method: 'GET', path: '/v1/status' }),
    );
    expect(ahead.code).toBe('clock-skew');
    expect(ahead.message).toContain('about 2 hours ahead of');

    reset((_req, res) =>
      json(res, 401, serviceError('signature-future', 'Too early.'), {
        date: new Date(ours + 45 * 60_000).toUTCString(),
      }),
    );
    const behind = await failureOf(
      client({ now: () => ours }).signed(credentials, { method: 'GET', path: '/v1/status' }),
    );
    expect(behind.code).toBe('clock-skew');
    expect(behind.message).toContain('45 minutes behind');

    // The clocks agree: not the clock's fault, so not called one.
    reset((_req, res) =>
      json(res, 401, serviceError('signature-expired', 'Expired.'), { date: new Date(ours + 5_000).toUTCString() }),
    );
    const agree = await failureOf(
      client({ now: () => ours }).signed(credentials, { method: 'GET', path: '/v1/status' }),
    );
    expect(agree.code).toBe('service-error');
    expect(agree.serviceCode).toBe('signature-expired');
  });

  it("keeps the service's code on a 403 and uses its message", async () => {
    reset((_req, res) =>
      json(
        res,
        403,
        serviceError('organisation-not-accredited', 'Your organisation is not accredited for ContactPoint.'),
      ),
    );
    const e = await failureOf(client().signed(credentials, { method: 'GET', path: '/v1/status' }));
    expect(e).toBeInstanceOf(ServiceFailure);
    expect([e.code, e.serviceCode, e.status]).toEqual(['forbidden', 'organisation-not-accredited', 403]);
    expect(e.message).toBe('Your organisation is not accredited for ContactPoint.');
  });

  it('says to wait after too many attempts', async () => {
    reset((_req, res) => json(res, 429, serviceError('rate-limited', 'Slow down.'), { 'retry-after': '120' }));
    const e = await failureOf(client().unsigned('POST', '/v1/sessions', {}));
    expect(e.code).toBe('service-error');
    expect(e.message).toBe('There have been too many attempts. Wait 2 minutes, then try again.');
    reset((_req, res) => json(res, 429, serviceError('rate-limited', 'Slow down.')));
    expect((await failureOf(client().unsigned('POST', '/v1/sessions', {}))).message).toContain('Wait a few minutes');
  });

  it('calls an unreadable answer a service error', async () => {
    reset((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>'));
    const e = await failureOf(client().unsigned('GET', '/v1/status'));
    expect(e.code).toBe('service-error');
    expect(e.message).toMatch(/could not be read/);
    reset((_req, res) => res.writeHead(500).end('Traceback: /srv/app.py line 3'));
    const crash = await failureOf(client().signed(credentials, { method: 'POST', path: '/v1/x', body: {} }));
    expect(crash.code).toBe('service-error');
    expect(crash.message).toBe(
      'The national index service had a problem (HTTP 500). Try again in a few minutes; if it keeps happening, tell your IT service desk.',
    );
  });

  it('never puts the URL, its query, the body or headers in a message', async () => {
    const secrets = ['Zebedee', 'Worried about Zebedee', '/v1/', '127.0.0.1', 'session-1'];
    for (const status of [400, 401, 404, 409, 500, 503]) {
      reset((_req, res) => res.writeHead(status).end('not json'));
      const e = await failureOf(
        client().signed(credentials, {
          method: 'POST',
          path: '/v1/children/search',
          query: { surname: 'Zebedee' },
          body: { note: 'Worried about Zebedee' },
          headers: { 'cp-access-reason': 'Zebedee' },
        }),
      );
      for (const s of secrets) expect(e.message).not.toContain(s);
    }
    reset((_req, res) => res.socket?.destroy());
    const e = await failureOf(
      client().signed(credentials, { method: 'GET', path: '/v1/children', query: { surname: 'Zebedee' } }),
    );
    for (const s of secrets) expect(e.message).not.toContain(s);
  });

  it('refuses a path that would leave the service, and a header node:http cannot carry', async () => {
    reset((_req, res) => json(res, 200, {}));
    await expect(client().signed(credentials, { method: 'GET', path: '//evil.example/v1/status' })).rejects.toThrow(
      TypeError,
    );
    await expect(
      client().signed(credentials, { method: 'GET', path: 'https://evil.example/v1/status' }),
    ).rejects.toThrow(TypeError);
    await expect(client().signed(credentials, { method: 'GET', path: '/v1/status?surname=x' })).rejects.toThrow(
      TypeError,
    );
    const header = await failureOf(
      client().signed(credentials, {
        method: 'GET',
        path: '/v1/status',
        headers: { 'CP-Access-Reason': 'Zoë’s school' },
      }),
    );
    expect(header.code).toBe('invalid-request');
    expect(header.message).toContain('CP-Access-Reason');
    expect(header.message).not.toContain('Zoë');
    expect(seen).toHaveLength(0);
  });
});

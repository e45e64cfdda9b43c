// Sign-in rate limits behind the TLS proxy that --public-url describes: the client's
// address comes from X-Forwarded-For only when the socket peer is a trusted proxy, so
// two people behind the proxy are counted apart and nobody else can pick their own
// address; and a ceiling across all addresses stops a flood from many.
import { afterEach, describe, expect, it } from 'vitest';
import { clientAddress } from '../../../../service/http/client-address.js';
import { startService, type RunningService, type ServiceOptions } from '../../../../service/server.js';

let running: RunningService | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const start = async (extra: Partial<ServiceOptions> = {}) => {
  running = await startService({ port: 0, trainingMode: true, trainingCount: 5, lifecycleIntervalMs: 0, ...extra });
  return running.url;
};

let attempt = 0;
/** One challenge request (a sign-in attempt, limited per address), for a fresh user id so the per-user limit stays out of it. */
async function challenge(url: string, forwardedFor?: string): Promise<Response> {
  attempt += 1;
  return fetch(`${url}/v1/sessions/challenge`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor !== undefined ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify({ userId: `someone-${attempt}` }),
  });
}

describe('the client address behind a proxy', () => {
  it('ignores X-Forwarded-For when the service has no trusted proxy: a sender cannot pick a new address per attempt', async () => {
    const url = await start();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await challenge(url, `198.51.100.${i + 1}`)).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
  }, 60_000);

  it('with --trusted-proxy, counts two clients behind the proxy apart, by the right-most address the proxy added', async () => {
    const url = await start({ trustedProxies: ['127.0.0.1'] });
    const a = '203.0.113.5';
    const b = '203.0.113.6';
    for (let i = 0; i < 30; i++) expect((await challenge(url, a)).status).toBe(200);
    const limited = await challenge(url, a);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Client A cannot escape by putting a made-up address in front: the proxy appends the real one.
    expect((await challenge(url, `192.0.2.99, ${a}`)).status).toBe(429);
    // Client B, behind the same proxy, is not blocked by A.
    expect((await challenge(url, b)).status).toBe(200);
    // B forging A's address in front of its own is still counted as B.
    expect((await challenge(url, `${a}, ${b}`)).status).toBe(200);
  }, 60_000);

  it('takes the right-most address that is not itself a trusted proxy, and the socket peer otherwise', () => {
    const trusted = new Set(['10.0.0.1', '10.0.0.2']);
    expect(clientAddress('10.0.0.1', '203.0.113.5', trusted)).toBe('203.0.113.5');
    expect(clientAddress('10.0.0.1', '192.0.2.1, 203.0.113.5, 10.0.0.2', trusted)).toBe('203.0.113.5');
    expect(clientAddress('10.0.0.1', ['192.0.2.1', '203.0.113.5'], trusted)).toBe('203.0.113.5');
    expect(clientAddress('::ffff:10.0.0.1', '203.0.113.5', trusted)).toBe('203.0.113.5');
    // Not from a trusted proxy: the header is ignored.
    expect(clientAddress('198.51.100.7', '203.0.113.5', trusted)).toBe('198.51.100.7');
    // From the proxy with no header, or only proxies in it: the proxy itself.
    expect(clientAddress('10.0.0.1', undefined, trusted)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', '10.0.0.2', trusted)).toBe('10.0.0.2');
    // What the proxy appended is not an address: not believed, the proxy itself is counted.
    expect(clientAddress('10.0.0.1', '203.0.113.5, not-an-address', trusted)).toBe('10.0.0.1');
  });
});

describe('the ceiling on sign-in attempts across all addresses', () => {
  it('answers 429 with Retry-After once the ceiling is reached, whoever sends the next attempt', async () => {
    const url = await start({ trustedProxies: ['127.0.0.1'], signInCeilingPerMinute: 5 });
    for (let i = 0; i < 5; i++) expect((await challenge(url, `203.0.113.${i + 10}`)).status).toBe(200);
    const over = await challenge(url, '203.0.113.50');
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('too-many-attempts');
  }, 60_000);
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatusClient } from '../../../main/api/status-client.js';
import { startService, type RunningService } from '../../../service/server.js';

describe('national index service (foundation)', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService({ port: 0, trainingMode: true, trainingCount: 100, lifecycleIntervalMs: 0 });
  });
  afterAll(async () => {
    await service.close();
  });

  it('listens on loopback on a free port when asked for port 0', () => {
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(service.port).toBeGreaterThan(0);
  });

  it('reports its status', async () => {
    const res = await fetch(`${service.url}/v1/status`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ service: 'ContactPoint national index', version: '0.1.0', trainingMode: true });
  });

  it('answers unknown paths and wrong methods with the JSON error shape', async () => {
    const missing = await fetch(`${service.url}/v1/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not-found', message: 'There is no such resource.' } });
    const wrong = await fetch(`${service.url}/v1/status`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(await wrong.json()).toMatchObject({ error: { code: 'method-not-allowed' } });
  });

  it('is reached by the main process client', async () => {
    const client = createStatusClient({ baseUrl: service.url });
    expect(await client.status()).toMatchObject({ trainingMode: true });
  });

  it('stops listening when closed', async () => {
    const other = await startService({
      port: 0,
      trainingMode: false,
      lifecycleIntervalMs: 0,
      secretsKey: randomBytes(32),
    });
    await other.close();
    const client = createStatusClient({ baseUrl: other.url, timeoutMs: 2_000 });
    await expect(client.status()).rejects.toMatchObject({ code: 'service-unreachable' });
  });

  it('client names a service that answers with something unexpected', async () => {
    const client = createStatusClient({
      baseUrl: service.url,
      transport: async () => ({ status: 200, headers: {}, body: Buffer.from('<html>proxy login</html>') }),
    });
    await expect(client.status()).rejects.toMatchObject({ code: 'service-error', message: /could not be read/ });
    const refusing = createStatusClient({
      baseUrl: service.url,
      transport: async () => ({ status: 503, headers: {}, body: Buffer.from('{}') }),
    });
    await expect(refusing.status()).rejects.toMatchObject({ code: 'service-error', message: /HTTP 503/ });
  });
});

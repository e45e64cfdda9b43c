// Behind a TLS-terminating proxy the client signs the public URI it addressed; the
// service, told its public origin, verifies against that and not its own address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicOriginOf } from '../../../../service/server.js';
import { startServiceHarness, type ServiceHarness } from '../../../support/national-service.js';

const publicUrl = 'https://index.contactpoint.example';
let h: ServiceHarness;
beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: 10, publicUrl });
});
afterAll(async () => {
  await h?.close();
});

describe('--public-url', () => {
  it('verifies signatures over the public URI, and refuses ones over the internal address', async () => {
    const client = await h.signIn('trn-practitioner');
    expect((await client.get('/v1/sessions/current', { signedOrigin: publicUrl })).status).toBe(200);
    const internal = await client.get('/v1/sessions/current');
    expect(internal.status).toBe(401);
    expect(internal.body.error.code).toBe('signature-invalid');
  });

  it('accepts only an https origin (http only to loopback)', () => {
    expect(publicOriginOf('https://index.example.gov.uk')).toBe('https://index.example.gov.uk');
    expect(publicOriginOf('http://127.0.0.1:8443')).toBe('http://127.0.0.1:8443');
    expect(() => publicOriginOf('http://index.example.gov.uk')).toThrow(/must be https/);
    expect(() => publicOriginOf('https://index.example.gov.uk/api')).toThrow(/origin only/);
    expect(() => publicOriginOf('not a url')).toThrow(/not a URL/);
  });
});

// The request line's target must not choose the origin that signatures are checked
// against. An absolute-form target (GET https://evil.example/v1/... HTTP/1.1) is taken
// only when it names the service's own public origin exactly; and an origin-form target
// that a URL parser would read as another host (//evil.example/...) stays a path here.
// Raw sockets, so the request line is exactly the one written.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestUrl } from '../../../../service/http/handler.js';
import { startServiceHarness, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { signRequest } from '../../../support/request-signer.js';

const publicUrl = 'https://index.contactpoint.example';
let h: ServiceHarness;
let client: SignedClient;
beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: 10, publicUrl });
  client = await h.signIn('trn-practitioner');
});
afterAll(async () => {
  await h?.close();
});

/** Sends `GET <target>` signed over `signedUri`, with Host `host`; the status and error code. */
async function rawGet(
  target: string,
  signedUri: string,
  host = 'index.contactpoint.example',
): Promise<{ status: number; code: string | undefined }> {
  const port = Number(new URL(h.url).port);
  const signed = signRequest({
    method: 'GET',
    url: signedUri,
    keyid: client.sessionId,
    privateKey: client.privateKey,
    createdSec: Math.floor(h.clock.now().getTime() / 1000),
  });
  const request = [
    `GET ${target} HTTP/1.1`,
    `Host: ${host}`,
    ...Object.entries(signed).map(([k, v]) => `${k}: ${v}`),
    'Connection: close',
    '',
    '',
  ].join('\r\n');
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.end(request, 'latin1');
  });
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
  let code: string | undefined;
  try {
    code = (JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { error?: { code: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status, code };
}

describe('request targets', () => {
  it('serves the ordinary origin-form target, signed over the public URI', async () => {
    expect(await rawGet('/v1/sessions/current', `${publicUrl}/v1/sessions/current`)).toEqual({
      status: 200,
      code: undefined,
    });
  });

  it('refuses an absolute-form target naming another origin, even signed over it', async () => {
    const evil = 'https://evil.example/v1/sessions/current';
    expect(await rawGet(evil, evil)).toEqual({ status: 400, code: 'absolute-target-refused' });
    expect(await rawGet(evil, evil, 'evil.example')).toEqual({ status: 400, code: 'absolute-target-refused' });
  });

  it("refuses an absolute-form target naming the service's internal address instead of its public origin", async () => {
    const internal = `${h.url}/v1/sessions/current`;
    expect(await rawGet(internal, internal)).toEqual({ status: 400, code: 'absolute-target-refused' });
  });

  it('accepts an absolute-form target that is exactly the public origin', async () => {
    const uri = `${publicUrl}/v1/sessions/current`;
    expect(await rawGet(uri, uri)).toEqual({ status: 200, code: undefined });
  });

  it('keeps a target starting with // or /\\ a path on this origin, never another host', async () => {
    for (const target of ['//evil.example/v1/sessions/current', '/\\evil.example/v1/sessions/current']) {
      const res = await rawGet(target, 'https://evil.example/v1/sessions/current');
      expect(res.status, target).not.toBe(200);
    }
  });
});

describe('requestUrl', () => {
  it('rebuilds origin-form targets on the origin, normalised as a URL parser would', () => {
    expect(requestUrl('/v1/status?x=1', 'http://LOCALHOST:80').href).toBe('http://localhost/v1/status?x=1');
    expect(requestUrl('//evil.example/v1/status', 'https://index.example').host).toBe('index.example');
    expect(requestUrl('HTTPS://INDEX.EXAMPLE/v1/status', 'https://index.example').href).toBe(
      'https://index.example/v1/status',
    );
  });

  it('refuses absolute-form targets for any other origin, with user information, and targets in no form the service serves', () => {
    expect(() => requestUrl('https://evil.example/v1/status', 'https://index.example')).toThrow(
      expect.objectContaining({ code: 'absolute-target-refused' }),
    );
    expect(() => requestUrl('http://index.example/v1/status', 'https://index.example')).toThrow(
      expect.objectContaining({ code: 'absolute-target-refused' }),
    );
    expect(() => requestUrl('https://me@index.example/v1/status', 'https://index.example')).toThrow(
      expect.objectContaining({ code: 'absolute-target-refused' }),
    );
    expect(() => requestUrl('*', 'https://index.example')).toThrow(expect.objectContaining({ code: 'bad-url' }));
    expect(() => requestUrl('index.example:443', 'https://index.example')).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});

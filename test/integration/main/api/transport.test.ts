// The transport main uses to reach the service: TLS trust by the policy's CA or pin
// (against the real service serving HTTPS with certificates openssl makes here), the
// failure kinds, and the response-size cap (tiny node:http servers on loopback).
import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../../main/api/client.js';
import { createTransport, TransportError, type TransportErrorKind } from '../../../../main/api/transport.js';
import { startService, type RunningService } from '../../../../service/server.js';

const dir = mkdtempSync(join(tmpdir(), 'cp-transport-'));
const file = (name: string) => join(dir, name);
const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA, a server certificate it signed for 127.0.0.1 only, a second unrelated CA, and a self-signed certificate. */
function makeCertificates() {
  for (const ca of ['ca', 'other-ca']) {
    openssl([
      'req',
      '-x509',
      ...ec,
      '-days',
      '2',
      '-subj',
      `/CN=ContactPoint test ${ca}`,
      '-keyout',
      file(`${ca}.key`),
      '-out',
      file(`${ca}.pem`),
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  }
  openssl(['req', ...ec, '-subj', '/CN=127.0.0.1', '-keyout', file('server.key'), '-out', file('server.csr')]);
  writeFileSync(
    file('server.ext'),
    'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  openssl([
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.pem'),
  ]);
  openssl([
    'req',
    '-x509',
    ...ec,
    '-days',
    '2',
    '-subj',
    '/CN=contactpoint-self-signed',
    '-addext',
    'subjectAltName=DNS:index.invalid',
    '-keyout',
    file('self.key'),
    '-out',
    file('self.pem'),
  ]);
}

/** The pin computed by openssl, independently of the code under test. */
const pinOf = (certFile: string) =>
  execSync(
    `openssl x509 -in '${certFile}' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`,
  )
    .toString()
    .trim();

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const scheme = 'setSecureContext' in server ? 'https' : 'http';
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

async function kindOf(p: Promise<unknown>): Promise<TransportErrorKind | string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (e instanceof TransportError) return e.kind;
  return `not a TransportError: ${String(e)}`;
}

let caSigned: RunningService;
let selfSigned: RunningService;
beforeAll(async () => {
  makeCertificates();
  caSigned = await startService({
    port: 0,
    trainingMode: true,
    trainingCount: 5,
    lifecycleIntervalMs: 0,
    tls: { cert: readFileSync(file('server.pem')), key: readFileSync(file('server.key')) },
  });
  selfSigned = await startService({
    port: 0,
    trainingMode: true,
    trainingCount: 5,
    lifecycleIntervalMs: 0,
    tls: { cert: readFileSync(file('self.pem')), key: readFileSync(file('self.key')) },
  });
}, 120_000);
afterAll(async () => {
  await caSigned?.close();
  await selfSigned?.close();
  rmSync(dir, { recursive: true, force: true });
});

const status = (url: string) => ({ method: 'GET', url: `${url}/v1/status`, headers: { accept: 'application/json' } });

describe('TLS trust against the real service over HTTPS', () => {
  it('connects when the certificate chains to the trusted CA from the policy', async () => {
    const transport = createTransport({ trustedCaPem: readFileSync(file('ca.pem'), 'utf8') });
    const res = await transport(status(caSigned.url));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toMatchObject({ trainingMode: true });
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
  });

  it('refuses a certificate no trusted CA signed: with no CA, and with another CA', async () => {
    expect(caSigned.url).toMatch(/^https:/);
    expect(await kindOf(createTransport({})(status(caSigned.url)))).toBe('certificate-untrusted');
    expect(
      await kindOf(createTransport({ trustedCaPem: readFileSync(file('other-ca.pem'), 'utf8') })(status(caSigned.url))),
    ).toBe('certificate-untrusted');
    expect(await kindOf(createTransport({})(status(selfSigned.url)))).toBe('certificate-untrusted');
  });

  it('refuses a trusted certificate issued for another host name', async () => {
    // The certificate names 127.0.0.1 only; "localhost" reaches the same socket.
    const transport = createTransport({ trustedCaPem: readFileSync(file('ca.pem'), 'utf8') });
    const viaLocalhost = caSigned.url.replace('127.0.0.1', 'localhost');
    expect(await kindOf(transport(status(viaLocalhost)))).toBe('certificate-untrusted');
  });

  it('connects to a pinned certificate, even a self-signed one for another name, without any CA', async () => {
    const pinSelf = pinOf(file('self.pem'));
    expect(pinSelf).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const res = await createTransport({ pinnedCertificateSha256: pinSelf })(status(selfSigned.url));
    expect(res.status).toBe(200);
    const resCa = await createTransport({ pinnedCertificateSha256: pinOf(file('server.pem')) })(status(caSigned.url));
    expect(resCa.status).toBe(200);
  });

  it('refuses a certificate other than the pinned one, even one a trusted CA signed', async () => {
    const wrongPin = pinOf(file('self.pem'));
    expect(await kindOf(createTransport({ pinnedCertificateSha256: wrongPin })(status(caSigned.url)))).toBe(
      'certificate-pin-mismatch',
    );
    expect(
      await kindOf(
        createTransport({ pinnedCertificateSha256: wrongPin, trustedCaPem: readFileSync(file('ca.pem'), 'utf8') })(
          status(caSigned.url),
        ),
      ),
    ).toBe('certificate-pin-mismatch');
  });

  it('sends nothing to a server whose certificate fails the pin or the CA check', async () => {
    let requests = 0;
    const server = createHttpsServer(
      { cert: readFileSync(file('self.pem')), key: readFileSync(file('self.key')) },
      (_req, res) => {
        requests++;
        res.end('{}');
      },
    );
    const url = await listen(server);
    try {
      const secret = {
        method: 'POST',
        url: `${url}/v1/sessions`,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{"password":"p"}'),
      };
      expect(await kindOf(createTransport({ pinnedCertificateSha256: pinOf(file('server.pem')) })(secret))).toBe(
        'certificate-pin-mismatch',
      );
      expect(await kindOf(createTransport({})(secret))).toBe('certificate-untrusted');
      expect(requests).toBe(0);
      // The same server, pinned correctly, does get the request: the count can move.
      await createTransport({ pinnedCertificateSha256: pinOf(file('self.pem')) })(secret);
      expect(requests).toBe(1);
    } finally {
      await closeServer(server);
    }
  });

  it('gives the main-process client wording for a person, not the TLS error', async () => {
    const client = createApiClient({ baseUrl: selfSigned.url, transport: createTransport({}), retryDelaysMs: [] });
    const e = await client.unsigned('GET', '/v1/status').catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'service-unreachable' });
    const message = (e as Error).message;
    expect(message).toBe(
      "The national index service's certificate is not the one this computer trusts, so ContactPoint did not connect. Tell your IT service desk.",
    );
    expect(message).not.toMatch(/self.signed|DEPTH_ZERO|UNABLE_TO|ERR_TLS|127\.0\.0\.1/i);
  });

  it('refuses a pin that is not a SHA-256 digest when built', () => {
    expect(() => createTransport({ pinnedCertificateSha256: 'abc' })).toThrow(/pinnedCertificateSha256/);
  });
});

describe('failures and limits', () => {
  let server: Server;
  let url: string;
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      const route = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
      if (route) route(req, res);
      else res.writeHead(404).end();
    });
    url = await listen(server);
  });
  afterAll(async () => {
    await closeServer(server);
  });

  it('sends the method, headers and body, and returns status, headers and body', async () => {
    routes.set('/echo', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('x-method', req.method ?? '');
        res.setHeader('x-seen', String(req.headers['x-test']));
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.writeHead(201).end(Buffer.concat(chunks));
      });
    });
    const body = Buffer.from(JSON.stringify({ hello: 'wörld' }));
    const res = await createTransport({})({
      method: 'PATCH',
      url: `${url}/echo?q=1`,
      headers: { 'x-test': 'yes' },
      body,
    });
    expect(res.status).toBe(201);
    expect(res.headers['x-method']).toBe('PATCH');
    expect(res.headers['x-seen']).toBe('yes');
    expect(res.headers['set-cookie']).toBe('a=1, b=2');
    expect(res.body.equals(body)).toBe(true);
  });

  it('calls a refused connection unreachable, and says so without the URL', async () => {
    const closed = createHttpServer();
    const closedUrl = await listen(closed);
    await closeServer(closed);
    const e = await createTransport({})(status(`${closedUrl}/v1/children?surname=Zebedee`)).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).kind).toBe('unreachable');
    expect((e as Error).message).toContain('ECONNREFUSED');
    expect((e as Error).message).not.toMatch(/Zebedee|127\.0\.0\.1/);
  });

  it('calls an unknown host name unreachable', async () => {
    expect(await kindOf(createTransport({ timeoutMs: 10_000 })(status('https://no-such-host.invalid')))).toBe(
      'unreachable',
    );
  });

  it('refuses plain http to anywhere but this computer, before connecting', async () => {
    await expect(createTransport({})(status('http://index.example.gov.uk'))).rejects.toThrow(
      /plain http: only to this computer/,
    );
    await expect(createTransport({})(status('ftp://127.0.0.1'))).rejects.toThrow(TypeError);
  });

  it('calls a server that never answers unreachable after the timeout', async () => {
    routes.set('/silent', () => undefined);
    const e = await createTransport({ timeoutMs: 300 })({ method: 'GET', url: `${url}/silent`, headers: {} }).catch(
      (err: unknown) => err,
    );
    expect(e).toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/did not answer/) });
  });

  it('calls a connection reset mid-answer unreachable', async () => {
    routes.set('/reset', (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    expect(await kindOf(createTransport({})({ method: 'GET', url: `${url}/reset`, headers: {} }))).toBe('unreachable');
  });

  it('refuses an answer over 8 MiB, declared or streamed, and accepts one just under', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024 + 1, 0x61);
    routes.set('/declared', (_req, res) => res.writeHead(200, { 'content-length': String(big.length) }).end(big));
    routes.set('/streamed', (_req, res) => {
      res.writeHead(200); // chunked: no length given up front
      res.end(big);
    });
    routes.set('/under', (_req, res) => res.writeHead(200).end(big.subarray(1)));
    const transport = createTransport({});
    expect(await kindOf(transport({ method: 'GET', url: `${url}/declared`, headers: {} }))).toBe('response-too-large');
    expect(await kindOf(transport({ method: 'GET', url: `${url}/streamed`, headers: {} }))).toBe('response-too-large');
    const under = await transport({ method: 'GET', url: `${url}/under`, headers: {} });
    expect(under.body.length).toBe(8 * 1024 * 1024);
  });
});

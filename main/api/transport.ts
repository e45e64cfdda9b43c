// HTTP(S) to the national index service with node:http/node:https (not global fetch:
// the machine policy's trusted CA and certificate pin need the TLS socket). The TLS
// connection is made and checked *before* any byte of the request is written, so a
// sign-in password or a signed request never reaches a server we do not trust.
//
// Trust, in order:
// - pinnedCertificateSha256: the server's certificate must carry exactly this public
//   key (base64 SHA-256 of its SubjectPublicKeyInfo DER). The pin replaces the CA and
//   host-name checks, so a pinned self-signed certificate works; nothing else does.
// - trustedCaPem: the server's certificate must chain to this CA (it replaces the
//   built-in roots) and name the host.
// - neither: Node's built-in public roots and the host name.
import { createHash } from 'node:crypto';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions as HttpsRequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface TransportRequest {
  method: string;
  /** The full URL. Never put it in an error message: its query may hold names being searched. */
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface TransportResponse {
  status: number;
  /** Lower-case names; repeated fields joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

export type TransportErrorKind =
  'unreachable' | 'certificate-untrusted' | 'certificate-pin-mismatch' | 'response-too-large';

/** A failure to talk to the service. The message holds a kind and a system code, never a URL. */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface TransportOptions {
  /** PEM of the certificate authority (or authorities) to trust instead of the built-in roots. */
  trustedCaPem?: string;
  /** Base64 SHA-256 of the server certificate's SubjectPublicKeyInfo (DER). */
  pinnedCertificateSha256?: string;
  /** The whole exchange, connection to last byte; default 15 s. */
  timeoutMs?: number;
  /** Answers larger than this are refused; default 8 MiB. */
  maxResponseBytes?: number;
}

export const defaultMaxResponseBytes = 8 * 1024 * 1024;

/** Plain http is for this computer only (the embedded training service, tests), as the policy says. */
const isLoopback = (hostname: string) =>
  hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

/** The pin of a certificate's public key: base64 SHA-256 of its SubjectPublicKeyInfo DER. */
export function spkiSha256(spkiDer: Buffer): string {
  return createHash('sha256').update(spkiDer).digest('base64');
}

/** Connects and checks the server's certificate; calls back with the socket only if it is trusted. */
function secureConnection(
  url: URL,
  options: TransportOptions,
  callback: (error: Error | null, socket?: Duplex) => void,
): TLSSocket {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const servername = /^[\d.]+$/.test(host) || host.includes(':') ? undefined : host;
  const socket = tlsConnect({
    host,
    port: Number(url.port || 443),
    ...(servername ? { servername } : {}),
    ...(options.trustedCaPem !== undefined ? { ca: options.trustedCaPem } : {}),
    // Checked below, before the request is written: a pin may trust a certificate no CA signed.
    rejectUnauthorized: false,
    ALPNProtocols: ['http/1.1'],
  });
  socket.once('secureConnect', () => {
    if (options.pinnedCertificateSha256 !== undefined) {
      const cert = socket.getPeerX509Certificate();
      const pin = cert ? spkiSha256(cert.publicKey.export({ type: 'spki', format: 'der' })) : '';
      if (pin !== options.pinnedCertificateSha256) {
        socket.destroy();
        callback(
          new TransportError(
            'certificate-pin-mismatch',
            'The service presented a certificate other than the pinned one.',
          ),
        );
        return;
      }
    } else if (!socket.authorized) {
      const why =
        typeof socket.authorizationError === 'string'
          ? socket.authorizationError
          : (socket.authorizationError as Error | undefined)?.message;
      socket.destroy();
      callback(
        new TransportError(
          'certificate-untrusted',
          `The service's certificate is not trusted (${why ?? 'unverified'}).`,
        ),
      );
      return;
    }
    callback(null, socket);
  });
  return socket;
}

const systemCode = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]+$/.test(code) ? code : 'error';
};

function headersOf(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function createTransport(options: TransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxResponseBytes ?? defaultMaxResponseBytes;
  if (options.pinnedCertificateSha256 !== undefined && !/^[A-Za-z0-9+/]{43}=$/.test(options.pinnedCertificateSha256)) {
    throw new TypeError(
      'pinnedCertificateSha256 must be the base64 SHA-256 of a SubjectPublicKeyInfo (44 characters).',
    );
  }

  return (req) =>
    new Promise<TransportResponse>((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(req.url);
      } catch {
        reject(new TypeError('The transport was given a URL that is not valid.'));
        return;
      }
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
        reject(new TypeError('The transport speaks https:, and plain http: only to this computer.'));
        return;
      }
      let settled = false;
      let outgoing: ClientRequest | undefined;
      let tlsSocket: TLSSocket | undefined;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outgoing?.destroy();
        tlsSocket?.destroy();
        reject(error);
      };
      const timer = setTimeout(
        () =>
          fail(
            new TransportError('unreachable', `The service did not answer within ${Math.round(timeoutMs / 1000)} s.`),
          ),
        timeoutMs,
      );

      const headers: Record<string, string> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = String(req.body.length);
      const common = {
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers,
        // A fresh connection per request: trust is checked on every connection, and
        // nothing lingers in a pool after sign-out.
        agent: undefined,
      };
      // Calls back with the socket once its certificate is checked (node:http supports
      // this asynchronous form of createConnection; its types know only the other one).
      const connectChecked = (_opts: unknown, callback: (error: Error | null, socket?: Duplex) => void): undefined => {
        tlsSocket = secureConnection(url, options, callback);
        tlsSocket.on('error', (e) =>
          fail(new TransportError('unreachable', `The connection failed (${systemCode(e)}).`)),
        );
        return undefined;
      };
      try {
        outgoing =
          url.protocol === 'https:'
            ? httpsRequest({
                ...common,
                host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
                port: url.port || 443,
                createConnection: connectChecked as unknown as HttpsRequestOptions['createConnection'],
              })
            : httpRequest({
                ...common,
                host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
                port: url.port || 80,
                agent: false,
              });
      } catch (e) {
        fail(e instanceof Error ? e : new Error('The request could not be made.'));
        return;
      }
      outgoing.on('error', (e) =>
        fail(
          e instanceof TransportError
            ? e
            : new TransportError('unreachable', `The connection failed (${systemCode(e)}).`),
        ),
      );
      outgoing.on('response', (res) => {
        const declared = Number(res.headers['content-length']);
        const tooLarge = () =>
          new TransportError('response-too-large', `The service's answer is larger than ${maxBytes} bytes.`);
        if (Number.isFinite(declared) && declared > maxBytes) {
          res.destroy();
          fail(tooLarge());
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            fail(tooLarge());
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (e) => fail(new TransportError('unreachable', `The answer was cut off (${systemCode(e)}).`)));
        res.on('close', () => {
          if (!res.complete) fail(new TransportError('unreachable', 'The answer was cut off.'));
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: headersOf(res), body: Buffer.concat(chunks) });
        });
      });
      outgoing.end(req.body);
    });
}

// The load test's HTTP side: a loopback-only target, one keep-alive connection pool per
// simulated user (node:http or node:https with the stack's CA), requests signed per
// RFC 9421 with the session key (test/support/request-signer.ts), and the retry rule:
// an idempotent call is retried on a connection error or a 5xx with a short backoff, for
// up to retryForMs; anything else is answered once.
import { lookup } from 'node:dns/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { signRequest } from '../../support/request-signer.js';

/** Whether an IP address is on the loopback interface (127.0.0.0/8, ::1). */
export function isLoopbackAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(plain) === 4) return plain.startsWith('127.');
  if (plain === '::1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain);
  return mapped !== null && mapped[1]!.startsWith('127.');
}

/** A base URL the load test may send to: its origin and the loopback address to connect to. */
export interface LoopbackTarget {
  origin: string;
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  /** The loopback address connections go to (the name's, when the URL gives a name). */
  address: string;
  family: 4 | 6;
}

/**
 * Refuses anything but an http(s) origin on loopback: an IP literal in 127.0.0.0/8 or
 * ::1, or a name (localhost) whose every address is loopback. The load test must never
 * be pointed at a real service.
 */
export async function loopbackTarget(baseUrl: string): Promise<LoopbackTarget> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error('The load test base URL is not a URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`The load test base URL must be http:// or https://, not ${url.protocol}//.`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    throw new Error('The load test base URL must be an origin only, such as https://127.0.0.1:8443.');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(hostname) !== 0) addresses = [{ address: hostname, family: isIP(hostname) }];
  else {
    try {
      addresses = await lookup(hostname, { all: true });
    } catch {
      throw new Error(`The load test base URL's host "${hostname}" does not resolve.`);
    }
  }
  if (addresses.length === 0 || !addresses.every((a) => isLoopbackAddress(a.address)))
    throw new Error(
      `The load test runs on loopback only: "${url.hostname}" is not a loopback address (127.0.0.0/8 or ::1).`,
    );
  const chosen = addresses.find((a) => a.family === 4) ?? addresses[0]!;
  return {
    origin: url.origin,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    address: chosen.address,
    family: chosen.family === 6 ? 6 : 4,
  };
}

let nextSource = 0;
/**
 * A distinct loopback source address for each simulated user (127.1.0.1, 127.1.0.2...):
 * the service limits sign-in attempts per client address (30 a minute), as it would
 * for people at their own machines, so users must not all come from 127.0.0.1. Behind
 * HAProxy the address reaches the service in X-Forwarded-For.
 */
function nextSourceAddress(): string {
  const n = nextSource++ % (254 * 256 * 254);
  return `127.${1 + Math.floor(n / (256 * 254))}.${Math.floor(n / 254) % 256}.${1 + (n % 254)}`;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * A failure to get any HTTP answer: connection refused or reset, a timeout (transient,
 * worth retrying), or a certificate the CA given does not vouch for (not: retrying it
 * would only repeat the refusal).
 */
export class ConnectionFailure extends Error {
  override readonly name = 'ConnectionFailure';
  constructor(
    message: string,
    readonly transient = true,
  ) {
    super(message);
  }
}

/** TLS verification failures: OpenSSL's certificate codes and Node's host-name mismatch. */
function isCertificateError(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code) || code === 'ERR_TLS_CERT_ALTNAME_INVALID';
}

/** One user's connections: keep-alive, from its own loopback source address. */
export class UserConnection {
  private readonly agent: HttpAgent;
  readonly sourceAddress: string | undefined;

  constructor(
    private readonly target: LoopbackTarget,
    options: { ca?: Buffer; requestTimeoutMs: number },
  ) {
    this.sourceAddress = target.family === 4 ? nextSourceAddress() : undefined;
    const common = {
      keepAlive: true,
      maxSockets: 2,
      ...(this.sourceAddress !== undefined ? { localAddress: this.sourceAddress } : {}),
    };
    this.agent =
      target.protocol === 'https:'
        ? new HttpsAgent({ ...common, ...(options.ca ? { ca: options.ca } : {}) })
        : new HttpAgent(common);
    this.requestTimeoutMs = options.requestTimeoutMs;
  }
  private readonly requestTimeoutMs: number;

  /** One HTTP exchange; a ConnectionFailure when no answer came. */
  send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    const target = this.target;
    // Connect to the loopback address chosen when the URL was checked, whatever the name.
    const pinned: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Answer>((resolve, reject) => {
      const req = send(
        {
          method,
          hostname: target.hostname.replace(/^\[|\]$/g, ''),
          port: target.port,
          path,
          agent: this.agent,
          lookup: pinned,
          headers: {
            accept: 'application/json',
            ...headers,
            ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
          },
          timeout: this.requestTimeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(new ConnectionFailure(`response broken: ${codeOf(e)}`)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            if (text.length > 0 && /json/.test(String(res.headers['content-type'] ?? ''))) {
              try {
                parsed = JSON.parse(text);
              } catch {
                parsed = text;
              }
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new ConnectionFailure(`no answer within ${this.requestTimeoutMs} ms`)));
      req.on('error', (e) => {
        if (e instanceof ConnectionFailure) return reject(e);
        const code = codeOf(e);
        reject(new ConnectionFailure(code, !isCertificateError(code)));
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The error's code (ECONNREFUSED...), never its message, which may carry addresses. */
function codeOf(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'connection error';
}

/** A signed-in user: signs every request with its session key. */
export class SignedUser {
  constructor(
    readonly userId: string,
    readonly sessionId: string,
    private readonly privateKey: KeyObject,
    private readonly connection: UserConnection,
    private readonly origin: string,
  ) {}

  send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const signature = signRequest({
      method,
      url: `${this.origin}${path}`,
      ...(text !== undefined ? { body: text } : {}),
      keyid: this.sessionId,
      privateKey: this.privateKey,
    });
    return this.connection.send(
      method,
      path,
      { ...signature, ...(text !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      text,
    );
  }
}

/** Whether an answer (or the lack of one) is worth retrying for an idempotent call. */
export function retryable(outcome: Answer | ConnectionFailure): boolean {
  if (outcome instanceof ConnectionFailure) return outcome.transient;
  if (outcome.status >= 500) return true;
  // A supply whose first attempt is still running (or whose process died holding the key).
  return outcome.status === 409 && errorCodeOf(outcome) === 'idempotency-in-progress';
}

/** The stable error code of a JSON error answer, if any. */
export function errorCodeOf(answer: Answer): string | undefined {
  const error = (answer.body as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}

// Which client a request comes from, for the sign-in rate limits. Behind the TLS
// proxy that --public-url describes every socket comes from the proxy, so one sender
// would block everyone; the proxy says who it serves in X-Forwarded-For. That header is
// believed only from a trusted proxy's socket (anyone else could write any address in
// it), and only its right-most entries: each proxy appends the peer it saw, so what
// lies left of the last trusted hop was written by the client and proves nothing.
import { isIP } from 'node:net';

/** An IPv4 address the socket reports in IPv6 form (::ffff:10.0.0.1) as plain IPv4. */
export function normaliseAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped ? mapped[1]! : address).toLowerCase();
}

/** The address to count a request against. */
export function clientAddress(
  socketAddress: string,
  forwardedFor: string | string[] | undefined,
  trustedProxies: ReadonlySet<string>,
): string {
  let client = normaliseAddress(socketAddress);
  if (!trustedProxies.has(client) || forwardedFor === undefined) return client;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normaliseAddress(hops[i]!);
    // A trusted proxy wrote something that is not an address: believe nothing further left.
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!trustedProxies.has(hop)) return hop;
  }
  return client;
}

/** The --trusted-proxy list, checked: each an IP address (a name could change what it means). */
export function parseTrustedProxies(list: string): string[] {
  const addresses = list
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
  if (addresses.length === 0) throw new Error('--trusted-proxy needs at least one IP address.');
  const bad = addresses.find((a) => isIP(a) === 0);
  if (bad !== undefined)
    throw new Error(`--trusted-proxy takes IP addresses separated by commas; "${bad}" is not one.`);
  return addresses.map(normaliseAddress);
}

// Serves the built renderer to the app:// protocol (and to the test harness) with the
// CSP header. Only files inside the build folder can be reached.
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { contentSecurityPolicy, contentTypeFor, loadScriptHashes, rendererHeaders } from './csp.js';

export interface RendererResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RendererFiles {
  /** The CSP header value every response carries. */
  policy: string;
  read(requestUrl: string): Promise<RendererResponse>;
}

export function createRendererFiles(root: string): RendererFiles {
  const base = resolve(root);
  const policy = contentSecurityPolicy(loadScriptHashes(base), 'header');
  const headers = rendererHeaders(policy);
  const notFound: RendererResponse = {
    status: 404,
    headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
    body: Buffer.from('Not found'),
  };

  return {
    policy,
    async read(requestUrl) {
      let pathname: string;
      try {
        pathname = decodeURIComponent(new URL(requestUrl).pathname);
      } catch {
        return notFound;
      }
      if (pathname.includes('\0')) return notFound;
      if (pathname === '/' || pathname === '') pathname = '/index.html';
      const file = resolve(base, `.${pathname}`);
      if (!file.startsWith(base + sep)) return notFound;
      try {
        const body = await readFile(file);
        return { status: 200, headers: { ...headers, 'Content-Type': contentTypeFor(file) }, body };
      } catch {
        return notFound;
      }
    },
  };
}

// The renderer's Content Security Policy. Scripts are allowed by hash only: the build
// records the SHA-384 of each script it emits (scripts/build.ts writes csp.json and
// the integrity attributes), so nothing but the exact bundle we shipped can run, even
// from our own origin. Served as a header by the app:// protocol handler (and by the
// test harness); the same policy is in a meta tag as defence in depth.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const rendererCspFile = 'csp.json';

const hashPattern = /^sha384-[A-Za-z0-9+/]{64}$/;

export function contentSecurityPolicy(scriptHashes: readonly string[], target: 'header' | 'meta'): string {
  if (scriptHashes.length === 0 || !scriptHashes.every((h) => hashPattern.test(h))) {
    throw new Error('contentSecurityPolicy needs the SHA-384 hashes of the renderer scripts');
  }
  return [
    "default-src 'none'",
    `script-src ${scriptHashes.map((h) => `'${h}'`).join(' ')}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    // Not allowed in a meta tag, so header only.
    ...(target === 'header'
      ? ["frame-ancestors 'none'", "require-trusted-types-for 'script'", "trusted-types 'none'"]
      : []),
  ].join('; ');
}

/** The renderer build is missing or incomplete; the message says what to run. */
export class RendererBuildError extends Error {
  override name = 'RendererBuildError';
}

/** Reads the script hashes the build recorded next to index.html. */
export function loadScriptHashes(rendererRoot: string): string[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(rendererRoot, rendererCspFile), 'utf8'));
  } catch {
    throw new RendererBuildError(
      `The renderer build in ${rendererRoot} is incomplete (no ${rendererCspFile}): run "npm run build".`,
    );
  }
  const hashes = (raw as { scriptHashes?: unknown }).scriptHashes;
  if (
    !Array.isArray(hashes) ||
    hashes.length === 0 ||
    !hashes.every((h) => typeof h === 'string' && hashPattern.test(h))
  ) {
    throw new RendererBuildError(
      `${rendererCspFile} in ${rendererRoot} does not hold script hashes: run "npm run build".`,
    );
  }
  return hashes as string[];
}

/** Headers every renderer response carries. */
export function rendererHeaders(policy: string): Record<string, string> {
  return {
    'Content-Security-Policy': policy,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export function contentTypeFor(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot >= 0 && contentTypes[path.slice(dot).toLowerCase()]) || 'application/octet-stream';
}

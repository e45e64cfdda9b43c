// npm run build: the renderer with Vite, then its CSP (script hashes, integrity
// attributes, meta tag), then main and preload bundled with esbuild.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { contentSecurityPolicy, rendererCspFile } from '../main/csp.js';

const started = Date.now();
const rendererOut = 'dist/renderer';
await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });

// Pin every script the page loads by its SHA-384: the CSP allows those hashes and nothing else.
const indexPath = join(rendererOut, 'index.html');
let html = readFileSync(indexPath, 'utf8');
const scriptHashes: string[] = [];
html = html.replace(
  /<script([^>]*) src="\/([^"]+)"([^>]*)><\/script>/g,
  (_tag, before: string, src: string, after: string) => {
    const digest = `sha384-${createHash('sha384')
      .update(readFileSync(join(rendererOut, src)))
      .digest('base64')}`;
    scriptHashes.push(digest);
    return `<script${before} src="/${src}" integrity="${digest}"${after}></script>`;
  },
);
const emittedScripts = readdirSync(join(rendererOut, 'assets')).filter((f) => f.endsWith('.js'));
if (scriptHashes.length === 0 || emittedScripts.length !== scriptHashes.length) {
  throw new Error(
    `The renderer build emitted ${emittedScripts.length} script(s) but index.html loads ${scriptHashes.length}: ` +
      'a script the page loads later would be blocked by the CSP. Keep the renderer to one bundle (no dynamic import()).',
  );
}
const meta = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(scriptHashes, 'meta')}">`;
html = html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    ${meta}`);
if (!html.includes(meta)) throw new Error('renderer/index.html must keep its <meta charset="utf-8" /> tag');
writeFileSync(indexPath, html);
writeFileSync(join(rendererOut, rendererCspFile), `${JSON.stringify({ scriptHashes }, null, 2)}\n`);

// Native modules and Electron itself are loaded at run time, never bundled.
const external = [
  'electron',
  'better-sqlite3-multiple-ciphers',
  '@napi-rs/keyring',
  'pkcs11js',
  '@electric-sql/pglite',
  'pg',
];

/** A CommonJS bundle for Electron's Node side (main, and the service's worker thread). */
const nodeBundle = (entry: string, outfile: string) =>
  esbuild({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });

await nodeBundle('main/electron/main.ts', 'dist/main/main.cjs');
// The embedded training service runs in a worker thread of the main process.
await nodeBundle('service/embedded-worker.ts', 'dist/main/service-worker.cjs');
// PKCS#11 (the smartcard) runs in a worker thread of the main process too.
await nodeBundle('main/card/pkcs11-worker.ts', 'dist/main/pkcs11-worker.cjs');
// The working set's own thread: the encrypted store, sync, search, the outbox, cleansing and the adapter.
await nodeBundle('main/working-set/worker.ts', 'dist/main/working-set-worker.cjs');
// Cleansing's checks run in a thread of their own beside duplicate detection.
await nodeBundle('main/cleansing/checks-worker.ts', 'dist/main/cleanse-checks-worker.cjs');
// The adapter checks a file in two threads beside the working-set worker.
await nodeBundle('main/adapter/check-worker.ts', 'dist/main/adapter-check-worker.cjs');
// The shipped mapping profiles, read by the working-set worker (dist/profiles).
mkdirSync('dist/profiles', { recursive: true });
for (const f of readdirSync('profiles').filter((n) => n.endsWith('.json')))
  copyFileSync(join('profiles', f), join('dist/profiles', f));

// A sandboxed preload may require only 'electron': bundle everything else in.
await esbuild({
  entryPoints: ['preload/electron-preload.ts'],
  outfile: 'dist/preload/preload.cjs',
  bundle: true,
  platform: 'browser',
  format: 'cjs',
  target: 'chrome130',
  external: ['electron'],
  legalComments: 'none',
  logLevel: 'warning',
});

process.stdout.write(
  `built renderer, main and preload into dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);

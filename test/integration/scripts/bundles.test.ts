// What the build hands to Electron: bundles that need nothing at run time but what
// Electron provides. A sandboxed preload that required anything but 'electron' would
// fail to load and leave the renderer without its API.
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const requiredBy = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
const nodeBuiltin = (name: string) => builtinModules.includes(name.replace(/^node:/, ''));
/** The package a specifier names: '@scope/pkg/sub/path' -> '@scope/pkg'. */
const packageOf = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
// Native and runtime-loaded packages the main bundle may require (see scripts/build.ts).
const mainExternals = new Set([
  'electron',
  'better-sqlite3-multiple-ciphers',
  '@napi-rs/keyring',
  'pkcs11js',
  '@electric-sql/pglite',
  'pg',
]);

describe('the built bundles', () => {
  it('preload requires only electron', () => {
    expect(new Set(requiredBy('dist/preload/preload.cjs'))).toEqual(new Set(['electron']));
  });

  it('preload carries no schema library or Node code, only the bridge', () => {
    const source = readFileSync('dist/preload/preload.cjs', 'utf8');
    expect(source).toContain('exposeInMainWorld');
    // No schema library by name (zod's error class, its `new Function` probe) ...
    expect(source).not.toMatch(/ZodError|new Function|\$ZodType/);
    // ... nor by size: the bridge is a line a channel (about 70 of them, under 6 kB), and
    // any schema or utility library is tens of kilobytes.
    expect(source.length).toBeLessThan(8_000);
  });

  it('main requires only electron, Node built-ins and the declared native packages', () => {
    const required = requiredBy('dist/main/main.cjs');
    expect(required).toContain('electron');
    expect(required.filter((name) => !nodeBuiltin(name) && !mainExternals.has(packageOf(name)))).toEqual([]);
  });

  it('main loads no store: the training service and its PGlite live in the worker bundle', () => {
    const main = requiredBy('dist/main/main.cjs').map(packageOf);
    expect(main).not.toContain('@electric-sql/pglite');
    expect(main).not.toContain('pg');
    expect(requiredBy('dist/main/service-worker.cjs').map(packageOf)).toContain('@electric-sql/pglite');
  });

  it('main never loads PKCS#11 itself: the smartcard lives in its worker bundle', () => {
    expect(requiredBy('dist/main/main.cjs').map(packageOf)).not.toContain('pkcs11js');
    expect(requiredBy('dist/main/pkcs11-worker.cjs').map(packageOf)).toContain('pkcs11js');
  });

  it('every thread a bundle starts by file name is built beside it in dist/main', () => {
    // A moved entry point must keep the bundle name the code that starts it asks for.
    const startedBy = (bundle: string) =>
      [...readFileSync(bundle, 'utf8').matchAll(/["']([a-z][a-z-]*-worker\.cjs)["']/g)].map((m) => m[1]!);
    const built = readdirSync('dist/main');
    // The working-set worker starts cleansing's checks thread and the adapter's check threads.
    expect(startedBy('dist/main/working-set-worker.cjs').sort()).toEqual([
      'adapter-check-worker.cjs',
      'cleanse-checks-worker.cjs',
    ]);
    for (const name of [...startedBy('dist/main/main.cjs'), ...startedBy('dist/main/working-set-worker.cjs')])
      expect(built).toContain(name);
  });

  it('the page loads exactly the bundle its CSP pins', () => {
    const html = readFileSync('dist/renderer/index.html', 'utf8');
    const { scriptHashes } = JSON.parse(readFileSync('dist/renderer/csp.json', 'utf8')) as { scriptHashes: string[] };
    const integrities = [...html.matchAll(/integrity="([^"]+)"/g)].map((m) => m[1]);
    expect(integrities).toEqual(scriptHashes);
    expect(html).toContain(`script-src '${scriptHashes[0]}'`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
  });

  it("the renderer carries no schema library: zod probes `new Function`, which the page's Trusted Types policy refuses", () => {
    const scripts = readdirSync('dist/renderer/assets').filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts)
      expect(readFileSync(`dist/renderer/assets/${file}`, 'utf8')).not.toMatch(/ZodError|new Function/);
  });
});

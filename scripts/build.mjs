// npm run build: the renderer with Vite, main and preload bundled with esbuild.
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';

const started = Date.now();
await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });

// Native modules and Electron itself are loaded at run time, never bundled.
const external = ['electron', 'better-sqlite3-multiple-ciphers', '@napi-rs/keyring', 'pkcs11js', '@electric-sql/pglite', 'pg'];

await esbuild({
  entryPoints: ['main/electron/main.ts'],
  outfile: 'dist/main/main.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});

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

process.stdout.write(`built renderer, main and preload into dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

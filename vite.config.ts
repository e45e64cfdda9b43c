import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is served from app://contactpoint/ under a CSP that allows scripts by
// hash only (scripts/build.ts adds the hashes): no inline scripts, no eval, no
// module-preload polyfill, and one script file.
export default defineConfig({
  root: 'renderer',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'chrome130',
    assetsInlineLimit: 0,
  },
  css: { preprocessorOptions: { scss: { quietDeps: true } } },
});

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is served from app://contactpoint/ under a CSP of script-src 'self':
// no inline scripts, no eval, no module-preload polyfill.
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

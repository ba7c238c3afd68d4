import { defineConfig } from 'vite';

// The panel: Preact through Vite's own JSX transform (Oxc), no Babel preset needed.
export default defineConfig({
  root: import.meta.dirname,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The panel's CSP allows no inline script and the polyfill is for browsers we do not support.
    modulePreload: { polyfill: false },
    // Nothing inlined as data: URLs; every asset is a file the CSP can name.
    assetsInlineLimit: 0,
  },
  logLevel: 'warn',
});

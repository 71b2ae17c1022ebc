import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from './src-shared/api';

// The CSP comes from the contract, so the page, the bridge's header and the tests agree on it.
const csp: Plugin = {
  name: 'safekill-csp',
  transformIndexHtml: (html) => html.replace('__CSP__', CONTENT_SECURITY_POLICY),
};

export default defineConfig({
  root: 'src-renderer',
  // Relative URLs: Electron loads the page from a file, the bridge serves it from `/`.
  base: './',
  plugins: [react(), csp],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No inline scripts or data: URLs for modules, as the CSP allows neither.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
  logLevel: 'warn',
});

import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { injectContentSecurityPolicy } from './src-shared/security/content-security-policy.ts';

/** The page's CSP <meta> is the same string the Electron and host-mode headers send. */
const contentSecurityPolicy: Plugin = {
  name: 'tenant-console:content-security-policy',
  transformIndexHtml: { order: 'pre', handler: injectContentSecurityPolicy },
};

// The renderer is a static bundle: loaded from disk by Electron, served by host mode.
export default defineConfig({
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: './',
  plugins: [contentSecurityPolicy, react()],
  build: {
    outDir: resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
});

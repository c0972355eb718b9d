/// <reference types="vitest/config" />
// The portal is served by Insignia at /portal (insignia/web/portal.py); `npm run dev` proxies the
// API to a running `make run` so the portal can be developed with hot reload.
import { defineConfig } from 'vite';
import { persistedDocuments } from './graphql-documents';

const api = process.env.INSIGNIA_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  base: '/portal/',
  plugins: [persistedDocuments()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    manifest: true,
    rolldownOptions: { output: { minify: true } },
  },
  server: {
    port: 5173,
    proxy: {
      '/graphql': api,
      '/t/': api,
      '^/portal/[^/]+/(config\\.json|dev-login)$': api,
    },
  },
  test: { environment: 'node', include: ['tests/**/*.test.ts'] },
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { compression } from 'vite-plugin-compression2';

// Built with `vite build --config console-ui/vite.config.ts` from the repository root;
// the API serves console-ui/dist as static files on the same origin as /api/v1.
const root = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const apiTarget = process.env.GUARDBELL_API ?? 'http://localhost:8080';

export default defineConfig({
  root,
  base: '/',
  // Brotli and gzip copies beside each asset, served as they are by the API (api/http/static-console.ts).
  plugins: [react(), compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 1024 })],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    // The console shares its types and constants with the API (api/contract), outside this root.
    fs: { allow: [repoRoot] },
    proxy: {
      '/api/v1/stream': { target: apiTarget, ws: true, changeOrigin: false },
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
});

/** Builds the browser relay benchmark page: `vite build -c bench/browser/vite.config.ts`. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  // The page has no public assets of its own; the app's public/ is not wanted here.
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2023',
    minify: true,
    sourcemap: false,
  },
  worker: { format: 'es' },
});

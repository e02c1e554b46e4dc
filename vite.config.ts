import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Debian's Chromium (and every evergreen browser) runs ES2022 natively, including module workers.
const target = 'es2022';

export default defineConfig({
  plugins: [react()],
  build: {
    target,
    // The cluster's workers are built as separate bundles; report them but don't fail on size.
    chunkSizeWarningLimit: 600,
  },
  // 'es' lets workers be real module workers that share code-split chunks; the default 'iife' cannot.
  worker: { format: 'es' },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1' },
});

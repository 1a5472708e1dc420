import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// End-to-end: a real engine on a fresh PGlite folder and Debian's Chromium (npm run test:e2e).
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['runtime-ui/e2e/**/*.e2e.ts'],
    globalSetup: ['runtime-ui/e2e/support/engine-setup.ts'],
    setupFiles: ['runtime-ui/e2e/support/failure-shots.ts'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'runtime-ui/src/**/*.test.ts', 'studio/src/**/*.test.ts'],
    globalSetup: ['engine/test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

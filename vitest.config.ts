import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'runtime-ui/src/**/*.test.ts', 'studio/src/**/*.test.ts'],
    globalSetup: ['engine/test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default (one fewer than the CPUs) runs one file at a time on a 2-CPU machine, while
    // many files mostly wait on child processes and databases: two at a time took the PGlite
    // suite from 561 s to 430 s there.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
  },
});

import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault and hostile-input suites run apart (minutes, and a tmpfs mount): npm run test:faults (vitest.faults.config.ts).
    exclude: ['test/faults/**', 'test/hostile/**', '**/node_modules/**'],
    // Builds web/dist when it is missing or stale: the panel is served from it.
    globalSetup: ['test/setup/build-web.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // At least two files at a time: most tests wait on sockets, timers and Chromium rather
    // than the CPU, so on a 2-core machine (where the default is one) the suite takes 5
    // minutes instead of 8, which leaves CI the time for npm run test:faults.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    reporters: ['default'],
  },
});

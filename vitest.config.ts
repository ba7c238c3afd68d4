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
    reporters: ['default'],
  },
});

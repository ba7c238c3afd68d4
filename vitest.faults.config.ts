import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: crashes, a relay that goes away, a full disk, hostile input by the
 * thousand. Slower than the unit suite and it mounts a tmpfs (root only), so it runs apart.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts', 'test/hostile/**/*.test.ts'],
    globalSetup: ['test/setup/build-web.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});

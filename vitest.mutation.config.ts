import { defineConfig } from 'vitest/config';

/** The tests that drive the election core directly (unit tests and the simulator), for `npm run mutation`. */
export default defineConfig({
  test: {
    include: ['test/core/**/*.test.ts', 'test/sim/**/*.test.ts'],
    testTimeout: 120_000,
  },
});

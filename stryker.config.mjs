// @ts-check
/**
 * Mutation testing of the election core (`npm run mutation`; not part of CI). Every mutant of
 * src/core that no test kills is a rule the tests do not pin down.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  mutate: ['src/core/**/*.ts', '!src/core/assert-never.ts'],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  // 'perTest' let Stryker skip tests that do kill a mutant (it credited them with no coverage of it), so every mutant runs every test.
  coverageAnalysis: 'all',
  checkers: [],
  concurrency: 2,
  timeoutMS: 5_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
};
export default config;

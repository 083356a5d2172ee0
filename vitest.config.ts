import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // *.pg.test.ts need a PostgreSQL server: they run in `npm run test:pg` (vitest.pg.config.ts).
    exclude: ['**/node_modules/**', 'test/**/*.pg.test.ts'],
    // Deterministic host zone; domain tests also re-run themselves under other zones.
    env: { TZ: 'UTC' },
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 20000,
    hookTimeout: 30000,
    // With TEST_DATABASE_URL (npm run test:pg): the template databases every test copies.
    globalSetup: ['./test/helpers/pg-global-setup.ts'],
  },
})

// `npm run test:pg`: every test that touches the database, on PostgreSQL (TEST_DATABASE_URL, set by
// scripts/with-throwaway-postgres.sh). Tests of pure code run once, in `npm test`; so do the tests of
// SQLite's own behaviour (*.sqlite.test.ts: the file, its locks, its pragmas).
import { defineConfig, mergeConfig } from 'vitest/config'
import base from './vitest.config.js'

export default mergeConfig(base, defineConfig({
  test: {
    exclude: [
      '**/node_modules/**',
      'test/**/*.sqlite.test.ts',
      // Pure: no database.
      'test/domain/**',
      'test/register/**',
      'test/presenters/**',
      'test/schemas/**',
      'test/shared/**',
      'test/pages/**',
      'test/catalogue/**',
      'test/calendar/ical.test.ts',
      'test/calendar/feed-cache.test.ts',
      'test/kontroll/coverage-csv.test.ts',
      'test/reminders/templates.test.ts',
      'test/reports/csv.test.ts',
      'test/services/oidc.test.ts',
      'test/config.test.ts',
      'test/tools/fuzz.test.ts',
    ],
  },
}))

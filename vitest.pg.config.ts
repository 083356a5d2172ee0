// `npm run test:pg`: every test that touches the database, on PostgreSQL (TEST_DATABASE_URL, set by
// scripts/with-throwaway-postgres.sh), and the tests only PostgreSQL has (*.pg.test.ts: the schema
// comparison, db:copy, several instances). Tests of pure code run once, in `npm test`; so do the tests
// of SQLite's own behaviour (*.sqlite.test.ts: the file, its locks, its pragmas).
import { defineConfig } from 'vitest/config'
import base from './vitest.config.js'

// Not mergeConfig: it would concatenate the base's exclude list, which keeps *.pg.test.ts out of `npm test`.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/**/*.test.ts'],
    exclude: [
      '**/node_modules/**',
      'test/**/*.sqlite.test.ts',
      // Pure: no database.
      'test/domain/**',
      'test/register/**',
      'test/presenters/**',
      'test/schemas/**',
      'test/shared/**',
      'test/pages/kontroll/**',
      'test/pages/follow-up.test.ts',
      'test/pages/format.test.ts',
      'test/pages/occurrence-page.test.ts',
      'test/pages/wheel-view.test.ts',
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
})

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Deterministic host zone; domain tests also re-run themselves under other zones.
    env: { TZ: 'UTC' },
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 20000,
    hookTimeout: 30000,
  },
})

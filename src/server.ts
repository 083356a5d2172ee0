import { loadConfig } from './config.js'
import { openDatabase } from './db/client.js'
import { runMigrations } from './db/migrate.js'
import { buildApp } from './app.js'
import { systemClock } from './shared/clock.js'
import { createRepositories } from './plugins/db.js'
import { seedIfEmpty } from './seed.js'
import { defaultTemplatesDir, loadCatalogue } from './catalogue/load.js'

const config = loadConfig()
// A broken template stops start-up with a message naming the file and the field.
const catalogue = loadCatalogue(defaultTemplatesDir)
const { sqlite, db } = openDatabase(config.DATABASE_PATH)
runMigrations(sqlite, db)
const app = await buildApp({
  config, db, sqlite, clock: systemClock, catalogue, logger: { level: config.LOG_LEVEL }, closeDatabase: true,
  // The reminder dispatcher runs every REMINDER_INTERVAL_SECONDS; a cron `npm run reminders` may run beside it.
  reminders: config.REMINDERS === 'on' ? { config, intervalMs: config.REMINDER_INTERVAL_SECONDS * 1000 } : undefined,
})
if (config.SEED === 'on') {
  const report = seedIfEmpty(createRepositories(db, systemClock, catalogue), db, catalogue)
  if (report) app.log.info({ entries: report.entries, created: report.created, warnings: report.warnings.length }, 'seeded the Lillehammer region from the 2019 register')
}

let closing = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    // close() stops accepting connections, waits for in-flight requests, then runs onClose (the database last).
    app.close().then(() => process.exit(0), err => { app.log.error({ err }, 'shutdown failed'); process.exit(1) })
  })
}

await app.listen({ port: config.PORT, host: config.HOST })

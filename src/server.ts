import { loadConfig } from './config.js'
import { buildApp } from './app.js'
import { createDependencies, failStartup } from './composition.js'
import { seedIfEmpty } from './seed.js'
import { firstSignIn } from './services/first-admin.js'

// A bad setting or an unusable database stops the server with one line on stderr (failStartup).
const config = (() => { try { return loadConfig() } catch (err) { return failStartup(err) } })()
const start = async () => {
  // listen: several instances may share a PostgreSQL database; each hears the others' commits.
  const deps = await createDependencies({ config, listen: true })
  const app = await buildApp(deps, {
    logger: { level: config.LOG_LEVEL },
    closeDatabase: true,
    // The reminder dispatcher runs every REMINDER_INTERVAL_SECONDS; a cron `npm run reminders` may run beside it.
    reminders: config.REMINDERS === 'on' ? { config, intervalMs: config.REMINDER_INTERVAL_SECONDS * 1000, exclusive: deps.exclusive } : undefined,
  })
  try {
    if (config.SEED === 'on') {
      // Instances starting together on an empty database seed it once; the others skip (and read the seeded region).
      const report = await deps.exclusive('seed', () => seedIfEmpty(deps))
      if (report) app.log.info({ entries: report.entries, created: report.created, warnings: report.warnings.length }, 'seeded the Lillehammer region from the 2019 register')
    }
    // No identity provider needed to get in: the first admin's sign-in link is in the log (issue 14).
    const first = await firstSignIn(deps.services.people, config.BASE_URL, config.ADMIN_EMAIL)
    if (first?.kind === 'link') app.log.warn({ signInUrl: first.url, email: first.email, expiresAt: first.expiresAt.toISOString() }, first.message)
    else if (first) app.log.warn(first.message)
  } catch (err) {
    await app.close()
    throw err
  }
  return app
}
const app = await start().catch(err => failStartup(err, config.DATABASE_PATH))

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

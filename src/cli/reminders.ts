// npm run reminders -- [--dry-run] [--now 2027-03-01T08:00]
// One run of the reminder dispatcher, for cron; safe beside the server's own dispatcher. --now is
// Europe/Oslo wall time (or an ISO instant with offset) and time-travels; --dry-run lists what would
// be sent and writes and sends nothing.
import fs from 'node:fs'
import { loadConfig } from '../config.js'
import { pendingMigrations } from '../db/migrate.js'
import { createDependencies, failStartup, openConfiguredDatabase } from '../composition.js'
import { fixedClock, systemClock } from '../shared/clock.js'
import { isSupportedLocalDateTime, localToInstant } from '../domain/local-time.js'
import { MAX_SUPPORTED_YEAR, MIN_SUPPORTED_YEAR } from '../domain/calendar-date.js'
import { isSupportedTimestamp } from '../schemas/formats.js'
import { fail, readArgs } from './args.js'
import { dispatcherFromConfig } from '../reminders/setup.js'
import { describePlan } from '../reminders/describe.js'
import { REMINDER_ZONE } from '../reminders/planner.js'

const USAGE = `Bruk: npm run reminders -- [--dry-run] [--now 2027-03-01T08:00]
Én kjøring av påminnelsene (for cron). --now er lokal tid i Europe/Oslo (eller et ISO-tidspunkt med sone);
--dry-run viser hva som ville blitt sendt, og skriver og sender ingenting.`
const { values } = readArgs({ 'dry-run': { type: 'boolean', default: false }, now: { type: 'string' } }, USAGE)
const dryRun = values['dry-run'] ?? false
let now: Date | undefined
const nowOption: string | undefined = values.now
if (nowOption !== undefined) {
  // RFC 3339, seconds optional. Date.parse would roll 2027-02-30 over to 2 March: the date is checked first.
  const instant = nowOption.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?=[Zz+-])/, '$1:00')
  if (isSupportedLocalDateTime(nowOption)) now = new Date(+localToInstant(nowOption, REMINDER_ZONE))
  else if (isSupportedTimestamp(instant)) now = new Date(instant)
  if (!now || Number.isNaN(+now)) fail(`--now må være lokal tid i Europe/Oslo, YYYY-MM-DDTHH:mm (eller et ISO-tidspunkt med sone), i årene ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}: ${nowOption}`)
}
const clock = now ? fixedClock(now) : systemClock
// A bad setting or an unusable database: one line on stderr and exit code 1, as for the server.
const config = (() => { try { return loadConfig() } catch (err) { return failStartup(err) } })()
if (dryRun && !config.DATABASE_URL && config.DATABASE_PATH !== ':memory:' && !fs.existsSync(config.DATABASE_PATH)) {
  fail(`Databasen ${config.DATABASE_PATH} finnes ikke; start tjenesten (npm start) én gang først`)
}
const database = (() => { try { return openConfiguredDatabase(config) } catch (err) { return failStartup(err, config.DATABASE_PATH) } })()
// A dry run writes nothing, not even a migration.
if (dryRun) {
  const pending = await pendingMigrations(database).catch(err => failStartup(err, config.DATABASE_PATH))
  if (pending > 0) fail(`Databasen mangler ${pending} migrering(er); kjør uten --dry-run eller start tjenesten først`)
}
const deps = await createDependencies({ config, clock, database, migrate: !dryRun }).catch(err => failStartup(err, config.DATABASE_PATH))
try {
  const { services } = deps
  const log = {
    info: () => {},
    warn: (obj: object, msg: string) => { process.stderr.write(`advarsel: ${msg} ${JSON.stringify(obj)}\n`) },
    error: (obj: object, msg: string) => { process.stderr.write(`feil: ${msg} ${JSON.stringify(obj)}\n`) },
  }
  const dispatcher = dispatcherFromConfig(config, { services, log })
  try {
    if (dryRun) {
      const at = clock.now()
      process.stdout.write(describePlan(await dispatcher.preview(at), at, REMINDER_ZONE, await services.reminders.pendingCount()))
    } else {
      const report = await dispatcher.run({ force: true })
      process.stdout.write(`Påminnelser for ${report.day}: ${report.enqueued} nye i utboksen; ${report.sent} sendt, ${report.retried} prøves igjen senere, ${report.failed} feilet, ${report.cancelled} trukket tilbake${report.waiting ? `, ${report.waiting} e-poster venter på SMTP_URL` : ''}\n`)
    }
  } finally {
    dispatcher.close()
  }
} finally {
  await deps.close()
}

// npm run demo [-- --file seeds/demo-kontroll.json]: loads the invented example plans for the kontrollutvalg
// (seeds/demo-kontroll.json) into the database. Never run by `npm start`. Seeds the register first if the
// database is empty; running it twice changes nothing.
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/client.js'
import { runMigrations } from '../db/migrate.js'
import { createRepositories } from '../plugins/db.js'
import { systemClock } from '../shared/clock.js'
import { defaultTemplatesDir, loadCatalogue } from '../catalogue/load.js'
import { seedIfEmpty } from '../seed.js'
import { DEMO_KONTROLL_FILE, loadDemoKontroll, readDemoKontroll } from '../kontroll/demo.js'

const { values } = parseArgs({ options: { file: { type: 'string', default: DEMO_KONTROLL_FILE } } })
const config = loadConfig()
const { sqlite, db } = openDatabase(config.DATABASE_PATH)
runMigrations(sqlite, db)
try {
  const catalogue = loadCatalogue(defaultTemplatesDir)
  const repos = createRepositories(db, systemClock, catalogue)
  const seeded = seedIfEmpty(repos, db, catalogue)
  const data = readDemoKontroll(values.file)
  const report = loadDemoKontroll(repos, data, { tokenId: null, label: 'cli:demo' })
  process.stdout.write(`${JSON.stringify({ database: config.DATABASE_PATH, seededRegister: seeded !== null, note: data._note, ...report }, null, 2)}\n`)
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
} finally {
  sqlite.close()
}

// What every one-shot command needs: config, a migrated database, the catalogue and the repositories.
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/client.js'
import { runMigrations } from '../db/migrate.js'
import { createRepositories } from '../plugins/db.js'
import { systemClock } from '../shared/clock.js'
import { defaultTemplatesDir, loadCatalogue } from '../catalogue/load.js'

export function openCliContext () {
  const config = loadConfig()
  const catalogue = loadCatalogue(defaultTemplatesDir)
  const { sqlite, db } = openDatabase(config.DATABASE_PATH)
  runMigrations(sqlite, db)
  return { config, catalogue, sqlite, db, repos: createRepositories(db, systemClock, catalogue) }
}

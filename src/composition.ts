// The composition root: the one place the object graph is built, for the server, every CLI command
// and the tests (issue 10). Nothing else constructs repositories or services.
import { openDatabase, type DatabaseHandle } from './db/client.js'
import { runMigrations } from './db/migrate.js'
import { createSqliteTransactor, type Transactor } from './db/executor.js'
import { systemClock, type Clock } from './shared/clock.js'
import { defaultTemplatesDir, loadCatalogue, type Catalogue } from './catalogue/load.js'
import { createRepositories, type Repositories } from './repositories/index.js'
import { createServices, type Services } from './services/index.js'
import type { Config } from './config.js'

export type DependencyConfig = Pick<Config, 'BASE_URL' | 'DATABASE_PATH'> & Partial<Config>

export interface Dependencies {
  config: DependencyConfig
  clock: Clock
  catalogue: Catalogue
  database: DatabaseHandle
  transactor: Transactor
  repos: Repositories
  services: Services
  /** Closes the database. Idempotent. */
  close (): void
}

export interface DependencyOptions {
  config: DependencyConfig
  clock?: Clock
  /** Loaded (and validated) from templates/ when not given; tests share one. */
  catalogue?: Catalogue
  /** An open database; otherwise `config.DATABASE_PATH` is opened. Migrations run either way. */
  database?: DatabaseHandle
  /** false: leave the schema as it is (a dry run writes nothing, not even a migration). */
  migrate?: boolean
}

/** Opens and migrates the database, loads the catalogue, builds repositories and services. */
export function createDependencies (opts: DependencyOptions): Dependencies {
  const clock = opts.clock ?? systemClock
  // A broken template stops start-up with a message naming the file and the field.
  const catalogue = opts.catalogue ?? loadCatalogue(defaultTemplatesDir)
  const database = opts.database ?? openDatabase(opts.config.DATABASE_PATH)
  if (opts.migrate ?? true) runMigrations(database.sqlite, database.db)
  const transactor = createSqliteTransactor(database.sqlite, database.db)
  const repos = createRepositories(database.db, clock)
  const services = createServices({ clock, catalogue, transactor, repos, baseUrl: opts.config.BASE_URL })
  let closed = false
  return {
    config: opts.config,
    clock,
    catalogue,
    database,
    transactor,
    repos,
    services,
    close () {
      if (closed) return
      closed = true
      services.occurrenceIndex.stop()
      database.sqlite.close()
    },
  }
}

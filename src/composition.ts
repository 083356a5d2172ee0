// The composition root: the one place the object graph is built, for the server, every CLI command
// and the tests (issue 10). Nothing else constructs repositories or services.
import { DatabaseOpenError, openDatabase, sqliteOpenProblem, type DatabaseHandle } from './db/client.js'
import { migrateDatabase } from './db/migrate.js'
import { createSqliteTransactor, type Transactor } from './db/executor.js'
import { createPgTransactor, openPostgres, postgresOpenProblem, redactUrl } from './db/pg.js'
import { createExclusive, type Exclusive } from './db/exclusive.js'
import { listenForChanges, type Change, type ChangeListener } from './db/changes.js'
import { systemClock, type Clock } from './shared/clock.js'
import { defaultTemplatesDir, loadCatalogue, type Catalogue } from './catalogue/load.js'
import { createRepositories, type Repositories } from './repositories/index.js'
import { createServices, type Services } from './services/index.js'
import { ConfigError, DEFAULT_DATABASE_PATH, mailDomainOf, type Config } from './config.js'
import { createOidcService, loadOidcProviders, type OidcService } from './services/oidc.js'
import { createSignInMailService, type SignInMailService } from './services/sign-in-mail.js'
import { createSmtpTransport } from './reminders/mailer.js'

export type DependencyConfig = Pick<Config, 'BASE_URL' | 'DATABASE_PATH'> & Partial<Config>

/**
 * The configured database, not yet migrated: PostgreSQL when DATABASE_URL is set, else the SQLite file
 * at DATABASE_PATH (only the default's ./data folder is created: a mistyped volume path must not start
 * an empty database elsewhere).
 */
export function openConfiguredDatabase (config: Pick<Config, 'DATABASE_PATH'> & Partial<Config>): DatabaseHandle {
  if (config.DATABASE_URL) return openPostgres(config.DATABASE_URL)
  return openDatabase(config.DATABASE_PATH, { createDirectory: config.DATABASE_PATH === DEFAULT_DATABASE_PATH })
}

export interface Dependencies {
  config: DependencyConfig
  clock: Clock
  catalogue: Catalogue
  database: DatabaseHandle
  transactor: Transactor
  repos: Repositories
  services: Services
  /** OpenID Connect sign-in with the providers of OIDC_PROVIDERS_FILE (none when unset). */
  oidc: OidcService
  /** Sign-in links by e-mail; null without SMTP_URL. */
  signInMail: SignInMailService | null
  /** Background work one instance at a time (reminder runs, the index's roll-forward, seeding): src/db/exclusive.ts. */
  exclusive: Exclusive
  /** PostgreSQL with `listen`: other instances' changes, as they commit (src/db/changes.ts); else undefined. */
  changes: ChangeListener | undefined
  /** Stops background work and closes the database. Idempotent. */
  close (): Promise<void>
}

export interface DependencyOptions {
  config: DependencyConfig
  clock?: Clock
  /** Loaded (and validated) from templates/ when not given; tests share one. */
  catalogue?: Catalogue
  /** An open database; otherwise the configured one is opened (openConfiguredDatabase). Migrations run either way. */
  database?: DatabaseHandle
  /** false: leave the schema as it is (a dry run writes nothing, not even a migration). */
  migrate?: boolean
  /**
   * A long-running server on PostgreSQL: listen for other instances' commits and re-read what they
   * change in this one's memory (calendar revisions for feed caches, the index's horizon). One-shot
   * CLI commands and tests on one instance leave it off.
   */
  listen?: boolean
}

/** Opens and migrates the database, loads the catalogue, builds repositories and services. */
export async function createDependencies (opts: DependencyOptions): Promise<Dependencies> {
  const clock = opts.clock ?? systemClock
  // Before the database is opened: a bad providers file stops start-up naming the provider and field.
  const oidcProviders = loadOidcProviders(opts.config.OIDC_PROVIDERS_FILE)
  // A broken template stops start-up with a message naming the file and the field.
  const catalogue = opts.catalogue ?? loadCatalogue(defaultTemplatesDir)
  const database = opts.database ?? openConfiguredDatabase(opts.config)
  if (opts.migrate ?? true) {
    try {
      await migrateDatabase(database)
    } catch (err) {
      // SQLite: a database damaged beyond its first pages, or a disk that fails, shows up here.
      // PostgreSQL: the first connection (server down, wrong password, no such database).
      const problem = database.dialect === 'pg'
        ? postgresOpenProblem(err)
        : sqliteOpenProblem(err) ?? sqliteOpenProblem((err as { cause?: unknown }).cause)
      if (!problem) throw err
      if (!opts.database) await database.close()
      throw new DatabaseOpenError(database.label, problem, { cause: err })
    }
  }
  const transactor = database.dialect === 'pg' ? createPgTransactor(database) : createSqliteTransactor(database.sqlite, database.db)
  const repos = createRepositories(database.db, clock)
  const exclusive = createExclusive(database)
  const services = createServices({ clock, catalogue, transactor, repos, exclusive, baseUrl: opts.config.BASE_URL, sessionIdleMinutes: opts.config.SESSION_IDLE_MINUTES, sessionMaxHours: opts.config.SESSION_MAX_HOURS })
  // Another instance's commit: re-read what it changed, as this instance's own commits update it.
  // On every (re)connection everything is re-read: notifications sent while disconnected are lost.
  const index = services.occurrenceIndex
  const reread = (change: Change) => {
    // Named calendars are bumped at once, before any request this instance reads next.
    if (change.kind === 'revisions' && change.keys && change.seq !== undefined) return index.noteRevisions(change.keys, change.seq)
    const work = change.kind === 'index' ? Promise.all([index.reload(), index.syncRevisions()]) : index.syncRevisions()
    work.catch(() => {}) // the db plugin's periodic sync reads them again and reports failures
  }
  const changes = opts.listen ? listenForChanges(database, { onChange: reread, onConnect: () => reread({ kind: 'index' }) }) : undefined
  const signInMail = opts.config.SMTP_URL
    ? createSignInMailService({ people: services.people, transport: createSmtpTransport(opts.config.SMTP_URL), from: opts.config.MAIL_FROM ?? `Årshjul <arshjul@${mailDomainOf(opts.config.BASE_URL)}>`, baseUrl: opts.config.BASE_URL })
    : null
  let closed = false
  return {
    config: opts.config,
    clock,
    catalogue,
    database,
    transactor,
    repos,
    services,
    oidc: createOidcService({ providers: oidcProviders, people: services.people, baseUrl: opts.config.BASE_URL }),
    signInMail,
    exclusive,
    changes,
    async close () {
      if (closed) return
      closed = true
      services.occurrenceIndex.stop()
      await changes?.close()
      signInMail?.close()
      await database.close()
    },
  }
}

/**
 * For a failure while starting (server or CLI): a bad setting or a database that cannot be opened,
 * migrated or read is told as ONE line on stderr, with exit code 1 and no stack trace; anything else is
 * a bug and is rethrown with its stack. `file`: the configured DATABASE_PATH, for SQLite errors met
 * after opening (seeding, the first reads).
 */
export function failStartup (err: unknown, file?: string): never {
  let message: string | undefined
  if (err instanceof ConfigError || err instanceof DatabaseOpenError) message = err.message
  else if (file !== undefined && sqliteOpenProblem(err)) message = new DatabaseOpenError(file, sqliteOpenProblem(err)!).message
  // A PostgreSQL server that refuses us after start-up began (the CLI's first query): named by the URL from the environment, password hidden.
  else if (postgresOpenProblem(err)) message = new DatabaseOpenError(redactUrl(process.env.DATABASE_URL ?? 'PostgreSQL'), postgresOpenProblem(err)!).message
  if (message === undefined) throw err
  process.stderr.write(`${message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`)
  process.exit(1)
}

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase } from '../../src/db/client.js'
import { buildApp } from '../../src/app.js'
import { fixedClock } from '../../src/shared/clock.js'
import { createDependencies } from '../../src/composition.js'
import { seedIfEmpty } from '../../src/seed.js'
import { defaultTemplatesDir, loadCatalogue } from '../../src/catalogue/load.js'
import type { RemindersPluginOptions } from '../../src/plugins/reminders.js'
import type { Config } from '../../src/config.js'
import type { DependencyConfig } from '../../src/composition.js'
import { BASE_URL, SEED_TRACKING_FROM, TEMPLATE_NOW } from './constants.js'
import { createPgTestDatabase, databaseSnapshot, openPgTestDatabase, TEST_DATABASE_URL, testSql } from './database.js'

export { databaseSnapshot, testDialect, type TestSql } from './database.js'

export const catalogue = loadCatalogue(defaultTemplatesDir)

export { BASE_URL, SEED_TRACKING_FROM, TEMPLATE_NOW } from './constants.js'

let seededTemplate: string | undefined

/** Migrating and importing once per worker and copying the file keeps each test's database fresh and fast. */
async function seededTemplateFile (): Promise<string> {
  if (seededTemplate) return seededTemplate
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-template-'))
  const file = path.join(dir, 'template.db')
  const database = openDatabase(file)
  const deps = await createDependencies({ config: { BASE_URL, DATABASE_PATH: file }, clock: fixedClock(TEMPLATE_NOW), catalogue, database })
  await seedIfEmpty(deps, { trackingFrom: SEED_TRACKING_FROM })
  database.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  await deps.close()
  seededTemplate = file
  return file
}

/**
 * The composition root over a fresh copy of the seeded (or an empty) database, without an app.
 * `config`: settings besides BASE_URL and DATABASE_PATH (the fuzzer switches rate limits off).
 */
export async function buildTestDependencies (opts: { seed?: boolean; now?: string; config?: Partial<DependencyConfig> } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-test-'))
  const clock = fixedClock(opts.now ?? TEMPLATE_NOW)
  const seed = opts.seed ?? true
  let file: string | undefined
  let database
  let drop = async () => {}
  if (TEST_DATABASE_URL) {
    const created = await createPgTestDatabase(seed ? 'seeded' : 'empty')
    database = openPgTestDatabase(created.url)
    drop = created.drop
  } else {
    file = path.join(dir, 'test.db')
    if (seed) fs.copyFileSync(await seededTemplateFile(), file)
    database = openDatabase(file)
  }
  const deps = await createDependencies({ config: { ...opts.config, BASE_URL: opts.config?.BASE_URL ?? BASE_URL, DATABASE_PATH: file ?? ':memory:' }, clock, catalogue, database })
  return {
    deps,
    clock,
    dir,
    /** The SQLite file; undefined on PostgreSQL. */
    file,
    /** Raw SQL on the test's database, either dialect. */
    sql: testSql(database),
    /** Closes the database and removes it (the temp folder, or the PostgreSQL database). */
    async dispose () {
      await deps.close()
      await drop()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * A real SQLite database in a temp file, migrated, optionally seeded with the 2019 register. The suite
 * sends many requests from one address and blocks the event loop while it sets up, so rate limits and
 * the event-loop check are off unless a test's `config` turns them on.
 */
export async function buildTestApp (opts: { seed?: boolean; now?: string; reminders?: RemindersPluginOptions; config?: Partial<Config> } = {}) {
  const built = await buildTestDependencies({ ...opts, config: { RATE_LIMIT: 'off', MAX_EVENT_LOOP_DELAY_MS: 0, ...opts.config } })
  const { deps, clock, file, sql } = built
  const { repos, services } = deps
  const { db } = deps.database
  const app = await buildApp(deps, { closeDatabase: true, reminders: opts.reminders })
  const admin = (await services.tokens.create({ label: 'test-admin', role: 'admin' })).token
  const oyer = await services.municipalities.find('oyer')
  const editorOyer = oyer ? (await services.tokens.create({ label: 'test-editor-oyer', role: 'editor', municipality: oyer.id })).token : ''

  /**
   * Every row of every table (tokens' last-use stamps excluded): compare before and after a rejected request.
   * It first waits for a background rebuild of the occurrence index (a horizon that moved with the test's
   * clock), which is no request's write and, on PostgreSQL, may still be running between two snapshots.
   */
  const snapshot = async (): Promise<string> => {
    await services.occurrenceIndex.settled()
    return databaseSnapshot(deps.database, { exclude: ['api_token'] })
  }

  return {
    app,
    deps,
    services,
    db,
    sql,
    dialect: deps.database.dialect,
    clock,
    repos,
    file,
    snapshot,
    tokens: { admin, editorOyer },
    auth: (token: string) => ({ authorization: `Bearer ${token}` }),
    async close () {
      await app.close()
      await built.dispose()
    },
  }
}
export type TestApp = Awaited<ReturnType<typeof buildTestApp>>

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase, type Sqlite } from '../../src/db/client.js'
import { buildApp } from '../../src/app.js'
import { fixedClock } from '../../src/shared/clock.js'
import { createDependencies } from '../../src/composition.js'
import { seedIfEmpty } from '../../src/seed.js'
import { defaultTemplatesDir, loadCatalogue } from '../../src/catalogue/load.js'
import type { RemindersPluginOptions } from '../../src/plugins/reminders.js'
import type { Config } from '../../src/config.js'
import type { DependencyConfig } from '../../src/composition.js'

export const catalogue = loadCatalogue(defaultTemplatesDir)

export const BASE_URL = 'https://arshjul.test'

const TEMPLATE_NOW = '2027-01-15T09:00:00Z'
let seededTemplate: string | undefined

/** Migrating and importing once per worker and copying the file keeps each test's database fresh and fast. */
async function seededTemplateFile (): Promise<string> {
  if (seededTemplate) return seededTemplate
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-template-'))
  const file = path.join(dir, 'template.db')
  const deps = createDependencies({ config: { BASE_URL, DATABASE_PATH: file }, clock: fixedClock(TEMPLATE_NOW), catalogue })
  // Tracking from well before TEMPLATE_NOW: the suite's tests expect the seed's history to count (overdue items
  // in 2025–2026); a real first start tracks from its own day (src/seed.ts).
  await seedIfEmpty(deps, { trackingFrom: '2025-01-01' })
  deps.database.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  deps.close()
  seededTemplate = file
  return file
}

/** Every row of every table but `exclude`: compare before and after a refused write or rejected request. */
export function databaseSnapshot (sqlite: Sqlite, opts: { exclude?: string[] } = {}): string {
  const exclude = new Set(opts.exclude)
  const tables = (sqlite.prepare("select name from sqlite_master where type='table' and name not like 'sqlite_%' order by name").all() as Array<{ name: string }>)
    .map(t => t.name)
    .filter(name => !exclude.has(name))
  return JSON.stringify(Object.fromEntries(tables.map(name => [name, sqlite.prepare(`select * from "${name}"`).all()])))
}

/**
 * The composition root over a fresh copy of the seeded (or an empty) database, without an app.
 * `config`: settings besides BASE_URL and DATABASE_PATH (the fuzzer switches rate limits off).
 */
export async function buildTestDependencies (opts: { seed?: boolean; now?: string; config?: Partial<DependencyConfig> } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-test-'))
  const file = path.join(dir, 'test.db')
  if (opts.seed ?? true) fs.copyFileSync(await seededTemplateFile(), file)
  const clock = fixedClock(opts.now ?? TEMPLATE_NOW)
  const deps = createDependencies({ config: { ...opts.config, BASE_URL: opts.config?.BASE_URL ?? BASE_URL, DATABASE_PATH: file }, clock, catalogue, database: openDatabase(file) })
  return { deps, clock, dir, file }
}

/**
 * A real SQLite database in a temp file, migrated, optionally seeded with the 2019 register. The suite
 * sends many requests from one address and blocks the event loop while it sets up, so rate limits and
 * the event-loop check are off unless a test's `config` turns them on.
 */
export async function buildTestApp (opts: { seed?: boolean; now?: string; reminders?: RemindersPluginOptions; config?: Partial<Config> } = {}) {
  const { deps, clock, dir, file } = await buildTestDependencies({ ...opts, config: { RATE_LIMIT: 'off', MAX_EVENT_LOOP_DELAY_MS: 0, ...opts.config } })
  const { repos, services } = deps
  const { sqlite, db } = deps.database
  const app = await buildApp(deps, { closeDatabase: true, reminders: opts.reminders })
  const admin = (await services.tokens.create({ label: 'test-admin', role: 'admin' })).token
  const oyer = await services.municipalities.find('oyer')
  const editorOyer = oyer ? (await services.tokens.create({ label: 'test-editor-oyer', role: 'editor', municipality: oyer.id })).token : ''

  /** Every row of every table (tokens' last-use stamps excluded): compare before and after a rejected request. */
  const snapshot = (): string => databaseSnapshot(sqlite, { exclude: ['api_token'] })

  return {
    app,
    deps,
    services,
    db,
    sqlite,
    clock,
    repos,
    file,
    snapshot,
    tokens: { admin, editorOyer },
    auth: (token: string) => ({ authorization: `Bearer ${token}` }),
    async close () {
      await app.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
export type TestApp = Awaited<ReturnType<typeof buildTestApp>>

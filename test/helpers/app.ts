import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'
import { buildApp } from '../../src/app.js'
import { fixedClock } from '../../src/shared/clock.js'
import { createRepositories } from '../../src/plugins/db.js'
import { seedIfEmpty } from '../../src/seed.js'
import { defaultTemplatesDir, loadCatalogue } from '../../src/catalogue/load.js'
import type { RemindersPluginOptions } from '../../src/plugins/reminders.js'

export const catalogue = loadCatalogue(defaultTemplatesDir)

export const BASE_URL = 'https://arshjul.test'

const TEMPLATE_NOW = '2027-01-15T09:00:00Z'
let seededTemplate: string | undefined

/** Migrating and importing once per worker and copying the file keeps each test's database fresh and fast. */
function seededTemplateFile (): string {
  if (seededTemplate) return seededTemplate
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-template-'))
  const file = path.join(dir, 'template.db')
  const { sqlite, db } = openDatabase(file)
  runMigrations(sqlite, db)
  seedIfEmpty(createRepositories(db, fixedClock(TEMPLATE_NOW), catalogue), db, catalogue)
  sqlite.pragma('wal_checkpoint(TRUNCATE)')
  sqlite.close()
  seededTemplate = file
  return file
}

/** A real SQLite database in a temp file, migrated, optionally seeded with the 2019 register. */
export async function buildTestApp (opts: { seed?: boolean; now?: string; reminders?: RemindersPluginOptions } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-test-'))
  const file = path.join(dir, 'test.db')
  if (opts.seed ?? true) fs.copyFileSync(seededTemplateFile(), file)
  const { sqlite, db } = openDatabase(file)
  runMigrations(sqlite, db)
  const clock = fixedClock(opts.now ?? TEMPLATE_NOW)
  const repos = createRepositories(db, clock, catalogue)
  const app = await buildApp({ config: { BASE_URL }, db, sqlite, clock, catalogue, closeDatabase: true, reminders: opts.reminders })
  const admin = repos.tokens.create({ label: 'test-admin', role: 'admin', municipalityId: null }).token
  const oyer = repos.municipalities.find('oyer')
  const editorOyer = oyer ? repos.tokens.create({ label: 'test-editor-oyer', role: 'editor', municipalityId: oyer.id }).token : ''

  /** Every row of every table (tokens' last-use stamps excluded): compare before and after a rejected request. */
  function snapshot (): string {
    const tables = (sqlite.prepare("select name from sqlite_master where type='table' and name not like 'sqlite_%' and name <> 'api_token' order by name").all() as Array<{ name: string }>).map(t => t.name)
    return JSON.stringify(Object.fromEntries(tables.map(t => [t, sqlite.prepare(`select * from "${t}"`).all()])))
  }

  return {
    app, db, sqlite, clock, repos, file, snapshot,
    tokens: { admin, editorOyer },
    auth: (token: string) => ({ authorization: `Bearer ${token}` }),
    async close () {
      await app.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
export type TestApp = Awaited<ReturnType<typeof buildTestApp>>

// The database a command under test runs on, as an operator's would be: a real SQLite file under a
// scratch folder (npm test), or a fresh PostgreSQL database on TEST_DATABASE_URL's server (npm run
// test:pg). Either is gone after the test.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { createDependencies, type Dependencies } from '../../src/composition.js'
import { seedIfEmpty } from '../../src/seed.js'
import type { Clock } from '../../src/shared/clock.js'
import { BASE_URL, catalogue } from '../helpers/app.js'
import { createPgTestDatabase, openPgTestDatabase, TEST_DATABASE_URL, testSql } from '../helpers/database.js'
import { realDatabase, scratchFolders } from '../helpers/files.js'

export interface CommandDatabase {
  /** What a child process gets: DATABASE_PATH (SQLite) or DATABASE_URL (PostgreSQL). */
  env: Record<string, string>
  /** The SQLite file; undefined on PostgreSQL. */
  file?: string
  /** The composition root over it, as a second process opens it (close it after). */
  open (opts?: { clock?: Clock; baseUrl?: string }): Promise<Dependencies>
}

/**
 * `await db()` makes a migrated database (`{ seed: true }`: with the seeded region) for this test.
 * `prefix` names the scratch folders of the SQLite files.
 */
export function commandDatabases (prefix: string): (opts?: { seed?: boolean }) => Promise<CommandDatabase> {
  const tempDir = scratchFolders(prefix)
  const drops: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const drop of drops.splice(0)) await drop()
  })
  return async (opts = {}): Promise<CommandDatabase> => {
    if (TEST_DATABASE_URL) {
      const created = await createPgTestDatabase(opts.seed ? 'seeded' : 'empty')
      drops.push(created.drop)
      return {
        env: { DATABASE_URL: created.url, DATABASE_PATH: ':memory:' },
        open: ({ clock, baseUrl } = {}) => createDependencies({ config: { BASE_URL: baseUrl ?? BASE_URL, DATABASE_PATH: ':memory:', DATABASE_URL: created.url }, catalogue, clock }),
      }
    }
    const dir = tempDir()
    let file: string
    if (opts.seed) {
      file = path.join(dir, 'seeded.db')
      const deps = await createDependencies({ config: { BASE_URL, DATABASE_PATH: file }, catalogue })
      await seedIfEmpty(deps)
      await deps.close()
    } else {
      file = await realDatabase(dir)
    }
    return {
      env: { DATABASE_PATH: file },
      file,
      open: ({ clock, baseUrl } = {}) => createDependencies({ config: { BASE_URL: baseUrl ?? BASE_URL, DATABASE_PATH: file }, catalogue, clock }),
    }
  }
}

/** `process.env` without a database of its own: the test's `CommandDatabase.env` goes on top. */
export function envWithoutDatabase (): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  delete env.DATABASE_URL
  delete env.DATABASE_PATH
  return env
}

/**
 * One database for all of a file's tests, read the way another process would (opened for each read).
 * SQLite: a path in a scratch folder where no file is yet (the first command creates and migrates it);
 * PostgreSQL: an empty database, migrated.
 */
export function fileDatabase (prefix: string) {
  let dir: string | undefined
  let file: string | undefined
  let url: string | undefined
  let drop: (() => Promise<void>) | undefined
  beforeAll(async () => {
    if (TEST_DATABASE_URL) {
      const created = await createPgTestDatabase('empty')
      url = created.url
      drop = created.drop
    } else {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
      file = path.join(dir, 'cli.db')
    }
  })
  afterAll(async () => {
    await drop?.()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })
  return {
    /** What a child process gets: DATABASE_PATH (SQLite) or DATABASE_URL (PostgreSQL). */
    get env (): Record<string, string> {
      return url ? { DATABASE_URL: url, DATABASE_PATH: ':memory:' } : { DATABASE_PATH: file! }
    },
    /** The rows of a query (`?` placeholders; quote camelCase aliases). */
    async all<T = Record<string, unknown>> (text: string, ...params: unknown[]): Promise<T[]> {
      if (!url) {
        const db = new Database(file!, { readonly: true })
        try {
          return db.prepare(text).all(...params) as T[]
        } finally { db.close() }
      }
      const handle = openPgTestDatabase(url)
      try {
        return await testSql(handle).all<T>(text, ...params)
      } finally { await handle.close() }
    },
  }
}

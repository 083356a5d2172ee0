import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { TEST_DATABASE_URL, withDatabase } from './helpers/database.js'
import { run } from './helpers/entry-points.js'
import { scratchFolders } from './helpers/files.js'

// The real entry points as an operator starts them: `node --import tsx src/server.ts` (npm start) and a
// CLI command, on the test's database (a SQLite file, or PostgreSQL under npm run test:pg), and with one it
// cannot use. Each must stop with ONE line on stderr naming the database and the problem, no stack trace,
// and a non-zero exit code. SQLite's damaged and read-only files: test/server.sqlite.test.ts.
const tempDir = scratchFolders('arshjul-start-')

/** Runs `sql` on the PostgreSQL server (or one of its databases). */
async function onServer<T extends pg.QueryResultRow> (url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(sql)).rows
  } finally {
    await client.end()
  }
}

const dropped: string[] = []
afterEach(async () => {
  for (const name of dropped.splice(0)) await onServer(TEST_DATABASE_URL!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
})

/** A brand-new database, as an operator makes one with createdb: no tables, no migrations. */
async function newPgDatabase (): Promise<string> {
  const name = `arshjul_start_${process.pid}_${Date.now().toString(36)}`
  await onServer(TEST_DATABASE_URL!, `CREATE DATABASE ${name}`)
  dropped.push(name)
  return withDatabase(TEST_DATABASE_URL!, name)
}

/** What the commands get: a fresh SQLite file in an existing folder, or a new PostgreSQL database. */
async function freshDatabase (): Promise<{ env: Record<string, string>; migrated: () => Promise<boolean> }> {
  if (TEST_DATABASE_URL) {
    const url = await newPgDatabase()
    const migrated = async () => Number((await onServer<{ n: string }>(url, 'SELECT count(*) AS n FROM drizzle.__drizzle_migrations'))[0]!.n) > 0
    return { env: { DATABASE_URL: url }, migrated }
  }
  const file = path.join(tempDir(), 'fresh.db')
  return { env: { DATABASE_PATH: file }, migrated: async () => fs.existsSync(file) }
}

describe('npm start on its database', () => {
  it('starts on a fresh database, migrates it and stops cleanly (the control)', async () => {
    const db = await freshDatabase()
    const r = await run('src/server.ts', db.env, [], true)
    expect(r.stdout).toContain('Server listening')
    expect(r.code, r.stderr).toBe(0)
    expect(await db.migrated()).toBe(true)
  }, 90_000)

  it('a bad setting is one line too', async () => {
    const r = await run('src/server.ts', { ...(await freshDatabase()).env, PORT: 'abc' })
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^Ugyldig konfigurasjon: PORT/)
    expect(r.stderr).not.toContain('    at ')
  }, 90_000)
})

import { createRequire } from 'node:module'
import { sql } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { dialectOf, run } from '../../src/db/query.js'
import { openDatabase } from '../../src/db/client.js'
import { journalLength, migrationsFolder } from '../../src/db/migrate.js'
import { createHealthRepository } from '../../src/repositories/health.js'
import { createHealthService } from '../../src/services/health.js'

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

async function emptyApp (): Promise<TestApp> {
  const t = await buildTestApp({ seed: false })
  cleanup.push(() => t.close())
  return t
}

/** Forgets the newest applied migration, as a database migrated by an older version would look. */
async function forgetLastMigration (t: TestApp): Promise<void> {
  const table = dialectOf(t.db) === 'pg' ? sql`drizzle.__drizzle_migrations` : sql`__drizzle_migrations`
  // drizzle's SQLite table has no usable id (SERIAL is no rowid alias there): the newest is the latest created_at.
  expect(await run(t.db, sql`delete from ${table} where created_at = (select max(created_at) from ${table})`)).toBe(1)
}

describe('GET /health', () => {
  it('answers ok with the package version when the database answers', async () => {
    const t = await emptyApp()
    const res = await t.app.inject('/health')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.json()).toEqual({ status: 'ok', db: 'ok', version })
    expect(version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('needs no token, and ignores none', async () => {
    const t = await emptyApp()
    expect((await t.app.inject({ url: '/health', headers: t.auth(t.tokens.admin) })).json()).toEqual({ status: 'ok', db: 'ok', version })
  })

  it('answers 503 with db error once the database is closed', async () => {
    const t = await emptyApp()
    expect((await t.app.inject('/health')).statusCode).toBe(200)
    // Closing twice is harmless: the app closes it again on shutdown.
    await t.deps.database.close()
    const res = await t.app.inject('/health')
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({ status: 'error', db: 'error', version })
    // The reply names no internals.
    expect(res.body).not.toMatch(/not open|sqlite|pool|stack/i)
  })
})

describe('GET /health/live', () => {
  it('answers ok without asking the database, also once it is closed', async () => {
    const t = await emptyApp()
    expect((await t.app.inject('/health/live')).json()).toEqual({ status: 'ok', version })
    await t.deps.database.close()
    const res = await t.app.inject('/health/live')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok', version })
  })
})

describe('GET /health/ready', () => {
  it('answers ok when the database answers and every migration is applied', async () => {
    const t = await emptyApp()
    const res = await t.app.inject('/health/ready')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok', version })
  })

  it('answers 503 naming the missing migration when the database lacks the newest one', async () => {
    const t = await emptyApp()
    await forgetLastMigration(t)
    const res = await t.app.inject('/health/ready')
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({ status: 'error', reason: 'Databasen mangler 1 migrering', version })
    // /health only asks whether the database answers, as before.
    expect((await t.app.inject('/health')).statusCode).toBe(200)
    expect((await t.app.inject('/health/live')).statusCode).toBe(200)
  })

  it('answers 503 «Databasen svarer ikke» once the database is closed, with no SQL or stack', async () => {
    const t = await emptyApp()
    expect((await t.app.inject('/health/ready')).statusCode).toBe(200)
    await t.deps.database.close()
    const res = await t.app.inject('/health/ready')
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({ status: 'error', reason: 'Databasen svarer ikke', version })
    expect(res.body).not.toMatch(/select|drizzle|sqlite|pool|stack|at /i)
  })
})

describe('health service readiness', () => {
  it('counts every shipped migration as missing on a database never migrated', async () => {
    const { db, close } = openDatabase(':memory:')
    cleanup.push(() => close())
    const shipped = journalLength(migrationsFolder('sqlite'))
    expect(shipped).toBeGreaterThan(1)
    expect(await createHealthRepository(db).migrationState()).toEqual({ shipped, applied: 0 })
    expect(await createHealthService({ health: createHealthRepository(db) }).readiness()).toEqual({ ready: false, reason: `Databasen mangler ${shipped} migreringer` })
  })
})

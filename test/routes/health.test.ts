import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, catalogue, BASE_URL, type TestApp } from '../helpers/app.js'
import { buildApp, type App } from '../../src/app.js'
import { createDependencies } from '../../src/composition.js'
import { fixedClock } from '../../src/shared/clock.js'

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

describe('GET /health', () => {
  it('answers ok with the package version when the database answers', async () => {
    const t: TestApp = await buildTestApp({ seed: false })
    cleanup.push(() => t.close())
    const res = await t.app.inject('/health')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.json()).toEqual({ status: 'ok', db: 'ok', version })
    expect(version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('needs no token, and ignores none', async () => {
    const t = await buildTestApp({ seed: false })
    cleanup.push(() => t.close())
    expect((await t.app.inject({ url: '/health', headers: t.auth(t.tokens.admin) })).json()).toEqual({ status: 'ok', db: 'ok', version })
  })

  it('answers 503 with db error once the SQLite handle is closed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-health-'))
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }))
    const file = path.join(dir, 'health.db')
    const deps = createDependencies({ config: { BASE_URL, DATABASE_PATH: file }, clock: fixedClock('2027-01-15T09:00:00Z'), catalogue })
    const { sqlite } = deps.database
    // The test owns the handle, so closing the app later does not close it a second time.
    const app: App = await buildApp(deps, { closeDatabase: false })
    cleanup.push(() => app.close())

    expect((await app.inject('/health')).statusCode).toBe(200)
    sqlite.close()
    const res = await app.inject('/health')
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({ status: 'error', db: 'error', version })
    // The reply names no internals.
    expect(res.body).not.toMatch(/not open|sqlite|stack/i)
  })
})

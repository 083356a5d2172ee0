// npm run db:copy (src/cli/db-copy.ts, issue 16): a seeded SQLite database moves into an empty PostgreSQL
// database row for row, and the identity sequences continue after SQLite's ids; a target with rows and a
// source behind on migrations are refused with one line and exit code 1. PostgreSQL only (npm run test:pg).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/client.js'
import { createDependencies } from '../../src/composition.js'
import { seedIfEmpty } from '../../src/seed.js'
import { fixedClock } from '../../src/shared/clock.js'
import '../../src/db/pg.js' // int8 and numeric as JS numbers, as the app reads them
import { catalogue } from '../helpers/app.js'
import { BASE_URL, SEED_TRACKING_FROM, TEMPLATE_NOW } from '../helpers/constants.js'
import { createPgTestDatabase, TEST_DATABASE_URL } from '../helpers/database.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Runs the command; resolves with its exit code and output. */
function dbCopy (...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env.DATABASE_URL
    delete env.DATABASE_PATH
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/db-copy.ts', ...args], { cwd: root, env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    child.on('close', status => resolve({ status, stdout, stderr }))
  })
}

/** Every row of every table, keys sorted, rows sorted: the same text on both databases when they hold the same data. */
function canonical (rows: Array<Record<string, unknown>>): string[] {
  return rows.map(r => JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))))).sort()
}

describe.skipIf(!TEST_DATABASE_URL)('npm run db:copy', () => {
  let dir: string
  let file: string
  const drops: Array<() => Promise<void>> = []
  let deletedTokenId: number

  async function emptyTarget () {
    const created = await createPgTestDatabase('empty')
    drops.push(created.drop)
    return created.url
  }

  async function withClient<T> (url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    try {
      return await work(c)
    } finally {
      await c.end()
    }
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-db-copy-'))
    file = path.join(dir, 'source.db')
    const database = openDatabase(file)
    const deps = await createDependencies({ config: { BASE_URL, DATABASE_PATH: file }, clock: fixedClock(TEMPLATE_NOW), catalogue, database })
    await seedIfEmpty(deps, { trackingFrom: SEED_TRACKING_FROM })
    await deps.services.occurrenceIndex.settled()
    await deps.services.tokens.create({ label: 'kept', role: 'admin', municipality: null })
    // The highest id handed out is a deleted row's: PostgreSQL must not hand it out again either.
    const gone = await deps.services.tokens.create({ label: 'deleted', role: 'admin', municipality: null })
    deletedTokenId = gone.id
    database.sqlite.prepare('DELETE FROM audit_log WHERE token_id = ?').run(gone.id)
    database.sqlite.prepare('DELETE FROM api_token WHERE id = ?').run(gone.id)
    // A self-reference to a row copied later (collaboration.parent_id): set once the table is in.
    database.sqlite.prepare('UPDATE collaboration SET parent_id = (SELECT max(id) FROM collaboration) WHERE id = (SELECT min(id) FROM collaboration)').run()
    database.sqlite.pragma('wal_checkpoint(TRUNCATE)')
    await deps.close()
  }, 120_000)

  afterAll(async () => {
    for (const drop of drops) await drop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('copies every table row for row, continues the sequences, and refuses to copy into it again', async () => {
    const url = await emptyTarget()
    const run = await dbCopy('--from', file, '--to', url)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^rule\s+\d+ rader/m)
    expect(run.stdout).toMatch(/^Kopierte \d+ rader i \d+ tabeller fra /m)

    const source = openDatabase(file)
    try {
      const tables = (source.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name").all() as Array<{ name: string }>).map(t => t.name)
      expect(tables).toContain('occurrence')
      await withClient(url, async c => {
        let total = 0
        for (const t of tables) {
          const want = canonical(source.sqlite.prepare(`SELECT * FROM "${t}"`).all() as Array<Record<string, unknown>>)
          const got = canonical((await c.query(`SELECT * FROM "${t}"`)).rows)
          expect(got, t).toEqual(want)
          total += want.length
        }
        expect(total).toBeGreaterThan(1000)
        // A new row gets the id after the highest SQLite handed out (the deleted token's), not a copied one.
        const maxRule = (source.sqlite.prepare('SELECT max(id) AS m FROM rule').get() as { m: number }).m
        const token = await c.query("INSERT INTO api_token (label, role, token_hash, created) VALUES ('after', 'admin', 'h-after', 0) RETURNING id")
        expect(token.rows[0].id).toBe(deletedTokenId + 1)
        const rule = await c.query('SELECT nextval(pg_get_serial_sequence(\'rule\', \'id\')) AS n')
        expect(rule.rows[0].n).toBe(maxRule + 1)
        // The triggers switched off for the copy are on again.
        expect((await c.query("SELECT count(*) AS n FROM pg_trigger WHERE tgenabled = 'D'")).rows[0].n).toBe(0)
        // Vacuumed and analysed after the load: the planner has statistics and the index-only scans a visibility map.
        const stats = await c.query("SELECT last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analysed FROM pg_stat_user_tables WHERE relname = 'occurrence'")
        expect(stats.rows[0]).toEqual({ vacuumed: true, analysed: true })
      })
    } finally {
      await source.close()
    }

    const again = await dbCopy('--from', file, '--to', url)
    expect(again.status).toBe(1)
    expect(again.stdout).toBe('')
    expect(again.stderr).toMatch(/^Måldatabasen postgres:\/\/.* er ikke tom \(rader i .*api_token.*\); db:copy kopierer bare inn i en tom database\n$/)
  }, 120_000)

  it('refuses a source behind on migrations, and leaves the target untouched', async () => {
    const behind = path.join(dir, 'behind.db')
    fs.copyFileSync(file, behind)
    const db = openDatabase(behind)
    db.sqlite.prepare('DELETE FROM __drizzle_migrations WHERE rowid = (SELECT max(rowid) FROM __drizzle_migrations)').run()
    await db.close()
    const url = await emptyTarget()
    const run = await dbCopy('--from', behind, '--to', url)
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(/^Kildedatabasen .*behind\.db mangler 1 migrering; start serveren/)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    const rows = await withClient(url, async c => (await c.query('SELECT count(*) AS n FROM rule')).rows[0].n)
    expect(Number(rows)).toBe(0)
  }, 60_000)

  it('names a missing source file and a missing target, without a stack trace', async () => {
    const missing = await dbCopy('--from', path.join(dir, 'nope.db'), '--to', 'postgres://x@127.0.0.1:1/y')
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/^Kan ikke åpne databasen .*nope\.db: filen finnes ikke\n$/)
    expect(fs.existsSync(path.join(dir, 'nope.db'))).toBe(false)
    const noTarget = await dbCopy('--from', file)
    expect(noTarget.status).toBe(2)
    expect(noTarget.stderr).toContain('Oppgi måldatabasen med --to postgres://… eller DATABASE_URL.')
    expect(noTarget.stderr).not.toMatch(/\n\s+at /)
  }, 60_000)
})

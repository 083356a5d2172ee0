// The suite's databases. `npm test` runs on SQLite files; `npm run test:pg` sets TEST_DATABASE_URL
// (a PostgreSQL server the suite may create and drop databases on) and every test that touches the
// database runs on PostgreSQL instead (issue 16). A test gets a fresh database either way: a copy of a
// seeded template (SQLite: the file; PostgreSQL: CREATE DATABASE … TEMPLATE, made once per run by
// test/helpers/pg-global-setup.ts).
import pg from 'pg'
import { inject } from 'vitest'
import type { DatabaseHandle } from '../../src/db/client.js'
import { openPostgres } from '../../src/db/pg.js'

/** The PostgreSQL server of `npm run test:pg`, or undefined on SQLite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined
export const testDialect: 'sqlite' | 'pg' = TEST_DATABASE_URL ? 'pg' : 'sqlite'

/** The templates of one run (pg-global-setup.ts provides their names): migrated and seeded, or migrated only. */
export interface PgTemplates { seeded: string; empty: string }

declare module 'vitest' {
  export interface ProvidedContext { pgTemplates: PgTemplates }
}

/** Template names for a run; two runs on one server (two people's vitest) do not share them. */
export function pgTemplateNames (run: string): PgTemplates {
  return { seeded: `arshjul_tpl_${run}_seeded`, empty: `arshjul_tpl_${run}_empty` }
}

/** `url` with its database name replaced. */
export function withDatabase (url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

let counter = 0

/** A new PostgreSQL database copied from a template, and a way to drop it. */
export async function createPgTestDatabase (template: keyof PgTemplates): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = TEST_DATABASE_URL!
  const name = `arshjul_t_${process.pid}_${Date.now().toString(36)}_${++counter}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  try {
    // Two workers copying one template at once: PostgreSQL refuses while the template is "being accessed".
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplates')[template]}`)
        break
      } catch (err) {
        if (attempt >= 50 || (err as { code?: string }).code !== '55006') throw err
        await new Promise(resolve => setTimeout(resolve, 20 + Math.random() * 80))
      }
    }
  } finally {
    await admin.end()
  }
  return {
    url: withDatabase(server, name),
    async drop () {
      const c = new pg.Client({ connectionString: server })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}

/** Opens a test database on PostgreSQL with a small pool (many test files run at once). */
export function openPgTestDatabase (url: string): DatabaseHandle {
  return openPostgres(url, { max: 4 })
}

/**
 * Raw SQL for tests, the same on both databases: `?` placeholders, rows as plain objects. On PostgreSQL,
 * quote camelCase aliases (`as "deliveredOn"`); booleans are 0/1 on both.
 */
export interface TestSql {
  all<T = Record<string, unknown>> (text: string, ...params: unknown[]): Promise<T[]>
  get<T = Record<string, unknown>> (text: string, ...params: unknown[]): Promise<T | undefined>
  /** Resolves to how many rows the statement touched. */
  run (text: string, ...params: unknown[]): Promise<number>
}

/** `?` → `$1, $2, …`, outside quoted strings and identifiers. */
export function numberedPlaceholders (text: string): string {
  let n = 0
  return text.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\?/g, m => m === '?' ? `$${++n}` : m)
}

export function testSql (database: DatabaseHandle): TestSql {
  if (database.dialect === 'sqlite') {
    const { sqlite } = database
    return {
      async all<T> (text: string, ...params: unknown[]) { return sqlite.prepare(text).all(...params) as T[] },
      async get<T> (text: string, ...params: unknown[]) { return sqlite.prepare(text).get(...params) as T | undefined },
      async run (text: string, ...params: unknown[]) { return sqlite.prepare(text).run(...params).changes },
    }
  }
  const { pool } = database
  const query = (text: string, params: unknown[]) => pool.query(numberedPlaceholders(text), params)
  return {
    async all<T> (text: string, ...params: unknown[]) { return (await query(text, params)).rows as T[] },
    async get<T> (text: string, ...params: unknown[]) { return (await query(text, params)).rows[0] as T | undefined },
    async run (text: string, ...params: unknown[]) { return (await query(text, params)).rowCount ?? 0 },
  }
}

/**
 * Every row of every table but `exclude`, rows sorted: compare before and after a refused write or a
 * rejected request. Drizzle's own migrations table is left out.
 */
export async function databaseSnapshot (database: DatabaseHandle, opts: { exclude?: string[] } = {}): Promise<string> {
  const exclude = new Set(opts.exclude)
  const sql = testSql(database)
  const tables = database.dialect === 'sqlite'
    ? await sql.all<{ name: string }>("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations' order by name")
    : await sql.all<{ name: string }>("select tablename as name from pg_tables where schemaname = 'public' order by tablename")
  const out: Record<string, string[]> = {}
  for (const { name } of tables) {
    if (exclude.has(name)) continue
    out[name] = (await sql.all(`select * from "${name}"`)).map(r => JSON.stringify(r)).sort()
  }
  return JSON.stringify(out)
}

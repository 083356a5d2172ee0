import { sql } from 'drizzle-orm'
import type { Executor } from '../db/executor.js'
import { journalLength, migrationsFolder } from '../db/migrate.js'
import { dialectOf, row, type Dialect } from '../db/query.js'

export function createHealthRepository (db: Executor) {
  // The code's migrations do not change while it runs: each dialect's journal is read once.
  const shipped = new Map<Dialect, number>()

  return {
    /** Throws when the database does not answer. */
    async ping (ex: Executor = db): Promise<void> {
      await row(ex, sql`select 1 as one`)
    },

    /**
     * How many migrations the code ships for this database's dialect (drizzle-kit's journal), and how
     * many the database records as applied in drizzle's own table (0 before the first migration).
     */
    async migrationState (ex: Executor = db): Promise<{ shipped: number; applied: number }> {
      const dialect = dialectOf(ex)
      let count = shipped.get(dialect)
      if (count === undefined) {
        count = journalLength(migrationsFolder(dialect))
        shipped.set(dialect, count)
      }
      // drizzle keeps the table in its own schema on PostgreSQL, in the main database on SQLite.
      const present = dialect === 'pg'
        ? (await row<{ t: string | null }>(ex, sql`select to_regclass('drizzle.__drizzle_migrations')::text as t`))?.t != null
        : (await row(ex, sql`select 1 as one from sqlite_master where type = 'table' and name = '__drizzle_migrations'`)) !== undefined
      if (!present) return { shipped: count, applied: 0 }
      const applied = dialect === 'pg'
        ? await row<{ n: number }>(ex, sql`select count(*) as n from drizzle.__drizzle_migrations`)
        : await row<{ n: number }>(ex, sql`select count(*) as n from __drizzle_migrations`)
      return { shipped: count, applied: Number(applied?.n ?? 0) }
    },
  }
}
export type HealthRepository = ReturnType<typeof createHealthRepository>

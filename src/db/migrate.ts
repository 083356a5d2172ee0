import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import type { Db, Sqlite } from './client.js'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url))

// drizzle runs all pending migrations in one transaction, where PRAGMA foreign_keys is a no-op,
// so a table rebuild would cascade-delete child rows. Turn FKs off around it and verify after
// (drizzle-orm#5782; STYLE.md trap 4).
export function runMigrations (sqlite: Sqlite, db: Db, migrationsFolder = MIGRATIONS_DIR): void {
  sqlite.pragma('foreign_keys = OFF')
  try {
    migrate(db, { migrationsFolder })
    const violations = sqlite.pragma('foreign_key_check') as unknown[]
    if (violations.length > 0) throw new Error(`foreign_key_check failed after migration: ${JSON.stringify(violations)}`)
  } finally {
    sqlite.pragma('foreign_keys = ON')
  }
}

/** How many migrations in the folder the database has not run (all of them for an empty file). */
export function pendingMigrationCount (sqlite: Sqlite, migrationsFolder = MIGRATIONS_DIR): number {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
  const table = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get()
  const applied = table ? (sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n : 0
  return Math.max(0, journal.entries.length - applied)
}

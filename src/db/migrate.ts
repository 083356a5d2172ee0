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

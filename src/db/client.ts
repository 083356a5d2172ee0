import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import * as coreSchema from './schema.js'
import * as kontrollSchema from './schema-kontroll.js'
import * as indexSchema from './schema-index.js'

const schema = { ...coreSchema, ...kontrollSchema, ...indexSchema }

export type Sqlite = Database.Database
/** drizzle's database, with the better-sqlite3 connection under it (`$client`). */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Sqlite }

export interface DatabaseHandle { sqlite: Sqlite; db: Db }

export function openDatabase (file: string): DatabaseHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const sqlite = new Database(file)
  sqlite.pragma('journal_mode = WAL') // ':memory:' reports 'memory' instead
  sqlite.pragma('synchronous = NORMAL') // safe with WAL
  sqlite.pragma('busy_timeout = 5000') // a second process (cron reminders) waits instead of failing
  sqlite.pragma('foreign_keys = ON') // per connection, not persisted
  return { sqlite, db: drizzle(sqlite, { schema }) }
}

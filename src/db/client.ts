import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import * as coreSchema from './schema.js'
import * as kontrollSchema from './schema-kontroll.js'
import * as indexSchema from './schema-index.js'
import type { PgHandle } from './pg.js'

const schema = { ...coreSchema, ...kontrollSchema, ...indexSchema }

export type Sqlite = Database.Database
/** drizzle's database, with the better-sqlite3 connection under it (`$client`). */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Sqlite }

/** The embedded default: one better-sqlite3 connection. */
export interface SqliteHandle {
  dialect: 'sqlite'
  sqlite: Sqlite
  db: Db
  /** The file as configured, for messages. */
  label: string
  /** Closes the connection. Idempotent. */
  close (): Promise<void>
}

/** The open database: the embedded SQLite file, or a PostgreSQL pool (src/db/pg.ts). */
export type DatabaseHandle = SqliteHandle | PgHandle

/**
 * The database could not be opened or migrated: `file` (as configured) and `problem` (Norwegian, one
 * sentence). The server and the CLI print the message as one line and exit non-zero.
 */
export class DatabaseOpenError extends Error {
  constructor (readonly file: string, readonly problem: string, options?: { cause?: unknown }) {
    super(`Kan ikke åpne databasen ${file}: ${problem}`, options)
    this.name = 'DatabaseOpenError'
  }
}

// What SQLite's own error codes mean for the operator (https://sqlite.org/rescode.html).
const SQLITE_PROBLEMS: Array<[RegExp, string]> = [
  [/^SQLITE_READONLY/, 'filen eller mappen er skrivebeskyttet'],
  [/^SQLITE_CANTOPEN/, 'filen kan ikke åpnes (finnes mappen, og har serveren tilgang til den?)'],
  [/^SQLITE_NOTADB/, 'filen er ikke en SQLite-database'],
  [/^SQLITE_CORRUPT/, 'databasefilen er skadet (avkortet eller overskrevet); hent den fra sikkerhetskopi'],
  [/^SQLITE_IOERR/, 'lese- eller skrivefeil på disken'],
  [/^SQLITE_FULL/, 'disken er full'],
  [/^SQLITE_PERM|^SQLITE_AUTH/, 'serveren har ikke tilgang til filen'],
]

/** The operator's sentence for an SQLite error met while opening or migrating, or undefined for any other error. */
export function sqliteOpenProblem (err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return undefined
  return SQLITE_PROBLEMS.find(([pattern]) => pattern.test(code))?.[1]
}

/** Root may write anything, so "may we write" is not what access(W_OK) says: no write bit for anyone counts as read-only. */
function writable (target: string, stat: fs.Stats): boolean {
  if ((stat.mode & 0o222) === 0) return false
  try {
    fs.accessSync(target, fs.constants.W_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Checks what SQLite would report late or obscurely: the folder exists (created only when
 * `createDirectory`), is a writable folder (WAL keeps `-wal` and `-shm` files beside the database), and
 * the file, when it exists, is a writable file. Throws DatabaseOpenError.
 */
function checkLocation (file: string, createDirectory: boolean): void {
  const absolute = path.resolve(file)
  const dir = path.dirname(absolute)
  let dirStat = fs.statSync(dir, { throwIfNoEntry: false })
  if (!dirStat && createDirectory) {
    fs.mkdirSync(dir, { recursive: true })
    dirStat = fs.statSync(dir)
  }
  if (!dirStat) throw new DatabaseOpenError(file, `mappen ${dir} finnes ikke (opprett den, eller rett DATABASE_PATH)`)
  if (!dirStat.isDirectory()) throw new DatabaseOpenError(file, `${dir} er ikke en mappe`)
  const fileStat = fs.statSync(absolute, { throwIfNoEntry: false })
  if (fileStat && !fileStat.isFile()) throw new DatabaseOpenError(file, 'stien er ikke en vanlig fil')
  if (fileStat && !writable(absolute, fileStat)) throw new DatabaseOpenError(file, 'filen er skrivebeskyttet (serveren må kunne skrive til den)')
  if (!writable(dir, dirStat)) throw new DatabaseOpenError(file, `mappen ${dir} er skrivebeskyttet (SQLite lager -wal- og -shm-filer ved siden av databasen)`)
}

export interface OpenDatabaseOptions {
  /**
   * Create a missing folder (default true, for tests and tools); false: a missing folder is an error. The
   * server and the CLI create only the default DATABASE_PATH's `./data` (src/composition.ts).
   */
  createDirectory?: boolean
}

/**
 * Opens (creating when missing) the SQLite file with our pragmas, and reads its schema once: a file that
 * is not a database, or whose first pages or length are damaged, fails here rather than at the first
 * request. Not `PRAGMA quick_check`: it reads every page (31 s cold, 1.3 s warm for the 245 MB national
 * database). Throws DatabaseOpenError naming the file and the problem.
 */
export function openDatabase (file: string, opts: OpenDatabaseOptions = {}): SqliteHandle {
  if (file !== ':memory:') checkLocation(file, opts.createDirectory ?? true)
  let sqlite: Sqlite | undefined
  try {
    sqlite = new Database(file)
    sqlite.pragma('journal_mode = WAL') // ':memory:' reports 'memory' instead
    sqlite.pragma('synchronous = NORMAL') // safe with WAL
    sqlite.pragma('busy_timeout = 5000') // a second process (cron reminders) waits instead of failing
    sqlite.pragma('foreign_keys = ON') // per connection, not persisted
    sqlite.prepare('select count(*) from sqlite_schema').get()
  } catch (err) {
    sqlite?.close()
    const problem = sqliteOpenProblem(err)
    throw problem ? new DatabaseOpenError(file, problem, { cause: err }) : err
  }
  const connection = sqlite
  return {
    dialect: 'sqlite',
    sqlite,
    db: drizzle(sqlite, { schema }),
    label: file,
    async close () {
      if (connection.open) connection.close()
    },
  }
}

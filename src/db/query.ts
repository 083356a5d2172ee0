// Running a query the same way on both databases (issue 16). Repositories build queries with
// drizzle's query builder over the SQLite table definitions (src/db/schema*.ts); on PostgreSQL the
// same builders run through drizzle's node-postgres driver. What differs is how a result comes
// back: better-sqlite3's synchronous `.get()/.all()/.run()` do not exist on PostgreSQL, so
// repositories await the builder (every row) and use these helpers for one row, raw SQL and the
// number of rows a write touched.
import { is, type SQL } from 'drizzle-orm'
import { PgDatabase } from 'drizzle-orm/pg-core'
import type { Executor } from './executor.js'

export type Dialect = 'sqlite' | 'pg'

/** Which database an executor (the database, the ambient transaction or an open one) talks to. */
export function dialectOf (ex: Executor): Dialect {
  return is(ex as unknown, PgDatabase) ? 'pg' : 'sqlite'
}

interface PgExecutor { execute (query: SQL): Promise<{ rows: unknown[]; rowCount: number | null }> }

/**
 * The first row of a built query, or undefined: `await first(ex.select()…where(…).limit(1))`. Add
 * `.limit(1)` to a select that could match more rows; a write's `.returning()` needs none.
 */
export async function first<T> (query: PromiseLike<T[]>): Promise<T | undefined> {
  return (await query)[0]
}

/**
 * How many rows a write touched, from what awaiting an insert/update/delete without `.returning()`
 * gives: better-sqlite3's `{ changes }` or node-postgres's `{ rowCount }`.
 */
export function changes (result: unknown): number {
  const r = result as { changes?: number; rowCount?: number | null }
  return Number(r.changes ?? r.rowCount ?? 0)
}

/** Every row of raw SQL (`sql\`…\``), as plain objects keyed by the column names or aliases. */
export async function rows<T> (ex: Executor, query: SQL): Promise<T[]> {
  if (dialectOf(ex) === 'pg') return (await (ex as unknown as PgExecutor).execute(query)).rows as T[]
  return ex.all<T>(query)
}

/** The first row of raw SQL, or undefined. */
export async function row<T> (ex: Executor, query: SQL): Promise<T | undefined> {
  return (await rows<T>(ex, query))[0]
}

/** Runs raw SQL that returns no rows; resolves to how many rows it touched. */
export async function run (ex: Executor, query: SQL): Promise<number> {
  if (dialectOf(ex) === 'pg') return (await (ex as unknown as PgExecutor).execute(query)).rowCount ?? 0
  return ex.run(query).changes
}

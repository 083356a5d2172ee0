import { eq, sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'

export interface Paging { limit: number; offset: number }

/** A path reference is a numeric id or a slug. */
export function refCondition (ref: string | number, idColumn: SQLiteColumn, slugColumn: SQLiteColumn): SQL {
  return typeof ref === 'number' || /^\d+$/.test(ref) ? eq(idColumn, Number(ref)) : eq(slugColumn, ref)
}

export const iso = (ms: number) => new Date(ms).toISOString()

export function likePattern (q: string): string {
  return `%${q.replace(/[\\%_]/g, c => `\\${c}`)}%`
}

/**
 * The column contains `q`, ignoring case, on both databases: SQLite's LIKE ignores ASCII case and
 * PostgreSQL's does not, so both sides are lower-cased. `ESCAPE` makes likePattern's backslashes
 * escapes on SQLite too (PostgreSQL's default): a search for "50%" finds "50%", not "50" and anything.
 */
export function containsText (column: SQLiteColumn, q: string): SQL {
  return sql`lower(${column}) like lower(${likePattern(q)}) escape '\\'`
}

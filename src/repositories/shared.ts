import { eq, inArray, or, sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'

export interface Paging { limit: number; offset: number }

/** A path reference is a numeric id or a slug. */
export function refCondition (ref: string | number, idColumn: SQLiteColumn, slugColumn: SQLiteColumn): SQL {
  return typeof ref === 'number' || /^\d+$/.test(ref) ? eq(idColumn, Number(ref)) : eq(slugColumn, ref)
}

/** Several path references (ids or slugs) as one condition: `id IN (…) OR slug IN (…)`. */
export function refsCondition (refs: readonly string[], idColumn: SQLiteColumn, slugColumn: SQLiteColumn): SQL | undefined {
  const ids = refs.filter(r => /^\d+$/.test(r)).map(Number)
  const slugs = refs.filter(r => !/^\d+$/.test(r))
  return or(ids.length ? inArray(idColumn, ids) : undefined, slugs.length ? inArray(slugColumn, slugs) : undefined)
}

/** Rows read with refsCondition, keyed by the reference as given; unknown references are absent. */
export function byRefs<T extends { id: number; slug: string }> (refs: readonly string[], rows: readonly T[]): Map<string, T> {
  const found = new Map<string, T>()
  for (const r of rows) {
    found.set(r.slug, r)
    found.set(String(r.id), r)
  }
  return new Map(refs.flatMap(ref => found.has(ref) ? [[ref, found.get(ref)!] as const] : []))
}

export const iso = (ms: number) => new Date(ms).toISOString()

export function likePattern (q: string): string {
  return `%${q.replace(/[\\%_]/g, c => `\\${c}`)}%`
}

// SQLite's lower() folds only A–Z (no ICU); PostgreSQL's folds every letter. These are the capitals a
// Norwegian register's names hold beyond A–Z (bokmål, nynorsk, the Sámi languages', loanwords): folded in
// SQL on both databases, so a search finds the same rows on both.
const FOLDED_CAPITALS = 'ÆØÅÉÈÁÄÖÜČĐŊŠŦŽ'

function folded (column: SQLiteColumn): SQL {
  let expr = sql`lower(${column})`
  for (const c of FOLDED_CAPITALS) expr = sql`replace(${expr}, ${c}, ${c.toLowerCase()})`
  return expr
}

/**
 * The column contains `q`, ignoring case (Æ/Ø/Å and the Sámi letters too), the same on both
 * databases. `ESCAPE` makes likePattern's backslashes escapes on SQLite too (PostgreSQL's default):
 * a search for "50%" finds "50%", not "50" and anything.
 */
export function containsText (column: SQLiteColumn, q: string): SQL {
  return sql`${folded(column)} like ${likePattern(q.toLowerCase())} escape '\\'`
}

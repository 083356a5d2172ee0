import { eq, type SQL } from 'drizzle-orm'
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

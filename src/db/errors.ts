// What a database error means, the same on both databases: the error plugin answers a conflict with
// 409 and a busy database with 503, never 500.

export type DatabaseErrorKind = 'unique' | 'foreign_key' | 'constraint' | 'busy'

// PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const PG_KINDS: Record<string, DatabaseErrorKind> = {
  23505: 'unique',
  23503: 'foreign_key',
  23514: 'constraint', // check_violation
  23502: 'constraint', // not_null_violation
  40001: 'busy', // serialization_failure
  '40P01': 'busy', // deadlock_detected
  '55P03': 'busy', // lock_not_available
  57014: 'busy', // query_canceled (statement_timeout)
}

/**
 * The kind of a driver error (better-sqlite3's `SQLITE_*` codes, node-postgres's SQLSTATE), looked for
 * on the error and its causes (drizzle ≥ 0.44 wraps driver errors in DrizzleQueryError); undefined for
 * anything else.
 */
export function databaseErrorKind (err: unknown): DatabaseErrorKind | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const code = e.code
    if (typeof code !== 'string') continue
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique'
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign_key'
    if (code.startsWith('SQLITE_CONSTRAINT')) return 'constraint'
    if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_')) return 'busy'
    if (PG_KINDS[code]) return PG_KINDS[code]
  }
  return undefined
}

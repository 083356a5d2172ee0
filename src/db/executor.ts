import { AsyncLocalStorage } from 'node:async_hooks'
import type { Db, Sqlite } from './client.js'

/**
 * What a repository method runs its SQL on: the database, or the transaction a service opened.
 * With SQLite both are the one connection (better-sqlite3 is synchronous and single-connection);
 * a PostgreSQL backend (issue 16) will hand out a pooled client per transaction behind the same type.
 */
export type Executor = Db

/** Runs a service's writes atomically; nested calls join the outer transaction as a savepoint. */
export interface Transactor {
  transaction<T> (work: (tx: Executor) => Promise<T>): Promise<T>
}

/**
 * Service transactions on a single better-sqlite3 connection: `BEGIN IMMEDIATE … COMMIT`, or
 * `ROLLBACK` when the work throws. better-sqlite3 cannot run an async callback inside
 * `db.transaction()`, and every statement on the connection joins whatever transaction is open, so a
 * mutex lets only one transaction run at a time (keep them short). A transaction started inside
 * another (same async context) becomes a SAVEPOINT instead of waiting for itself.
 */
export function createSqliteTransactor (sqlite: Sqlite, db: Db): Transactor {
  const context = new AsyncLocalStorage<{ depth: number }>()
  let tail: Promise<void> = Promise.resolve()
  let savepoints = 0

  async function nested<T> (work: (tx: Executor) => Promise<T>, depth: number): Promise<T> {
    const name = `sp_${++savepoints}`
    sqlite.exec(`SAVEPOINT ${name}`)
    try {
      const result = await context.run({ depth: depth + 1 }, () => work(db))
      sqlite.exec(`RELEASE ${name}`)
      return result
    } catch (err) {
      sqlite.exec(`ROLLBACK TO ${name}`)
      sqlite.exec(`RELEASE ${name}`)
      throw err
    }
  }

  return {
    async transaction<T> (work: (tx: Executor) => Promise<T>): Promise<T> {
      const outer = context.getStore()
      if (outer) return nested(work, outer.depth)
      let release!: () => void
      const previous = tail
      tail = new Promise<void>(resolve => { release = resolve })
      await previous
      try {
        sqlite.exec('BEGIN IMMEDIATE')
        try {
          const result = await context.run({ depth: 1 }, () => work(db))
          sqlite.exec('COMMIT')
          return result
        } catch (err) {
          if (sqlite.inTransaction) sqlite.exec('ROLLBACK')
          throw err
        }
      } finally {
        release()
      }
    },
  }
}

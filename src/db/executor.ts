import { setTimeout as sleep } from 'node:timers/promises'
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
  /**
   * Work every outermost transaction runs last, before COMMIT (`before`, in the transaction: what it
   * writes commits or rolls back with the rest), and after a successful COMMIT (`after`). The
   * occurrence index brings itself up to date this way (src/services/occurrence-index.ts).
   */
  onCommit (hooks: CommitHooks): void
  /**
   * Runs before a dry run's work, in its transaction; what it returns runs just before the rollback.
   * PostgreSQL's sequences are not transactional, so the dry run puts them back (src/db/pg.ts) and the
   * ids it reports are the ones the real run will get.
   */
  dryRunGuard? (tx: Executor): Promise<() => Promise<void>>
}

export interface CommitHooks {
  before?: (tx: Executor) => Promise<void>
  after?: () => void
}

/** The first wait after SQLITE_BUSY; it doubles up to the cap. */
const BUSY_FIRST_WAIT_MS = 2
const BUSY_MAX_WAIT_MS = 50

const isBusy = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'))
}

/**
 * Service transactions on a single better-sqlite3 connection: `BEGIN IMMEDIATE … COMMIT`, or
 * `ROLLBACK` when the work throws. better-sqlite3 cannot run an async callback inside
 * `db.transaction()`, and every statement on the connection joins whatever transaction is open, so a
 * mutex lets only one transaction run at a time (keep them short). A transaction started inside
 * another (same async context) becomes a SAVEPOINT instead of waiting for itself.
 *
 * Every write must go through here. A write made on the connection outside the transactor while
 * another flow's transaction is open (it interleaves at an `await`) silently joins that transaction
 * and is rolled back with it. Never hold a transaction across network I/O: claim in one, send
 * outside, record the outcome in another.
 *
 * Waiting for the write lock does not block the event loop. When another connection (the cron
 * command, or a second connection in this process) holds SQLite's write lock, better-sqlite3 would
 * busy-wait synchronously for the connection's `busy_timeout` inside `BEGIN IMMEDIATE`, freezing the
 * whole process — and deadlocking when the holder is in the same process, since it can never reach
 * its COMMIT. So `busy_timeout` is set to 0 just around the synchronous BEGIN (and restored right
 * after, before anything can interleave); on SQLITE_BUSY the BEGIN is retried after an async sleep
 * of 2 ms doubling to 50 ms, for as long as `busy_timeout` allows in total (5 s, src/db/client.ts).
 * Then the SQLITE_BUSY error is thrown (the error plugin answers 503). The mutex stays held while
 * waiting, so this connection's transactions still run one at a time and in order.
 */
export function createSqliteTransactor (sqlite: Sqlite, db: Db): Transactor {
  const context = new AsyncLocalStorage<{ depth: number }>()
  let tail: Promise<void> = Promise.resolve()
  let savepoints = 0
  const hooks: CommitHooks[] = []

  /** `BEGIN IMMEDIATE` without blocking the event loop while another connection holds the write lock. */
  async function begin (): Promise<void> {
    const budgetMs = Number(sqlite.pragma('busy_timeout', { simple: true }))
    const started = Date.now()
    for (let waitMs = BUSY_FIRST_WAIT_MS; ; waitMs = Math.min(waitMs * 2, BUSY_MAX_WAIT_MS)) {
      let left: number
      sqlite.pragma('busy_timeout = 0')
      try {
        sqlite.exec('BEGIN IMMEDIATE')
        return
      } catch (err) {
        left = budgetMs - (Date.now() - started)
        if (!isBusy(err) || left <= 0) throw err
      } finally {
        sqlite.pragma(`busy_timeout = ${budgetMs}`)
      }
      await sleep(Math.min(waitMs, left))
    }
  }

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
    onCommit (h: CommitHooks): void {
      hooks.push(h)
    },

    async transaction<T> (work: (tx: Executor) => Promise<T>): Promise<T> {
      const outer = context.getStore()
      if (outer) return nested(work, outer.depth)
      let release!: () => void
      const previous = tail
      tail = new Promise<void>(resolve => { release = resolve })
      await previous
      try {
        await begin()
        try {
          const result = await context.run({ depth: 1 }, async () => {
            const out = await work(db)
            for (const h of hooks) await h.before?.(db)
            return out
          })
          sqlite.exec('COMMIT')
          for (const h of hooks) h.after?.()
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

/** Carries a dry run's result out of the transaction it rolls back. */
class RolledBack<T> extends Error {
  constructor (readonly result: T) { super('rolled back (dry run)') }
}

/**
 * A dry run: `work` in a transaction that is then rolled back, so its answer is exactly what the
 * real run would give and nothing is written. Errors from `work` propagate as usual.
 */
export async function rolledBack<T> (transactor: Transactor, work: (tx: Executor) => Promise<T>): Promise<T> {
  try {
    await transactor.transaction(async tx => {
      const restore = await transactor.dryRunGuard?.(tx)
      const result = await work(tx)
      await restore?.()
      throw new RolledBack(result)
    })
  } catch (err) {
    if (err instanceof RolledBack) return err.result as T
    throw err
  }
  throw new Error('unreachable: a rolled-back transaction returned')
}

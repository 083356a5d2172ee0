// One instance at a time for background work (issue 16): the reminder run, the occurrence index's
// horizon roll-forward, seeding an empty database. Several server instances on one PostgreSQL
// database each start the same timers; only one of them may do the work at a time, the others skip
// their turn (the work is repeated on the next tick anyway, so skipping loses nothing).
import { createHash } from 'node:crypto'
import type { DatabaseHandle } from './client.js'

/**
 * Runs `work` unless another run under the same name holds it (in this process or, on PostgreSQL,
 * in any instance on the database): then resolves to undefined at once, without waiting.
 */
export type Exclusive = <T>(name: string, work: () => Promise<T>) => Promise<T | undefined>

/**
 * Advisory locks in the two-int4 form: this application's namespace and the name's hash. They never
 * collide with the single-bigint locks of src/db/pg.ts (PostgreSQL keeps the two forms apart).
 */
const NAMESPACE = 0x41727368 // 'Arsh'

/** A name's lock key: the first four bytes of its SHA-256, as a signed int4. */
export function lockKeyOf (name: string): number {
  return createHash('sha256').update(name).digest().readInt32BE(0)
}

/** Where a lock that could not be released is told. */
export interface ExclusiveLog { warn (obj: object, msg: string): void }

/**
 * SQLite: one process writes (the single-writer rules of src/db/executor.ts hold), so the work runs;
 * only a second run of the same name in this process is skipped. PostgreSQL: besides that, a session
 * advisory lock (`pg_try_advisory_lock`) on a client of its own, held while the work runs. The lock
 * goes with the connection: an instance that dies (kill -9, a lost network) frees it as soon as the
 * server notices the connection is gone, so no lease has to run out first. The client is taken from
 * the pool, so a run holds one of its connections; the work's own queries use others.
 */
export function createExclusive (database: DatabaseHandle, log?: ExclusiveLog): Exclusive {
  const running = new Set<string>()

  async function underLock<T> (name: string, work: () => Promise<T>): Promise<T | undefined> {
    if (database.dialect !== 'pg') return work()
    const key = lockKeyOf(name)
    const client = await database.pool.connect()
    let broken: Error | undefined
    // A connection lost while the work runs has freed the lock already; the work goes on regardless.
    const onError = (err: Error) => { broken = err }
    client.on('error', onError)
    try {
      let locked: boolean
      try {
        locked = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [NAMESPACE, key])).rows[0]?.locked === true
      } catch (err) {
        broken = err as Error
        throw err
      }
      if (!locked) return undefined
      try {
        return await work()
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [NAMESPACE, key]).catch((err: Error) => {
          broken ??= err
          log?.warn({ err, lock: name }, 'releasing an advisory lock failed; its connection is closed instead')
        })
      }
    } finally {
      client.off('error', onError)
      // A client in doubt is closed rather than pooled: closing it releases any lock it still holds.
      client.release(broken)
    }
  }

  return async function exclusive<T> (name: string, work: () => Promise<T>): Promise<T | undefined> {
    if (running.has(name)) return undefined
    running.add(name)
    try {
      return await underLock(name, work)
    } finally {
      running.delete(name)
    }
  }
}

/** For code built without a database (unit tests): the work always runs. */
export const runAlways: Exclusive = (_name, work) => work()

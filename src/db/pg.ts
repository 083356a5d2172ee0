// PostgreSQL for shared, multi-instance deployments (issue 16): a `pg` pool under drizzle's
// node-postgres driver, service transactions on it, and migrations from migrations-pg/.
import { AsyncLocalStorage } from 'node:async_hooks'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { sql } from 'drizzle-orm'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import type { Db } from './client.js'
import type { CommitHooks, Executor, Transactor } from './executor.js'

export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations-pg', import.meta.url))

// int8 (bigint: ids, epoch ms, count(*)) and numeric (SUM) come back from node-postgres as strings;
// every such value here fits a JS number (epoch ms < 2^53), which is what the SQLite driver gives.
// drizzle passes its own per-query parsers that fall back to pg's global ones, so these are set there.
const INT8 = 20
const NUMERIC = 1700
pg.types.setTypeParser(INT8, value => Number(value))
pg.types.setTypeParser(NUMERIC, value => Number(value))

// Advisory-lock keys (any two fixed bigints; one namespace for this application).
/** Held by every service transaction: writers take turns across all instances, as SQLite's one writer does. */
const WRITER_LOCK = 0x41_72_73_68_01
/** Held while migrating, so instances starting together do not migrate twice. */
const MIGRATION_LOCK = 0x41_72_73_68_02

export interface PgHandle {
  dialect: 'pg'
  /** The URL as configured, with any password replaced by `***`, for messages. */
  label: string
  pool: pg.Pool
  /**
   * The executor repositories use: the service transaction open in this async context, or else the
   * pool. It is drizzle's node-postgres database, typed as the SQLite one the repositories are written
   * against (src/db/query.ts explains why that is sound).
   */
  db: Db
  /** Closes the pool. Idempotent. */
  close (): Promise<void>
}

/**
 * `postgres://user:secret@host/db` → `postgres://user:***@host/db`. Up to the last `@`: a password
 * with an unencoded `@` is hidden whole (and the host with it, if the query also holds one).
 */
export function redactUrl (url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):.*@/, '$1:***@')
}

const ambient = new WeakMap<pg.Pool, AsyncLocalStorage<{ tx: NodePgDatabase }>>()

/**
 * Opens a pool on `url` (postgres://user:password@host:port/database). Nothing is queried yet: the
 * first migration or query reports a server that is down or a wrong password. `max`: connections
 * (default 10).
 */
export function openPostgres (url: string, opts: { max?: number } = {}): PgHandle {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 })
  // An idle client that loses its server (restart, failover) emits 'error' on the pool; without a
  // listener that would end the process. The next checkout simply opens a new connection.
  pool.on('error', () => {})
  const pooled = drizzle(pool)
  const context = new AsyncLocalStorage<{ tx: NodePgDatabase }>()
  ambient.set(pool, context)
  const db = new Proxy(pooled, {
    get (target, prop) {
      const current = context.getStore()?.tx ?? target
      const value = Reflect.get(current, prop, current)
      return typeof value === 'function' ? value.bind(current) : value
    },
  }) as unknown as Db
  let closed: Promise<void> | undefined
  return {
    dialect: 'pg',
    label: redactUrl(url),
    pool,
    db,
    close () {
      closed ??= pool.end()
      return closed
    },
  }
}

/**
 * Service transactions on the pool: each outermost one checks out a connection, runs `BEGIN`, takes
 * the writer lock (`pg_advisory_xact_lock`, released by COMMIT or ROLLBACK) and makes itself the
 * ambient executor of its async context, so repository calls made without an explicit executor join
 * it. Nested calls become savepoints. Reads outside a transaction run on any pooled connection and
 * see committed data only; they never wait for the writer lock.
 *
 * The writer lock keeps what the code was written for with SQLite (one writer at a time, across every
 * instance on the database): a service's read-then-write cannot interleave with another's. Writes
 * are short; reads dominate this application.
 */
export function createPgTransactor (handle: PgHandle): Transactor {
  const context = ambient.get(handle.pool)!
  const pooled = drizzle(handle.pool)
  const hooks: CommitHooks[] = []
  let tail: Promise<void> = Promise.resolve()
  return {
    onCommit (h: CommitHooks): void {
      hooks.push(h)
    },
    // nextval() is never rolled back: a dry run would use up the ids it reports, and the real run would
    // get others. The writer lock keeps every other writer out meanwhile, so setting each sequence back
    // to where it stood leaves them exactly as before (setval, too, outlives the rollback).
    async dryRunGuard (tx: Executor) {
      const run = tx as unknown as NodePgDatabase
      const before = (await run.execute<{ seq: string; last: number | null }>(sql`SELECT format('%I.%I', schemaname, sequencename) AS seq, last_value AS last FROM pg_sequences WHERE schemaname = 'public'`)).rows
      return async () => {
        for (const { seq, last } of before) {
          await run.execute(last === null ? sql`SELECT setval(${seq}::regclass, 1, false)` : sql`SELECT setval(${seq}::regclass, ${last}, true)`)
        }
      }
    },
    async transaction<T> (work: (tx: Executor) => Promise<T>): Promise<T> {
      const outer = context.getStore()
      if (outer) return outer.tx.transaction(tx => context.run({ tx }, () => work(tx as unknown as Executor)))
      // This instance's transactions queue here first, so they wait without holding a pooled
      // connection each: the pool stays free for reads while a write runs.
      let release!: () => void
      const previous = tail
      tail = new Promise<void>(resolve => { release = resolve })
      await previous
      try {
        const result = await pooled.transaction(async tx => {
          await tx.execute(sql`SELECT pg_advisory_xact_lock(${WRITER_LOCK})`)
          return context.run({ tx }, async () => {
            const out = await work(tx as unknown as Executor)
            for (const h of hooks) await h.before?.(tx as unknown as Executor)
            return out
          })
        })
        for (const h of hooks) h.after?.()
        return result
      } finally {
        release()
      }
    },
  }
}

/** Runs pending migrations from `folder` under an advisory lock (two instances starting together migrate once). */
export async function migratePostgres (handle: PgHandle, folder = PG_MIGRATIONS_DIR): Promise<void> {
  const client = await handle.pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    try {
      await migrate(drizzle(client), { migrationsFolder: folder })
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
    }
  } finally {
    client.release()
  }
}

/** How many migrations drizzle has recorded as applied (0 before the first). */
export async function appliedPostgresMigrations (handle: PgHandle): Promise<number> {
  const exists = await handle.pool.query("SELECT to_regclass('drizzle.__drizzle_migrations') AS t")
  if (exists.rows[0].t === null) return 0
  return Number((await handle.pool.query('SELECT count(*) AS n FROM drizzle.__drizzle_migrations')).rows[0].n)
}

// What a failed first connection means for the operator: node's socket codes and PostgreSQL's SQLSTATEs
// (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const PG_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'PostgreSQL-serveren svarer ikke (kjører den, og stemmer vert og port i DATABASE_URL?)',
  ENOTFOUND: 'vertsnavnet i DATABASE_URL finnes ikke',
  ETIMEDOUT: 'PostgreSQL-serveren svarer ikke i tide',
  '28P01': 'feil brukernavn eller passord i DATABASE_URL',
  28000: 'serveren avviser brukeren (pg_hba.conf)',
  '3D000': 'databasen i DATABASE_URL finnes ikke (opprett den først, f.eks. med createdb)',
  42501: 'brukeren mangler rettigheter til å opprette tabeller i databasen',
  '57P03': 'PostgreSQL-serveren starter fortsatt opp; prøv igjen',
  ERR_INVALID_URL: 'DATABASE_URL er ikke en gyldig adresse (tegn som @ : / % i brukernavn og passord må prosentkodes, f.eks. %40 for @)',
}
// Errors node-postgres raises without a code: known by their message.
const PG_MESSAGES: Array<[RegExp, string]> = [
  [/client password must be a string/, 'serveren krever passord, men DATABASE_URL har ikke noe passord'],
  [/server does not support SSL/, 'serveren støtter ikke SSL, men DATABASE_URL ber om det (sslmode)'],
]

/** The operator's sentence for an error met while connecting or migrating, or undefined for any other error. */
export function postgresOpenProblem (err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && PG_PROBLEMS[e.code]) return PG_PROBLEMS[e.code]
    const message = (e as { message?: unknown }).message
    const known = typeof message === 'string' ? PG_MESSAGES.find(([pattern]) => pattern.test(message)) : undefined
    if (known) return known[1]
    // AggregateError (every address of a host refused): look at the first.
    const errors = (e as { errors?: unknown[] }).errors
    if (Array.isArray(errors) && errors.length) e = { cause: errors[0] }
  }
  return undefined
}

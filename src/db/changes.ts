// What one instance's commits change in the others' memory (issue 16). Each instance keeps calendar
// revisions (what feed caches and ETags compare) and the occurrence index's horizon in memory. On
// PostgreSQL a transaction that changes them sends `NOTIFY arshjul_changes` before it commits (the
// server delivers a notification only if its transaction commits), and every instance listens on a
// connection of its own and re-reads what changed. SQLite is one process: nothing to tell.
import pg from 'pg'
import { sql } from 'drizzle-orm'
import type { DatabaseHandle } from './client.js'
import type { Executor } from './executor.js'
import { dialectOf, run } from './query.js'

export const CHANGES_CHANNEL = 'arshjul_changes'

/**
 * What changed: calendar revisions (feeds, ETags) — with the calendars and their new sequence number
 * when they fit in one notification, so a listener updates its memory at once, without a query — or
 * the occurrence index's horizon and state.
 */
export type Change = { kind: 'revisions'; seq?: number; keys?: string[] } | { kind: 'index' }

/** PostgreSQL's limit is 8,000 bytes; a larger change is sent without its keys (listeners re-read them). */
const MAX_PAYLOAD = 7000

/** The notification's text: `index`, `revisions`, or `revisions <seq> <key> <key> …`. */
export function changePayload (change: Change): string {
  if (change.kind === 'index') return 'index'
  if (change.seq === undefined || !change.keys?.length) return 'revisions'
  const text = `revisions ${change.seq} ${change.keys.join(' ')}`
  return text.length <= MAX_PAYLOAD ? text : 'revisions'
}

/** The change a notification's text names, or undefined for anything else. */
export function parseChange (payload: string): Change | undefined {
  if (payload === 'index') return { kind: 'index' }
  const [word, seq, ...keys] = payload.split(' ')
  if (word !== 'revisions') return undefined
  const n = Number(seq)
  return seq !== undefined && Number.isSafeInteger(n) && keys.length ? { kind: 'revisions', seq: n, keys } : { kind: 'revisions' }
}

/** Tells every instance, once `ex`'s transaction commits, what changed. Nothing on SQLite. */
export async function notifyChange (ex: Executor, change: Change): Promise<void> {
  if (dialectOf(ex) !== 'pg') return
  await run(ex, sql`SELECT pg_notify(${CHANGES_CHANNEL}, ${changePayload(change)})`)
}

export interface ChangeListenerLog {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
}

export interface ChangeListener {
  /** Resolves once listening (the first connection), for tests. */
  readonly ready: Promise<void>
  close (): Promise<void>
}

const FIRST_RETRY_MS = 500
const MAX_RETRY_MS = 30_000

/**
 * Listens for other instances' changes on a client of its own (not from the pool: it is held for
 * the life of the process), and calls `onChange` for each notification. A lost connection is opened
 * again, waiting 0.5 s doubling to 30 s; notifications sent meanwhile are lost, so `onConnect` runs on
 * every (re)connection: the caller re-reads everything there. None on SQLite (`undefined`).
 */
export function listenForChanges (database: DatabaseHandle, handlers: {
  onChange (change: Change): void
  onConnect (): void
  log?: ChangeListenerLog
}): ChangeListener | undefined {
  if (database.dialect !== 'pg') return undefined
  const { pool } = database
  let client: pg.Client | null = null
  let closed = false
  let retryMs = FIRST_RETRY_MS
  let timer: NodeJS.Timeout | null = null
  let markReady!: () => void
  const ready = new Promise<void>(resolve => { markReady = resolve })

  function again (err: unknown): void {
    if (closed || timer) return
    handlers.log?.warn({ err, retryInMs: retryMs }, 'listening for other instances\' changes failed; connecting again')
    timer = setTimeout(() => { timer = null; connect() }, retryMs)
    timer.unref()
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS)
  }

  function connect (): void {
    const c = new pg.Client(pool.options)
    client = c
    let lost = false
    const drop = (err: unknown) => {
      if (lost) return
      lost = true
      if (client === c) client = null
      c.end().catch(() => {})
      again(err)
    }
    c.on('error', drop)
    c.on('end', () => drop(new Error('connection ended')))
    c.on('notification', (n: pg.Notification) => {
      const change = n.channel === CHANGES_CHANNEL ? parseChange(n.payload ?? '') : undefined
      if (change) handlers.onChange(change)
    })
    c.connect()
      .then(() => c.query(`LISTEN ${CHANGES_CHANNEL}`))
      .then(() => {
        if (closed || lost) return
        retryMs = FIRST_RETRY_MS
        handlers.onConnect()
        markReady()
      }, drop)
  }

  connect()
  return {
    ready,
    async close () {
      if (closed) return
      closed = true
      if (timer) clearTimeout(timer)
      timer = null
      const c = client
      client = null
      markReady()
      if (c) await c.end().catch(() => {})
    },
  }
}

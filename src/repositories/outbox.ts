import { and, asc, count, desc, eq, gte, inArray, lte, max, or, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { changes, dialectOf, first, row, run } from '../db/query.js'
import { reminderOutbox } from '../db/schema.js'

export type OutboxRow = typeof reminderOutbox.$inferSelect
export type OutboxStatus = OutboxRow['status']
export type OutboxChannel = OutboxRow['channel']
export type OutboxInsert = Pick<typeof reminderOutbox.$inferInsert,
  'outboxKey' | 'kind' | 'occurrenceId' | 'reminderKey' | 'recipient' | 'subscriptionId' | 'channel' | 'municipalityId' |
  'sendOn' | 'dueDate' | 'messageId' | 'payload'>

export interface OutboxFilter {
  status?: OutboxStatus
  occurrenceId?: string
  channel?: OutboxChannel
  /** Rows about these municipalities only (an editor's view). */
  municipalityIds?: number[]
  /** Rows created or attempted (sent, retried, failed, withdrawn) since then. */
  modifiedSince?: number
  limit: number
  offset: number
}

/** Rows per INSERT; the dispatcher enqueues one chunk per transaction. */
export const ENQUEUE_CHUNK = 200

// SQL only. Every write here is a single statement, so two dispatchers (server and cron) on two
// connections never act on the same stale read: the claim below is one UPDATE … RETURNING whose
// subquery and update run under the same write lock. Callers run each write in its own short
// transaction (the transactor, src/db/executor.ts), never across a send.
export function createOutboxRepository (db: Db) {
  return {
    /** Which of these keys are already in the outbox (whatever their state). */
    async existingKeys (keys: readonly string[], ex: Executor = db): Promise<Set<string>> {
      const out = new Set<string>()
      for (let i = 0; i < keys.length; i += 500) {
        for (const r of await ex.select({ k: reminderOutbox.outboxKey }).from(reminderOutbox).where(inArray(reminderOutbox.outboxKey, keys.slice(i, i + 500)))) out.add(r.k)
      }
      return out
    },

    /** Writes due reminders, each at most once ever (the unique keys); returns how many were new. */
    async enqueue (rows: readonly OutboxInsert[], now: number, ex: Executor = db): Promise<number> {
      let added = 0
      // One INSERT per chunk, each atomic on its own. The dispatcher passes one chunk per transaction,
      // so the write lock is held only briefly and a dispatcher on another connection is not kept
      // waiting. A crash between chunks leaves the rest to the next run (the keys are unique).
      // The chunk goes in as one JSON parameter read by json_each (PostgreSQL: jsonb_array_elements
      // WITH ORDINALITY): a national morning is ~67,000 rows, and binding 13 parameters a row through
      // the query builder cost seconds.
      const pg = dialectOf(ex) === 'pg'
      for (let i = 0; i < rows.length; i += ENQUEUE_CHUNK) {
        const chunk = JSON.stringify(rows.slice(i, i + ENQUEUE_CHUNK).map(r => [
          r.outboxKey, r.kind, r.occurrenceId ?? null, r.reminderKey, r.recipient, r.subscriptionId, r.channel,
          r.municipalityId ?? null, r.sendOn, r.dueDate ?? null, r.messageId, JSON.stringify(r.payload),
        ]))
        added += await run(ex, pg
          ? sql`INSERT INTO reminder_outbox (outbox_key, kind, occurrence_id, reminder_key, recipient, subscription_id, channel,
              municipality_id, send_on, due_date, message_id, payload, status, attempts, next_attempt_at, created)
            SELECT v ->> 0, v ->> 1, v ->> 2, v ->> 3, v ->> 4, (v ->> 5)::bigint, v ->> 6,
              (v ->> 7)::bigint, v ->> 8, v ->> 9, v ->> 10, v ->> 11, 'pending', 0, ${now}::bigint, ${now}::bigint
            FROM jsonb_array_elements(${chunk}::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY n
            ON CONFLICT DO NOTHING`
          : sql`INSERT INTO reminder_outbox (outbox_key, kind, occurrence_id, reminder_key, recipient, subscription_id, channel,
              municipality_id, send_on, due_date, message_id, payload, status, attempts, next_attempt_at, created)
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,
              value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11, 'pending', 0, ${now}, ${now}
            FROM json_each(${chunk}) WHERE true ORDER BY key
            ON CONFLICT DO NOTHING`)
      }
      return added
    },

    /** Reminders not yet sent to a subscription that stops are withdrawn with it; returns how many. */
    async cancelPending (subscriptionId: number, at: number, reason: string, ex: Executor = db): Promise<number> {
      return changes(await ex.update(reminderOutbox).set({ status: 'cancelled', lastError: reason, lastAttemptAt: at })
        .where(and(eq(reminderOutbox.subscriptionId, subscriptionId), eq(reminderOutbox.status, 'pending'))))
    },

    /**
     * Atomically takes up to `limit` rows that are due (pending and past their next attempt, or
     * claimed by a dispatcher whose lease ran out: it crashed or hung) and leases them to `worker`.
     */
    async claim (opts: { worker: string; now: number; leaseMs: number; limit: number; channels: readonly OutboxChannel[] }, ex: Executor = db): Promise<OutboxRow[]> {
      if (opts.channels.length === 0) return []
      const claimable = and(
        inArray(reminderOutbox.channel, [...opts.channels]),
        or(
          and(eq(reminderOutbox.status, 'pending'), lte(reminderOutbox.nextAttemptAt, opts.now)),
          and(eq(reminderOutbox.status, 'sending'), lte(reminderOutbox.claimExpiresAt, opts.now))
        )
      )
      const picked = ex.select({ id: reminderOutbox.id }).from(reminderOutbox).where(claimable)
        .orderBy(asc(reminderOutbox.nextAttemptAt), asc(reminderOutbox.id)).limit(opts.limit)
      // SQLite: one statement under the single write lock. PostgreSQL: the subquery locks the rows it
      // picks and skips those another instance's claim holds, so two instances never take the same row.
      // It goes in as `= ANY(ARRAY(…))`, which PostgreSQL runs once (an InitPlan): as `IN (…)` the
      // planner may rescan it for each candidate row, and every rescan skips the rows this statement
      // has just updated (locked by itself) and picks the next `limit`, so one claim took them all.
      const ids = dialectOf(ex) === 'pg' ? sql`= ANY(ARRAY(${picked.getSQL()} FOR UPDATE SKIP LOCKED))` : sql`IN ${picked}`
      const claimed = await ex.update(reminderOutbox).set({
        status: 'sending',
        claimedBy: opts.worker,
        claimExpiresAt: opts.now + opts.leaseMs,
        attempts: sql`${reminderOutbox.attempts} + 1`,
        lastAttemptAt: opts.now,
      }).where(and(sql`${reminderOutbox.id} ${ids}`, claimable)).returning()
      return claimed.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
    },

    /** Sent is final: whoever sent it, and even if its lease had run out meanwhile. */
    async markSent (id: number, at: number, response: string | null, ex: Executor = db): Promise<boolean> {
      return changes(await ex.update(reminderOutbox).set({ status: 'sent', sentAt: at, lastResponse: response, lastError: null, claimedBy: null, claimExpiresAt: null })
        .where(and(eq(reminderOutbox.id, id), inArray(reminderOutbox.status, ['pending', 'sending', 'failed'])))) > 0
    },

    /** A failed attempt to try again later; only by the dispatcher that holds the claim. */
    async markRetry (id: number, worker: string, at: number, error: string, nextAttemptAt: number, response: string | null = null, ex: Executor = db): Promise<boolean> {
      return changes(await ex.update(reminderOutbox).set({ status: 'pending', lastError: error, lastResponse: response, lastAttemptAt: at, nextAttemptAt, claimedBy: null, claimExpiresAt: null })
        .where(and(eq(reminderOutbox.id, id), eq(reminderOutbox.status, 'sending'), eq(reminderOutbox.claimedBy, worker)))) > 0
    },

    /** Given up (no more attempts, or a permanent error), or withdrawn (cancelled) because it no longer applies. */
    async markFinal (id: number, worker: string, status: 'failed' | 'cancelled', at: number, error: string, response: string | null = null, ex: Executor = db): Promise<boolean> {
      return changes(await ex.update(reminderOutbox).set({ status, lastError: error, lastResponse: response, lastAttemptAt: at, claimedBy: null, claimExpiresAt: null })
        .where(and(eq(reminderOutbox.id, id), eq(reminderOutbox.status, 'sending'), eq(reminderOutbox.claimedBy, worker)))) > 0
    },

    async get (id: number, ex: Executor = db): Promise<OutboxRow | undefined> {
      return first(ex.select().from(reminderOutbox).where(eq(reminderOutbox.id, id)))
    },

    /** The delivery log, newest first. */
    async list (f: OutboxFilter, ex: Executor = db): Promise<{ items: OutboxRow[]; total: number }> {
      const where = and(
        f.status ? eq(reminderOutbox.status, f.status) : undefined,
        f.occurrenceId ? eq(reminderOutbox.occurrenceId, f.occurrenceId) : undefined,
        f.channel ? eq(reminderOutbox.channel, f.channel) : undefined,
        f.municipalityIds ? (f.municipalityIds.length ? inArray(reminderOutbox.municipalityId, f.municipalityIds) : sql`1 = 0`) : undefined,
        f.modifiedSince !== undefined
          ? or(gte(reminderOutbox.created, f.modifiedSince), gte(reminderOutbox.lastAttemptAt, f.modifiedSince), gte(reminderOutbox.sentAt, f.modifiedSince))
          : undefined
      )
      const total = (await first(ex.select({ n: count() }).from(reminderOutbox).where(where)))?.n ?? 0
      const items = await ex.select().from(reminderOutbox).where(where).orderBy(desc(reminderOutbox.id)).limit(f.limit).offset(f.offset)
      return { items, total }
    },

    /** When each occurrence was last reminded about (any recipient). */
    async lastSentByOccurrence (occurrenceIds: readonly string[], ex: Executor = db): Promise<Map<string, number>> {
      const out = new Map<string, number>()
      for (let i = 0; i < occurrenceIds.length; i += 500) {
        const rows = await ex.select({ id: reminderOutbox.occurrenceId, at: max(reminderOutbox.sentAt) }).from(reminderOutbox)
          .where(and(inArray(reminderOutbox.occurrenceId, occurrenceIds.slice(i, i + 500)), eq(reminderOutbox.status, 'sent')))
          .groupBy(reminderOutbox.occurrenceId)
        for (const r of rows) if (r.id !== null && r.at !== null) out.set(r.id, r.at)
      }
      return out
    },

    async countByStatus (ex: Executor = db): Promise<Record<OutboxStatus, number>> {
      const out: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 }
      for (const r of await ex.select({ status: reminderOutbox.status, n: count() }).from(reminderOutbox).groupBy(reminderOutbox.status)) out[r.status] = r.n
      return out
    },

    /**
     * Changes whenever anything that decides which reminders are due changes: rules, occurrence
     * states, subscriptions, the register. Planning is skipped while it and the day stay the same.
     */
    async planningFingerprint (ex: Executor = db): Promise<string> {
      const fingerprint = await row<Record<string, number | null>>(ex, sql`select
        (select max(modified) from rule) as r, (select count(*) from rule) as rc,
        (select max(modified) from occurrence_state) as s, (select count(*) from occurrence_state) as sc,
        (select max(modified) from subscription) as sub, (select count(*) from subscription) as subc,
        (select max(modified) from body) as b, (select max(modified) from collaboration) as c,
        (select max(modified) from municipality) as m, (select count(*) from participation) as p,
        (select count(*) from constitution) as k, (select max(modified) from app_user) as u`)
      return JSON.stringify(fingerprint)
    },
  }
}
export type OutboxRepository = ReturnType<typeof createOutboxRepository>

import { and, asc, eq, gte, inArray } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { changes, first } from '../db/query.js'
import { subscriptions } from '../db/schema.js'

export type SubscriptionRow = typeof subscriptions.$inferSelect
export type SubscriptionInsert = Omit<typeof subscriptions.$inferInsert, 'id' | 'created' | 'modified' | 'deleted'>

/** The address a reminder goes to: one reminder per address even when two subscriptions match. */
export function recipientOf (s: Pick<SubscriptionRow, 'channel' | 'email' | 'webhookUrl'>): string {
  return s.channel === 'email' ? `mailto:${s.email!.toLowerCase()}` : s.webhookUrl!
}

export interface SubscriptionFilter {
  channel?: 'email' | 'webhook'
  active?: boolean
  /** With it, deleted subscriptions changed since then are included (tombstones); without, never. */
  modifiedSince?: number
}

/** Subscriptions: SQL only. The subscriptions service holds the rules, access checks and audit. */
export function createSubscriptionsRepository (db: Db) {
  return {
    /** Deleted ones included (the dispatcher and the delivery log still name them). */
    async find (id: number, ex: Executor = db): Promise<SubscriptionRow | undefined> {
      return first(ex.select().from(subscriptions).where(eq(subscriptions.id, id)))
    },

    /** Oldest first; the service filters by the caller's scope and pages. */
    async list (filter: SubscriptionFilter = {}, ex: Executor = db): Promise<SubscriptionRow[]> {
      return await ex.select().from(subscriptions).where(and(
        filter.modifiedSince === undefined ? eq(subscriptions.deleted, false) : gte(subscriptions.modified, filter.modifiedSince),
        filter.channel ? eq(subscriptions.channel, filter.channel) : undefined,
        filter.active === undefined ? undefined : eq(subscriptions.active, filter.active)
      )).orderBy(asc(subscriptions.id))
    },

    /** The subscriptions reminders go to now. */
    async active (ex: Executor = db): Promise<SubscriptionRow[]> {
      return await ex.select().from(subscriptions).where(and(eq(subscriptions.deleted, false), eq(subscriptions.active, true))).orderBy(asc(subscriptions.id))
    },

    /** A person's own subscriptions (issue 14, «Mine varsler»), live ones only, oldest first. */
    async listByUser (userId: number, ex: Executor = db): Promise<SubscriptionRow[]> {
      return await ex.select().from(subscriptions).where(and(eq(subscriptions.userId, userId), eq(subscriptions.deleted, false))).orderBy(asc(subscriptions.id))
    },

    async byIds (ids: readonly number[], ex: Executor = db): Promise<Map<number, SubscriptionRow>> {
      if (ids.length === 0) return new Map()
      return new Map((await ex.select().from(subscriptions).where(inArray(subscriptions.id, [...ids])).orderBy(asc(subscriptions.id))).map(s => [s.id, s]))
    },

    async insert (values: SubscriptionInsert, at: number, ex: Executor = db): Promise<SubscriptionRow> {
      return (await first(ex.insert(subscriptions).values({ ...values, created: at, modified: at }).returning()))!
    },

    /** Undefined when there is no such subscription (deleted ones are not changed). */
    async update (id: number, patch: Partial<SubscriptionInsert>, at: number, ex: Executor = db): Promise<SubscriptionRow | undefined> {
      return first(ex.update(subscriptions).set({ ...patch, modified: at })
        .where(and(eq(subscriptions.id, id), eq(subscriptions.deleted, false))).returning())
    },

    /** A tombstone: reminders already sent keep pointing at it in the delivery log. */
    async markDeleted (id: number, at: number, ex: Executor = db): Promise<boolean> {
      return changes(await ex.update(subscriptions).set({ deleted: true, active: false, modified: at })
        .where(and(eq(subscriptions.id, id), eq(subscriptions.deleted, false)))) > 0
    },
  }
}
export type SubscriptionsRepository = ReturnType<typeof createSubscriptionsRepository>

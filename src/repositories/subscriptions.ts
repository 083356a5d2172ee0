import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { reminderOutbox, subscriptions } from '../db/schema.js'
import type { Clock } from '../shared/clock.js'
import { notFound } from '../shared/errors.js'
import { recordAudit, type AuditActor } from './audit.js'

export type SubscriptionRow = typeof subscriptions.$inferSelect
export type SubscriptionInsert = Omit<typeof subscriptions.$inferInsert, 'id' | 'created' | 'modified' | 'deleted'>

/** The audit log is readable by admins: it records that a webhook has a secret, never the secret itself. */
const redacted = (row: SubscriptionRow | undefined) => row && { ...row, webhookSecret: row.webhookSecret === null ? null : '[skjult]' }

/** The address a reminder goes to: one reminder per address even when two subscriptions match. */
export function recipientOf (s: Pick<SubscriptionRow, 'channel' | 'email' | 'webhookUrl'>): string {
  return s.channel === 'email' ? `mailto:${s.email!.toLowerCase()}` : s.webhookUrl!
}

export function createSubscriptionsRepository (db: Db, clock: Clock) {
  function find (id: number): SubscriptionRow | undefined {
    return db.select().from(subscriptions).where(eq(subscriptions.id, id)).get()
  }

  /** Reminders not yet sent to a subscription that stops are withdrawn with it. */
  function withdrawPending (tx: Pick<Db, 'update'>, subscriptionId: number, now: number, reason: string) {
    tx.update(reminderOutbox).set({ status: 'cancelled', lastError: reason, lastAttemptAt: now })
      .where(and(eq(reminderOutbox.subscriptionId, subscriptionId), eq(reminderOutbox.status, 'pending'))).run()
  }

  return {
    find,
    get (id: number): SubscriptionRow {
      const row = find(id)
      if (!row || row.deleted) throw notFound('subscription', id)
      return row
    },
    /** Every subscription that is not deleted, oldest first (the routes filter by the caller's scope). */
    list (filter: { channel?: 'email' | 'webhook'; active?: boolean } = {}): SubscriptionRow[] {
      return db.select().from(subscriptions).where(and(
        eq(subscriptions.deleted, false),
        filter.channel ? eq(subscriptions.channel, filter.channel) : undefined,
        filter.active === undefined ? undefined : eq(subscriptions.active, filter.active),
      )).orderBy(asc(subscriptions.id)).all()
    },
    /** The subscriptions reminders go to now. */
    active (): SubscriptionRow[] {
      return db.select().from(subscriptions).where(and(eq(subscriptions.deleted, false), eq(subscriptions.active, true))).orderBy(asc(subscriptions.id)).all()
    },
    byIds (ids: number[]): Map<number, SubscriptionRow> {
      if (ids.length === 0) return new Map()
      return new Map(db.select().from(subscriptions).where(inArray(subscriptions.id, ids)).all().map(s => [s.id, s]))
    },
    create (values: SubscriptionInsert, actor: AuditActor): SubscriptionRow {
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const row = tx.insert(subscriptions).values({ ...values, created: now, modified: now }).returning().get()
        recordAudit(tx, now, actor, { action: 'create', entityType: 'subscription', entityId: row.id, after: redacted(row) })
        return row
      })
    },
    update (id: number, patch: Partial<SubscriptionInsert>, actor: AuditActor): SubscriptionRow {
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const before = tx.select().from(subscriptions).where(eq(subscriptions.id, id)).get()
        if (!before || before.deleted) throw notFound('subscription', id)
        const after = tx.update(subscriptions).set({ ...patch, modified: now }).where(eq(subscriptions.id, id)).returning().get()
        if (before.active && !after.active) withdrawPending(tx, id, now, 'abonnementet ble deaktivert')
        recordAudit(tx, now, actor, { action: 'update', entityType: 'subscription', entityId: id, before: redacted(before), after: redacted(after) })
        return after
      })
    },
    /** A tombstone: reminders already sent keep pointing at it in the delivery log. */
    remove (id: number, actor: AuditActor): void {
      const now = clock.now().getTime()
      db.transaction(tx => {
        const before = tx.select().from(subscriptions).where(eq(subscriptions.id, id)).get()
        if (!before || before.deleted) throw notFound('subscription', id)
        tx.update(subscriptions).set({ deleted: true, active: false, modified: now }).where(eq(subscriptions.id, id)).run()
        withdrawPending(tx, id, now, 'abonnementet ble slettet')
        recordAudit(tx, now, actor, { action: 'delete', entityType: 'subscription', entityId: id, before: redacted(before) })
      })
    },
  }
}
export type SubscriptionsRepository = ReturnType<typeof createSubscriptionsRepository>

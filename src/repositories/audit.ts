import { and, count, desc, eq, gte, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { auditLog } from '../db/schema.js'
import { first } from '../db/query.js'

export type AuditRow = typeof auditLog.$inferSelect
/** Who made a change: the token, the person (signed in or owning the token), and the name the log shows. */
export interface AuditActor { tokenId: number | null; userId?: number | null; label: string }
export interface AuditEntry { action: string; entityType: string; entityId: string | number; before?: unknown; after?: unknown }

/** Writes go through here inside the same transaction as the change they record. */
export async function recordAudit (db: Pick<Db, 'insert'>, at: number, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values(auditValues(at, actor, entry))
}

const auditValues = (at: number, actor: AuditActor, entry: AuditEntry): typeof auditLog.$inferInsert => ({
  at,
  tokenId: actor.tokenId,
  userId: actor.userId ?? null,
  actor: actor.label,
  action: entry.action,
  entityType: entry.entityType,
  entityId: String(entry.entityId),
  before: entry.before ?? null,
  after: entry.after ?? null,
})

export function createAuditRepository (db: Db) {
  return {
    /** Records a change; services call it with the transaction that made the change. */
    async record (at: number, actor: AuditActor, entry: AuditEntry, ex: Executor = db): Promise<void> {
      await recordAudit(ex, at, actor, entry)
    },
    /** Several changes by one actor at one instant, in multi-row inserts. */
    async recordMany (at: number, actor: AuditActor, entries: readonly AuditEntry[], ex: Executor = db): Promise<void> {
      for (let i = 0; i < entries.length; i += 100) await ex.insert(auditLog).values(entries.slice(i, i + 100).map(e => auditValues(at, actor, e)))
    },
    /** Newest first. `since` keeps entries at or after that instant (the log is append-only: no tombstones). */
    async list (filter: { entityType?: string; entityId?: string; since?: number; limit: number; offset: number }, ex: Executor = db): Promise<{ items: AuditRow[]; total: number }> {
      const where = and(
        filter.entityType ? eq(auditLog.entityType, filter.entityType) : undefined,
        filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
        filter.since !== undefined ? gte(auditLog.at, filter.since) : undefined
      )
      const total = (await first(ex.select({ n: count() }).from(auditLog).where(where)))?.n ?? 0
      const items = await ex.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(filter.limit).offset(filter.offset)
      return { items, total }
    },
    /** Every write is audited, so the newest audit row is a data revision for caches and Last-Modified. */
    async revision (ex: Executor = db): Promise<{ id: number; at: number }> {
      const row = await first(ex.select({
        id: sql<number>`coalesce(max(${auditLog.id}), 0)`.mapWith(Number),
        at: sql<number>`coalesce(max(${auditLog.at}), 0)`.mapWith(Number),
      }).from(auditLog))
      return { id: row?.id ?? 0, at: row?.at ?? 0 }
    },
    async count (ex: Executor = db): Promise<number> {
      return (await first(ex.select({ n: count() }).from(auditLog)))?.n ?? 0
    },
  }
}
export type AuditRepository = ReturnType<typeof createAuditRepository>

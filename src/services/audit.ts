// The audit log: every write records who, what, before and after. Reading it is for admins.
import type { AuditRepository, AuditRow } from '../repositories/audit.js'
import type { AccessService, Actor } from './access.js'

export type { AuditRow } from '../repositories/audit.js'

export interface AuditFilter { entityType?: string; entityId?: string; since?: number; limit: number; offset: number }

export function createAuditService (deps: { audit: AuditRepository; access: AccessService }) {
  const { audit, access } = deps
  return {
    /** Admins only; newest first. The log is append-only, so `since` needs no tombstones. */
    async list (actor: Actor | null | undefined, filter: AuditFilter): Promise<{ items: AuditRow[]; total: number }> {
      access.requireAdmin(actor)
      return audit.list(filter)
    },
    /** The newest audit row: a data revision for caches and Last-Modified (every write is audited). */
    async revision (): Promise<{ id: number; at: number }> {
      return audit.revision()
    },
  }
}
export type AuditService = ReturnType<typeof createAuditService>

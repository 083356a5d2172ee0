import { eq, inArray } from 'drizzle-orm'
import type { Executor } from '../db/executor.js'
import { bodies, collaborations, participations } from '../db/schema.js'

export interface BodyOwner { id: number; municipalityId: number | null; collaborationId: number | null; feedVisibility: 'public' | 'private' }

/** The facts the access policy decides on: who owns a body, who takes part in a collaboration. SQL only. */
export function createScopeRepository (db: Executor) {
  return {
    /** Bodies set to private (deleted ones included: their items must not resurface). */
    async privateBodies (ex: Executor = db): Promise<BodyOwner[]> {
      return ex.select({ id: bodies.id, municipalityId: bodies.municipalityId, collaborationId: bodies.collaborationId, feedVisibility: bodies.feedVisibility })
        .from(bodies).where(eq(bodies.feedVisibility, 'private'))
    },
    async bodyOwners (ids: number[], ex: Executor = db): Promise<BodyOwner[]> {
      if (ids.length === 0) return []
      return ex.select({ id: bodies.id, municipalityId: bodies.municipalityId, collaborationId: bodies.collaborationId, feedVisibility: bodies.feedVisibility })
        .from(bodies).where(inArray(bodies.id, ids))
    },
    /** Participants and host of each collaboration: the municipalities whose editors answer for it. */
    async involvedMunicipalities (collaborationIds: number[], ex: Executor = db): Promise<Map<number, number[]>> {
      const out = new Map<number, number[]>(collaborationIds.map(id => [id, []]))
      if (collaborationIds.length === 0) return out
      for (const p of await ex.select({ c: participations.collaborationId, m: participations.municipalityId }).from(participations).where(inArray(participations.collaborationId, collaborationIds))) {
        out.get(p.c)!.push(p.m)
      }
      for (const c of await ex.select({ id: collaborations.id, host: collaborations.hostMunicipalityId }).from(collaborations).where(inArray(collaborations.id, collaborationIds))) {
        if (c.host !== null && !out.get(c.id)!.includes(c.host)) out.get(c.id)!.push(c.host)
      }
      return out
    },
  }
}
export type ScopeRepository = ReturnType<typeof createScopeRepository>

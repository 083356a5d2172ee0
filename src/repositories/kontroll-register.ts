// What kontrollutvalg planning reads from the register beyond the register's own repositories (issue 10):
// bodies, municipalities and collaborations by ids in bulk, who takes part in what, constitution dates.
// Read-only; SQL only.
import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { first } from '../db/query.js'
import { bodies, collaborations, constitutions, municipalities, participations } from '../db/schema.js'
import type { ConstitutionDates } from '../domain/valgperiode.js'
import type { ParticipationRole } from '../domain/vocabulary.js'

export type RegisterBody = typeof bodies.$inferSelect
export type RegisterMunicipality = typeof municipalities.$inferSelect
export type RegisterCollaboration = typeof collaborations.$inferSelect

export function createKontrollRegisterRepository (db: Db) {
  const repo = {
    async bodiesByIds (ids: readonly number[], ex: Executor = db): Promise<Map<number, RegisterBody>> {
      if (ids.length === 0) return new Map()
      return new Map((await ex.select().from(bodies).where(inArray(bodies.id, [...new Set(ids)])).orderBy(asc(bodies.id))).map(b => [b.id, b]))
    },
    async municipalitiesByIds (ids: readonly number[], ex: Executor = db): Promise<Map<number, RegisterMunicipality>> {
      if (ids.length === 0) return new Map()
      return new Map((await ex.select().from(municipalities).where(inArray(municipalities.id, [...new Set(ids)])).orderBy(asc(municipalities.id))).map(m => [m.id, m]))
    },
    async collaborationsByIds (ids: readonly number[], ex: Executor = db): Promise<Map<number, RegisterCollaboration>> {
      if (ids.length === 0) return new Map()
      return new Map((await ex.select().from(collaborations).where(inArray(collaborations.id, [...new Set(ids)])).orderBy(asc(collaborations.id))).map(c => [c.id, c]))
    },
    async constitutionDates (municipalityId: number, ex: Executor = db): Promise<ConstitutionDates> {
      return Object.fromEntries((await ex.select().from(constitutions).where(eq(constitutions.municipalityId, municipalityId))).map(c => [c.electionYear, c.date]))
    },
    /** The municipality's council (the first live kommunestyre). */
    async kommunestyreOf (municipalityId: number, ex: Executor = db): Promise<number | null> {
      return (await first(ex.select({ id: bodies.id }).from(bodies)
        .where(and(eq(bodies.municipalityId, municipalityId), eq(bodies.kind, 'kommunestyre'), eq(bodies.deleted, false))).orderBy(asc(bodies.id)).limit(1)))?.id ?? null
    },
    /** What a municipality owns, takes part in or hosts, with its role. */
    async involvedCollaborations (municipalityId: number, ex: Executor = db): Promise<Map<number, ParticipationRole>> {
      const map = new Map<number, ParticipationRole>()
      for (const p of await ex.select().from(participations).where(eq(participations.municipalityId, municipalityId)).orderBy(asc(participations.collaborationId))) map.set(p.collaborationId, p.role)
      for (const c of await ex.select({ id: collaborations.id }).from(collaborations).where(eq(collaborations.hostMunicipalityId, municipalityId)).orderBy(asc(collaborations.id))) {
        if (!map.has(c.id)) map.set(c.id, 'vertskommune')
      }
      return map
    },
  }
  return repo
}
export type KontrollRegisterRepository = ReturnType<typeof createKontrollRegisterRepository>

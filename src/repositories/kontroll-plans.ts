// The kontrollutvalg's plans and the kontrollutvalg(s) each belongs to (issue 6). SQL only (issue 10);
// the rules of the work are in src/services/kontroll/plans.ts. Deleted plans stay as tombstones.
import { and, asc, eq, gte, inArray } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { first } from '../db/query.js'
import { bodies } from '../db/schema.js'
import { kontrollPlanAdoptions, kontrollPlanBodies, kontrollPlans, kontrollPlanVersions } from '../db/schema-kontroll.js'
import type { KontrollType, PlanSnapshot } from '../domain/kontroll-vocabulary.js'

export type PlanRow = typeof kontrollPlans.$inferSelect
export type PlanValues = Omit<typeof kontrollPlans.$inferInsert, 'id'>
export type VersionRow = typeof kontrollPlanVersions.$inferSelect
export type AdoptionRow = typeof kontrollPlanAdoptions.$inferSelect

export interface PlanFilter {
  electionYear?: number
  type?: KontrollType
  /** Also deleted plans (tombstones) modified at or after this instant (epoch ms). */
  modifiedSince?: number
}

export function createKontrollPlansRepository (db: Db) {
  return {
    async find (id: number, ex: Executor = db): Promise<PlanRow | undefined> {
      return first(ex.select().from(kontrollPlans).where(eq(kontrollPlans.id, id)))
    },

    /** Live plans, or with `modifiedSince` every plan changed (or deleted) since; by period, then id. */
    async list (f: PlanFilter = {}, ex: Executor = db): Promise<PlanRow[]> {
      return await ex.select().from(kontrollPlans).where(and(
        f.modifiedSince === undefined ? eq(kontrollPlans.deleted, false) : gte(kontrollPlans.modified, f.modifiedSince),
        f.electionYear !== undefined ? eq(kontrollPlans.electionYear, f.electionYear) : undefined,
        f.type !== undefined ? eq(kontrollPlans.type, f.type) : undefined
      )).orderBy(asc(kontrollPlans.electionYear), asc(kontrollPlans.id))
    },

    /** The kontrollutvalg ids of each plan, in id order. */
    async bodyIdsOf (planIds: readonly number[], ex: Executor = db): Promise<Map<number, number[]>> {
      const out = new Map<number, number[]>(planIds.map(id => [id, []]))
      if (planIds.length === 0) return out
      for (const r of await ex.select().from(kontrollPlanBodies).where(inArray(kontrollPlanBodies.planId, [...planIds])).orderBy(asc(kontrollPlanBodies.bodyId))) {
        out.get(r.planId)!.push(r.bodyId)
      }
      return out
    },

    /** Live plans of a type and period that a kontrollutvalg belongs to. */
    async livePlanIdsOfBody (bodyId: number, type: KontrollType, electionYear: number, ex: Executor = db): Promise<number[]> {
      return (await ex.select({ id: kontrollPlans.id }).from(kontrollPlanBodies).innerJoin(kontrollPlans, eq(kontrollPlanBodies.planId, kontrollPlans.id))
        .where(and(eq(kontrollPlanBodies.bodyId, bodyId), eq(kontrollPlans.type, type), eq(kontrollPlans.electionYear, electionYear), eq(kontrollPlans.deleted, false)))
        .orderBy(asc(kontrollPlans.id))).map(r => r.id)
    },

    /** Live plans with a kontrollutvalg of the municipality. */
    async livePlansOfMunicipality (municipalityId: number, ex: Executor = db): Promise<PlanRow[]> {
      const ids = (await ex.selectDistinct({ id: kontrollPlanBodies.planId }).from(kontrollPlanBodies).innerJoin(bodies, eq(kontrollPlanBodies.bodyId, bodies.id))
        .where(eq(bodies.municipalityId, municipalityId))).map(r => r.id)
      if (ids.length === 0) return []
      return await ex.select().from(kontrollPlans).where(and(inArray(kontrollPlans.id, ids), eq(kontrollPlans.deleted, false))).orderBy(asc(kontrollPlans.id))
    },

    async insert (values: PlanValues, bodyIds: readonly number[], ex: Executor = db): Promise<PlanRow> {
      const row = (await first(ex.insert(kontrollPlans).values(values).returning()))!
      for (const bodyId of bodyIds) await ex.insert(kontrollPlanBodies).values({ planId: row.id, bodyId })
      return row
    },

    async update (id: number, values: Partial<PlanValues>, ex: Executor = db): Promise<PlanRow | undefined> {
      return first(ex.update(kontrollPlans).set(values).where(eq(kontrollPlans.id, id)).returning())
    },

    /** Each plan's versions, oldest first. */
    async versionsOf (planIds: readonly number[], ex: Executor = db): Promise<Map<number, VersionRow[]>> {
      const out = new Map<number, VersionRow[]>(planIds.map(id => [id, []]))
      if (planIds.length === 0) return out
      for (const r of await ex.select().from(kontrollPlanVersions).where(inArray(kontrollPlanVersions.planId, [...planIds])).orderBy(asc(kontrollPlanVersions.version))) {
        out.get(r.planId)!.push(r)
      }
      return out
    },

    async insertVersion (values: Omit<typeof kontrollPlanVersions.$inferInsert, 'id'>, ex: Executor = db): Promise<VersionRow> {
      return (await first(ex.insert(kontrollPlanVersions).values(values).returning()))!
    },

    async setSnapshot (versionId: number, snapshot: PlanSnapshot, ex: Executor = db): Promise<void> {
      await ex.update(kontrollPlanVersions).set({ snapshot }).where(eq(kontrollPlanVersions.id, versionId))
    },

    /** Each version's adoptions (one row per member kontrollutvalg), by body id. */
    async adoptionsOf (versionIds: readonly number[], ex: Executor = db): Promise<Map<number, AdoptionRow[]>> {
      const out = new Map<number, AdoptionRow[]>(versionIds.map(id => [id, []]))
      if (versionIds.length === 0) return out
      for (const r of await ex.select().from(kontrollPlanAdoptions).where(inArray(kontrollPlanAdoptions.versionId, [...versionIds])).orderBy(asc(kontrollPlanAdoptions.bodyId))) {
        out.get(r.versionId)!.push(r)
      }
      return out
    },

    /** Inserts or replaces one member's adoption of a version. */
    async saveAdoption (row: AdoptionRow, ex: Executor = db): Promise<void> {
      const { versionId: _v, bodyId: _b, ...values } = row
      await ex.insert(kontrollPlanAdoptions).values(row).onConflictDoUpdate({ target: [kontrollPlanAdoptions.versionId, kontrollPlanAdoptions.bodyId], set: values })
    },

    async deleteAdoption (versionId: number, bodyId: number, ex: Executor = db): Promise<void> {
      await ex.delete(kontrollPlanAdoptions).where(and(eq(kontrollPlanAdoptions.versionId, versionId), eq(kontrollPlanAdoptions.bodyId, bodyId)))
    },

    async setBodies (planId: number, bodyIds: readonly number[], ex: Executor = db): Promise<void> {
      await ex.delete(kontrollPlanBodies).where(eq(kontrollPlanBodies.planId, planId))
      for (const bodyId of bodyIds) await ex.insert(kontrollPlanBodies).values({ planId, bodyId })
    },
  }
}
export type KontrollPlansRepository = ReturnType<typeof createKontrollPlansRepository>

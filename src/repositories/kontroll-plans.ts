// The kontrollutvalg's plans and the kontrollutvalg(s) each belongs to (issue 6). SQL only (issue 10);
// the rules of the work are in src/services/kontroll/plans.ts. Deleted plans stay as tombstones.
import { and, asc, eq, gte, inArray } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { bodies } from '../db/schema.js'
import { kontrollPlanBodies, kontrollPlans } from '../db/schema-kontroll.js'
import type { KontrollType } from '../domain/kontroll-vocabulary.js'

export type PlanRow = typeof kontrollPlans.$inferSelect
export type PlanValues = Omit<typeof kontrollPlans.$inferInsert, 'id'>

export interface PlanFilter {
  electionYear?: number
  type?: KontrollType
  /** Also deleted plans (tombstones) modified at or after this instant (epoch ms). */
  modifiedSince?: number
}

export function createKontrollPlansRepository (db: Db) {
  return {
    async find (id: number, ex: Executor = db): Promise<PlanRow | undefined> {
      return ex.select().from(kontrollPlans).where(eq(kontrollPlans.id, id)).get()
    },

    /** Live plans, or with `modifiedSince` every plan changed (or deleted) since; by period, then id. */
    async list (f: PlanFilter = {}, ex: Executor = db): Promise<PlanRow[]> {
      return ex.select().from(kontrollPlans).where(and(
        f.modifiedSince === undefined ? eq(kontrollPlans.deleted, false) : gte(kontrollPlans.modified, f.modifiedSince),
        f.electionYear !== undefined ? eq(kontrollPlans.electionYear, f.electionYear) : undefined,
        f.type !== undefined ? eq(kontrollPlans.type, f.type) : undefined
      )).orderBy(asc(kontrollPlans.electionYear), asc(kontrollPlans.id)).all()
    },

    /** The kontrollutvalg ids of each plan, in id order. */
    async bodyIdsOf (planIds: readonly number[], ex: Executor = db): Promise<Map<number, number[]>> {
      const out = new Map<number, number[]>(planIds.map(id => [id, []]))
      if (planIds.length === 0) return out
      for (const r of ex.select().from(kontrollPlanBodies).where(inArray(kontrollPlanBodies.planId, [...planIds])).orderBy(asc(kontrollPlanBodies.bodyId)).all()) {
        out.get(r.planId)!.push(r.bodyId)
      }
      return out
    },

    /** Live plans of a type and period that a kontrollutvalg belongs to. */
    async livePlanIdsOfBody (bodyId: number, type: KontrollType, electionYear: number, ex: Executor = db): Promise<number[]> {
      return ex.select({ id: kontrollPlans.id }).from(kontrollPlanBodies).innerJoin(kontrollPlans, eq(kontrollPlanBodies.planId, kontrollPlans.id))
        .where(and(eq(kontrollPlanBodies.bodyId, bodyId), eq(kontrollPlans.type, type), eq(kontrollPlans.electionYear, electionYear), eq(kontrollPlans.deleted, false)))
        .all().map(r => r.id)
    },

    /** Live plans with a kontrollutvalg of the municipality. */
    async livePlansOfMunicipality (municipalityId: number, ex: Executor = db): Promise<PlanRow[]> {
      const ids = ex.selectDistinct({ id: kontrollPlanBodies.planId }).from(kontrollPlanBodies).innerJoin(bodies, eq(kontrollPlanBodies.bodyId, bodies.id))
        .where(eq(bodies.municipalityId, municipalityId)).all().map(r => r.id)
      if (ids.length === 0) return []
      return ex.select().from(kontrollPlans).where(and(inArray(kontrollPlans.id, ids), eq(kontrollPlans.deleted, false))).orderBy(asc(kontrollPlans.id)).all()
    },

    async insert (values: PlanValues, bodyIds: readonly number[], ex: Executor = db): Promise<PlanRow> {
      const row = ex.insert(kontrollPlans).values(values).returning().get()
      for (const bodyId of bodyIds) ex.insert(kontrollPlanBodies).values({ planId: row.id, bodyId }).run()
      return row
    },

    async update (id: number, values: Partial<PlanValues>, ex: Executor = db): Promise<PlanRow | undefined> {
      return ex.update(kontrollPlans).set(values).where(eq(kontrollPlans.id, id)).returning().get()
    },

    async setBodies (planId: number, bodyIds: readonly number[], ex: Executor = db): Promise<void> {
      ex.delete(kontrollPlanBodies).where(eq(kontrollPlanBodies.planId, planId)).run()
      for (const bodyId of bodyIds) ex.insert(kontrollPlanBodies).values({ planId, bodyId }).run()
    },
  }
}
export type KontrollPlansRepository = ReturnType<typeof createKontrollPlansRepository>

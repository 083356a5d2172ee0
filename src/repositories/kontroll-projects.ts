// A plan's projects, what each controls (subjects), and the one-off rules that put its steps in the
// calendars (milestones). SQL only (issue 10); the rules of the work are in src/services/kontroll/projects.ts.
// Deleted projects stay as tombstones.
import { and, asc, eq, gte, inArray } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { first } from '../db/query.js'
import { kontrollProjectMilestones, kontrollProjects, kontrollProjectSubjects } from '../db/schema-kontroll.js'
import type { ProjectMilestone } from '../domain/kontroll-vocabulary.js'
import type { ProjectSubject } from '../domain/kontroll.js'

export type ProjectRow = typeof kontrollProjects.$inferSelect
export type ProjectValues = Omit<typeof kontrollProjects.$inferInsert, 'id'>
export type SubjectRow = typeof kontrollProjectSubjects.$inferSelect
export type MilestoneRow = typeof kontrollProjectMilestones.$inferSelect

export function createKontrollProjectsRepository (db: Db) {
  return {
    async find (id: number, ex: Executor = db): Promise<ProjectRow | undefined> {
      return first(ex.select().from(kontrollProjects).where(eq(kontrollProjects.id, id)))
    },

    /** Live projects of the plans, or with `modifiedSince` every project changed (or deleted) since. */
    async listByPlans (planIds: readonly number[], f: { modifiedSince?: number } = {}, ex: Executor = db): Promise<ProjectRow[]> {
      if (planIds.length === 0) return []
      return await ex.select().from(kontrollProjects).where(and(
        inArray(kontrollProjects.planId, [...planIds]),
        f.modifiedSince === undefined ? eq(kontrollProjects.deleted, false) : gte(kontrollProjects.modified, f.modifiedSince)
      )).orderBy(asc(kontrollProjects.id))
    },

    async subjectsOf (projectIds: readonly number[], ex: Executor = db): Promise<Map<number, SubjectRow[]>> {
      const map = new Map<number, SubjectRow[]>()
      if (projectIds.length === 0) return map
      for (const s of await ex.select().from(kontrollProjectSubjects).where(inArray(kontrollProjectSubjects.projectId, [...projectIds])).orderBy(asc(kontrollProjectSubjects.id))) {
        const list = map.get(s.projectId) ?? []
        list.push(s)
        map.set(s.projectId, list)
      }
      return map
    },

    async insert (values: ProjectValues, subjects: readonly ProjectSubject[], ex: Executor = db): Promise<ProjectRow> {
      const row = (await first(ex.insert(kontrollProjects).values(values).returning()))!
      for (const s of subjects) await ex.insert(kontrollProjectSubjects).values({ projectId: row.id, ...s })
      return row
    },

    async update (id: number, values: Partial<ProjectValues>, ex: Executor = db): Promise<ProjectRow | undefined> {
      return first(ex.update(kontrollProjects).set(values).where(eq(kontrollProjects.id, id)).returning())
    },

    async setSubjects (projectId: number, subjects: readonly ProjectSubject[], ex: Executor = db): Promise<void> {
      await ex.delete(kontrollProjectSubjects).where(eq(kontrollProjectSubjects.projectId, projectId))
      for (const s of subjects) await ex.insert(kontrollProjectSubjects).values({ projectId, ...s })
    },

    /** Marks the plan's live projects deleted; returns them as they are now. */
    async markDeletedByPlan (planId: number, now: number, ex: Executor = db): Promise<ProjectRow[]> {
      const rows = await ex.update(kontrollProjects).set({ deleted: true, modified: now })
        .where(and(eq(kontrollProjects.planId, planId), eq(kontrollProjects.deleted, false))).returning()
      return rows.sort((a, b) => a.id - b.id)
    },

    async milestonesOf (projectIds: readonly number[], ex: Executor = db): Promise<MilestoneRow[]> {
      if (projectIds.length === 0) return []
      return await ex.select().from(kontrollProjectMilestones).where(inArray(kontrollProjectMilestones.projectId, [...projectIds]))
        .orderBy(asc(kontrollProjectMilestones.projectId), asc(kontrollProjectMilestones.milestone), asc(kontrollProjectMilestones.bodyId))
    },

    /** The milestone mappings of these rules (which project step each rule is). */
    async milestonesByRules (ruleIds: readonly number[], ex: Executor = db): Promise<MilestoneRow[]> {
      if (ruleIds.length === 0) return []
      return await ex.select().from(kontrollProjectMilestones).where(inArray(kontrollProjectMilestones.ruleId, [...ruleIds])).orderBy(asc(kontrollProjectMilestones.ruleId))
    },

    /** Puts projects in the given places of their plan (1, 2, …). */
    async setPositions (positions: ReadonlyArray<{ id: number; position: number }>, modified: number, ex: Executor = db): Promise<void> {
      for (const p of positions) await ex.update(kontrollProjects).set({ position: p.position, modified }).where(eq(kontrollProjects.id, p.id))
    },

    /** Points a project's milestone for one kontrollutvalg at a rule (inserting or replacing the mapping). */
    async setMilestone (m: MilestoneRow, ex: Executor = db): Promise<void> {
      await ex.insert(kontrollProjectMilestones).values(m)
        .onConflictDoUpdate({ target: [kontrollProjectMilestones.projectId, kontrollProjectMilestones.milestone, kontrollProjectMilestones.bodyId], set: { ruleId: m.ruleId } })
    },

    async deleteMilestone (m: { projectId: number; milestone: ProjectMilestone; bodyId: number }, ex: Executor = db): Promise<void> {
      await ex.delete(kontrollProjectMilestones).where(and(
        eq(kontrollProjectMilestones.projectId, m.projectId), eq(kontrollProjectMilestones.milestone, m.milestone), eq(kontrollProjectMilestones.bodyId, m.bodyId)
      ))
    },
  }
}
export type KontrollProjectsRepository = ReturnType<typeof createKontrollProjectsRepository>

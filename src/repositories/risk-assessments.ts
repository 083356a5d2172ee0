// Risiko- og vesentlighetsvurderinger: one live assessment per subject and valgperiode. SQL only
// (issue 10); the rules of the work are in src/services/kontroll/assessments.ts. Deleted assessments
// stay as tombstones (migration 0003).
import { and, eq, gte } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { first } from '../db/query.js'
import { riskAssessments } from '../db/schema-kontroll.js'

export type AssessmentRow = typeof riskAssessments.$inferSelect
export type AssessmentValues = Omit<typeof riskAssessments.$inferInsert, 'id'>

export interface AssessmentFilter {
  electionYear?: number
  collaborationId?: number
  /** Also deleted assessments (tombstones) modified at or after this instant (epoch ms). */
  modifiedSince?: number
}

export function createRiskAssessmentsRepository (db: Db) {
  return {
    async find (id: number, ex: Executor = db): Promise<AssessmentRow | undefined> {
      return first(ex.select().from(riskAssessments).where(eq(riskAssessments.id, id)))
    },

    async list (f: AssessmentFilter = {}, ex: Executor = db): Promise<AssessmentRow[]> {
      return await ex.select().from(riskAssessments).where(and(
        f.modifiedSince === undefined ? eq(riskAssessments.deleted, false) : gte(riskAssessments.modified, f.modifiedSince),
        f.electionYear !== undefined ? eq(riskAssessments.electionYear, f.electionYear) : undefined,
        f.collaborationId !== undefined ? eq(riskAssessments.collaborationId, f.collaborationId) : undefined
      ))
    },

    /** The live assessment of a subject (its subject key) for a period. */
    async findLive (electionYear: number, subjectKey: string, ex: Executor = db): Promise<AssessmentRow | undefined> {
      return first(ex.select().from(riskAssessments)
        .where(and(eq(riskAssessments.electionYear, electionYear), eq(riskAssessments.subjectKey, subjectKey), eq(riskAssessments.deleted, false))).limit(1))
    },

    async insert (values: AssessmentValues, ex: Executor = db): Promise<AssessmentRow> {
      return (await first(ex.insert(riskAssessments).values(values).returning()))!
    },

    async update (id: number, values: Partial<AssessmentValues>, ex: Executor = db): Promise<AssessmentRow | undefined> {
      return first(ex.update(riskAssessments).set(values).where(eq(riskAssessments.id, id)).returning())
    },
  }
}
export type RiskAssessmentsRepository = ReturnType<typeof createRiskAssessmentsRepository>

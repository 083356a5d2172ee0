import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { bodies, collaborations, municipalities, rules } from './schema.js'
import type { CaseRefs, KontrollType, PlanSnapshot, PlanStatus, ProjectMilestone, ProjectStatus } from '../domain/kontroll-vocabulary.js'

// The kontrollutvalg's planning (issue 6): per valgperiode a plan for forvaltningsrevisjon and one for
// eierskapskontroll (koml. §§ 23-3, 23-4), the risk and materiality assessment behind them, and their projects.
// Calendar dates are TEXT 'YYYY-MM-DD'; instants INTEGER epoch ms; deleted rows stay as tombstones.
const lifecycle = {
  created: integer('created').notNull(),
  modified: integer('modified').notNull(),
  deleted: integer('deleted', { mode: 'boolean' }).notNull().default(false),
}

export const kontrollPlans = sqliteTable('kontroll_plan', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  type: text('type').$type<KontrollType>().notNull(),
  // The valgperiode's election year E; the plan covers E..E+4.
  electionYear: integer('election_year').notNull(),
  title: text('title').notNull(),
  // The current version's adoption (issue 15): adopted_ku once every member's kontrollutvalg has adopted
  // it, adopted_ks once every member's kommunestyre has. The adoptions themselves: kontroll_plan_adoption.
  status: text('status').$type<PlanStatus>().notNull().default('draft'),
  note: text('note'),
  ...lifecycle,
}, t => [index('kontroll_plan_election_year_idx').on(t.electionYear), index('kontroll_plan_modified_idx').on(t.modified)])

// The kontrollutvalg(s) that own a plan: several for a joint plan.
export const kontrollPlanBodies = sqliteTable('kontroll_plan_body', {
  planId: integer('plan_id').notNull().references(() => kontrollPlans.id, { onDelete: 'cascade' }),
  bodyId: integer('body_id').notNull().references(() => bodies.id),
}, t => [primaryKey({ columns: [t.planId, t.bodyId] }), index('kontroll_plan_body_body_idx').on(t.bodyId)])

// A plan's versions (issue 15): 1 when created; a revision of an adopted plan is the next version, with
// its own adoptions. The highest version is the current one; an earlier version is frozen as `snapshot`
// (title, note and projects as they stood when the revision began) and stays readable.
export const kontrollPlanVersions = sqliteTable('kontroll_plan_version', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  planId: integer('plan_id').notNull().references(() => kontrollPlans.id, { onDelete: 'cascade' }),
  version: integer('version').notNull(),
  // Why the plan was revised; null for the first version.
  reason: text('reason'),
  snapshot: text('snapshot', { mode: 'json' }).$type<PlanSnapshot>(),
  created: integer('created').notNull(),
}, t => [uniqueIndex('kontroll_plan_version_uq').on(t.planId, t.version)])

// Each member kontrollutvalg adopts a version, and so does its municipality's kommunestyre, each on its
// own date and with its own saksnummer (koml. §§ 23-3, 23-4: the council adopts the plan). One row per
// version and member kontrollutvalg.
export const kontrollPlanAdoptions = sqliteTable('kontroll_plan_adoption', {
  versionId: integer('version_id').notNull().references(() => kontrollPlanVersions.id, { onDelete: 'cascade' }),
  bodyId: integer('body_id').notNull().references(() => bodies.id),
  kuAdoptedOn: text('ku_adopted_on'),
  kuCaseRef: text('ku_case_ref'),
  ksAdoptedOn: text('ks_adopted_on'),
  ksCaseRef: text('ks_case_ref'),
}, t => [primaryKey({ columns: [t.versionId, t.bodyId] }), index('kontroll_plan_adoption_body_idx').on(t.bodyId)])

// Risiko- og vesentlighetsvurdering: one per subject and valgperiode (a collaboration, or a municipality's service area).
export const riskAssessments = sqliteTable('risk_assessment', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  electionYear: integer('election_year').notNull(),
  collaborationId: integer('collaboration_id').references(() => collaborations.id),
  municipalityId: integer('municipality_id').references(() => municipalities.id),
  serviceArea: text('service_area'),
  // 'c:<id>' or 'm:<id>:<service area, lower case>': one non-null column for uniqueness.
  subjectKey: text('subject_key').notNull(),
  risk: integer('risk').notNull(),
  materiality: integer('materiality').notNull(),
  justification: text('justification'),
  assessedOn: text('assessed_on').notNull(),
  ...lifecycle,
}, t => [
  check('risk_assessment_scores', sql`${t.risk} BETWEEN 1 AND 5 AND ${t.materiality} BETWEEN 1 AND 5`),
  check('risk_assessment_subject', sql`(${t.collaborationId} IS NOT NULL AND ${t.municipalityId} IS NULL AND ${t.serviceArea} IS NULL)
    OR (${t.collaborationId} IS NULL AND ${t.municipalityId} IS NOT NULL AND ${t.serviceArea} IS NOT NULL)`),
  // A deleted assessment stays as a tombstone (issue 10) and does not block assessing the subject again.
  uniqueIndex('risk_assessment_live_subject_uq').on(t.electionYear, t.subjectKey).where(sql`${t.deleted} = 0`),
  index('risk_assessment_modified_idx').on(t.modified),
])

export const kontrollProjects = sqliteTable('kontroll_project', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  planId: integer('plan_id').notNull().references(() => kontrollPlans.id),
  title: text('title').notNull(),
  problemStatement: text('problem_statement'),
  plannedYear: integer('planned_year').notNull(),
  plannedQuarter: integer('planned_quarter'),
  // The project's place in the plan (1, 2, …) once the plan has been put in order by hand (issue 15);
  // null: after those, ranked by risk × materiality.
  position: integer('position'),
  auditor: text('auditor'),
  orderedOn: text('ordered_on'),
  reportDeliveredOn: text('report_delivered_on'),
  // When the kontrollutvalg and the council are planned to treat the report: the dates of those occurrences.
  kuPlannedOn: text('ku_planned_on'),
  kuTreatedOn: text('ku_treated_on'),
  ksPlannedOn: text('ks_planned_on'),
  ksTreatedOn: text('ks_treated_on'),
  followUpDue: text('follow_up_due'),
  followedUpOn: text('followed_up_on'),
  status: text('status').$type<ProjectStatus>().notNull().default('planned'),
  droppedReason: text('dropped_reason'),
  // Case references per step: { order, report, ku, ks, followUp }.
  caseRefs: text('case_refs', { mode: 'json' }).$type<CaseRefs>().notNull().default(sql`'{}'`),
  ...lifecycle,
}, t => [
  check('kontroll_project_quarter', sql`${t.plannedQuarter} IS NULL OR ${t.plannedQuarter} BETWEEN 1 AND 4`),
  index('kontroll_project_plan_idx').on(t.planId),
])

// What a project controls: a collaboration/company, or a service area of a municipality.
export const kontrollProjectSubjects = sqliteTable('kontroll_project_subject', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  projectId: integer('project_id').notNull().references(() => kontrollProjects.id, { onDelete: 'cascade' }),
  collaborationId: integer('collaboration_id').references(() => collaborations.id),
  municipalityId: integer('municipality_id').references(() => municipalities.id),
  serviceArea: text('service_area'),
}, t => [
  check('kontroll_project_subject_one', sql`(${t.collaborationId} IS NOT NULL AND ${t.municipalityId} IS NULL AND ${t.serviceArea} IS NULL)
    OR (${t.collaborationId} IS NULL AND ${t.municipalityId} IS NOT NULL AND ${t.serviceArea} IS NOT NULL)`),
  index('kontroll_project_subject_project_idx').on(t.projectId),
  index('kontroll_project_subject_collaboration_idx').on(t.collaborationId),
])

// The one-off rules that put a project's steps in the calendars: one per milestone and kontrollutvalg.
export const kontrollProjectMilestones = sqliteTable('kontroll_project_milestone', {
  projectId: integer('project_id').notNull().references(() => kontrollProjects.id, { onDelete: 'cascade' }),
  milestone: text('milestone').$type<ProjectMilestone>().notNull(),
  bodyId: integer('body_id').notNull().references(() => bodies.id),
  ruleId: integer('rule_id').notNull().references(() => rules.id),
}, t => [primaryKey({ columns: [t.projectId, t.milestone, t.bodyId] }), index('kontroll_project_milestone_rule_idx').on(t.ruleId)])

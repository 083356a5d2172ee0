// The kontrollutvalg's plans, their projects and the risk and materiality assessments (issue 6).
// A project's steps become one-off rules (via the rules repository) so they show up in the occurrence
// API and the feeds; a plan's adoption is recorded on the municipality's package occurrence
// plan_forvaltningsrevisjon / plan_eierskapskontroll (via the occurrences repository).
import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { bodies, collaborations, constitutions, municipalities, participations, rules } from '../db/schema.js'
import {
  kontrollPlanBodies, kontrollPlans, kontrollProjectMilestones, kontrollProjects, kontrollProjectSubjects, riskAssessments,
} from '../db/schema-kontroll.js'
import type { Clock } from '../shared/clock.js'
import { badRequest, conflict, notFound } from '../shared/errors.js'
import { compareDates, fromBasicDate, isValidDate, toBasicDate, type CalendarDate } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import { expandRule, occurrenceId } from '../domain/occurrences.js'
import { isElectionYear, valgperiode, valgperiodeDueDate, type ConstitutionDates, type ValgperiodeAnchor } from '../domain/valgperiode.js'
import type { OccurrenceStatus, ParticipationRole } from '../domain/vocabulary.js'
import type { CaseRefs, KontrollType, ProjectMilestone, ProjectStatus } from '../domain/kontroll-vocabulary.js'
import {
  effectiveStatus, milestoneSchedule, normaliseServiceArea, planStatus, planYears, plannedBy, rankProjects, subjectKey,
  type AssessmentScore, type CoverageCollaboration, type CoverageProject, type ProjectSubject,
} from '../domain/kontroll.js'
import { recordAudit, type AuditActor } from './audit.js'
import type { RuleInsert, RuleRow, RulesRepository } from './rules.js'
import type { OccurrencesRepository, StatePatch, StateRow } from './occurrences.js'
import { iso } from './shared.js'

export type PlanRow = typeof kontrollPlans.$inferSelect
export type ProjectRow = typeof kontrollProjects.$inferSelect
export type AssessmentRow = typeof riskAssessments.$inferSelect
type BodyRow = typeof bodies.$inferSelect

export interface PlanInput {
  type: KontrollType; electionYear: number; title: string; bodies: string[]
  kuAdoptedOn?: string | null; kuCaseRef?: string | null; ksAdoptedOn?: string | null; ksCaseRef?: string | null; note?: string | null
}
export type PlanPatch = Partial<Omit<PlanInput, 'type' | 'electionYear'>>
export interface SubjectInput { collaboration?: string; municipality?: string; serviceArea?: string }
export interface ProjectInput {
  title: string; problemStatement?: string | null; plannedYear: number; plannedQuarter?: number | null; auditor?: string | null
  orderedOn?: string | null; reportDeliveredOn?: string | null; kuPlannedOn?: string | null; kuTreatedOn?: string | null
  ksPlannedOn?: string | null; ksTreatedOn?: string | null; followUpDue?: string | null; followedUpOn?: string | null
  status?: ProjectStatus; droppedReason?: string | null; caseRefs?: CaseRefs; subjects: SubjectInput[]
}
export type ProjectPatch = Partial<ProjectInput>
export interface AssessmentInput {
  electionYear: number; collaboration?: string; municipality?: string; serviceArea?: string
  risk: number; materiality: number; justification?: string | null; assessedOn?: string
}
export type AssessmentPatch = Partial<Pick<AssessmentInput, 'risk' | 'materiality' | 'justification' | 'assessedOn'>>

const ZONE = 'Europe/Oslo'
const ADOPTION_ANCHOR: ValgperiodeAnchor = 'end_of_year_after_constitution'
const PLAN_DATES = ['kuAdoptedOn', 'ksAdoptedOn'] as const
const PROJECT_PLANNED_DATES = ['orderedOn', 'kuPlannedOn', 'ksPlannedOn', 'followUpDue'] as const
const PROJECT_DONE_DATES = ['reportDeliveredOn', 'kuTreatedOn', 'ksTreatedOn', 'followedUpOn'] as const
const PROJECT_FIELDS = ['title', 'problemStatement', 'plannedYear', 'plannedQuarter', 'auditor', ...PROJECT_PLANNED_DATES, ...PROJECT_DONE_DATES, 'droppedReason', 'caseRefs'] as const

const MILESTONE_TITLES: Record<ProjectMilestone, string> = {
  report: 'Revisjonsrapport', ku: 'Kontrollutvalget behandler rapporten', ks: 'Kommunestyret behandler rapporten', follow_up: 'Oppfølging av vedtak',
}
/** The date of a one-off all-day rule ('DTSTART;VALUE=DATE:20270630'), which is also its occurrence key. */
const dateOfRule = (rule: RuleRow): CalendarDate | null => {
  const m = /VALUE=DATE:(\d{8})$/.exec(rule.dtstart ?? '')
  return m ? fromBasicDate(m[1]!) : null
}
const MILESTONE_CASE_REF: Record<ProjectMilestone, keyof CaseRefs> = { report: 'report', ku: 'ku', ks: 'ks', follow_up: 'followUp' }

export function createKontrollRepository (db: Db, clock: Clock, rulesRepo: RulesRepository, occurrencesRepo: OccurrencesRepository) {
  const today = () => localDateOf(clock.now(), ZONE)

  // ── lookups ──
  function planBodies (planId: number): BodyRow[] {
    return db.select({ b: bodies }).from(kontrollPlanBodies).innerJoin(bodies, eq(kontrollPlanBodies.bodyId, bodies.id))
      .where(eq(kontrollPlanBodies.planId, planId)).orderBy(asc(bodies.id)).all().map(r => r.b)
  }
  const municipalityIdsOf = (bs: BodyRow[]) => [...new Set(bs.map(b => b.municipalityId!))]

  function findPlan (id: number): PlanRow | undefined {
    return db.select().from(kontrollPlans).where(eq(kontrollPlans.id, id)).get()
  }
  function getPlan (id: number): PlanRow {
    const row = findPlan(id)
    if (!row || row.deleted) throw notFound('kontroll_plan', id)
    return row
  }
  function getProject (planId: number, projectId: number): ProjectRow {
    const row = db.select().from(kontrollProjects).where(eq(kontrollProjects.id, projectId)).get()
    if (!row || row.deleted || row.planId !== planId) throw notFound('kontroll_project', projectId)
    return row
  }
  function subjectsOf (projectIds: number[]): Map<number, Array<typeof kontrollProjectSubjects.$inferSelect>> {
    const map = new Map<number, Array<typeof kontrollProjectSubjects.$inferSelect>>()
    if (projectIds.length === 0) return map
    for (const s of db.select().from(kontrollProjectSubjects).where(inArray(kontrollProjectSubjects.projectId, projectIds)).orderBy(asc(kontrollProjectSubjects.id)).all()) {
      const list = map.get(s.projectId) ?? []
      list.push(s)
      map.set(s.projectId, list)
    }
    return map
  }
  function constitutionDates (municipalityId: number): ConstitutionDates {
    return Object.fromEntries(db.select().from(constitutions).where(eq(constitutions.municipalityId, municipalityId)).all().map(c => [c.electionYear, c.date]))
  }
  function kommunestyreOf (municipalityId: number): number | null {
    return db.select({ id: bodies.id }).from(bodies)
      .where(and(eq(bodies.municipalityId, municipalityId), eq(bodies.kind, 'kommunestyre'), eq(bodies.deleted, false))).orderBy(asc(bodies.id)).get()?.id ?? null
  }
  /** What a municipality owns, takes part in or hosts. */
  function involvedCollaborations (municipalityId: number): Map<number, ParticipationRole> {
    const map = new Map<number, ParticipationRole>()
    for (const p of db.select().from(participations).where(eq(participations.municipalityId, municipalityId)).all()) map.set(p.collaborationId, p.role)
    for (const c of db.select({ id: collaborations.id }).from(collaborations).where(eq(collaborations.hostMunicipalityId, municipalityId)).all()) {
      if (!map.has(c.id)) map.set(c.id, 'vertskommune')
    }
    return map
  }

  // ── validation ──
  function validDate (value: string | null | undefined, path: string, opts: { notFuture?: boolean } = {}): void {
    if (value === undefined || value === null) return
    if (!isValidDate(value)) throw badRequest('kontroll.invalid_date', path, `"${value}" is not a calendar date YYYY-MM-DD`)
    if (opts.notFuture && compareDates(value, today()) > 0) throw badRequest('kontroll.future_date', path, `${value} is in the future; record it when it has happened`)
  }

  function resolvePlanBodies (slugs: string[]): BodyRow[] {
    const seen = new Set<number>()
    return slugs.map((slug, i) => {
      const path = `body/bodies/${i}`
      const b = db.select().from(bodies).where(eq(bodies.slug, slug)).get()
      if (!b || b.deleted) throw badRequest('kontroll.unknown_body', path, `unknown body "${slug}"`)
      if (b.kind !== 'kontrollutvalg' || b.municipalityId === null) throw badRequest('kontroll.not_kontrollutvalg', path, `"${slug}" is a ${b.kind}, not a municipality's kontrollutvalg`)
      if (seen.has(b.id)) throw badRequest('kontroll.duplicate_body', path, `"${slug}" is listed twice`)
      seen.add(b.id)
      return b
    })
  }

  function checkPlanDates (plan: { kuAdoptedOn?: string | null; ksAdoptedOn?: string | null }) {
    for (const k of PLAN_DATES) validDate(plan[k], `body/${k}`, { notFuture: true })
    if (plan.kuAdoptedOn && plan.ksAdoptedOn && compareDates(plan.ksAdoptedOn, plan.kuAdoptedOn) < 0) {
      throw badRequest('kontroll.adoption_order', 'body/ksAdoptedOn', 'the council adopts the plan after the kontrollutvalg has adopted its proposal')
    }
  }

  /** One plan of each type per kontrollutvalg and period: the statutory plan (a joint plan counts for each). */
  function checkNoOtherPlan (type: KontrollType, electionYear: number, bs: BodyRow[], exceptPlanId?: number) {
    for (const b of bs) {
      const other = db.select({ id: kontrollPlans.id }).from(kontrollPlanBodies).innerJoin(kontrollPlans, eq(kontrollPlanBodies.planId, kontrollPlans.id))
        .where(and(eq(kontrollPlanBodies.bodyId, b.id), eq(kontrollPlans.type, type), eq(kontrollPlans.electionYear, electionYear), eq(kontrollPlans.deleted, false))).all()
        .find(p => p.id !== exceptPlanId)
      if (other) throw conflict('kontroll.plan_exists', `${b.name} har allerede en plan for ${type} for valgperioden ${electionYear}–${electionYear + 4} (plan ${other.id})`, [{ path: 'body/bodies', message: `plan ${other.id}` }])
    }
  }

  function resolveSubjects (plan: PlanRow, planMunicipalityIds: number[], input: SubjectInput[]): ProjectSubject[] {
    const owned = new Set(planMunicipalityIds.flatMap(m => [...involvedCollaborations(m).keys()]))
    const seen = new Set<string>()
    return input.map((s, i) => {
      const path = `body/subjects/${i}`
      let subject: ProjectSubject
      if (s.collaboration !== undefined) {
        if (s.municipality !== undefined || s.serviceArea !== undefined) throw badRequest('kontroll.subject', path, 'give either collaboration, or municipality and serviceArea')
        const c = db.select().from(collaborations).where(eq(collaborations.slug, s.collaboration)).get()
        if (!c || c.deleted) throw badRequest('kontroll.unknown_subject', `${path}/collaboration`, `unknown collaboration "${s.collaboration}"`)
        if (!owned.has(c.id)) throw badRequest('kontroll.subject_not_involved', `${path}/collaboration`, `none of the plan's municipalities owns or takes part in "${s.collaboration}"`)
        subject = { collaborationId: c.id, municipalityId: null, serviceArea: null }
      } else {
        if (s.municipality === undefined || s.serviceArea === undefined || normaliseServiceArea(s.serviceArea) === '') {
          throw badRequest('kontroll.subject', path, 'give either collaboration, or municipality and serviceArea')
        }
        if (plan.type === 'eierskapskontroll') throw badRequest('kontroll.subject', `${path}/serviceArea`, 'an eierskapskontroll concerns a company or collaboration, not a service area')
        const m = db.select().from(municipalities).where(eq(municipalities.slug, s.municipality)).get()
        if (!m || m.deleted) throw badRequest('kontroll.unknown_subject', `${path}/municipality`, `unknown municipality "${s.municipality}"`)
        if (!planMunicipalityIds.includes(m.id)) throw badRequest('kontroll.subject_outside_plan', `${path}/municipality`, `"${s.municipality}" has no kontrollutvalg in this plan`)
        subject = { collaborationId: null, municipalityId: m.id, serviceArea: normaliseServiceArea(s.serviceArea) }
      }
      const key = subjectKey(subject)
      if (seen.has(key)) throw badRequest('kontroll.duplicate_subject', path, 'subject listed twice')
      seen.add(key)
      return subject
    })
  }

  /** The project as it would be stored after the patch, validated as a whole. */
  function projectValues (plan: PlanRow, input: ProjectPatch, current?: ProjectRow) {
    const values: Partial<typeof kontrollProjects.$inferInsert> = {}
    for (const k of PROJECT_FIELDS) if (input[k] !== undefined) (values as Record<string, unknown>)[k] = input[k]
    const merged = { ...current, ...values } as ProjectRow
    if (!planYears(plan.electionYear).includes(merged.plannedYear)) {
      throw badRequest('kontroll.year_outside_period', 'body/plannedYear', `must be within the plan's valgperiode, ${plan.electionYear}–${plan.electionYear + 4}`)
    }
    for (const k of PROJECT_PLANNED_DATES) validDate(input[k], `body/${k}`)
    for (const k of PROJECT_DONE_DATES) validDate(input[k], `body/${k}`, { notFuture: true })
    const requested = input.status ?? current?.status ?? 'planned'
    if (requested === 'dropped' && !(merged.droppedReason ?? '').trim()) throw badRequest('kontroll.dropped_reason', 'body/droppedReason', 'a dropped project needs the reason')
    values.status = effectiveStatus(requested, merged)
    if (values.status !== 'dropped' && input.status !== undefined && input.droppedReason === undefined) values.droppedReason = null
    return values
  }

  // ── occurrences ──
  function stateDiffers (current: StateRow | undefined, desired: StatePatch): boolean {
    const base = { status: 'planned', caseNumber: null, deliveredOn: null, approvedOn: null }
    const cur = current ?? base
    return (Object.keys(desired) as Array<keyof StatePatch>).some(k => ((cur as Record<string, unknown>)[k] ?? null) !== (desired[k] ?? null))
  }
  function patchIfChanged (ruleId: number, key: string, desired: StatePatch, actor: AuditActor) {
    const current = occurrencesRepo.getState(ruleId, key)
    if (!current && desired.status === 'planned' && !desired.caseNumber && !desired.deliveredOn && !desired.approvedOn) return
    if (stateDiffers(current, desired)) occurrencesRepo.patch(ruleId, key, desired, actor)
  }

  /** The municipality's package occurrence for adopting this plan type in the plan's period. */
  function adoptionOccurrence (plan: Pick<PlanRow, 'type' | 'electionYear'>, municipalityId: number): { rule: RuleRow; key: string } | null {
    const candidates = db.select().from(rules).where(and(eq(rules.municipalityId, municipalityId), eq(rules.eventType, `plan_${plan.type}`), eq(rules.deleted, false))).orderBy(asc(rules.id)).all()
    const dates = constitutionDates(municipalityId)
    const period = valgperiode(plan.electionYear, dates)
    const due = valgperiodeDueDate(ADOPTION_ANCHOR, period)
    for (const rule of candidates) {
      const keys = expandRule({ ...rule, anchor: rule.anchor as ValgperiodeAnchor | null }, { from: period.start, to: period.end }, dates)
      const key = keys.find(k => k.key === due)?.key ?? keys[0]?.key
      if (key) return { rule, key }
    }
    return null
  }

  function adoptionState (plan: Pick<PlanRow, 'kuAdoptedOn' | 'ksAdoptedOn' | 'kuCaseRef' | 'ksCaseRef'> | null): StatePatch {
    if (plan?.ksAdoptedOn) return { status: 'approved', deliveredOn: plan.kuAdoptedOn ?? null, approvedOn: plan.ksAdoptedOn, caseNumber: plan.ksCaseRef ?? plan.kuCaseRef ?? null }
    if (plan?.kuAdoptedOn) return { status: 'delivered', deliveredOn: plan.kuAdoptedOn, approvedOn: null, caseNumber: plan.kuCaseRef ?? null }
    return { status: 'planned', deliveredOn: null, approvedOn: null, caseNumber: null }
  }

  /** Records the adoption on each kontrollutvalg's municipality's package occurrence; undoes it for bodies no longer in the plan. */
  function syncAdoption (before: { plan: PlanRow; bodies: BodyRow[] } | null, after: { plan: PlanRow; bodies: BodyRow[] }, actor: AuditActor) {
    const hadAdoption = before !== null && (before.plan.kuAdoptedOn !== null || before.plan.ksAdoptedOn !== null)
    const afterMs = after.plan.deleted ? [] : municipalityIdsOf(after.bodies)
    const unchanged = before !== null && !before.plan.deleted && ['kuAdoptedOn', 'ksAdoptedOn', 'kuCaseRef', 'ksCaseRef'].every(k => (before.plan as Record<string, unknown>)[k] === (after.plan as Record<string, unknown>)[k])
    for (const m of afterMs) {
      const wasIn = before !== null && !before.plan.deleted && municipalityIdsOf(before.bodies).includes(m)
      if (unchanged && wasIn) continue
      const occ = adoptionOccurrence(after.plan, m)
      const desired = adoptionState(after.plan)
      if (occ && (desired.status !== 'planned' || (hadAdoption && wasIn))) patchIfChanged(occ.rule.id, occ.key, desired, actor)
    }
    if (before !== null && hadAdoption) {
      for (const m of municipalityIdsOf(before.bodies)) {
        if (afterMs.includes(m)) continue
        const occ = adoptionOccurrence(before.plan, m)
        if (occ) patchIfChanged(occ.rule.id, occ.key, adoptionState(null), actor)
      }
    }
  }

  function milestoneRule (plan: PlanRow, project: ProjectRow, milestone: ProjectMilestone, ku: BodyRow, date: CalendarDate): RuleInsert {
    const treatedBy = milestone === 'ks' || milestone === 'follow_up' ? kommunestyreOf(ku.municipalityId!) : ku.id
    return {
      eventType: milestone === 'follow_up' ? 'oppfolging_vedtak' : `rapport_${plan.type}`,
      title: `${MILESTONE_TITLES[milestone]}: ${project.title}`,
      municipalityId: ku.municipalityId, collaborationId: null, subjectKey: `m:${ku.municipalityId}`,
      responsibleBodyId: ku.id, treatedByBodyId: treatedBy,
      scheduleType: 'dates', allDay: true, dtstart: `DTSTART;VALUE=DATE:${toBasicDate(date)}`, rrule: null, rdates: [], exdates: [],
      anchor: null, durationMinutes: null, reminderOffsetsDays: null, calendarBodyKinds: null, origin: 'manual', packageKey: null, enabled: true,
      note: `Fra kontrollutvalgets plan ${plan.id}, prosjekt ${project.id}: endres i /api/v1/kontroll/plans/${plan.id}/projects/${project.id}`,
    }
  }

  function milestoneState (project: ProjectRow, milestone: ProjectMilestone, doneOn: CalendarDate | null): StatePatch {
    const caseNumber = project.caseRefs[MILESTONE_CASE_REF[milestone]] ?? null
    const approval = milestone === 'ku' || milestone === 'ks'
    if (doneOn) return approval ? { status: 'approved', approvedOn: doneOn, deliveredOn: null, caseNumber } : { status: 'delivered', deliveredOn: doneOn, approvedOn: null, caseNumber }
    if (project.status === 'dropped') return { status: 'cancelled', caseNumber }
    const working = milestone === 'report' && (project.status === 'ordered' || project.status === 'in_progress')
    return { status: working ? 'in_progress' : 'planned', deliveredOn: null, approvedOn: null, caseNumber }
  }

  /** Creates, moves or removes the project's milestone rules (one per step and kontrollutvalg) and sets their occurrences' state. */
  function syncMilestones (plan: PlanRow, project: ProjectRow, kus: BodyRow[], actor: AuditActor) {
    const existing = db.select().from(kontrollProjectMilestones).where(eq(kontrollProjectMilestones.projectId, project.id)).all()
    const live = !project.deleted && !plan.deleted
    const schedule = live ? milestoneSchedule(project) : []
    const wanted = new Set<string>()
    for (const step of schedule) {
      for (const ku of kus) {
        wanted.add(`${step.milestone}/${ku.id}`)
        const values = milestoneRule(plan, project, step.milestone, ku, step.date)
        const mapped = existing.find(e => e.milestone === step.milestone && e.bodyId === ku.id)
        const rule = mapped ? rulesRepo.find(mapped.ruleId) : undefined
        let ruleId: number
        if (!rule || rule.deleted) {
          ruleId = rulesRepo.create(values, actor).id
          if (mapped) db.update(kontrollProjectMilestones).set({ ruleId }).where(and(eq(kontrollProjectMilestones.projectId, project.id), eq(kontrollProjectMilestones.milestone, step.milestone), eq(kontrollProjectMilestones.bodyId, ku.id))).run()
          else db.insert(kontrollProjectMilestones).values({ projectId: project.id, milestone: step.milestone, bodyId: ku.id, ruleId }).run()
        } else {
          ruleId = rule.id
          const changed = (['title', 'dtstart', 'treatedByBodyId', 'eventType', 'enabled'] as const).some(k => rule[k] !== values[k])
          if (changed) {
            const oldKey = dateOfRule(rule)
            rulesRepo.update(rule.id, { title: values.title, dtstart: values.dtstart, treatedByBodyId: values.treatedByBodyId, eventType: values.eventType, enabled: true, rrule: null, rdates: [], exdates: [] }, actor)
            // A new date is a new occurrence key: carry what was recorded on the old one across.
            const old = oldKey && oldKey !== step.date ? occurrencesRepo.getState(rule.id, oldKey) : undefined
            if (old) occurrencesRepo.patch(rule.id, step.date, { status: old.status, caseNumber: old.caseNumber, caseUrl: old.caseUrl, note: old.note, deliveredOn: old.deliveredOn, approvedOn: old.approvedOn }, actor)
          }
        }
        patchIfChanged(ruleId, step.date, milestoneState(project, step.milestone, step.doneOn), actor)
      }
    }
    for (const e of existing) {
      if (wanted.has(`${e.milestone}/${e.bodyId}`)) continue
      const rule = rulesRepo.find(e.ruleId)
      if (rule && !rule.deleted) rulesRepo.remove(rule.id, actor)
      db.delete(kontrollProjectMilestones).where(and(eq(kontrollProjectMilestones.projectId, e.projectId), eq(kontrollProjectMilestones.milestone, e.milestone), eq(kontrollProjectMilestones.bodyId, e.bodyId))).run()
    }
  }

  // ── views ──
  function planView (plan: PlanRow) {
    const bs = planBodies(plan.id)
    const ms = new Map(db.select().from(municipalities).all().map(m => [m.id, m]))
    const adoptionDue = valgperiodeDueDate(ADOPTION_ANCHOR, valgperiode(plan.electionYear))
    const projectCount = db.select({ id: kontrollProjects.id }).from(kontrollProjects).where(and(eq(kontrollProjects.planId, plan.id), eq(kontrollProjects.deleted, false))).all().length
    return {
      id: plan.id, type: plan.type, electionYear: plan.electionYear, valgperiode: `${plan.electionYear}–${plan.electionYear + 4}`,
      title: plan.title, status: plan.status,
      bodies: bs.map(b => ({ slug: b.slug, name: b.name, municipality: { slug: ms.get(b.municipalityId!)!.slug, name: ms.get(b.municipalityId!)!.name } })),
      kuAdoptedOn: plan.kuAdoptedOn, kuCaseRef: plan.kuCaseRef, ksAdoptedOn: plan.ksAdoptedOn, ksCaseRef: plan.ksCaseRef, note: plan.note,
      adoptionDue,
      adoptionOccurrences: bs.map(b => {
        const occ = adoptionOccurrence(plan, b.municipalityId!)
        const state = occ ? occurrencesRepo.getState(occ.rule.id, occ.key) : undefined
        return { municipality: ms.get(b.municipalityId!)!.slug, occurrenceId: occ ? occurrenceId(occ.rule.id, occ.key) : null, date: occ?.key ?? null, status: occ ? (state?.status ?? 'planned') as OccurrenceStatus : null }
      }),
      projectCount, created: iso(plan.created), modified: iso(plan.modified), deleted: plan.deleted,
    }
  }

  function projectViews (plan: PlanRow, rows: ProjectRow[]) {
    const subjects = subjectsOf(rows.map(r => r.id))
    const cs = new Map(db.select().from(collaborations).all().map(c => [c.id, c]))
    const ms = new Map(db.select().from(municipalities).all().map(m => [m.id, m]))
    const bs = new Map(db.select().from(bodies).all().map(b => [b.id, b]))
    const milestones = rows.length === 0 ? [] : db.select().from(kontrollProjectMilestones).where(inArray(kontrollProjectMilestones.projectId, rows.map(r => r.id))).all()
    const assessments = assessmentScores(plan.electionYear)
    const ranked = rankProjects(rows.map(r => ({ ...r, subjects: subjects.get(r.id) ?? [] })), assessments)
    return ranked.map(p => ({
      id: p.id, planId: p.planId, title: p.title, problemStatement: p.problemStatement, plannedYear: p.plannedYear, plannedQuarter: p.plannedQuarter,
      plannedBy: plannedBy(p.plannedYear, p.plannedQuarter), auditor: p.auditor, orderedOn: p.orderedOn, reportDeliveredOn: p.reportDeliveredOn,
      kuPlannedOn: p.kuPlannedOn, kuTreatedOn: p.kuTreatedOn, ksPlannedOn: p.ksPlannedOn, ksTreatedOn: p.ksTreatedOn,
      followUpDue: p.followUpDue, followedUpOn: p.followedUpOn, status: p.status, droppedReason: p.droppedReason, caseRefs: p.caseRefs,
      subjects: p.subjects.map(s => s.collaborationId !== null
        ? { type: 'collaboration' as const, slug: cs.get(s.collaborationId)!.slug, name: cs.get(s.collaborationId)!.name, legalForm: cs.get(s.collaborationId)!.legalForm as string }
        : { type: 'service_area' as const, municipality: ms.get(s.municipalityId!)!.slug, serviceArea: s.serviceArea! }),
      score: p.score, rank: p.rank,
      milestones: milestones.filter(m => m.projectId === p.id).flatMap(m => {
        const rule = rulesRepo.find(m.ruleId)
        const key = rule && !rule.deleted ? dateOfRule(rule) : null
        if (!rule || !key) return []
        const state = occurrencesRepo.getState(rule.id, key)
        return [{ milestone: m.milestone, body: bs.get(m.bodyId)!.slug, ruleId: rule.id, occurrenceId: occurrenceId(rule.id, key), date: key, status: (state?.status ?? 'planned') as OccurrenceStatus, caseNumber: state?.caseNumber ?? null }]
      }).sort((a, b) => compareDates(a.date, b.date) || a.body.localeCompare(b.body)),
      created: iso(p.created), modified: iso(p.modified), deleted: p.deleted,
    }))
  }

  function assessmentScores (electionYear: number): Array<AssessmentScore & { id: number }> {
    return db.select().from(riskAssessments).where(eq(riskAssessments.electionYear, electionYear)).all()
  }

  function assessmentView (a: AssessmentRow) {
    const subject = a.collaborationId !== null
      ? (() => { const c = db.select().from(collaborations).where(eq(collaborations.id, a.collaborationId)).get()!; return { type: 'collaboration' as const, slug: c.slug, name: c.name } })()
      : (() => { const m = db.select().from(municipalities).where(eq(municipalities.id, a.municipalityId!)).get()!; return { type: 'service_area' as const, municipality: m.slug, serviceArea: a.serviceArea! } })()
    return {
      id: a.id, electionYear: a.electionYear, valgperiode: `${a.electionYear}–${a.electionYear + 4}`, subject,
      risk: a.risk, materiality: a.materiality, score: a.risk * a.materiality, justification: a.justification, assessedOn: a.assessedOn,
      created: iso(a.created), modified: iso(a.modified),
    }
  }

  const repo = {
    getPlan,
    planView,
    /** The municipality ids whose editors may change the plan. */
    planScope (planId: number): number[] {
      return municipalityIdsOf(planBodies(planId))
    },
    /** Resolves and checks plan body slugs (kontrollutvalg only); their municipalities are the write scope. */
    resolvePlanBodies,

    listPlans (f: { electionYear?: number; municipality?: string; body?: string; type?: KontrollType }) {
      const mId = f.municipality ? db.select({ id: municipalities.id }).from(municipalities).where(eq(municipalities.slug, f.municipality)).get()?.id ?? -1 : undefined
      const bId = f.body ? db.select({ id: bodies.id }).from(bodies).where(eq(bodies.slug, f.body)).get()?.id ?? -1 : undefined
      const rows = db.select().from(kontrollPlans).where(and(
        eq(kontrollPlans.deleted, false),
        f.electionYear !== undefined ? eq(kontrollPlans.electionYear, f.electionYear) : undefined,
        f.type ? eq(kontrollPlans.type, f.type) : undefined,
      )).orderBy(asc(kontrollPlans.electionYear), asc(kontrollPlans.id)).all()
      return rows.filter(p => {
        if (mId === undefined && bId === undefined) return true
        const bs = planBodies(p.id)
        return (mId === undefined || bs.some(b => b.municipalityId === mId)) && (bId === undefined || bs.some(b => b.id === bId))
      }).map(planView)
    },

    createPlan (input: PlanInput, actor: AuditActor) {
      if (!isElectionYear(input.electionYear)) throw badRequest('kontroll.not_election_year', 'body/electionYear', `${input.electionYear} is not a municipal election year (2023, 2027, …)`)
      const bs = resolvePlanBodies(input.bodies)
      checkPlanDates(input)
      checkNoOtherPlan(input.type, input.electionYear, bs)
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const values = {
          type: input.type, electionYear: input.electionYear, title: input.title,
          kuAdoptedOn: input.kuAdoptedOn ?? null, kuCaseRef: input.kuCaseRef ?? null, ksAdoptedOn: input.ksAdoptedOn ?? null, ksCaseRef: input.ksCaseRef ?? null, note: input.note ?? null,
        }
        const row = tx.insert(kontrollPlans).values({ ...values, status: planStatus(values), created: now, modified: now }).returning().get()
        for (const b of bs) tx.insert(kontrollPlanBodies).values({ planId: row.id, bodyId: b.id }).run()
        syncAdoption(null, { plan: row, bodies: bs }, actor)
        const view = planView(row)
        recordAudit(tx, now, actor, { action: 'create', entityType: 'kontroll_plan', entityId: row.id, after: view })
        return view
      })
    },

    updatePlan (id: number, patch: PlanPatch, actor: AuditActor) {
      const current = getPlan(id)
      const beforeBodies = planBodies(id)
      const bs = patch.bodies !== undefined ? resolvePlanBodies(patch.bodies) : beforeBodies
      const merged = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([k, v]) => k !== 'bodies' && v !== undefined)) } as PlanRow
      checkPlanDates({ kuAdoptedOn: patch.kuAdoptedOn, ksAdoptedOn: patch.ksAdoptedOn })
      checkPlanDates({ kuAdoptedOn: merged.kuAdoptedOn, ksAdoptedOn: merged.ksAdoptedOn })
      if (patch.bodies !== undefined) checkNoOtherPlan(current.type, current.electionYear, bs, id)
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const beforeView = planView(current)
        const row = tx.update(kontrollPlans).set({
          title: merged.title, kuAdoptedOn: merged.kuAdoptedOn, kuCaseRef: merged.kuCaseRef, ksAdoptedOn: merged.ksAdoptedOn, ksCaseRef: merged.ksCaseRef, note: merged.note,
          status: planStatus(merged), modified: now,
        }).where(eq(kontrollPlans.id, id)).returning().get()
        if (patch.bodies !== undefined) {
          tx.delete(kontrollPlanBodies).where(eq(kontrollPlanBodies.planId, id)).run()
          for (const b of bs) tx.insert(kontrollPlanBodies).values({ planId: id, bodyId: b.id }).run()
          // Milestones follow the plan's kontrollutvalg.
          for (const p of tx.select().from(kontrollProjects).where(and(eq(kontrollProjects.planId, id), eq(kontrollProjects.deleted, false))).all()) syncMilestones(row, p, bs, actor)
        }
        syncAdoption({ plan: current, bodies: beforeBodies }, { plan: row, bodies: bs }, actor)
        const after = planView(row)
        recordAudit(tx, now, actor, { action: 'update', entityType: 'kontroll_plan', entityId: id, before: beforeView, after })
        return after
      })
    },

    /** Soft delete: the plan, its projects and their calendar entries; an adoption recorded on the package occurrence is undone. */
    removePlan (id: number, actor: AuditActor): void {
      const current = getPlan(id)
      const bs = planBodies(id)
      const now = clock.now().getTime()
      db.transaction(tx => {
        const beforeView = planView(current)
        const row = tx.update(kontrollPlans).set({ deleted: true, modified: now }).where(eq(kontrollPlans.id, id)).returning().get()
        for (const p of tx.update(kontrollProjects).set({ deleted: true, modified: now }).where(and(eq(kontrollProjects.planId, id), eq(kontrollProjects.deleted, false))).returning().all()) {
          syncMilestones(row, p, bs, actor)
        }
        syncAdoption({ plan: current, bodies: bs }, { plan: row, bodies: bs }, actor)
        recordAudit(tx, now, actor, { action: 'delete', entityType: 'kontroll_plan', entityId: id, before: beforeView })
      })
    },

    // ── projects ──
    listProjects (planId: number) {
      const plan = getPlan(planId)
      return projectViews(plan, db.select().from(kontrollProjects).where(and(eq(kontrollProjects.planId, planId), eq(kontrollProjects.deleted, false))).all())
    },
    projectView (planId: number, projectId: number) {
      return projectViews(getPlan(planId), [getProject(planId, projectId)])[0]!
    },

    createProject (planId: number, input: ProjectInput, actor: AuditActor) {
      const plan = getPlan(planId)
      const kus = planBodies(planId)
      const values = projectValues(plan, input)
      const subjects = resolveSubjects(plan, municipalityIdsOf(kus), input.subjects)
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const row = tx.insert(kontrollProjects).values({ ...values, planId, title: input.title, plannedYear: input.plannedYear, created: now, modified: now } as typeof kontrollProjects.$inferInsert).returning().get()
        for (const s of subjects) tx.insert(kontrollProjectSubjects).values({ projectId: row.id, ...s }).run()
        syncMilestones(plan, row, kus, actor)
        const view = projectViews(plan, [row])[0]!
        recordAudit(tx, now, actor, { action: 'create', entityType: 'kontroll_project', entityId: row.id, after: view })
        return view
      })
    },

    updateProject (planId: number, projectId: number, patch: ProjectPatch, actor: AuditActor) {
      const plan = getPlan(planId)
      const current = getProject(planId, projectId)
      const kus = planBodies(planId)
      const values = projectValues(plan, patch, current)
      const subjects = patch.subjects !== undefined ? resolveSubjects(plan, municipalityIdsOf(kus), patch.subjects) : undefined
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const beforeView = projectViews(plan, [current])[0]!
        const row = tx.update(kontrollProjects).set({ ...values, modified: now }).where(eq(kontrollProjects.id, projectId)).returning().get()
        if (subjects) {
          tx.delete(kontrollProjectSubjects).where(eq(kontrollProjectSubjects.projectId, projectId)).run()
          for (const s of subjects) tx.insert(kontrollProjectSubjects).values({ projectId, ...s }).run()
        }
        syncMilestones(plan, row, kus, actor)
        const after = projectViews(plan, [row])[0]!
        recordAudit(tx, now, actor, { action: 'update', entityType: 'kontroll_project', entityId: projectId, before: beforeView, after })
        return after
      })
    },

    removeProject (planId: number, projectId: number, actor: AuditActor): void {
      const plan = getPlan(planId)
      const current = getProject(planId, projectId)
      const now = clock.now().getTime()
      db.transaction(tx => {
        const beforeView = projectViews(plan, [current])[0]!
        const row = tx.update(kontrollProjects).set({ deleted: true, modified: now }).where(eq(kontrollProjects.id, projectId)).returning().get()
        syncMilestones(plan, row, planBodies(planId), actor)
        recordAudit(tx, now, actor, { action: 'delete', entityType: 'kontroll_project', entityId: projectId, before: beforeView })
      })
    },

    /** What the plan review needs: the period, the adoption and the projects. */
    reviewData (planId: number) {
      const plan = getPlan(planId)
      const kus = planBodies(planId)
      const period = valgperiode(plan.electionYear, kus.length ? constitutionDates(kus[0]!.municipalityId!) : {})
      return { plan: planView(plan), period, projects: repo.listProjects(planId) }
    },

    // ── assessments ──
    listAssessments (f: { electionYear?: number; municipality?: string; collaboration?: string }) {
      const mId = f.municipality ? db.select({ id: municipalities.id }).from(municipalities).where(eq(municipalities.slug, f.municipality)).get()?.id ?? -1 : undefined
      const cId = f.collaboration ? db.select({ id: collaborations.id }).from(collaborations).where(eq(collaborations.slug, f.collaboration)).get()?.id ?? -1 : undefined
      const involved = mId !== undefined ? involvedCollaborations(mId) : undefined
      const rows = db.select().from(riskAssessments).where(and(
        f.electionYear !== undefined ? eq(riskAssessments.electionYear, f.electionYear) : undefined,
        cId !== undefined ? eq(riskAssessments.collaborationId, cId) : undefined,
      )).all().filter(a => involved === undefined || a.municipalityId === mId || (a.collaborationId !== null && involved.has(a.collaborationId)))
      return rows.map(assessmentView).sort((a, b) => a.electionYear - b.electionYear || b.score - a.score || b.risk - a.risk || a.id - b.id)
    },
    getAssessment (id: number) {
      const row = db.select().from(riskAssessments).where(eq(riskAssessments.id, id)).get()
      if (!row) throw notFound('risk_assessment', id)
      return row
    },
    assessmentView,
    /** The municipality ids whose editors may change an assessment of this subject. */
    assessmentScope (a: Pick<AssessmentRow, 'collaborationId' | 'municipalityId'>): number[] {
      if (a.municipalityId !== null) return [a.municipalityId]
      return [...new Set([
        ...db.select({ id: participations.municipalityId }).from(participations).where(eq(participations.collaborationId, a.collaborationId!)).all().map(p => p.id),
        ...db.select({ id: collaborations.hostMunicipalityId }).from(collaborations).where(eq(collaborations.id, a.collaborationId!)).all().map(c => c.id).filter((x): x is number => x !== null),
      ])]
    },
    resolveAssessmentSubject (input: Pick<AssessmentInput, 'collaboration' | 'municipality' | 'serviceArea'>): Pick<AssessmentRow, 'collaborationId' | 'municipalityId' | 'serviceArea'> {
      if (input.collaboration !== undefined) {
        if (input.municipality !== undefined || input.serviceArea !== undefined) throw badRequest('kontroll.subject', 'body/collaboration', 'give either collaboration, or municipality and serviceArea')
        const c = db.select().from(collaborations).where(eq(collaborations.slug, input.collaboration)).get()
        if (!c || c.deleted) throw badRequest('kontroll.unknown_subject', 'body/collaboration', `unknown collaboration "${input.collaboration}"`)
        return { collaborationId: c.id, municipalityId: null, serviceArea: null }
      }
      if (input.municipality === undefined || input.serviceArea === undefined || normaliseServiceArea(input.serviceArea) === '') {
        throw badRequest('kontroll.subject', input.municipality === undefined ? 'body/collaboration' : 'body/serviceArea', 'give either collaboration, or municipality and serviceArea')
      }
      const m = db.select().from(municipalities).where(eq(municipalities.slug, input.municipality)).get()
      if (!m || m.deleted) throw badRequest('kontroll.unknown_subject', 'body/municipality', `unknown municipality "${input.municipality}"`)
      return { collaborationId: null, municipalityId: m.id, serviceArea: normaliseServiceArea(input.serviceArea) }
    },

    createAssessment (input: AssessmentInput, actor: AuditActor) {
      if (!isElectionYear(input.electionYear)) throw badRequest('kontroll.not_election_year', 'body/electionYear', `${input.electionYear} is not a municipal election year (2023, 2027, …)`)
      const subject = repo.resolveAssessmentSubject(input)
      validDate(input.assessedOn, 'body/assessedOn', { notFuture: true })
      const key = subjectKey(subject)
      const clash = db.select({ id: riskAssessments.id }).from(riskAssessments).where(and(eq(riskAssessments.electionYear, input.electionYear), eq(riskAssessments.subjectKey, key))).get()
      if (clash) throw conflict('kontroll.assessment_exists', `Dette er allerede vurdert for valgperioden (vurdering ${clash.id}); endre den i stedet`, [{ path: 'body', message: `assessment ${clash.id}` }])
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const row = tx.insert(riskAssessments).values({
          electionYear: input.electionYear, ...subject, subjectKey: key, risk: input.risk, materiality: input.materiality,
          justification: input.justification ?? null, assessedOn: input.assessedOn ?? today(), created: now, modified: now,
        }).returning().get()
        const view = assessmentView(row)
        recordAudit(tx, now, actor, { action: 'create', entityType: 'risk_assessment', entityId: row.id, after: view })
        return view
      })
    },

    updateAssessment (id: number, patch: AssessmentPatch, actor: AuditActor) {
      const current = repo.getAssessment(id)
      validDate(patch.assessedOn, 'body/assessedOn', { notFuture: true })
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
        const row = tx.update(riskAssessments).set({ ...values, modified: now }).where(eq(riskAssessments.id, id)).returning().get()
        const after = assessmentView(row)
        recordAudit(tx, now, actor, { action: 'update', entityType: 'risk_assessment', entityId: id, before: assessmentView(current), after })
        return after
      })
    },

    removeAssessment (id: number, actor: AuditActor): void {
      const current = repo.getAssessment(id)
      const now = clock.now().getTime()
      db.transaction(tx => {
        tx.delete(riskAssessments).where(eq(riskAssessments.id, id)).run()
        recordAudit(tx, now, actor, { action: 'delete', entityType: 'risk_assessment', entityId: id, before: assessmentView(current) })
      })
    },

    // ── coverage ──
    /** The domain coverage input for one municipality and period. */
    coverageData (municipalityId: number, electionYear: number) {
      const involved = involvedCollaborations(municipalityId)
      const cs = involved.size === 0 ? [] : db.select().from(collaborations).where(and(inArray(collaborations.id, [...involved.keys()]), eq(collaborations.deleted, false))).orderBy(asc(collaborations.name)).all()
      const collabs = cs.map(c => ({
        id: c.id, slug: c.slug, name: c.name, legalForm: c.legalForm, status: c.status, terminatedOn: c.terminatedOn, role: involved.get(c.id)!,
      })) satisfies CoverageCollaboration[]
      const planIds = db.selectDistinct({ id: kontrollPlanBodies.planId }).from(kontrollPlanBodies).innerJoin(bodies, eq(kontrollPlanBodies.bodyId, bodies.id))
        .where(eq(bodies.municipalityId, municipalityId)).all().map(r => r.id)
      const plans = planIds.length === 0 ? [] : db.select().from(kontrollPlans).where(and(inArray(kontrollPlans.id, planIds), eq(kontrollPlans.deleted, false))).all()
      const projects: CoverageProject[] = []
      for (const plan of plans) {
        const mIds = municipalityIdsOf(planBodies(plan.id))
        const rows = db.select().from(kontrollProjects).where(and(eq(kontrollProjects.planId, plan.id), eq(kontrollProjects.deleted, false))).all()
        const subjects = subjectsOf(rows.map(r => r.id))
        for (const r of rows) projects.push({ ...r, type: plan.type, electionYear: plan.electionYear, municipalityIds: mIds, subjects: subjects.get(r.id) ?? [] })
      }
      return { municipalityId, electionYear, collaborations: collabs, projects, assessments: assessmentScores(electionYear) }
    },
  }
  return repo
}
export type KontrollRepository = ReturnType<typeof createKontrollRepository>

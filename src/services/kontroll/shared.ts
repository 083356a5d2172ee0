// What the kontroll services share: their dependencies, date checks, and the read model (views) of
// plans, projects and assessments that the API, the demo loader and the reviews present.
import type { Executor, Transactor } from '../../db/executor.js'
import type { Clock } from '../../shared/clock.js'
import { invalid } from '../../shared/errors.js'
import type { AuditRepository } from '../../repositories/audit.js'
import type { RulesRepository } from '../../repositories/rules.js'
import type { OccurrencesService } from '../occurrences.js'
import type { RulesService } from '../rules.js'
import type { AdoptionRow, KontrollPlansRepository, PlanRow, VersionRow } from '../../repositories/kontroll-plans.js'
import type { KontrollProjectsRepository, ProjectRow } from '../../repositories/kontroll-projects.js'
import type { AssessmentRow, RiskAssessmentsRepository } from '../../repositories/risk-assessments.js'
import type { KontrollRegisterRepository, RegisterBody } from '../../repositories/kontroll-register.js'
import type { MunicipalitiesRepository } from '../../repositories/municipalities.js'
import type { BodiesRepository } from '../../repositories/bodies.js'
import type { CollaborationsRepository } from '../../repositories/collaborations.js'
import type { AccessService, Viewer } from '../access.js'
import { iso } from '../../repositories/shared.js'
import { compareDates, isSupportedDate, MAX_SUPPORTED_YEAR, MIN_SUPPORTED_YEAR, type CalendarDate } from '../../domain/calendar-date.js'
import { localDateOf } from '../../domain/local-time.js'
import { occurrenceId } from '../../domain/occurrences.js'
import { isElectionYear, valgperiode, valgperiodeDueDate } from '../../domain/valgperiode.js'
import { combinedAdoption, planOrder, plannedBy, rankProjects, statutoryAdoption, versionStatus, type AssessmentScore } from '../../domain/kontroll.js'
import type { PlanAdoption, PlanStatus } from '../../domain/kontroll-vocabulary.js'
import type { OccurrenceStatus } from '../../domain/vocabulary.js'
import { ADOPTION_ANCHOR, createCalendarSync, dateOfRule, type CalendarSync } from './calendar-sync.js'

export interface KontrollServiceDeps {
  plans: KontrollPlansRepository
  projects: KontrollProjectsRepository
  assessments: RiskAssessmentsRepository
  /** What only kontroll asks of the register (ids in bulk, involvement, constitution dates). */
  register: KontrollRegisterRepository
  municipalities: MunicipalitiesRepository
  bodies: BodiesRepository
  collaborations: CollaborationsRepository
  rules: RulesRepository
  ruleWrites: Pick<RulesService, 'createRow' | 'updateRow' | 'removeRow'>
  occurrenceStates: Pick<OccurrencesService, 'state' | 'saveState'>
  audit: AuditRepository
  access: AccessService
  clock: Clock
  transactor: Transactor
}

const ZONE = 'Europe/Oslo'

/** A deleted item as a sync client sees it under modified_since (OParl tombstone). */
export interface Tombstone { id: number; created: string; modified: string; deleted: true }
export const tombstone = (row: { id: number; created: number; modified: number }): Tombstone =>
  ({ id: row.id, created: iso(row.created), modified: iso(row.modified), deleted: true })

export interface Page<T> { items: T[]; total: number }
export const pageOf = <T>(all: T[], paging: { limit?: number; offset?: number }): Page<T> => {
  const offset = paging.offset ?? 0
  return { items: all.slice(offset, offset + (paging.limit ?? 100)), total: all.length }
}

export function checkElectionYear (year: number, field: string): number {
  if (!isElectionYear(year)) throw invalid('kontroll.not_election_year', field, `${year} is not a municipal election year (2023, 2027, …)`)
  return year
}

export function createKontrollShared (deps: KontrollServiceDeps) {
  const { plans, projects, register, access, clock } = deps
  const sync: CalendarSync = createCalendarSync(deps)
  const today = (): CalendarDate => localDateOf(clock.now(), ZONE)

  /** A calendar date, and (for what has happened) not after today. */
  function checkDate (value: string | null | undefined, field: string, opts: { notFuture?: boolean } = {}): void {
    if (value === undefined || value === null) return
    if (!isSupportedDate(value)) throw invalid('kontroll.invalid_date', field, `"${value}" is not a calendar date YYYY-MM-DD in the years ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}`)
    if (opts.notFuture && compareDates(value, today()) > 0) throw invalid('kontroll.future_date', field, `${value} is in the future; record it when it has happened`)
  }

  async function planBodies (planId: number, ex?: Executor): Promise<RegisterBody[]> {
    const ids = (await plans.bodyIdsOf([planId], ex)).get(planId) ?? []
    const bs = await register.bodiesByIds(ids, ex)
    return ids.map(id => bs.get(id)!)
  }

  /**
   * Whether the viewer may see a plan: when it may see at least one of the plan's kontrollutvalg. A
   * joint plan belongs to every member, so one member set to private does not hide it from the others'
   * public; a plan of a single private kontrollutvalg is seen only by those who may see that body.
   */
  async function planVisibility (viewer: Viewer, ex?: Executor) {
    const visibility = await access.visibility(viewer, ex)
    return (bodyIds: readonly number[]) => bodyIds.length === 0 || bodyIds.some(id => visibility.canSeeBody(id))
  }

  async function assessmentScores (electionYear: number, ex?: Executor): Promise<Array<AssessmentScore & { id: number }>> {
    return deps.assessments.list({ electionYear }, ex)
  }

  /**
   * Each plan's versions (oldest first) with their adoptions by body id (issue 15). The last version is
   * the current one.
   */
  async function versionsOf (planIds: readonly number[], ex?: Executor): Promise<Map<number, Array<VersionRow & { adoptions: Map<number, PlanAdoption> }>>> {
    const versions = await plans.versionsOf(planIds, ex)
    const adoptions = await plans.adoptionsOf([...versions.values()].flat().map(v => v.id), ex)
    const strip = ({ versionId: _v, bodyId: _b, ...a }: AdoptionRow): PlanAdoption => a
    return new Map([...versions].map(([planId, vs]) => [planId, vs.map(v => ({ ...v, adoptions: new Map((adoptions.get(v.id) ?? []).map(a => [a.bodyId, strip(a)])) }))]))
  }

  /**
   * What each member municipality's statutory plan occurrence records (domain statutoryAdoption), by
   * municipality id; null where nothing is adopted. Members are the plan's kontrollutvalg now.
   */
  async function statutoryAdoptions (planId: number, bodies: readonly RegisterBody[], ex?: Executor): Promise<Map<number, PlanAdoption | null>> {
    const versions = (await versionsOf([planId], ex)).get(planId) ?? []
    return new Map(bodies.map(b => [b.municipalityId!, statutoryAdoption(versions.map(v => v.adoptions.get(b.id)))]))
  }

  // ── views ──
  async function planViews (rows: readonly PlanRow[], ex?: Executor) {
    const bodyIds = await plans.bodyIdsOf(rows.map(r => r.id), ex)
    const bs = await register.bodiesByIds([...bodyIds.values()].flat(), ex)
    const ms = await register.municipalitiesByIds([...bs.values()].map(b => b.municipalityId!), ex)
    const live = await projects.listByPlans(rows.map(r => r.id), {}, ex)
    const allVersions = await versionsOf(rows.map(r => r.id), ex)
    const NONE: PlanAdoption = { kuAdoptedOn: null, kuCaseRef: null, ksAdoptedOn: null, ksCaseRef: null }
    const out = []
    for (const plan of rows) {
      const planBodies = (bodyIds.get(plan.id) ?? []).map(id => bs.get(id)!)
      const member = (b: RegisterBody) => ({ slug: b.slug, name: b.name, municipality: { slug: ms.get(b.municipalityId!)!.slug, name: ms.get(b.municipalityId!)!.name } })
      // One member's adoption: its kontrollutvalg and its municipality (whose kommunestyre adopts).
      const adoptionOf = (b: RegisterBody, a: PlanAdoption) => ({ body: { slug: b.slug, name: b.name }, municipality: member(b).municipality, ...a })
      const versions = (allVersions.get(plan.id) ?? []).map(v => {
        const adoptions = [...v.adoptions].map(([bodyId, a]) => ({ bodyId, ...a }))
        return {
          version: v.version,
          reason: v.reason,
          created: iso(v.created),
          status: versionStatus(adoptions) as PlanStatus,
          adoptions: adoptions.filter(a => bs.has(a.bodyId)).map(({ bodyId, ...a }) => adoptionOf(bs.get(bodyId)!, a)),
        }
      })
      const current = allVersions.get(plan.id)?.at(-1)
      const currentAdoptions = planBodies.map(b => adoptionOf(b, current?.adoptions.get(b.id) ?? NONE))
      const inForce = [...versions].reverse().find(v => v.status !== 'draft')?.version ?? null
      const adoptionOccurrences = []
      for (const b of planBodies) {
        const occ = await sync.adoptionOccurrence(plan, b.municipalityId!, ex)
        const state = occ ? await sync.getState(occ.rule.id, occ.key, ex) : undefined
        adoptionOccurrences.push({
          municipality: ms.get(b.municipalityId!)!.slug,
          occurrenceId: occ ? occurrenceId(occ.rule.id, occ.key) : null,
          date: occ?.key ?? null,
          status: occ ? (state?.status ?? 'planned') as OccurrenceStatus : null,
        })
      }
      out.push({
        id: plan.id,
        type: plan.type,
        electionYear: plan.electionYear,
        valgperiode: `${plan.electionYear}–${plan.electionYear + 4}`,
        title: plan.title,
        status: versionStatus(currentAdoptions),
        bodies: planBodies.map(member),
        ...combinedAdoption(currentAdoptions),
        version: current?.version ?? 1,
        adoptions: currentAdoptions,
        inForce,
        versions,
        note: plan.note,
        adoptionDue: valgperiodeDueDate(ADOPTION_ANCHOR, valgperiode(plan.electionYear)),
        adoptionOccurrences,
        projectCount: live.filter(p => p.planId === plan.id).length,
        created: iso(plan.created),
        modified: iso(plan.modified),
        deleted: plan.deleted,
      })
    }
    return out
  }

  /** Projects ranked by risk × materiality within the plan (pass every live project for a true rank). */
  async function projectViews (plan: PlanRow, rows: readonly ProjectRow[], ex?: Executor) {
    const ids = rows.map(r => r.id)
    const subjects = await projects.subjectsOf(ids, ex)
    const all = [...subjects.values()].flat()
    const cs = await register.collaborationsByIds(all.flatMap(s => s.collaborationId ?? []), ex)
    const ms = await register.municipalitiesByIds(all.flatMap(s => s.municipalityId ?? []), ex)
    const milestones = await projects.milestonesOf(ids, ex)
    const bs = await register.bodiesByIds(milestones.map(m => m.bodyId), ex)
    const ranked = planOrder(rankProjects(rows.map(r => ({ ...r, subjects: subjects.get(r.id) ?? [] })), await assessmentScores(plan.electionYear, ex)))
    const out = []
    for (const p of ranked) {
      const steps = []
      for (const m of milestones.filter(m => m.projectId === p.id)) {
        const rule = await sync.findRule(m.ruleId, ex)
        const key = rule && !rule.deleted ? dateOfRule(rule) : null
        if (!rule || !key) continue
        const state = await sync.getState(rule.id, key, ex)
        steps.push({
          milestone: m.milestone,
          body: bs.get(m.bodyId)!.slug,
          ruleId: rule.id,
          occurrenceId: occurrenceId(rule.id, key),
          date: key,
          status: (state?.status ?? 'planned') as OccurrenceStatus,
          caseNumber: state?.caseNumber ?? null,
        })
      }
      steps.sort((a, b) => compareDates(a.date, b.date) || a.body.localeCompare(b.body))
      out.push({
        id: p.id,
        planId: p.planId,
        title: p.title,
        problemStatement: p.problemStatement,
        plannedYear: p.plannedYear,
        plannedQuarter: p.plannedQuarter,
        plannedBy: plannedBy(p.plannedYear, p.plannedQuarter),
        position: p.position,
        auditor: p.auditor,
        orderedOn: p.orderedOn,
        reportDeliveredOn: p.reportDeliveredOn,
        kuPlannedOn: p.kuPlannedOn,
        kuTreatedOn: p.kuTreatedOn,
        ksPlannedOn: p.ksPlannedOn,
        ksTreatedOn: p.ksTreatedOn,
        followUpDue: p.followUpDue,
        followedUpOn: p.followedUpOn,
        status: p.status,
        droppedReason: p.droppedReason,
        caseRefs: p.caseRefs,
        subjects: p.subjects.map(s => s.collaborationId !== null
          ? { type: 'collaboration' as const, slug: cs.get(s.collaborationId)!.slug, name: cs.get(s.collaborationId)!.name, legalForm: cs.get(s.collaborationId)!.legalForm as string }
          : { type: 'service_area' as const, municipality: ms.get(s.municipalityId!)!.slug, serviceArea: s.serviceArea! }),
        score: p.score,
        rank: p.rank,
        milestones: steps,
        created: iso(p.created),
        modified: iso(p.modified),
        deleted: p.deleted,
      })
    }
    return out
  }

  async function assessmentViews (rows: readonly AssessmentRow[], ex?: Executor) {
    const cs = await register.collaborationsByIds(rows.flatMap(a => a.collaborationId ?? []), ex)
    const ms = await register.municipalitiesByIds(rows.flatMap(a => a.municipalityId ?? []), ex)
    return rows.map(a => ({
      id: a.id,
      electionYear: a.electionYear,
      valgperiode: `${a.electionYear}–${a.electionYear + 4}`,
      subject: a.collaborationId !== null
        ? { type: 'collaboration' as const, slug: cs.get(a.collaborationId)!.slug, name: cs.get(a.collaborationId)!.name }
        : { type: 'service_area' as const, municipality: ms.get(a.municipalityId!)!.slug, serviceArea: a.serviceArea! },
      risk: a.risk,
      materiality: a.materiality,
      score: a.risk * a.materiality,
      justification: a.justification,
      assessedOn: a.assessedOn,
      created: iso(a.created),
      modified: iso(a.modified),
      deleted: a.deleted,
    }))
  }

  return { sync, today, checkDate, planBodies, planVisibility, assessmentScores, versionsOf, statutoryAdoptions, planViews, projectViews, assessmentViews }
}
export type KontrollShared = ReturnType<typeof createKontrollShared>
export type PlanView = Awaited<ReturnType<KontrollShared['planViews']>>[number]
export type ProjectView = Awaited<ReturnType<KontrollShared['projectViews']>>[number]
export type AssessmentView = Awaited<ReturnType<KontrollShared['assessmentViews']>>[number]

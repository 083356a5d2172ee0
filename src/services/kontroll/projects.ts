// A plan's projects: what each controls (subjects), when its steps are due and done. Each step is a
// one-off rule per kontrollutvalg (calendar-sync.ts), written in the same transaction as the project, so
// a failure in the milestone sync leaves neither the project change nor any rule behind.
//
// Access (issues 10, 14): a project is part of its plan, so writing it needs an admin or the sekretariat
// of EVERY kontrollutvalg of the plan (as for the plan itself). The subjects — a collaboration or a
// municipality's service area — are what is controlled, not what is changed: they are validated (a
// collaboration one of the plan's municipalities owns, takes part in or hosts; a service area of a plan
// municipality) but are not write targets. A kontrollutvalg controls companies its municipality co-owns
// with others without asking them.
import type { Executor } from '../../db/executor.js'
import { conflicting, invalid, missing } from '../../shared/errors.js'
import type { PlanRow } from '../../repositories/kontroll-plans.js'
import type { ProjectRow, ProjectValues } from '../../repositories/kontroll-projects.js'
import type { RegisterBody } from '../../repositories/kontroll-register.js'
import { effectiveStatus, normaliseServiceArea, planYears, subjectKey, type ProjectSubject } from '../../domain/kontroll.js'
import type { CaseRefs, KontrollType, ProjectMilestone, ProjectStatus } from '../../domain/kontroll-vocabulary.js'
import { auditActor, type Actor, type Viewer } from '../access.js'
import type { KontrollPlansService } from './plans.js'
import { checkElectionYear, pageOf, tombstone, type KontrollServiceDeps, type KontrollShared, type Page, type PlanView, type ProjectView, type Tombstone } from './shared.js'

export interface SubjectInput { collaboration?: string; municipality?: string; serviceArea?: string }
export interface ProjectInput {
  title: string;
  problemStatement?: string | null;
  plannedYear: number;
  plannedQuarter?: number | null;
  auditor?: string | null
  orderedOn?: string | null;
  reportDeliveredOn?: string | null;
  kuPlannedOn?: string | null;
  kuTreatedOn?: string | null
  ksPlannedOn?: string | null;
  ksTreatedOn?: string | null;
  followUpDue?: string | null;
  followedUpOn?: string | null
  status?: ProjectStatus;
  droppedReason?: string | null;
  caseRefs?: CaseRefs;
  subjects: SubjectInput[]
}
export type ProjectPatch = Partial<ProjectInput>
/** One subject from the ranked list, to become a project in the kontrollutvalg's plan of its kind (issue 15). */
export interface RankingItem extends Pick<ProjectInput, 'title' | 'plannedYear' | 'plannedQuarter' | 'problemStatement'> { subject: SubjectInput; kind: KontrollType }
export interface RankingInput { body: string; electionYear: number; items: RankingItem[] }
/** Which project step a calendar rule is (issue 15: follow-up links a late milestone to its project). */
export interface MilestoneLink { planId: number; projectId: number; projectTitle: string; milestone: ProjectMilestone }

const PLANNED_DATES = ['orderedOn', 'kuPlannedOn', 'ksPlannedOn', 'followUpDue'] as const
const DONE_DATES = ['reportDeliveredOn', 'kuTreatedOn', 'ksTreatedOn', 'followedUpOn'] as const
const FIELDS = ['title', 'problemStatement', 'plannedYear', 'plannedQuarter', 'auditor', ...PLANNED_DATES, ...DONE_DATES, 'droppedReason', 'caseRefs'] as const

export function createKontrollProjectsService (deps: KontrollServiceDeps, shared: KontrollShared, plansService: KontrollPlansService) {
  const { plans, projects, register, access, audit, clock, transactor } = deps
  const { sync } = shared

  async function liveProject (planId: number, projectId: number, ex?: Executor): Promise<ProjectRow> {
    const row = await projects.find(projectId, ex)
    if (!row || row.deleted || row.planId !== planId) throw missing('kontroll_project', projectId)
    return row
  }

  /** The live plan and its kontrollutvalg, after checking the actor serves (or is admin over) every one of them. */
  async function planForWrite (actor: Actor | null, planId: number, ex: Executor): Promise<{ plan: PlanRow; bodies: RegisterBody[]; actor: Actor }> {
    const plan = await plans.find(planId, ex)
    if (!plan || plan.deleted) throw missing('kontroll_plan', planId)
    const bodies = await shared.planBodies(planId, ex)
    const a = access.assertMaySteerKontroll(actor, bodies.map(b => b.id))
    return { plan, bodies, actor: a }
  }

  /**
   * A project's subjects must belong to the plan's municipalities: a collaboration one of them owns, takes
   * part in or hosts, or a service area of one of them (400 naming the field otherwise, for admins too).
   * Whoever may steer the plan may name them; they are what is controlled, not what is changed (issue 14).
   */
  async function resolveSubjects (plan: PlanRow, bodies: readonly RegisterBody[], input: readonly SubjectInput[], ex: Executor): Promise<ProjectSubject[]> {
    const planMunicipalityIds = [...new Set(bodies.map(b => b.municipalityId!))]
    const involved = new Set<number>()
    for (const m of planMunicipalityIds) for (const c of (await register.involvedCollaborations(m, ex)).keys()) involved.add(c)
    const seen = new Set<string>()
    const out: ProjectSubject[] = []
    for (const [i, s] of input.entries()) {
      const field = `subjects/${i}`
      let subject: ProjectSubject
      if (s.collaboration !== undefined) {
        if (s.municipality !== undefined || s.serviceArea !== undefined) throw invalid('kontroll.subject', field, 'give either collaboration, or municipality and serviceArea')
        const c = await deps.collaborations.find(s.collaboration, ex)
        if (!c || c.deleted) throw invalid('kontroll.unknown_subject', `${field}/collaboration`, `unknown collaboration "${s.collaboration}"`)
        if (!involved.has(c.id)) throw invalid('kontroll.subject_not_involved', `${field}/collaboration`, `none of the plan's municipalities owns or takes part in "${s.collaboration}"`)
        subject = { collaborationId: c.id, municipalityId: null, serviceArea: null }
      } else {
        if (s.municipality === undefined || s.serviceArea === undefined || normaliseServiceArea(s.serviceArea) === '') {
          throw invalid('kontroll.subject', field, 'give either collaboration, or municipality and serviceArea')
        }
        if (plan.type === 'eierskapskontroll') throw invalid('kontroll.subject', `${field}/serviceArea`, 'an eierskapskontroll concerns a company or collaboration, not a service area')
        const m = await deps.municipalities.find(s.municipality, ex)
        if (!m || m.deleted) throw invalid('kontroll.unknown_subject', `${field}/municipality`, `unknown municipality "${s.municipality}"`)
        if (!planMunicipalityIds.includes(m.id)) throw invalid('kontroll.subject_outside_plan', `${field}/municipality`, `"${s.municipality}" has no kontrollutvalg in this plan`)
        subject = { collaborationId: null, municipalityId: m.id, serviceArea: normaliseServiceArea(s.serviceArea) }
      }
      const key = subjectKey(subject)
      if (seen.has(key)) throw invalid('kontroll.duplicate_subject', field, 'subject listed twice')
      seen.add(key)
      out.push(subject)
    }
    return out
  }

  /** The project as it would be stored after the patch, validated as a whole. */
  function projectValues (plan: PlanRow, input: ProjectPatch, current?: ProjectRow): Partial<ProjectValues> {
    const values: Partial<ProjectValues> = {}
    for (const k of FIELDS) if (input[k] !== undefined) (values as Record<string, unknown>)[k] = input[k]
    const merged = { ...current, ...values } as ProjectRow
    if (!planYears(plan.electionYear).includes(merged.plannedYear)) {
      throw invalid('kontroll.year_outside_period', 'plannedYear', `must be within the plan's valgperiode, ${plan.electionYear}–${plan.electionYear + 4}`)
    }
    for (const k of PLANNED_DATES) shared.checkDate(input[k], k)
    for (const k of DONE_DATES) shared.checkDate(input[k], k, { notFuture: true })
    const requested = input.status ?? current?.status ?? 'planned'
    if (requested === 'dropped' && !(merged.droppedReason ?? '').trim()) throw invalid('kontroll.dropped_reason', 'droppedReason', 'a dropped project needs the reason')
    values.status = effectiveStatus(requested, merged)
    if (values.status !== 'dropped' && input.status !== undefined && input.droppedReason === undefined) values.droppedReason = null
    return values
  }

  /** The project's view, ranked among the plan's live projects. */
  async function viewOf (plan: PlanRow, projectId: number, ex?: Executor): Promise<ProjectView> {
    const row = await projects.find(projectId, ex)
    const live = await projects.listByPlans([plan.id], {}, ex)
    const views = await shared.projectViews(plan, row && row.deleted ? [...live, row] : live, ex)
    return views.find(v => v.id === projectId)!
  }

  const service = {
    /** The plan's projects in plan order (by hand, then by risk × materiality); tombstones only under modifiedSince. */
    async list (viewer: Viewer, planId: number, q: { modifiedSince?: number; limit?: number; offset?: number } = {}, ex?: Executor): Promise<Page<ProjectView | Tombstone>> {
      const { plan } = await plansService.visiblePlan(viewer, planId, ex)
      const ranked = await shared.projectViews(plan, await projects.listByPlans([planId], {}, ex), ex)
      if (q.modifiedSince === undefined) return pageOf(ranked, q)
      const since = q.modifiedSince
      const changed = await projects.listByPlans([planId], { modifiedSince: since }, ex)
      const items: Array<ProjectView | Tombstone> = [
        ...ranked.filter(v => changed.some(c => c.id === v.id)),
        ...changed.filter(c => c.deleted).map(tombstone),
      ]
      return pageOf(items, q)
    },

    async get (viewer: Viewer, planId: number, projectId: number, ex?: Executor): Promise<ProjectView> {
      const { plan } = await plansService.visiblePlan(viewer, planId, ex)
      await liveProject(planId, projectId, ex)
      return viewOf(plan, projectId, ex)
    },

    async create (actor: Actor | null, planId: number, input: ProjectInput): Promise<ProjectView> {
      return transactor.transaction(async tx => {
        const { plan, bodies, actor: a } = await planForWrite(actor, planId, tx)
        const values = projectValues(plan, input)
        const subjects = await resolveSubjects(plan, bodies, input.subjects, tx)
        const now = clock.now().getTime()
        // In a plan put in order by hand, a new project goes last; otherwise it takes its place by rank.
        const positions = (await projects.listByPlans([planId], {}, tx)).map(p => p.position).filter((x): x is number => x !== null)
        const position = positions.length ? Math.max(...positions) + 1 : null
        const row = await projects.insert({ ...values, planId, title: input.title, plannedYear: input.plannedYear, position, created: now, modified: now }, subjects, tx)
        await sync.syncMilestones(plan, row, bodies, auditActor(a), tx)
        const view = await viewOf(plan, row.id, tx)
        await audit.record(now, auditActor(a), { action: 'create', entityType: 'kontroll_project', entityId: row.id, after: view }, tx)
        return view
      })
    },

    /** Dates move the calendar occurrences; delivered/treated dates mark them; dropping cancels what is still to come. */
    async update (actor: Actor | null, planId: number, projectId: number, patch: ProjectPatch): Promise<ProjectView> {
      return transactor.transaction(async tx => {
        const { plan, bodies, actor: a } = await planForWrite(actor, planId, tx)
        const current = await liveProject(planId, projectId, tx)
        const values = projectValues(plan, patch, current)
        const subjects = patch.subjects !== undefined ? await resolveSubjects(plan, bodies, patch.subjects, tx) : undefined
        const now = clock.now().getTime()
        const before = await viewOf(plan, projectId, tx)
        const row = (await projects.update(projectId, { ...values, modified: now }, tx))!
        if (subjects) await projects.setSubjects(projectId, subjects, tx)
        await sync.syncMilestones(plan, row, bodies, auditActor(a), tx)
        const after = await viewOf(plan, projectId, tx)
        await audit.record(now, auditActor(a), { action: 'update', entityType: 'kontroll_project', entityId: projectId, before, after }, tx)
        return after
      })
    },

    /** Soft delete; the project's calendar entries go with it. */
    async remove (actor: Actor | null, planId: number, projectId: number): Promise<void> {
      await transactor.transaction(async tx => {
        const { plan, bodies, actor: a } = await planForWrite(actor, planId, tx)
        await liveProject(planId, projectId, tx)
        const now = clock.now().getTime()
        const before = await viewOf(plan, projectId, tx)
        const row = (await projects.update(projectId, { deleted: true, modified: now }, tx))!
        await sync.syncMilestones(plan, row, bodies, auditActor(a), tx)
        await audit.record(now, auditActor(a), { action: 'delete', entityType: 'kontroll_project', entityId: projectId, before }, tx)
      })
    },

    /**
     * The plan for a valgperiode from the ranked list (issue 15): each item becomes a project in the
     * kontrollutvalg's live plan of its kind (a joint plan it belongs to counts), and a draft plan
     * «Plan for <kind> 2024–2027, <municipality>» is created where it has none. One transaction: all or
     * nothing. The kontrollutvalg's sekretariat (and, for a joint plan, every member's).
     */
    async createFromRanking (actor: Actor | null, input: RankingInput): Promise<PlanView[]> {
      return transactor.transaction(async tx => {
        checkElectionYear(input.electionYear, 'electionYear')
        const [ku] = await plansService.resolveBodies([input.body], tx).catch((err: unknown) => { throw Object.assign(err as Error, { field: 'body' }) })
        access.assertMaySteerKontroll(actor, [ku!.id])
        if (input.items.length === 0) throw invalid('kontroll.no_items', 'items', 'choose at least one subject from the list')
        const municipality = await deps.municipalities.find(ku!.municipalityId!, tx)
        const years = planYears(input.electionYear)
        const touched: number[] = []
        for (const [i, item] of input.items.entries()) {
          let planId = (await plans.livePlanIdsOfBody(ku!.id, item.kind, input.electionYear, tx))[0]
          if (planId !== undefined) {
            // An adopted version's projects change in a revision (plans.revise), not in place.
            const plan = (await plans.find(planId, tx))!
            if (plan.status !== 'draft') throw conflicting('kontroll.plan_adopted', `«${plan.title}» er vedtatt; revider planen før du legger til prosjekter`, `items/${i}/kind`)
          } else {
            const title = `Plan for ${item.kind} ${years[1]}–${years.at(-1)}, ${municipality!.name}`
            planId = (await plansService.create(actor, { type: item.kind, electionYear: input.electionYear, title, bodies: [ku!.slug] })).id
          }
          try {
            await service.create(actor, planId, { title: item.title, plannedYear: item.plannedYear, plannedQuarter: item.plannedQuarter ?? null, problemStatement: item.problemStatement ?? null, subjects: [item.subject] })
          } catch (err) {
            // Name the item the problem is in: items/<i>/<field>.
            if (err instanceof Error && 'field' in err && typeof err.field === 'string') err.field = `items/${i}/${err.field.replace(/^subjects\/0\/?/, 'subject/').replace(/\/$/, '')}`
            throw err
          }
          if (!touched.includes(planId)) touched.push(planId)
        }
        const rows = []
        for (const pid of touched) rows.push((await plans.find(pid, tx))!)
        return shared.planViews(rows, tx)
      })
    },

    /** Which project step each of these calendar rules is; rules that are none are absent. */
    async milestoneLinks (ruleIds: readonly number[], ex?: Executor): Promise<Map<number, MilestoneLink>> {
      const rows = await projects.milestonesByRules(ruleIds, ex)
      const out = new Map<number, MilestoneLink>()
      for (const m of rows) {
        const p = await projects.find(m.projectId, ex)
        if (p && !p.deleted) out.set(m.ruleId, { planId: p.planId, projectId: p.id, projectTitle: p.title, milestone: m.milestone })
      }
      return out
    },
  }
  return service
}
export type KontrollProjectsService = ReturnType<typeof createKontrollProjectsService>

// The kontrollutvalg's plans for forvaltningsrevisjon and eierskapskontroll (koml. §§ 23-3, 23-4): one of
// each type per kontrollutvalg and valgperiode (a joint plan counts for each of its kontrollutvalg). The
// adoption is recorded on each municipality's package occurrence, in the same transaction as the plan.
//
// Access (issues 10, 14): a plan is changed by admins and by the sekretariat of EVERY kontrollutvalg it
// names, before and after the change — a sekretariat serving one member cannot write to, give away or take
// over a joint plan alone, since the plan records its adoption on every member municipality's occurrence.
// Editors of the municipalities read the plans but do not change them. A plan with a private kontrollutvalg
// is visible only to those who may see that body (access.visibility; the sekretariat sees the body it serves).
import type { Executor } from '../../db/executor.js'
import { conflicting, invalid, missing } from '../../shared/errors.js'
import type { PlanRow } from '../../repositories/kontroll-plans.js'
import type { RegisterBody } from '../../repositories/kontroll-register.js'
import { compareDates } from '../../domain/calendar-date.js'
import { planStatus } from '../../domain/kontroll.js'
import type { KontrollType } from '../../domain/kontroll-vocabulary.js'
import { auditActor, type Actor, type Viewer } from '../access.js'
import { checkElectionYear, pageOf, tombstone, type KontrollServiceDeps, type KontrollShared, type Page, type PlanView, type Tombstone } from './shared.js'

export interface PlanInput {
  type: KontrollType;
  electionYear: number;
  title: string;
  bodies: string[]
  kuAdoptedOn?: string | null;
  kuCaseRef?: string | null;
  ksAdoptedOn?: string | null;
  ksCaseRef?: string | null;
  note?: string | null
}
export type PlanPatch = Partial<Omit<PlanInput, 'type' | 'electionYear'>>
export interface PlanQuery {
  electionYear?: number;
  municipality?: string;
  body?: string;
  type?: KontrollType
  modifiedSince?: number;
  limit?: number;
  offset?: number
}

const ADOPTION_FIELDS = ['kuAdoptedOn', 'ksAdoptedOn'] as const

export function createKontrollPlansService (deps: KontrollServiceDeps, shared: KontrollShared) {
  const { plans, projects, register, access, audit, clock, transactor } = deps
  const { sync } = shared

  /** A live plan the viewer may see, with its kontrollutvalg; 404 otherwise (a hidden plan does not exist for the viewer). */
  async function visiblePlan (viewer: Viewer, id: number, ex?: Executor): Promise<{ plan: PlanRow; bodies: RegisterBody[] }> {
    const plan = await plans.find(id, ex)
    if (!plan || plan.deleted) throw missing('kontroll_plan', id)
    const bodies = await shared.planBodies(id, ex)
    if (!(await shared.planVisibility(viewer, ex))(bodies.map(b => b.id))) throw missing('kontroll_plan', id)
    return { plan, bodies }
  }

  /** Plan body slugs → kontrollutvalg of a municipality, each once. */
  async function resolveBodies (slugs: readonly string[], ex?: Executor): Promise<RegisterBody[]> {
    const seen = new Set<number>()
    const out: RegisterBody[] = []
    for (const [i, slug] of slugs.entries()) {
      const field = `bodies/${i}`
      const b = await deps.bodies.find(slug, ex)
      if (!b || b.deleted) throw invalid('kontroll.unknown_body', field, `unknown body "${slug}"`)
      if (b.kind !== 'kontrollutvalg' || b.municipalityId === null) throw invalid('kontroll.not_kontrollutvalg', field, `"${slug}" is a ${b.kind}, not a municipality's kontrollutvalg`)
      if (seen.has(b.id)) throw invalid('kontroll.duplicate_body', field, `"${slug}" is listed twice`)
      seen.add(b.id)
      out.push(b)
    }
    return out
  }

  function checkAdoption (plan: { kuAdoptedOn?: string | null; ksAdoptedOn?: string | null }): void {
    for (const k of ADOPTION_FIELDS) shared.checkDate(plan[k], k, { notFuture: true })
    if (plan.kuAdoptedOn && plan.ksAdoptedOn && compareDates(plan.ksAdoptedOn, plan.kuAdoptedOn) < 0) {
      throw invalid('kontroll.adoption_order', 'ksAdoptedOn', 'the council adopts the plan after the kontrollutvalg has adopted its proposal')
    }
  }

  /** One plan of each type per kontrollutvalg and period: the statutory plan (a joint plan counts for each). */
  async function checkNoOtherPlan (type: KontrollType, electionYear: number, bodies: readonly RegisterBody[], ex: Executor | undefined, exceptPlanId?: number): Promise<void> {
    for (const b of bodies) {
      const other = (await plans.livePlanIdsOfBody(b.id, type, electionYear, ex)).find(id => id !== exceptPlanId)
      if (other !== undefined) {
        throw conflicting('kontroll.plan_exists', `${b.name} har allerede en plan for ${type} for valgperioden ${electionYear}–${electionYear + 4} (plan ${other})`, 'bodies')
      }
    }
  }

  async function viewOf (plan: PlanRow, ex?: Executor): Promise<PlanView> {
    return (await shared.planViews([plan], ex))[0]!
  }

  const service = {
    /** Plans by period and type, of a municipality's or a body's kontrollutvalg; tombstones only under modifiedSince. */
    async list (viewer: Viewer, q: PlanQuery = {}, ex?: Executor): Promise<Page<PlanView | Tombstone>> {
      const rows = await plans.list({ electionYear: q.electionYear, type: q.type, modifiedSince: q.modifiedSince }, ex)
      const bodyIds = await plans.bodyIdsOf(rows.map(r => r.id), ex)
      const bodies = await register.bodiesByIds([...bodyIds.values()].flat(), ex)
      const municipalityId = q.municipality !== undefined ? (await deps.municipalities.find(q.municipality, ex))?.id ?? -1 : undefined
      const bodyId = q.body !== undefined ? (await deps.bodies.find(q.body, ex))?.id ?? -1 : undefined
      const canSee = await shared.planVisibility(viewer, ex)
      const selected = rows.filter(p => {
        const ids = bodyIds.get(p.id) ?? []
        if (!canSee(ids)) return false
        if (municipalityId !== undefined && !ids.some(id => bodies.get(id)?.municipalityId === municipalityId)) return false
        return bodyId === undefined || ids.includes(bodyId)
      })
      const page = pageOf(selected, q)
      const views = await shared.planViews(page.items.filter(p => !p.deleted), ex)
      return { items: page.items.map(p => p.deleted ? tombstone(p) : views.find(v => v.id === p.id)!), total: page.total }
    },

    async get (viewer: Viewer, id: number, ex?: Executor): Promise<PlanView> {
      return viewOf((await visiblePlan(viewer, id, ex)).plan, ex)
    },

    async create (actor: Actor | null, input: PlanInput): Promise<PlanView> {
      return transactor.transaction(async tx => {
        checkElectionYear(input.electionYear, 'electionYear')
        const bodies = await resolveBodies(input.bodies, tx)
        const a = access.assertMaySteerKontroll(actor, bodies.map(b => b.id))
        checkAdoption(input)
        await checkNoOtherPlan(input.type, input.electionYear, bodies, tx)
        const now = clock.now().getTime()
        const values = {
          type: input.type,
          electionYear: input.electionYear,
          title: input.title,
          kuAdoptedOn: input.kuAdoptedOn ?? null,
          kuCaseRef: input.kuCaseRef ?? null,
          ksAdoptedOn: input.ksAdoptedOn ?? null,
          ksCaseRef: input.ksCaseRef ?? null,
          note: input.note ?? null,
        }
        const row = await plans.insert({ ...values, status: planStatus(values), created: now, modified: now }, bodies.map(b => b.id), tx)
        await sync.syncAdoption(null, { plan: row, bodies }, auditActor(a), tx)
        const view = await viewOf(row, tx)
        await audit.record(now, auditActor(a), { action: 'create', entityType: 'kontroll_plan', entityId: row.id, after: view }, tx)
        return view
      })
    },

    /** Title, note, adoption (dates and case references) and kontrollutvalg; milestones follow the kontrollutvalg. */
    async update (actor: Actor | null, id: number, patch: PlanPatch): Promise<PlanView> {
      return transactor.transaction(async tx => {
        const current = await plans.find(id, tx)
        if (!current || current.deleted) throw missing('kontroll_plan', id)
        const beforeBodies = await shared.planBodies(id, tx)
        const bodies = patch.bodies !== undefined ? await resolveBodies(patch.bodies, tx) : beforeBodies
        const a = access.assertMaySteerKontroll(actor, [...new Set([...beforeBodies, ...bodies].map(b => b.id))])
        const merged = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([k, v]) => k !== 'bodies' && v !== undefined)) } as PlanRow
        checkAdoption({ kuAdoptedOn: patch.kuAdoptedOn, ksAdoptedOn: patch.ksAdoptedOn })
        checkAdoption(merged)
        if (patch.bodies !== undefined) await checkNoOtherPlan(current.type, current.electionYear, bodies, tx, id)
        const now = clock.now().getTime()
        const before = await viewOf(current, tx)
        const row = (await plans.update(id, {
          title: merged.title,
          kuAdoptedOn: merged.kuAdoptedOn,
          kuCaseRef: merged.kuCaseRef,
          ksAdoptedOn: merged.ksAdoptedOn,
          ksCaseRef: merged.ksCaseRef,
          note: merged.note,
          status: planStatus(merged),
          modified: now,
        }, tx))!
        if (patch.bodies !== undefined) {
          await plans.setBodies(id, bodies.map(b => b.id), tx)
          for (const p of await projects.listByPlans([id], {}, tx)) await sync.syncMilestones(row, p, bodies, auditActor(a), tx)
        }
        await sync.syncAdoption({ plan: current, bodies: beforeBodies }, { plan: row, bodies }, auditActor(a), tx)
        const after = await viewOf(row, tx)
        await audit.record(now, auditActor(a), { action: 'update', entityType: 'kontroll_plan', entityId: id, before, after }, tx)
        return after
      })
    },

    /** Soft delete: the plan, its projects and their calendar entries; an adoption recorded on the package occurrence is undone. */
    async remove (actor: Actor | null, id: number): Promise<void> {
      await transactor.transaction(async tx => {
        const current = await plans.find(id, tx)
        if (!current || current.deleted) throw missing('kontroll_plan', id)
        const bodies = await shared.planBodies(id, tx)
        const a = access.assertMaySteerKontroll(actor, bodies.map(b => b.id))
        const now = clock.now().getTime()
        const before = await viewOf(current, tx)
        const row = (await plans.update(id, { deleted: true, modified: now }, tx))!
        for (const p of await projects.markDeletedByPlan(id, now, tx)) await sync.syncMilestones(row, p, bodies, auditActor(a), tx)
        await sync.syncAdoption({ plan: current, bodies }, { plan: row, bodies }, auditActor(a), tx)
        await audit.record(now, auditActor(a), { action: 'delete', entityType: 'kontroll_plan', entityId: id, before }, tx)
      })
    },

    visiblePlan,
  }
  return service
}
export type KontrollPlansService = ReturnType<typeof createKontrollPlansService>

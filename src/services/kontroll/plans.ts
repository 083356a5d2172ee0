// The kontrollutvalg's plans for forvaltningsrevisjon and eierskapskontroll (koml. §§ 23-3, 23-4): one of
// each type per kontrollutvalg and valgperiode (a joint plan counts for each of its kontrollutvalg). The
// adoption is recorded on each municipality's package occurrence, in the same transaction as the plan.
//
// Access (issues 10, 14): a plan is changed by admins and by the sekretariat of EVERY kontrollutvalg it
// names, before and after the change — a sekretariat serving one member cannot write to, give away or take
// over a joint plan alone, since the plan records its adoption on every member municipality's occurrence.
// Editors of the municipalities read the plans but do not change them. A plan with a private kontrollutvalg
// is visible only to those who may see that body (access.visibility; the sekretariat sees the body it serves).
//
// Versions (issue 15): a plan starts as version 1; revising an adopted plan starts the next version, with
// its own adoptions, and freezes the earlier one as a snapshot that stays readable. Each member
// kontrollutvalg and its kommunestyre adopt a version on their own dates (kontroll_plan_adoption); the
// sekretariat of that member (or an admin) records it. The statutory occurrence of each municipality
// follows the first version its bodies adopted (domain statutoryAdoption).
import type { Executor } from '../../db/executor.js'
import { conflicting, invalid, missing } from '../../shared/errors.js'
import type { PlanRow } from '../../repositories/kontroll-plans.js'
import type { RegisterBody } from '../../repositories/kontroll-register.js'
import { compareDates } from '../../domain/calendar-date.js'
import { versionStatus } from '../../domain/kontroll.js'
import type { KontrollType, PlanAdoption, PlanSnapshot } from '../../domain/kontroll-vocabulary.js'
import { auditActor, type Actor, type Viewer } from '../access.js'
import { checkElectionYear, pageOf, tombstone, type KontrollServiceDeps, type KontrollShared, type Page, type PlanView, type ProjectView, type Tombstone } from './shared.js'

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
const ADOPTION_KEYS = ['kuAdoptedOn', 'kuCaseRef', 'ksAdoptedOn', 'ksCaseRef'] as const
const NO_ADOPTION: PlanAdoption = { kuAdoptedOn: null, kuCaseRef: null, ksAdoptedOn: null, ksCaseRef: null }

/** One member's adoption to record: each field given replaces what is recorded (null clears it). */
export type AdoptionPatch = Partial<PlanAdoption>
export interface RevisionInput { reason: string; title?: string }

/** The adoption fields given (not undefined): what a patch replaces. */
function definedOf (input: Partial<PlanAdoption>): Partial<PlanAdoption> {
  return Object.fromEntries(ADOPTION_KEYS.filter(k => input[k] !== undefined).map(k => [k, input[k] ?? null]))
}
const pickAdoption = (r: PlanAdoption): PlanAdoption => ({ kuAdoptedOn: r.kuAdoptedOn, kuCaseRef: r.kuCaseRef, ksAdoptedOn: r.ksAdoptedOn, ksCaseRef: r.ksCaseRef })

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

  async function currentVersion (planId: number, ex?: Executor) {
    return (await plans.versionsOf([planId], ex)).get(planId)!.at(-1)!
  }

  /** The live plan for a write by someone who may steer all of `steering` (default: every member). */
  async function planForWrite (actor: Actor | null, id: number, ex: Executor, steering?: (bodies: RegisterBody[]) => number[]) {
    const plan = await plans.find(id, ex)
    if (!plan || plan.deleted) throw missing('kontroll_plan', id)
    const bodies = await shared.planBodies(id, ex)
    const a = access.assertMaySteerKontroll(actor, steering ? steering(bodies) : bodies.map(b => b.id))
    return { plan, bodies, actor: a }
  }

  /** The plan's projects as a version snapshot shows them. */
  const snapshotProjects = (views: readonly ProjectView[]): PlanSnapshot['projects'] => views.map(p => ({
    id: p.id, position: p.position, title: p.title, subjects: p.subjects, plannedYear: p.plannedYear, plannedQuarter: p.plannedQuarter, plannedBy: p.plannedBy, status: p.status,
  }))

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
        const adoption: PlanAdoption = { ...NO_ADOPTION, ...definedOf(input) }
        checkAdoption(adoption)
        await checkNoOtherPlan(input.type, input.electionYear, bodies, tx)
        const now = clock.now().getTime()
        const row = await plans.insert({
          type: input.type, electionYear: input.electionYear, title: input.title, note: input.note ?? null, status: versionStatus(bodies.map(() => adoption)), created: now, modified: now,
        }, bodies.map(b => b.id), tx)
        const version = await plans.insertVersion({ planId: row.id, version: 1, reason: null, snapshot: null, created: now }, tx)
        for (const b of bodies) await plans.saveAdoption({ versionId: version.id, bodyId: b.id, ...adoption }, tx)
        await sync.syncAdoption(row, new Map(), await shared.statutoryAdoptions(row.id, bodies, tx), auditActor(a), tx)
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
        // The plan-wide adoption fields (issue 6) record the same adoption for every member of the current version.
        const given = definedOf(patch)
        checkAdoption({ kuAdoptedOn: patch.kuAdoptedOn, ksAdoptedOn: patch.ksAdoptedOn })
        const version = await currentVersion(id, tx)
        const recorded = (await plans.adoptionsOf([version.id], tx)).get(version.id) ?? []
        const adoptionOf = (bodyId: number): PlanAdoption => {
          const r = recorded.find(x => x.bodyId === bodyId)
          return { ...NO_ADOPTION, ...(r ? pickAdoption(r) : {}), ...given }
        }
        for (const b of bodies) checkAdoption(adoptionOf(b.id))
        if (patch.bodies !== undefined) await checkNoOtherPlan(current.type, current.electionYear, bodies, tx, id)
        const now = clock.now().getTime()
        const before = await viewOf(current, tx)
        const statutoryBefore = await shared.statutoryAdoptions(id, beforeBodies, tx)
        for (const b of bodies) await plans.saveAdoption({ versionId: version.id, bodyId: b.id, ...adoptionOf(b.id) }, tx)
        for (const b of beforeBodies) if (!bodies.some(x => x.id === b.id)) await plans.deleteAdoption(version.id, b.id, tx)
        const row = (await plans.update(id, {
          title: patch.title ?? current.title,
          note: patch.note !== undefined ? patch.note : current.note,
          status: versionStatus(bodies.map(b => adoptionOf(b.id))),
          modified: now,
        }, tx))!
        if (patch.bodies !== undefined) {
          await plans.setBodies(id, bodies.map(b => b.id), tx)
          for (const p of await projects.listByPlans([id], {}, tx)) await sync.syncMilestones(row, p, bodies, auditActor(a), tx)
        }
        await sync.syncAdoption(row, statutoryBefore, await shared.statutoryAdoptions(id, bodies, tx), auditActor(a), tx)
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
        const statutoryBefore = await shared.statutoryAdoptions(id, bodies, tx)
        const row = (await plans.update(id, { deleted: true, modified: now }, tx))!
        for (const p of await projects.markDeletedByPlan(id, now, tx)) await sync.syncMilestones(row, p, bodies, auditActor(a), tx)
        await sync.syncAdoption(row, statutoryBefore, new Map(), auditActor(a), tx)
        await audit.record(now, auditActor(a), { action: 'delete', entityType: 'kontroll_plan', entityId: id, before }, tx)
      })
    },

    /**
     * Records one member's adoption of the current version (issue 15): its kontrollutvalg's and its
     * kommunestyre's dates and saksnummer (a field given replaces what is recorded; null clears it). The
     * sekretariat of that kontrollutvalg may, or an admin. The member's statutory occurrence follows.
     * 400 `kontroll.not_member` when the body is not in the plan; dates as for the plan (not in the
     * future, the council after the kontrollutvalg).
     */
    async recordAdoption (actor: Actor | null, id: number, bodySlug: string, patch: AdoptionPatch): Promise<PlanView> {
      return transactor.transaction(async tx => {
        const member = await deps.bodies.find(bodySlug, tx)
        const { plan, bodies, actor: a } = await planForWrite(actor, id, tx, bs => bs.some(b => b.id === member?.id) ? [member!.id] : bs.map(b => b.id))
        if (!member || !bodies.some(b => b.id === member.id)) throw invalid('kontroll.not_member', 'body', `"${bodySlug}" is not a kontrollutvalg of this plan`)
        const given = definedOf(patch)
        checkAdoption({ kuAdoptedOn: patch.kuAdoptedOn, ksAdoptedOn: patch.ksAdoptedOn })
        const version = await currentVersion(id, tx)
        const recorded = ((await plans.adoptionsOf([version.id], tx)).get(version.id) ?? []).find(r => r.bodyId === member.id)
        const adoption: PlanAdoption = { ...NO_ADOPTION, ...(recorded ? pickAdoption(recorded) : {}), ...given }
        checkAdoption(adoption)
        const now = clock.now().getTime()
        const before = await viewOf(plan, tx)
        const statutoryBefore = await shared.statutoryAdoptions(id, bodies, tx)
        await plans.saveAdoption({ versionId: version.id, bodyId: member.id, ...adoption }, tx)
        const others = ((await plans.adoptionsOf([version.id], tx)).get(version.id) ?? []).map(pickAdoption)
        const row = (await plans.update(id, { status: versionStatus(others), modified: now }, tx))!
        await sync.syncAdoption(row, statutoryBefore, await shared.statutoryAdoptions(id, bodies, tx), auditActor(a), tx)
        const after = await viewOf(row, tx)
        await audit.record(now, auditActor(a), { action: 'update', entityType: 'kontroll_plan', entityId: id, before, after }, tx)
        return after
      })
    },

    /** recordAdoption for several members at once (the same dates and saksnummer), in one transaction: all or nothing. */
    async recordAdoptions (actor: Actor | null, id: number, bodySlugs: readonly string[], patch: AdoptionPatch): Promise<PlanView> {
      if (bodySlugs.length === 0) throw invalid('kontroll.not_member', 'body', 'name at least one kontrollutvalg of the plan')
      return transactor.transaction(async () => {
        let view: PlanView | undefined
        for (const slug of bodySlugs) view = await service.recordAdoption(actor, id, slug, patch)
        return view!
      })
    },

    /**
     * Starts a revision (issue 15): the next version, a draft with no adoption, with `reason` (and a new
     * title if given). The current version must be adopted by every member's kontrollutvalg (409
     * `kontroll.plan_not_adopted` otherwise: a draft is changed, not revised); it is frozen as a snapshot
     * of its title, note and projects and stays readable (`version`). Every member's sekretariat.
     */
    async revise (actor: Actor | null, id: number, input: RevisionInput): Promise<PlanView> {
      return transactor.transaction(async tx => {
        const { plan, bodies, actor: a } = await planForWrite(actor, id, tx)
        if (input.reason.trim() === '') throw invalid('kontroll.revision_reason', 'reason', 'a revision needs the reason')
        const version = await currentVersion(id, tx)
        const adoptions = ((await plans.adoptionsOf([version.id], tx)).get(version.id) ?? []).map(pickAdoption)
        if (versionStatus(adoptions) === 'draft') {
          throw conflicting('kontroll.plan_not_adopted', `Versjon ${version.version} er ikke vedtatt av alle kontrollutvalgene ennå; endre utkastet i stedet for å revidere det`, 'version')
        }
        const now = clock.now().getTime()
        const before = await viewOf(plan, tx)
        const live = await shared.projectViews(plan, await projects.listByPlans([id], {}, tx), tx)
        await plans.setSnapshot(version.id, { title: plan.title, note: plan.note, projects: snapshotProjects(live) }, tx)
        const next = await plans.insertVersion({ planId: id, version: version.version + 1, reason: input.reason.trim(), snapshot: null, created: now }, tx)
        for (const b of bodies) await plans.saveAdoption({ versionId: next.id, bodyId: b.id, ...NO_ADOPTION }, tx)
        const row = (await plans.update(id, { title: input.title?.trim() || plan.title, status: 'draft', modified: now }, tx))!
        const after = await viewOf(row, tx)
        await audit.record(now, auditActor(a), { action: 'update', entityType: 'kontroll_plan', entityId: id, before, after }, tx)
        return after
      })
    },

    /**
     * One version of a plan as it reads (issue 15): an earlier version from its snapshot, the current one
     * from the live projects in plan order. 404 for an unknown version.
     */
    async version (viewer: Viewer, id: number, n: number, ex?: Executor) {
      const { plan } = await visiblePlan(viewer, id, ex)
      const view = await viewOf(plan, ex)
      const v = view.versions.find(x => x.version === n)
      const row = (await plans.versionsOf([id], ex)).get(id)!.find(x => x.version === n)
      if (!v || !row) throw missing('kontroll_plan_version', n)
      const current = n === view.version
      const snapshot: PlanSnapshot = current || !row.snapshot
        ? { title: plan.title, note: plan.note, projects: snapshotProjects(await shared.projectViews(plan, await projects.listByPlans([id], {}, ex), ex)) }
        : row.snapshot
      return {
        plan: { id: plan.id, type: plan.type, electionYear: plan.electionYear, valgperiode: view.valgperiode, bodies: view.bodies, adoptionDue: view.adoptionDue },
        version: n,
        current,
        reason: v.reason,
        created: v.created,
        status: v.status,
        adoptions: v.adoptions,
        ...snapshot,
      }
    },

    /** Puts the plan's live projects in this order (each exactly once; 400 `kontroll.order` otherwise). Every member's sekretariat. */
    async reorder (actor: Actor | null, id: number, projectIds: readonly number[]): Promise<PlanView> {
      return transactor.transaction(async tx => {
        const { plan, actor: a } = await planForWrite(actor, id, tx)
        const live = await projects.listByPlans([id], {}, tx)
        const ids = new Set(projectIds)
        if (ids.size !== projectIds.length || ids.size !== live.length || !live.every(p => ids.has(p.id))) {
          throw invalid('kontroll.order', 'projects', `list each of the plan's ${live.length} projects exactly once (${live.map(p => p.id).join(', ')})`)
        }
        const now = clock.now().getTime()
        const before = await viewOf(plan, tx)
        await projects.setPositions(projectIds.map((pid, i) => ({ id: pid, position: i + 1 })), now, tx)
        const row = (await plans.update(id, { modified: now }, tx))!
        const after = await viewOf(row, tx)
        const order = async () => (await shared.projectViews(row, await projects.listByPlans([id], {}, tx), tx)).map(p => ({ id: p.id, title: p.title, position: p.position }))
        await audit.record(now, auditActor(a), { action: 'update', entityType: 'kontroll_plan', entityId: id, before: { ...before, order: live.map(p => p.id) }, after: { ...after, order: await order() } }, tx)
        return after
      })
    },

    visiblePlan,
    resolveBodies,
  }
  return service
}
export type KontrollPlansService = ReturnType<typeof createKontrollPlansService>

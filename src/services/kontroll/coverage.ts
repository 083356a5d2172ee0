// The kontrollutvalg secretariat's two reviews (issue 6): coverage — for each municipality, every company
// and collaboration it owns, takes part in or hosts, and whether the period's eierskapskontroll or
// forvaltningsrevisjon covers it; and a plan's progress on a given day. The computing is pure
// (src/domain/kontroll.ts); this gathers the data the viewer may see.
// Plans with a kontrollutvalg private to the viewer count for nothing here: their projects neither cover
// a company nor appear by title.
import type { Executor } from '../../db/executor.js'
import { missing } from '../../shared/errors.js'
import type { RegisterMunicipality } from '../../repositories/kontroll-register.js'
import {
  combinedAdoption, coverage, planReview, serviceAreaCoverage, type CoverageCollaboration, type CoverageProject, type CoverageRow, type DeadlineKind, type ServiceAreaRow,
} from '../../domain/kontroll.js'
import { valgperiode } from '../../domain/valgperiode.js'
import type { LegalForm } from '../../domain/vocabulary.js'
import type { Viewer } from '../access.js'
import type { KontrollPlansService } from './plans.js'
import { checkElectionYear, type KontrollServiceDeps, type KontrollShared, type ProjectView } from './shared.js'

const DEADLINE_TITLES: Record<DeadlineKind, string> = {
  plan_adoption: 'Planen vedtas',
  report: 'Revisjonsrapport',
  ku: 'Kontrollutvalget behandler rapporten',
  ks: 'Kommunestyret behandler rapporten',
  follow_up: 'Oppfølging av vedtak',
}

export interface CoverageCollaborationView extends CoverageCollaboration { slug: string; legalForm: LegalForm; terminatedOn: string | null }
export interface MunicipalityCoverage {
  municipality: { slug: string; name: string }
  collaborations: Array<CoverageRow<CoverageCollaborationView>>
  serviceAreas: ServiceAreaRow[]
  /** Slugs of owned companies and collaborations with no control planned or done in the period. */
  flagged: string[]
}

export function createKontrollCoverageService (deps: KontrollServiceDeps, shared: KontrollShared, plansService: KontrollPlansService) {
  const { plans, projects, register } = deps

  async function coverageOf (viewer: Viewer, m: RegisterMunicipality, electionYear: number, ex?: Executor): Promise<MunicipalityCoverage> {
    const involved = await register.involvedCollaborations(m.id, ex)
    const cs = [...(await register.collaborationsByIds([...involved.keys()], ex)).values()]
      .filter(c => !c.deleted).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    const collaborations: CoverageCollaborationView[] = cs.map(c => ({
      id: c.id, slug: c.slug, name: c.name, legalForm: c.legalForm, status: c.status, terminatedOn: c.terminatedOn, role: involved.get(c.id)!,
    }))
    const canSee = await shared.planVisibility(viewer, ex)
    const live = await plans.livePlansOfMunicipality(m.id, ex)
    const bodyIds = await plans.bodyIdsOf(live.map(p => p.id), ex)
    const visible = live.filter(p => canSee(bodyIds.get(p.id) ?? []))
    const bodies = await register.bodiesByIds([...bodyIds.values()].flat(), ex)
    const rows = await projects.listByPlans(visible.map(p => p.id), {}, ex)
    const subjects = await projects.subjectsOf(rows.map(r => r.id), ex)
    const coverageProjects: CoverageProject[] = rows.map(r => {
      const plan = visible.find(p => p.id === r.planId)!
      const municipalityIds = [...new Set((bodyIds.get(plan.id) ?? []).map(id => bodies.get(id)!.municipalityId!))]
      return { ...r, type: plan.type, electionYear: plan.electionYear, municipalityIds, subjects: subjects.get(r.id) ?? [] }
    })
    const data = { municipalityId: m.id, electionYear, collaborations, projects: coverageProjects, assessments: await shared.assessmentScores(electionYear, ex) }
    const rowsOut = coverage(data)
    return {
      municipality: { slug: m.slug, name: m.name },
      collaborations: rowsOut,
      serviceAreas: serviceAreaCoverage(data),
      flagged: rowsOut.filter(r => r.flagged).map(r => r.collaboration.slug),
    }
  }

  return {
    /** Coverage in one municipality, or in every municipality of the region (by name). */
    async coverage (viewer: Viewer, q: { electionYear: number; municipality?: string }, ex?: Executor): Promise<{ electionYear: number; municipalities: MunicipalityCoverage[] }> {
      const electionYear = checkElectionYear(q.electionYear, 'valgperiode')
      let ms: RegisterMunicipality[]
      if (q.municipality !== undefined) {
        const m = await deps.municipalities.find(q.municipality, ex)
        if (!m || m.deleted) throw missing('municipality', q.municipality, 'municipality')
        ms = [m]
      } else ms = await deps.municipalities.listInRegion(ex)
      const out: MunicipalityCoverage[] = []
      for (const m of ms) out.push(await coverageOf(viewer, m, electionYear, ex))
      return { electionYear, municipalities: out }
    },

    /** A plan's progress on a day (default today): projects per year and status, what is late, what is due. */
    async review (viewer: Viewer, planId: number, asOf?: string, ex?: Executor) {
      const day = asOf ?? shared.today()
      shared.checkDate(day, 'asOf')
      const { plan, bodies } = await plansService.visiblePlan(viewer, planId, ex)
      const view = (await shared.planViews([plan], ex))[0]!
      const period = valgperiode(plan.electionYear, bodies.length ? await register.constitutionDates(bodies[0]!.municipalityId!, ex) : {})
      const projectViews = await shared.projectViews(plan, await projects.listByPlans([planId], {}, ex), ex)
      // The statutory adoption (the first version each member adopted), over every member.
      const statutory = combinedAdoption([...(await shared.statutoryAdoptions(planId, bodies, ex)).values()].map(a => a ?? { kuAdoptedOn: null, kuCaseRef: null, ksAdoptedOn: null, ksCaseRef: null }))
      const review = planReview({
        electionYear: plan.electionYear,
        periodEnd: period.end,
        asOf: day,
        projects: projectViews,
        adoption: { due: view.adoptionDue, ...statutory },
      })
      const ref = (p: ProjectView) => ({ id: p.id, title: p.title, status: p.status, plannedYear: p.plannedYear, plannedQuarter: p.plannedQuarter, rank: p.rank, score: p.score })
      return {
        plan: { id: plan.id, type: plan.type, title: plan.title, valgperiode: view.valgperiode, status: plan.status },
        asOf: day,
        period: { start: period.start, end: period.end },
        adoption: review.adoption,
        byStatus: review.byStatus,
        byYear: review.byYear.map(y => ({ ...y, projects: y.projects.map(ref) })),
        behindSchedule: review.behindSchedule.map(b => ({ ...b, project: ref(b.project) })),
        followUpsOverdue: review.followUpsOverdue.map(f => ({ ...f, project: ref(f.project) })),
        deadlinesAhead: review.deadlinesAhead.map(d => ({
          date: d.date, kind: d.kind, title: `${DEADLINE_TITLES[d.kind]}: ${d.project?.title ?? plan.title}`, project: d.project ? ref(d.project) : null,
        })),
      }
    },
  }
}
export type KontrollCoverageService = ReturnType<typeof createKontrollCoverageService>

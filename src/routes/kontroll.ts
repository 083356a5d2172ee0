import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorReplies } from '../schemas/common.js'
import {
  Assessment, AssessmentCreate, AssessmentQuery, AssessmentUpdate, Coverage, CoverageQuery, IdParams, Plan, PlanCreate, PlanQuery,
  PlanUpdate, Project, ProjectCreate, ProjectParams, ProjectUpdate, Review, ReviewQuery,
} from '../schemas/kontroll.js'
import { auditActor, requireScope, requireWriter } from '../plugins/auth.js'
import { badRequest } from '../shared/errors.js'
import { isValidDate } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import { isElectionYear } from '../domain/valgperiode.js'
import { coverage, planReview, serviceAreaCoverage, type DeadlineKind } from '../domain/kontroll.js'
import { coverageCsv } from '../kontroll/coverage-csv.js'

const ZONE = 'Europe/Oslo'
const DEADLINE_TITLES: Record<DeadlineKind, string> = {
  plan_adoption: 'Planen vedtas', report: 'Revisjonsrapport', ku: 'Kontrollutvalget behandler rapporten',
  ks: 'Kommunestyret behandler rapporten', follow_up: 'Oppfølging av vedtak',
}

// The kontrollutvalg's plans for forvaltningsrevisjon and eierskapskontroll, their projects, the risk and
// materiality assessment, and the coverage and planning reviews (issue 6).
const routes: FastifyPluginAsyncTypebox = async app => {
  const { kontroll, municipalities } = app.repos
  const tags = ['Kontrollutvalg']
  const today = () => localDateOf(app.clock.now(), ZONE)
  const electionYear = (year: number, path: string) => {
    if (!isElectionYear(year)) throw badRequest('kontroll.not_election_year', path, `${year} is not a municipal election year (2023, 2027, …)`)
    return year
  }

  // ── plans ──
  app.get('/plans', { schema: { tags, summary: 'Kontrollutvalgets planer (forvaltningsrevisjon, eierskapskontroll)', querystring: PlanQuery, response: { 200: Type.Object({ data: Type.Array(Plan) }), ...errorReplies(400) } } }, async request => {
    const q = request.query
    return { data: kontroll.listPlans({ electionYear: q.valgperiode, municipality: q.municipality, body: q.body, type: q.type }) }
  })

  app.post('/plans', { schema: { tags, summary: 'Opprett plan for et kontrollutvalg (eller flere: felles plan) og en valgperiode', security: [{ bearer: [] }], body: PlanCreate, response: { 201: Plan, ...errorReplies(400, 401, 403, 409, 413, 415) } } }, async (request, reply) => {
    requireWriter(request)
    const bs = kontroll.resolvePlanBodies(request.body.bodies)
    const actor = requireScope(request, bs.map(b => b.municipalityId!))
    return reply.code(201).send(kontroll.createPlan(request.body, auditActor(actor)) as never)
  })

  app.get('/plans/:id', { schema: { tags, summary: 'Én plan, med vedtaksfrist og forekomstene vedtaket føres på', params: IdParams, response: { 200: Plan, ...errorReplies(400, 404) } } }, async request =>
    kontroll.planView(kontroll.getPlan(request.params.id)))

  app.patch('/plans/:id', { schema: { tags, summary: 'Endre plan: tittel, kontrollutvalg, vedtak i kontrollutvalget og kommunestyret (dato og saksnummer)', security: [{ bearer: [] }], params: IdParams, body: PlanUpdate, response: { 200: Plan, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async request => {
    requireWriter(request)
    const plan = kontroll.getPlan(request.params.id)
    const actor = requireScope(request, kontroll.planScope(plan.id))
    // An editor must own the plan before and after the change (no giving it away).
    if (request.body.bodies !== undefined) requireScope(request, kontroll.resolvePlanBodies(request.body.bodies).map(b => b.municipalityId!))
    return kontroll.updatePlan(plan.id, request.body, auditActor(actor)) as never
  })

  app.delete('/plans/:id', { schema: { tags, summary: 'Slett plan (med prosjekter og kalenderoppføringer)', security: [{ bearer: [] }], params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } } }, async (request, reply) => {
    requireWriter(request)
    const plan = kontroll.getPlan(request.params.id)
    kontroll.removePlan(plan.id, auditActor(requireScope(request, kontroll.planScope(plan.id))))
    return reply.code(204).send(null)
  })

  app.get('/plans/:id/review', { schema: { tags, summary: 'Planens framdrift: prosjekter per år og status, forsinkede prosjekter, forfalt oppfølging, frister framover', params: IdParams, querystring: ReviewQuery, response: { 200: Review, ...errorReplies(400, 404) } } }, async request => {
    const asOf = request.query.asOf ?? today()
    if (!isValidDate(asOf)) throw badRequest('kontroll.invalid_date', 'querystring/asOf', `"${asOf}" is not a calendar date YYYY-MM-DD`)
    const { plan, period, projects } = kontroll.reviewData(request.params.id)
    const review = planReview({
      electionYear: plan.electionYear, periodEnd: period.end, asOf, projects,
      adoption: { due: plan.adoptionDue, kuAdoptedOn: plan.kuAdoptedOn, ksAdoptedOn: plan.ksAdoptedOn },
    })
    const ref = (p: typeof projects[number]) => ({ id: p.id, title: p.title, status: p.status, plannedYear: p.plannedYear, plannedQuarter: p.plannedQuarter, rank: p.rank, score: p.score })
    return {
      plan: { id: plan.id, type: plan.type, title: plan.title, valgperiode: plan.valgperiode, status: plan.status },
      asOf, period: { start: period.start, end: period.end }, adoption: review.adoption, byStatus: review.byStatus,
      byYear: review.byYear.map(y => ({ ...y, projects: y.projects.map(ref) })),
      behindSchedule: review.behindSchedule.map(b => ({ ...b, project: ref(b.project) })),
      followUpsOverdue: review.followUpsOverdue.map(f => ({ ...f, project: ref(f.project) })),
      deadlinesAhead: review.deadlinesAhead.map(d => ({
        date: d.date, kind: d.kind, title: `${DEADLINE_TITLES[d.kind]}: ${d.project?.title ?? plan.title}`, project: d.project ? ref(d.project) : null,
      })),
    }
  })

  // ── projects ──
  app.get('/plans/:id/projects', { schema: { tags, summary: 'Planens prosjekter, rangert etter risiko × vesentlighet', params: IdParams, response: { 200: Type.Object({ data: Type.Array(Project) }), ...errorReplies(400, 404) } } }, async request =>
    ({ data: kontroll.listProjects(request.params.id) }))

  app.post('/plans/:id/projects', { schema: { tags, summary: 'Opprett prosjekt: rapport, behandling i kontrollutvalg og kommunestyre og oppfølging blir forekomster i kalenderne', security: [{ bearer: [] }], params: IdParams, body: ProjectCreate, response: { 201: Project, ...errorReplies(400, 401, 403, 404, 413, 415) } } }, async (request, reply) => {
    requireWriter(request)
    const plan = kontroll.getPlan(request.params.id)
    const actor = requireScope(request, kontroll.planScope(plan.id))
    return reply.code(201).send(kontroll.createProject(plan.id, request.body, auditActor(actor)) as never)
  })

  app.get('/plans/:id/projects/:projectId', { schema: { tags, summary: 'Ett prosjekt', params: ProjectParams, response: { 200: Project, ...errorReplies(400, 404) } } }, async request =>
    kontroll.projectView(request.params.id, request.params.projectId))

  app.patch('/plans/:id/projects/:projectId', { schema: { tags, summary: 'Endre prosjekt (datoer flytter kalenderforekomstene; levert/behandlet markerer dem)', security: [{ bearer: [] }], params: ProjectParams, body: ProjectUpdate, response: { 200: Project, ...errorReplies(400, 401, 403, 404, 413, 415) } } }, async request => {
    requireWriter(request)
    const plan = kontroll.getPlan(request.params.id)
    const actor = requireScope(request, kontroll.planScope(plan.id))
    return kontroll.updateProject(plan.id, request.params.projectId, request.body, auditActor(actor)) as never
  })

  app.delete('/plans/:id/projects/:projectId', { schema: { tags, summary: 'Slett prosjekt (og kalenderoppføringene)', security: [{ bearer: [] }], params: ProjectParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } } }, async (request, reply) => {
    requireWriter(request)
    const plan = kontroll.getPlan(request.params.id)
    kontroll.removeProject(plan.id, request.params.projectId, auditActor(requireScope(request, kontroll.planScope(plan.id))))
    return reply.code(204).send(null)
  })

  // ── risk and materiality ──
  app.get('/assessments', { schema: { tags, summary: 'Risiko- og vesentlighetsvurderinger, høyest risiko × vesentlighet først', querystring: AssessmentQuery, response: { 200: Type.Object({ data: Type.Array(Assessment) }), ...errorReplies(400) } } }, async request => {
    const q = request.query
    return { data: kontroll.listAssessments({ electionYear: q.valgperiode, municipality: q.municipality, collaboration: q.collaboration }) }
  })

  app.post('/assessments', { schema: { tags, summary: 'Vurder et selskap/samarbeid eller et tjenesteområde for en valgperiode (risiko og vesentlighet 1–5)', security: [{ bearer: [] }], body: AssessmentCreate, response: { 201: Assessment, ...errorReplies(400, 401, 403, 409, 413, 415) } } }, async (request, reply) => {
    requireWriter(request)
    const actor = requireScope(request, kontroll.assessmentScope(kontroll.resolveAssessmentSubject(request.body)))
    return reply.code(201).send(kontroll.createAssessment(request.body, auditActor(actor)) as never)
  })

  app.get('/assessments/:id', { schema: { tags, summary: 'Én vurdering', params: IdParams, response: { 200: Assessment, ...errorReplies(400, 404) } } }, async request =>
    kontroll.assessmentView(kontroll.getAssessment(request.params.id)))

  app.patch('/assessments/:id', { schema: { tags, summary: 'Endre vurdering', security: [{ bearer: [] }], params: IdParams, body: AssessmentUpdate, response: { 200: Assessment, ...errorReplies(400, 401, 403, 404, 413, 415) } } }, async request => {
    requireWriter(request)
    const current = kontroll.getAssessment(request.params.id)
    const actor = requireScope(request, kontroll.assessmentScope(current))
    return kontroll.updateAssessment(current.id, request.body, auditActor(actor)) as never
  })

  app.delete('/assessments/:id', { schema: { tags, summary: 'Slett vurdering', security: [{ bearer: [] }], params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } } }, async (request, reply) => {
    requireWriter(request)
    const current = kontroll.getAssessment(request.params.id)
    kontroll.removeAssessment(current.id, auditActor(requireScope(request, kontroll.assessmentScope(current))))
    return reply.code(204).send(null)
  })

  // ── coverage ──
  app.get('/coverage', {
    schema: {
      tags, summary: 'Dekning: hvert eid selskap og samarbeid, om eierskapskontroll/forvaltningsrevisjon dekker det i valgperioden; &format=csv for planleggingsmøtet',
      querystring: CoverageQuery,
      response: {
        200: { content: { 'application/json': { schema: Coverage }, 'text/csv': { schema: Type.String() } } },
        ...errorReplies(400, 404),
      },
    },
  }, async (request, reply) => {
    const q = request.query
    const e = electionYear(q.valgperiode, 'querystring/valgperiode')
    const ms = q.municipality ? [municipalities.get(q.municipality)] : municipalities.list({ inRegion: true, limit: 500, offset: 0, sort: 'name' }).items
    const result = ms.map(m => {
      const data = kontroll.coverageData(m.id, e)
      const collaborations = coverage(data)
      return {
        municipality: { slug: m.slug, name: m.name },
        collaborations,
        serviceAreas: serviceAreaCoverage(data),
        flagged: collaborations.filter(r => r.flagged).map(r => r.collaboration.slug),
      }
    })
    if (q.format === 'csv') {
      reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="kontroll-dekning-${e}-${q.municipality ?? 'regionen'}.csv"`)
      return coverageCsv(result) as never
    }
    return {
      valgperiode: { electionYear: e, label: `${e}–${e + 4}` },
      municipalities: result.map(r => ({ ...r, collaborations: r.collaborations.map(({ collaboration: c, ...rest }) => ({ ...c, ...rest })) })),
    } as never
  })
}
export default routes

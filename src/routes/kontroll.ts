import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorReplies } from '../schemas/common.js'
import {
  AdoptionParams, AdoptionUpdate, Assessment, AssessmentCreate, AssessmentList, AssessmentQuery, AssessmentUpdate, Coverage, CoverageQuery, IdParams,
  OrderUpdate, Plan, PlanCreate, PlanList, PlanQuery, PlanUpdate, PlanVersion, Project, ProjectCreate, ProjectList, ProjectParams, ProjectQuery,
  ProjectUpdate, RankingCreate, RankingResult, Review, ReviewQuery, RevisionCreate, VersionParams,
} from '../schemas/kontroll.js'
import { listReply } from '../schemas/list.js'
import { viewerOf } from '../services/access.js'
import { coverageCsv } from '../kontroll/coverage-csv.js'

const sinceOf = (value: string | undefined) => value === undefined ? undefined : new Date(value).getTime()
const paging = (q: { limit?: number; offset?: number; modified_since?: string }) =>
  ({ limit: q.limit ?? 100, offset: q.offset ?? 0, modifiedSince: sinceOf(q.modified_since) })

// The kontrollutvalg's plans for forvaltningsrevisjon and eierskapskontroll, their projects, the risk and
// materiality assessment, and the coverage and planning reviews (issue 6). The rules are in
// src/services/kontroll/; these routes validate, call one service and present.
const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const { plans, projects, assessments, coverage } = app.services.kontroll
  const tags = ['Kontrollutvalg']
  const prefix = `${baseUrl}/api/v1/kontroll`

  // ── plans ──
  app.get('/plans', { schema: { tags, summary: 'Kontrollutvalgets planer (forvaltningsrevisjon, eierskapskontroll)', querystring: PlanQuery, response: { 200: PlanList, ...errorReplies(400) } } }, async request => {
    const q = request.query
    const p = paging(q)
    const page = await plans.list(viewerOf(request.actor), { electionYear: q.valgperiode, municipality: q.municipality, body: q.body, type: q.type, ...p })
    return listReply(page, { baseUrl: prefix, path: '/plans', query: q, limit: p.limit, offset: p.offset }) as never
  })

  app.post('/plans', { schema: { tags, summary: 'Opprett plan for et kontrollutvalg (eller flere: felles plan) og en valgperiode', security: [{ bearer: [] }], body: PlanCreate, response: { 201: Plan, ...errorReplies(400, 401, 403, 409, 413, 415) } } }, async (request, reply) =>
    reply.code(201).send(await plans.create(request.actor, request.body) as never))

  app.get('/plans/:id', { schema: { tags, summary: 'Én plan, med vedtaksfrist og forekomstene vedtaket føres på', params: IdParams, response: { 200: Plan, ...errorReplies(400, 404) } } }, async request =>
    plans.get(viewerOf(request.actor), request.params.id) as never)

  app.patch('/plans/:id', { schema: { tags, summary: 'Endre plan: tittel, kontrollutvalg, vedtak i kontrollutvalget og kommunestyret (dato og saksnummer)', security: [{ bearer: [] }], params: IdParams, body: PlanUpdate, response: { 200: Plan, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async request =>
    plans.update(request.actor, request.params.id, request.body) as never)

  app.delete('/plans/:id', { schema: { tags, summary: 'Slett plan (med prosjekter og kalenderoppføringer)', security: [{ bearer: [] }], params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } } }, async (request, reply) => {
    await plans.remove(request.actor, request.params.id)
    return reply.code(204).send(null)
  })

  // ── versions, adoptions per member, order, the ranked list (issue 15) ──
  app.put('/plans/:id/adoptions/:body', { schema: { tags, summary: 'Før ett kontrollutvalgs vedtak av gjeldende versjon, og kommunestyrets i dets kommune (dato og saksnummer; null fjerner)', security: [{ bearer: [] }], params: AdoptionParams, body: AdoptionUpdate, response: { 200: Plan, ...errorReplies(400, 401, 403, 404, 413, 415) } } }, async request =>
    plans.recordAdoption(request.actor, request.params.id, request.params.body, request.body) as never)

  app.post('/plans/:id/revisions', { schema: { tags, summary: 'Revider en vedtatt plan: en ny versjon (utkast) med egne vedtak; den forrige kan fortsatt leses', security: [{ bearer: [] }], params: IdParams, body: RevisionCreate, response: { 201: Plan, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async (request, reply) =>
    reply.code(201).send(await plans.revise(request.actor, request.params.id, request.body) as never))

  app.get('/plans/:id/versions/:version', { schema: { tags, summary: 'Én versjon av planen: tittel, vedtak og prosjekter slik de var', params: VersionParams, response: { 200: PlanVersion, ...errorReplies(400, 404) } } }, async request =>
    plans.version(viewerOf(request.actor), request.params.id, request.params.version) as never)

  app.put('/plans/:id/order', { schema: { tags, summary: 'Sett prosjektenes rekkefølge i planen', security: [{ bearer: [] }], params: IdParams, body: OrderUpdate, response: { 200: Plan, ...errorReplies(400, 401, 403, 404, 413, 415) } } }, async request =>
    plans.reorder(request.actor, request.params.id, request.body.projects) as never)

  app.post('/plans/from-ranking', { schema: { tags, summary: 'Lag planen fra den rangerte listen: hvert valgte tema blir et prosjekt i kontrollutvalgets plan av sin type (et utkast opprettes der det mangler)', security: [{ bearer: [] }], body: RankingCreate, response: { 201: RankingResult, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async (request, reply) =>
    reply.code(201).send({ plans: await projects.createFromRanking(request.actor, request.body) } as never))

  app.get('/plans/:id/review', { schema: { tags, summary: 'Planens framdrift: prosjekter per år og status, forsinkede prosjekter, forfalt oppfølging, frister framover', params: IdParams, querystring: ReviewQuery, response: { 200: Review, ...errorReplies(400, 404) } } }, async request =>
    coverage.review(viewerOf(request.actor), request.params.id, request.query.asOf) as never)

  // ── projects ──
  app.get('/plans/:id/projects', { schema: { tags, summary: 'Planens prosjekter, rangert etter risiko × vesentlighet', params: IdParams, querystring: ProjectQuery, response: { 200: ProjectList, ...errorReplies(400, 404) } } }, async request => {
    const q = request.query
    const p = paging(q)
    const page = await projects.list(viewerOf(request.actor), request.params.id, p)
    return listReply(page, { baseUrl: prefix, path: `/plans/${request.params.id}/projects`, query: q, limit: p.limit, offset: p.offset }) as never
  })

  app.post('/plans/:id/projects', { schema: { tags, summary: 'Opprett prosjekt: rapport, behandling i kontrollutvalg og kommunestyre og oppfølging blir forekomster i kalenderne', security: [{ bearer: [] }], params: IdParams, body: ProjectCreate, response: { 201: Project, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async (request, reply) =>
    reply.code(201).send(await projects.create(request.actor, request.params.id, request.body) as never))

  app.get('/plans/:id/projects/:projectId', { schema: { tags, summary: 'Ett prosjekt', params: ProjectParams, response: { 200: Project, ...errorReplies(400, 404) } } }, async request =>
    projects.get(viewerOf(request.actor), request.params.id, request.params.projectId) as never)

  app.patch('/plans/:id/projects/:projectId', { schema: { tags, summary: 'Endre prosjekt (datoer flytter kalenderforekomstene; levert/behandlet markerer dem)', security: [{ bearer: [] }], params: ProjectParams, body: ProjectUpdate, response: { 200: Project, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async request =>
    projects.update(request.actor, request.params.id, request.params.projectId, request.body) as never)

  app.delete('/plans/:id/projects/:projectId', { schema: { tags, summary: 'Slett prosjekt (og kalenderoppføringene)', security: [{ bearer: [] }], params: ProjectParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } } }, async (request, reply) => {
    await projects.remove(request.actor, request.params.id, request.params.projectId)
    return reply.code(204).send(null)
  })

  // ── risk and materiality ──
  app.get('/assessments', { schema: { tags, summary: 'Risiko- og vesentlighetsvurderinger, høyest risiko × vesentlighet først', querystring: AssessmentQuery, response: { 200: AssessmentList, ...errorReplies(400) } } }, async request => {
    const q = request.query
    const p = paging(q)
    const page = await assessments.list(viewerOf(request.actor), { electionYear: q.valgperiode, municipality: q.municipality, collaboration: q.collaboration, ...p })
    return listReply(page, { baseUrl: prefix, path: '/assessments', query: q, limit: p.limit, offset: p.offset }) as never
  })

  app.post('/assessments', { schema: { tags, summary: 'Vurder et selskap/samarbeid eller et tjenesteområde for en valgperiode (risiko og vesentlighet 1–5)', security: [{ bearer: [] }], body: AssessmentCreate, response: { 201: Assessment, ...errorReplies(400, 401, 403, 409, 413, 415) } } }, async (request, reply) =>
    reply.code(201).send(await assessments.create(request.actor, request.body) as never))

  app.get('/assessments/:id', { schema: { tags, summary: 'Én vurdering', params: IdParams, response: { 200: Assessment, ...errorReplies(400, 404) } } }, async request =>
    assessments.get(viewerOf(request.actor), request.params.id) as never)

  app.patch('/assessments/:id', { schema: { tags, summary: 'Endre vurdering', security: [{ bearer: [] }], params: IdParams, body: AssessmentUpdate, response: { 200: Assessment, ...errorReplies(400, 401, 403, 404, 413, 415) } } }, async request =>
    assessments.update(request.actor, request.params.id, request.body) as never)

  app.delete('/assessments/:id', { schema: { tags, summary: 'Slett vurdering', security: [{ bearer: [] }], params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } } }, async (request, reply) => {
    await assessments.remove(request.actor, request.params.id)
    return reply.code(204).send(null)
  })

  // ── coverage ──
  app.get('/coverage', {
    schema: {
      tags,
      summary: 'Dekning: hvert eid selskap og samarbeid, om eierskapskontroll/forvaltningsrevisjon dekker det i valgperioden; &format=csv for planleggingsmøtet',
      querystring: CoverageQuery,
      response: {
        200: {
          description: 'Dekningen som JSON, eller med format=csv som semikolonseparert CSV (UTF-8 med BOM) for Excel',
          content: { 'application/json': { schema: Coverage }, 'text/csv': { schema: Type.String() } },
        },
        ...errorReplies(400, 404),
      },
    },
  }, async (request, reply) => {
    const q = request.query
    const result = await coverage.coverage(viewerOf(request.actor), { electionYear: q.valgperiode, municipality: q.municipality })
    const e = result.electionYear
    if (q.format === 'csv') {
      reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="kontroll-dekning-${e}-${q.municipality ?? 'regionen'}.csv"`)
      return coverageCsv(result.municipalities) as never
    }
    return {
      valgperiode: { electionYear: e, label: `${e}–${e + 4}` },
      municipalities: result.municipalities.map(r => ({ ...r, collaborations: r.collaborations.map(({ collaboration: c, ...rest }) => ({ ...c, ...rest })) })),
    } as never
  })
}
export default routes

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { localDateOf } from '../../domain/local-time.js'
import { normaliseServiceArea } from '../../domain/kontroll.js'
import { pageScope, requireSession } from '../../plugins/pages.js'
import { Line, Text } from '../../schemas/common.js'
import { viewerOf } from '../../services/access.js'
import { AppError, denied } from '../../shared/errors.js'
import {
  analysePage, analyseUrl, anchorOf, assessPage, assessServiceProblem, electionYearOf, kontrollutvalgOf, parseAssessForm, rankedSubjectsOf, savedMessage,
  type AnalyseContext, type AssessError, type AssessValues, type RankedSubject,
} from '../../pages/kontroll/analyse.js'

const ZONE = 'Europe/Oslo'

const Params = Type.Object({ organ: Line(80) }, { additionalProperties: false })
const PageQuery = Type.Object({ valgperiode: Type.Optional(Line(10)) }, { additionalProperties: false })
const AssessQuery = Type.Object({
  valgperiode: Type.Optional(Line(10)),
  selskap: Type.Optional(Line(80)),
  tjenesteomrade: Type.Optional(Line(200)),
}, { additionalProperties: false })
// Loose strings: the page checks them and shows the form again naming the field.
const AssessForm = Type.Object({
  _csrf: Type.Optional(Line(200)),
  valgperiode: Type.Optional(Line(10)),
  selskap: Type.Optional(Line(80)),
  tjenesteomrade: Type.Optional(Line(1000)),
  ny: Type.Optional(Line(10)),
  risiko: Type.Optional(Line(10)),
  vesentlighet: Type.Optional(Line(10)),
  begrunnelse: Type.Optional(Text(20_000)),
  dato: Type.Optional(Line(100)),
}, { additionalProperties: false })

type Form = Record<string, string | undefined>
type AssessRequest = FastifyRequest<{ Params: { organ: string }; Querystring: Form; Body: Form }>

const areaKey = (s: string) => normaliseServiceArea(s).toLocaleLowerCase('nb')

/**
 * The overordnet analyse (issue 15): /kontroll/<kontrollutvalg>/analyse[?valgperiode=2023] shows every
 * subject of the kontrollutvalg's municipality with its risk and vesentlighet, ranked, and the matrix;
 * anyone who may see the kontrollutvalg reads it. /analyse/vurder is the scoring form of one subject
 * (?selskap=<slug>, ?tjenesteomrade=<name>, or neither: a new service area) for its sekretariat and admins;
 * it saves through services.kontroll.assessments (the service behind /api/v1/kontroll/assessments), so a
 * company owned by several municipalities has one assessment, shared by their analyses.
 */
const routes: FastifyPluginAsync<{ baseUrl: string }> = async app => {
  await pageScope(app)
  const { assessments } = app.services.kontroll
  const context = (request: FastifyRequest): AnalyseContext =>
    ({ services: app.services, actor: request.actor, viewer: viewerOf(request.actor), today: localDateOf(app.clock.now(), ZONE) })

  app.get<{ Params: { organ: string }; Querystring: { valgperiode?: string } }>('/kontroll/:organ/analyse', { schema: { hide: true, params: Params, querystring: PageQuery } }, async (request, reply) => {
    const ctx = context(request)
    const data = await analysePage(ctx, request.params.organ, electionYearOf(request.query.valgperiode, ctx.today))
    return reply.page('kontroll-analyse', data)
  })

  /**
   * Who may assess, then which subject: signed in (401), the kontrollutvalg (404), its sekretariat or an
   * admin (403), the subject among the municipality's (404). Checked before any input is judged.
   */
  async function subjectOf (request: AssessRequest, source: Form) {
    const actor = requireSession(request)
    const ctx = context(request)
    const ku = await kontrollutvalgOf(ctx, request.params.organ)
    if (!ku.mayChange) throw denied(`Bare sekretariatet for ${ku.name} og administratorer kan vurdere risiko og vesentlighet her. Du kan lese analysen.`)
    const electionYear = electionYearOf(source.valgperiode, ctx.today)
    const ranked = await rankedSubjectsOf(ctx, ku, electionYear)
    let subject: RankedSubject | null = null
    const slug = source.selskap?.trim()
    const area = normaliseServiceArea(source.tjenesteomrade ?? '')
    if (slug) {
      subject = ranked.find(s => s.collaboration === slug) ?? null
      if (!subject) throw new AppError(404, 'kontroll.unknown_subject', `Fant ikke selskapet eller samarbeidet blant det ${ku.municipality.name} eier eller deltar i.`)
    } else if (area && source.ny !== '1') {
      subject = ranked.find(s => s.serviceArea !== null && areaKey(s.serviceArea) === areaKey(area)) ??
        { kind: 'service_area', anchor: `emne-omrade-${anchorOf(area)}`, name: area, detail: 'Tjenesteområde', collaboration: null, serviceArea: area, assessment: null, rank: null }
    }
    return { actor, ctx, ku, electionYear, ranked, subject }
  }

  app.get<{ Params: { organ: string }; Querystring: Form }>('/kontroll/:organ/analyse/vurder', { schema: { hide: true, params: Params, querystring: AssessQuery } }, async (request, reply) => {
    const { ctx, ku, electionYear, subject } = await subjectOf(request as AssessRequest, request.query)
    return reply.page('kontroll-analyse-vurder', assessPage({ ku, electionYear, subject, today: ctx.today }))
  })

  app.post<{ Params: { organ: string }; Body: Form }>('/kontroll/:organ/analyse/vurder', { schema: { hide: true, params: Params, body: AssessForm } }, async (request, reply: FastifyReply) => {
    const body = request.body ?? {}
    const { actor, ctx, ku, electionYear, ranked, subject } = await subjectOf(request as AssessRequest, body)
    const again = (problem: { errors: AssessError[]; values: AssessValues }) =>
      reply.page('kontroll-analyse-vurder', assessPage({ ku, electionYear, subject, today: ctx.today, problem }), 400)
    const parsed = parseAssessForm(body, { today: ctx.today, newArea: subject === null })
    if ('errors' in parsed) return again(parsed)
    const { input } = parsed
    let target = subject
    if (target === null) {
      // A new service area whose name is already on the list: change that one instead (no second row, no overwriting by accident).
      const existing = ranked.find(s => s.serviceArea !== null && areaKey(s.serviceArea) === areaKey(input.serviceArea!))
      if (existing) {
        return again({
          errors: [{ field: 'tjenesteomrade', message: `${existing.name} står allerede i analysen${existing.assessment ? ' og er vurdert' : ''}; velg «Vurder» ved den i listen.` }],
          values: { tjenesteomrade: input.serviceArea, risiko: String(input.risk), vesentlighet: String(input.materiality), begrunnelse: input.justification, dato: input.assessedOn },
        })
      }
      target = { kind: 'service_area', anchor: `emne-omrade-${anchorOf(input.serviceArea!)}`, name: input.serviceArea!, detail: 'Tjenesteområde', collaboration: null, serviceArea: input.serviceArea!, assessment: null, rank: null }
    }
    const back = `${analyseUrl(ku.slug, electionYear)}#${target.anchor}`
    const current = target.assessment
    if (current && current.risk === input.risk && current.materiality === input.materiality && (current.justification ?? '') === input.justification && current.assessedOn === input.assessedOn) {
      return reply.flashRedirect(back, 'Ingen endringer å lagre.')
    }
    const fields = { risk: input.risk, materiality: input.materiality, justification: input.justification, assessedOn: input.assessedOn }
    try {
      if (current) await assessments.update(actor, current.id, fields)
      else if (target.collaboration) await assessments.create(actor, { electionYear, collaboration: target.collaboration, ...fields })
      else await assessments.create(actor, { electionYear, municipality: ku.municipality.slug, serviceArea: target.serviceArea!, ...fields })
    } catch (err) {
      const problem = assessServiceProblem(err, { ...(subject === null ? { tjenesteomrade: input.serviceArea } : {}), risiko: String(input.risk), vesentlighet: String(input.materiality), begrunnelse: input.justification, dato: input.assessedOn })
      if (!problem) throw err
      return again(problem)
    }
    return reply.flashRedirect(back, savedMessage(target.name, input))
  })
}
export default routes

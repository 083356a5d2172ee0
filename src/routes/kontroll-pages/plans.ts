import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { localDateOf } from '../../domain/local-time.js'
import { isElectionYear } from '../../domain/valgperiode.js'
import { pageScope, requireSession } from '../../plugins/pages.js'
import { Line } from '../../schemas/common.js'
import { viewerOf } from '../../services/access.js'
import { denied, missing } from '../../shared/errors.js'
import { currentElectionYear, workspaceKontrollutvalg, type WorkspaceKontrollutvalg } from '../../pages/kontroll/workspace.js'
import {
  adoptionsOf, inPlanOrder, municipalityOf, movedOrder, parseAdoptionForm, parsePlanleggForm, parseReviseForm, planleggFieldLabel, planleggRows,
  planPage, planUrl, printPage, serviceProblem, subjectKeyOf, TYPE_LABELS, versionPage,
  type AssessmentLike, type PlanFormProblem, type PlanLike, type ProjectLike,
} from '../../pages/kontroll/plan.js'

const ZONE = 'Europe/Oslo'
const DENIED = 'Bare sekretariatet for kontrollutvalgene i planen og administratorer kan endre planen.'

const PlanParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) })
const VersionParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), n: Type.Integer({ minimum: 1, maximum: 10_000 }) })
const OrganParams = Type.Object({ organ: Line(200) })
// The forms' fields are loose strings (a typo is never a bare 400): the page module checks them and shows
// the form again naming the field.
const AdoptionForm = Type.Object({
  _csrf: Type.Optional(Line(200)),
  kontrollutvalg: Type.Optional(Line(200)),
  organ: Type.Optional(Line(20)),
  dato: Type.Optional(Line(100)),
  saksnummer: Type.Optional(Line(1000)),
}, { additionalProperties: false })
const ReviseForm = Type.Object({ _csrf: Type.Optional(Line(200)), grunn: Type.Optional(Line(5000)), tittel: Type.Optional(Line(1000)) }, { additionalProperties: false })
const ReorderForm = Type.Object({ _csrf: Type.Optional(Line(200)), prosjekt: Type.Optional(Line(20)), retning: Type.Optional(Line(20)) }, { additionalProperties: false })
// The planlegg form has one group of fields per ranked row (tittel_3, ar_3 …): named by pattern, bounded.
const PlanleggForm = Type.Object({
  _csrf: Type.Optional(Line(200)),
  ta_med: Type.Optional(Type.Union([Line(10), Type.Array(Line(10), { maxItems: 500 })])),
}, {
  patternProperties: { '^(tittel|ar|kvartal|type|emne)_\\d{1,4}$': Line(1000) },
  additionalProperties: false,
  maxProperties: 3000,
})
const PlanleggQuery = Type.Object({ valgperiode: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2200 })) }, { additionalProperties: false })

type Form = Record<string, string | string[] | undefined>

/**
 * The plans in the browser (issue 15, item 3): a plan's page with its adoption per member kontrollutvalg and
 * its projects in plan order, earlier versions, the printable plan (A4), and the forms — record an adoption,
 * move a project up or down, revise an adopted plan — plus «planlegg», projects from the ranked overordnet
 * analyse. Reads and writes go through services.kontroll.plans (the same service as /api/v1/kontroll); who may
 * change is checked before a form is judged (401 sign-in, 403 page, nothing changed).
 */
const routes: FastifyPluginAsync<{ baseUrl: string }> = async (app) => {
  await pageScope(app)
  const kontroll = app.services.kontroll
  const plans = kontroll.plans
  const today = () => localDateOf(app.clock.now(), ZONE)
  const hide = { hide: true }

  /** The plan, its live projects in plan order and what this person may do with it. */
  async function load (request: FastifyRequest, id: number) {
    const viewer = viewerOf(request.actor)
    const plan: PlanLike = await plans.get(viewer, id)
    const projects = inPlanOrder((await kontroll.projects.list(viewer, id, { limit: 10_000 })).items.filter((p): p is typeof p & ProjectLike => 'title' in p))
    const session = request.actor?.via === 'session'
    const workspace = session ? await workspaceKontrollutvalg(app.services, request.actor, viewer) : []
    const mayRecord = (slug: string) => workspace.some(w => w.slug === slug && w.mayChange)
    const mayChange = plan.bodies.length > 0 && plan.bodies.every(b => mayRecord(b.slug))
    return { plan, projects, mayRecord, mayChange, signedIn: session }
  }

  async function renderPlan (request: FastifyRequest, reply: FastifyReply, id: number, problem?: PlanFormProblem, status = 200) {
    const { plan, projects, mayRecord, mayChange, signedIn } = await load(request, id)
    return reply.page('kontroll-plan', planPage({ plan, projects, mayRecord, mayChange, signedIn, today: today(), problem }), status)
  }

  app.get<{ Params: { id: number } }>('/kontroll/plan/:id', { schema: { ...hide, params: PlanParams } }, async (request, reply) =>
    renderPlan(request, reply, request.params.id))

  app.get<{ Params: { id: number; n: number } }>('/kontroll/plan/:id/versjon/:n', { schema: { ...hide, params: VersionParams } }, async (request, reply) => {
    const v = await plans.version(viewerOf(request.actor), request.params.id, request.params.n)
    return reply.page('kontroll-plan-versjon', versionPage({ ...v, projects: inPlanOrder(v.projects) }))
  })

  app.get<{ Params: { id: number }; Querystring: { versjon?: number } }>('/kontroll/plan/:id/utskrift', {
    schema: { ...hide, params: PlanParams, querystring: Type.Object({ versjon: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { id } = request.params
    const { plan, projects } = await load(request, id)
    if (request.query.versjon !== undefined && request.query.versjon !== (plan.version ?? 1)) {
      const v = await plans.version(viewerOf(request.actor), id, request.query.versjon)
      return reply.page('kontroll-plan-utskrift', printPage({ plan, projects: inPlanOrder(v.projects), version: v.version, adoptions: v.adoptions, status: v.status, title: v.title }))
    }
    return reply.page('kontroll-plan-utskrift', printPage({ plan, projects }))
  })

  /** Who may change is settled before the form is read: 401 without a session, 404 for a plan not seen, 403 outside the sekretariat. */
  async function forWrite (request: FastifyRequest<{ Params: { id: number } }>, whole: boolean) {
    const actor = requireSession(request)
    const loaded = await load(request, request.params.id)
    const members = adoptionsOf(loaded.plan).map(a => a.body.slug).filter(loaded.mayRecord)
    if (whole ? !loaded.mayChange : members.length === 0) throw denied(DENIED)
    return { actor, ...loaded, members }
  }

  app.post<{ Params: { id: number }; Body: Form }>('/kontroll/plan/:id/vedtak', { schema: { ...hide, params: PlanParams, body: AdoptionForm } }, async (request, reply) => {
    const { id } = request.params
    const { actor, plan, members } = await forWrite(request, false)
    const adoptions = adoptionsOf(plan)
    const parsed = parseAdoptionForm(request.body ?? {}, members, today(), new Map(adoptions.map(a => [a.body.slug, a])))
    if ('errors' in parsed) return renderPlan(request, reply, id, { form: 'vedtak', ...parsed }, 400)
    try {
      await plans.recordAdoptions(actor, id, parsed.bodies, parsed.input)
    } catch (err) {
      const problem = serviceProblem(err, 'vedtak', request.body as Record<string, string>)
      if (!problem) throw err
      return renderPlan(request, reply, id, problem, 400)
    }
    const who = parsed.organ === 'ku' ? 'Kontrollutvalgets' : 'Kommunestyrets'
    const names = adoptions.filter(a => parsed.bodies.includes(a.body.slug)).map(a => parsed.organ === 'ku' ? a.body.name : municipalityOf(a).name).join(', ')
    return reply.flashRedirect(`${planUrl(id)}#vedtak`, `${who} vedtak er registrert (${names}).`)
  })

  app.post<{ Params: { id: number }; Body: Form }>('/kontroll/plan/:id/rekkefolge', { schema: { ...hide, params: PlanParams, body: ReorderForm } }, async (request, reply) => {
    const { id } = request.params
    const { actor, projects } = await forWrite(request, true)
    const body = request.body ?? {}
    const projectId = Number(body.prosjekt)
    const order = movedOrder(projects.map(p => p.id), projectId, String(body.retning ?? ''))
    if (!projects.some(p => p.id === projectId)) throw missing('kontroll_project', String(body.prosjekt ?? ''))
    if (!order) return reply.flashRedirect(`${planUrl(id)}#prosjekt-${projectId}`, 'Prosjektet står allerede der.')
    await plans.reorder(actor, id, order)
    const moved = projects.find(p => p.id === projectId)!
    return reply.flashRedirect(`${planUrl(id)}#prosjekt-${projectId}`, `«${moved.title}» er flyttet ${body.retning === 'opp' ? 'opp' : 'ned'} til nummer ${order.indexOf(projectId) + 1}.`)
  })

  app.post<{ Params: { id: number }; Body: Form }>('/kontroll/plan/:id/revider', { schema: { ...hide, params: PlanParams, body: ReviseForm } }, async (request, reply) => {
    const { id } = request.params
    const { actor } = await forWrite(request, true)
    const parsed = parseReviseForm(request.body ?? {})
    if ('errors' in parsed) return renderPlan(request, reply, id, { form: 'revider', ...parsed }, 400)
    let revised: PlanLike
    try {
      revised = await plans.revise(actor, id, parsed)
    } catch (err) {
      const problem = serviceProblem(err, 'revider', request.body as Record<string, string>)
      if (!problem) throw err
      return renderPlan(request, reply, id, problem, 400)
    }
    return reply.flashRedirect(planUrl(id), `Versjon ${revised.version ?? ''} er opprettet som utkast. Legg til eller endre prosjekter, og registrer vedtaket når kontrollutvalget har behandlet den.`)
  })

  // ── planlegg: the kontrollutvalg's plans for the period from the ranked overordnet analyse ──

  async function kontrollutvalgOf (request: FastifyRequest<{ Params: { organ: string } }>): Promise<WorkspaceKontrollutvalg> {
    const ku = (await workspaceKontrollutvalg(app.services, request.actor, viewerOf(request.actor))).find(w => w.slug === request.params.organ)
    if (!ku) throw missing('kontrollutvalg', request.params.organ)
    return ku
  }

  async function planleggData (request: FastifyRequest, ku: WorkspaceKontrollutvalg, electionYear: number, values?: Form, errors?: Array<{ field: string; message: string }>) {
    const viewer = viewerOf(request.actor)
    const assessments = (await kontroll.assessments.list(viewer, { electionYear, municipality: ku.municipality.slug, limit: 10_000 })).items
      .filter((a): a is typeof a & AssessmentLike => 'subject' in a)
    const kuPlans = (await plans.list(viewer, { electionYear, body: ku.slug, limit: 100 })).items.filter((p): p is typeof p & PlanLike => 'title' in p)
    const plannedKeys = new Set<string>()
    for (const p of kuPlans) {
      for (const project of (await kontroll.projects.list(viewer, p.id, { limit: 10_000 })).items) {
        if ('subjects' in project) for (const s of project.subjects) plannedKeys.add(subjectKeyOf(s.type === 'collaboration' ? { type: 'collaboration', slug: s.slug, name: s.name } : s))
      }
    }
    const names = new Map([[ku.municipality.slug, ku.municipality.name]])
    return {
      assessments,
      page: {
        pageTitle: `Planlegg ${electionYear}–${electionYear + 4}: ${ku.name}`,
        kontrollStyles: true,
        ku,
        electionYear,
        valgperiode: `${electionYear}–${electionYear + 4}`,
        years: [0, 1, 2, 3, 4].map(i => electionYear + i),
        rows: planleggRows(assessments, names, plannedKeys, electionYear, values),
        plans: kuPlans.map(p => ({ id: p.id, title: p.title, url: planUrl(p.id), typeLabel: TYPE_LABELS[p.type], version: p.version ?? 1, projectCount: (p as { projectCount?: number }).projectCount ?? null })),
        mayChange: ku.mayChange && request.actor?.via === 'session',
        errors: (errors ?? []).map(e => ({ ...e, label: planleggFieldLabel(e.field) })),
        errorOf: (field: string) => (errors ?? []).find(e => e.field === field) ?? null,
        analyseUrl: `/kontroll/${ku.slug}/analyse?valgperiode=${electionYear}`,
      },
    }
  }

  app.get<{ Params: { organ: string }; Querystring: { valgperiode?: number } }>('/kontroll/:organ/planlegg', {
    schema: { ...hide, params: OrganParams, querystring: PlanleggQuery },
  }, async (request, reply) => {
    requireSession(request)
    const ku = await kontrollutvalgOf(request)
    const electionYear = request.query.valgperiode ?? currentElectionYear(today())
    if (!isElectionYear(electionYear)) throw missing('valgperiode', electionYear)
    return reply.page('kontroll-plan-planlegg', (await planleggData(request, ku, electionYear)).page)
  })

  app.post<{ Params: { organ: string }; Querystring: { valgperiode?: number }; Body: Form }>('/kontroll/:organ/planlegg', {
    schema: { ...hide, params: OrganParams, querystring: PlanleggQuery, body: PlanleggForm },
  }, async (request, reply) => {
    const actor = requireSession(request)
    const ku = await kontrollutvalgOf(request)
    if (!ku.mayChange) throw denied(DENIED)
    const electionYear = request.query.valgperiode ?? currentElectionYear(today())
    if (!isElectionYear(electionYear)) throw missing('valgperiode', electionYear)
    const body = request.body ?? {}
    const { assessments } = await planleggData(request, ku, electionYear)
    const parsed = parsePlanleggForm(body, assessments, electionYear)
    const again = async (errors: Array<{ field: string; message: string }>) =>
      reply.page('kontroll-plan-planlegg', (await planleggData(request, ku, electionYear, body, errors)).page, 400)
    if ('errors' in parsed) return again(parsed.errors)
    let result: PlanLike[]
    try {
      result = await kontroll.projects.createFromRanking(actor, { body: ku.slug, electionYear, items: parsed.items })
    } catch (err) {
      const problem = serviceProblem(err, 'vedtak', {})
      if (!problem) throw err
      const m = /^items\/(\d+)\/?(\w*)/.exec((err as { field?: string }).field ?? '')
      const chosen = [...new Set(([] as unknown[]).concat(body.ta_med ?? []).map(String))]
      const row = m ? chosen[Number(m[1])] : undefined
      const column = ({ plannedYear: 'ar', plannedQuarter: 'kvartal', kind: 'type' } as Record<string, string>)[m?.[2] ?? ''] ?? 'tittel'
      return again([{ field: row !== undefined ? `${column}_${row}` : 'ta_med', message: problem.errors[0]!.message }])
    }
    const n = parsed.items.length
    const message = `${n} ${n === 1 ? 'prosjekt er' : 'prosjekter er'} lagt til i ${result.map(p => `«${p.title}»`).join(' og ')}.`
    const back = `/kontroll/${ku.slug}/planlegg?valgperiode=${electionYear}`
    return reply.flashRedirect(result.length === 1 ? planUrl(result[0]!.id) : back, message)
  })
}
export default routes

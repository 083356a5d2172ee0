import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { localDateOf } from '../../domain/local-time.js'
import { pageScope, requireSession } from '../../plugins/pages.js'
import { conflicting } from '../../shared/errors.js'
import {
  newProjectPage, parseDropForm, parseEditForm, parseNewForm, parseStepForm, planAccess, projectPage, projectPageUrl, serviceProblem, stepOf, subjectGroups,
  type FieldError, type FormValues, type ProjectPageContext,
} from '../../pages/kontroll/project.js'
import { Line, Text } from '../../schemas/common.js'
import { viewerOf } from '../../services/access.js'
import type { ProjectPatch } from '../../services/kontroll/projects.js'

const ZONE = 'Europe/Oslo'

const PlanParams = Type.Object({ planId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, { additionalProperties: false })
const ProjectParams = Type.Object({ planId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), projectId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, { additionalProperties: false })
const StepParams = Type.Object({ ...ProjectParams.properties, step: Line(40) }, { additionalProperties: false })
const NewQuery = Type.Object({ emne: Type.Optional(Line(300)) }, { additionalProperties: false })

// Loose strings (a form never gets a bare 400 page for a typo): the page module checks them and names the field.
const Csrf = { _csrf: Type.Optional(Line(200)) }
const EditForm = Type.Object({
  ...Csrf, tittel: Type.Optional(Line(1000)), problemstilling: Type.Optional(Text(10_000)), planlagtAr: Type.Optional(Line(100)), kvartal: Type.Optional(Line(100)), revisor: Type.Optional(Line(1000)),
}, { additionalProperties: false })
const NewForm = Type.Object({
  ...EditForm.properties, emne: Type.Optional(Line(1000)), tjenesteomrade: Type.Optional(Line(1000)), kommune: Type.Optional(Line(200)),
}, { additionalProperties: false })
const StepForm = Type.Object({ ...Csrf, planlagt: Type.Optional(Line(100)), utfort: Type.Optional(Line(100)), saksnummer: Type.Optional(Line(1000)) }, { additionalProperties: false })
const DropForm = Type.Object({ ...Csrf, begrunnelse: Type.Optional(Text(10_000)) }, { additionalProperties: false })
const EmptyForm = Type.Object(Csrf, { additionalProperties: false })

type Form = Record<string, string | undefined>
type ProjectRequest = FastifyRequest<{ Params: { planId: number; projectId: number; step?: string }; Body: Form }>

/**
 * A plan's projects and their milestones as pages (issue 15, item 4): /kontroll/plan/<plan>/prosjekt/<id> and
 * /kontroll/plan/<plan>/prosjekt/ny. Reading follows the plan's visibility; the forms post here and go through
 * services.kontroll.projects (create, update: the service behind the API), for admins and the sekretariat of every
 * kontrollutvalg of the plan: 401 without a session, 403 (a page) for anyone else — judged before the form —
 * and 400 with the form shown again naming the field, nothing changed.
 */
const routes: FastifyPluginAsync<{ baseUrl: string }> = async (app) => {
  await pageScope(app)
  const projects = app.services.kontroll.projects
  const context = (request: FastifyRequest): ProjectPageContext =>
    ({ services: app.services, viewer: viewerOf(request.actor), actor: request.actor, today: localDateOf(app.clock.now(), ZONE) })

  /** 401 without a session, 404 for a plan the person may not see, 403 unless they may steer it. */
  async function assertMayChange (request: FastifyRequest, planId: number) {
    const actor = requireSession(request)
    const { plan, bodyIds } = await planAccess(context(request), planId)
    app.services.access.assertMaySteerKontroll(actor, bodyIds)
    return { plan, actor }
  }

  /**
   * A new project goes into a draft: an adopted version's project list changes only in a revision, so the
   * adopted version stays as the kontrollutvalg and the councils adopted it (409 page otherwise).
   */
  async function assertDraft (request: FastifyRequest, planId: number): Promise<void> {
    const plan = await app.services.kontroll.plans.get(viewerOf(request.actor), planId)
    if (plan.status !== 'draft') {
      throw conflicting('kontroll.plan_adopted', `Versjon ${plan.version} av «${plan.title}» er vedtatt. Nye prosjekter legges inn i en revisjon: åpne planen og velg «Revider planen».`)
    }
  }

  app.get<{ Params: { planId: number }; Querystring: { emne?: string } }>('/kontroll/plan/:planId/prosjekt/ny', { schema: { hide: true, params: PlanParams, querystring: NewQuery } }, async (request, reply) => {
    const data = await newProjectPage(context(request), request.params.planId, { preselect: request.query.emne })
    if (!data.mayChange) await assertMayChange(request, request.params.planId)
    await assertDraft(request, request.params.planId)
    return reply.page('kontroll-prosjekt-ny', data)
  })

  app.post<{ Params: { planId: number }; Body: Form }>('/kontroll/plan/:planId/prosjekt/ny', { schema: { hide: true, params: PlanParams, body: NewForm } }, async (request, reply) => {
    const { planId } = request.params
    const { plan, actor } = await assertMayChange(request, planId)
    await assertDraft(request, planId)
    const ctx = context(request)
    const parsed = parseNewForm(request.body ?? {}, plan, await subjectGroups(app.services, ctx.viewer, plan))
    const again = async (problem: { errors: FieldError[]; values: FormValues }) =>
      reply.page('kontroll-prosjekt-ny', await newProjectPage(ctx, planId, { problem: { form: 'ny', ...problem } }), 400)
    if ('errors' in parsed) return again(parsed)
    let created
    try {
      created = await projects.create(actor, planId, parsed.input)
    } catch (err) {
      const problem = serviceProblem(err, 'ny', { ...(request.body as FormValues) }, plan)
      if (!problem) throw err
      return again(problem)
    }
    // Back to the plan, where the next step (its order, its adoption) is taken; the project is one link away.
    return reply.flashRedirect(`/kontroll/plan/${planId}#prosjekt-${created.id}`, `Prosjektet «${created.title}» er lagt til i planen.`)
  })

  app.get<{ Params: { planId: number; projectId: number } }>('/kontroll/plan/:planId/prosjekt/:projectId', { schema: { hide: true, params: ProjectParams } }, async (request, reply) =>
    reply.page('kontroll-prosjekt', await projectPage(context(request), request.params.planId, request.params.projectId)))

  /** Checks who may act, parses, calls the service, and redirects with a message or shows the page again (400). */
  async function save (request: ProjectRequest, reply: FastifyReply, form: string, parse: (project: Awaited<ReturnType<typeof projects.get>>, electionYear: number) => { patch: ProjectPatch; message: string } | { errors: FieldError[]; values: FormValues }) {
    const { planId, projectId } = request.params
    const { plan, actor } = await assertMayChange(request, planId)
    const ctx = context(request)
    const current = await projects.get(ctx.viewer, planId, projectId)
    const url = projectPageUrl(planId, projectId)
    const parsed = parse(current, plan.electionYear)
    if ('errors' in parsed) return reply.page('kontroll-prosjekt', await projectPage(ctx, planId, projectId, { form, ...parsed }), 400)
    if (Object.keys(parsed.patch).length === 0) return reply.flashRedirect(url, 'Ingen endringer å lagre.')
    try {
      await projects.update(actor, planId, projectId, parsed.patch)
    } catch (err) {
      const problem = serviceProblem(err, form, namespaced(form, request.body ?? {}), plan)
      if (!problem) throw err
      return reply.page('kontroll-prosjekt', await projectPage(ctx, planId, projectId, problem), 400)
    }
    return reply.flashRedirect(url, parsed.message)
  }

  const withMessage = <T extends { patch: ProjectPatch } | { errors: FieldError[]; values: FormValues }>(parsed: T, message: string) =>
    'patch' in parsed ? { patch: parsed.patch, message } : parsed as { errors: FieldError[]; values: FormValues }

  app.post<{ Params: { planId: number; projectId: number }; Body: Form }>('/kontroll/plan/:planId/prosjekt/:projectId/endre', { schema: { hide: true, params: ProjectParams, body: EditForm } }, async (request, reply) =>
    save(request, reply, 'endre', (project, electionYear) => withMessage(parseEditForm(request.body ?? {}, project, electionYear), 'Prosjektet er lagret.')))

  app.post<{ Params: { planId: number; projectId: number; step: string }; Body: Form }>('/kontroll/plan/:planId/prosjekt/:projectId/steg/:step', { schema: { hide: true, params: StepParams, body: StepForm } }, async (request, reply) => {
    const step = stepOf(request.params.step)
    if (!step) return reply.callNotFound()
    return save(request, reply, step.key, project => withMessage(parseStepForm(request.body ?? {}, project, step), `${step.label} er lagret.`))
  })

  app.post<{ Params: { planId: number; projectId: number }; Body: Form }>('/kontroll/plan/:planId/prosjekt/:projectId/avlys', { schema: { hide: true, params: ProjectParams, body: DropForm } }, async (request, reply) =>
    save(request, reply, 'avlys', () => withMessage(parseDropForm(request.body ?? {}), 'Prosjektet er avlyst. Stegene som gjenstår, er avlyst i kalenderen.')))

  app.post<{ Params: { planId: number; projectId: number }; Body: Form }>('/kontroll/plan/:planId/prosjekt/:projectId/gjenopprett', { schema: { hide: true, params: ProjectParams, body: EmptyForm } }, async (request, reply) =>
    save(request, reply, 'gjenopprett', project => project.status === 'dropped'
      ? { patch: { status: 'planned' }, message: 'Prosjektet er gjenopprettet.' }
      : { patch: {}, message: '' }))
}

/** A step form's fields under the keys the page uses ('rapport-utfort'); other forms' keys are the fields' names. */
function namespaced (form: string, body: Form): FormValues {
  const out: FormValues = {}
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf' || v === undefined) continue
    out[stepOf(form) && ['planlagt', 'utfort', 'saksnummer'].includes(k) ? `${form}-${k}` : k] = v
  }
  return out
}

export default routes

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import { ListOf, errorReplies } from '../schemas/common.js'
import { listReply } from '../schemas/list.js'
import { Subscription, SubscriptionCreate, SubscriptionIdParams, SubscriptionQuery, SubscriptionUpdate } from '../schemas/reminders.js'
import { auditActor, requireScope, requireWriter } from '../plugins/auth.js'
import { badRequest, forbidden } from '../shared/errors.js'
import { newSecret } from '../shared/secrets.js'
import { iso } from '../repositories/shared.js'
import type { SubscriptionInsert, SubscriptionRow } from '../repositories/subscriptions.js'
import type { Actor } from '../services/access.js'
import type { App } from '../app.js'

type Scope = Pick<SubscriptionRow, 'municipalityId' | 'collaborationId' | 'bodyId'>

/** The municipalities whose editors may manage a subscription with this scope; none for a region-wide one (admin only). */
export function subscriptionScope (app: Pick<App, 'repos'>, s: Scope): number[] {
  if (s.municipalityId !== null) return [s.municipalityId]
  if (s.collaborationId !== null) return app.repos.collaborations.involvedMunicipalityIds(s.collaborationId)
  if (s.bodyId !== null) {
    const b = app.repos.bodies.find(s.bodyId)
    if (!b) return []
    return b.municipalityId !== null ? [b.municipalityId] : app.repos.collaborations.involvedMunicipalityIds(b.collaborationId!)
  }
  return []
}

const visibleTo = (app: Pick<App, 'repos'>, actor: Actor, s: Scope) =>
  actor.role === 'admin' || subscriptionScope(app, s).some(id => actor.municipalityIds.includes(id))

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const { subscriptions, municipalities, collaborations, bodies } = app.repos
  const tags = ['Påminnelser']

  const present = (s: SubscriptionRow, generatedSecret?: string) => {
    const body = s.bodyId !== null ? bodies.find(s.bodyId) : undefined
    return {
      id: s.id, name: s.name, channel: s.channel, email: s.email, webhookUrl: s.webhookUrl,
      // The secret signs webhooks, so it is stored, but after creation it is never shown again.
      webhookSecretSet: s.webhookSecret !== null,
      ...(generatedSecret ? { webhookSecret: generatedSecret } : {}),
      municipality: s.municipalityId !== null ? municipalities.find(s.municipalityId)?.slug ?? null : null,
      collaboration: s.collaborationId !== null ? collaborations.find(s.collaborationId)?.slug ?? null : null,
      body: body?.slug ?? null,
      eventTypes: s.eventTypes ?? null, digest: s.digest, active: s.active,
      receivesEscalations: body?.kind === 'kommunedirektor' && body.municipalityId !== null,
      created: iso(s.created), modified: iso(s.modified),
    }
  }

  /** Resolves the scope fields given (slugs) to ids; at most one of municipality, collaboration, body. */
  function resolveScope (input: { municipality?: string | null; collaboration?: string | null; body?: string | null }): Scope {
    const given = (['municipality', 'collaboration', 'body'] as const).filter(k => input[k] != null)
    if (given.length > 1) throw badRequest('subscriptions.scope', `body/${given[1]}`, 'give at most one of municipality, collaboration, body (a body already belongs to its owner)')
    const scope: Scope = { municipalityId: null, collaborationId: null, bodyId: null }
    if (input.municipality != null) {
      const m = municipalities.find(input.municipality)
      if (!m || m.deleted) throw badRequest('subscriptions.unknown_municipality', 'body/municipality', `unknown municipality "${input.municipality}"`)
      scope.municipalityId = m.id
    }
    if (input.collaboration != null) {
      const c = collaborations.find(input.collaboration)
      if (!c || c.deleted) throw badRequest('subscriptions.unknown_collaboration', 'body/collaboration', `unknown collaboration "${input.collaboration}"`)
      scope.collaborationId = c.id
    }
    if (input.body != null) {
      const b = bodies.find(input.body)
      if (!b || b.deleted) throw badRequest('subscriptions.unknown_body', 'body/body', `unknown body "${input.body}"`)
      scope.bodyId = b.id
    }
    return scope
  }

  function checkEventTypes (eventTypes: string[] | null | undefined) {
    eventTypes?.forEach((t, i) => {
      if (!app.catalogue.eventTypes.has(t)) throw badRequest('subscriptions.unknown_event_type', `body/eventTypes/${i}`, `unknown event type "${t}"`)
    })
  }

  function checkWebhookUrl (url: string | undefined) {
    if (url === undefined) return
    let parsed: URL
    try { parsed = new URL(url) } catch { throw badRequest('subscriptions.webhook_url', 'body/webhookUrl', 'is not a valid URL') }
    if (parsed.username || parsed.password) throw badRequest('subscriptions.webhook_url', 'body/webhookUrl', 'must not carry credentials; the signature authenticates us')
  }

  /** The whole subscription after a create or patch, checked as a whole. */
  function checkWhole (s: Scope & { eventTypes: string[] | null; digest: boolean }) {
    if (s.municipalityId === null && s.collaborationId === null && s.bodyId === null && !s.eventTypes?.length) {
      throw badRequest('subscriptions.scope', 'body/municipality', 'give a municipality, collaboration or body, or eventTypes for a region-wide subscription')
    }
    if (s.digest) {
      const b = s.bodyId !== null ? bodies.find(s.bodyId) : undefined
      if (s.municipalityId === null && b?.municipalityId == null) throw badRequest('subscriptions.digest', 'body/digest', 'the weekly digest is per municipality: subscribe to a municipality or one of its bodies')
    }
  }

  app.get('/', {
    schema: { tags, summary: 'List abonnementer (admin: alle; redaktør: egen kommunes)', security: [{ bearer: [] }], querystring: SubscriptionQuery, response: { 200: ListOf(Subscription), ...errorReplies(400, 401, 404) } },
  }, async request => {
    const actor = requireWriter(request)
    const q = request.query
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const m = q.municipality ? municipalities.get(q.municipality) : undefined
    const all = subscriptions.list({ channel: q.channel, active: q.active })
      .filter(s => visibleTo(app, actor, s) && (!m || subscriptionScope(app, s).includes(m.id)))
    return listReply({ items: all.slice(offset, offset + limit).map(s => present(s)), total: all.length }, { baseUrl, path: '/api/v1/subscriptions', query: q, limit, offset })
  })

  app.get('/:id', {
    schema: { tags, summary: 'Hent et abonnement', security: [{ bearer: [] }], params: SubscriptionIdParams, response: { 200: Subscription, ...errorReplies(400, 401, 403, 404) } },
  }, async request => {
    const actor = requireWriter(request)
    const s = subscriptions.get(request.params.id)
    if (!visibleTo(app, actor, s)) throw forbidden('Abonnementet gjelder en annen kommune')
    return present(s)
  })

  app.post('/', {
    schema: { tags, summary: 'Opprett abonnement: e-post eller webhook, for et organ, en kommune, et samarbeid og/eller hendelsestyper', security: [{ bearer: [] }], body: SubscriptionCreate, response: { 201: Subscription, ...errorReplies(400, 401, 403, 409, 413, 415) } },
  }, async (request, reply) => {
    const writer = requireWriter(request)
    const input = request.body
    if ((input.email === undefined) === (input.webhookUrl === undefined)) throw badRequest('subscriptions.channel', 'body/email', 'give either email or webhookUrl')
    if (input.webhookSecret !== undefined && input.webhookUrl === undefined) throw badRequest('subscriptions.webhook_secret', 'body/webhookSecret', 'only a webhook has a secret')
    checkWebhookUrl(input.webhookUrl)
    const scope = resolveScope(input)
    checkEventTypes(input.eventTypes)
    checkWhole({ ...scope, eventTypes: input.eventTypes ?? null, digest: input.digest ?? false })
    const actor = writer.role === 'admin' ? writer : requireScope(request, subscriptionScope(app, scope))
    const generated = input.webhookUrl !== undefined && input.webhookSecret === undefined ? newSecret('whsec') : undefined
    const row = subscriptions.create({
      name: input.name, channel: input.email !== undefined ? 'email' : 'webhook',
      email: input.email ?? null, webhookUrl: input.webhookUrl ?? null, webhookSecret: input.webhookSecret ?? generated ?? null,
      ...scope, eventTypes: input.eventTypes ?? null, digest: input.digest ?? false, active: input.active ?? true,
    }, auditActor(actor))
    return reply.code(201).send(present(row, generated) as never)
  })

  app.patch('/:id', {
    schema: { tags, summary: 'Endre abonnement (ny webhookSecret roterer nøkkelen)', security: [{ bearer: [] }], params: SubscriptionIdParams, body: SubscriptionUpdate, response: { 200: Subscription, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } },
  }, async request => {
    const writer = requireWriter(request)
    const current = subscriptions.get(request.params.id)
    if (!visibleTo(app, writer, current)) throw forbidden('Abonnementet gjelder en annen kommune')
    const input = request.body
    if (input.email !== undefined && current.channel !== 'email') throw badRequest('subscriptions.channel', 'body/email', 'a webhook subscription has no e-mail address; create a new subscription instead')
    if ((input.webhookUrl !== undefined || input.webhookSecret !== undefined) && current.channel !== 'webhook') {
      throw badRequest('subscriptions.channel', input.webhookUrl !== undefined ? 'body/webhookUrl' : 'body/webhookSecret', 'an e-mail subscription has no webhook; create a new subscription instead')
    }
    checkWebhookUrl(input.webhookUrl)
    const scopeTouched = input.municipality !== undefined || input.collaboration !== undefined || input.body !== undefined
    const scope = scopeTouched ? resolveScope(input) : { municipalityId: current.municipalityId, collaborationId: current.collaborationId, bodyId: current.bodyId }
    if (input.eventTypes !== undefined) checkEventTypes(input.eventTypes)
    const eventTypes = input.eventTypes !== undefined ? input.eventTypes : current.eventTypes
    checkWhole({ ...scope, eventTypes, digest: input.digest ?? current.digest })
    // An editor must be in scope before and after the change.
    const actor = writer.role === 'admin' ? writer : requireScope(request, subscriptionScope(app, scope))
    const patch: Partial<SubscriptionInsert> = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.webhookUrl !== undefined ? { webhookUrl: input.webhookUrl } : {}),
      ...(input.webhookSecret !== undefined ? { webhookSecret: input.webhookSecret } : {}),
      ...(scopeTouched ? scope : {}),
      ...(input.eventTypes !== undefined ? { eventTypes: input.eventTypes } : {}),
      ...(input.digest !== undefined ? { digest: input.digest } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
    }
    return present(subscriptions.update(current.id, patch, auditActor(actor))) as never
  })

  app.delete('/:id', {
    schema: { tags, summary: 'Slett abonnement (påminnelser som ikke er sendt, trekkes tilbake)', security: [{ bearer: [] }], params: SubscriptionIdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } },
  }, async (request, reply) => {
    const writer = requireWriter(request)
    const current = subscriptions.get(request.params.id)
    if (!visibleTo(app, writer, current)) throw forbidden('Abonnementet gjelder en annen kommune')
    subscriptions.remove(current.id, auditActor(writer))
    return reply.code(204).send(null)
  })
}
export default routes
export type SubscriptionCreateInput = Static<typeof SubscriptionCreate>

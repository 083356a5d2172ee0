import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Id, ListOf, Strict, errorReplies } from '../schemas/common.js'
import { Rule, RuleCreate, RuleQuery, RuleTombstone, RuleUpdate, presentRule } from '../schemas/governance.js'
import { listReply } from '../schemas/list.js'
import { viewerOf } from '../services/access.js'

const IdParams = Strict({ id: Id })
const RuleOrTombstone = Type.Union([Rule, RuleTombstone])
const sinceOf = (value: string | undefined) => value === undefined ? undefined : new Date(value).getTime()

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const rules = app.services.rules
  const tags = ['Regler']

  app.get('/', { schema: { tags, summary: 'List regler (en privat organs regler bare for dem som kan se organet)', querystring: RuleQuery, response: { 200: ListOf(RuleOrTombstone), ...errorReplies(400, 404) } } }, async request => {
    const q = request.query
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const page = await rules.list({
      municipality: q.municipality,
      collaboration: q.collaboration,
      body: q.body,
      eventTypes: q.eventType ? q.eventType.split(',').map(s => s.trim()) : undefined,
      includeDisabled: q.includeDisabled,
      modifiedSince: sinceOf(q.modified_since),
      limit,
      offset,
    }, viewerOf(request.actor))
    return listReply({ items: page.items.map(presentRule), total: page.total }, { baseUrl, path: '/api/v1/rules', query: q, limit, offset })
  })

  app.get('/:id', { schema: { tags, summary: 'Hent en regel', params: IdParams, response: { 200: Rule, ...errorReplies(400, 404) } } }, async request =>
    presentRule(await rules.get(request.params.id, viewerOf(request.actor))) as never)

  app.post('/', { schema: { tags, summary: 'Opprett regel (RRULE med DTSTART i Europe/Oslo, datoliste eller valgperiode-anker); tokenet må kunne endre både subjektet og organene regelen nevner', security: [{ bearer: [] }], body: RuleCreate, response: { 201: Rule, ...errorReplies(400, 401, 403, 409, 413, 415) } } }, async (request, reply) => {
    const created = await rules.create(request.body, request.actor)
    return reply.code(201).send(presentRule(created) as never)
  })

  app.patch('/:id', { schema: { tags, summary: 'Endre regel (for et pakke-regel: overstyring for denne kommunen/samarbeidet; enabled=false slår den av)', security: [{ bearer: [] }], params: IdParams, body: RuleUpdate, response: { 200: Rule, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async request =>
    presentRule(await rules.update(request.params.id, request.body, request.actor)) as never)

  app.delete('/:id', { schema: { tags, summary: 'Slett regel', security: [{ bearer: [] }], params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } } }, async (request, reply) => {
    await rules.remove(request.params.id, request.actor)
    return reply.code(204).send(null)
  })
}
export default routes

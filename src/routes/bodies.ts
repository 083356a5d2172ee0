import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { FeedLinks, ListOf, RefParams, Tombstone, errorReplies } from '../schemas/common.js'
import { Body, BodyCreate, BodyQuery, BodyUpdate } from '../schemas/register.js'
import { listReply } from '../schemas/list.js'
import { presentBody } from '../presenters/register.js'
import { feedLinks } from '../presenters/urls.js'

const BodyOrTombstone = Type.Union([Body, Tombstone])
const FeedSecret = Type.Object({ token: Type.String(), feed: FeedLinks })
const sinceOf = (value: string | undefined) => value === undefined ? undefined : new Date(value).getTime()

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const service = app.services.bodies
  const tags = ['Organer']

  // Private bodies are listed too (their existence is public), without a feed link: their items are what is hidden.
  app.get('/', { schema: { tags, summary: 'List organer', querystring: BodyQuery, response: { 200: ListOf(BodyOrTombstone), ...errorReplies(400) } } }, async request => {
    const q = request.query
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const page = await service.list({ ...q, limit, offset, modifiedSince: sinceOf(q.modified_since) })
    return listReply({ items: page.items.map(b => presentBody(b, baseUrl)), total: page.total }, { baseUrl, path: '/api/v1/bodies', query: q, limit, offset })
  })

  app.get('/:ref', { schema: { tags, summary: 'Hent et organ', params: RefParams, response: { 200: BodyOrTombstone, ...errorReplies(404) } } }, async request =>
    presentBody(await service.get(request.params.ref), baseUrl))

  app.post('/', { schema: { tags, summary: 'Opprett organ', security: [{ bearer: [] }], body: BodyCreate, response: { 201: Body, ...errorReplies(400, 401, 403, 409, 413, 415) } } }, async (request, reply) =>
    reply.code(201).send(presentBody(await service.create(request.actor, request.body), baseUrl) as never))

  app.patch('/:ref', { schema: { tags, summary: 'Endre organ', security: [{ bearer: [] }], params: RefParams, body: BodyUpdate, response: { 200: Body, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async request =>
    presentBody(await service.update(request.actor, request.params.ref, request.body), baseUrl) as never)

  app.post('/:ref/feed-secret', {
    schema: {
      tags,
      summary: 'Lag ny hemmelig feed-adresse for et organ (den gamle slutter å virke straks)',
      security: [{ bearer: [] }],
      params: RefParams,
      response: { 200: FeedSecret, ...errorReplies(401, 403, 404) },
    },
  }, async request => {
    const { body, secret } = await service.rotateFeedSecret(request.actor, request.params.ref)
    return { token: secret, feed: feedLinks(baseUrl, 'bodies', body.slug, secret) }
  })

  app.delete('/:ref', { schema: { tags, summary: 'Slett organ', security: [{ bearer: [] }], params: RefParams, response: { 204: Type.Null(), ...errorReplies(401, 403, 404, 409) } } }, async (request, reply) => {
    await service.remove(request.actor, request.params.ref)
    return reply.code(204).send(null)
  })
}
export default routes

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ListOf, RefParams, Tombstone, errorReplies } from '../schemas/common.js'
import { Body, BodyCreate, BodyQuery, BodyUpdate } from '../schemas/register.js'
import { listReply } from '../schemas/list.js'
import { auditActor, requireScope } from '../plugins/auth.js'
import { presentBody } from './present.js'
import { feedLinks } from '../presenters/urls.js'
import { notFound } from '../shared/errors.js'
import { parseModifiedSince } from '../repositories/shared.js'
import type { BodyRow } from '../repositories/bodies.js'

const BodyOrTombstone = Type.Union([Body, Tombstone])

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const { bodies, collaborations } = app.repos
  const tags = ['Organer']

  /** Editors may change the bodies of their municipality and of the collaborations it takes part in. */
  const scopeOf = (owner: { municipalityId: number | null; collaborationId: number | null }) =>
    owner.municipalityId !== null ? [owner.municipalityId] : collaborations.involvedMunicipalityIds(owner.collaborationId!)
  const scopeOfRow = (row: BodyRow) => scopeOf(row)

  app.get('/', { schema: { tags, summary: 'List organer', querystring: BodyQuery, response: { 200: ListOf(BodyOrTombstone), ...errorReplies(400) } } }, async request => {
    const q = request.query
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const page = bodies.list({ ...q, limit, offset, modifiedSince: parseModifiedSince(q.modified_since) })
    return listReply({ items: page.items.map(b => presentBody(b, baseUrl)), total: page.total }, { baseUrl, path: '/api/v1/bodies', query: q, limit, offset })
  })

  app.get('/:ref', { schema: { tags, summary: 'Hent et organ', params: RefParams, response: { 200: BodyOrTombstone, ...errorReplies(404) } } }, async request =>
    presentBody(bodies.get(request.params.ref), baseUrl))

  app.post('/', { schema: { tags, summary: 'Opprett organ', security: [{ bearer: [] }], body: BodyCreate, response: { 201: Body, ...errorReplies(400, 401, 403, 409, 413, 415) } } }, async (request, reply) => {
    const owner = bodies.ownerOf(request.body)
    const actor = requireScope(request, scopeOf(owner))
    return reply.code(201).send(presentBody(bodies.create(request.body, auditActor(actor)), baseUrl) as never)
  })

  app.patch('/:ref', { schema: { tags, summary: 'Endre organ', security: [{ bearer: [] }], params: RefParams, body: BodyUpdate, response: { 200: Body, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async request => {
    const current = bodies.get(request.params.ref)
    const actor = requireScope(request, scopeOfRow(current))
    return presentBody(bodies.update(current.id, request.body, auditActor(actor)), baseUrl) as never
  })

  app.post('/:ref/feed-secret', {
    schema: {
      tags, summary: 'Lag ny hemmelig feed-adresse for et organ (den gamle slutter å virke straks)', security: [{ bearer: [] }], params: RefParams,
      response: { 200: Type.Object({ token: Type.String(), feed: Type.Object({ https: Type.String(), webcal: Type.String() }) }), ...errorReplies(401, 403, 404) },
    },
  }, async request => {
    const current = bodies.get(request.params.ref)
    if (current.deleted) throw notFound('body', request.params.ref)
    const actor = requireScope(request, scopeOfRow(current))
    const token = bodies.rotateFeedSecret(current.id, auditActor(actor))
    return { token, feed: feedLinks(baseUrl, 'bodies', current.slug, token) }
  })

  app.delete('/:ref', { schema: { tags, summary: 'Slett organ', security: [{ bearer: [] }], params: RefParams, response: { 204: Type.Null(), ...errorReplies(401, 403, 404, 409) } } }, async (request, reply) => {
    const current = bodies.get(request.params.ref)
    const actor = requireScope(request, scopeOfRow(current))
    bodies.remove(current.id, auditActor(actor))
    return reply.code(204).send(null)
  })
}
export default routes

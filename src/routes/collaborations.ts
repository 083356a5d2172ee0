import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ListOf, RefParams, Strict, Tombstone, errorReplies } from '../schemas/common.js'
import { Collaboration, CollaborationCreate, CollaborationQuery, CollaborationUpdate } from '../schemas/register.js'
import { listReply } from '../schemas/list.js'
import { presentCollaboration } from '../presenters/register.js'

const CollaborationOrTombstone = Type.Union([Collaboration, Tombstone])
const sinceOf = (value: string | undefined) => value === undefined ? undefined : new Date(value).getTime()

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const service = app.services.collaborations
  const tags = ['Samarbeid']

  app.get('/', { schema: { tags, summary: 'List samarbeid', querystring: CollaborationQuery, response: { 200: ListOf(CollaborationOrTombstone), ...errorReplies(400) } } }, async request => {
    const q = request.query
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const page = await service.list({ ...q, limit, offset, modifiedSince: sinceOf(q.modified_since) })
    return listReply({ items: page.items.map(c => presentCollaboration(c, baseUrl)), total: page.total }, { baseUrl, path: '/api/v1/collaborations', query: q, limit, offset })
  })

  // Registered before '/:ref' so that "export" is never read as a slug.
  app.get('/export', {
    schema: {
      tags,
      summary: 'Eksporter registeret i kommunenes tabulatorseparerte format',
      querystring: Strict({ format: Type.Optional(Type.Enum(['tsv'])) }),
      response: {
        200: { description: 'Registeret som tabulatorseparert tekst (UTF-8)', content: { 'text/tab-separated-values': { schema: Type.String() } } },
        ...errorReplies(400),
      },
    },
  }, async (_request, reply) => {
    reply.type('text/tab-separated-values; charset=utf-8').header('Content-Disposition', 'attachment; filename="samarbeid.tsv"')
    return app.services.register.export()
  })

  app.get('/:ref', { schema: { tags, summary: 'Hent et samarbeid', params: RefParams, response: { 200: CollaborationOrTombstone, ...errorReplies(404) } } }, async request =>
    presentCollaboration(await service.get(request.params.ref), baseUrl))

  app.post('/', { schema: { tags, summary: 'Opprett samarbeid (IKS får representantskap og styre, AS generalforsamling og styre)', security: [{ bearer: [] }], body: CollaborationCreate, response: { 201: Collaboration, ...errorReplies(400, 401, 403, 409, 413, 415) } } }, async (request, reply) =>
    reply.code(201).send(presentCollaboration(await service.create(request.actor, request.body), baseUrl) as never))

  app.patch('/:ref', { schema: { tags, summary: 'Endre samarbeid', security: [{ bearer: [] }], params: RefParams, body: CollaborationUpdate, response: { 200: Collaboration, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async request =>
    presentCollaboration((await service.update(request.actor, request.params.ref, request.body)).view, baseUrl) as never)

  app.delete('/:ref', { schema: { tags, summary: 'Slett samarbeid', security: [{ bearer: [] }], params: RefParams, response: { 204: Type.Null(), ...errorReplies(401, 403, 404, 409) } } }, async (request, reply) => {
    await service.remove(request.actor, request.params.ref)
    return reply.code(204).send(null)
  })
}
export default routes

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ListOf, RefParams, Strict, Tombstone, errorReplies } from '../schemas/common.js'
import { Collaboration, CollaborationCreate, CollaborationQuery, CollaborationUpdate } from '../schemas/register.js'
import { listReply } from '../schemas/list.js'
import { auditActor, requireScope } from '../plugins/auth.js'
import { presentCollaboration } from './present.js'
import { parseModifiedSince } from '../repositories/shared.js'
import { exportRegister } from '../register/register-service.js'

const CollaborationOrTombstone = Type.Union([Collaboration, Tombstone])

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const { collaborations } = app.repos
  const tags = ['Samarbeid']

  app.get('/', { schema: { tags, summary: 'List samarbeid', querystring: CollaborationQuery, response: { 200: ListOf(CollaborationOrTombstone), ...errorReplies(400) } } }, async request => {
    const q = request.query
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const page = collaborations.list({ ...q, limit, offset, modifiedSince: parseModifiedSince(q.modified_since) })
    return listReply({ items: page.items.map(c => presentCollaboration(c, baseUrl)), total: page.total }, { baseUrl, path: '/api/v1/collaborations', query: q, limit, offset })
  })

  // Registered before '/:ref' so that "export" is never read as a slug.
  app.get('/export', {
    schema: {
      tags, summary: 'Eksporter registeret i kommunenes tabulatorseparerte format',
      querystring: Strict({ format: Type.Optional(Type.Enum(['tsv'])) }),
      response: { 200: Type.String({ contentMediaType: 'text/tab-separated-values' }), ...errorReplies(400) },
    },
  }, async (_request, reply) => {
    reply.type('text/tab-separated-values; charset=utf-8').header('Content-Disposition', 'attachment; filename="samarbeid.tsv"')
    return exportRegister(app.repos)
  })

  app.get('/:ref', { schema: { tags, summary: 'Hent et samarbeid', params: RefParams, response: { 200: CollaborationOrTombstone, ...errorReplies(404) } } }, async request =>
    presentCollaboration(collaborations.get(request.params.ref), baseUrl))

  app.post('/', { schema: { tags, summary: 'Opprett samarbeid (IKS får representantskap og styre, AS generalforsamling og styre)', security: [{ bearer: [] }], body: CollaborationCreate, response: { 201: Collaboration, ...errorReplies(400, 401, 403, 409, 413, 415) } } }, async (request, reply) => {
    const actor = requireScope(request, collaborations.resolveMunicipalityIds(request.body))
    return reply.code(201).send(presentCollaboration(collaborations.create(request.body, auditActor(actor)), baseUrl) as never)
  })

  app.patch('/:ref', { schema: { tags, summary: 'Endre samarbeid', security: [{ bearer: [] }], params: RefParams, body: CollaborationUpdate, response: { 200: Collaboration, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async request => {
    const current = collaborations.get(request.params.ref)
    // An editor must be involved both before and after the change (no giving a collaboration away).
    const before = collaborations.involvedMunicipalityIds(current.id)
    const actor = requireScope(request, before)
    if (request.body.participants !== undefined || request.body.hostMunicipality !== undefined) {
      requireScope(request, collaborations.resolveMunicipalityIds({
        participants: request.body.participants ?? current.participants.map(p => ({ municipality: p.slug, role: p.role })),
        hostMunicipality: request.body.hostMunicipality === undefined ? current.host?.slug ?? null : request.body.hostMunicipality,
      }))
    }
    return presentCollaboration(collaborations.update(current.id, request.body, auditActor(actor)).view, baseUrl) as never
  })

  app.delete('/:ref', { schema: { tags, summary: 'Slett samarbeid', security: [{ bearer: [] }], params: RefParams, response: { 204: Type.Null(), ...errorReplies(401, 403, 404, 409) } } }, async (request, reply) => {
    const current = collaborations.get(request.params.ref)
    const actor = requireScope(request, collaborations.involvedMunicipalityIds(current.id))
    collaborations.remove(current.id, auditActor(actor))
    return reply.code(204).send(null)
  })
}
export default routes

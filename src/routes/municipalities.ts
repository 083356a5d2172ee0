import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ListOf, RefParams, Tombstone, errorReplies } from '../schemas/common.js'
import { Municipality, MunicipalityCreate, MunicipalityQuery, MunicipalityUpdate } from '../schemas/register.js'
import { listReply } from '../schemas/list.js'
import { auditActor, requireAdmin, requireScope } from '../plugins/auth.js'
import { presentMunicipality } from './present.js'
import { parseModifiedSince } from '../repositories/shared.js'
import { badRequest } from '../shared/errors.js'
import { isValidOrganisasjonsnummer } from '../domain/organisasjonsnummer.js'

const MunicipalityOrTombstone = Type.Union([Municipality, Tombstone])

function checkOrgnr (value: string | null | undefined) {
  if (value != null && !isValidOrganisasjonsnummer(value)) {
    throw badRequest('municipality.invalid_organisasjonsnummer', 'body/organisasjonsnummer', 'not a valid organisasjonsnummer (mod-11 check digit fails)')
  }
}

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const repo = app.repos.municipalities
  const tags = ['Kommuner']

  app.get('/', { schema: { tags, summary: 'List kommuner', querystring: MunicipalityQuery, response: { 200: ListOf(MunicipalityOrTombstone), ...errorReplies(400) } } }, async request => {
    const q = request.query
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const page = repo.list({ ...q, limit, offset, modifiedSince: parseModifiedSince(q.modified_since) })
    return listReply({ items: page.items.map(m => presentMunicipality(m, baseUrl)), total: page.total }, { baseUrl, path: '/api/v1/municipalities', query: q, limit, offset })
  })

  app.get('/:ref', { schema: { tags, summary: 'Hent en kommune (id eller slug)', params: RefParams, response: { 200: MunicipalityOrTombstone, ...errorReplies(404) } } }, async request =>
    presentMunicipality(repo.get(request.params.ref), baseUrl))

  app.post('/', { schema: { tags, summary: 'Opprett kommune med lovpålagte organer', security: [{ bearer: [] }], body: MunicipalityCreate, response: { 201: Municipality, ...errorReplies(400, 401, 403, 409, 413, 415) } } }, async (request, reply) => {
    const actor = requireAdmin(request)
    checkOrgnr(request.body.organisasjonsnummer)
    const row = repo.create(request.body, auditActor(actor))
    return reply.code(201).send(presentMunicipality(row, baseUrl) as never)
  })

  app.patch('/:ref', { schema: { tags, summary: 'Endre kommune', security: [{ bearer: [] }], params: RefParams, body: MunicipalityUpdate, response: { 200: Municipality, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async request => {
    const current = repo.get(request.params.ref)
    const actor = requireScope(request, [current.id])
    checkOrgnr(request.body.organisasjonsnummer)
    return presentMunicipality(repo.update(current.id, request.body, auditActor(actor)), baseUrl) as never
  })

  app.delete('/:ref', { schema: { tags, summary: 'Slett kommune (beholdes som tombstone)', security: [{ bearer: [] }], params: RefParams, response: { 204: Type.Null(), ...errorReplies(401, 403, 404, 409) } } }, async (request, reply) => {
    const actor = requireAdmin(request)
    const current = repo.get(request.params.ref)
    repo.remove(current.id, auditActor(actor))
    return reply.code(204).send(null)
  })
}
export default routes

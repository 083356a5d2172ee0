import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ListOf, RefParams, Tombstone, errorReplies } from '../schemas/common.js'
import { Municipality, MunicipalityCreate, MunicipalityOnboard, MunicipalityQuery, MunicipalityUpdate, OnboardingReport } from '../schemas/register.js'
import { listReply } from '../schemas/list.js'
import { presentMunicipality } from '../presenters/register.js'

const MunicipalityOrTombstone = Type.Union([Municipality, Tombstone])
const sinceOf = (value: string | undefined) => value === undefined ? undefined : new Date(value).getTime()

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const service = app.services.municipalities
  const tags = ['Kommuner']

  app.get('/', { schema: { tags, summary: 'List kommuner', querystring: MunicipalityQuery, response: { 200: ListOf(MunicipalityOrTombstone), ...errorReplies(400) } } }, async request => {
    const q = request.query
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const page = await service.list({ ...q, limit, offset, modifiedSince: sinceOf(q.modified_since) })
    return listReply({ items: page.items.map(m => presentMunicipality(m, baseUrl)), total: page.total }, { baseUrl, path: '/api/v1/municipalities', query: q, limit, offset })
  })

  app.get('/:ref', { schema: { tags, summary: 'Hent en kommune (id eller slug)', params: RefParams, response: { 200: MunicipalityOrTombstone, ...errorReplies(404) } } }, async request =>
    presentMunicipality(await service.get(request.params.ref), baseUrl))

  app.post('/', { schema: { tags, summary: 'Opprett kommune med lovpålagte organer (admin)', security: [{ bearer: [] }], body: MunicipalityCreate, response: { 201: Municipality, ...errorReplies(400, 401, 403, 409, 413, 415) } } }, async (request, reply) => {
    const row = await service.create(request.actor, request.body)
    return reply.code(201).send(presentMunicipality(row, baseUrl) as never)
  })

  app.post('/onboard', {
    schema: {
      tags,
      summary: 'Ta inn kommuner fra SSBs liste i regionen, med organer, pakker og standard møteplan (admin)',
      description: 'Etter kommunenummer eller navn (`municipalities`), et fylke (`county`: kommunene og fylkeskommunen) eller hele listen (`all`). ' +
        'Sporingsstart (`trackingFrom`, standard: i dag) settes der den mangler. `dryRun` viser hva som ville skjedd uten å lagre.',
      security: [{ bearer: [] }],
      body: MunicipalityOnboard,
      response: { 200: OnboardingReport, ...errorReplies(400, 401, 403, 413, 415) },
    },
    // Admins only, checked before the body is validated: an editor learns nothing about the input's shape.
    onRequest: async request => { app.services.access.requireAdmin(request.actor) },
  }, async request => {
    const { dryRun, ...input } = request.body
    return app.services.onboarding.onboard(request.actor, input, { dryRun })
  })

  app.patch('/:ref', { schema: { tags, summary: 'Endre kommune', security: [{ bearer: [] }], params: RefParams, body: MunicipalityUpdate, response: { 200: Municipality, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async request =>
    presentMunicipality(await service.update(request.actor, request.params.ref, request.body), baseUrl) as never)

  app.delete('/:ref', { schema: { tags, summary: 'Slett kommune (beholdes som tombstone; admin)', security: [{ bearer: [] }], params: RefParams, response: { 204: Type.Null(), ...errorReplies(401, 403, 404, 409) } } }, async (request, reply) => {
    await service.remove(request.actor, request.params.ref)
    return reply.code(204).send(null)
  })
}
export default routes

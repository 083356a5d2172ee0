import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Pagination, Links, errorReplies } from '../schemas/common.js'
import { OCCURRENCES_PAGE_DEFAULT, OccurrenceIdParams, OccurrencePatch, OccurrenceQuery } from '../schemas/governance.js'
import { Occurrence, OccurrenceTombstone, presentOccurrence, presentOccurrenceTombstone } from '../schemas/occurrence.js'
import { listReply } from '../schemas/list.js'
import { viewerOf } from '../services/access.js'
import type { StatusFilter } from '../services/occurrences.js'

const OccurrenceList = Type.Object({
  data: Type.Array(Type.Union([Occurrence, OccurrenceTombstone])),
  pagination: Pagination,
  links: Links,
  total: Type.Integer({ description: 'Antall forekomster i hele vinduet (som pagination.totalElements)' }),
  asOf: Type.String({ description: 'Dagen forsinkelse er regnet fra' }),
})
const split = (value: string | undefined) => value?.split(',').map(s => s.trim())

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const occurrences = app.services.occurrences
  const tags = ['Forekomster']

  app.get('/', { schema: { tags, summary: 'Forekomster i et vindu (maks 10 år), sortert på dato; sider med limit/offset', querystring: OccurrenceQuery, response: { 200: OccurrenceList, ...errorReplies(400, 404) } } }, async (request, reply) => {
    const q = request.query
    const limit = q.limit ?? OCCURRENCES_PAGE_DEFAULT
    const offset = q.offset ?? 0
    const page = await occurrences.page({
      from: q.from,
      to: q.to,
      asOf: q.asOf,
      municipality: q.municipality,
      body: q.body,
      collaboration: q.collaboration,
      eventTypes: split(q.eventType),
      statuses: split(q.status) as StatusFilter[] | undefined,
      limit,
      offset,
      modifiedSince: q.modified_since === undefined ? undefined : new Date(q.modified_since).getTime(),
    }, viewerOf(request.actor))
    const items = page.items.map(o => 'kind' in o ? presentOccurrence(o, baseUrl) : presentOccurrenceTombstone(o))
    const body = { ...listReply({ items, total: page.total }, { baseUrl, path: '/api/v1/occurrences', query: q, limit, offset }), total: page.total, asOf: page.asOf }
    // Up to 5,000 items: the presenters give exactly the schema's fields, so JSON.stringify is the
    // serialiser (the schema's union of item and tombstone makes the schema-driven one test every item).
    return reply.serializer(JSON.stringify).send(body)
  })

  app.get('/:id', { schema: { tags, summary: 'Én forekomst (id = regel-id + opprinnelig dato)', params: OccurrenceIdParams, response: { 200: Occurrence, ...errorReplies(400, 404) } } }, async request =>
    presentOccurrence(await occurrences.get(request.params.id, viewerOf(request.actor)), baseUrl))

  app.patch('/:id', { schema: { tags, summary: 'Endre status, saksreferanse, notat, flytt eller avlys én forekomst', security: [{ bearer: [] }], params: OccurrenceIdParams, body: OccurrencePatch, response: { 200: Occurrence, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async request =>
    presentOccurrence(await occurrences.change(request.params.id, request.body, request.actor), baseUrl))
}
export default routes

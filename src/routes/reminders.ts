import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorReplies } from '../schemas/common.js'
import { listReply } from '../schemas/list.js'
import { DeliveryList, DeliveryQuery } from '../schemas/reminders.js'

/** The delivery log: what was sent (or is waiting, or failed) to whom. */
const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  app.get('/', {
    schema: {
      tags: ['Påminnelser'],
      summary: 'Leveranselogg: påminnelser sendt, ventende og feilet (admin: alle; redaktør: egen kommunes)',
      security: [{ bearer: [] }],
      querystring: DeliveryQuery,
      response: { 200: DeliveryList, ...errorReplies(400, 401, 403, 404) },
    },
  }, async request => {
    const q = request.query
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const page = await app.services.reminders.deliveries(request.actor, {
      status: q.status,
      occurrence: q.occurrence,
      channel: q.channel,
      municipality: q.municipality,
      modifiedSince: q.modified_since === undefined ? undefined : Date.parse(q.modified_since),
      limit,
      offset,
    })
    return listReply(page, { baseUrl, path: '/api/v1/reminders', query: q, limit, offset })
  })
}
export default routes

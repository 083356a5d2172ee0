import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import { errorReplies } from '../schemas/common.js'
import { listReply } from '../schemas/list.js'
import { Subscription, SubscriptionCreate, SubscriptionIdParams, SubscriptionList, SubscriptionQuery, SubscriptionUpdate } from '../schemas/reminders.js'

const since = (v: string | undefined) => v === undefined ? undefined : Date.parse(v)

/** Subscriptions to reminders: validate, call the subscriptions service, present. */
const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const { subscriptions } = app.services
  const tags = ['Påminnelser']

  app.get('/', {
    schema: {
      tags,
      summary: 'List abonnementer (admin: alle; redaktør: de den kan endre). Med modified_since også slettede (deleted: true)',
      security: [{ bearer: [] }],
      querystring: SubscriptionQuery,
      response: { 200: SubscriptionList, ...errorReplies(400, 401, 404) },
    },
  }, async request => {
    const q = request.query
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const page = await subscriptions.list(request.actor, { municipality: q.municipality, channel: q.channel, active: q.active, modifiedSince: since(q.modified_since), limit, offset })
    return listReply(page, { baseUrl, path: '/api/v1/subscriptions', query: q, limit, offset })
  })

  app.get('/:id', {
    schema: { tags, summary: 'Hent et abonnement', security: [{ bearer: [] }], params: SubscriptionIdParams, response: { 200: Subscription, ...errorReplies(400, 401, 403, 404) } },
  }, async request => subscriptions.get(request.actor, request.params.id))

  app.post('/', {
    schema: { tags, summary: 'Opprett abonnement: e-post eller webhook, for et organ, en kommune, et samarbeid og/eller hendelsestyper', security: [{ bearer: [] }], body: SubscriptionCreate, response: { 201: Subscription, ...errorReplies(400, 401, 403, 409, 413, 415) } },
  }, async (request, reply) => reply.code(201).send(await subscriptions.create(request.actor, request.body)))

  app.patch('/:id', {
    schema: { tags, summary: 'Endre abonnement (ny webhookSecret roterer nøkkelen)', security: [{ bearer: [] }], params: SubscriptionIdParams, body: SubscriptionUpdate, response: { 200: Subscription, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } },
  }, async request => subscriptions.update(request.actor, request.params.id, request.body))

  app.delete('/:id', {
    schema: { tags, summary: 'Slett abonnement (påminnelser som ikke er sendt, trekkes tilbake)', security: [{ bearer: [] }], params: SubscriptionIdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } },
  }, async (request, reply) => {
    await subscriptions.remove(request.actor, request.params.id)
    return reply.code(204).send(null)
  })
}
export default routes
export type SubscriptionCreateInput = Static<typeof SubscriptionCreate>

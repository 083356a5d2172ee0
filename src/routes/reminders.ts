import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ListOf, errorReplies } from '../schemas/common.js'
import { listReply } from '../schemas/list.js'
import { Delivery, DeliveryQuery } from '../schemas/reminders.js'
import { requireWriter } from '../plugins/auth.js'
import { forbidden } from '../shared/errors.js'
import { iso } from '../repositories/shared.js'
import type { OutboxRow } from '../repositories/outbox.js'

/** The delivery log: what was sent (or is waiting, or failed) to whom. */
const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const { outbox, municipalities } = app.repos
  const slugs = new Map<number, string>()
  const slugOf = (id: number | null) => {
    if (id === null) return null
    if (!slugs.has(id)) slugs.set(id, municipalities.find(id)?.slug ?? String(id))
    return slugs.get(id)!
  }
  const present = (r: OutboxRow) => ({
    id: r.id, kind: r.kind, occurrenceId: r.occurrenceId, reminderKey: r.reminderKey, recipient: r.recipient, channel: r.channel,
    subscriptionId: r.subscriptionId, municipality: slugOf(r.municipalityId), sendOn: r.sendOn, dueDate: r.dueDate, status: r.status,
    attempts: r.attempts, nextAttemptAt: r.status === 'pending' ? iso(r.nextAttemptAt) : null,
    lastAttemptAt: r.lastAttemptAt === null ? null : iso(r.lastAttemptAt), sentAt: r.sentAt === null ? null : iso(r.sentAt),
    lastError: r.lastError, lastResponse: r.lastResponse, messageId: r.messageId, created: iso(r.created),
  })

  app.get('/', {
    schema: {
      tags: ['Påminnelser'], summary: 'Leveranselogg: påminnelser sendt, ventende og feilet (admin: alle; redaktør: egen kommunes)', security: [{ bearer: [] }],
      querystring: DeliveryQuery, response: { 200: ListOf(Delivery), ...errorReplies(400, 401, 403, 404) },
    },
  }, async request => {
    const actor = requireWriter(request)
    const q = request.query
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const m = q.municipality ? municipalities.get(q.municipality) : undefined
    let municipalityIds = m ? [m.id] : undefined
    if (actor.role !== 'admin') {
      if (m && !actor.municipalityIds.includes(m.id)) throw forbidden('Tokenet gjelder en annen kommune')
      municipalityIds = m ? [m.id] : [...actor.municipalityIds]
    }
    const page = outbox.list({ status: q.status, occurrenceId: q.occurrence, channel: q.channel, municipalityIds, limit, offset })
    return listReply({ items: page.items.map(present), total: page.total }, { baseUrl, path: '/api/v1/reminders', query: q, limit, offset })
  })
}
export default routes

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorReplies } from '../schemas/common.js'
import { OccurrenceIdParams, OccurrencePatch, OccurrenceQuery } from '../schemas/governance.js'
import { auditActor, requireScope } from '../plugins/auth.js'
import { badRequest, notFound } from '../shared/errors.js'
import { addDays, addYears, compareDates } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import { parseOccurrenceId, validMoveTarget, expandRule } from '../domain/occurrences.js'
import { OCCURRENCE_STATUSES } from '../domain/vocabulary.js'
import type { OccurrenceQuery as Query } from '../repositories/occurrences.js'
import { ruleScope } from './rules.js'

const ZONE = 'Europe/Oslo'
const STATUS_FILTERS = [...OCCURRENCE_STATUSES, 'overdue'] as const

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const { occurrences, rules, municipalities, bodies, collaborations } = app.repos
  const tags = ['Forekomster']
  const today = () => localDateOf(app.clock.now(), ZONE)

  const present = (o: ReturnType<typeof occurrences.query>[number]) => ({
    ...o, start: o.start ? new Date(o.start.getTime()).toISOString() : null, end: o.end ? new Date(o.end.getTime()).toISOString() : null,
    modified: new Date(o.modified).toISOString(), url: `${baseUrl}/api/v1/occurrences/${o.id}`,
  })

  app.get('/', { schema: { tags, summary: 'Forekomster i et vindu (maks 10 år), sortert på dato', querystring: OccurrenceQuery, response: { ...errorReplies(400, 404) } } }, async request => {
    const q = request.query
    if (compareDates(q.from, q.to) > 0) throw badRequest('occurrences.window', 'querystring/to', 'must be on or after from')
    if (compareDates(q.to, addDays(addYears(q.from, 10), -1)) > 0) throw badRequest('occurrences.window_too_large', 'querystring/to', 'the window may span at most 10 years')
    const statuses = q.status?.split(',').map(s => s.trim())
    const bad = statuses?.find(s => !(STATUS_FILTERS as readonly string[]).includes(s))
    if (bad) throw badRequest('occurrences.status', 'querystring/status', `unknown status "${bad}"; use ${STATUS_FILTERS.join(', ')}`)
    const eventTypes = q.eventType?.split(',').map(s => s.trim())
    const unknownType = eventTypes?.find(t => !app.catalogue.eventTypes.has(t))
    if (unknownType) throw badRequest('occurrences.event_type', 'querystring/eventType', `unknown event type "${unknownType}"`)
    const query: Query = {
      from: q.from, to: q.to, asOf: q.asOf ?? today(), eventTypes, statuses: statuses as Query['statuses'],
      municipality: q.municipality ? municipalities.get(q.municipality).id : undefined,
      body: q.body ? bodies.get(q.body).id : undefined,
      collaboration: q.collaboration ? collaborations.get(q.collaboration).id : undefined,
    }
    const data = occurrences.query(query).map(present)
    return { data, total: data.length, asOf: query.asOf }
  })

  function findOne (id: string) {
    const ref = parseOccurrenceId(id)
    const rule = ref && rules.find(ref.ruleId)
    if (!ref || !rule || rule.deleted) throw notFound('occurrence', id)
    // The id must name a real occurrence of the rule, not any date.
    const date = ref.originalKey.slice(0, 10)
    if (!expandRule({ ...rule, anchor: rule.anchor as never }, { from: date, to: date }).some(o => o.key === ref.originalKey)) throw notFound('occurrence', id)
    return { ref, rule }
  }

  function view (ruleId: number, id: string, subject: { municipalityId: number | null; collaborationId: number | null }) {
    const state = occurrences.getState(ruleId, parseOccurrenceId(id)!.originalKey)
    const date = (state?.movedTo ?? parseOccurrenceId(id)!.originalKey).slice(0, 10)
    const found = occurrences.query({
      from: date, to: date, asOf: today(),
      ...(subject.municipalityId !== null ? { municipality: subject.municipalityId } : { collaboration: subject.collaborationId! }),
    }).find(o => o.id === id)
    if (!found) throw notFound('occurrence', id)
    return present(found)
  }

  app.get('/:id', { schema: { tags, summary: 'Én forekomst (id = regel-id + opprinnelig dato)', params: OccurrenceIdParams, response: { ...errorReplies(400, 404) } } }, async request => {
    const { ref, rule } = findOne(request.params.id)
    return view(ref.ruleId, request.params.id, rule)
  })

  app.patch('/:id', { schema: { tags, summary: 'Endre status, saksreferanse, notat, flytt eller avlys én forekomst', security: [{ bearer: [] }], params: OccurrenceIdParams, body: OccurrencePatch, response: { ...errorReplies(400, 401, 403, 404, 413, 415) } } }, async request => {
    const { ref, rule } = findOne(request.params.id)
    const actor = requireScope(request, ruleScope(app, rule))
    const patch = { ...request.body }
    if (patch.movedTo != null) {
      const problem = validMoveTarget(rule.allDay, ref.originalKey, patch.movedTo)
      if (problem) throw badRequest('occurrences.invalid_move', 'body/movedTo', problem)
    }
    if (patch.status === 'delivered' && patch.deliveredOn === undefined) patch.deliveredOn = today()
    if (patch.status === 'approved' && patch.approvedOn === undefined) patch.approvedOn = today()
    if (patch.deliveredOn && compareDates(patch.deliveredOn, addDays(today(), 1)) > 0) throw badRequest('occurrences.future_delivery', 'body/deliveredOn', 'cannot be in the future')
    if (patch.approvedOn && compareDates(patch.approvedOn, addDays(today(), 1)) > 0) throw badRequest('occurrences.future_approval', 'body/approvedOn', 'cannot be in the future')
    occurrences.patch(ref.ruleId, ref.originalKey, patch, auditActor(actor))
    return view(ref.ruleId, request.params.id, rule)
  })
}
export default routes

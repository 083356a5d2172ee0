import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import { Strict, errorReplies } from '../schemas/common.js'
import { Rule, RuleCreate, RuleQuery, RuleUpdate } from '../schemas/governance.js'
import { auditActor, requireScope } from '../plugins/auth.js'
import { badRequest } from '../shared/errors.js'
import { iso } from '../repositories/shared.js'
import { validateRecurrence } from '../domain/recurrence.js'
import type { RuleInsert, RuleRow } from '../repositories/rules.js'
import type { App } from '../app.js'

const IdParams = Strict({ id: Type.Integer({ minimum: 1 }) })

export function presentRule (app: Pick<App, 'repos'>, r: RuleRow) {
  const { municipalities, collaborations, bodies } = app.repos
  const subject = r.municipalityId !== null ? municipalities.get(r.municipalityId) : collaborations.get(r.collaborationId!)
  const slugOf = (id: number | null) => (id === null ? null : bodies.find(id)?.slug ?? null)
  return {
    id: r.id, eventType: r.eventType, title: r.title,
    subject: { type: r.municipalityId !== null ? 'municipality' : 'collaboration', slug: subject.slug, name: subject.name },
    responsibleBody: slugOf(r.responsibleBodyId), treatedByBody: slugOf(r.treatedByBodyId),
    scheduleType: r.scheduleType, allDay: r.allDay, dtstart: r.dtstart, rrule: r.rrule, rdates: r.rdates, exdates: r.exdates,
    anchor: r.anchor, timeZone: r.timeZone, durationMinutes: r.durationMinutes, reminderOffsetsDays: r.reminderOffsetsDays,
    origin: r.origin, packageKey: r.packageKey, overridden: r.overridden, enabled: r.enabled, note: r.note,
    created: iso(r.created), modified: iso(r.modified), deleted: r.deleted,
  }
}

/** The municipalities whose editors may change a rule of this subject. */
export function ruleScope (app: Pick<App, 'repos'>, r: { municipalityId: number | null; collaborationId: number | null }): number[] {
  return r.municipalityId !== null ? [r.municipalityId] : app.repos.collaborations.involvedMunicipalityIds(r.collaborationId!)
}

const routes: FastifyPluginAsyncTypebox = async app => {
  const { rules, municipalities, collaborations, bodies } = app.repos
  const tags = ['Regler']

  function bodyId (slug: string | null | undefined, path: string): number | null | undefined {
    if (slug === undefined || slug === null) return slug
    const b = bodies.find(slug)
    if (!b || b.deleted) throw badRequest('rules.unknown_body', path, `unknown body "${slug}"`)
    return b.id
  }

  /** Checks the schedule as a whole: a valgperiode anchor, or a DTSTART with optional RRULE/RDATE/EXDATE. */
  function schedule (input: Partial<Static<typeof RuleCreate>>, current?: RuleRow): Partial<RuleInsert> {
    const touched = ['dtstart', 'rrule', 'rdates', 'exdates', 'anchor'].some(k => k in input)
    if (current && !touched) return {}
    if (input.anchor !== undefined) {
      if (input.dtstart !== undefined || input.rrule != null) throw badRequest('rules.schedule', 'body/anchor', 'give either anchor (valgperiode) or dtstart/rrule, not both')
      return { scheduleType: 'valgperiode', anchor: input.anchor, dtstart: null, rrule: null, rdates: [], exdates: [], allDay: true }
    }
    const dtstart = input.dtstart ?? (current?.scheduleType === 'valgperiode' ? undefined : current?.dtstart ?? undefined)
    if (!dtstart) throw badRequest('rules.schedule', 'body/dtstart', 'is required (or give a valgperiode anchor)')
    const parsed = validateRecurrence({
      dtstart,
      rrule: input.rrule === undefined ? current?.rrule ?? null : input.rrule,
      rdates: input.rdates ?? current?.rdates ?? [],
      exdates: input.exdates ?? current?.exdates ?? [],
    })
    return {
      scheduleType: parsed.rrule ? 'rrule' : 'dates', anchor: null, dtstart, rrule: parsed.rrule?.text ?? null,
      rdates: [...parsed.rdates], exdates: [...parsed.exdates], allDay: parsed.dtstart.allDay,
      ...(parsed.dtstart.allDay ? {} : { timeZone: parsed.dtstart.timeZone }),
    }
  }

  app.get('/', { schema: { tags, summary: 'List regler', querystring: RuleQuery, response: { 200: Type.Object({ data: Type.Array(Rule) }), ...errorReplies(400, 404) } } }, async request => {
    const q = request.query
    const m = q.municipality ? municipalities.get(q.municipality) : undefined
    const c = q.collaboration ? collaborations.get(q.collaboration) : undefined
    const b = q.body ? bodies.get(q.body) : undefined
    const list = rules.list({
      municipalityIds: m ? [m.id] : undefined, collaborationIds: c ? [c.id] : undefined, bodyId: b?.id,
      eventTypes: q.eventType ? q.eventType.split(',') : undefined, includeDisabled: q.includeDisabled,
    })
    return { data: list.map(r => presentRule(app, r)) }
  })

  app.get('/:id', { schema: { tags, summary: 'Hent en regel', params: IdParams, response: { 200: Rule, ...errorReplies(400, 404) } } }, async request =>
    presentRule(app, rules.get(request.params.id)))

  app.post('/', { schema: { tags, summary: 'Opprett regel (RRULE med DTSTART i Europe/Oslo, datoliste eller valgperiode-anker)', security: [{ bearer: [] }], body: RuleCreate, response: { 201: Rule, ...errorReplies(400, 401, 403, 409, 413, 415) } } }, async (request, reply) => {
    const input = request.body
    const type = app.catalogue.eventTypes.get(input.eventType)
    if (!type) throw badRequest('rules.unknown_event_type', 'body/eventType', `unknown event type "${input.eventType}"`)
    if ((input.municipality === undefined) === (input.collaboration === undefined)) {
      throw badRequest('rules.subject', 'body/municipality', 'a rule belongs to exactly one municipality or one collaboration: give one of municipality, collaboration')
    }
    const m = input.municipality ? municipalities.find(input.municipality) : undefined
    const c = input.collaboration ? collaborations.find(input.collaboration) : undefined
    if (input.municipality && (!m || m.deleted)) throw badRequest('rules.unknown_municipality', 'body/municipality', `unknown municipality "${input.municipality}"`)
    if (input.collaboration && (!c || c.deleted)) throw badRequest('rules.unknown_collaboration', 'body/collaboration', `unknown collaboration "${input.collaboration}"`)
    const subject = { municipalityId: m?.id ?? null, collaborationId: c?.id ?? null }
    const actor = requireScope(request, ruleScope(app, subject))
    const sched = schedule(input)
    const row = rules.create({
      eventType: type.key, ...subject, subjectKey: m ? `m:${m.id}` : `c:${c!.id}`,
      responsibleBodyId: bodyId(input.responsibleBody, 'body/responsibleBody') ?? null,
      treatedByBodyId: bodyId(input.treatedByBody, 'body/treatedByBody') ?? null,
      title: input.title ?? null, ...sched, scheduleType: sched.scheduleType!, allDay: sched.allDay!,
      durationMinutes: sched.allDay ? null : input.durationMinutes ?? (type.timing.allDay ? 120 : type.timing.durationMinutes),
      reminderOffsetsDays: input.reminderOffsetsDays ?? null, enabled: input.enabled ?? true, note: input.note ?? null,
      origin: 'manual',
    }, auditActor(actor))
    return reply.code(201).send(presentRule(app, row) as never)
  })

  app.patch('/:id', { schema: { tags, summary: 'Endre regel (for et pakke-regel: overstyring for denne kommunen/samarbeidet; enabled=false slår den av)', security: [{ bearer: [] }], params: IdParams, body: RuleUpdate, response: { 200: Rule, ...errorReplies(400, 401, 403, 404, 409, 413, 415) } } }, async request => {
    const current = rules.get(request.params.id)
    const actor = requireScope(request, ruleScope(app, current))
    const input = request.body
    const sched = schedule(input, current)
    const patch: Partial<RuleInsert> = {
      ...sched,
      ...(input.responsibleBody !== undefined ? { responsibleBodyId: bodyId(input.responsibleBody, 'body/responsibleBody') ?? null } : {}),
      ...(input.treatedByBody !== undefined ? { treatedByBodyId: bodyId(input.treatedByBody, 'body/treatedByBody') ?? null } : {}),
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.durationMinutes !== undefined ? { durationMinutes: input.durationMinutes } : {}),
      ...(input.reminderOffsetsDays !== undefined ? { reminderOffsetsDays: input.reminderOffsetsDays } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(input.note !== undefined ? { note: input.note } : {}),
    }
    return presentRule(app, rules.update(current.id, patch, auditActor(actor))) as never
  })

  app.delete('/:id', { schema: { tags, summary: 'Slett regel', security: [{ bearer: [] }], params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } } }, async (request, reply) => {
    const current = rules.get(request.params.id)
    const actor = requireScope(request, ruleScope(app, current))
    rules.remove(current.id, auditActor(actor))
    return reply.code(204).send(null)
  })
}
export default routes

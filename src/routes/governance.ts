import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { DateString, RefParams, Slug, Strict, errorReplies } from '../schemas/common.js'
import { auditActor, requireAdmin, requireScope } from '../plugins/auth.js'
import { AppError, badRequest } from '../shared/errors.js'
import { valgperioderOverlapping } from '../domain/valgperiode.js'
import { addYears } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import { MoteplanError, meetingsFromCsv, meetingsFromIcal, meetingsFromList, type PlannedMeeting } from '../domain/moteplan-import.js'
import { formatDtstart } from '../domain/recurrence.js'
import { ruleScope } from './rules.js'

const ApplyBody = Strict({ package: Type.Optional(Type.String({ maxLength: 80 })), municipality: Type.Optional(Slug), collaboration: Type.Optional(Slug) })
const MoteplanJson = Strict({ meetings: Type.Array(Strict({ start: Type.String({ maxLength: 16 }), durationMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })) }), { minItems: 1, maxItems: 400 }) })

const routes: FastifyPluginAsyncTypebox = async app => {
  const { rules, municipalities, collaborations, bodies, occurrences } = app.repos

  app.get('/event-types', { schema: { tags: ['Katalog'], summary: 'Hendelsestypene med lovgrunnlag' } }, async () =>
    ({ data: [...app.catalogue.eventTypes.values()] }))

  app.get('/packages', { schema: { tags: ['Katalog'], summary: 'Styringspakkene: hvilke hendelsestyper som gjelder hvem' } }, async () =>
    ({ data: [...app.catalogue.packages.values()] }))

  app.post('/packages/apply', {
    schema: { tags: ['Katalog'], summary: 'Bruk pakker (idempotent); uten filter: alle pakker på alle', security: [{ bearer: [] }], body: ApplyBody, response: { 200: Type.Object({ created: Type.Integer(), existing: Type.Integer(), perPackage: Type.Record(Type.String(), Type.Integer()) }), ...errorReplies(400, 401, 403, 404) } },
  }, async request => {
    const b = request.body
    if (b.package && !app.catalogue.packages.has(b.package)) throw badRequest('packages.unknown', 'body/package', `unknown package "${b.package}"`)
    const m = b.municipality ? municipalities.get(b.municipality) : undefined
    const c = b.collaboration ? collaborations.get(b.collaboration) : undefined
    const actor = m || c ? requireScope(request, ruleScope(app, { municipalityId: m?.id ?? null, collaborationId: c?.id ?? null })) : requireAdmin(request)
    return rules.applyPackages(app.catalogue, { packageKey: b.package, municipality: m?.id, collaboration: c?.id }, auditActor(actor))
  })

  app.get('/valgperioder', {
    schema: { tags: ['Katalog'], summary: 'Valgperiodene (konstituering til konstituering)', querystring: Strict({ from: Type.Optional(DateString), to: Type.Optional(DateString) }), response: { 400: Type.Ref('ErrorReply') } },
  }, async request => {
    const today = localDateOf(app.clock.now(), 'Europe/Oslo')
    const from = request.query.from ?? '2019-01-01'
    const to = request.query.to ?? addYears(today, 8)
    if (from > to) throw badRequest('valgperioder.window', 'querystring/from', 'must be on or before to')
    return { data: valgperioderOverlapping(from, to) }
  })

  // An adopted møteplan arrives as JSON, CSV or an iCal export from the political case system.
  app.addContentTypeParser(['text/csv', 'text/calendar'], { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body))

  app.put('/bodies/:ref/moteplan', {
    schema: {
      tags: ['Organer'], summary: 'Last inn vedtatt møteplan (JSON, text/csv eller text/calendar); erstatter standardplanen', security: [{ bearer: [] }],
      params: RefParams, body: Type.Union([MoteplanJson, Type.String({ minLength: 1 })]),
      response: { 200: Type.Object({ ruleId: Type.Integer(), meetings: Type.Integer(), replacedRules: Type.Integer(), keptStates: Type.Integer() }), ...errorReplies(400, 401, 403, 404, 413, 415) },
    },
  }, async request => {
    const body = bodies.get(request.params.ref)
    if (body.deleted) throw new AppError(404, 'body.not_found', `body ${request.params.ref} finnes ikke`)
    const actor = requireScope(request, ruleScope(app, body))
    const contentType = request.headers['content-type'] ?? ''
    let meetings: PlannedMeeting[]
    try {
      if (typeof request.body === 'object') meetings = meetingsFromList(request.body.meetings)
      else if (contentType.startsWith('text/calendar')) meetings = meetingsFromIcal(request.body)
      else if (contentType.startsWith('text/csv')) meetings = meetingsFromCsv(request.body)
      else throw new AppError(415, 'unsupported_media_type', 'Send møteplanen som application/json, text/csv eller text/calendar')
    } catch (err) {
      if (err instanceof MoteplanError) throw badRequest('moteplan.invalid', err.path, err.message)
      throw err
    }
    if (meetings.length === 0) throw badRequest('moteplan.empty', 'body', 'the plan has no meetings')
    const previous = rules.moteplanRules(body.id)
    const duration = meetings.find(m => m.durationMinutes !== null)?.durationMinutes ?? previous[0]?.durationMinutes ?? 180
    const [first, ...rest] = meetings
    return app.db.transaction(() => {
      for (const r of previous) rules.remove(r.id, auditActor(actor))
      const rule = rules.create({
        eventType: 'mote', title: 'Vedtatt møteplan', municipalityId: body.municipalityId, collaborationId: body.collaborationId,
        subjectKey: `${body.municipalityId !== null ? `m:${body.municipalityId}` : `c:${body.collaborationId}`}:b:${body.id}`,
        responsibleBodyId: body.id, scheduleType: 'dates', allDay: false, timeZone: 'Europe/Oslo',
        dtstart: formatDtstart({ allDay: false, local: first!.local, timeZone: 'Europe/Oslo' }), rrule: null,
        rdates: rest.map(m => m.local), exdates: [], durationMinutes: duration, origin: 'moteplan_adopted',
      }, auditActor(actor))
      // Meetings on unchanged dates keep their status, case references and notes.
      const keptStates = occurrences.carryOverStates(previous.map(r => r.id), rule.id, new Set(meetings.map(m => m.local)))
      return { ruleId: rule.id, meetings: meetings.length, replacedRules: previous.length, keptStates }
    })
  })
}
export default routes

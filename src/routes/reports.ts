import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type, type TSchema } from 'typebox'
import { errorReplies } from '../schemas/common.js'
import { LateReportQuery, LateRow, OverdueReportQuery, OverdueRow, UpcomingReportQuery, UpcomingRow } from '../schemas/reminders.js'
import { badRequest } from '../shared/errors.js'
import { compareDates, addDays, addYears, yearOf } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import { createReports, type ReportScope } from '../reports/reports.js'

const ZONE = 'Europe/Oslo'

/** JSON by default; `format=csv` gives the same rows for Norwegian Excel. */
const reply200 = <T extends TSchema>(row: T, extra: Record<string, TSchema>) => ({
  200: {
    description: 'JSON, eller CSV med format=csv',
    content: {
      'application/json': { schema: Type.Object({ data: Type.Array(row), total: Type.Integer(), ...extra }) },
      'text/csv': { schema: Type.String() },
    },
  },
  ...errorReplies(400, 404),
})

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const reports = createReports(app.repos, baseUrl)
  const { municipalities, bodies, collaborations } = app.repos
  const tags = ['Rapporter']
  const today = () => localDateOf(app.clock.now(), ZONE)

  function scopeOf (q: { municipality?: string; body?: string; collaboration?: string; eventType?: string }): ReportScope {
    const eventTypes = q.eventType?.split(',').map(s => s.trim())
    const unknown = eventTypes?.find(t => !app.catalogue.eventTypes.has(t))
    if (unknown) throw badRequest('reports.event_type', 'querystring/eventType', `unknown event type "${unknown}"`)
    return {
      municipality: q.municipality ? municipalities.get(q.municipality).id : undefined,
      body: q.body ? bodies.get(q.body).id : undefined,
      collaboration: q.collaboration ? collaborations.get(q.collaboration).id : undefined,
      eventTypes,
    }
  }

  function csv (reply: FastifyReply, name: string, body: string) {
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(body)
  }

  app.get('/overdue', {
    schema: { tags, summary: 'Det som er over fristen per asOf, med dager over fristen og siste påminnelse', querystring: OverdueReportQuery, response: reply200(OverdueRow, { asOf: Type.String(), from: Type.String() }) },
  }, async (request, reply) => {
    const q = request.query
    const asOf = q.asOf ?? today()
    const from = q.from ?? addYears(asOf, -1)
    if (compareDates(from, asOf) > 0) throw badRequest('reports.window', 'querystring/from', 'must be on or before asOf')
    if (compareDates(from, addYears(asOf, -10)) < 0) throw badRequest('reports.window_too_large', 'querystring/from', 'may reach back at most 10 years')
    const rows = reports.overdue(scopeOf(q), asOf, from)
    if (q.format === 'csv') return csv(reply, `over-fristen-${asOf}`, reports.overdueCsv(rows))
    return { data: rows, total: rows.length, asOf, from }
  })

  app.get('/upcoming', {
    schema: { tags, summary: 'Frister de neste dagene (standard 30) som ikke er levert', querystring: UpcomingReportQuery, response: reply200(UpcomingRow, { asOf: Type.String(), to: Type.String() }) },
  }, async (request, reply) => {
    const q = request.query
    const asOf = q.asOf ?? today()
    const days = q.days ?? 30
    const rows = reports.upcoming(scopeOf(q), asOf, days, q.meetings ?? false)
    if (q.format === 'csv') return csv(reply, `kommende-${asOf}`, reports.upcomingCsv(rows))
    return { data: rows, total: rows.length, asOf, to: addDays(asOf, days) }
  })

  app.get('/late', {
    schema: { tags, summary: 'Det som ble levert eller behandlet for sent i et år (eller ennå ikke er det), med dager for sent', querystring: LateReportQuery, response: reply200(LateRow, { year: Type.Integer(), asOf: Type.String() }) },
  }, async (request, reply) => {
    const q = request.query
    const asOf = q.asOf ?? today()
    const year = q.year ?? yearOf(asOf)
    const rows = reports.late(scopeOf(q), year, asOf)
    if (q.format === 'csv') return csv(reply, `for-sent-${year}`, reports.lateCsv(rows))
    return { data: rows, total: rows.length, year, asOf }
  })
}
export default routes

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import type { TSchema } from 'typebox'
import { errorReplies } from '../schemas/common.js'
import { listReply } from '../schemas/list.js'
import { LateReport, LateReportQuery, OverdueReport, OverdueReportQuery, UpcomingReport, UpcomingReportQuery } from '../schemas/reminders.js'
import { viewerOf } from '../services/access.js'

/** JSON (an OParl list) by default; `format=csv` gives the same rows for Norwegian Excel. */
const reply200 = (json: TSchema) => ({
  200: {
    description: 'JSON (OParl-liste), eller CSV med format=csv',
    content: {
      'application/json': { schema: json },
      'text/csv': { schema: { type: 'string' } },
    },
  },
  ...errorReplies(400, 404),
})

interface Paging { limit?: number; offset?: number; modified_since?: string; format?: 'json' | 'csv' }

/** The overdue, upcoming and late reports: validate, call the reports service with the caller's viewer, present. */
const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const { reports } = app.services
  const tags = ['Rapporter']

  const scopeOf = (q: Paging) => ({ modifiedSince: q.modified_since === undefined ? undefined : Date.parse(q.modified_since) })

  /** CSV has every row unless the caller pages explicitly; JSON pages (100 by default). */
  function page<T> (rows: T[], q: Paging) {
    const limit = q.limit ?? (q.format === 'csv' ? Math.max(rows.length, 1) : 100)
    const offset = q.offset ?? 0
    return { items: rows.slice(offset, offset + limit), total: rows.length, limit, offset }
  }

  function csv (reply: FastifyReply, name: string, body: string) {
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(body)
  }

  app.get('/overdue', {
    schema: { tags, summary: 'Det som er forfalt per asOf, med dager over fristen og siste påminnelse', querystring: OverdueReportQuery, response: reply200(OverdueReport) },
  }, async (request, reply) => {
    const q = request.query
    const { rows, asOf, from } = await reports.overdueReport(viewerOf(request.actor), { ...q, ...scopeOf(q) })
    const p = page(rows, q)
    if (q.format === 'csv') return csv(reply, `forfalt-${asOf}`, reports.overdueCsv(p.items))
    return { ...listReply(p, { baseUrl, path: '/api/v1/reports/overdue', query: q, limit: p.limit, offset: p.offset }), asOf, from }
  })

  app.get('/upcoming', {
    schema: { tags, summary: 'Frister de neste dagene (standard 30) som ikke er levert', querystring: UpcomingReportQuery, response: reply200(UpcomingReport) },
  }, async (request, reply) => {
    const q = request.query
    const { rows, asOf, to } = await reports.upcomingReport(viewerOf(request.actor), { ...q, ...scopeOf(q) })
    const p = page(rows, q)
    if (q.format === 'csv') return csv(reply, `kommende-${asOf}`, reports.upcomingCsv(p.items))
    return { ...listReply(p, { baseUrl, path: '/api/v1/reports/upcoming', query: q, limit: p.limit, offset: p.offset }), asOf, to }
  })

  app.get('/late', {
    schema: { tags, summary: 'Det som ble levert eller godkjent for sent i et år (eller ennå ikke er det), med dager for sent', querystring: LateReportQuery, response: reply200(LateReport) },
  }, async (request, reply) => {
    const q = request.query
    const { rows, year, asOf } = await reports.lateReport(viewerOf(request.actor), { ...q, ...scopeOf(q) })
    const p = page(rows, q)
    if (q.format === 'csv') return csv(reply, `for-sent-${year}`, reports.lateCsv(p.items))
    return { ...listReply(p, { baseUrl, path: '/api/v1/reports/late', query: q, limit: p.limit, offset: p.offset }), year, asOf }
  })
}
export default routes

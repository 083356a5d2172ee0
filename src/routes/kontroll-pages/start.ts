import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { localDateOf } from '../../domain/local-time.js'
import { pageScope, requireSession } from '../../plugins/pages.js'
import { Line } from '../../schemas/common.js'
import { viewerOf } from '../../services/access.js'
import { kontrollStartPage, parseValgperiode } from '../../pages/kontroll/start.js'

const ZONE = 'Europe/Oslo'
const StartQuery = Type.Object({ valgperiode: Type.Optional(Line(40)) })

/**
 * The secretariat's start page (issue 15): GET /kontroll, one section per kontrollutvalg the person works
 * with (src/pages/kontroll/workspace.ts). A workspace for signed-in people: without a session, sign in and
 * come back (the same data stays public through /api/v1/kontroll). `?valgperiode=2023` shows another
 * period's plans, coverage and projects; what is overdue and the next meetings are always as of today.
 */
const routes: FastifyPluginAsync<{ baseUrl: string }> = async (app) => {
  await pageScope(app)
  app.get<{ Querystring: { valgperiode?: string } }>('/kontroll', { schema: { hide: true, querystring: StartQuery } }, async (request, reply) => {
    const actor = requireSession(request)
    const today = localDateOf(app.clock.now(), ZONE)
    const electionYear = parseValgperiode(request.query.valgperiode, today)
    const data = await kontrollStartPage({ services: app.services, actor, viewer: viewerOf(actor), today }, electionYear)
    return reply.page('kontroll-start', data)
  })
}
export default routes

import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { localDateOf } from '../../domain/local-time.js'
import { coveragePage, type KontrollPageContext } from '../../pages/kontroll/coverage.js'
import { reviewPage } from '../../pages/kontroll/review.js'
import { Line } from '../../schemas/common.js'
import { viewerOf } from '../../services/access.js'
import { pageScope } from '../../plugins/pages.js'

const ZONE = 'Europe/Oslo'

// Loose strings: the page module reads them and answers 400 naming the field (a schema error could not).
const CoverageQuery = Type.Object({ valgperiode: Type.Optional(Line(200)) })
const ReviewQuery = Type.Object({ dato: Type.Optional(Line(200)) })
const OrganParams = Type.Object({ organ: Line(200) })
const PlanParams = Type.Object({ id: Line(200) })

/**
 * Coverage and the planning review (issue 15, items 5 and 6), read only, by what the viewer may see:
 * - /kontroll/dekning: one section per municipality whose kontrollutvalg the person's workspace shows;
 * - /kontroll/<kontrollutvalg>/dekning: that kontrollutvalg's municipality (404 when unknown or hidden);
 *   both with ?valgperiode=<election year> (default the current period) and the API's CSV linked;
 * - /kontroll/plan/<id>/gjennomgang?dato=YYYY-MM-DD: the plan's review as of a day (default today).
 * A bad valgperiode or dato is a 400 page naming the field.
 */
const routes: FastifyPluginAsync<{ baseUrl: string }> = async app => {
  await pageScope(app)
  const context = (request: FastifyRequest): KontrollPageContext =>
    ({ services: app.services, viewer: viewerOf(request.actor), actor: request.actor, today: localDateOf(app.clock.now(), ZONE) })

  app.get<{ Querystring: { valgperiode?: string } }>('/kontroll/dekning', { schema: { hide: true, querystring: CoverageQuery } }, async (request, reply) => {
    const data = await coveragePage(context(request), null, request.query.valgperiode)
    return reply.page('kontroll-dekning', data, data.problem ? 400 : 200)
  })

  app.get<{ Params: { organ: string }; Querystring: { valgperiode?: string } }>('/kontroll/:organ/dekning', { schema: { hide: true, params: OrganParams, querystring: CoverageQuery } }, async (request, reply) => {
    const data = await coveragePage(context(request), request.params.organ, request.query.valgperiode)
    return reply.page('kontroll-dekning', data, data.problem ? 400 : 200)
  })

  app.get<{ Params: { id: string }; Querystring: { dato?: string } }>('/kontroll/plan/:id/gjennomgang', { schema: { hide: true, params: PlanParams, querystring: ReviewQuery } }, async (request, reply) => {
    const data = await reviewPage(context(request), request.params.id, request.query.dato)
    return reply.page('kontroll-gjennomgang', data, data.problem ? 400 : 200)
  })
}
export default routes

import type { FastifyPluginAsync } from 'fastify'
import { pageScope } from '../../plugins/pages.js'
import startRoutes from './start.js'
import analyseRoutes from './analyse.js'
import coverageRoutes from './coverage.js'
import projectRoutes from './projects.js'
import planRoutes from './plans.js'

/**
 * The kontrollutvalg secretariat's workspace (issue 15), under /kontroll: the start page, the overordnet
 * analyse (risk and materiality), the plans and their versions, projects and milestones, coverage and the
 * planning review. Every page reads through services.kontroll with the request's viewer and writes
 * through the same service as /api/v1/kontroll; which kontrollutvalg a person works with is
 * src/pages/kontroll/workspace.ts.
 */
const routes: FastifyPluginAsync<{ baseUrl: string }> = async (app, opts) => {
  await pageScope(app)
  await app.register(startRoutes, opts)
  await app.register(analyseRoutes, opts)
  await app.register(coverageRoutes, opts)
  await app.register(projectRoutes, opts)
  await app.register(planRoutes, opts)
}
export default routes

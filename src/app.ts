import Fastify, { type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Dependencies } from './composition.js'
import dbPlugin from './plugins/db.js'
import errorsPlugin from './plugins/errors.js'
import authPlugin from './plugins/auth.js'
import pagesPlugin from './plugins/pages.js'
import signInRoutes from './routes/sign-in.js'
import adminPageRoutes from './routes/admin-pages.js'
import normalizePlugin from './plugins/normalize.js'
import swaggerPlugin from './plugins/swagger.js'
import protectionPlugin, { protectionOptionsOf, requestIdOf } from './plugins/protection.js'
import metricsPlugin from './plugins/metrics.js'
import compress from '@fastify/compress'
import feedRoutes from './routes/feeds.js'
import healthRoutes from './routes/health.js'
import municipalityRoutes from './routes/municipalities.js'
import bodyRoutes from './routes/bodies.js'
import collaborationRoutes from './routes/collaborations.js'
import adminRoutes from './routes/admin.js'
import governanceRoutes from './routes/governance.js'
import ruleRoutes from './routes/rules.js'
import occurrenceRoutes from './routes/occurrences.js'
import kontrollRoutes from './routes/kontroll.js'
import subscriptionRoutes from './routes/subscriptions.js'
import reportRoutes from './routes/reports.js'
import reminderRoutes from './routes/reminders.js'
import remindersPlugin, { type RemindersPluginOptions } from './plugins/reminders.js'
import pageRoutes from './routes/pages.js'
import occurrencePageRoutes from './routes/occurrence-pages.js'
import moteplanPageRoutes from './routes/moteplan-pages.js'
import myRemindersRoutes from './routes/my-reminders.js'
import registerPageRoutes from './routes/register-pages.js'
import kontrollStartRoutes from './routes/kontroll-pages/start.js'
import kontrollAnalyseRoutes from './routes/kontroll-pages/analyse.js'
import kontrollCoverageRoutes from './routes/kontroll-pages/coverage.js'
import kontrollProjectRoutes from './routes/kontroll-pages/projects.js'
import kontrollPlanRoutes from './routes/kontroll-pages/plans.js'
import { VERSION } from './version.js'
import { addFormats } from './schemas/formats.js'
import { trustProxyOption } from './config.js'

export interface AppOptions {
  logger?: FastifyServerOptions['logger']
  /** The app owns the database handle and closes it on shutdown (server); tests may keep it. */
  closeDatabase?: boolean
  /** Runs the reminder dispatcher inside the server (REMINDERS=on); absent: no dispatcher. */
  reminders?: RemindersPluginOptions
}

/** Builds the app over the composition root's dependencies, without listening: server.ts listens, tests use inject(). */
export async function buildApp (deps: Dependencies, opts: AppOptions = {}) {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 1024 * 1024,
    // request.ip (the rate limits' key) is the client's, not the reverse proxy's, only for proxies we trust.
    trustProxy: trustProxyOption(deps.config.TRUST_PROXY),
    // An incoming X-Request-Id is kept only when safe to log; it is echoed (plugins/protection.ts).
    genReqId: requestIdOf,
    // Unknown fields are an error, not silently dropped (STYLE.md trap 5).
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true },
      // Our date formats replace ajv-formats' (which run first): one rule for what a date is.
      onCreate: addFormats,
    } as FastifyServerOptions['ajv'],
  }).withTypeProvider<TypeBoxTypeProvider>()

  const baseUrl = deps.config.BASE_URL
  await app.register(swaggerPlugin, { version: VERSION })
  await app.register(errorsPlugin)
  // Before auth: overload and rate limits are checked before any token lookup.
  await app.register(protectionPlugin, protectionOptionsOf(deps.config))
  // Before auth: a scrape's bearer is METRICS_TOKEN, not an API token (src/plugins/metrics.ts).
  await app.register(metricsPlugin, { token: deps.config.METRICS_TOKEN, outboxDepth: () => deps.services.reminders.outboxCounts() })
  await app.register(dbPlugin, { deps, closeDatabase: opts.closeDatabase ?? true })
  const secureCookies = baseUrl.startsWith('https://')
  await app.register(authPlugin, { secureCookies, csrfKey: await deps.services.people.deploymentSecret('csrf') })
  await app.register(pagesPlugin, { secureCookies })
  await app.register(normalizePlugin)
  // Only when the client sends Accept-Encoding; feeds may opt out (FEED_COMPRESSION=off).
  await app.register(compress, { global: true, encodings: ['gzip', 'deflate'] })

  await app.register(healthRoutes, { version: VERSION })
  await app.register(feedRoutes, { baseUrl, compress: (deps.config.FEED_COMPRESSION ?? 'on') === 'on' })
  await app.register(municipalityRoutes, { prefix: '/api/v1/municipalities', baseUrl })
  await app.register(bodyRoutes, { prefix: '/api/v1/bodies', baseUrl })
  await app.register(collaborationRoutes, { prefix: '/api/v1/collaborations', baseUrl })
  await app.register(adminRoutes, { prefix: '/api/v1', baseUrl })
  await app.register(governanceRoutes, { prefix: '/api/v1', baseUrl })
  await app.register(ruleRoutes, { prefix: '/api/v1/rules', baseUrl })
  await app.register(occurrenceRoutes, { prefix: '/api/v1/occurrences', baseUrl })
  await app.register(kontrollRoutes, { prefix: '/api/v1/kontroll', baseUrl })
  await app.register(subscriptionRoutes, { prefix: '/api/v1/subscriptions', baseUrl })
  await app.register(reportRoutes, { prefix: '/api/v1/reports', baseUrl })
  await app.register(reminderRoutes, { prefix: '/api/v1/reminders', baseUrl })
  if (opts.reminders) await app.register(remindersPlugin, opts.reminders)
  await app.register(pageRoutes, { baseUrl })
  await app.register(occurrencePageRoutes, { baseUrl })
  await app.register(moteplanPageRoutes, { baseUrl })
  await app.register(myRemindersRoutes, { baseUrl })
  await app.register(registerPageRoutes, { baseUrl })
  // The kontrollutvalg secretariat's workspace under /kontroll (issue 15); who works with which
  // kontrollutvalg: src/pages/kontroll/workspace.ts.
  for (const routes of [kontrollStartRoutes, kontrollAnalyseRoutes, kontrollCoverageRoutes, kontrollProjectRoutes, kontrollPlanRoutes]) await app.register(routes, { baseUrl })
  await app.register(signInRoutes, { baseUrl, oidc: deps.oidc, signInMail: deps.signInMail })
  await app.register(adminPageRoutes, { baseUrl })
  return app
}
export type App = Awaited<ReturnType<typeof buildApp>>

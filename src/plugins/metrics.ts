// Prometheus metrics at /metrics (issue 16): request durations by route pattern, Node's default
// metrics (event-loop lag, heap, GC …), the reminder outbox's depth by status and feed-cache lookups.
// Each app has its own registry, so several apps in one process (the tests) never share a metric.
import { createHash, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { AppError } from '../shared/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: {
      /** A feed-cache lookup found a current entry (hit) or not (src/calendar/feed-cache.ts `onLookup`). */
      feedCacheLookup (hit: boolean): void
    }
  }
}

export const METRICS_PATH = '/metrics'

export interface MetricsPluginOptions {
  /** METRICS_TOKEN: scrapes must send `Authorization: Bearer <token>`; undefined: no /metrics at all (404). */
  token: string | undefined
  /** How many outbox rows are in each status, read at scrape time through a service. */
  outboxDepth: () => Promise<Record<string, number>>
}

const digest = (value: string) => createHash('sha256').update(value).digest()

/** Whether the request carries the metrics token, compared in constant time (both sides hashed to one length). */
function carriesToken (request: FastifyRequest, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
  return match !== null && timingSafeEqual(digest(match[1]!), expected)
}

export default fp<MetricsPluginOptions>(async function metricsPlugin (app: FastifyInstance, opts) {
  if (opts.token === undefined) {
    app.decorate('metrics', { feedCacheLookup () {} })
    return
  }
  const expected = digest(opts.token)
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })

  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to sending its reply, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  })
  const feedCache = new Counter({
    name: 'arshjul_feed_cache_lookups_total',
    help: 'Calendar-feed cache lookups: result="hit" answered from memory, "miss" built (or rebuilt) from the database.',
    labelNames: ['result'] as const,
    registers: [registry],
  })
  feedCache.inc({ result: 'hit' }, 0)
  feedCache.inc({ result: 'miss' }, 0)
  // Read when scraped, so the value is the database's, also when another instance or the cron job changed it.
  new Gauge({ // eslint-disable-line no-new
    name: 'arshjul_reminder_outbox_depth',
    help: 'Rows in the reminder outbox by status (pending, sending, sent, failed, cancelled).',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect () {
      this.reset()
      try {
        for (const [status, n] of Object.entries(await opts.outboxDepth())) this.set({ status }, n)
      } catch (err) {
        // A scrape still answers with the other metrics; the gauge is left out.
        app.log.warn({ err }, 'reading the reminder outbox for /metrics failed')
      }
    },
  })

  app.decorate('metrics', {
    feedCacheLookup (hit: boolean) { feedCache.inc({ result: hit ? 'hit' : 'miss' }) },
  })

  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern (`/api/v1/occurrences/:id`), never the URL: ids and query strings would make a series each.
    durations.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) }, reply.elapsedTime / 1000)
  })

  const scrape = async (reply: FastifyReply) =>
    reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(await registry.metrics())

  // The scrape is answered here, in onRequest, before the auth plugin's hook (registered after this
  // plugin) would read the metrics token as an API token and refuse it.
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url !== METRICS_PATH) return
    if (!carriesToken(request, expected)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"')
      throw new AppError(401, 'metrics.unauthorized', 'Metrikkene krever Authorization: Bearer <METRICS_TOKEN>')
    }
    return scrape(reply)
  })

  app.get(METRICS_PATH, {
    // Overload is when metrics matter most.
    config: { underPressure: false },
    schema: { hide: true },
  }, async (_request, reply) => scrape(reply))
}, { name: 'metrics' })

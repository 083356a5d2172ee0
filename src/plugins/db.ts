import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Clock } from '../shared/clock.js'
import type { Catalogue } from '../catalogue/load.js'
import type { Services } from '../services/index.js'
import type { Dependencies } from '../composition.js'

declare module 'fastify' {
  interface FastifyInstance {
    services: Services
    clock: Clock
    catalogue: Catalogue
  }
}

const REVISION_SYNC_MS = 1000
const PRUNE_EVERY_MS = 3_600_000

export interface DbPluginOptions { deps: Dependencies; closeDatabase: boolean }

/** Decorates the app with the composition root's services, the clock and the catalogue (never repositories); closes the database last on shutdown. */
export default fp<DbPluginOptions>(async function dbPlugin (app: FastifyInstance, opts) {
  app.decorate('services', opts.deps.services)
  app.decorate('clock', opts.deps.clock)
  app.decorate('catalogue', opts.deps.catalogue)
  // Other processes (the CLI, a second server) change calendars too: their revisions are read once a
  // second, off the request path, so feed caches answer conditional requests from memory.
  const index = opts.deps.services.occurrenceIndex
  const sync = () => { index.syncRevisions().catch(err => app.log.warn({ err }, 'reading calendar revisions failed')) }
  const timer = setInterval(sync, REVISION_SYNC_MS)
  timer.unref()
  app.addHook('onReady', async () => {
    await index.syncRevisions()
    // A horizon roll or a first build starts here rather than on the first request.
    await index.ready()
  })
  // Ended sessions, used sign-in links and abandoned OpenID sign-ins are removed once an hour.
  const prune = () => { opts.deps.services.people.prune().catch(err => app.log.warn({ err }, 'pruning sessions failed')) }
  const pruneTimer = setInterval(prune, PRUNE_EVERY_MS)
  pruneTimer.unref()
  app.addHook('onClose', async () => { clearInterval(timer); clearInterval(pruneTimer) })
  if (opts.closeDatabase) app.addHook('onClose', async () => { await opts.deps.close() })
}, { name: 'db' })

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

export interface DbPluginOptions { deps: Dependencies; closeDatabase: boolean }

/** Decorates the app with the composition root's services, the clock and the catalogue (never repositories); closes the database last on shutdown. */
export default fp<DbPluginOptions>(async function dbPlugin (app: FastifyInstance, opts) {
  app.decorate('services', opts.deps.services)
  app.decorate('clock', opts.deps.clock)
  app.decorate('catalogue', opts.deps.catalogue)
  if (opts.closeDatabase) app.addHook('onClose', async () => { opts.deps.close() })
}, { name: 'db' })

import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/client.js'
import type { Clock } from '../shared/clock.js'
import type { Catalogue } from '../catalogue/load.js'
import type { Repositories } from '../repositories/index.js'
import type { Services } from '../services/index.js'
import type { Dependencies } from '../composition.js'

declare module 'fastify' {
  interface FastifyInstance {
    deps: Dependencies
    services: Services
    clock: Clock
    catalogue: Catalogue
    /** @deprecated routes call services; kept only until every route has moved (issue 10). */
    repos: Repositories
    /** @deprecated routes call services. */
    db: Db
  }
}

export interface DbPluginOptions { deps: Dependencies; closeDatabase: boolean }

/** Decorates the app with the composition root's services, the clock and the catalogue; closes the database last on shutdown. */
export default fp<DbPluginOptions>(async function dbPlugin (app: FastifyInstance, opts) {
  app.decorate('deps', opts.deps)
  app.decorate('services', opts.deps.services)
  app.decorate('clock', opts.deps.clock)
  app.decorate('catalogue', opts.deps.catalogue)
  app.decorate('repos', opts.deps.repos)
  app.decorate('db', opts.deps.database.db)
  if (opts.closeDatabase) app.addHook('onClose', async () => { opts.deps.close() })
}, { name: 'db' })

import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Db, Sqlite } from '../db/client.js'
import type { Clock } from '../shared/clock.js'
import { createMunicipalitiesRepository } from '../repositories/municipalities.js'
import { createCollaborationsRepository } from '../repositories/collaborations.js'
import { createBodiesRepository } from '../repositories/bodies.js'
import { createTokensRepository } from '../repositories/tokens.js'
import { createAuditRepository } from '../repositories/audit.js'
import { createRulesRepository } from '../repositories/rules.js'
import { createOccurrencesRepository } from '../repositories/occurrences.js'
import { createKontrollRepository } from '../repositories/kontroll.js'
import { createSubscriptionsRepository } from '../repositories/subscriptions.js'
import { createOutboxRepository } from '../repositories/outbox.js'
import type { Catalogue } from '../catalogue/load.js'

export function createRepositories (db: Db, clock: Clock, catalogue: Catalogue) {
  const rules = createRulesRepository(db, clock)
  const occurrences = createOccurrencesRepository(db, clock, rules, catalogue)
  return {
    rules,
    occurrences,
    kontroll: createKontrollRepository(db, clock, rules, occurrences),
    municipalities: createMunicipalitiesRepository(db, clock),
    collaborations: createCollaborationsRepository(db, clock),
    bodies: createBodiesRepository(db, clock),
    tokens: createTokensRepository(db, clock),
    audit: createAuditRepository(db),
    subscriptions: createSubscriptionsRepository(db, clock),
    outbox: createOutboxRepository(db),
  }
}
export type Repositories = ReturnType<typeof createRepositories>

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    clock: Clock
    catalogue: Catalogue
    repos: Repositories
  }
}

export interface DbPluginOptions { db: Db; sqlite: Sqlite; clock: Clock; catalogue: Catalogue; closeDatabase: boolean }

/** Decorates the app with the database, the clock, the event catalogue and the repositories; closes SQLite last on shutdown. */
export default fp<DbPluginOptions>(async function dbPlugin (app: FastifyInstance, opts) {
  app.decorate('db', opts.db)
  app.decorate('clock', opts.clock)
  app.decorate('catalogue', opts.catalogue)
  app.decorate('repos', createRepositories(opts.db, opts.clock, opts.catalogue))
  if (opts.closeDatabase) app.addHook('onClose', async () => { opts.sqlite.close() })
}, { name: 'db' })

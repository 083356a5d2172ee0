import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError, forbidden } from '../shared/errors.js'
import type { Actor } from '../services/access.js'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
  }
  interface FastifyContextConfig {
    /** A write route anyone may call (none today); every other write needs credentials. */
    anonymousWrites?: boolean
  }
}

const unauthorized = (message: string) => new AppError(401, 'auth.unauthorized', message)
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The caller's credentials, or 401. */
export function requireWriter (request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized('Skriving krever et API-token: Authorization: Bearer <token>')
  return request.actor
}

export function requireAdmin (request: FastifyRequest): Actor {
  const actor = requireWriter(request)
  if (actor.role !== 'admin') throw forbidden('Krever et admin-token')
  return actor
}

/** @deprecated use services.access.assertMayChange, which checks every subject and body a write names. */
export function requireScope (request: FastifyRequest, municipalityIds: number[]): Actor {
  const actor = requireWriter(request)
  if (actor.role === 'admin') return actor
  if (!actor.municipalityIds.some(id => municipalityIds.includes(id))) {
    throw forbidden('Tokenet gjelder en annen kommune enn den endringen berører')
  }
  return actor
}

export { auditActor } from '../services/access.js'

/**
 * Reads the bearer token on every request. A write without credentials is refused with 401 here, in
 * onRequest — before the body is parsed or validated and before any lookup — so an anonymous caller
 * learns nothing about the schema or which ids exist.
 */
export default fp(async function authPlugin (app: FastifyInstance) {
  app.decorateRequest('actor', null)
  app.addHook('onRequest', async request => {
    const header = request.headers.authorization
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
      if (!match) throw unauthorized('Authorization-headeren må ha formen "Bearer <token>"')
      const actor = await app.services.tokens.authenticate(match[1]!)
      if (!actor) throw unauthorized('Ukjent eller tilbakekalt token')
      request.actor = actor
    }
    if (!request.actor && !READ_METHODS.has(request.method) && request.routeOptions.config?.anonymousWrites !== true) {
      throw unauthorized('Skriving krever et API-token: Authorization: Bearer <token>')
    }
  })
}, { name: 'auth', dependencies: ['db'] })

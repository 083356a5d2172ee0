import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { AppError } from '../shared/errors.js'
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

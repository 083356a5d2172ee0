import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError, forbidden } from '../shared/errors.js'
import type { Actor } from '../repositories/tokens.js'
import type { AuditActor } from '../repositories/audit.js'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
  }
}

const unauthorized = (message: string) => new AppError(401, 'auth.unauthorized', message)

/** The token's role and scope, checked by the routes that write. */
export function requireWriter (request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized('Skriving krever et API-token: Authorization: Bearer <token>')
  return request.actor
}

export function requireAdmin (request: FastifyRequest): Actor {
  const actor = requireWriter(request)
  if (actor.role !== 'admin') throw forbidden('Krever et admin-token')
  return actor
}

/** An editor may change only what its own municipality takes part in. */
export function requireScope (request: FastifyRequest, municipalityIds: number[]): Actor {
  const actor = requireWriter(request)
  if (actor.role === 'admin') return actor
  if (actor.municipalityId === null || !municipalityIds.includes(actor.municipalityId)) {
    throw forbidden('Tokenet gjelder en annen kommune enn den endringen berører')
  }
  return actor
}

export const auditActor = (actor: Actor): AuditActor => ({ tokenId: actor.tokenId, label: `${actor.role}:${actor.label}` })

export default fp(async function authPlugin (app: FastifyInstance) {
  app.decorateRequest('actor', null)
  app.addHook('onRequest', async request => {
    const header = request.headers.authorization
    if (header === undefined) return
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match) throw unauthorized('Authorization-headeren må ha formen "Bearer <token>"')
    const actor = app.repos.tokens.authenticate(match[1]!)
    if (!actor) throw unauthorized('Ukjent eller tilbakekalt token')
    request.actor = actor
  })
}, { name: 'auth', dependencies: ['db'] })

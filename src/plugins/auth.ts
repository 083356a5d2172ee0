import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import { AppError } from '../shared/errors.js'
import type { Actor } from '../services/access.js'
import { SESSION_COOKIE } from '../services/people.js'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
    /** The signed-in session's id hash (CSRF tokens are bound to it); null without a session. */
    sessionIdHash: string | null
    /** A session cookie came but no longer works (signed out, idle, expired): pages say so. */
    sessionEnded: boolean
  }
  interface FastifyContextConfig {
    /** A write route anyone may call: the sign-in forms. They still need a CSRF token. */
    anonymousWrites?: boolean
    /** 'handler': the route checks the CSRF token itself once it has read its body (multipart uploads). */
    csrf?: 'handler'
  }
}

export interface AuthPluginOptions {
  /** Cookies get Secure when the service is served over https (BASE_URL). */
  secureCookies: boolean
  /** The key CSRF tokens are signed with (the deployment's own, from the database). */
  csrfKey: string
}

const unauthorized = (message: string) => new AppError(401, 'auth.unauthorized', message)
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
/** What a refused CSRF check says, in the API's and the pages' error replies alike. */
export const CSRF_MESSAGE = 'Skjemaet er utløpt eller kom fra en annen side. Last siden på nytt og prøv igjen.'
export const isCsrfError = (err: { code?: string }) => err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET'

/** The session cookie's attributes: HttpOnly, SameSite=Lax, Secure over https, whole site. */
export const sessionCookieOptions = (secure: boolean, maxAgeSeconds?: number) =>
  ({ path: '/', httpOnly: true, sameSite: 'lax' as const, secure, ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}) })

/**
 * Who is asking, on every request, in onRequest — before the body is parsed or validated and before
 * any lookup of what the request names: a bearer token (machines) or the session cookie (people,
 * issue 14). A write without either is refused with 401 here, so an anonymous caller learns nothing
 * about the schema or which ids exist. A write that comes with the session cookie (or to a sign-in
 * form) must also carry the CSRF token of a page this site rendered (preValidation: after the form
 * body is read, before it is validated), else 403 and nothing changes.
 */
export default fp<AuthPluginOptions>(async function authPlugin (app: FastifyInstance, opts) {
  await app.register(cookie)
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'arshjul_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secureCookies },
    // A token is bound to the session it was made in: a token from before sign-in or from another
    // person's session does not work.
    getUserInfo: csrfUserInfo,
    csrfOpts: { hmacKey: opts.csrfKey },
    getToken: (request: FastifyRequest) => {
      const body = request.body as Record<string, unknown> | undefined
      const fromBody = body && typeof body === 'object' ? body._csrf : undefined
      return typeof fromBody === 'string' ? fromBody : request.headers['x-csrf-token'] as string | undefined
    },
  })

  app.decorateRequest('actor', null)
  app.decorateRequest('sessionIdHash', null)
  app.decorateRequest('sessionEnded', false)
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
      if (!match) throw unauthorized('Authorization-headeren må ha formen "Bearer <token>"')
      const actor = await app.services.tokens.authenticate(match[1]!)
      if (!actor) throw unauthorized('Ukjent eller tilbakekalt token')
      request.actor = actor
    } else {
      const secret = request.cookies[SESSION_COOKIE]
      if (secret) {
        const session = await app.services.people.authenticate(secret)
        if (session) {
          request.actor = session.actor
          request.sessionIdHash = session.idHash
        } else {
          request.sessionEnded = true
          reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(opts.secureCookies))
        }
      }
    }
    if (!request.actor && !READ_METHODS.has(request.method) && request.routeOptions.config?.anonymousWrites !== true) {
      throw unauthorized(request.sessionEnded
        ? 'Økten din er utløpt. Logg inn på nytt.'
        : 'Skriving krever innlogging eller et API-token: Authorization: Bearer <token>')
    }
  })

  app.addHook('preValidation', (request, reply, done) => {
    if (!needsCsrf(request)) return done()
    app.csrfProtection(request, reply, done)
  })
}, { name: 'auth', dependencies: ['db'] })

/** What a CSRF token is bound to: the session, or (before sign-in) being anonymous; never empty (@fastify/csrf refuses ''). */
export const csrfUserInfo = (request: FastifyRequest): string => request.sessionIdHash ?? 'anonym'

/** Whether this request must show a CSRF token: a write by cookie, or to a sign-in form. */
export function needsCsrf (request: FastifyRequest): boolean {
  if (READ_METHODS.has(request.method) || request.routeOptions.config?.csrf === 'handler') return false
  return request.actor?.via === 'session' || (request.actor === null && request.routeOptions.config?.anonymousWrites === true)
}

/** For routes with `config.csrf: 'handler'`: checks the token once the route has read it; throws 403. */
export async function verifyCsrf (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, token: string | undefined): Promise<void> {
  if (request.actor?.via !== 'session' && !(request.actor === null && request.routeOptions.config?.anonymousWrites === true)) return
  const ok = await new Promise<boolean>(resolve => {
    const probe = Object.create(reply, { send: { value: () => { resolve(false); return reply } } }) as FastifyReply
    const original = request.headers['x-csrf-token']
    request.headers['x-csrf-token'] = token ?? ''
    const body = request.body
    request.body = undefined
    app.csrfProtection(request, probe, () => resolve(true))
    request.headers['x-csrf-token'] = original
    request.body = body
  })
  if (!ok) throw new AppError(403, 'auth.csrf', CSRF_MESSAGE)
}

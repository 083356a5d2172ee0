import fp from 'fastify-plugin'
import formbody from '@fastify/formbody'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { createPageRenderer, type PageRenderer } from '../pages/render.js'
import { AppError, SERVICE_ERROR_STATUS, ServiceError } from '../shared/errors.js'
import { CSRF_MESSAGE, csrfUserInfo, isCsrfError } from './auth.js'

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Renders a page template inside the layout with what every page shows: the signed-in person (`it.me`),
     * a CSRF token for its forms (`it.csrf()`, made only when a form asks), the message a redirect left
     * (`it.flash`) and `it.path` (the page's own address, for "sign in and come back").
     */
    page (template: string, data: object, status?: number): FastifyReply
    /** Leaves a short message for the next page this browser shows (after a redirect), then redirects there (303). */
    flashRedirect (url: string, message: string): FastifyReply
  }
  interface FastifyInstance {
    pageRenderer: PageRenderer
  }
}

const FLASH_COOKIE = 'arshjul_melding'

/** The signed-in person as the layout shows them. */
export interface PageMe { name: string; admin: boolean; editor: boolean; sekretariat: boolean }

/** A same-site path to come back to after sign-in ('/' for anything else: no open redirect). */
export function safeReturnPath (raw: unknown): string {
  return typeof raw === 'string' && /^\/(?![/\\])[^\s]*$/.test(raw) && raw.length <= 2000 ? raw : '/'
}

/**
 * The pages' shared machinery (issue 14): one renderer, `reply.page` and `reply.flashRedirect`. Page
 * route plugins call `pageScope(app)` for form bodies and error pages.
 */
export default fp<{ secureCookies: boolean }>(async function pagesPlugin (app: FastifyInstance, opts) {
  const render = createPageRenderer()
  app.decorate('pageRenderer', render)

  app.decorateReply('page', function (this: FastifyReply, template: string, data: object, status = 200) {
    const request = this.request
    const actor = request.actor
    const me: PageMe | null = actor && actor.via === 'session'
      ? { name: actor.label, admin: actor.role === 'admin', editor: actor.role === 'admin' || actor.municipalityIds.length > 0, sekretariat: (actor.kontrollutvalgIds ?? []).length > 0 }
      : null
    const flash = request.cookies[FLASH_COOKIE]
    if (flash !== undefined) this.clearCookie(FLASH_COOKIE, { path: '/' })
    let token: string | undefined
    const csrf = () => (token ??= this.generateCsrf({ userInfo: csrfUserInfo(request) }))
    const html = render(template, { path: request.url, me, flash: flash ? flash.slice(0, 300) : null, sessionEnded: request.sessionEnded, ...data, csrf })
    // Signed-in pages and pages with forms are the reader's own: never stored by a shared cache.
    if (me || token !== undefined) this.header('cache-control', 'private, no-store')
    return this.code(status).type('text/html; charset=utf-8').send(html)
  })

  app.decorateReply('flashRedirect', function (this: FastifyReply, url: string, message: string) {
    this.setCookie(FLASH_COOKIE, message, { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secureCookies, maxAge: 60 })
    return this.code(303).redirect(url)
  })
}, { name: 'pages', dependencies: ['auth'] })

/** The status, title and message of an error page for any error (Norwegian; never internals). */
export function pageErrorOf (err: FastifyError): { status: number; title: string; message: string } {
  const status = err instanceof AppError
    ? err.statusCode
    : err instanceof ServiceError
      ? SERVICE_ERROR_STATUS[err.kind]
      : err.validation ? 400 : err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
  const known = err instanceof AppError || err instanceof ServiceError
  const message = isCsrfError(err)
    ? CSRF_MESSAGE
    : err.code === 'auth.unauthorized' && !/Økten/.test(err.message)
      ? 'Du må logge inn for å gjøre dette.'
      : known
        ? err.message
        : status === 400
          ? 'Adressen eller skjemaet inneholder ugyldige verdier.'
          : status === 404 ? 'Siden finnes ikke.' : status === 413 ? 'Filen er for stor.' : status === 429 ? 'For mange forsøk. Vent litt og prøv igjen.' : 'Det oppstod en intern feil. Prøv igjen senere.'
  const title = status === 404
    ? 'Fant ikke siden'
    : status === 400 ? 'Ugyldig forespørsel' : status === 401 ? 'Du må logge inn' : status === 403 ? 'Ikke tillatt' : status === 409 ? 'Konflikt' : 'Noe gikk galt'
  return { status, title, message }
}

/**
 * Sets up a page route plugin (encapsulated): HTML form bodies (application/x-www-form-urlencoded) and
 * errors answered with a page in Norwegian. A 401 on a page the reader asked for (GET) sends them to sign in
 * and back; not when the request came with an Authorization header (a bad or revoked token): signing in
 * does not mend the header, and /logg-inn would refuse it too, a redirect loop (found by `npm run fuzz`).
 */
export async function pageScope (app: FastifyInstance): Promise<void> {
  await app.register(formbody, { bodyLimit: 256 * 1024 })
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, title, message } = pageErrorOf(err)
    if (status >= 500) request.log.error({ err }, 'page failed')
    if (status === 401 && request.method === 'GET' && request.headers.authorization === undefined) return reply.redirect(`/logg-inn?tilbake=${encodeURIComponent(safeReturnPath(request.url))}`, 303)
    return reply.page('error', { pageTitle: title, status, title, message, signIn: status === 401 ? '/logg-inn' : null }, status)
  })
}

/** The signed-in person (a session, not a token), or 401 (which a GET page turns into "sign in and come back"). */
export function requireSession (request: FastifyRequest) {
  const actor = request.actor
  if (!actor || actor.via !== 'session') throw new AppError(401, 'auth.unauthorized', request.sessionEnded ? 'Økten din er utløpt. Logg inn på nytt.' : 'Du må logge inn for å gjøre dette.')
  return actor
}

import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { pageScope, safeReturnPath } from '../plugins/pages.js'
import { sessionCookieOptions } from '../plugins/auth.js'
import { LOGIN_LINK_MINUTES, SESSION_COOKIE } from '../services/people.js'
import { Line } from '../schemas/common.js'
import type { OidcService } from '../services/oidc.js'
import type { SignInMailService } from '../services/sign-in-mail.js'
import { ServiceError } from '../shared/errors.js'

const LinkParams = Type.Object({ secret: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' }) })
const SignInQuery = Type.Object({ tilbake: Type.Optional(Line(2000)) })
const CsrfForm = Type.Object({ _csrf: Type.Optional(Line(200)), tilbake: Type.Optional(Line(2000)) })
const ProviderParams = Type.Object({ provider: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }) })
const EmailForm = Type.Object({ _csrf: Type.Optional(Line(200)), tilbake: Type.Optional(Line(2000)), email: Type.Optional(Type.String({ maxLength: 400 })) })

export interface SignInRoutesOptions {
  baseUrl: string
  /** OpenID Connect providers (composition: OIDC_PROVIDERS_FILE). */
  oidc: OidcService
  /** Sign-in links by e-mail; null without SMTP_URL (the form is not shown). */
  signInMail: SignInMailService | null
}

/** Sign-in attempts have their own small budget per address (RATE_LIMIT_SIGN_IN_PER_MINUTE): guessing is slow. */
const SIGN_IN = { rateLimitTier: 'signIn' as const }
/** The OpenID state this browser started, for ten minutes (bound to the callback). */
const OIDC_STATE_COOKIE = 'arshjul_oidc_state'

/**
 * Signing in and out (issue 14). A sign-in link (`npm run login-link`, the first start, e-mail) opens a
 * page with one button: the link is used by that POST, never by the GET, so a mail scanner that
 * fetches links does not spend it. Sign-out revokes the session in the database (every instance).
 */
const routes: FastifyPluginAsync<SignInRoutesOptions> = async (app, { baseUrl, oidc, signInMail }) => {
  await pageScope(app)
  const secure = baseUrl.startsWith('https://')
  const people = app.services.people
  /** A new sign-in in a browser that had a session (maybe another person's) ends that one: one session per browser. */
  /**
   * Where a sign-in lands: the page the person came from; with none (the start page), a person who only
   * works as a kontrollutvalg's sekretariat lands on its workspace, /kontroll (issue 15).
   */
  async function landing (returnTo: string, userId: number): Promise<string> {
    if (returnTo !== '/') return returnTo
    const { roles } = await people.get(userId)
    return roles.length > 0 && roles.every(r => r.role === 'sekretariat') ? '/kontroll' : '/'
  }

  const endPreviousSession = async (secret: string | undefined) => { if (secret) await people.signOut(secret) }

  app.get<{ Querystring: { tilbake?: string } }>('/logg-inn', { schema: { hide: true, querystring: SignInQuery } }, async (request, reply) => {
    return reply.page('logg-inn', signInPage(safeReturnPath(request.query.tilbake)))
  })

  /** What the sign-in page shows: a button per provider, the e-mail form (with SMTP), the note on links. */
  function signInPage (returnTo: string, extra: object = {}) {
    return { pageTitle: 'Logg inn', returnTo, linkMinutes: LOGIN_LINK_MINUTES, providers: oidc.list(), emailForm: signInMail !== null, email: '', emailError: null, ...extra }
  }

  // OpenID Connect: to the provider with state, nonce and PKCE (stored server-side), and back.
  app.get<{ Params: { provider: string }; Querystring: { tilbake?: string } }>('/logg-inn/oidc/:provider', {
    schema: { hide: true, params: ProviderParams, querystring: SignInQuery },
    config: SIGN_IN,
  }, async (request, reply) => {
    const url = await oidc.start(request.params.provider, safeReturnPath(request.query.tilbake))
    // The state also goes in this browser's cookie: a callback carrying a state this browser did not start
    // (an attacker's own, sent to the victim) is refused, so no one can be signed in as someone else.
    reply.setCookie(OIDC_STATE_COOKIE, url.searchParams.get('state') ?? '', { path: '/logg-inn/oidc', httpOnly: true, sameSite: 'lax', secure, maxAge: 600 })
    return reply.redirect(url.href, 303)
  })

  app.get<{ Params: { provider: string } }>('/logg-inn/oidc/:provider/callback', {
    schema: { hide: true, params: ProviderParams },
    config: SIGN_IN,
  }, async (request, reply) => {
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : ''
    const started = request.cookies[OIDC_STATE_COOKIE]
    reply.clearCookie(OIDC_STATE_COOKIE, { path: '/logg-inn/oidc' })
    if (!started || new URLSearchParams(query).get('state') !== started) {
      request.log.info({ provider: request.params.provider }, 'OpenID callback not started in this browser')
      return reply.page('logg-inn-avvist', { pageTitle: 'Innloggingen ble avvist', message: 'Innloggingen ble ikke startet i denne nettleseren, eller den er utløpt. Start innloggingen på nytt.' }, 400)
    }
    try {
      const { sessionSecret, user, returnTo } = await oidc.finish(request.params.provider, query)
      await endPreviousSession(request.cookies[SESSION_COOKIE])
      reply.setCookie(SESSION_COOKIE, sessionSecret, sessionCookieOptions(secure, Math.floor(people.sessionMaxMs / 1000)))
      return reply.flashRedirect(await landing(returnTo, user.id), `Du er logget inn som ${user.name}.`)
    } catch (err) {
      if (!(err instanceof ServiceError) || err.kind === 'not_found') throw err
      request.log.info({ code: err.code, provider: request.params.provider }, 'OpenID sign-in refused')
      const status = err.kind === 'invalid' ? 400 : 403
      return reply.page('logg-inn-avvist', { pageTitle: 'Innloggingen ble avvist', message: err.message }, status)
    }
  })

  // A sign-in link by e-mail: the same answer whatever the address (no probing who is registered).
  app.post<{ Body: { _csrf?: string; tilbake?: string; email?: string } }>('/logg-inn/e-post', {
    schema: { hide: true, body: EmailForm },
    config: { ...SIGN_IN, anonymousWrites: true },
  }, async (request, reply) => {
    const returnTo = safeReturnPath(request.body?.tilbake)
    if (!signInMail) return reply.page('logg-inn', signInPage(returnTo), 404)
    const email = (request.body?.email ?? '').trim()
    try {
      signInMail.request(email, err => request.log.error({ err }, 'sign-in link e-mail failed'))
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err
      return reply.page('logg-inn', signInPage(returnTo, { email, emailError: err.message }), 400)
    }
    return reply.page('logg-inn-sendt', { pageTitle: 'Sjekk e-posten din', linkMinutes: LOGIN_LINK_MINUTES })
  })

  app.get<{ Params: { secret: string } }>('/logg-inn/lenke/:secret', { schema: { hide: true, params: LinkParams }, config: SIGN_IN }, async (request, reply) => {
    const state = await people.checkLoginLink(request.params.secret)
    const problem = state === 'ok' ? null : state === 'used' ? 'Lenken er allerede brukt. Hver lenke virker én gang.' : state === 'expired' ? `Lenken er utløpt. Den virker i ${LOGIN_LINK_MINUTES} minutter.` : 'Lenken er ukjent.'
    return reply.page('logg-inn-lenke', { pageTitle: 'Logg inn', problem, secret: request.params.secret }, problem ? 410 : 200)
  })

  app.post<{ Params: { secret: string }; Body: { _csrf?: string; tilbake?: string } }>('/logg-inn/lenke/:secret', {
    schema: { hide: true, params: LinkParams, body: CsrfForm },
    config: { ...SIGN_IN, anonymousWrites: true },
  }, async (request, reply) => {
    const { sessionSecret, user } = await people.signInWithLink(request.params.secret)
    await endPreviousSession(request.cookies[SESSION_COOKIE])
    reply.setCookie(SESSION_COOKIE, sessionSecret, sessionCookieOptions(secure, Math.floor(people.sessionMaxMs / 1000)))
    return reply.flashRedirect(await landing(safeReturnPath(request.body?.tilbake), user.id), `Du er logget inn som ${user.name}.`)
  })

  app.post<{ Body: { _csrf?: string } }>('/logg-ut', { schema: { hide: true, body: CsrfForm } }, async (request, reply) => {
    const secret = request.cookies[SESSION_COOKIE]
    if (secret) await people.signOut(secret)
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(secure))
    return reply.flashRedirect('/', 'Du er logget ut.')
  })
}
export default routes

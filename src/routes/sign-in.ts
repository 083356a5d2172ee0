import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { pageScope, safeReturnPath } from '../plugins/pages.js'
import { sessionCookieOptions } from '../plugins/auth.js'
import { LOGIN_LINK_MINUTES, SESSION_COOKIE } from '../services/people.js'
import { Line } from '../schemas/common.js'

const LinkParams = Type.Object({ secret: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' }) })
const SignInQuery = Type.Object({ tilbake: Type.Optional(Line(2000)) })
const CsrfForm = Type.Object({ _csrf: Type.Optional(Line(200)), tilbake: Type.Optional(Line(2000)) })

/** Sign-in attempts have their own small budget per address (RATE_LIMIT_SIGN_IN_PER_MINUTE): guessing is slow. */
const SIGN_IN = { rateLimitTier: 'signIn' as const }

/**
 * Signing in and out (issue 14). A sign-in link (`npm run login-link`, the first start, e-mail) opens a
 * page with one button: the link is used by that POST, never by the GET, so a mail scanner that
 * fetches links does not spend it. Sign-out revokes the session in the database (every instance).
 */
const routes: FastifyPluginAsync<{ baseUrl: string }> = async (app, { baseUrl }) => {
  await pageScope(app)
  const secure = baseUrl.startsWith('https://')
  const people = app.services.people

  app.get<{ Querystring: { tilbake?: string } }>('/logg-inn', { schema: { hide: true, querystring: SignInQuery } }, async (request, reply) => {
    return reply.page('logg-inn', { pageTitle: 'Logg inn', returnTo: safeReturnPath(request.query.tilbake), linkMinutes: LOGIN_LINK_MINUTES })
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
    reply.setCookie(SESSION_COOKIE, sessionSecret, sessionCookieOptions(secure, Math.floor(people.sessionMaxMs / 1000)))
    return reply.flashRedirect(safeReturnPath(request.body?.tilbake), `Du er logget inn som ${user.name}.`)
  })

  app.post<{ Body: { _csrf?: string } }>('/logg-ut', { schema: { hide: true, body: CsrfForm } }, async (request, reply) => {
    const secret = request.cookies[SESSION_COOKIE]
    if (secret) await people.signOut(secret)
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(secure))
    return reply.flashRedirect('/', 'Du er logget ut.')
  })
}
export default routes

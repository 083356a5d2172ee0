import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'
import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { loadConfig, type Config } from '../config.js'
import { AppError } from '../shared/errors.js'

/** Which per-address budget a request draws from. */
export type RateLimitTier = 'anonymous' | 'credentialed' | 'signIn'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * 'credentialed': the stricter budget even without an Authorization header — for routes that take
     * credentials in the body. 'signIn': the sign-in routes' own small budget (links, e-mail requests,
     * OpenID callbacks; issue 14): `config: { rateLimitTier: 'signIn' }`.
     */
    rateLimitTier?: RateLimitTier
    /** false: answered also while the event loop lags (/health, whose 503 has its own shape). */
    underPressure?: false
  }
}

export interface ProtectionOptions {
  /** BASE_URL: HSTS only when it is https. */
  baseUrl: string
  /** Requests per minute and address in each tier; false: no limits (RATE_LIMIT=off). */
  rateLimit: false | Record<RateLimitTier, number>
  /** Mean event-loop delay (ms, sampled each second) above which requests get 503; 0: never. */
  maxEventLoopDelayMs: number
}

/**
 * The pages' Content-Security-Policy, for every reply (helmet is its one home): scripts and styles from
 * our own files only — the inline SVG uses presentation attributes, not style="" — and no framing by
 * other sites. The standalone SVG has its own stricter policy (src/routes/pages.ts).
 */
export const PAGE_CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
}

/** Media types other sites and calendar clients load across origins: `<img src=….svg>`, subscribed feeds. */
const CROSS_ORIGIN_TYPES = /^(text\/calendar|image\/svg\+xml)\b/i

/** Seconds a client is asked to wait when the server sheds load (503). */
const RETRY_AFTER_SECONDS = 10
/** How often under-pressure samples the event-loop delay (its default). */
const SAMPLE_INTERVAL_MS = 1000

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/

/**
 * Fastify's genReqId: the caller's `X-Request-Id` when it is 1–64 characters of `A–Z a–z 0–9 . _ : -`
 * (a proxy's or a client's correlation id, safe in logs and headers), otherwise a fresh UUID.
 */
export function requestIdOf (req: IncomingMessage): string {
  const incoming = req.headers['x-request-id']
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID()
}

/** A route's declared tier, else 'credentialed' when the request carries an Authorization header. */
export function rateLimitTierOf (request: FastifyRequest): RateLimitTier {
  return request.routeOptions.config?.rateLimitTier ?? (request.headers.authorization !== undefined ? 'credentialed' : 'anonymous')
}

type ProtectionConfig = Partial<Pick<Config, 'RATE_LIMIT' | 'RATE_LIMIT_ANONYMOUS_PER_MINUTE' | 'RATE_LIMIT_CREDENTIALED_PER_MINUTE' | 'RATE_LIMIT_SIGN_IN_PER_MINUTE' | 'MAX_EVENT_LOOP_DELAY_MS'>> & { BASE_URL: string }

/** The plugin's options from the configuration; keys a caller left out take config.ts's defaults. */
export function protectionOptionsOf (config: ProtectionConfig): ProtectionOptions {
  const defaults = loadConfig({})
  const on = (config.RATE_LIMIT ?? defaults.RATE_LIMIT) === 'on'
  return {
    baseUrl: config.BASE_URL,
    rateLimit: on && {
      anonymous: config.RATE_LIMIT_ANONYMOUS_PER_MINUTE ?? defaults.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      credentialed: config.RATE_LIMIT_CREDENTIALED_PER_MINUTE ?? defaults.RATE_LIMIT_CREDENTIALED_PER_MINUTE,
      signIn: config.RATE_LIMIT_SIGN_IN_PER_MINUTE ?? defaults.RATE_LIMIT_SIGN_IN_PER_MINUTE,
    },
    maxEventLoopDelayMs: config.MAX_EVENT_LOOP_DELAY_MS ?? defaults.MAX_EVENT_LOOP_DELAY_MS,
  }
}

const TIER_TEXT: Record<RateLimitTier, string> = { anonymous: 'uten innlogging', credentialed: 'med innlogging eller token', signIn: 'for å logge inn' }

class OverloadedError extends AppError {
  constructor () {
    super(503, 'server.overloaded', 'Tjenesten er overbelastet akkurat nå. Prøv igjen om litt.')
  }
}

/**
 * Overload protection and security headers, in front of everything else (register it before auth):
 * - every reply carries `X-Request-Id` (= request.id, also in every request log line and error reply);
 * - 503 + Retry-After while the event loop lags (@fastify/under-pressure);
 * - per-address limits per minute (@fastify/rate-limit), one budget for anonymous reads and a stricter
 *   one for requests with credentials, counted before the token is looked up: 429 with
 *   x-ratelimit-limit/-remaining/-reset and retry-after;
 * - helmet's headers with the pages' CSP; HSTS only over https; feeds and SVGs may be loaded cross-origin.
 * Replies for 429 and 503 have our one error shape (src/plugins/errors.ts).
 */
export default fp<ProtectionOptions>(async function protectionPlugin (app: FastifyInstance, opts) {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })

  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: PAGE_CSP_DIRECTIVES },
    // A year, and only this host: we do not know what else runs under the parent domain.
    strictTransportSecurity: opts.baseUrl.startsWith('https://') ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  })
  // Helmet's default CORP (same-origin) would stop other sites' <img> of the wheel; feeds are public by design.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (CROSS_ORIGIN_TYPES.test(String(reply.getHeader('content-type') ?? ''))) reply.header('cross-origin-resource-policy', 'cross-origin')
    done(null, payload)
  })

  if (opts.maxEventLoopDelayMs > 0) {
    // Start-up (migrations, seeding, compiling the routes) blocks the loop by design: the samples that may
    // cover it (one a second) are not overload.
    let graceUntil = Infinity
    app.addHook('onReady', async () => { graceUntil = performance.now() + 2 * SAMPLE_INTERVAL_MS })
    await app.register(underPressure, {
      sampleInterval: SAMPLE_INTERVAL_MS,
      maxEventLoopDelay: opts.maxEventLoopDelayMs,
      pressureHandler: (request, reply, type, value) => {
        if (request.routeOptions.config?.underPressure === false || performance.now() < graceUntil) return
        request.log.warn({ type, value }, 'under pressure: 503')
        reply.code(503).header('retry-after', RETRY_AFTER_SECONDS)
        return Promise.reject(new OverloadedError())
      },
    })
  }

  const limits = opts.rateLimit
  if (limits) {
    await app.register(rateLimit, {
      // Not per route (those hooks run after auth's): one root hook, so a guessed token is counted before it is looked up.
      global: false,
      timeWindow: 60_000,
      keyGenerator: request => `${rateLimitTierOf(request)}:${normalizeIP(request.ip)}`,
      max: (_request, key) => limits[key.slice(0, key.indexOf(':')) as RateLimitTier],
      errorResponseBuilder: (request, context) => {
        const tier = rateLimitTierOf(request)
        const seconds = Math.max(1, Math.ceil(context.ttl / 1000))
        return new AppError(429, 'rate_limited', `For mange forespørsler ${TIER_TEXT[tier]} fra denne adressen: høyst ${context.max} i minuttet. Prøv igjen om ${seconds} sekunder.`)
      },
    })
    app.addHook('onRequest', app.rateLimit())
  }
  app.log.debug({ rateLimit: limits, maxEventLoopDelayMs: opts.maxEventLoopDelayMs }, 'protection')
}, { name: 'protection', dependencies: ['errors'] })

/**
 * Swagger UI's CSP (its `transformStaticCSP`, for /docs only): the pages' policy, but inline styles are
 * allowed — its highlighted examples carry style="" attributes. Scripts stay 'self'.
 */
export function docsCsp (pageCsp: string): string {
  return pageCsp.replace(/(^|;)style-src 'self'/, "$1style-src 'self' 'unsafe-inline'")
}

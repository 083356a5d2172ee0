import { isIP } from 'node:net'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

/** Where a fresh clone keeps its database; only this path's folder is created when missing. */
export const DEFAULT_DATABASE_PATH = './data/arshjul.db'

export const Config = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  DATABASE_PATH: Type.String({ minLength: 1, default: DEFAULT_DATABASE_PATH }),
  // A PostgreSQL server for shared, multi-instance deployments (issue 16); without it, the SQLite file at DATABASE_PATH.
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  // Prometheus metrics (issue 16, src/plugins/metrics.ts): GET /metrics with `Authorization: Bearer <this>`;
  // unset: /metrics answers 404. At least 16 printable characters, no spaces (e.g. `openssl rand -hex 32`).
  METRICS_TOKEN: Type.Optional(Type.String({ pattern: '^[!-~]{16,200}$' })),
  BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map(l => Type.Literal(l)), { default: 'info' }),
  SEED: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  // Some Outlook versions fail on compressed feeds; feeds are compressed only when the client asks.
  FEED_COMPRESSION: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  // Reminders (issue 5): the dispatcher inside the server, and how it delivers.
  REMINDERS: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  REMINDER_INTERVAL_SECONDS: Type.Integer({ minimum: 5, maximum: 86400, default: 60 }),
  REMINDER_SEND_HOUR: Type.Integer({ minimum: 0, maximum: 23, default: 7 }),
  REMINDER_OVERDUE_EVERY_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 7 }),
  REMINDER_OVERDUE_MAX: Type.Integer({ minimum: 0, maximum: 100, default: 6 }),
  REMINDER_ESCALATE_AFTER_DAYS: Type.Integer({ minimum: 0, maximum: 3650, default: 14 }),
  REMINDER_CATCH_UP_DAYS: Type.Integer({ minimum: 0, maximum: 60, default: 7 }),
  REMINDER_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 50, default: 8 }),
  REMINDER_RETRY_BASE_SECONDS: Type.Integer({ minimum: 1, maximum: 86400, default: 60 }),
  // How long a claimed reminder stays with its dispatcher before another may send it (longer than any send takes).
  REMINDER_LEASE_SECONDS: Type.Integer({ minimum: 1, maximum: 86400, default: 600 }),
  DIGEST_WEEKDAY: Type.Integer({ minimum: 1, maximum: 7, default: 1 }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.Optional(Type.String({ minLength: 3, maxLength: 200 })),
  // Protection (issue 13, src/plugins/protection.ts): per-address request limits in two tiers, and
  // 503 while the event loop lags.
  RATE_LIMIT: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100000, default: 600 }),
  RATE_LIMIT_CREDENTIALED_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100000, default: 120 }),
  // Sign-in attempts (links, e-mail requests, OpenID callbacks) per address and minute.
  RATE_LIMIT_SIGN_IN_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100000, default: 10 }),
  // Which hops may tell the client address in X-Forwarded-For: off, a hop count, or addresses/CIDRs.
  TRUST_PROXY: Type.String({ minLength: 1, maxLength: 1000, default: 'off' }),
  MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60000, default: 1000 }),
  // Sign-in (issue 14): a session ends after this many idle minutes, and this many hours after sign-in.
  SESSION_IDLE_MINUTES: Type.Integer({ minimum: 1, maximum: 10080, default: 120 }),
  SESSION_MAX_HOURS: Type.Integer({ minimum: 1, maximum: 720, default: 12 }),
  // OpenID Connect providers (issuer, client, which e-mail domains map to which role): a JSON file (README).
  OIDC_PROVIDERS_FILE: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  // The first admin's address on an empty user table (default admin@<BASE_URL's host>): src/services/first-admin.ts.
  ADMIN_EMAIL: Type.Optional(Type.String({ pattern: '^[^\\s@]+@[^\\s@]+\\.[A-Za-z0-9-]{2,}$', maxLength: 254 })),
})

/** A setting is missing its form or bounds; the message names each (Norwegian). */
export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export type Config = Static<typeof Config> & { BASE_URL: string; MAIL_FROM: string }

export function loadConfig (env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string> = {}
  for (const key of Object.keys(Config.properties)) {
    const v = env[key]
    if (v !== undefined && v !== '') picked[key] = v
  }
  // TypeBox's Convert truncates "3.5" to 3: a whole-number setting must be written as one.
  const notWhole = Object.entries(picked).filter(([key, v]) => (Config.properties as Record<string, { type?: unknown }>)[key]?.type === 'integer' && !/^\d+$/.test(v.trim()))
  if (notWhole.length > 0) throw new ConfigError(`Ugyldig konfigurasjon: ${notWhole.map(([key, v]) => `${key} må være et helt tall, ikke «${v}»`).join('; ')}`)
  const value = Value.Convert(Config, Value.Default(Config, picked))
  if (!Value.Check(Config, value)) {
    const problems = [...Value.Errors(Config, value)].map(e => `${e.instancePath.slice(1) || 'config'} ${e.message}`)
    throw new ConfigError(`Ugyldig konfigurasjon: ${problems.join('; ')}`)
  }
  const config = value as Static<typeof Config>
  const trustProxy = trustProxyProblem(config.TRUST_PROXY)
  if (trustProxy) throw new ConfigError(`Ugyldig konfigurasjon: TRUST_PROXY ${trustProxy}`)
  const baseUrl = (config.BASE_URL ?? `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`).replace(/\/+$/, '')
  return { ...config, BASE_URL: baseUrl, MAIL_FROM: config.MAIL_FROM ?? `Årshjul <arshjul@${mailDomainOf(baseUrl)}>` }
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** Why a TRUST_PROXY value is unusable (Norwegian), or undefined when it is fine. */
function trustProxyProblem (value: string): string | undefined {
  if (value === 'off' || /^[1-9][0-9]?$/.test(value)) return undefined
  for (const entry of value.split(',').map(e => e.trim())) {
    if (PROXY_NAMES.has(entry)) continue
    const [address = '', prefix, ...rest] = entry.split('/')
    const family = isIP(address)
    const maxPrefix = family === 6 ? 128 : 32
    if (family === 0 || rest.length > 0 || (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix))) {
      return `må være off, et antall ledd (1–99) eller en kommaseparert liste av IP-adresser, CIDR-nett og loopback/linklocal/uniquelocal; «${entry}» er ingen av delene`
    }
  }
  return undefined
}

/**
 * Fastify's `trustProxy` for a TRUST_PROXY value (validated by loadConfig): `off` → false (the socket's
 * address is the client); `2` → the two nearest hops of X-Forwarded-For are proxies (written as
 * proxy-addr's hop function, which Fastify uses for a number too); else the list of proxies (addresses,
 * CIDR ranges or proxy-addr's names) whose X-Forwarded-For is believed.
 */
export function trustProxyOption (value: string | undefined): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (value === undefined || value === 'off') return false
  if (/^[1-9][0-9]?$/.test(value)) {
    const hops = Number(value)
    return (_address, hop) => hop < hops
  }
  return value.split(',').map(e => e.trim())
}

/** The domain for our e-mail addresses and Message-IDs: the public host, or 'localhost' for an IP address. */
export function mailDomainOf (baseUrl: string): string {
  const host = new URL(baseUrl).hostname
  return /^[\d.]+$|^\[|:/.test(host) ? 'localhost' : host
}

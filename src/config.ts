import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

export const Config = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  DATABASE_PATH: Type.String({ minLength: 1, default: './data/arshjul.db' }),
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
  DIGEST_WEEKDAY: Type.Integer({ minimum: 1, maximum: 7, default: 1 }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.Optional(Type.String({ minLength: 3, maxLength: 200 })),
})
export type Config = Static<typeof Config> & { BASE_URL: string; MAIL_FROM: string }

export function loadConfig (env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string> = {}
  for (const key of Object.keys(Config.properties)) {
    const v = env[key]
    if (v !== undefined && v !== '') picked[key] = v
  }
  const value = Value.Convert(Config, Value.Default(Config, picked))
  if (!Value.Check(Config, value)) {
    const problems = [...Value.Errors(Config, value)].map(e => `${e.instancePath.slice(1) || 'config'} ${e.message}`)
    throw new Error(`Ugyldig konfigurasjon: ${problems.join('; ')}`)
  }
  const config = value as Static<typeof Config>
  const baseUrl = (config.BASE_URL ?? `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`).replace(/\/+$/, '')
  return { ...config, BASE_URL: baseUrl, MAIL_FROM: config.MAIL_FROM ?? `Årshjul <arshjul@${mailDomainOf(baseUrl)}>` }
}

/** The domain for our e-mail addresses and Message-IDs: the public host, or 'localhost' for an IP address. */
export function mailDomainOf (baseUrl: string): string {
  const host = new URL(baseUrl).hostname
  return /^[\d.]+$|^\[|:/.test(host) ? 'localhost' : host
}

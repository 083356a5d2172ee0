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
})
export type Config = Static<typeof Config> & { BASE_URL: string }

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
  return { ...config, BASE_URL: baseUrl }
}

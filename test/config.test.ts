import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, trustProxyOption } from '../src/config.js'

describe('loadConfig', () => {
  it('defaults: port 3000 on 127.0.0.1, the data directory, and a base URL derived from them', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3000, HOST: '127.0.0.1', DATABASE_PATH: './data/arshjul.db', BASE_URL: 'http://127.0.0.1:3000', LOG_LEVEL: 'info', SEED: 'on',
    })
  })

  it('treats empty variables as unset and ignores variables it does not know', () => {
    expect(loadConfig({ PORT: '', HOST: '', BASE_URL: '', UNRELATED: 'x' })).toEqual(loadConfig({}))
  })

  it('takes overrides, converting PORT to a number and deriving BASE_URL from them', () => {
    const config = loadConfig({ PORT: '8080', HOST: 'arshjul.local', DATABASE_PATH: '/var/lib/arshjul/db.sqlite', LOG_LEVEL: 'debug', SEED: 'off' })
    expect(config).toMatchObject({
      PORT: 8080, HOST: 'arshjul.local', DATABASE_PATH: '/var/lib/arshjul/db.sqlite', BASE_URL: 'http://arshjul.local:8080', LOG_LEVEL: 'debug', SEED: 'off',
    })
  })

  it('listening on all interfaces still derives a reachable base URL', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '4000' }).BASE_URL).toBe('http://127.0.0.1:4000')
  })

  it('an explicit BASE_URL wins, with trailing slashes stripped', () => {
    expect(loadConfig({ BASE_URL: 'https://arshjul.example.no/' }).BASE_URL).toBe('https://arshjul.example.no')
    expect(loadConfig({ BASE_URL: 'https://arshjul.example.no/api//' }).BASE_URL).toBe('https://arshjul.example.no/api')
    expect(loadConfig({ BASE_URL: 'http://localhost:3000', PORT: '9999' }).BASE_URL).toBe('http://localhost:3000')
  })

  it.each(['abc', '70000', '65536', '-1', '3000abc', '3.5', '1e3', '0x10'])('an invalid PORT %j throws an error naming PORT', port => {
    expect(() => loadConfig({ PORT: port })).toThrow(/PORT/)
  })

  it('a whole-number setting written as a fraction is refused, not truncated', () => {
    expect(() => loadConfig({ PORT: '3.5' })).toThrow('Ugyldig konfigurasjon: PORT må være et helt tall, ikke «3.5»')
    expect(() => loadConfig({ REMINDER_SEND_HOUR: '7.9' })).toThrow(/REMINDER_SEND_HOUR må være et helt tall/)
  })

  it('other invalid values are refused too, each named', () => {
    expect(() => loadConfig({ BASE_URL: 'ftp://arshjul.example.no' })).toThrow(/BASE_URL/)
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/)
    expect(() => loadConfig({ SEED: 'yes' })).toThrow(/SEED/)
  })

  it('reminders: on by default, every minute from 07:00, weekly overdue reminders and escalation after 14 days', () => {
    expect(loadConfig({})).toMatchObject({
      REMINDERS: 'on',
      REMINDER_INTERVAL_SECONDS: 60,
      REMINDER_SEND_HOUR: 7,
      REMINDER_OVERDUE_EVERY_DAYS: 7,
      REMINDER_OVERDUE_MAX: 6,
      REMINDER_ESCALATE_AFTER_DAYS: 14,
      REMINDER_CATCH_UP_DAYS: 7,
      REMINDER_MAX_ATTEMPTS: 8,
      REMINDER_RETRY_BASE_SECONDS: 60,
      DIGEST_WEEKDAY: 1,
      MAIL_FROM: 'Årshjul <arshjul@localhost>',
    })
    expect(loadConfig({}).SMTP_URL).toBeUndefined()
    expect(loadConfig({ BASE_URL: 'https://arshjul.example.no' }).MAIL_FROM).toBe('Årshjul <arshjul@arshjul.example.no>')
    expect(loadConfig({ REMINDERS: 'off', SMTP_URL: 'smtps://u:p@smtp.example.no:465', MAIL_FROM: 'Kari <kari@example.no>', REMINDER_INTERVAL_SECONDS: '300' }))
      .toMatchObject({ REMINDERS: 'off', SMTP_URL: 'smtps://u:p@smtp.example.no:465', MAIL_FROM: 'Kari <kari@example.no>', REMINDER_INTERVAL_SECONDS: 300 })
  })

  it('refuses invalid reminder settings, each named', () => {
    expect(() => loadConfig({ REMINDERS: 'yes' })).toThrow(/REMINDERS/)
    expect(() => loadConfig({ REMINDER_INTERVAL_SECONDS: '1' })).toThrow(/REMINDER_INTERVAL_SECONDS/)
    expect(() => loadConfig({ REMINDER_SEND_HOUR: '24' })).toThrow(/REMINDER_SEND_HOUR/)
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.no' })).toThrow(/SMTP_URL/)
    expect(() => loadConfig({ DIGEST_WEEKDAY: '0' })).toThrow(/DIGEST_WEEKDAY/)
  })

  it('protection: rate limits on (600 anonymous, 120 with credentials a minute), no proxy trusted, 503 above 1000 ms of event-loop lag', () => {
    expect(loadConfig({})).toMatchObject({
      RATE_LIMIT: 'on', RATE_LIMIT_ANONYMOUS_PER_MINUTE: 600, RATE_LIMIT_CREDENTIALED_PER_MINUTE: 120, TRUST_PROXY: 'off', MAX_EVENT_LOOP_DELAY_MS: 1000,
    })
    expect(loadConfig({ RATE_LIMIT: 'off', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000', RATE_LIMIT_CREDENTIALED_PER_MINUTE: '1', MAX_EVENT_LOOP_DELAY_MS: '0', TRUST_PROXY: '10.0.0.0/8, loopback' }))
      .toMatchObject({ RATE_LIMIT: 'off', RATE_LIMIT_ANONYMOUS_PER_MINUTE: 100000, RATE_LIMIT_CREDENTIALED_PER_MINUTE: 1, MAX_EVENT_LOOP_DELAY_MS: 0, TRUST_PROXY: '10.0.0.0/8, loopback' })
  })

  it('refusals are ConfigErrors (the server prints them as one line)', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError)
    expect(() => loadConfig({ TRUST_PROXY: 'on' })).toThrow(ConfigError)
  })

  it('refuses invalid protection settings, each named', () => {
    expect(() => loadConfig({ RATE_LIMIT: 'no' })).toThrow(/RATE_LIMIT/)
    expect(() => loadConfig({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0' })).toThrow(/RATE_LIMIT_ANONYMOUS_PER_MINUTE/)
    expect(() => loadConfig({ RATE_LIMIT_CREDENTIALED_PER_MINUTE: '100001' })).toThrow(/RATE_LIMIT_CREDENTIALED_PER_MINUTE/)
    expect(() => loadConfig({ MAX_EVENT_LOOP_DELAY_MS: '-1' })).toThrow(/MAX_EVENT_LOOP_DELAY_MS/)
    expect(() => loadConfig({ MAX_EVENT_LOOP_DELAY_MS: '60001' })).toThrow(/MAX_EVENT_LOOP_DELAY_MS/)
    for (const bad of ['on', 'true', '0', '100', '10.0.0.0/33', '::1/129', '10.0.0', 'proxy.example.no', '10.0.0.1/8/8']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/)
    }
  })

  it('TRUST_PROXY as Fastify\'s trustProxy: off, a hop count, or the proxies\' addresses', () => {
    expect(trustProxyOption('off')).toBe(false)
    expect(trustProxyOption(undefined)).toBe(false)
    expect(trustProxyOption('127.0.0.1, 10.0.0.0/8,::1,loopback')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'loopback'])
    const hops = trustProxyOption('2') as (address: string, hop: number) => boolean
    expect([0, 1, 2].map(hop => hops('10.0.0.1', hop))).toEqual([true, true, false])
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

const TOKEN = 'metrics-test-token-0123456789'

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

async function appWith (config: { METRICS_TOKEN?: string } = { METRICS_TOKEN: TOKEN }): Promise<TestApp> {
  const t = await buildTestApp({ config })
  cleanup.push(() => t.close())
  return t
}

async function scrape (t: TestApp): Promise<string> {
  const res = await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
  expect(res.statusCode).toBe(200)
  return res.body
}

/** The value of one sample (`name{labels} value`), or undefined when the exposition has no such line. */
function sample (text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`)
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const have = m[2] ? m[2].split(/,(?=[a-zA-Z_]+=")/) : []
    if (wanted.length === have.length && wanted.every(l => have.includes(l))) return Number(m[3])
  }
  return undefined
}

describe('GET /metrics', () => {
  it('answers 404 when METRICS_TOKEN is not set, also to an admin', async () => {
    const t = await appWith({})
    expect((await t.app.inject('/metrics')).statusCode).toBe(404)
    expect((await t.app.inject({ url: '/metrics', headers: t.auth(t.tokens.admin) })).statusCode).toBe(404)
  })

  it('answers 401 without the token, with a wrong one and with an API token; 200 in Prometheus text format with it', async () => {
    const t = await appWith()
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: `Bearer ${TOKEN}x` }, t.auth(t.tokens.admin), { authorization: TOKEN }]) {
      const res = await t.app.inject({ url: '/metrics', headers })
      expect(res.statusCode).toBe(401)
      expect(res.json()).toMatchObject({ statusCode: 401, code: 'metrics.unauthorized' })
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"')
      expect(res.body).not.toContain(TOKEN)
    }
    const res = await t.app.inject({ url: '/metrics', headers: { authorization: `bearer ${TOKEN}` } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.body).toMatch(/^# HELP /m)
    // Node's default metrics, event-loop lag among them.
    expect(res.body).toMatch(/^nodejs_eventloop_lag_seconds /m)
    expect(res.body).toMatch(/^nodejs_eventloop_lag_p99_seconds /m)
    expect(res.body).toMatch(/^process_resident_memory_bytes /m)
  })

  it('times each request under its route pattern, never the raw URL', async () => {
    const t = await appWith()
    expect((await t.app.inject('/api/v1/municipalities/oyer?fields=x')).statusCode).toBeLessThan(500)
    expect((await t.app.inject('/api/v1/municipalities/oyer')).statusCode).toBe(200)
    expect((await t.app.inject('/api/v1/municipalities/atlantis')).statusCode).toBe(404)
    expect((await t.app.inject('/no/such/page/12345')).statusCode).toBe(404)
    const text = await scrape(t)
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/municipalities/:ref', status_code: '200' })).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/municipalities/:ref', status_code: '404' })).toBe(1)
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1)
    expect(sample(text, 'http_request_duration_seconds_bucket', { le: '+Inf', method: 'GET', route: '/api/v1/municipalities/:ref', status_code: '404' })).toBe(1)
    expect(text).not.toMatch(/oyer|atlantis|12345|fields=/)
  })

  it('reports the reminder outbox depth by status, as the reminders service counts it', async () => {
    const t = await appWith()
    const sub = await t.repos.subscriptions.insert({ name: 'Kari', channel: 'email', email: 'kari@oyer.kommune.no', webhookUrl: null, webhookSecret: null, municipalityId: null, collaborationId: null, bodyId: null, eventTypes: ['arsregnskap_avlagt'], digest: false, active: true }, Date.now())
    const row = (key: string) => ({ outboxKey: key, messageId: `<${key}@arshjul.test>`, kind: 'overdue' as const, occurrenceId: null, reminderKey: `overdue-1@${key}`, recipient: 'mailto:kari@oyer.kommune.no', subscriptionId: sub.id, channel: 'email' as const, municipalityId: null, sendOn: '2027-03-01', dueDate: '2027-02-22', payload: {} })
    const now = Date.parse('2027-03-01T07:00:00Z')
    await t.repos.outbox.enqueue(['a', 'b', 'c'].map(row), now)
    const [claimed] = await t.repos.outbox.claim({ worker: 'w', now, leaseMs: 60_000, limit: 1, channels: ['email'] })
    await t.repos.outbox.markSent(claimed!.id, now + 5000, '250 OK')

    const counts = await t.services.reminders.outboxCounts()
    expect(counts).toEqual({ pending: 2, sending: 0, sent: 1, failed: 0, cancelled: 0 })
    const text = await scrape(t)
    for (const [status, n] of Object.entries(counts)) expect(sample(text, 'arshjul_reminder_outbox_depth', { status })).toBe(n)
  })

  it('counts a feed served twice as one miss, then one hit', async () => {
    const t = await appWith()
    const before = await scrape(t)
    expect(sample(before, 'arshjul_feed_cache_lookups_total', { result: 'hit' })).toBe(0)
    expect(sample(before, 'arshjul_feed_cache_lookups_total', { result: 'miss' })).toBe(0)
    expect((await t.app.inject('/feeds/municipalities/oyer.ics')).statusCode).toBe(200)
    expect((await t.app.inject('/feeds/municipalities/oyer.ics')).statusCode).toBe(200)
    const after = await scrape(t)
    expect(sample(after, 'arshjul_feed_cache_lookups_total', { result: 'miss' })).toBe(1)
    expect(sample(after, 'arshjul_feed_cache_lookups_total', { result: 'hit' })).toBe(1)
  })

  it('keeps each app\'s metrics apart (a registry per app)', async () => {
    const a = await appWith()
    const b = await appWith()
    await a.app.inject('/api/v1/municipalities/oyer')
    await a.app.inject('/api/v1/municipalities/oyer')
    const labels = { method: 'GET', route: '/api/v1/municipalities/:ref', status_code: '200' }
    expect(sample(await scrape(a), 'http_request_duration_seconds_count', labels)).toBe(2)
    expect(sample(await scrape(b), 'http_request_duration_seconds_count', labels)).toBeUndefined()
  })
})

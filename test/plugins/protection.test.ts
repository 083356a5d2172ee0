import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, buildTestDependencies, type TestApp } from '../helpers/app.js'
import { buildApp } from '../../src/app.js'
import errorsPlugin from '../../src/plugins/errors.js'
import protectionPlugin, { protectionOptionsOf } from '../../src/plugins/protection.js'
import type { Config } from '../../src/config.js'

// Real HTTP: the limits key on the socket's address, and the headers are the ones a client sees.
const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

async function listening (config: Partial<Config>, extra?: (t: TestApp) => void) {
  const t = await buildTestApp({ config })
  extra?.(t)
  cleanup.push(() => t.close())
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = t.app.server.address() as { port: number }
  const base = `http://127.0.0.1:${port}`
  // The body is read at once: an unread large body holds the connection, and app.close() waits for it.
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${url}`, { headers })
    return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers })
  }
  return { t, base, get }
}

/** Our one error shape, with the request id of the reply's header. */
function expectErrorShape (res: Response, body: unknown, statusCode: number, error: string, code: string) {
  expect(body).toEqual({ statusCode, error, code, message: expect.any(String), details: [], requestId: res.headers.get('x-request-id') })
}

/** Blocks the event loop for `ms` without yielding: what a runaway computation does to the server. */
function busyWait (ms: number) {
  const end = performance.now() + ms
  while (performance.now() < end) { /* block */ }
}

describe('overload: under-pressure', () => {
  const URL = '/api/v1/municipalities'
  /** Waits (bounded) until the server answers 200 again: setting the app up blocked the loop too. */
  async function settled (get: (url: string) => Promise<Response>) {
    let status = 503
    for (let round = 0; round < 100 && status === 503; round++) {
      const res = await get(URL)
      status = res.status
      await res.arrayBuffer()
      if (status === 503) await new Promise(resolve => setTimeout(resolve, 50))
    }
    expect(status).toBe(200)
  }
  it('answers 503 with Retry-After and our error shape while the event loop lags, and recovers', async () => {
    const { get } = await listening({ MAX_EVENT_LOOP_DELAY_MS: 20 })
    await settled(get)

    // Lag the loop by 100 ms a round until the once-a-second sample notices; each round's request is answered in between.
    let res: Response | undefined
    for (let round = 0; round < 100; round++) {
      busyWait(100)
      res = await get(URL)
      if (res.status === 503) break
      await res.arrayBuffer()
    }
    expect(res!.status).toBe(503)
    expect(res!.headers.get('retry-after')).toBe('10')
    const body = await res!.json() as { message: string }
    expectErrorShape(res!, body, 503, 'Service Unavailable', 'server.overloaded')
    expect(body.message).toMatch(/overbelastet/)
    expect(res!.headers.get('x-content-type-options')).toBe('nosniff')
    // /health still answers: it tells whether the process and the database live.
    expect((await get('/health')).status).toBe(200)

    // Once the loop is free again, the next sample lets requests through.
    await settled(get)
  })

  it('MAX_EVENT_LOOP_DELAY_MS=0 turns the check off', async () => {
    const { get } = await listening({ MAX_EVENT_LOOP_DELAY_MS: 0 })
    for (let round = 0; round < 15; round++) {
      busyWait(100)
      const res = await get(URL)
      expect(res.status).toBe(200)
      await res.arrayBuffer()
    }
  })
})

describe('rate limits', () => {
  const limited = { RATE_LIMIT: 'on', RATE_LIMIT_ANONYMOUS_PER_MINUTE: 3, RATE_LIMIT_CREDENTIALED_PER_MINUTE: 2 } as const

  async function expect429 (res: Response, limit: number, tier: RegExp) {
    expect(res.status).toBe(429)
    expect(res.headers.get('x-ratelimit-limit')).toBe(String(limit))
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0)
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeLessThanOrEqual(60)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    const body = await res.json() as { message: string }
    expectErrorShape(res, body, 429, 'Too Many Requests', 'rate_limited')
    expect(body.message).toMatch(/^For mange forespørsler/)
    expect(body.message).toMatch(tier)
    expect(body.message).toContain(`høyst ${limit} i minuttet`)
  }

  it('anonymous reads: the limit a minute with the standard headers, then 429; requests with a token have their own budget', async () => {
    const { t, get } = await listening(limited)
    for (const remaining of [2, 1, 0]) {
      const res = await get('/api/v1/municipalities')
      expect(res.status).toBe(200)
      expect(res.headers.get('x-ratelimit-limit')).toBe('3')
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(remaining))
    }
    await expect429(await get('/feeds/municipalities/oyer.ics'), 3, /uten innlogging/)

    // The anonymous budget being spent does not touch the credentialed one.
    const withToken = await get('/api/v1/municipalities', t.auth(t.tokens.admin))
    expect(withToken.status).toBe(200)
    expect(withToken.headers.get('x-ratelimit-limit')).toBe('2')
    expect(withToken.headers.get('x-ratelimit-remaining')).toBe('1')
  })

  it('requests with credentials: the stricter limit, counted before the token is looked up; anonymous reads go on', async () => {
    const { t, get } = await listening(limited)
    expect((await get('/api/v1/municipalities', t.auth(t.tokens.admin))).status).toBe(200)
    // An unknown token is refused (401) and counted, like a correct one.
    expect((await get('/api/v1/municipalities', t.auth('gjettet-token'))).status).toBe(401)
    // Spent: a third guess gets 429 without reaching the token lookup.
    await expect429(await get('/api/v1/municipalities', t.auth('gjettet-token-2')), 2, /med innlogging eller token/)
    await expect429(await get('/api/v1/municipalities', t.auth(t.tokens.admin)), 2, /med innlogging eller token/)

    const anonymous = await get('/api/v1/municipalities')
    expect(anonymous.status).toBe(200)
    expect(anonymous.headers.get('x-ratelimit-limit')).toBe('3')
    expect(anonymous.headers.get('x-ratelimit-remaining')).toBe('2')
  })

  it('a route may put anonymous callers in the credentialed tier (sign-in), sharing its budget', async () => {
    const { get } = await listening(limited, t => {
      t.app.get('/test/sign-in', { config: { rateLimitTier: 'credentialed' } }, async () => ({ ok: true }))
    })
    const first = await get('/test/sign-in')
    expect(first.status).toBe(200)
    expect(first.headers.get('x-ratelimit-limit')).toBe('2')
    expect((await get('/test/sign-in')).status).toBe(200)
    await expect429(await get('/test/sign-in'), 2, /med innlogging eller token/)
    expect((await get('/api/v1/municipalities')).status).toBe(200)
  })

  it('unknown addresses count too: a 404 uses the budget', async () => {
    const { get } = await listening({ ...limited, RATE_LIMIT_ANONYMOUS_PER_MINUTE: 1 })
    expect((await get('/finnes-ikke')).status).toBe(404)
    await expect429(await get('/api/v1/municipalities'), 1, /uten innlogging/)
  })

  it('RATE_LIMIT=off: no limits and no rate-limit headers', async () => {
    const { get } = await listening({ RATE_LIMIT: 'off', RATE_LIMIT_ANONYMOUS_PER_MINUTE: 1 })
    for (let i = 0; i < 5; i++) {
      const res = await get('/health')
      expect(res.status).toBe(200)
      expect(res.headers.get('x-ratelimit-limit')).toBeNull()
    }
  })

  it('TRUST_PROXY: behind a trusted proxy each client address has its own budget; otherwise X-Forwarded-For is ignored', async () => {
    const proxied = await listening({ ...limited, RATE_LIMIT_ANONYMOUS_PER_MINUTE: 1, TRUST_PROXY: 'loopback' })
    expect((await proxied.get('/health', { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200)
    await expect429(await proxied.get('/health', { 'x-forwarded-for': '203.0.113.7' }), 1, /uten innlogging/)
    expect((await proxied.get('/health', { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200)

    const direct = await listening({ ...limited, RATE_LIMIT_ANONYMOUS_PER_MINUTE: 1, TRUST_PROXY: 'off' })
    expect((await direct.get('/health', { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200)
    await expect429(await direct.get('/health', { 'x-forwarded-for': '203.0.113.8' }), 1, /uten innlogging/)
  })
})

describe('security headers (helmet)', () => {
  const PAGE_CSP = "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'self'"
  const SVG_CSP = "default-src 'none';style-src 'unsafe-inline';frame-ancestors *"

  it('JSON, pages, feeds and the SVG carry them; the pages get their CSP, the SVG its own stricter one', async () => {
    const { get } = await listening({})
    const replies = {
      json: await get('/api/v1/municipalities'),
      page: await get('/arshjul?municipality=oyer&year=2027'),
      error: await get('/finnes-ikke'),
      feed: await get('/feeds/municipalities/oyer.ics'),
      svg: await get('/arshjul.svg?municipality=oyer&year=2027'),
    }
    for (const [name, res] of Object.entries(replies)) {
      expect(res.status, name).toBe(name === 'error' ? 404 : 200)
      expect(res.headers.get('x-content-type-options'), name).toBe('nosniff')
      expect(res.headers.get('referrer-policy'), name).toBe('no-referrer')
      expect(res.headers.get('cross-origin-opener-policy'), name).toBe('same-origin')
      // The test app's BASE_URL is https.
      expect(res.headers.get('strict-transport-security'), name).toBe('max-age=31536000')
    }
    for (const name of ['json', 'page', 'error', 'feed'] as const) {
      expect(replies[name].headers.get('content-security-policy'), name).toBe(PAGE_CSP)
      expect(replies[name].headers.get('x-frame-options'), name).toBe('SAMEORIGIN')
    }
    expect(replies.svg.headers.get('content-security-policy')).toBe(SVG_CSP)
    expect(replies.svg.headers.get('x-frame-options')).toBeNull()
    // Other sites embed the wheel (<img>) and calendar clients subscribe to feeds: not same-origin only.
    expect(replies.svg.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
    expect(replies.feed.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
    expect(replies.json.headers.get('cross-origin-resource-policy')).toBe('same-origin')
    expect(replies.page.headers.get('cross-origin-resource-policy')).toBe('same-origin')
    // Feeds keep their own caching headers under helmet.
    expect(replies.feed.headers.get('content-type')).toMatch(/^text\/calendar/)
    expect(replies.feed.headers.get('etag')).toBeTruthy()
  })

  it('/docs gets the page CSP with inline styles allowed (Swagger UI), scripts still from our origin only', async () => {
    const { get } = await listening({})
    const csp = (await get('/docs/static/index.html')).headers.get('content-security-policy')
    expect(csp).toBe(PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"))
  })

  it('HSTS only when BASE_URL is https', async () => {
    for (const [baseUrl, hsts] of [['http://arshjul.example.no', null], ['https://arshjul.example.no', 'max-age=31536000']] as const) {
      const app = Fastify()
      cleanup.push(() => app.close())
      await app.register(errorsPlugin)
      await app.register(protectionPlugin, protectionOptionsOf({ BASE_URL: baseUrl, RATE_LIMIT: 'off', MAX_EVENT_LOOP_DELAY_MS: 0 }))
      app.get('/x', async () => ({ ok: true }))
      const res = await app.inject('/x')
      expect(res.headers['strict-transport-security'], baseUrl).toBe(hsts ?? undefined)
      expect(res.headers['x-content-type-options']).toBe('nosniff')
    }
  })
})

describe('request ids', () => {
  it('generates one, keeps a safe incoming X-Request-Id, replaces an unsafe one, and echoes it', async () => {
    const { get } = await listening({})
    expect((await get('/health')).headers.get('x-request-id')).toMatch(UUID)
    const a = (await get('/health')).headers.get('x-request-id')
    expect((await get('/health')).headers.get('x-request-id')).not.toBe(a)

    expect((await get('/health', { 'x-request-id': 'lb-7f3a.2027:01_x' })).headers.get('x-request-id')).toBe('lb-7f3a.2027:01_x')
    expect((await get('/health', { 'x-request-id': 'x'.repeat(64) })).headers.get('x-request-id')).toBe('x'.repeat(64))
    for (const unsafe of ['x'.repeat(65), 'a b', 'a"b', '<script>', 'æøå', 'a/b', '']) {
      expect((await get('/health', { 'x-request-id': unsafe })).headers.get('x-request-id'), unsafe).toMatch(UUID)
    }
  })

  it("an error reply's requestId equals the header, generated or given", async () => {
    const { get } = await listening({})
    const generated = await get('/api/v1/municipalities/finnes-ikke')
    expect(generated.status).toBe(404)
    expect(((await generated.json()) as { requestId: string }).requestId).toBe(generated.headers.get('x-request-id'))
    const given = await get('/api/v1/rules?from=2027-02-30', { 'x-request-id': 'abc-123' })
    expect(given.status).toBe(400)
    expect(((await given.json()) as { requestId: string }).requestId).toBe('abc-123')
  })

  it('every request log line and the 500 log carry reqId, the same as the header', async () => {
    const lines: Array<Record<string, unknown>> = []
    const stream = new Writable({ write (chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean).map(l => JSON.parse(l) as Record<string, unknown>)); done() } })
    const { deps, dir } = await buildTestDependencies({ config: { RATE_LIMIT: 'off', MAX_EVENT_LOOP_DELAY_MS: 0 } })
    const app = await buildApp(deps, { logger: { level: 'info', stream } })
    app.get('/test/boom', async () => { throw new Error('boom') })
    cleanup.push(async () => { await app.close(); (await import('node:fs')).rmSync(dir, { recursive: true, force: true }) })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }

    const ok = await fetch(`http://127.0.0.1:${port}/health`, { headers: { 'x-request-id': 'req-ok-1' } })
    const boom = await fetch(`http://127.0.0.1:${port}/test/boom`)
    expect(boom.status).toBe(500)
    const boomId = boom.headers.get('x-request-id')!
    expect(((await boom.json()) as { requestId: string }).requestId).toBe(boomId)
    await ok.text()

    const of = (id: string) => lines.filter(l => l.reqId === id).map(l => l.msg)
    expect(of('req-ok-1')).toEqual(['incoming request', 'request completed'])
    expect(of(boomId)).toEqual(['incoming request', 'unhandled error', 'request completed'])
    // No request line without its id.
    expect(lines.filter(l => /request|error/.test(String(l.msg)) && l.reqId === undefined)).toEqual([])
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeAll(async () => { t = await buildTestApp() })
afterAll(async () => { await t.close() })

interface OpenApi {
  openapi: string
  info: { title: string; version: string }
  paths: Record<string, Record<string, unknown>>
  components: { schemas: Record<string, { type?: string; properties?: Record<string, unknown> }>; securitySchemes: Record<string, unknown> }
}

describe('GET /docs/json', () => {
  let spec: OpenApi
  beforeAll(async () => {
    const res = await t.app.inject('/docs/json')
    expect(res.statusCode).toBe(200)
    spec = res.json()
  })

  it('is an OpenAPI 3 document describing this API', () => {
    expect(spec.openapi).toMatch(/^3\./)
    expect(spec.info.title).toBe('Årshjul API')
    expect(spec.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer' } })
  })

  it('has the main paths, with path parameters in OpenAPI form', () => {
    for (const p of ['/api/v1/municipalities', '/api/v1/collaborations/{ref}', '/api/v1/rules', '/api/v1/occurrences']) {
      expect(Object.keys(spec.paths)).toContain(p)
    }
    expect(spec.paths['/api/v1/collaborations/{ref}']).toHaveProperty('get')
    expect(spec.paths['/api/v1/imports']).toHaveProperty('post')
    expect(Object.keys(spec.paths).some(p => p.includes(':'))).toBe(false)
  })

  it('documents prefixed list routes without a trailing slash, and both spellings answer', async () => {
    expect(Object.keys(spec.paths).filter(p => p.length > 1 && p.endsWith('/'))).toEqual([])
    expect(spec.paths['/api/v1/municipalities']).toHaveProperty('get')
    expect(spec.paths['/api/v1/municipalities']).toHaveProperty('post')
    for (const url of ['/api/v1/municipalities', '/api/v1/municipalities/']) {
      const res = await t.app.inject(url)
      expect(res.statusCode).toBe(200)
      expect(res.json().pagination.totalElements).toBe(8)
    }
  })

  it('names the shared component schemas', () => {
    for (const name of ['Municipality', 'Collaboration', 'Body', 'ErrorReply']) expect(Object.keys(spec.components.schemas)).toContain(name)
    expect(Object.keys(spec.components.schemas.ErrorReply!.properties ?? {}).sort()).toEqual(['code', 'details', 'error', 'message', 'requestId', 'statusCode'])
  })
})

describe('GET /docs', () => {
  it('serves the Swagger UI as HTML', async () => {
    let res = await t.app.inject('/docs')
    // Some versions redirect to the static index first.
    if (res.statusCode >= 300 && res.statusCode < 400) res = await t.app.inject(res.headers.location as string)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.body).toMatch(/<html/i)
  })
})

describe('error replies', () => {
  const KEYS = ['code', 'details', 'error', 'message', 'requestId', 'statusCode']

  it('a 404 for an unknown route has exactly the ErrorReply keys and no stack', async () => {
    const res = await t.app.inject('/api/v1/does-not-exist')
    expect(res.statusCode).toBe(404)
    expect(Object.keys(res.json()).sort()).toEqual(KEYS)
    expect(res.json()).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'route.not_found', details: [] })
    expect(res.body).not.toMatch(/stack|at .*\.ts:\d+/)
  })

  it('a 404 for an unknown collaboration has exactly the ErrorReply keys and no stack', async () => {
    const res = await t.app.inject('/api/v1/collaborations/finnes-ikke')
    expect(res.statusCode).toBe(404)
    expect(Object.keys(res.json()).sort()).toEqual(KEYS)
    expect(res.json()).toMatchObject({ statusCode: 404, error: 'Not Found' })
    expect(res.body).not.toMatch(/stack|at .*\.ts:\d+/)
  })

  it('a 400 for a bad query has exactly the ErrorReply keys, with a detail per problem and no stack', async () => {
    const res = await t.app.inject('/api/v1/collaborations?limit=0')
    expect(res.statusCode).toBe(400)
    const body = res.json()
    expect(Object.keys(body).sort()).toEqual(KEYS)
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'validation_failed' })
    expect(body.details).toEqual([expect.objectContaining({ path: 'querystring/limit' })])
    expect(res.body).not.toMatch(/stack|at .*\.ts:\d+/)
  })

  it('a 400 for malformed JSON has exactly the ErrorReply keys and no stack', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/collaborations', headers: { ...t.auth(t.tokens.admin), 'content-type': 'application/json' }, payload: '{"slug": ' })
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json()).sort()).toEqual(KEYS)
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'invalid_body', details: [] })
    expect(res.body).not.toMatch(/stack|at .*\.ts:\d+/)
  })
})

// The API contract of issue 10, over the document itself so that new routes are held to it.
interface Param { name: string; in: string; required?: boolean; schema?: { enum?: string[] } }
interface Response { description?: string; content?: Record<string, { schema?: Schema }> }
interface Schema { $ref?: string; type?: string; properties?: Record<string, Schema> }
interface Op { operationId?: string; parameters?: Param[]; responses: Record<string, Response>; security?: unknown[] }

describe('the API contract in /docs/json', () => {
  let spec: { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, Schema> } }
  let plan: number
  beforeAll(async () => {
    spec = (await t.app.inject('/docs/json')).json()
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/kontroll/plans',
      headers: t.auth(t.tokens.admin),
      payload: { type: 'forvaltningsrevisjon', electionYear: 2023, title: 'Plan for forvaltningsrevisjon Øyer', bodies: ['oyer-kontrollutvalg'] },
    })
    expect(res.statusCode, res.body).toBe(201)
    plan = res.json().id
  })

  const ops = () => Object.entries(spec.paths).flatMap(([path, o]) => Object.entries(o).map(([method, op]) => ({ path, method: method.toUpperCase(), op })))
  const resolve = (s: Schema | undefined): Schema | undefined => {
    const ref = s?.$ref?.replace('#/components/schemas/', '')
    return ref ? resolve(spec.components.schemas[ref]) : s
  }
  const success = (op: Op) => Object.entries(op.responses).filter(([status]) => /^2/.test(status))
  const mediaTypes = (op: Op) => success(op).flatMap(([, r]) => Object.keys(r.content ?? {}))
  const isListSchema = (op: Op) => success(op).some(([, r]) => {
    const props = resolve(r.content?.['application/json']?.schema)?.properties ?? {}
    return 'data' in props && 'pagination' in props && 'links' in props
  })

  it('gives every operation a unique operationId derived from its method and path', () => {
    const ids = ops().map(o => o.op.operationId)
    expect(ids.every(id => typeof id === 'string' && /^[a-z]+[A-Za-z0-9]*$/.test(id))).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    expect(spec.paths['/api/v1/rules/{id}']!.get!.operationId).toBe('getRulesById')
    expect(spec.paths['/api/v1/bodies/{ref}/moteplan']!.put!.operationId).toBe('putBodiesByRefMoteplan')
  })

  // Collections that are not OParl lists: a single report or export, the feeds and the health probes.
  const NOT_LISTS = ['/health', '/health/live', '/health/ready', '/feeds/{kind}/{file}', '/api/v1/collaborations/export', '/api/v1/kontroll/coverage', '/api/v1/kontroll/plans/{id}/review', '/arshjul.svg', '/oppfolging.csv']
  const listRoutes = () => ops().filter(o => o.method === 'GET' && !o.path.startsWith('/docs') &&
    (isListSchema(o.op) || (!NOT_LISTS.includes(o.path) && !/\}$/.test(o.path))))

  it('every operation declares a 2xx response with a schema (204 excepted)', () => {
    const missing = ops().filter(({ op }) => {
      const ok = success(op)
      return ok.length === 0 || ok.some(([status, r]) => status !== '204' && !Object.values(r.content ?? {}).some(c => c.schema))
    }).map(o => `${o.method} ${o.path}`)
    expect(missing).toEqual([])
  })

  it('every write requires the bearer token in the document', () => {
    // The document's root security lets reads go without a token; a write must override it with bearer alone.
    const open = ops().filter(o => o.method !== 'GET' && JSON.stringify(o.op.security) !== '[{"bearer":[]}]')
    expect(open.map(o => `${o.method} ${o.path}`)).toEqual([])
  })

  it('feeds are documented as text/calendar, CSV as text/csv and TSV as text/tab-separated-values, not as JSON', () => {
    const feed = spec.paths['/feeds/{kind}/{file}']?.get
    expect(feed && mediaTypes(feed)).toEqual(['text/calendar'])
    const tsv = spec.paths['/api/v1/collaborations/export']?.get
    expect(tsv && mediaTypes(tsv)).toEqual(['text/tab-separated-values'])
    // Every route that offers format=csv documents text/csv beside JSON.
    const csv = ops().filter(o => (o.op.parameters ?? []).some(p => p.name === 'format' && (p.schema?.enum ?? ['csv']).includes('csv')))
    expect(csv.length).toBeGreaterThan(3)
    for (const o of csv) expect(mediaTypes(o.op), o.path).toEqual(expect.arrayContaining(['application/json', 'text/csv']))
  })

  it('every non-JSON reply answers with a media type its operation documents', async () => {
    const cases: Array<[string, string]> = [
      ['/feeds/{kind}/{file}', '/feeds/municipalities/oyer.ics'],
      ['/api/v1/collaborations/export', '/api/v1/collaborations/export?format=tsv'],
      ['/api/v1/reports/overdue', '/api/v1/reports/overdue?format=csv'],
      ['/api/v1/reports/upcoming', '/api/v1/reports/upcoming?format=csv'],
      ['/api/v1/reports/late', '/api/v1/reports/late?format=csv'],
      ['/api/v1/kontroll/coverage', '/api/v1/kontroll/coverage?valgperiode=2023&format=csv'],
    ]
    for (const [path, url] of cases) {
      const res = await t.app.inject({ url, headers: t.auth(t.tokens.admin) })
      expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200)
      const type = String(res.headers['content-type']).split(';')[0]
      expect(mediaTypes(spec.paths[path]!.get!), url).toContain(type)
    }
  })

  it('there are list routes, /api/v1/occurrences among them', () => {
    const paths = listRoutes().map(o => o.path)
    expect(paths).toContain('/api/v1/occurrences')
    expect(paths.length).toBeGreaterThanOrEqual(16)
  })

  it('every list route accepts limit, offset and modified_since, and its 2xx schema is the OParl list', () => {
    const wrong = listRoutes().flatMap(({ path, op }) => {
      const names = (op.parameters ?? []).filter(p => p.in === 'query').map(p => p.name)
      const missing = ['limit', 'offset', 'modified_since'].filter(n => !names.includes(n))
      return [...missing.map(n => `${path}: no ${n}`), ...(isListSchema(op) ? [] : [`${path}: 2xx is not data + pagination + links`])]
    })
    expect(wrong).toEqual([])
  })

  it('every list route pages when called: pagination and links, limit honoured, modified_since accepted', async () => {
    const failures: string[] = []
    for (const { path, op } of listRoutes()) {
      const query = new URLSearchParams()
      for (const p of (op.parameters ?? []).filter(p => p.in === 'query' && p.required)) {
        query.set(p.name, p.name === 'from' ? '2027-01-01' : p.name === 'to' ? '2027-12-31' : p.name === 'valgperiode' ? '2023' : p.schema?.enum?.[0] ?? '')
      }
      const url = path.replace('{id}', String(plan))
      for (const extra of [{ limit: '1', offset: '0' }, { limit: '2', offset: '1', modified_since: '2020-01-01T00:00:00Z' }]) {
        const q = new URLSearchParams([...query, ...Object.entries(extra)])
        const res = await t.app.inject({ url: `${url}?${q}`, headers: t.auth(t.tokens.admin) })
        if (res.statusCode !== 200) { failures.push(`${url}?${q}: ${res.statusCode} ${res.body.slice(0, 160)}`); continue }
        const body = res.json()
        if (!Array.isArray(body.data) || body.data.length > Number(extra.limit)) failures.push(`${url}?${q}: data is not a page of at most ${extra.limit}`)
        if (typeof body.pagination?.totalElements !== 'number') failures.push(`${url}?${q}: no pagination.totalElements`)
        if (typeof body.links?.first !== 'string') failures.push(`${url}?${q}: no links.first`)
        if (body.pagination?.totalElements > Number(extra.offset) + Number(extra.limit) && typeof body.links?.next !== 'string') failures.push(`${url}?${q}: no links.next though more remain`)
      }
    }
    expect(failures).toEqual([])
  })
})

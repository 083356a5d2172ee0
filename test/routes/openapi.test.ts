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
    expect(Object.keys(spec.components.schemas.ErrorReply!.properties ?? {}).sort()).toEqual(['code', 'details', 'error', 'message', 'statusCode'])
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
  const KEYS = ['code', 'details', 'error', 'message', 'statusCode']

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

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp() })
afterEach(async () => { await t.close() })

/** Sends a write that must fail, and checks the reply names the problem and the database is untouched. */
async function rejected (req: { method: 'POST' | 'PATCH'; url: string; payload?: unknown; body?: string; contentType?: string }, status: number, expectMessage: RegExp, expectPath?: string) {
  const before = t.snapshot()
  const res = await t.app.inject({
    method: req.method,
    url: req.url,
    headers: { ...t.auth(t.tokens.admin), ...(req.contentType ? { 'content-type': req.contentType } : {}) },
    ...(req.body !== undefined ? { body: req.body } : { payload: req.payload as object }),
  })
  expect(res.statusCode).toBe(status)
  const body = res.json()
  expect(body.statusCode).toBe(status)
  expect(body.message).toMatch(expectMessage)
  if (expectPath) expect(body.details.map((d: { path: string }) => d.path)).toContain(expectPath)
  expect(res.body).not.toMatch(/SQLITE|at .*\.ts:\d+|INSERT|SELECT/)
  expect(t.snapshot()).toBe(before)
  return body
}

const validCollaboration = { slug: 'test-samarbeid', name: 'Test', legalForm: 'avtale' }

describe('bad input is a clear 4xx and changes nothing', () => {
  it('malformed JSON', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', body: '{"slug": "x",', contentType: 'application/json' }, 400, /JSON/i)
  })
  it('wrong types', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, participants: 'oyer' } }, 400, /participants must be array/, 'body/participants')
  })
  it('unknown fields', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, colour: 'red' } }, 400, /colour unknown field/, 'body/colour')
  })
  it('missing required fields', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { slug: 'x', legalForm: 'iks' } }, 400, /body\/name/, 'body/name')
  })
  it('an unknown legal form lists the allowed values', async () => {
    const body = await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, legalForm: 'kommandittselskap' } }, 400, /legalForm/, 'body/legalForm')
    expect(body.message).toContain('vertskommune_administrativ')
  })
  it('over-long strings', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, name: 'x'.repeat(201) } }, 400, /name must NOT have more than 200 characters/, 'body/name')
  })
  it('an invalid organisasjonsnummer (mod-11)', async () => {
    await rejected({ method: 'POST', url: '/api/v1/municipalities', payload: { slug: 'x', name: 'X', kind: 'kommune', organisasjonsnummer: '974544572' } }, 400, /organisasjonsnummer.*mod-11/, 'body/organisasjonsnummer')
    await rejected({ method: 'POST', url: '/api/v1/municipalities', payload: { slug: 'x', name: 'X', kind: 'kommune', organisasjonsnummer: '12345' } }, 400, /organisasjonsnummer/, 'body/organisasjonsnummer')
  })
  it('a duplicate slug is a 409', async () => {
    const body = await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, slug: 'felles-renovasjonsselskap-glor' } }, 409, /slug/)
    expect(body.code).toBe('conflict')
  })
  it('a body with two owners', async () => {
    await rejected({ method: 'POST', url: '/api/v1/bodies', payload: { slug: 'to-eiere', name: 'To eiere', kind: 'annet', municipality: 'oyer', collaboration: 'felles-renovasjonsselskap-glor' } }, 400, /exactly one municipality or one collaboration/, 'body/municipality')
  })
  it('a body with no owner', async () => {
    await rejected({ method: 'POST', url: '/api/v1/bodies', payload: { slug: 'ingen-eier', name: 'Ingen', kind: 'annet' } }, 400, /exactly one/)
  })
  it('a participation to an unknown municipality', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, participants: [{ municipality: 'oyer' }, { municipality: 'atlantis' }] } }, 400, /unknown municipality "atlantis"/, 'body/participants/1/municipality')
  })
  it('a wrong content type is a 415', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', body: 'slug=x', contentType: 'application/x-www-form-urlencoded' }, 415, /Unsupported Media Type|content-type/i)
  })
  it('a body over 1 MiB is a 413', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, comment: 'x'.repeat(1_100_000) } }, 413, /too large/i)
  })
  it('an empty PATCH names the problem', async () => {
    await rejected({ method: 'PATCH', url: '/api/v1/collaborations/valg-samarbeid', payload: {} }, 400, /fewer than 1 properties/)
  })
  it('bad query parameters are a 400 too', async () => {
    const res = await t.app.inject('/api/v1/collaborations?limit=0')
    expect(res.statusCode).toBe(400)
    expect(res.json().details[0].path).toBe('querystring/limit')
    expect((await t.app.inject('/api/v1/collaborations?frm=iks')).json().message).toMatch(/frm unknown field/)
  })
})

describe('unknown routes', () => {
  it('answer 404 in the same JSON shape', async () => {
    const res = await t.app.inject('/api/v1/nothing-here')
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ statusCode: 404, code: 'route.not_found' })
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp() })
afterEach(async () => { await t.close() })

const onboard = (body: unknown, token: string | null = t.tokens.admin) =>
  t.app.inject({ method: 'POST', url: '/api/v1/municipalities/onboard', payload: body as object, headers: token === null ? {} : t.auth(token) })

describe('POST /api/v1/municipalities/onboard', () => {
  it('onboards by kommunenummer and names, and the municipalities show their kommunenummer and tracking start', async () => {
    const res = await onboard({ municipalities: ['3401', 'Herøy i Nordland'], trackingFrom: '2027-02-01' })
    expect(res.statusCode).toBe(200)
    const report = res.json()
    expect(report).toMatchObject({ dryRun: false, trackingFrom: '2027-02-01' })
    expect(report.onboarded).toEqual([
      { kommunenummer: '3401', slug: 'kongsvinger', name: 'Kongsvinger', kind: 'kommune', status: 'created', note: null },
      { kommunenummer: '1818', slug: 'heroy-nordland', name: 'Herøy (Nordland)', kind: 'kommune', status: 'created', note: null },
    ])
    expect(report.governance.created).toBeGreaterThan(0)
    const m = (await t.app.inject('/api/v1/municipalities/heroy-nordland')).json()
    expect(m).toMatchObject({ name: 'Herøy (Nordland)', kommunenummer: '1818', trackingFrom: '2027-02-01', inRegion: true, county: 'Nordland' })
    const bodies = (await t.app.inject('/api/v1/bodies?municipality=heroy-nordland')).json().data.map((b: { name: string }) => b.name).sort()
    expect(bodies).toEqual(['Formannskapet i Herøy (Nordland)', 'Kommunedirektøren i Herøy (Nordland)', 'Kommunestyret i Herøy (Nordland)', 'Kontrollutvalget i Herøy (Nordland)'])
  })

  it('a dry run answers the report and changes nothing', async () => {
    const before = await t.snapshot()
    const res = await onboard({ county: 'Innlandet', dryRun: true })
    expect(res.statusCode).toBe(200)
    expect(res.json().dryRun).toBe(true)
    expect(res.json().onboarded).toHaveLength(47)
    expect(await t.snapshot()).toBe(before)
  })

  it.each([
    [{ municipalities: ['Herøy'] }, 'body/municipalities/0', 'onboarding.ambiguous_municipality'],
    [{ municipalities: ['Gausdal', 'Atlantis'] }, 'body/municipalities/1', 'onboarding.unknown_municipality'],
    [{ county: 'Atlantis' }, 'body/county', 'onboarding.unknown_county'],
    [{ municipalities: ['Gausdal'], trackingFrom: '2027-13-01' }, 'body/trackingFrom', 'validation_failed'],
    [{ municipalities: ['Gausdal'], trackingFrom: '1.2.2027' }, 'body/trackingFrom', undefined],
    [{ municipalities: 'Gausdal' }, 'body/municipalities', undefined],
    [{ kommuner: ['Gausdal'] }, 'body/kommuner', undefined],
    [{}, 'body/municipalities', 'onboarding.nothing'],
  ])('%j → 400 naming %s, nothing changed', async (body, path, code) => {
    const before = await t.snapshot()
    const res = await onboard(body)
    expect(res.statusCode).toBe(400)
    expect(JSON.stringify(res.json())).toContain(path)
    if (code) expect(res.json().code).toBe(code)
    expect(await t.snapshot()).toBe(before)
  })

  it('answers 401 without a token and 403 for an editor, before looking at the body', async () => {
    const before = await t.snapshot()
    expect((await onboard({ municipalities: 'not even a list' }, null)).statusCode).toBe(401)
    const editor = await onboard({ municipalities: 'not even a list' }, t.tokens.editorOyer)
    expect(editor.statusCode).toBe(403)
    expect(editor.json().code).toBe('auth.forbidden')
    expect(await t.snapshot()).toBe(before)
  })
})

describe('PATCH /api/v1/municipalities/:ref trackingFrom', () => {
  it('the municipality\'s editor sets its tracking start; another municipality\'s is 403', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/municipalities/oyer', payload: { trackingFrom: '2026-06-01' }, headers: t.auth(t.tokens.editorOyer) })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ slug: 'oyer', trackingFrom: '2026-06-01', kommunenummer: '3440' })
    const other = await t.app.inject({ method: 'PATCH', url: '/api/v1/municipalities/gausdal', payload: { trackingFrom: '2026-06-01' }, headers: t.auth(t.tokens.editorOyer) })
    expect(other.statusCode).toBe(403)
  })

  it('an admin clears it with null (tracked from the start)', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/municipalities/gausdal', payload: { trackingFrom: null }, headers: t.auth(t.tokens.admin) })
    expect(res.json().trackingFrom).toBeNull()
  })

  it.each(['2026-02-30', '2026-6-1', 'i morgen'])('refuses %j, naming body/trackingFrom, nothing changed', async (value) => {
    const before = await t.snapshot()
    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/municipalities/oyer', payload: { trackingFrom: value }, headers: t.auth(t.tokens.admin) })
    expect(res.statusCode).toBe(400)
    expect(JSON.stringify(res.json())).toContain('body/trackingFrom')
    expect(await t.snapshot()).toBe(before)
  })

  it('kommunenummer comes from the official list and cannot be patched', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/municipalities/oyer', payload: { kommunenummer: '9999' }, headers: t.auth(t.tokens.admin) })
    expect(res.statusCode).toBe(400)
    expect(JSON.stringify(res.json())).toContain('body/kommunenummer')
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp() })
afterEach(async () => { await t.close() })

describe('GET /api/v1/municipalities', () => {
  it('lists the three region municipalities and the outside participants the register names', async () => {
    const res = await t.app.inject('/api/v1/municipalities?inRegion=true')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.data.map((m: { slug: string }) => m.slug)).toEqual(['gausdal', 'lillehammer', 'oyer'])
    expect(body.pagination).toEqual({ totalElements: 3, elementsPerPage: 100, currentPage: 1, totalPages: 1 })
    const outside = (await t.app.inject('/api/v1/municipalities?inRegion=false')).json().data.map((m: { slug: string }) => m.slug)
    // The register's "Oppland fylkeskommune" is today's Innlandet fylkeskommune (SSB's list, issue 12).
    expect(outside).toEqual(expect.arrayContaining(['ringebu', 'nord-fron', 'ringsaker', 'hamar', 'innlandet-fylkeskommune']))
  })

  it('pages with OParl links', async () => {
    const res = await t.app.inject('/api/v1/municipalities?limit=2&offset=2&sort=name')
    const body = res.json()
    expect(body.data).toHaveLength(2)
    expect(body.pagination.currentPage).toBe(2)
    expect(body.links.prev).toBe('https://arshjul.test/api/v1/municipalities?sort=name&limit=2&offset=0')
    expect(body.links.self).toBe('https://arshjul.test/api/v1/municipalities?sort=name&limit=2&offset=2')
    expect(body.links.next).toBe('https://arshjul.test/api/v1/municipalities?sort=name&limit=2&offset=4')
  })

  it('filters by name and kind', async () => {
    const res = await t.app.inject('/api/v1/municipalities?q=fylke')
    expect(res.json().data.map((m: { slug: string; kind: string }) => [m.slug, m.kind])).toEqual([['innlandet-fylkeskommune', 'fylkeskommune']])
  })
})

describe('GET /api/v1/municipalities/:ref', () => {
  it('finds by slug and by id, with subscribe links', async () => {
    const bySlug = (await t.app.inject('/api/v1/municipalities/oyer')).json()
    expect(bySlug).toMatchObject({ name: 'Øyer', kind: 'kommune', inRegion: true, deleted: false, kommunenummer: '3440', trackingFrom: '2025-01-01' })
    expect(bySlug.feed).toEqual({ https: 'https://arshjul.test/feeds/municipalities/oyer.ics', webcal: 'webcal://arshjul.test/feeds/municipalities/oyer.ics' })
    const byId = (await t.app.inject(`/api/v1/municipalities/${bySlug.id}`)).json()
    expect(byId.slug).toBe('oyer')
  })

  it('answers 404 for an unknown municipality', async () => {
    const res = await t.app.inject('/api/v1/municipalities/atlantis')
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ statusCode: 404, code: 'municipality.not_found' })
  })
})

describe('writing municipalities', () => {
  it('creates a municipality with its four statutory bodies', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/municipalities', headers: t.auth(t.tokens.admin), payload: { slug: 'ringebu-2', name: 'Ringebu', kind: 'kommune', organisasjonsnummer: '974544571' } })
    expect(res.statusCode).toBe(201)
    const bodies = (await t.app.inject('/api/v1/bodies?municipality=ringebu-2')).json().data
    expect(bodies.map((b: { kind: string }) => b.kind).sort()).toEqual(['formannskap', 'kommunedirektor', 'kommunestyre', 'kontrollutvalg'])
  })

  it('updates a municipality', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/municipalities/oyer', headers: t.auth(t.tokens.admin), payload: { county: 'Innlandet fylke' } })
    expect(res.statusCode).toBe(200)
    expect(res.json().county).toBe('Innlandet fylke')
  })

  it('refuses to delete a municipality that still takes part in collaborations', async () => {
    const before = await t.snapshot()
    const res = await t.app.inject({ method: 'DELETE', url: '/api/v1/municipalities/oyer', headers: t.auth(t.tokens.admin) })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('municipality.in_use')
    expect(await t.snapshot()).toBe(before)
  })

  it('keeps a deleted municipality as a tombstone that lists show only under modified_since', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/municipalities', headers: t.auth(t.tokens.admin), payload: { slug: 'testby', name: 'Testby', kind: 'kommune' } })
    t.clock.advance(60_000)
    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/municipalities/testby', headers: t.auth(t.tokens.admin) })
    expect(del.statusCode).toBe(204)
    const one = (await t.app.inject('/api/v1/municipalities/testby')).json()
    expect(one).toMatchObject({ slug: 'testby', deleted: true })
    expect(one.name).toBeUndefined()
    const plain = (await t.app.inject('/api/v1/municipalities?limit=500')).json().data.map((m: { slug: string }) => m.slug)
    expect(plain).not.toContain('testby')
    const since = new Date(t.clock.now().getTime() - 1000).toISOString()
    const sync = (await t.app.inject(`/api/v1/municipalities?modified_since=${encodeURIComponent(since)}`)).json().data
    expect(sync).toEqual([expect.objectContaining({ slug: 'testby', deleted: true })])
  })
})

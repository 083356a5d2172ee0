import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp() })
afterEach(async () => { await t.close() })

describe('/api/v1/bodies', () => {
  it('lists each municipality’s statutory bodies and the organs of its companies', async () => {
    const oyer = (await t.app.inject('/api/v1/bodies?municipality=oyer&sort=name')).json().data
    expect(oyer.map((b: { name: string }) => b.name)).toEqual(['Formannskapet i Øyer', 'Kommunedirektøren i Øyer', 'Kommunestyret i Øyer', 'Kontrollutvalget i Øyer'])
    const glor = (await t.app.inject('/api/v1/bodies?collaboration=felles-renovasjonsselskap-glor')).json().data
    expect(glor.map((b: { kind: string }) => b.kind).sort()).toEqual(['representantskap', 'styre'])
    expect(glor[0].owner).toEqual({ type: 'collaboration', slug: 'felles-renovasjonsselskap-glor', name: 'Felles renovasjonsselskap: GLØR' })
  })

  it('filters by kind and pages', async () => {
    const res = (await t.app.inject('/api/v1/bodies?kind=generalforsamling&limit=3')).json()
    expect(res.data).toHaveLength(3)
    expect(res.data.every((b: { kind: string }) => b.kind === 'generalforsamling')).toBe(true)
    expect(res.pagination.totalElements).toBeGreaterThan(3)
    expect(res.links.next).toContain('offset=3')
  })

  it('gets one body with its feed links, or 404', async () => {
    const res = (await t.app.inject('/api/v1/bodies/oyer-formannskap')).json()
    expect(res).toMatchObject({ kind: 'formannskap', feedVisibility: 'public', owner: { type: 'municipality', slug: 'oyer' } })
    expect(res.feed.webcal).toBe('webcal://arshjul.test/feeds/bodies/oyer-formannskap.ics')
    expect((await t.app.inject('/api/v1/bodies/nope')).statusCode).toBe(404)
  })

  it('creates, updates and deletes a body', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/bodies', headers: t.auth(t.tokens.editorOyer), payload: { slug: 'oyer-eldrerad', name: 'Eldrerådet i Øyer', kind: 'annet', municipality: 'oyer' } })
    expect(created.statusCode).toBe(201)
    const patched = await t.app.inject({ method: 'PATCH', url: '/api/v1/bodies/oyer-eldrerad', headers: t.auth(t.tokens.editorOyer), payload: { feedVisibility: 'private' } })
    expect(patched.json()).toMatchObject({ feedVisibility: 'private' })
    expect(patched.json().feed).toBeUndefined()
    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/bodies/oyer-eldrerad', headers: t.auth(t.tokens.editorOyer) })
    expect(del.statusCode).toBe(204)
    expect((await t.app.inject('/api/v1/bodies/oyer-eldrerad')).json().deleted).toBe(true)
  })

  it('lists a private body to anonymous readers without a feed link, and never shows its secret', async () => {
    const patched = await t.app.inject({ method: 'PATCH', url: '/api/v1/bodies/oyer-formannskap', headers: t.auth(t.tokens.editorOyer), payload: { feedVisibility: 'private' } })
    expect(patched.statusCode).toBe(200)
    const rotated = await t.app.inject({ method: 'POST', url: '/api/v1/bodies/oyer-formannskap/feed-secret', headers: t.auth(t.tokens.editorOyer) })
    expect(rotated.statusCode).toBe(200)
    const { token, feed } = rotated.json()
    expect(feed.https).toBe(`https://arshjul.test/feeds/bodies/oyer-formannskap.ics?token=${encodeURIComponent(token)}`)
    const list = await t.app.inject('/api/v1/bodies?municipality=oyer')
    const listed = list.json().data.find((b: { slug: string }) => b.slug === 'oyer-formannskap')
    expect(listed).toMatchObject({ feedVisibility: 'private' })
    expect(listed.feed).toBeUndefined()
    const one = await t.app.inject('/api/v1/bodies/oyer-formannskap')
    for (const body of [list.body, one.body]) {
      expect(body).not.toContain(token)
      expect(body).not.toMatch(/secret|hash/i)
    }
  })

  it('an Øyer editor may not touch Gausdal’s bodies: 403 and nothing changes', async () => {
    const before = await t.snapshot()
    for (const req of [
      { method: 'POST' as const, url: '/api/v1/bodies', payload: { slug: 'gausdal-x', name: 'X', kind: 'annet', municipality: 'gausdal' } },
      { method: 'PATCH' as const, url: '/api/v1/bodies/gausdal-formannskap', payload: { feedVisibility: 'private' } },
      { method: 'POST' as const, url: '/api/v1/bodies/gausdal-formannskap/feed-secret' },
      { method: 'DELETE' as const, url: '/api/v1/bodies/gausdal-formannskap' },
    ]) {
      const res = await t.app.inject({ ...req, headers: t.auth(t.tokens.editorOyer) })
      expect(res.statusCode, `${req.method} ${req.url}`).toBe(403)
    }
    expect(await t.snapshot()).toBe(before)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp() })
afterEach(async () => { await t.close() })

const slugs = (res: { json: () => { data: Array<{ slug: string }> } }) => res.json().data.map(c => c.slug)

describe('GET /api/v1/collaborations', () => {
  it('lists the whole 2019 register', async () => {
    const res = await t.app.inject('/api/v1/collaborations?limit=500')
    expect(res.statusCode).toBe(200)
    expect(res.json().pagination.totalElements).toBe(57)
  })

  it('filters by area, form, municipality, status and text', async () => {
    expect(slugs(await t.app.inject('/api/v1/collaborations?form=iks&sort=name'))).toEqual([
      'felles-renovasjonsselskap-glor', 'gudbrandsdal-krisesenter-iks', 'innlandet-revisjon',
      'smiso-stottesenter-mot-incest-og-seksuelle-overgrep-i-oppland',
    ])
    expect(slugs(await t.app.inject('/api/v1/collaborations?status=terminated&sort=name'))).toEqual(['eioff-eiendomsforvaltning-driftskontroll', 'innoff-innkjopssamarbeid-felles-anbud'])
    expect(slugs(await t.app.inject(`/api/v1/collaborations?area=${encodeURIComponent('Energi')}&sort=name`))).toEqual([
      'eidsiva-energi-as', 'gudbrandsdal-energi-ge', 'lillehammer-og-gausdal-energiverk-holding-as-lge',
    ])
    // SMISO has no Gausdal participation; GLØR has all three.
    const gausdal = slugs(await t.app.inject('/api/v1/collaborations?municipality=gausdal&limit=500'))
    expect(gausdal).toContain('felles-renovasjonsselskap-glor')
    expect(gausdal).not.toContain('smiso-stottesenter-mot-incest-og-seksuelle-overgrep-i-oppland')
    expect(slugs(await t.app.inject('/api/v1/collaborations?q=brann'))).toEqual(['felles-brann-og-feiertjeneste'])
  })

  it('pages in a stable order', async () => {
    const first = await t.app.inject('/api/v1/collaborations?limit=20&offset=0&sort=name')
    const second = await t.app.inject('/api/v1/collaborations?limit=20&offset=20&sort=name')
    const both = [...slugs(first), ...slugs(second)]
    expect(new Set(both).size).toBe(40)
    expect(second.json().pagination).toEqual({ totalElements: 57, elementsPerPage: 20, currentPage: 2, totalPages: 3 })
  })
})

describe('GET /api/v1/collaborations/:ref', () => {
  it('shows host, participants, parent and bodies', async () => {
    const c = (await t.app.inject('/api/v1/collaborations/interkommunal-barnevernvakt')).json()
    expect(c.legalForm).toBe('vertskommune_administrativ')
    expect(c.host).toEqual({ slug: 'ringsaker', name: 'Ringsaker' })
    expect(c.participants.map((p: { municipality: string; role: string }) => `${p.municipality}:${p.role}`).sort())
      .toEqual(['gausdal:deltaker', 'lillehammer:deltaker', 'oyer:deltaker'])
    const felles = (await t.app.inject('/api/v1/collaborations/felles-personvernombud')).json()
    expect(felles.participants.map((p: { municipality: string; role: string }) => `${p.municipality}:${p.role}`).sort())
      .toEqual(['gausdal:deltaker', 'lillehammer:vertskommune', 'oyer:deltaker', 'ringebu:deltaker'])
    const part = (await t.app.inject('/api/v1/collaborations/legevaktsamarbeid')).json()
    expect(part.parent).toMatch(/^regionalt-helsesamarbeid/)
  })

  it('404s for an unknown collaboration', async () => {
    expect((await t.app.inject('/api/v1/collaborations/does-not-exist')).statusCode).toBe(404)
  })
})

describe('writing collaborations', () => {
  it('creating an IKS creates its representantskap and styre; an AS its generalforsamling and styre', async () => {
    const iks = await t.app.inject({
      method: 'POST',
      url: '/api/v1/collaborations',
      headers: t.auth(t.tokens.admin),
      payload: { slug: 'ny-iks', name: 'Ny IKS', legalForm: 'iks', area: 'Test', participants: [{ municipality: 'oyer', role: 'eier', ownershipShare: 40 }, { municipality: 'gausdal', role: 'eier', ownershipShare: 60 }] },
    })
    expect(iks.statusCode).toBe(201)
    expect(iks.json().bodies.map((b: { kind: string }) => b.kind)).toEqual(['representantskap', 'styre'])
    expect(iks.json().participants.find((p: { municipality: string }) => p.municipality === 'oyer').ownershipShare).toBe(40)
    const as = await t.app.inject({ method: 'POST', url: '/api/v1/collaborations', headers: t.auth(t.tokens.admin), payload: { slug: 'nytt-as', name: 'Nytt AS', legalForm: 'as', participants: [{ municipality: 'oyer' }] } })
    expect(as.json().bodies.map((b: { kind: string }) => b.kind)).toEqual(['generalforsamling', 'styre'])
  })

  it('updates and deletes a collaboration', async () => {
    const patched = await t.app.inject({ method: 'PATCH', url: '/api/v1/collaborations/valg-samarbeid', headers: t.auth(t.tokens.editorOyer), payload: { comment: 'Endret', status: 'terminated', terminatedOn: '2026-12-31' } })
    expect(patched.statusCode).toBe(200)
    expect(patched.json()).toMatchObject({ comment: 'Endret', status: 'terminated', terminatedOn: '2026-12-31' })
    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/collaborations/valg-samarbeid', headers: t.auth(t.tokens.admin) })
    expect(del.statusCode).toBe(204)
    expect((await t.app.inject('/api/v1/collaborations/valg-samarbeid')).json()).toMatchObject({ deleted: true })
  })

  it('refuses to delete an umbrella agreement that still has parts', async () => {
    const umbrella = (await t.app.inject('/api/v1/collaborations/legevaktsamarbeid')).json().parent
    const before = await t.snapshot()
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/collaborations/${umbrella}`, headers: t.auth(t.tokens.admin) })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('collaboration.has_parts')
    expect(await t.snapshot()).toBe(before)
  })
})

describe('GET /api/v1/collaborations/export?format=tsv', () => {
  it('writes the register back in its own layout', async () => {
    const res = await t.app.inject('/api/v1/collaborations/export?format=tsv')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/tab-separated-values; charset=utf-8')
    const lines = res.body.split('\n')
    expect(lines[0]).toBe('Pr. 01.01.2019\tType samarbeid §i kommuneloven\tLillehammer\tGausdal\tØyer\tKommentarer')
    expect(lines).toContain('Felles personvernombud\t§ 28 – 1B\tx\tx\tx\tMed Ringebu. Lillehammer vertskommune')
    expect(lines.filter(l => l.endsWith('\t\t\t\t\t'))).toContain('Helse og omsorg\t\t\t\t\t')
    expect((await t.app.inject('/api/v1/collaborations/export?format=xlsx')).statusCode).toBe(400)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { serviceFixture, type ServiceFixture } from '../helpers/services.js'
import { BASE_URL } from '../helpers/app.js'
import { collaborationsPage, collaborationsPageUrl, municipalityPage, municipalityPageUrl, regionName, startPage } from '../../src/pages/start-page.js'
import type { Viewer } from '../../src/services/access.js'
import { AppError } from '../../src/shared/errors.js'

// The register pages' data over the seeded region: the lists read in a fixed number of queries agree
// with the per-item views the API uses, and the start page's two layouts show the same numbers.
let t: ServiceFixture
const anonymous: Viewer = { all: false, municipalityIds: new Set(), bodyIds: new Set() }
const TODAY = '2027-06-15'
const ctx = (viewer: Viewer = anonymous) => ({ services: t.services, viewer, baseUrl: BASE_URL, today: TODAY })

beforeEach(async () => { t = await serviceFixture() })
afterEach(() => t.close())

/** The SQL statements `work` sends (SQLite: drizzle prepares one per query; PostgreSQL: one pool query each). */
async function statements (work: () => Promise<unknown>): Promise<number> {
  let n = 0
  const database = t.deps.database
  if (database.dialect === 'sqlite') {
    const { sqlite } = database
    const prepare = sqlite.prepare
    sqlite.prepare = ((source: string) => { n++; return prepare.call(sqlite, source) }) as typeof sqlite.prepare
    try {
      await work()
    } finally {
      sqlite.prepare = prepare
    }
    return n
  }
  const { pool } = database
  const query = pool.query
  pool.query = ((...args: Parameters<typeof query>) => { n++; return (query as (...a: unknown[]) => unknown).apply(pool, args) }) as typeof query
  try {
    await work()
  } finally {
    pool.query = query
  }
  return n
}

async function addCollaborations (n: number, participants: string[]) {
  for (let i = 0; i < n; i++) {
    await t.services.collaborations.create(t.admin, {
      slug: `ekstra-${i}`, name: `Ekstra samarbeid ${i}`, legalForm: 'iks', area: 'Ekstra', participants: participants.map(m => ({ municipality: m, role: 'eier' as const })),
    })
  }
}

describe('collaboration summaries', () => {
  it('give the same collaborations, hosts and participants as the per-collaboration view, active first and by name', async () => {
    const { items, total } = await t.services.collaborations.listSummaries({ limit: 1000, offset: 0 })
    const views = (await t.services.collaborations.list({ limit: 1000, offset: 0, sort: 'name' })).items
    expect(total).toBe(views.length)
    expect(total).toBeGreaterThan(50)
    const expected = [...views.filter(c => c.status === 'active'), ...views.filter(c => c.status !== 'active')]
    expect(items.map(c => c.slug)).toEqual(expected.map(c => c.slug))
    expect(items.some(c => c.status === 'terminated')).toBe(true)
    for (const [i, c] of items.entries()) {
      const v = expected[i]!
      expect(c.host, c.slug).toEqual(v.host)
      expect(c.participants, c.slug).toEqual(v.participants.map(p => ({ municipalityId: p.municipalityId, slug: p.slug, name: p.name, role: p.role })))
      expect([c.legalForm, c.area, c.status, c.terminatedOn]).toEqual([v.legalForm, v.area, v.status, v.terminatedOn])
    }
  })

  it('filter by municipality (participant or host) and by name or area, and page without gaps or repeats', async () => {
    for (const slug of ['oyer', 'gausdal', 'lillehammer']) {
      const mine = await t.services.collaborations.listSummaries({ municipalityId: await t.idOf('municipality', slug), limit: 1000, offset: 0 })
      const api = await t.services.collaborations.list({ municipality: slug, limit: 1000, offset: 0 })
      expect(mine.items.map(c => c.slug).sort(), slug).toEqual(api.items.map(c => c.slug).sort())
      expect(mine.total).toBe(api.total)
    }
    const found = await t.services.collaborations.listSummaries({ q: 'renovasjon', limit: 1000, offset: 0 })
    expect(found.total).toBeGreaterThan(0)
    for (const c of found.items) expect(`${c.name} ${c.area}`.toLowerCase()).toContain('renovasjon')
    const all = (await t.services.collaborations.listSummaries({ limit: 1000, offset: 0 })).items.map(c => c.slug)
    const paged: string[] = []
    for (let offset = 0; offset < all.length; offset += 7) {
      const page = await t.services.collaborations.listSummaries({ limit: 7, offset })
      expect(page.total).toBe(all.length)
      paged.push(...page.items.map(c => c.slug))
    }
    expect(paged).toEqual(all)
  })

  it('count each municipality’s active collaborations as the filtered list does', async () => {
    const counts = await t.services.collaborations.activeCountsByMunicipality()
    for (const slug of ['oyer', 'gausdal', 'lillehammer']) {
      const listed = (await t.services.collaborations.listSummaries({ municipalityId: await t.idOf('municipality', slug), limit: 1000, offset: 0 })).items
      expect(counts.get(await t.idOf('municipality', slug)), slug).toBe(listed.filter(c => c.status === 'active').length)
    }
  })
})

describe('body summaries', () => {
  it('list every live body in one query, or those of the owners named', async () => {
    const all = await t.services.bodies.listLiveSummaries()
    const views = (await t.services.bodies.list({ limit: 10_000, offset: 0, sort: 'id' })).items
    expect(all).toEqual(views.map(b => ({ id: b.id, slug: b.slug, name: b.name, kind: b.kind, municipalityId: b.municipalityId, collaborationId: b.collaborationId, feedVisibility: b.feedVisibility })))
    const oyer = await t.idOf('municipality', 'oyer')
    const glor = await t.idOf('collaboration', 'felles-renovasjonsselskap-glor')
    const some = await t.services.bodies.listLiveSummaries({ municipalityIds: [oyer], collaborationIds: [glor] })
    expect(some.length).toBeGreaterThan(2)
    expect(some).toEqual(all.filter(b => b.municipalityId === oyer || b.collaborationId === glor))
    expect(await t.services.bodies.listLiveSummaries({ municipalityIds: [], collaborationIds: [] })).toEqual([])
  })
})

describe('the start page', () => {
  it('reads in as many queries with more collaborations (no query per collaboration or body)', async () => {
    await startPage(ctx()) // the occurrence index's first look at its horizon
    const before = await statements(() => startPage(ctx()))
    const compactBefore = await statements(() => startPage(ctx(), { municipalities: 0, collaborations: 0 }))
    await addCollaborations(5, ['oyer', 'gausdal'])
    expect(await statements(() => startPage(ctx()))).toBe(before)
    expect(await statements(() => startPage(ctx(), { municipalities: 0, collaborations: 0 }))).toBe(compactBefore)
    expect(await statements(() => municipalityPage(ctx(), 'oyer'))).toBe(await statements(() => municipalityPage(ctx(), 'lillehammer')))
  })

  it('shows every collaboration for one region, and a table of municipalities with the same numbers beyond', async () => {
    const full = await startPage(ctx())
    expect(full.template).toBe('index')
    if (full.template !== 'index') throw new Error('full')
    expect([...full.collaborations, ...full.terminated].length).toBe((await t.services.collaborations.listSummaries({ limit: 0, offset: 0 })).total)
    await addCollaborations(3, ['oyer'])
    const compact = await startPage(ctx(), { municipalities: 12, collaborations: 59 })
    expect(compact.template).toBe('index-compact')
    if (compact.template !== 'index-compact') throw new Error('compact')
    expect(compact.collaborationTotal).toBe(60)
    expect(compact.collaborationsUrl).toBe('/samarbeid')
    expect(compact.municipalities.map(m => m.name)).toEqual(['Gausdal', 'Lillehammer', 'Øyer'])
    const counts = await t.services.collaborations.activeCountsByMunicipality()
    for (const m of compact.municipalities) {
      const same = full.municipalities.find(f => f.slug === m.slug)!
      expect([m.overdue, m.upcoming, m.wheelUrl, m.followUpUrl, m.feed]).toEqual([same.overdue, same.upcoming, same.wheelUrl, same.followUpUrl, same.feed])
      expect(m.collaborations).toBe(counts.get(await t.idOf('municipality', m.slug)))
      expect(m.pageUrl).toBe(municipalityPageUrl(m.slug))
    }
    expect(compact.municipalities.find(m => m.slug === 'oyer')!.overdue + compact.municipalities.find(m => m.slug === 'oyer')!.upcoming).toBeGreaterThan(0)
  })

  it('shows a private body to those who may see it only', async () => {
    await t.makePrivate('oyer-kontrollutvalg')
    const slugs = (page: Awaited<ReturnType<typeof municipalityPage>>) => page.municipality.bodies.map(b => b.slug)
    expect(slugs(await municipalityPage(ctx(), 'oyer'))).not.toContain('oyer-kontrollutvalg')
    const editor: Viewer = { all: false, municipalityIds: new Set([await t.idOf('municipality', 'oyer')]), bodyIds: new Set() }
    const seen = await municipalityPage(ctx(editor), 'oyer')
    expect(slugs(seen)).toContain('oyer-kontrollutvalg')
    // Listed without its feed: a private feed's address holds its secret.
    expect(seen.municipality.bodies.find(b => b.slug === 'oyer-kontrollutvalg')!.feed).toBeNull()
  })
})

describe('the collaborations pages', () => {
  it('refuse a page number that is not one and a page past the last', async () => {
    for (const page of ['0', 'abc', '-1', '1.5', '100000']) {
      await expect(collaborationsPage(ctx(), { page }), page).rejects.toMatchObject({ statusCode: 400, code: 'pages.page' })
    }
    const err = await collaborationsPage(ctx(), { page: '3' }).then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ statusCode: 404, message: 'Side 3 finnes ikke: listen har 2 sider.' })
    expect((await collaborationsPage(ctx(), { q: 'finnes ikke' })).total).toBe(0)
    await expect(municipalityPage(ctx(), undefined)).rejects.toMatchObject({ statusCode: 400 })
    await expect(municipalityPage(ctx(), 'finnes-ikke')).rejects.toMatchObject({ statusCode: 404 })
  })

  it('link the neighbouring pages and keep the search', async () => {
    expect(collaborationsPageUrl({ q: 'a&b', page: 2 })).toBe('/samarbeid?q=a%26b&page=2')
    expect(collaborationsPageUrl({ page: 1 })).toBe('/samarbeid')
    const first = await collaborationsPage(ctx(), {})
    expect([first.page, first.pages, first.prevUrl, first.nextUrl, first.range]).toEqual([1, 2, null, '/samarbeid?page=2', { from: 1, to: 50 }])
    const second = await collaborationsPage(ctx(), { page: '2' })
    expect([second.prevUrl, second.nextUrl, second.range]).toEqual(['/samarbeid', null, { from: 51, to: 57 }])
    expect([...first.collaborations, ...second.collaborations].map(c => c.slug))
      .toEqual((await t.services.collaborations.listSummaries({ limit: 1000, offset: 0 })).items.map(c => c.slug))
  })
})

describe('regionName (the region is data, issue 12)', () => {
  it.each([
    [[], null],
    [['Øyer'], 'Øyer'],
    [['Øyer', 'Lillehammer'], 'Lillehammer og Øyer'],
    [['Øyer', 'Lillehammer', 'Gausdal'], 'Gausdal, Lillehammer og Øyer'],
    [['A', 'B', 'C', 'D', 'E'], '5 kommuner'],
  ])('%j → %j', (names, expected) => {
    expect(regionName(names.map(name => ({ name })))).toBe(expected)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DOMParser } from '@xmldom/xmldom'
import { buildTestApp, BASE_URL, type TestApp } from '../helpers/app.js'

// Pages as HTTP: status codes, content types, headers and escaping. The browser tests drive the same pages in Chromium.
let t: TestApp
const XSS = '<script>alert(1)</script>'
const QUOTES = 'Tom & "Jerry" samarbeid'

beforeAll(async () => {
  t = await buildTestApp({ now: '2027-08-01T10:00:00Z' })
  for (const [slug, name] of [['xss-samarbeid', XSS], ['quotes-samarbeid', QUOTES]] as const) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/collaborations', headers: t.auth(t.tokens.admin), payload: { slug, name, legalForm: 'iks', participants: [{ municipality: 'oyer', role: 'eier' }] } })
    expect(res.statusCode).toBe(201)
    const applied = await t.app.inject({ method: 'POST', url: '/api/v1/packages/apply', headers: t.auth(t.tokens.admin), payload: { collaboration: slug } })
    expect(applied.statusCode).toBe(200)
  }
})
afterAll(async () => { await t.close() })

const get = (url: string) => t.app.inject(url)
/** Every page of the occurrences list. */
const apiOccurrences = async (query: string) => {
  const all: Array<{ id: string; date: string; kind: string; overdue: boolean; subject: { name: string } }> = []
  for (let offset = 0; ; offset += 500) {
    const res = await get(`/api/v1/occurrences?${query}&limit=500&offset=${offset}`)
    expect(res.statusCode).toBe(200)
    const data = res.json().data as typeof all
    all.push(...data)
    if (data.length < 500) return all
  }
}
const attrValues = (html: string, attr: string) => [...html.matchAll(new RegExp(`${attr}="([^"]*)"`, 'g'))].map(m => m[1]!)

describe('content types, status codes and headers', () => {
  it.each([
    ['/', 200, /^text\/html; charset=utf-8/],
    ['/arshjul?municipality=oyer&year=2027', 200, /^text\/html; charset=utf-8/],
    ['/arshjul?body=oyer-kommunestyre&year=2027', 200, /^text\/html/],
    ['/arshjul?collaboration=felles-renovasjonsselskap-glor&year=2027', 200, /^text\/html/],
    ['/arshjul?municipality=oyer', 200, /^text\/html/],
    ['/arshjul.svg?municipality=oyer&year=2027', 200, /^image\/svg\+xml; charset=utf-8/],
    ['/oppfolging?municipality=oyer', 200, /^text\/html/],
    ['/oppfolging.csv?municipality=oyer', 200, /^text\/csv; charset=utf-8/],
    ['/assets/arshjul.css', 200, /^text\/css/],
    ['/assets/arshjul.js', 200, /^text\/javascript/],
    ['/arshjul?municipality=finnes-ikke&year=2027', 404, /^text\/html/],
    ['/arshjul?body=finnes-ikke', 404, /^text\/html/],
    ['/arshjul.svg?collaboration=finnes-ikke', 404, /^text\/html/],
    ['/oppfolging?municipality=finnes-ikke', 404, /^text\/html/],
    ['/arshjul?municipality=oyer&year=abc', 400, /^text\/html/],
    ['/arshjul?municipality=oyer&year=1999', 400, /^text\/html/],
    ['/arshjul?municipality=oyer&year=20270', 400, /^text\/html/],
    ['/arshjul.svg?municipality=oyer&year=-1', 400, /^text\/html/],
    ['/arshjul', 400, /^text\/html/],
    ['/arshjul?municipality=oyer&body=oyer-kommunestyre', 400, /^text\/html/],
    ['/oppfolging.csv', 400, /^text\/html/],
    ['/assets/../package.json', 404, /./],
    ['/assets/finnes-ikke.js', 404, /^text\/html/],
    ['/kommune?municipality=oyer', 200, /^text\/html; charset=utf-8/],
    ['/kommune?municipality=ringsaker', 200, /^text\/html/],
    ['/kommune', 400, /^text\/html/],
    ['/kommune?municipality=', 400, /^text\/html/],
    ['/kommune?municipality=finnes-ikke', 404, /^text\/html/],
    [`/kommune?municipality=${'x'.repeat(201)}`, 400, /^text\/html/],
    ['/samarbeid', 200, /^text\/html; charset=utf-8/],
    ['/samarbeid?page=2', 200, /^text\/html/],
    ['/samarbeid?q=renovasjon', 200, /^text\/html/],
    ['/samarbeid?q=finnes-ikke', 200, /^text\/html/],
    ['/samarbeid?page=abc', 400, /^text\/html/],
    ['/samarbeid?page=0', 400, /^text\/html/],
    ['/samarbeid?page=1e3', 400, /^text\/html/],
    ['/samarbeid?page=123456', 400, /^text\/html/],
    ['/samarbeid?page=3', 404, /^text\/html/],
    ['/samarbeid?q=renovasjon&page=2', 404, /^text\/html/],
    [`/samarbeid?q=${'x'.repeat(201)}`, 400, /^text\/html/],
  ])('GET %s → %i', async (url, status, type) => {
    const res = await get(url)
    expect(res.statusCode).toBe(status)
    expect(res.headers['content-type']).toMatch(type)
    // No stack trace leaks (the word "stack" alone is now a CSS class: tables that stack on a phone).
    expect(res.body).not.toMatch(/at .*\.ts:\d+|\bstack ?trace|"stack":/i)
  })

  it('error pages say what is wrong in Norwegian', async () => {
    expect((await get('/arshjul?municipality=finnes-ikke')).body).toContain('Fant ingen kommune «finnes-ikke».')
    expect((await get('/arshjul?municipality=oyer&year=abc')).body).toContain('Året må være et årstall fra 2000 til 2100.')
    expect((await get('/arshjul')).body).toContain('Velg nøyaktig én kommune')
    expect((await get('/kommune?municipality=finnes-ikke')).body).toContain('Fant ingen kommune «finnes-ikke».')
    expect((await get('/kommune')).body).toContain('Velg en kommune (municipality=).')
    expect((await get('/samarbeid?page=abc')).body).toContain('Sidetallet må være et heltall fra 1 til 99999.')
    expect((await get('/samarbeid?page=3')).body).toContain('Side 3 finnes ikke: listen har 2 sider.')
  })

  it('pages carry a strict Content-Security-Policy and the SVG may be embedded but runs no script', async () => {
    const page = await get('/arshjul?municipality=oyer&year=2027')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    const svg = await get('/arshjul.svg?municipality=oyer&year=2027')
    expect(svg.headers['content-security-policy']).toMatch(/^default-src 'none'/)
    expect(svg.headers['content-security-policy']).not.toContain('script-src')
  })

  it('leaves the HTML pages out of the OpenAPI document and documents the SVG and CSV with their media types', async () => {
    type Op = { responses: Record<string, { content?: Record<string, unknown> }> }
    const spec = (await get('/docs/json')).json() as { paths: Record<string, { get: Op }> }
    expect(Object.keys(spec.paths).filter(p => !p.startsWith('/api/') && !p.startsWith('/feeds') && !p.startsWith('/health')).sort())
      .toEqual(['/arshjul.svg', '/oppfolging.csv'])
    expect(Object.keys(spec.paths['/arshjul.svg']!.get.responses['200']!.content!)).toEqual(['image/svg+xml'])
    expect(Object.keys(spec.paths['/oppfolging.csv']!.get.responses['200']!.content!)).toEqual(['text/csv'])
    expect(Object.keys(spec.paths['/oppfolging.csv']!.get.responses['404']!.content!)).toEqual(['text/html'])
  })
})

describe('the wheel page', () => {
  it('has one mark and one list entry per occurrence the API lists, in the same order', async () => {
    const api = await apiOccurrences('municipality=oyer&from=2027-01-01&to=2027-12-31&asOf=2027-08-01')
    const html = (await get('/arshjul?municipality=oyer&year=2027')).body
    const marks = [...html.matchAll(/<g class="mark [^"]*" data-occurrence-id="([^"]+)"/g)].map(m => m[1])
    const items = [...html.matchAll(/<li class="occ [^"]*" id="occ-([^"]+)"/g)].map(m => m[1])
    expect(api.length).toBeGreaterThan(150)
    expect(marks).toEqual(api.map(o => o.id))
    expect(items).toEqual(api.map(o => o.id))
  })

  it('links the neighbouring years and keeps the subject', async () => {
    const html = (await get('/arshjul?body=oyer-kontrollutvalg&year=2027')).body
    expect(html).toContain('href="/arshjul?body=oyer-kontrollutvalg&amp;year=2026"')
    expect(html).toContain('href="/arshjul?body=oyer-kontrollutvalg&amp;year=2028"')
    expect((await get('/arshjul?municipality=oyer&year=2030')).body).toContain('I år (2027)')
  })

  it('offers the subscribe links and the embed snippet', async () => {
    const html = (await get('/arshjul?municipality=oyer&year=2027')).body
    expect(html).toContain('href="webcal://arshjul.test/feeds/municipalities/oyer.ics"')
    expect(html).toContain(`data-copy="${BASE_URL}/feeds/municipalities/oyer.ics"`)
    // The snippet is shown as text: escaped once for the page, so it reads as ready-to-paste HTML.
    expect(html).toContain(`&lt;img src=&quot;${BASE_URL}/arshjul.svg?municipality=oyer&quot; alt=&quot;Årshjul for Øyer&quot;`)
  })
})

const collaborationSlugs = (html: string) => [...html.matchAll(/data-collaboration="([^"]+)"/g)].map(m => m[1]!)
/** Every page of an API list. */
const apiList = async <T>(path: string) => {
  const all: T[] = []
  for (let offset = 0; ; offset += 100) {
    const data = (await get(`${path}${path.includes('?') ? '&' : '?'}limit=100&offset=${offset}`)).json().data as T[]
    all.push(...data)
    if (data.length < 100) return all
  }
}

describe('a municipality’s page', () => {
  it('lists the collaborations it takes part in or hosts, as the API does, and its bodies with their calendars', async () => {
    const html = (await get('/kommune?municipality=oyer')).body
    const api = await apiList<{ slug: string; status: string }>('/api/v1/collaborations?municipality=oyer')
    expect(api.length).toBeGreaterThan(10)
    expect(collaborationSlugs(html).sort()).toEqual(api.map(c => c.slug).sort())
    expect(html).toContain(`Samarbeid Øyer deltar i (${api.filter(c => c.status === 'active').length})`)
    const bodies = await apiList<{ slug: string; name: string }>('/api/v1/bodies?municipality=oyer')
    for (const b of bodies) {
      expect(html).toContain(`href="/arshjul?body=${b.slug}&amp;year=2027"`)
      expect(html).toContain(`href="webcal://arshjul.test/feeds/bodies/${b.slug}.ics"`)
    }
    expect(html).toContain('href="webcal://arshjul.test/feeds/municipalities/oyer.ics"')
    expect(html).toContain('href="/oppfolging?municipality=oyer"')
    expect(html).toContain('<h1 id="kommune-navn">Øyer</h1>')
  })

  it('shows the same counts as the start page', async () => {
    const count = (html: string, which: string) => Number(new RegExp(`data-municipality="oyer"[\\s\\S]*?data-count="${which}">(\\d+)<`).exec(html)![1])
    const start = (await get('/')).body
    const own = (await get('/kommune?municipality=oyer')).body
    expect(count(own, 'overdue')).toBe(count(start, 'overdue'))
    expect(count(own, 'upcoming')).toBe(count(start, 'upcoming'))
    expect(count(own, 'overdue') + count(own, 'upcoming')).toBeGreaterThan(0)
  })
})

describe('the collaborations list', () => {
  it('has every collaboration once over its pages, 50 to a page, active first', async () => {
    const api = await apiList<{ slug: string; status: string }>('/api/v1/collaborations')
    const seen: string[] = []
    let url: string | undefined = '/samarbeid'
    let pages = 0
    while (url) {
      const html: string = (await get(url)).body
      const slugs = collaborationSlugs(html)
      expect(slugs.length).toBeLessThanOrEqual(50)
      seen.push(...slugs)
      pages++
      url = /<a rel="next" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&')
    }
    expect(pages).toBe(2)
    expect(seen.sort()).toEqual(api.map(c => c.slug).sort())
    expect(new Set(seen).size).toBe(seen.length)
    const last = (await get('/samarbeid?page=2')).body
    expect(last).toContain('<a rel="prev" href="/samarbeid">')
    expect(last).toContain('Side 2 av 2')
  })

  it('finds collaborations by name or area', async () => {
    const html = (await get('/samarbeid?q=GL%C3%98R')).body
    expect(collaborationSlugs(html)).toEqual(['felles-renovasjonsselskap-glor'])
    expect(html).toContain('1 samarbeid passer til «GLØR»')
    expect(html).toContain('href="/samarbeid">Vis alle</a>')
    expect((await get('/samarbeid?q=finnes-ikke')).body).toContain('Ingen samarbeid passer til «finnes-ikke».')
  })
})

describe('the standalone SVG', () => {
  it('is well-formed SVG with the same marks as the API lists', async () => {
    const res = await get('/arshjul.svg?municipality=oyer&year=2027')
    const errors: string[] = []
    const doc = new DOMParser({ onError: (level, msg) => { errors.push(`${level}: ${msg}`) } }).parseFromString(res.body, 'image/svg+xml')
    expect(errors).toEqual([])
    const root = doc.documentElement!
    expect(root.localName).toBe('svg')
    expect(root.namespaceURI).toBe('http://www.w3.org/2000/svg')
    expect(root.getAttribute('viewBox')).toBe('0 0 1400 1000')
    const ids = Array.from(doc.getElementsByTagName('g')).filter(g => (g.getAttribute('class') ?? '').split(' ').includes('mark')).map(g => g.getAttribute('data-occurrence-id'))
    const api = await apiOccurrences('municipality=oyer&from=2027-01-01&to=2027-12-31&asOf=2027-08-01')
    expect(ids).toEqual(api.map(o => o.id))
    expect(doc.getElementsByTagName('script')).toHaveLength(0)
  })

  it('defaults to the current year', async () => {
    expect((await get('/arshjul.svg?municipality=oyer')).body).toContain('<title id="wheel-title">Årshjul 2027 – Øyer</title>')
  })
})

describe('the follow-up page and CSV', () => {
  it('lists exactly the rows of the overdue and upcoming reports (issue 5) for today', async () => {
    const overdue = (await get('/api/v1/reports/overdue?municipality=oyer&asOf=2027-08-01&limit=500')).json().data as Array<{ id: string }>
    const upcoming = (await get('/api/v1/reports/upcoming?municipality=oyer&asOf=2027-08-01&days=30&limit=500')).json().data as Array<{ id: string; daysLeft: number }>
    // The report agrees with the occurrences API: overdue in the last year, never a meeting.
    const fromApi = (await apiOccurrences('municipality=oyer&from=2026-08-01&to=2027-08-01&asOf=2027-08-01&status=overdue')).filter(o => o.kind !== 'meeting')
    expect(overdue.map(o => o.id).sort()).toEqual(fromApi.map(o => o.id).sort())
    const html = (await get('/oppfolging?municipality=oyer')).body
    // Issue 14 splits the upcoming rows: due within 14 days is «Snart frist» (due_soon), later ones stay upcoming.
    const rows = [...html.matchAll(/<tr class="situation-(overdue|due_soon|upcoming)" data-occurrence-id="([^"]+)"/g)]
    expect(rows.filter(r => r[1] === 'overdue').map(r => r[2]).sort()).toEqual(overdue.map(o => o.id).sort())
    expect(rows.filter(r => r[1] !== 'overdue').map(r => r[2]).sort()).toEqual(upcoming.map(o => o.id).sort())
    expect(rows.filter(r => r[1] === 'due_soon').map(r => r[2]).sort()).toEqual(upcoming.filter(o => o.daysLeft <= 14).map(o => o.id).sort())
    expect(html).toContain(`<span data-count="overdue">${overdue.length}</span>`)
    const csv = (await get('/oppfolging.csv?municipality=oyer')).body
    expect(csv.startsWith('\uFEFFSituasjon;Frist;Dager;Hva;Type;Gjelder;Ansvarlig;Behandles i møte;Status;Saksnummer;Siste påminnelse;Id\r\n')).toBe(true)
    const lines = csv.trimEnd().split('\r\n')
    expect(lines).toHaveLength(rows.length + 1)
    expect(lines[1]).toMatch(/^Forfalt;\d\d\.\d\d\.\d{4};\d+;/)
    expect(lines.slice(1).map(l => l.split(';').at(-1))).toEqual(rows.map(r => r[2]))
  })

  it('sends the CSV as a download named after the subject and date', async () => {
    const res = await get('/oppfolging.csv?municipality=oyer')
    expect(res.headers['content-disposition']).toBe('attachment; filename="oppfolging-oyer-2027-08-01.csv"')
  })
})

describe('escaping', () => {
  const pages = [
    '/',
    '/arshjul?collaboration=xss-samarbeid&year=2027',
    '/arshjul?collaboration=quotes-samarbeid&year=2027',
    '/arshjul?municipality=oyer&year=2027',
    '/oppfolging?collaboration=xss-samarbeid',
    '/oppfolging?collaboration=quotes-samarbeid',
    '/oppfolging?municipality=oyer',
    '/kommune?municipality=oyer',
    '/arshjul.svg?collaboration=xss-samarbeid&year=2027',
    '/arshjul.svg?collaboration=quotes-samarbeid&year=2027',
  ]

  it.each(pages)('%s shows the names as text, never as markup', async url => {
    const res = await get(url)
    expect(res.statusCode).toBe(200)
    expect(res.body).not.toContain(XSS)
    expect(res.body).not.toContain('Tom & "Jerry"')
    expect(res.body).not.toMatch(/<script(?![^>]*src="\/assets\/arshjul\.js")/)
    if (!url.includes('quotes')) expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    if (!url.includes('xss')) expect(res.body).toContain('Tom &amp; &quot;Jerry&quot;')
  })

  it('shows the search words as text in the page and the search field', async () => {
    const html = (await get(`/samarbeid?q=${encodeURIComponent(XSS)}`)).body
    expect(html).not.toContain(XSS)
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"')
    expect(html).toContain('1 samarbeid passer til «&lt;script&gt;alert(1)&lt;/script&gt;»')
    expect(html).toContain('data-collaboration="xss-samarbeid"')
  })

  it('escapes attribute values too (data-title, aria-label)', async () => {
    const html = (await get('/arshjul?collaboration=xss-samarbeid&year=2027')).body
    const labels = attrValues(html, 'aria-label').filter(v => v.includes('script'))
    expect(labels.length).toBeGreaterThan(0)
    for (const v of labels) expect(v).toContain('&lt;script&gt;')
  })

  it('the CSV keeps the names as plain text', async () => {
    const csv = (await get('/oppfolging.csv?collaboration=quotes-samarbeid')).body
    expect(csv).toContain('"Tom & ""Jerry"" samarbeid"')
  })
})

describe("today is the Europe/Oslo date of the app's clock", () => {
  it('at 23:30 UTC on 31 December it is already the new year in Oslo: default year and needle follow', async () => {
    const late = await buildTestApp({ now: '2027-12-31T23:30:00Z' })
    try {
      const svg = (await late.app.inject('/arshjul.svg?municipality=oyer')).body
      expect(svg).toContain('<title id="wheel-title">Årshjul 2028 – Øyer</title>')
      expect(svg).toContain('<title>I dag: 1. januar 2028</title>')
      expect((await late.app.inject('/')).body).toContain('I dag er 1. januar 2028.')
    } finally {
      await late.close()
    }
  })
})

describe('private bodies on the pages', () => {
  // Øyer's kontrollutvalg and GLØR's representantskap are made private: their items are for admins and
  // Øyer's editors (Øyer owns GLØR), not for anonymous readers or another municipality's editor.
  let p: TestApp
  let editorGausdal: string
  /** Two years of private items: the follow-up page looks a year back. */
  let ku: string[]
  let glorPrivate: string[]
  let in2027: Set<string>
  const as = (token: string | null) => (url: string) => p.app.inject({ url, headers: token ? p.auth(token) : {} })
  const idsIn = (html: string) => new Set([...html.matchAll(/data-occurrence-id="([^"]+)"/g)].map(m => m[1]!))
  const ids = async (url: string, token: string) => ((await as(token)(url)).json().data as Array<{ id: string }>).map(o => o.id)

  beforeAll(async () => {
    p = await buildTestApp({ now: '2027-08-01T10:00:00Z' })
    editorGausdal = (await p.services.tokens.create({ label: 'test-editor-gausdal', role: 'editor', municipality: (await p.services.municipalities.get('gausdal')).id })).token
    // The kontrollutvalg's own items: it is responsible for them or treats them (its calendar holds more).
    const kuItems = (await as(p.tokens.admin)('/api/v1/occurrences?body=oyer-kontrollutvalg&from=2026-01-01&to=2027-12-31&limit=500')).json().data as Array<{ id: string; date: string; responsibleBody: { slug: string } | null; treatedBy: { slug: string } | null }>
    ku = kuItems.filter(o => o.responsibleBody?.slug === 'oyer-kontrollutvalg' || o.treatedBy?.slug === 'oyer-kontrollutvalg').map(o => o.id)
    in2027 = new Set(kuItems.filter(o => o.date.startsWith('2027')).map(o => o.id))
    const glorBody = ((await as(null)('/api/v1/bodies?collaboration=felles-renovasjonsselskap-glor&limit=100')).json().data as Array<{ slug: string; kind: string }>)
      .find(b => b.kind === 'representantskap')!
    for (const slug of ['oyer-kontrollutvalg', glorBody.slug]) {
      const res = await p.app.inject({ method: 'PATCH', url: `/api/v1/bodies/${slug}`, headers: p.auth(p.tokens.admin), payload: { feedVisibility: 'private' } })
      expect(res.statusCode).toBe(200)
    }
    const glorUrl = '/api/v1/occurrences?collaboration=felles-renovasjonsselskap-glor&from=2026-01-01&to=2027-12-31&limit=500'
    const glorItems = (await as(p.tokens.admin)(glorUrl)).json().data as Array<{ id: string; date: string }>
    for (const o of glorItems) if (o.date.startsWith('2027')) in2027.add(o.id)
    const glorAll = glorItems.map(o => o.id)
    const glorPublic = ((await as(null)(glorUrl)).json().data as Array<{ id: string }>).map(o => o.id)
    glorPrivate = glorAll.filter(id => !glorPublic.includes(id))
    expect(await ids(glorUrl, p.tokens.editorOyer)).toEqual(glorAll)
    expect(ku.length).toBeGreaterThan(5)
  }, 60_000)
  afterAll(async () => { await p.close() })

  // Gausdal takes part in GLØR: its editors see GLØR's private body, not Øyer's.
  it.each([
    ['/arshjul?municipality=oyer&year=2027', () => ku.filter(id => in2027.has(id)), false],
    ['/arshjul.svg?municipality=oyer&year=2027', () => ku.filter(id => in2027.has(id)), false],
    ['/arshjul?collaboration=felles-renovasjonsselskap-glor&year=2027', () => glorPrivate.filter(id => in2027.has(id)), true],
    ['/arshjul.svg?collaboration=felles-renovasjonsselskap-glor&year=2027', () => glorPrivate.filter(id => in2027.has(id)), true],
  ])('%s shows the private items only to those allowed', async (url, hidden, gausdalSees) => {
    const anonymous = idsIn((await as(null)(url)).body)
    const gausdal = idsIn((await as(editorGausdal)(url)).body)
    const admin = idsIn((await as(p.tokens.admin)(url)).body)
    const oyer = idsIn((await as(p.tokens.editorOyer)(url)).body)
    expect(hidden().length).toBeGreaterThan(0)
    for (const id of hidden()) {
      expect(anonymous.has(id), id).toBe(false)
      expect(gausdal.has(id), id).toBe(gausdalSees)
      expect(admin.has(id), id).toBe(true)
      expect(oyer.has(id), id).toBe(true)
    }
    expect(admin.size).toBeGreaterThanOrEqual(anonymous.size + hidden().length)
  })

  it('answers 404 for a private body’s own wheel, SVG and follow-up to those who may not see it', async () => {
    for (const url of ['/arshjul?body=oyer-kontrollutvalg&year=2027', '/arshjul.svg?body=oyer-kontrollutvalg', '/oppfolging?body=oyer-kontrollutvalg', '/oppfolging.csv?body=oyer-kontrollutvalg']) {
      const anonymous = await as(null)(url)
      expect(anonymous.statusCode, url).toBe(404)
      expect(anonymous.body).toContain('Fant ingen organ «oyer-kontrollutvalg».')
      expect((await as(editorGausdal)(url)).statusCode, url).toBe(404)
      expect((await as(p.tokens.admin)(url)).statusCode, url).toBe(200)
      expect((await as(p.tokens.editorOyer)(url)).statusCode, url).toBe(200)
    }
    const admin = idsIn((await as(p.tokens.admin)('/arshjul?body=oyer-kontrollutvalg&year=2027')).body)
    expect(ku.filter(id => in2027.has(id)).every(id => admin.has(id))).toBe(true)
  })

  it('keeps the private items off the follow-up page, its CSV and the start page’s counts', async () => {
    const overdue = async (token: string | null) => ((await as(token)('/api/v1/reports/overdue?municipality=oyer&asOf=2027-08-01&limit=500')).json().data as Array<{ id: string }>).map(o => o.id)
    const upcoming = async (token: string | null) => ((await as(token)('/api/v1/reports/upcoming?municipality=oyer&asOf=2027-08-01&days=30&limit=500')).json().data as Array<{ id: string }>).map(o => o.id)
    const privateRows = [...await overdue(p.tokens.admin), ...await upcoming(p.tokens.admin)].filter(id => ku.includes(id))
    expect(privateRows.length).toBeGreaterThan(0)
    const rows = async (token: string | null) => idsIn((await as(token)('/oppfolging?municipality=oyer')).body)
    const csvIds = async (token: string | null) => new Set((await as(token)('/oppfolging.csv?municipality=oyer')).body.trimEnd().split('\r\n').slice(1).map(l => l.split(';').at(-1)!))
    for (const [token, sees] of [[null, false], [editorGausdal, false], [p.tokens.admin, true], [p.tokens.editorOyer, true]] as const) {
      const page = await rows(token)
      const csv = await csvIds(token)
      for (const id of privateRows) {
        expect(page.has(id), `${token} ${id}`).toBe(sees)
        expect(csv.has(id), `${token} ${id}`).toBe(sees)
      }
    }
    const count = async (token: string | null) => {
      const html = (await as(token)('/')).body
      const oyer = html.slice(html.indexOf('href="/oppfolging?municipality=oyer"') - 400, html.indexOf('href="/oppfolging?municipality=oyer"') + 400)
      return Number(/data-count="overdue">(\d+)</.exec(oyer)![1])
    }
    const anonymousOverdue = await overdue(null)
    const hiddenOverdue = (await overdue(p.tokens.admin)).filter(id => !anonymousOverdue.includes(id))
    // Hidden: the private bodies' own items, and the owners' preparations of the private body's meetings.
    expect(hiddenOverdue.filter(id => !ku.includes(id) && !glorPrivate.some(g => id === g || id.startsWith(`${g}-eier-`)))).toEqual([])
    expect(await count(p.tokens.admin)).toBe(await count(null) + hiddenOverdue.length)
    expect(await count(p.tokens.editorOyer)).toBe(await count(p.tokens.admin))
  })

  it('lists a private body on the start page only for those who may see it', async () => {
    expect((await as(null)('/')).body).not.toContain('/arshjul?body=oyer-kontrollutvalg')
    expect((await as(editorGausdal)('/')).body).not.toContain('/arshjul?body=oyer-kontrollutvalg')
    expect((await as(p.tokens.admin)('/')).body).toContain('/arshjul?body=oyer-kontrollutvalg')
    expect((await as(p.tokens.editorOyer)('/')).body).toContain('/arshjul?body=oyer-kontrollutvalg')
  })

  it('lists a private body on the municipality’s page and the collaborations list only for those who may see it', async () => {
    const glorBody = ((await as(null)('/api/v1/bodies?collaboration=felles-renovasjonsselskap-glor&limit=100')).json().data as Array<{ slug: string; kind: string }>)
      .find(b => b.kind === 'representantskap')!
    for (const [token, seesKu, seesGlor] of [[null, false, false], [editorGausdal, false, true], [p.tokens.admin, true, true], [p.tokens.editorOyer, true, true]] as const) {
      const oyer = (await as(token)('/kommune?municipality=oyer')).body
      expect(oyer.includes('/arshjul?body=oyer-kontrollutvalg'), `${token}`).toBe(seesKu)
      expect(oyer.includes(`/arshjul?body=${glorBody.slug}&`), `${token}`).toBe(seesGlor)
      const list = (await as(token)('/samarbeid?q=GL%C3%98R')).body
      expect(list.includes(`/arshjul?body=${glorBody.slug}&`), `${token}`).toBe(seesGlor)
      // Listed to those who may see it, but never with its feed: the address holds the secret.
      expect(list).not.toContain(`/feeds/bodies/${glorBody.slug}.ics`)
    }
  })

  it('does not let a shared cache keep a signed-in view of the SVG', async () => {
    expect((await as(null)('/arshjul.svg?municipality=oyer')).headers['cache-control']).toBe('public, max-age=300')
    expect((await as(p.tokens.admin)('/arshjul.svg?municipality=oyer')).headers['cache-control']).toBe('private, max-age=300')
  })
})

describe('the start page of many municipalities', () => {
  // Beyond one region (more than 12 municipalities or 150 collaborations) the start page is a table of
  // municipalities; their bodies and collaborations are on their own pages and on /samarbeid.
  let big: TestApp
  const added = ['Berg', 'Vik', 'Dal', 'Eid', 'Fjell', 'Hov', 'Lund', 'Moen', 'Nes', 'Åsen']
  beforeAll(async () => {
    big = await buildTestApp({ now: '2027-08-01T10:00:00Z' })
    const admin = { tokenId: null, label: 'test-admin', role: 'admin' as const, municipalityIds: [] }
    for (const name of added) {
      await big.services.municipalities.create(admin, { slug: name.toLowerCase().replace('å', 'a'), name, kind: 'kommune', county: 'Trøndelag', inRegion: true })
    }
  }, 60_000)
  afterAll(async () => { await big.close() })

  it('shows every municipality once, by Norwegian name, with counts, pages, wheel, follow-up and feed, and no collaboration rows', async () => {
    const res = await big.app.inject('/')
    expect(res.statusCode).toBe(200)
    const html = res.body
    const rows = [...html.matchAll(/<tr data-municipality="([^"]+)">\s*<th scope="row"><a href="([^"]+)">([^<]+)<\/a>/g)]
    expect(rows.map(r => r[3])).toEqual(['Berg', 'Dal', 'Eid', 'Fjell', 'Gausdal', 'Hov', 'Lillehammer', 'Lund', 'Moen', 'Nes', 'Vik', 'Øyer', 'Åsen'])
    for (const [, slug, href] of rows) {
      expect(href).toBe(`/kommune?municipality=${slug}`)
      expect(html).toContain(`href="/arshjul?municipality=${slug}&amp;year=2027"`)
      expect(html).toContain(`href="/oppfolging?municipality=${slug}"`)
      expect(html).toContain(`href="webcal://arshjul.test/feeds/municipalities/${slug}.ics"`)
    }
    expect(collaborationSlugs(html)).toEqual([])
    expect(html).not.toContain('/arshjul?body=')
    expect(html).toContain('href="/samarbeid">Alle 57 interkommunale samarbeid</a>')
    expect(html).toContain('<form class="search" action="/samarbeid" method="get"')
    expect(html).toContain('<span class="tagline">Styringskalender for kommunene og de interkommunale samarbeidene</span>')
    // The region's name is its municipalities' (issue 12: the region is data).
    expect((await get('/')).body).toContain('<span class="tagline">Styringskalender for kommunene og samarbeidene i Gausdal, Lillehammer og Øyer</span>')
    expect((await get('/')).body).toContain('<h1>Årshjulet for Gausdal, Lillehammer og Øyer</h1>')
  })

  it('counts as the reports and the municipality’s own page do', async () => {
    const html = (await big.app.inject('/')).body
    for (const slug of ['gausdal', 'lillehammer', 'oyer', 'asen']) {
      const row = html.slice(html.indexOf(`<tr data-municipality="${slug}">`), html.indexOf('</tr>', html.indexOf(`<tr data-municipality="${slug}">`)))
      const overdue = (await big.app.inject(`/api/v1/reports/overdue?municipality=${slug}&asOf=2027-08-01`)).json().pagination.totalElements as number
      const upcoming = (await big.app.inject(`/api/v1/reports/upcoming?municipality=${slug}&asOf=2027-08-01&days=30`)).json().pagination.totalElements as number
      expect(Number(/data-count="overdue">(\d+)</.exec(row)![1]), slug).toBe(overdue)
      expect(Number(/data-count="upcoming">(\d+)</.exec(row)![1]), slug).toBe(upcoming)
      const active = (await big.app.inject(`/api/v1/collaborations?municipality=${slug}&status=active&limit=1`)).json().pagination.totalElements as number
      expect(Number(/<td data-sort="(\d+)"><a href="\/kommune[^"]*#samarbeid">/.exec(row)![1]), slug).toBe(active)
    }
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DOMParser } from '@xmldom/xmldom'
import { parse as parseCsv } from 'csv-parse/sync'
import { buildTestApp, type TestApp } from '../../helpers/app.js'
import { signIn, type SignedIn } from '../../helpers/people.js'
import { DEMO_ACTOR, loadDemoKontroll, readDemoKontroll } from '../../../src/kontroll/demo.js'
import { CONTROL_STATES } from '../../../src/pages/kontroll/coverage.js'
import { legalFormLabel } from '../../../src/presenters/vocabulary.js'
import { legalFormLabel as registerSpelling } from '../../../src/register/legal-form.js'

// Coverage (/kontroll/dekning, /kontroll/<kontrollutvalg>/dekning) and the planning review
// (/kontroll/plan/<id>/gjennomgang) over the demo's plans (valgperiode 2023), on 1 December 2026.
const NOW = '2026-12-01T10:00:00Z'
const KUS = ['lillehammer-kontrollutvalg', 'gausdal-kontrollutvalg', 'oyer-kontrollutvalg']
type Json = Record<string, any>

let t: TestApp
let sek: SignedIn
beforeAll(async () => {
  t = await buildTestApp({ now: NOW })
  await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
  sek = await signIn(t, 'sek@example.no', KUS.map(k => ({ role: 'sekretariat' as const, kontrollutvalg: k })), 'Siri Sekretær')
}, 60_000)
afterAll(async () => { await t?.close() })

const get = (url: string, headers: Record<string, string> = sek.headers) => t.app.inject({ method: 'GET', url, headers })

async function plansByTitle (): Promise<Map<string, number>> {
  const res = await get('/api/v1/kontroll/plans?valgperiode=2023')
  return new Map(res.json().data.map((p: Json) => [p.title, p.id]))
}

// ── reading the page's tables as a reader would (the text in each cell) ──
function documentOf (html: string) {
  return new DOMParser({ onError: () => {} }).parseFromString(html, 'text/html')
}
const text = (n: any): string => String(n?.textContent ?? '').replace(/\s+/g, ' ').trim()
const all = (root: any, tag: string): any[] => Array.from(root.getElementsByTagName(tag))
const cellsOf = (tr: any): Record<string, any> => Object.fromEntries([...all(tr, 'th'), ...all(tr, 'td')].map(c => [c.getAttribute('data-label'), c]))
const STATE_OF_LABEL = new Map(Object.entries(CONTROL_STATES).map(([state, s]) => [s.label, state]))
/** '✓ Gjennomført' → 'done' (the word decides; the symbol is for the eye). */
const stateOf = (cell: any): string => STATE_OF_LABEL.get(text(cell).replace(/^\S+ /, '')) ?? `?${text(cell)}`

interface PageSection { municipality: string; csv: string; collaborations: Json[]; serviceAreas: Json[] }
function sectionsOf (html: string): PageSection[] {
  const doc = documentOf(html)
  return all(doc, 'section').filter(s => s.getAttribute('class') === 'coverage-section').map(s => {
    const tables = all(s, 'table')
    const rows = (kind: string) => {
      const table = tables.find(x => x.getAttribute('data-table') === kind)
      return table ? all(all(table, 'tbody')[0], 'tr') : []
    }
    const csv = all(s, 'a').find(a => /csv-link/.test(a.getAttribute('class') ?? ''))
    return {
      municipality: s.getAttribute('data-municipality'),
      csv: csv?.getAttribute('href') ?? '',
      collaborations: rows('collaborations').map(tr => {
        const c = cellsOf(tr)
        const name = all(c['Selskap eller samarbeid'], 'span').find(x => x.getAttribute('class') === 'coverage-name')
        return {
          slug: tr.getAttribute('data-slug'),
          name: text(name),
          form: text(c.Form),
          role: text(c.Rolle).toLowerCase(),
          eierskapskontroll: stateOf(c.Eierskapskontroll),
          forvaltningsrevisjon: stateOf(c.Forvaltningsrevisjon),
          flagged: text(c['Selskap eller samarbeid']).includes('Ingen kontroll'),
          projects: all(c['Prosjekter i perioden'], 'li').map(li => text(li).replace(/ \([^)]*\)$/, '')),
          score: text(c['Risiko × vesentlighet']),
        }
      }),
      serviceAreas: rows('service-areas').map(tr => {
        const c = cellsOf(tr)
        return {
          name: text(c.Tjenesteområde),
          forvaltningsrevisjon: stateOf(c.Forvaltningsrevisjon),
          projects: all(c['Prosjekter i perioden'], 'li').map(li => text(li).replace(/ \([^)]*\)$/, '')),
          score: text(c['Risiko × vesentlighet']),
        }
      }),
    }
  })
}
const scoreText = (r: Json) => r.score === null ? 'ikke vurdert' : `${r.score} (${r.risk} × ${r.materiality})`
const CSV_STATE: Record<string, string> = { planlagt: 'planned', gjennomført: 'done', ingen: 'none' }

/**
 * The page's tables, the CSV it links to and the API's JSON say the same, row by row and in the same
 * order: name, form, role, both controls, flagged, projects and risk × materiality.
 */
async function expectAgreement (html: string, headers: Record<string, string>) {
  const sections = sectionsOf(html)
  expect(sections.length).toBeGreaterThan(0)
  for (const s of sections) {
    const api = await get(`/api/v1/kontroll/coverage?valgperiode=2023&municipality=${s.municipality}`, headers)
    expect(api.statusCode).toBe(200)
    const m = api.json().municipalities[0]
    expect(s.collaborations.length, s.municipality).toBe(m.collaborations.length)
    m.collaborations.forEach((c: Json, i: number) => {
      expect(s.collaborations[i], `${s.municipality} row ${i + 1}`).toEqual({
        slug: c.slug,
        name: c.name,
        form: legalFormLabel(c.legalForm),
        role: c.role,
        eierskapskontroll: c.eierskapskontroll,
        forvaltningsrevisjon: c.forvaltningsrevisjon,
        flagged: c.flagged,
        projects: c.projects.map((p: Json) => p.title),
        score: scoreText(c),
      })
    })
    expect(s.serviceAreas).toEqual(m.serviceAreas.map((a: Json) => ({
      name: a.serviceArea, forvaltningsrevisjon: a.forvaltningsrevisjon, projects: a.projects.map((p: Json) => p.title), score: scoreText(a),
    })))

    // The CSV the page links to: the same rows, collaborations then service areas.
    expect(s.csv).toBe(`/api/v1/kontroll/coverage?valgperiode=2023&municipality=${s.municipality}&format=csv`)
    const csv = await get(s.csv, headers)
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    // The CSV writes a legal form in the register's spelling («§ 27»), the page in words («§ 27-samarbeid»): both from the JSON's key.
    const formOf = new Map<string, any>(m.collaborations.map((c: Json) => [c.slug, c.legalForm]))
    const [header, ...records] = parseCsv(csv.body.replace(/^\uFEFF/, ''), { delimiter: ';', relax_column_count: false }) as string[][]
    expect(header![1]).toBe('Selskap / samarbeid / tjenesteområde')
    expect(records.length).toBe(s.collaborations.length + s.serviceAreas.length)
    s.collaborations.forEach((row, i) => {
      const r = records[i]!
      expect({ name: r[1], form: r[2], role: r[3], eierskapskontroll: CSV_STATE[r[5]!], forvaltningsrevisjon: CSV_STATE[r[6]!], projects: r[7] ? r[7].split(' | ') : [], flagged: r[12] === 'JA' }, `CSV row ${i + 1}`)
        .toEqual({ name: row.name, form: registerSpelling(formOf.get(row.slug)) || formOf.get(row.slug), role: row.role, eierskapskontroll: row.eierskapskontroll, forvaltningsrevisjon: row.forvaltningsrevisjon, projects: row.projects, flagged: row.flagged })
      expect(r[0]).toBe(m.municipality.name)
    })
    s.serviceAreas.forEach((row, i) => {
      const r = records[s.collaborations.length + i]!
      expect({ name: r[1], form: r[2], forvaltningsrevisjon: CSV_STATE[r[6]!], projects: r[7] ? r[7].split(' | ') : [] })
        .toEqual({ name: row.name, form: 'Tjenesteområde', forvaltningsrevisjon: row.forvaltningsrevisjon, projects: row.projects })
    })
  }
  return sections
}

describe('coverage pages', () => {
  it('Coverage page and CSV agree with GET /api/v1/kontroll/coverage (one kontrollutvalg, and all three)', async () => {
    const one = await get('/kontroll/gausdal-kontrollutvalg/dekning?valgperiode=2023')
    expect(one.statusCode, one.body).toBe(200)
    const [gausdal] = await expectAgreement(one.body, sek.headers)
    expect(gausdal!.municipality).toBe('gausdal')

    const every = await get('/kontroll/dekning?valgperiode=2023')
    expect(every.statusCode, every.body).toBe(200)
    const sections = await expectAgreement(every.body, sek.headers)
    // A sekretariat serving three kontrollutvalg sees three municipalities, by name, one CSV each.
    expect(sections.map(s => s.municipality)).toEqual(['gausdal', 'lillehammer', 'oyer'])
    expect(new Set(sections.map(s => s.csv)).size).toBe(3)
  })

  it('shows Gausdal’s companies without control first, in words and symbols; controls planned and done; service areas', async () => {
    const res = await get('/kontroll/gausdal-kontrollutvalg/dekning')
    expect(res.statusCode).toBe(200)
    const html = res.body
    expect(html).toContain('<h1>Dekning: Gausdal</h1>')
    expect(html).toContain('valgperiode 2023–2027') // the current period by default (1 December 2026)
    const [s] = sectionsOf(html)
    const rows = s!.collaborations
    const firstUnflagged = rows.findIndex(r => !r.flagged)
    expect(firstUnflagged).toBeGreaterThan(0)
    expect(rows.slice(firstUnflagged).every(r => !r.flagged)).toBe(true)
    expect(rows.find(r => r.slug === 'ikomm-as')).toMatchObject({ flagged: true, eierskapskontroll: 'none', forvaltningsrevisjon: 'none', form: 'AS', role: 'eier', score: '12 (4 × 3)' })
    expect(rows.find(r => r.slug === 'skappa-kunnskapspark')).toMatchObject({ flagged: true, score: 'ikke vurdert' })
    expect(rows.find(r => r.slug === 'felles-renovasjonsselskap-glor')).toMatchObject({ flagged: false, eierskapskontroll: 'done', projects: ['Eierskapskontroll GLØR IKS'] })
    expect(rows.find(r => r.slug === 'innlandet-revisjon')).toMatchObject({ eierskapskontroll: 'planned', forvaltningsrevisjon: 'none' })
    // Words and symbols: the flag and each state carry a word, never colour alone.
    expect(html).toMatch(/<span class="badge coverage-flag"><span aria-hidden="true">⚠<\/span> Ingen kontroll<\/span>/)
    expect(html).toMatch(/<span class="control control-done"><span class="control-symbol" aria-hidden="true">✓<\/span> Gjennomført<\/span>/)
    expect(html).toMatch(/<span class="control control-planned"><span class="control-symbol" aria-hidden="true">○<\/span> Planlagt<\/span>/)
    expect(html).toContain('<caption class="visually-hidden">Selskaper og samarbeid i Gausdal')
    expect(html).toContain('Last ned CSV<span class="visually-hidden"> for Gausdal</span>')
    expect(html).toContain('Sist kontrollert')
    expect(html).toContain('2. juni 2025 (eierskapskontroll)')
    expect(s!.serviceAreas.length).toBeGreaterThan(0)
    // The valgperiode form: a labelled select, the shown period selected.
    expect(html).toContain('<label for="felt-valgperiode">Valgperiode</label>')
    expect(html).toContain('<option value="2023" selected>2023–2027</option>')
  })

  it('another valgperiode shows that period (nothing planned for 2027 yet: every owned company flagged)', async () => {
    const res = await get('/kontroll/gausdal-kontrollutvalg/dekning?valgperiode=2027')
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('valgperiode 2027–2031')
    const [s] = sectionsOf(res.body)
    expect(s!.csv).toBe('/api/v1/kontroll/coverage?valgperiode=2027&municipality=gausdal&format=csv')
    expect(s!.collaborations.every(r => r.eierskapskontroll === 'none' && r.forvaltningsrevisjon === 'none')).toBe(true)
    expect(s!.collaborations.some(r => r.flagged)).toBe(true)
  })

  it('a bad valgperiode is a 400 page naming the field, on both pages; nothing changes', async () => {
    const before = await t.snapshot()
    for (const url of ['/kontroll/gausdal-kontrollutvalg/dekning?valgperiode=2024', '/kontroll/dekning?valgperiode=tjuetjuetre', '/kontroll/dekning?valgperiode=20233']) {
      const res = await get(url)
      expect(res.statusCode, url).toBe(400)
      expect(res.body, url).toContain('<div class="error-summary" role="alert" tabindex="-1" id="feil">')
      expect(res.body, url).toMatch(/<a href="#felt-valgperiode">Valgperiode: «[^»]+» er ikke et valgår/)
      expect(res.body, url).toContain('aria-invalid="true" aria-describedby="feil-valgperiode"')
      expect(sectionsOf(res.body), url).toEqual([])
    }
    expect(await t.snapshot()).toBe(before)
  })

  it('404 for an unknown organ, a body that is not a kontrollutvalg, and a private kontrollutvalg to those who may not see it', async () => {
    expect((await get('/kontroll/finnes-ikke/dekning')).statusCode).toBe(404)
    const notKu = await get('/kontroll/gausdal-kommunestyre/dekning')
    expect(notKu.statusCode).toBe(404)
    expect(notKu.body).toContain('Fant ikke noe kontrollutvalg med denne adressen.')
    const other = await buildTestApp({ now: NOW })
    try {
      expect((await other.app.inject({ method: 'PATCH', url: '/api/v1/bodies/oyer-kontrollutvalg', headers: other.auth(other.tokens.admin), payload: { feedVisibility: 'private' } })).statusCode).toBe(200)
      const gausdalSek = await signIn(other, 'g@example.no', [{ role: 'sekretariat', kontrollutvalg: 'gausdal-kontrollutvalg' }])
      const oyerSek = await signIn(other, 'o@example.no', [{ role: 'sekretariat', kontrollutvalg: 'oyer-kontrollutvalg' }])
      expect((await other.app.inject({ url: '/kontroll/oyer-kontrollutvalg/dekning' })).statusCode).toBe(404)
      expect((await other.app.inject({ url: '/kontroll/oyer-kontrollutvalg/dekning', headers: gausdalSek.headers })).statusCode).toBe(404)
      expect((await other.app.inject({ url: '/kontroll/oyer-kontrollutvalg/dekning', headers: oyerSek.headers })).statusCode).toBe(200)
      // Anonymous readers' all-view leaves the private kontrollutvalg's municipality out.
      const anon = await other.app.inject({ url: '/kontroll/dekning' })
      expect(anon.statusCode).toBe(200)
      const shown = sectionsOf(anon.body).map(s => s.municipality)
      expect(shown).toContain('gausdal')
      expect(shown).not.toContain('oyer')
    } finally { await other.close() }
  })

  it('a sekretariat for one kontrollutvalg sees one section in the all-view, with its coverage page linked', async () => {
    const one = await signIn(t, 'ku-gausdal@example.no', [{ role: 'sekretariat', kontrollutvalg: 'gausdal-kontrollutvalg' }])
    const res = await get('/kontroll/dekning', one.headers)
    expect(res.statusCode).toBe(200)
    expect(sectionsOf(res.body).map(s => s.municipality)).toEqual(['gausdal'])
    expect(res.body).toContain('<a href="/kontroll/gausdal-kontrollutvalg/dekning?valgperiode=2023">Kontrollutvalget i Gausdal</a>')
  })
})

describe('the planning review page', () => {
  it('shows the joint plan’s adoption, what is behind schedule and why, deadlines ahead and projects per year, linked', async () => {
    const plans = await plansByTitle()
    const id = plans.get('Felles plan for eierskapskontroll 2024–2027 (Lillehammer, Gausdal, Øyer)')!
    const res = await get(`/kontroll/plan/${id}/gjennomgang`)
    expect(res.statusCode, res.body).toBe(200)
    const html = res.body
    const api = (await get(`/api/v1/kontroll/plans/${id}/review?asOf=2026-12-01`)).json()
    expect(html).toContain('Per <strong><time datetime="2026-12-01">1. desember 2026</time></strong> (i dag)')
    expect(html).toContain('Vedtatt av kommunestyret 28. november 2024 (fristen var 31. desember 2024).')
    // The current version's adoption by each member: three kontrollutvalg, three kommunestyrer.
    const plan = (await get(`/api/v1/kontroll/plans/${id}`)).json()
    expect(html).toContain(`<caption>Versjon ${plan.version} av planen: vedtak i hvert kontrollutvalg og kommunestyre</caption>`)
    expect(plan.adoptions).toHaveLength(3)
    for (const a of plan.adoptions) expect(html).toContain(`<tr><td data-label="Kontrollutvalg">${a.body.name}</td>`)
    // Behind schedule, each with its reason, linked to the project page.
    expect(api.behindSchedule.length).toBeGreaterThan(0)
    for (const b of api.behindSchedule) {
      expect(html).toContain(`<a href="/kontroll/plan/${id}/prosjekt/${b.project.id}">${b.project.title}</a></strong>: ${b.daysBehind} dager på etterskudd.`)
    }
    expect(html).toContain('Planlagt til 1. kvartal 2026: rapporten skulle vært levert innen 31. mars 2026 og er ikke levert (status: under arbeid).')
    // Deadlines ahead and every project by year, linked.
    for (const d of api.deadlinesAhead) expect(html).toContain(`<time datetime="${d.date}">`)
    for (const y of api.byYear) for (const p of y.projects) expect(html).toContain(`<tr data-project="${p.id}"><td data-label="År">${y.year}</td>`)
    for (const [status, n] of Object.entries(api.byStatus)) expect(html).toMatch(new RegExp(`<tr data-status="${status}"><th scope="row">[^<]+</th><td>${n}</td></tr>`))
    expect(html).toMatch(/<tr data-status="treated"><th scope="row">Behandlet<\/th><td>1<\/td><\/tr>/)
    // Back to the plan; the date form (GET, «Per dato», today by default).
    expect(html).toContain(`<a href="/kontroll/plan/${id}">Tilbake til planen</a>`)
    expect(html).toContain(`<form class="filters review-date" method="get" action="/kontroll/plan/${id}/gjennomgang">`)
    expect(html).toContain('<label for="felt-dato">Per dato</label>')
    expect(html).toContain('name="dato" value="2026-12-01"')
  })

  it('as of another date: a plan not adopted is pending before its due date and overdue after it, in words and a symbol', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/kontroll/plans',
      headers: t.auth(t.tokens.admin),
      payload: { type: 'forvaltningsrevisjon', electionYear: 2019, title: 'Plan for forvaltningsrevisjon 2020–2023, Gausdal', bodies: ['gausdal-kontrollutvalg'] },
    })
    expect(created.statusCode, created.body).toBe(201)
    const id = created.json().id
    const early = await get(`/kontroll/plan/${id}/gjennomgang?dato=2020-06-01`)
    expect(early.statusCode).toBe(200)
    expect(early.body).toContain('Per <strong><time datetime="2020-06-01">1. juni 2020</time></strong>.')
    expect(early.body).toMatch(/<p class="review-adoption review-pending"><span class="review-symbol" aria-hidden="true">○<\/span> Ikke vedtatt\. Frist 31\. desember 2020 \(om 213 dager\)\.<\/p>/)
    expect(early.body).toContain('name="dato" value="2020-06-01"')
    expect(early.body).toContain(`<a class="button secondary" href="/kontroll/plan/${id}/gjennomgang">I dag</a>`)
    const today = await get(`/kontroll/plan/${id}/gjennomgang`)
    expect(today.statusCode).toBe(200)
    const api = (await get(`/api/v1/kontroll/plans/${id}/review`)).json()
    expect(api.adoption).toMatchObject({ overdue: true, daysOverdue: 2161 })
    expect(today.body).toMatch(/<p class="review-adoption review-overdue"><span class="review-symbol" aria-hidden="true">⚠<\/span> Ikke vedtatt\. Fristen 31\. desember 2020 er passert: 2161 dager på overtid\.<\/p>/)
    expect(today.body).not.toContain('>I dag</a>')
  })

  it('as of an earlier date, nothing of the joint plan is behind yet and more deadlines lie ahead', async () => {
    const id = (await plansByTitle()).get('Felles plan for eierskapskontroll 2024–2027 (Lillehammer, Gausdal, Øyer)')!
    const res = await get(`/kontroll/plan/${id}/gjennomgang?dato=2025-01-15`)
    expect(res.statusCode).toBe(200)
    const api = (await get(`/api/v1/kontroll/plans/${id}/review?asOf=2025-01-15`)).json()
    expect(api.behindSchedule).toEqual([])
    expect(res.body).toContain('Ingen prosjekter er forsinket per 15. januar 2025.')
    expect(res.body).toContain(`Frister framover <span class="count-badge">(${api.deadlinesAhead.length})</span>`)
    expect(api.deadlinesAhead.length).toBeGreaterThan(0)
  })

  it('a bad date is a 400 page naming the field, the value kept; nothing changes', async () => {
    const id = (await plansByTitle()).get('Plan for forvaltningsrevisjon 2024–2027, Gausdal')!
    const before = await t.snapshot()
    for (const bad of ['2026-02-30', 'i går', '1.12.2026']) {
      const res = await get(`/kontroll/plan/${id}/gjennomgang?dato=${encodeURIComponent(bad)}`)
      expect(res.statusCode, bad).toBe(400)
      expect(res.body).toContain(`<a href="#felt-dato">Per dato: «${bad}» er ikke en gyldig dato.`)
      expect(res.body).toContain(`name="dato" value="${bad}" aria-describedby="hint-dato feil-dato" aria-invalid="true"`)
      expect(res.body).not.toContain('Forsinkede prosjekter')
    }
    expect(await t.snapshot()).toBe(before)
  })

  it('404 for an unknown plan, a malformed id, and a private kontrollutvalg’s plan to those who may not see it', async () => {
    expect((await get('/kontroll/plan/99999/gjennomgang')).statusCode).toBe(404)
    const bad = await get('/kontroll/plan/abc/gjennomgang')
    expect(bad.statusCode).toBe(404)
    expect(bad.body).toContain('Fant ingen plan med dette nummeret.')
    // 404 before the date is judged.
    expect((await get('/kontroll/plan/99999/gjennomgang?dato=nei')).statusCode).toBe(404)
    const other = await buildTestApp({ now: NOW })
    try {
      await loadDemoKontroll(other.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
      expect((await other.app.inject({ method: 'PATCH', url: '/api/v1/bodies/oyer-kontrollutvalg', headers: other.auth(other.tokens.admin), payload: { feedVisibility: 'private' } })).statusCode).toBe(200)
      const plans = (await other.app.inject({ url: '/api/v1/kontroll/plans?valgperiode=2023', headers: other.auth(other.tokens.admin) })).json().data as Json[]
      const oyer = plans.find(p => p.title === 'Plan for forvaltningsrevisjon 2024–2027, Øyer')!
      const gausdalSek = await signIn(other, 'g@example.no', [{ role: 'sekretariat', kontrollutvalg: 'gausdal-kontrollutvalg' }])
      const oyerSek = await signIn(other, 'o@example.no', [{ role: 'sekretariat', kontrollutvalg: 'oyer-kontrollutvalg' }])
      const url = `/kontroll/plan/${oyer.id}/gjennomgang`
      expect((await other.app.inject({ url })).statusCode).toBe(404)
      expect((await other.app.inject({ url, headers: gausdalSek.headers })).statusCode).toBe(404)
      expect((await other.app.inject({ url, headers: oyerSek.headers })).statusCode).toBe(200)
      expect((await other.app.inject({ url, headers: other.auth(other.tokens.editorOyer) })).statusCode).toBe(200)
    } finally { await other.close() }
  })
})

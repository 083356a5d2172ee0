import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../helpers/app.js'
import { signIn, type SignedIn } from '../../helpers/people.js'
import { DEMO_ACTOR, loadDemoKontroll, readDemoKontroll } from '../../../src/kontroll/demo.js'
import { systemViewer } from '../../../src/services/access.js'

// The overordnet analyse pages (issue 15) over HTTP: /kontroll/<kontrollutvalg>/analyse and its scoring
// form, with the demo's assessments of valgperiode 2023. The browser test drives the same pages in Chromium.
const NOW = '2026-12-01T10:00:00Z'
const GAUSDAL = '/kontroll/gausdal-kontrollutvalg/analyse'
const LILLEHAMMER = '/kontroll/lillehammer-kontrollutvalg/analyse'
const FORM = `${GAUSDAL}/vurder`
const SKAPPA_FORM = `${FORM}?valgperiode=2023&selskap=skappa-kunnskapspark`
let t: TestApp
let sek: SignedIn

const post = (who: SignedIn | null, url: string, form: Record<string, string>) => t.app.inject({
  method: 'POST',
  url,
  headers: { ...(who?.headers ?? {}), 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams({ ...(who ? { _csrf: who.csrf } : {}), ...form }).toString(),
})
const skappaRows = () => t.sql.all<{ id: number; risk: number; materiality: number; justification: string; assessedOn: string }>(`select r.id, r.risk, r.materiality, r.justification, r.assessed_on as "assessedOn" from risk_assessment r
  join collaboration c on c.id = r.collaboration_id where c.slug = 'skappa-kunnskapspark' and r.deleted = 0 order by r.id`)
const auditOf = (id: number) => t.sql.all<{ action: string; actor: string; userId: number | null }>("select action, actor, user_id as \"userId\" from audit_log where entity_type = 'risk_assessment' and entity_id = ? order by id", String(id))
/** The ranked list's row of a subject, as text. */
const rowOf = (html: string, anchor: string) => {
  const start = html.indexOf(`<tr id="${anchor}"`)
  expect(start, anchor).toBeGreaterThan(-1)
  return html.slice(start, html.indexOf('</tr>', start)).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()
}
const skappa = { valgperiode: '2023', selskap: 'skappa-kunnskapspark', risiko: '3', vesentlighet: '4', begrunnelse: 'Ny næringshage; kommunene garanterer for lån.', dato: '2026-11-30' }

beforeEach(async () => {
  t = await buildTestApp({ now: NOW })
  await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
  // The occurrence index builds in the background after the demo's writes: let it finish, so a snapshot sees only this test's writes.
  await t.services.occurrenceIndex.ready()
  await t.services.occurrenceIndex.settled()
  sek = await signIn(t, 'sek@example.no', ['lillehammer-kontrollutvalg', 'gausdal-kontrollutvalg', 'oyer-kontrollutvalg'].map(kontrollutvalg => ({ role: 'sekretariat' as const, kontrollutvalg })), 'Siri Sekretær')
})
afterEach(async () => { await t.close() })

describe('the analyse page', () => {
  it('shows every subject of Gausdal ranked, «Ikke vurdert» last, and the matrix as an SVG hidden from screen readers followed by the same data as a table', async () => {
    const res = await t.app.inject({ url: GAUSDAL, headers: sek.headers })
    expect(res.statusCode).toBe(200)
    const html = res.body
    expect(html).toContain('<h1 id="analyse-tittel">Overordnet analyse – Gausdal</h1>')
    expect(html).toContain('valgperiode 2023–2027')
    // The ranked list: highest score first, ties by name.
    const ranked = [...html.matchAll(/<tr id="(emne-[^"]+)"/g)].map(m => m[1])
    expect(ranked.slice(0, 8)).toEqual([
      'emne-omrade-helse-og-omsorg', 'emne-felles-brann-og-feiertjeneste', 'emne-felles-renovasjonsselskap-glor', 'emne-ikomm-as',
      'emne-lillehammer-og-gausdal-energiverk-holding-as-lge', 'emne-innlandet-revisjon', 'emne-omrade-skole', 'emne-visit-lillehammer-as',
    ])
    expect(rowOf(html, 'emne-omrade-helse-og-omsorg')).toBe('1 Helse og omsorg Tjenesteområde 4 5 20 (svært høy) Største budsjettområdet; bemanning i hjemmetjenesten. 23. januar 2024 Endre Helse og omsorg')
    expect(rowOf(html, 'emne-skappa-kunnskapspark')).toBe('– Skåppå kunnskapspark AS · eier Ikke vurdert Vurder Skåppå kunnskapspark')
    // Every company Gausdal owns or takes part in, as the coverage service has it; Lillehammer's own service areas are not here.
    const coverage = await t.services.kontroll.coverage.coverage(systemViewer, { electionYear: 2023, municipality: 'gausdal' })
    for (const c of coverage.municipalities[0]!.collaborations) expect(ranked).toContain(`emne-${c.collaboration.slug}`)
    expect(ranked).toHaveLength(coverage.municipalities[0]!.collaborations.length + 2)
    expect(html).not.toContain('Barnevern')
    expect(html).toContain('8</span> vurdert')
    // The matrix: the SVG is aria-hidden, its cell carries the score and the rank numbers; the table has the names.
    expect(html).toMatch(/<svg viewBox="0 0 580 580" aria-hidden="true" focusable="false" class="risk-matrix-svg">/)
    const cell = html.slice(html.indexOf('<g data-risk="4" data-materiality="5">'), html.indexOf('</g>', html.indexOf('<g data-risk="4" data-materiality="5">')))
    expect(cell).toMatch(/>20<\/text>/)
    expect(cell).toMatch(/>1<\/text>/)
    const table = html.slice(html.indexOf('<table class="matrix-table">'))
    expect(table).toContain('<caption id="matrise-tabell-tittel">')
    expect(table).toContain('<th scope="row">Risiko 4</th>')
    expect(table).toContain('<th scope="col">Vesentlighet 5</th>')
    expect(table).toContain('<a href="#emne-omrade-helse-og-omsorg">1. Helse og omsorg</a>')
    expect(table).toContain('<a href="#emne-ikomm-as">4. IKOMM AS</a>')
    expect(html).toContain('role="region" aria-labelledby="matrise-tabell-tittel" tabindex="0"')
    // The sekretariat gets the forms' links.
    expect(html).toContain('href="/kontroll/gausdal-kontrollutvalg/analyse/vurder?valgperiode=2023&amp;selskap=skappa-kunnskapspark"')
    expect(html).toContain('Legg til tjenesteområde')
  })

  it('is read only to an editor of Gausdal and to readers who are not signed in; 404 and 400 for a wrong address', async () => {
    const editor = await signIn(t, 'per@gausdal.kommune.no', [{ role: 'editor', municipality: 'gausdal' }], 'Per Hansen')
    const read = await t.app.inject({ url: GAUSDAL, headers: editor.headers })
    expect(read.statusCode).toBe(200)
    expect(rowOf(read.body, 'emne-ikomm-as')).toContain('4 3 12 (høy)')
    expect(read.body).not.toContain('/analyse/vurder')
    expect(read.body).toContain('Du kan lese analysen, men ikke endre den')
    const anon = await t.app.inject(GAUSDAL)
    expect(anon.statusCode).toBe(200)
    expect(anon.body).not.toContain('/analyse/vurder')
    expect(anon.body).toContain(`/logg-inn?tilbake=${encodeURIComponent(GAUSDAL)}`)
    // Another valgperiode: nothing assessed yet.
    const next = await t.app.inject({ url: `${GAUSDAL}?valgperiode=2027`, headers: sek.headers })
    expect(next.statusCode).toBe(200)
    expect(next.body).toContain('0</span> vurdert')
    expect((await t.app.inject(`${GAUSDAL}?valgperiode=2024`)).statusCode).toBe(400)
    expect((await t.app.inject('/kontroll/ingen-slik/analyse')).statusCode).toBe(404)
    expect((await t.app.inject('/kontroll/gausdal-kommunestyre/analyse')).statusCode).toBe(404)
  })
})

describe('scoring', () => {
  it('the sekretariat scores Skåppå kunnskapspark on Gausdal’s page; Lillehammer’s page shows the same assessment, and a change there updates the one row', async () => {
    const form = await t.app.inject({ url: SKAPPA_FORM, headers: sek.headers })
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('<h1 id="vurder-tittel">Vurder Skåppå kunnskapspark</h1>')
    expect(form.body).toContain('<legend>Risiko</legend>')
    expect(form.body).toContain('<legend>Vesentlighet</legend>')
    for (const label of ['1 – lav', '2 – ganske lav', '3 – middels', '4 – ganske høy', '5 – høy']) expect(form.body).toContain(`">${label}</label>`)
    expect(form.body).toContain('name="dato" max="2026-12-01" value="2026-12-01"')
    const res = await post(sek, FORM, skappa)
    expect(res.statusCode, res.body).toBe(303)
    expect(res.headers.location).toBe(`${GAUSDAL}?valgperiode=2023#emne-skappa-kunnskapspark`)
    expect(decodeURIComponent(String(res.headers['set-cookie']))).toContain('Vurderingen av Skåppå kunnskapspark er lagret: risiko 3, vesentlighet 4 (12).')
    const [row] = await skappaRows()
    expect(await skappaRows()).toHaveLength(1)
    expect(row).toMatchObject({ risk: 3, materiality: 4, justification: 'Ny næringshage; kommunene garanterer for lån.', assessedOn: '2026-11-30' })
    expect(await auditOf(row!.id)).toEqual([{ action: 'create', actor: 'Siri Sekretær <sek@example.no>', userId: sek.userId }])
    // Gausdal and Lillehammer (both own it) show the one assessment.
    for (const page of [GAUSDAL, LILLEHAMMER]) {
      expect(rowOf((await t.app.inject({ url: page, headers: sek.headers })).body, 'emne-skappa-kunnskapspark'))
        .toMatch(/^\d+ Skåppå kunnskapspark AS · eier 3 4 12 \(høy\) Ny næringshage; kommunene garanterer for lån\. 30\. november 2026 Endre Skåppå kunnskapspark$/)
    }
    // Lillehammer's own sekretariat changes it on Lillehammer's page: the same row, updated; Gausdal's page shows it.
    const lsek = await signIn(t, 'lsek@example.no', [{ role: 'sekretariat', kontrollutvalg: 'lillehammer-kontrollutvalg' }], 'Lars Lillehammer')
    const lform = await t.app.inject({ url: `${LILLEHAMMER}/vurder?valgperiode=2023&selskap=skappa-kunnskapspark`, headers: lsek.headers })
    expect(lform.body).toContain('Nå: risiko 3, vesentlighet 4 (12), vurdert')
    expect(lform.body).toContain('value="3" checked')
    const changed = await post(lsek, `${LILLEHAMMER}/vurder`, { ...skappa, risiko: '5', begrunnelse: 'Lånegarantien er utløst.', dato: '2026-12-01' })
    expect(changed.statusCode, changed.body).toBe(303)
    expect(await skappaRows()).toEqual([{ id: row!.id, risk: 5, materiality: 4, justification: 'Lånegarantien er utløst.', assessedOn: '2026-12-01' }])
    expect((await auditOf(row!.id)).map(a => [a.action, a.actor])).toEqual([['create', 'Siri Sekretær <sek@example.no>'], ['update', 'Lars Lillehammer <lsek@example.no>']])
    expect(rowOf((await t.app.inject(GAUSDAL)).body, 'emne-skappa-kunnskapspark')).toContain('5 4 20 (svært høy) Lånegarantien er utløst. 1. desember 2026')
    // The API sees the same.
    const api = (await t.app.inject('/api/v1/kontroll/assessments?valgperiode=2023&collaboration=skappa-kunnskapspark')).json()
    expect(api.data.map((a: { id: number; risk: number }) => [a.id, a.risk])).toEqual([[row!.id, 5]])
  })

  it('changes an assessed service area, and saving it unchanged writes nothing', async () => {
    // The page's own «Endre» link (the name with +), and the name in other letter case: the same subject.
    const link = /href="([^"]+tjenesteomrade=Helse\+og\+omsorg)"/.exec((await t.app.inject({ url: GAUSDAL, headers: sek.headers })).body)![1]!.replace(/&amp;/g, '&')
    expect((await t.app.inject({ url: link, headers: sek.headers })).body).toContain('<h1 id="vurder-tittel">Vurder Helse og omsorg</h1>')
    const url = `${FORM}?valgperiode=2023&tjenesteomrade=${encodeURIComponent('helse og omsorg')}`
    const form = await t.app.inject({ url, headers: sek.headers })
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('<h1 id="vurder-tittel">Vurder Helse og omsorg</h1>')
    expect(form.body).toContain('Største budsjettområdet; bemanning i hjemmetjenesten.</textarea>')
    const same = { valgperiode: '2023', tjenesteomrade: 'Helse og omsorg', risiko: '4', vesentlighet: '5', begrunnelse: 'Største budsjettområdet; bemanning i hjemmetjenesten.', dato: '2024-01-23' }
    const before = await t.snapshot()
    const unchanged = await post(sek, FORM, same)
    expect(unchanged.statusCode).toBe(303)
    expect(decodeURIComponent(String(unchanged.headers['set-cookie']))).toContain('Ingen endringer å lagre.')
    expect(await t.snapshot()).toBe(before)
    const res = await post(sek, FORM, { ...same, risiko: '5', dato: '2026-12-01' })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`${GAUSDAL}?valgperiode=2023#emne-omrade-helse-og-omsorg`)
    expect(rowOf((await t.app.inject(GAUSDAL)).body, 'emne-omrade-helse-og-omsorg')).toContain('1 Helse og omsorg Tjenesteområde 5 5 25 (svært høy)')
  })

  it('adds a new service area by name; a name already on the list is refused naming the field', async () => {
    const form = await t.app.inject({ url: `${FORM}?valgperiode=2023`, headers: sek.headers })
    expect(form.body).toContain('<h1 id="vurder-tittel">Nytt tjenesteområde</h1>')
    expect(form.body).toContain('<label for="felt-tjenesteomrade">Tjenesteområde</label>')
    const res = await post(sek, FORM, { valgperiode: '2023', ny: '1', tjenesteomrade: '  Vann  og avløp ', risiko: '4', vesentlighet: '4', begrunnelse: 'Gamle ledninger.', dato: '2026-12-01' })
    expect(res.statusCode, res.body).toBe(303)
    expect(res.headers.location).toBe(`${GAUSDAL}?valgperiode=2023#emne-omrade-vann-og-avlop`)
    const created = await t.sql.all<{ id: number }>("select r.id, m.slug, r.service_area as area from risk_assessment r join municipality m on m.id = r.municipality_id where r.service_area = 'Vann og avløp' and m.slug = 'gausdal'")
    expect(created).toHaveLength(1)
    expect((await auditOf(created[0]!.id)).map(a => a.actor)).toEqual(['Siri Sekretær <sek@example.no>'])
    expect(rowOf((await t.app.inject(GAUSDAL)).body, 'emne-omrade-vann-og-avlop')).toContain('Vann og avløp Tjenesteområde 4 4 16')
    const before = await t.snapshot()
    const dup = await post(sek, FORM, { valgperiode: '2023', ny: '1', tjenesteomrade: 'SKOLE', risiko: '1', vesentlighet: '1', begrunnelse: 'x', dato: '2026-12-01' })
    expect(dup.statusCode).toBe(400)
    expect(dup.body).toContain('<a href="#felt-tjenesteomrade">Tjenesteområde: Skole står allerede i analysen og er vurdert')
    expect(dup.body).toContain('value="SKOLE"')
    expect(await t.snapshot()).toBe(before)
  })

  it.each([
    ['risk 0', { risiko: '0' }, 'Risiko: Velg risiko fra 1 (lav) til 5 (høy).'],
    ['risk 6', { risiko: '6' }, 'Risiko: Velg risiko fra 1 (lav) til 5 (høy).'],
    ['no risk', { risiko: '' }, 'Risiko: Velg risiko fra 1 (lav) til 5 (høy).'],
    ['no vesentlighet', { vesentlighet: '' }, 'Vesentlighet: Velg vesentlighet fra 1 (lav) til 5 (høy).'],
    ['a date in the future', { dato: '2026-12-02' }, 'Vurdert dato: Datoen kan ikke være fram i tid.'],
    ['no rationale', { begrunnelse: '' }, 'Begrunnelse: Skriv en begrunnelse for vurderingen.'],
  ])('refuses %s: 400 with the error summary naming the field, the values kept, the database unchanged', async (_what, change, message) => {
    const before = await t.snapshot()
    const res = await post(sek, FORM, { ...skappa, ...change })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('<div class="error-summary" role="alert" tabindex="-1" id="feil">')
    expect(res.body).toContain(message)
    expect(res.body).toMatch(/aria-invalid="true"/)
    expect(res.body).toContain('<h1 id="vurder-tittel">Vurder Skåppå kunnskapspark</h1>')
    if ('begrunnelse' in change) expect(res.body).toContain('value="3" checked')
    else expect(res.body).toContain('Ny næringshage; kommunene garanterer for lån.</textarea>')
    expect(await t.snapshot()).toBe(before)
  })
})

describe('who may score', () => {
  it('not signed in: the form sends to sign-in, a post is a 401 page; nothing changed', async () => {
    const get = await t.app.inject(SKAPPA_FORM)
    expect(get.statusCode).toBe(303)
    expect(get.headers.location).toBe(`/logg-inn?tilbake=${encodeURIComponent(SKAPPA_FORM)}`)
    const before = await t.snapshot()
    const res = await post(null, FORM, skappa)
    expect(res.statusCode).toBe(401)
    expect(res.body).toContain('Du må logge inn')
    expect(await t.snapshot()).toBe(before)
  })

  it('an editor of Gausdal, and the sekretariat of Øyer alone, get a 403 page; nothing changed', async () => {
    const editor = await signIn(t, 'per@gausdal.kommune.no', [{ role: 'editor', municipality: 'gausdal' }], 'Per Hansen')
    const oyer = await signIn(t, 'osek@example.no', [{ role: 'sekretariat', kontrollutvalg: 'oyer-kontrollutvalg' }], 'Øystein Øyer')
    for (const who of [editor, oyer]) {
      const get = await t.app.inject({ url: SKAPPA_FORM, headers: who.headers })
      expect(get.statusCode).toBe(403)
      expect(get.body).toContain('Ikke tillatt')
      const before = await t.snapshot()
      const res = await post(who, FORM, skappa)
      expect(res.statusCode).toBe(403)
      expect(res.body).toContain('Bare sekretariatet for Kontrollutvalget i Gausdal og administratorer kan vurdere')
      // Even a bad form is a 403, not a 400: who may change is checked first.
      expect((await post(who, FORM, { ...skappa, risiko: '9' })).statusCode).toBe(403)
      expect(await t.snapshot()).toBe(before)
    }
    expect(await skappaRows()).toEqual([])
    // Øyer's sekretariat does score on Øyer's page (Øyer takes part in no Skåppå: 404 there).
    expect((await t.app.inject({ url: '/kontroll/oyer-kontrollutvalg/analyse/vurder?valgperiode=2023&selskap=skappa-kunnskapspark', headers: oyer.headers })).statusCode).toBe(404)
  })

  it('a company Gausdal has no part in is a 404; a missing CSRF token a 403', async () => {
    const before = await t.snapshot()
    expect((await post(sek, FORM, { ...skappa, selskap: 'ingen-slik' })).statusCode).toBe(404)
    const noToken = await t.app.inject({ method: 'POST', url: FORM, headers: { ...sek.headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(skappa).toString() })
    expect(noToken.statusCode).toBe(403)
    expect(await t.snapshot()).toBe(before)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import ICAL from 'ical.js'
import { buildTestApp, BASE_URL, type TestApp } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/people.js'
import { systemViewer } from '../../src/services/access.js'
import { occurrencePageUrl } from '../../src/presenters/urls.js'
import type { OccurrenceItem } from '../../src/services/occurrences.js'

// One page per occurrence (issue 14): /hendelse/<id> as HTTP. The browser test drives the same page in Chromium.
let t: TestApp
let arsregnskap: OccurrenceItem
let kari: SignedIn
const NOW = '2027-03-01T09:00:00Z'

/** Øyer's (or another municipality's) årsregnskap for 2026, due 22 February 2027. */
async function arsregnskapOf (t: TestApp, municipality: string): Promise<OccurrenceItem> {
  const [o] = await t.services.occurrences.list({ municipality, from: '2027-01-01', to: '2027-12-31', eventTypes: ['arsregnskap_avlagt'] }, systemViewer)
  expect(o?.date).toBe('2027-02-22')
  return o!
}
const auditRows = async (id: string) => await t.sql.all('select actor, user_id as "userId", before, after from audit_log where entity_type = \'occurrence\' and entity_id = ? order by id', id) as Array<{ actor: string; userId: number | null; before: string | null; after: string }>
const post = (who: SignedIn | null, path: string, form: Record<string, string>, csrf = true) => t.app.inject({
  method: 'POST',
  url: path,
  headers: { ...(who?.headers ?? {}), 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams({ ...(csrf && who ? { _csrf: who.csrf } : {}), ...form }).toString(),
})

beforeEach(async () => {
  t = await buildTestApp({ now: NOW })
  arsregnskap = await arsregnskapOf(t, 'oyer')
  kari = await signIn(t, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Kari Nordmann')
})
afterEach(async () => { await t.close() })

describe('the occurrence page', () => {
  it('shows what it is, its legal basis, due date, status and history, with forms for its editor only', async () => {
    const url = occurrencePageUrl('', arsregnskap.id)
    expect(url).toBe(`/hendelse/${arsregnskap.id}`)
    const anon = await t.app.inject(url)
    expect(anon.statusCode).toBe(200)
    expect(anon.headers['content-type']).toMatch(/^text\/html; charset=utf-8/)
    const html = anon.body
    expect(html).toContain('<h1 id="hendelse-tittel">Årsregnskapet avlagt</h1>')
    expect(html).toContain('Kommunedirektøren avlegger årsregnskapet innen 22. februar')
    expect(html).toContain('href="https://lovdata.no/lov/2018-06-22-83/§14-6"')
    expect(html).toContain('kommuneloven § 14-6 siste ledd')
    expect(html).toContain('Mandag 22. februar 2027')
    expect(html).toContain('Forfalt (7 dager over fristen)')
    expect(html).toContain('Øyer')
    expect(html).toContain('Ingen endringer er registrert.')
    expect(html).not.toContain('<form class="form"')
    expect(html).toContain(`/logg-inn?tilbake=${encodeURIComponent(url)}`)
    // The editor of Øyer sees the forms.
    const own = await t.app.inject({ url, headers: kari.headers })
    expect(own.body).toContain(`action="${url}/status"`)
    expect(own.body).toContain(`action="${url}/notat"`)
    expect(own.body).toContain(`action="${url}/flytt"`)
    for (const label of ['Under arbeid', 'Levert', 'Behandlet', 'Avlyst', 'Planlagt']) expect(own.body).toMatch(new RegExp(`</svg>\\s*${label}</button>`))
    expect(own.body).toContain('name="dato" max="2027-03-01" value="2027-03-01"')
    expect(own.headers['cache-control']).toBe('private, no-store')
    // An Øyer editor on Gausdal's item: no forms.
    const gausdal = await arsregnskapOf(t, 'gausdal')
    const other = await t.app.inject({ url: occurrencePageUrl('', gausdal.id), headers: kari.headers })
    expect(other.statusCode).toBe(200)
    expect(other.body).not.toContain('<form class="form"')
    expect(other.body).toContain('Du kan se denne hendelsen, men ikke endre den')
  })

  it('answers 404 for an unknown occurrence and 400 for an impossible id', async () => {
    expect((await t.app.inject('/hendelse/99999-20270222')).statusCode).toBe(404)
    const bad = await t.app.inject('/hendelse/not-an-id')
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toMatch(/^text\/html/)
  })

  it('hides a private body’s occurrence from anonymous readers (404) and shows it to its editor', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/bodies/oyer-kontrollutvalg', headers: t.auth(t.tokens.admin), payload: { feedVisibility: 'private' } })
    expect(res.statusCode).toBe(200)
    const items = await t.services.occurrences.list({ body: 'oyer-kontrollutvalg', from: '2027-01-01', to: '2027-12-31' }, systemViewer)
    const own = items.find(o => o.responsibleBody?.slug === 'oyer-kontrollutvalg')!
    expect(own).toBeDefined()
    const anon = await t.app.inject(occurrencePageUrl('', own.id))
    expect(anon.statusCode).toBe(404)
    expect(anon.body).toContain('Fant ikke siden')
    expect(anon.body).not.toContain(own.title)
    const before = await t.snapshot()
    const write = await post(null, `${occurrencePageUrl('', own.id)}/notat`, { notat: 'x' })
    expect(write.statusCode).toBe(401)
    expect(await t.snapshot()).toBe(before)
    expect((await t.app.inject({ url: occurrencePageUrl('', own.id), headers: kari.headers })).statusCode).toBe(200)
  })
})

describe('the forms', () => {
  const page = () => occurrencePageUrl('', arsregnskap.id)

  it('marks it delivered with saksnummer and case link, names Kari in the audit log and the history', async () => {
    const res = await post(kari, `${page()}/status`, { status: 'delivered', dato: '2027-02-20', saksnummer: '2027/123', saksUrl: 'https://innsyn.oyer.kommune.no/sak/2027-123' })
    expect(res.statusCode, res.body).toBe(303)
    expect(res.headers.location).toBe(page())
    const o = await t.services.occurrences.get(arsregnskap.id, systemViewer)
    expect(o).toMatchObject({ status: 'delivered', deliveredOn: '2027-02-20', caseNumber: '2027/123', caseUrl: 'https://innsyn.oyer.kommune.no/sak/2027-123' })
    const [row] = await auditRows(arsregnskap.id)
    expect(row).toMatchObject({ actor: 'Kari Nordmann <kari@oyer.kommune.no>', userId: kari.userId })
    const after = await t.app.inject({ url: page(), headers: { cookie: `${kari.cookie}; arshjul_melding=${encodeURIComponent('Registrert som levert.')}` } })
    expect(after.body).toContain('Registrert som levert.')
    expect(after.body).toContain('Levert 20. februar 2027')
    expect(after.body).toContain('2027/123')
    // The history: who and what, in Norwegian; no e-mail address, no internals.
    const history = after.body.slice(after.body.indexOf('id="historikk-tittel"'))
    expect(history).toContain('<strong>Kari Nordmann</strong>')
    expect(history).toContain('1. mars 2027 kl. 10.00')
    expect(history).toContain('Status: Planlagt → Levert')
    expect(history).toContain('Levert dato: (tom) → 20. februar 2027')
    expect(history).toContain('Saksnummer: (tom) → 2027/123')
    expect(history).not.toContain('kari@oyer.kommune.no')
    expect(history).not.toMatch(/revision|modified|ruleId/)
    // Anyone who may see the item reads the history, also anonymously.
    expect((await t.app.inject(page())).body).toContain('Status: Planlagt → Levert')
  })

  it.each([
    ['in_progress', { status: 'in_progress' }, 'Status er satt til Under arbeid.'],
    ['approved', { status: 'approved', approvedOn: '2027-03-01' }, 'Registrert som behandlet.'],
    ['cancelled', { status: 'cancelled' }, 'Registrert som avlyst.'],
  ] as const)('the %s button changes the state and writes the audit log naming the person', async (status, expected, message) => {
    const res = await post(kari, `${page()}/status`, { status, dato: '2027-03-01', saksnummer: '', saksUrl: '' })
    expect(res.statusCode, res.body).toBe(303)
    expect(decodeURIComponent(String(res.headers['set-cookie']))).toContain(message)
    expect(await t.services.occurrences.get(arsregnskap.id, systemViewer)).toMatchObject(expected)
    expect((await auditRows(arsregnskap.id)).map(r => r.actor)).toEqual(['Kari Nordmann <kari@oyer.kommune.no>'])
  })

  it('back to Planlagt clears the delivered date', async () => {
    await post(kari, `${page()}/status`, { status: 'delivered', dato: '2027-02-25', saksnummer: '2027/1', saksUrl: '' })
    const res = await post(kari, `${page()}/status`, { status: 'planned', dato: '2027-03-01', saksnummer: '2027/1', saksUrl: '' })
    expect(res.statusCode).toBe(303)
    expect(await t.services.occurrences.get(arsregnskap.id, systemViewer)).toMatchObject({ status: 'planned', deliveredOn: null, caseNumber: '2027/1' })
    expect(await auditRows(arsregnskap.id)).toHaveLength(2)
  })

  it('saves the note, and moves the deadline to another date', async () => {
    expect((await post(kari, `${page()}/notat`, { notat: 'Venter på revisors beretning.\r\nSendt 1. mars.' })).statusCode).toBe(303)
    expect((await t.services.occurrences.get(arsregnskap.id, systemViewer)).note).toBe('Venter på revisors beretning.\nSendt 1. mars.')
    const moved = await post(kari, `${page()}/flytt`, { nyDato: '2027-03-15' })
    expect(moved.statusCode, moved.body).toBe(303)
    const o = await t.services.occurrences.get(arsregnskap.id, systemViewer)
    expect(o).toMatchObject({ date: '2027-03-15', moved: true, id: arsregnskap.id })
    const rows = await auditRows(arsregnskap.id)
    expect(rows.map(r => r.userId)).toEqual([kari.userId, kari.userId])
    const html = (await t.app.inject(page())).body
    expect(html).toContain('Flyttet til: (tom) → 15. mars 2027')
    expect(html).toContain('Flyttet fra 22. februar 2027.')
    expect(html).toContain('Notat: (tom) → Venter på revisors beretning.')
  })

  it('moves a meeting to another date and wall time (Europe/Oslo)', async () => {
    const [meeting] = await t.services.occurrences.list({ body: 'oyer-kommunestyre', from: '2027-04-01', to: '2027-12-31', eventTypes: ['mote'] }, systemViewer)
    expect(meeting?.kind).toBe('meeting')
    const url = occurrencePageUrl('', meeting!.id)
    const form = await t.app.inject({ url, headers: kari.headers })
    expect(form.body).toContain('name="nyTid"')
    expect(form.body).not.toContain('name="dato"')
    const res = await post(kari, `${url}/flytt`, { nyDato: '2027-06-10', nyTid: '09:30' })
    expect(res.statusCode, res.body).toBe(303)
    const o = await t.services.occurrences.get(meeting!.id, systemViewer)
    expect(o.localStart).toBe('2027-06-10T09:30')
    // 09:30 in Oslo in June is 07:30 UTC (summer time).
    expect(o.start?.toISOString()).toBe('2027-06-10T07:30:00.000Z')
  })

  it('refuses a future delivered date with 400, naming the field, keeping the values and changing nothing', async () => {
    const before = await t.snapshot()
    const res = await post(kari, `${page()}/status`, { status: 'delivered', dato: '2027-03-20', saksnummer: '2027/123', saksUrl: '' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('Skjemaet ble ikke lagret')
    expect(res.body).toContain('<a href="#felt-dato">Dato for levert eller behandlet: Datoen kan ikke være fram i tid.</a>')
    expect(res.body).toMatch(/id="felt-dato" name="dato" max="2027-03-01" value="2027-03-20" aria-describedby="hint-dato feil-dato" aria-invalid="true"/)
    expect(res.body).toContain('value="2027/123"')
    expect(await t.snapshot()).toBe(before)
  })

  it.each([
    ['status', { status: 'delivered', dato: '22.02.2027', saksnummer: '', saksUrl: '' }, 'dato'],
    ['status', { status: 'done', dato: '', saksnummer: '', saksUrl: '' }, 'status'],
    ['status', { status: '', dato: '', saksnummer: 'x'.repeat(51), saksUrl: '' }, 'saksnummer'],
    ['status', { status: '', dato: '', saksnummer: '', saksUrl: 'javascript:alert(1)' }, 'saksUrl'],
    ['notat', { notat: 'x'.repeat(2001) }, 'notat'],
    ['flytt', { nyDato: '2027-02-30' }, 'nyDato'],
    ['flytt', { nyDato: '2029-06-01' }, 'nyDato'],
  ] as const)('the %s form refuses bad input with 400 naming the field %#', async (form, fields, field) => {
    const before = await t.snapshot()
    const res = await post(kari, `${page()}/${form}`, fields)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.body).toContain(`<a href="#felt-${field}">`)
    expect(await t.snapshot()).toBe(before)
  })

  it('refuses an Øyer editor on Gausdal’s item with a 403 page and no change', async () => {
    const gausdal = await arsregnskapOf(t, 'gausdal')
    const before = await t.snapshot()
    for (const [form, fields] of [['status', { status: 'delivered', dato: '2027-03-01', saksnummer: '2027/9', saksUrl: '' }], ['notat', { notat: 'x' }], ['flytt', { nyDato: '2027-03-10' }]] as const) {
      const res = await post(kari, `${occurrencePageUrl('', gausdal.id)}/${form}`, fields)
      expect(res.statusCode).toBe(403)
      expect(res.headers['content-type']).toMatch(/^text\/html/)
      expect(res.body).toContain('Ikke tillatt')
      expect(res.body).toContain('Du kan bare endre det din egen kommune eier')
    }
    // Bad input from someone who may not change it is a 403 too: who may act is judged first.
    expect((await post(kari, `${occurrencePageUrl('', gausdal.id)}/status`, { status: 'delivered', dato: '2099-01-01', saksnummer: '', saksUrl: '' })).statusCode).toBe(403)
    expect(await t.snapshot()).toBe(before)
  })

  it('refuses a signed-in person without an editor role (403) and an anonymous post (401)', async () => {
    const ola = await signIn(t, 'ola@example.no', [], 'Ola Leser')
    const before = await t.snapshot()
    expect((await post(ola, `${page()}/notat`, { notat: 'x' })).statusCode).toBe(403)
    const anon = await post(null, `${page()}/notat`, { notat: 'x' })
    expect(anon.statusCode).toBe(401)
    expect(anon.body).toContain('Logg inn')
    expect(await t.snapshot()).toBe(before)
  })

  it('refuses a form without or with a wrong CSRF token (403) and changes nothing', async () => {
    const before = await t.snapshot()
    const missing = await post(kari, `${page()}/status`, { status: 'delivered', dato: '2027-03-01', saksnummer: '', saksUrl: '' }, false)
    expect(missing.statusCode).toBe(403)
    expect(missing.body).toContain('Skjemaet er utløpt')
    const wrong = await post(kari, `${page()}/status`, { _csrf: 'feil', status: 'delivered', dato: '2027-03-01', saksnummer: '', saksUrl: '' }, false)
    expect(wrong.statusCode).toBe(403)
    expect(await t.snapshot()).toBe(before)
  })
})

describe('links meant for people point to the page', () => {
  it('a feed event’s URL is the page (read by ical.js)', async () => {
    const res = await t.app.inject('/feeds/municipalities/oyer.ics')
    expect(res.statusCode).toBe(200)
    const vevent = new ICAL.Component(ICAL.parse(res.body)).getAllSubcomponents('vevent')
      .find(e => String(e.getFirstPropertyValue('uid')).includes(arsregnskap.id))
    expect(vevent, 'the årsregnskap is in Øyer’s feed').toBeDefined()
    expect(vevent!.getFirstPropertyValue('url')).toBe(`${BASE_URL}/hendelse/${arsregnskap.id}`)
    // The page answers at that address.
    expect((await t.app.inject(`/hendelse/${arsregnskap.id}`)).statusCode).toBe(200)
  })

  it('report rows link to the page; the API’s own url stays the JSON', async () => {
    const report = await t.app.inject({ url: '/api/v1/reports/overdue?municipality=oyer', headers: t.auth(t.tokens.admin) })
    expect(report.statusCode, report.body).toBe(200)
    const rows = report.json().data as Array<{ id: string; url: string }>
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) expect(r.url).toBe(`${BASE_URL}/hendelse/${r.id}`)
    const api = await t.app.inject(`/api/v1/occurrences/${arsregnskap.id}`)
    expect(api.json().url).toBe(`${BASE_URL}/api/v1/occurrences/${arsregnskap.id}`)
  })

  it('the wheel’s details link to the page', async () => {
    const html = (await t.app.inject('/arshjul?municipality=oyer&year=2027')).body
    expect(html).toContain(`<a href="/hendelse/${arsregnskap.id}">Åpne hendelsens side`)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/people.js'

// The follow-up page of issue 14 over HTTP: «Snart frist», the filters (and the CSV keeping them), and marking
// several rows delivered or treated in one step through services.occurrences.changeMany (all or nothing).
// The browser test (pages-follow-up-browser.test.ts) drives the same page in Chromium.
let t: TestApp
let kari: SignedIn
const AS_OF = '2027-06-15'

beforeAll(async () => {
  t = await buildTestApp({ now: `${AS_OF}T10:00:00Z` })
  kari = await signIn(t, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Kari Nordmann')
})
afterAll(async () => { await t.close() })

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers })
const rowsOf = (html: string) => [...html.matchAll(/<tr class="situation-(overdue|due_soon|upcoming)" data-occurrence-id="([^"]+)"/g)].map(m => ({ situation: m[1]!, id: m[2]! }))
const checkboxIds = (html: string) => [...html.matchAll(/<input type="checkbox" name="id" value="([^"]+)"/g)].map(m => m[1]!)
const csvRows = (csv: string) => csv.trimEnd().split('\r\n').slice(1).map(l => l.split(';'))
interface ReportRow { id: string; daysLeft: number; dueDate: string; eventType: string; responsibleBody: { slug: string } | null; status: string }
const report = async (kind: 'overdue' | 'upcoming', query: string) => {
  const res = await get(`/api/v1/reports/${kind}?${query}&asOf=${AS_OF}${kind === 'upcoming' ? '&days=30' : ''}&limit=500`)
  expect(res.statusCode).toBe(200)
  return res.json().data as ReportRow[]
}
const occurrence = async (id: string) => (await get(`/api/v1/occurrences/${encodeURIComponent(id)}`)).json() as { status: string; deliveredOn: string | null; approvedOn: string | null; caseNumber: string | null }
const post = (payload: Record<string, string | string[]>, who: SignedIn | null = kari, csrf = true) => t.app.inject({
  method: 'POST',
  url: '/oppfolging/marker',
  headers: who ? who.headers : {},
  payload: { ...(who && csrf ? { _csrf: who.csrf } : {}), ...payload },
})

describe('«Snart frist»: due within 14 days, between planned and overdue', () => {
  it('shows each upcoming row due within 14 days as due soon, in colour and shape, with a legend; the CSV says the same', async () => {
    const upcoming = await report('upcoming', 'municipality=oyer')
    const soon = upcoming.filter(o => o.daysLeft <= 14)
    expect(soon.length).toBeGreaterThan(0)
    expect(upcoming.length).toBeGreaterThan(soon.length)
    const html = (await get('/oppfolging?municipality=oyer')).body
    const rows = rowsOf(html)
    expect(rows.filter(r => r.situation === 'due_soon').map(r => r.id).sort()).toEqual(soon.map(o => o.id).sort())
    expect(rows.filter(r => r.situation === 'upcoming').map(r => r.id).sort()).toEqual(upcoming.filter(o => o.daysLeft > 14).map(o => o.id).sort())
    expect(html).toContain(`<span data-count="due_soon">${soon.length}</span>`)
    // Shape as well as colour: each situation has its own icon, named in the legend.
    expect(html).toContain('<symbol id="situasjon-due_soon" viewBox="0 0 18 18"><polygon points="9,1 17,9 9,17 1,9"')
    expect(html).toMatch(/<li data-situation="due_soon">.*Snart frist<\/span> <span class="muted">ruter med klokke: forfaller i dag eller innen 14 dager<\/span><\/li>/)
    expect(html).toMatch(/<li data-situation="overdue">.*Forfalt<\/span> <span class="muted">trekant med utropstegn/)
    expect(html).toMatch(/<li data-situation="upcoming">.*Kommer<\/span> <span class="muted">åpen sirkel/)
    const csv = (await get('/oppfolging.csv?municipality=oyer')).body
    const bySituation = new Map(csvRows(csv).map(r => [r.at(-1)!, r[0]!]))
    for (const r of rows) expect(bySituation.get(r.id), r.id).toBe({ overdue: 'Forfalt', due_soon: 'Snart frist', upcoming: 'Kommer' }[r.situation])
  })
})

describe('filters by body, type and status (a GET form; the CSV link keeps them)', () => {
  it('filters by status, responsible body and type, alone and together', async () => {
    const all = rowsOf((await get('/oppfolging?municipality=oyer')).body)
    const overdue = await report('overdue', 'municipality=oyer')
    const upcoming = await report('upcoming', 'municipality=oyer')
    const both = [...overdue, ...upcoming]
    const ids = (html: string) => rowsOf(html).map(r => r.id).sort()

    expect(ids((await get('/oppfolging?municipality=oyer&status=overdue')).body)).toEqual(overdue.map(o => o.id).sort())
    expect(ids((await get('/oppfolging?municipality=oyer&status=due_soon')).body)).toEqual(all.filter(r => r.situation === 'due_soon').map(r => r.id).sort())

    const body = both.find(o => o.responsibleBody?.slug === 'oyer-kommunedirektor')!.responsibleBody!.slug
    const ofBody = both.filter(o => o.responsibleBody?.slug === body).map(o => o.id).sort()
    expect(ofBody.length).toBeLessThan(both.length)
    expect(ids((await get(`/oppfolging?municipality=oyer&responsible=${body}`)).body)).toEqual(ofBody)

    const type = overdue[0]!.eventType
    expect(ids((await get(`/oppfolging?municipality=oyer&type=${type}`)).body)).toEqual(both.filter(o => o.eventType === type).map(o => o.id).sort())

    const combined = overdue.filter(o => o.responsibleBody?.slug === body).map(o => o.id).sort()
    const html = (await get(`/oppfolging?municipality=oyer&responsible=${body}&status=overdue`)).body
    expect(ids(html)).toEqual(combined)
    // The form shows the choices made, and the CSV link carries them: the download has the same rows.
    expect(html).toContain(`<option value="${body}" selected>`)
    expect(html).toContain('<option value="overdue" selected>Forfalt</option>')
    const csvUrl = /href="(\/oppfolging\.csv\?[^"]+)" download/.exec(html)![1]!.replaceAll('&amp;', '&')
    expect(csvUrl).toBe(`/oppfolging.csv?municipality=oyer&responsible=${body}&status=overdue`)
    expect(csvRows((await get(csvUrl)).body).map(r => r.at(-1)).sort()).toEqual(combined)
  })

  it('answers an unknown status with a page naming the field, and a filter that matches nothing with an empty list', async () => {
    const bad = await get('/oppfolging?municipality=oyer&status=tull')
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Ukjent status «tull»')
    expect((await get('/oppfolging.csv?municipality=oyer&status=tull')).statusCode).toBe(400)
    const none = await get('/oppfolging?municipality=oyer&responsible=finnes-ikke')
    expect(none.statusCode).toBe(200)
    expect(none.body).toContain('Ingenting å følge opp med dette filteret.')
  })
})

describe('marking several rows delivered or treated in one step', () => {
  it('shows checkboxes only to a signed-in person, only on rows she may change, each labelled with the item', async () => {
    const anonymous = (await get('/oppfolging?municipality=oyer')).body
    expect(checkboxIds(anonymous)).toEqual([])
    expect(anonymous).not.toContain('action="/oppfolging/marker"')
    const html = (await get('/oppfolging?municipality=oyer', kari.headers)).body
    const boxes = checkboxIds(html)
    const rows = rowsOf(html)
    expect(boxes.length).toBeGreaterThan(5)
    // Every row is checked against the service: a box exactly where Kari may change the item.
    const kariActor = await t.services.people.authenticate(decodeURIComponent(/arshjul_sesjon=([^;]+)/.exec(kari.cookie)![1]!))
    const allowed = await t.services.occurrences.changeable(rows.map(r => r.id), kariActor!.actor)
    expect(new Set(boxes)).toEqual(allowed)
    expect(rows.length).toBeGreaterThan(boxes.length)
    const labels = [...html.matchAll(/<label for="velg-\d+" class="visually-hidden">Velg «[^<]+», [^<]+, frist \d+\. [a-zæøå]+\.? \d{4}<\/label>/g)]
    expect(labels).toHaveLength(boxes.length)
    // Each title links to the occurrence's own page.
    expect(html).toContain(`<a href="/hendelse/${encodeURIComponent(boxes[0]!)}">`)
    // A Gausdal editor sees no box on Øyer's own items.
    const gaute = await signIn(t, 'gaute@gausdal.kommune.no', [{ role: 'editor', municipality: 'gausdal' }], 'Gaute Gausdal')
    const gausdalView = checkboxIds((await get('/oppfolging?municipality=oyer', gaute.headers)).body)
    expect(gausdalView.filter(id => boxes.includes(id)).length).toBeLessThan(boxes.length)
  })

  it('marks two rows delivered with one date and one saksnummer; each write is in the audit log with her name', async () => {
    const html = (await get('/oppfolging?municipality=oyer&status=overdue', kari.headers)).body
    const [a, b] = checkboxIds(html)
    const res = await post({ municipality: 'oyer', status: 'overdue', id: [a!, b!], merk: 'delivered', dato: '2027-06-14', saksnummer: '2027/123' })
    expect(res.statusCode, res.body).toBe(303)
    expect(res.headers.location).toBe('/oppfolging?municipality=oyer&status=overdue')
    const next = await get(res.headers.location as string, { cookie: `${kari.cookie}; ${String(res.headers['set-cookie']).split(';')[0]}` })
    expect(next.body).toContain('2 frister markert som levert.')
    for (const id of [a!, b!]) expect(await occurrence(id)).toMatchObject({ status: 'delivered', deliveredOn: '2027-06-14', caseNumber: '2027/123' })
    const audit = await t.sql.all('select actor, user_id as "userId", entity_id as id from audit_log where entity_type = \'occurrence\' and entity_id in (?, ?) order by audit_log.id', a, b) as Array<{ actor: string; userId: number; id: string }>
    expect(audit.map(r => r.id).sort()).toEqual([a, b].sort())
    for (const r of audit) {
      expect(r.actor).toContain('Kari Nordmann')
      expect(r.userId).toBe(kari.userId)
    }
    // Gone from the overdue list: delivered is done.
    expect(rowsOf((await get('/oppfolging?municipality=oyer&status=overdue')).body).map(r => r.id)).not.toContain(a)
  })

  it('marks a row treated (approved) with today as the default date', async () => {
    const [id] = checkboxIds((await get('/oppfolging?municipality=oyer&status=due_soon', kari.headers)).body)
    const res = await post({ municipality: 'oyer', id: id!, merk: 'approved', dato: AS_OF, saksnummer: '' })
    expect(res.statusCode, res.body).toBe(303)
    expect(await occurrence(id!)).toMatchObject({ status: 'approved', approvedOn: AS_OF })
  })

  it('changes nothing when one item is Gausdal\'s (403, a page naming the item)', async () => {
    const [mine] = checkboxIds((await get('/oppfolging?municipality=oyer', kari.headers)).body)
    const gausdal = (await report('overdue', 'municipality=gausdal')).find(o => o.responsibleBody?.slug.startsWith('gausdal-'))!
    const title = (await t.app.inject(`/api/v1/occurrences/${encodeURIComponent(gausdal.id)}`)).json().title as string
    const before = await t.snapshot()
    const res = await post({ municipality: 'oyer', id: [mine!, gausdal.id], merk: 'delivered', dato: AS_OF, saksnummer: '2027/9' })
    expect(res.statusCode).toBe(403)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.body).toContain('Ikke tillatt')
    expect(res.body).toContain(`«${title}» (Gausdal, ${gausdal.dueDate})`)
    expect(await t.snapshot()).toBe(before)
    expect((await occurrence(mine!)).status).not.toBe('delivered')
  })

  it('refuses a date in the future: the page again (400) naming the field, the choices kept, nothing changed', async () => {
    const [a, b] = checkboxIds((await get('/oppfolging?municipality=oyer', kari.headers)).body)
    const before = await t.snapshot()
    const res = await post({ municipality: 'oyer', id: [a!, b!], merk: 'delivered', dato: '2027-06-16', saksnummer: '2027/55' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('<div class="error-summary" role="alert"')
    expect(res.body).toContain('<a href="#felt-dato">Dato kan ikke være frem i tid (senest 15. juni 2027).</a>')
    expect(res.body).toContain('aria-invalid="true"')
    expect(res.body).toContain('value="2027-06-16"')
    expect(res.body).toContain('value="2027/55"')
    expect(checkboxIds(res.body)).toContain(a)
    expect(res.body).toContain(`value="${a}" id="velg-`)
    expect(res.body.match(/ checked>/g)!.length).toBeGreaterThanOrEqual(3)
    expect(await t.snapshot()).toBe(before)
  })

  it('refuses no rows chosen and no Levert/Behandlet chosen (400 naming each), nothing changed', async () => {
    const before = await t.snapshot()
    const res = await post({ municipality: 'oyer', dato: AS_OF })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('<a href="#felt-id">Velg minst én frist i tabellen.</a>')
    expect(res.body).toContain('<a href="#felt-merk">Velg Levert eller Behandlet.</a>')
    expect(await t.snapshot()).toBe(before)
  })

  it('refuses a post without the CSRF token (403) and without a session (401), nothing changed', async () => {
    const [a] = checkboxIds((await get('/oppfolging?municipality=oyer', kari.headers)).body)
    const before = await t.snapshot()
    const noCsrf = await post({ municipality: 'oyer', id: a!, merk: 'delivered', dato: AS_OF }, kari, false)
    expect(noCsrf.statusCode).toBe(403)
    const wrong = await post({ municipality: 'oyer', id: a!, merk: 'delivered', dato: AS_OF, _csrf: 'feil' }, kari, false)
    expect(wrong.statusCode).toBe(403)
    const anonymous = await post({ municipality: 'oyer', id: a!, merk: 'delivered', dato: AS_OF }, null)
    expect(anonymous.statusCode).toBe(401)
    expect(await t.snapshot()).toBe(before)
  })
})

describe('services.occurrences.changeMany', () => {
  it('is all or nothing in one transaction, and names the failing item', async () => {
    const actor = (await t.services.people.authenticate(decodeURIComponent(/arshjul_sesjon=([^;]+)/.exec(kari.cookie)![1]!)))!.actor
    const ids = checkboxIds((await get('/oppfolging?municipality=oyer', kari.headers)).body).slice(0, 3)
    const before = await t.snapshot()
    await expect(t.services.occurrences.changeMany([...ids, 'finnes-ikke'], { status: 'in_progress' }, actor)).rejects.toMatchObject({ kind: 'not_found', field: 'ids' })
    await expect(t.services.occurrences.changeMany(ids, { status: 'delivered', deliveredOn: '2027-07-01' }, actor)).rejects.toMatchObject({ kind: 'invalid', field: 'deliveredOn', message: expect.stringMatching(/^«.+» \(.+, \d{4}-\d\d-\d\d\): cannot be in the future$/) })
    await expect(t.services.occurrences.changeMany([], { status: 'delivered' }, actor)).rejects.toMatchObject({ kind: 'invalid', field: 'ids' })
    await expect(t.services.occurrences.changeMany(ids, { status: 'delivered' }, null)).rejects.toMatchObject({ kind: 'unauthorized' })
    expect(await t.snapshot()).toBe(before)
    const changed = await t.services.occurrences.changeMany([...ids, ids[0]!], { status: 'in_progress', note: 'Samlet' }, actor)
    expect(changed.map(o => [o.id, o.status, o.note])).toEqual(ids.map(id => [id, 'in_progress', 'Samlet']))
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp({ now: '2027-08-01T10:00:00Z' }) })
afterEach(async () => { await t.close() })

interface Occ {
  id: string
  eventType: string
  date: string
  localStart: string | null
  start: string | null
  status: string
  overdue: boolean
  daysOverdue: number
  subject: { slug: string }
  responsibleBody: { slug: string } | null
  treatingMeeting: { date: string } | null
  legalBasis: Array<{ section: string }>
  warnings: Array<{ code: string }>
  revision: number
  moved: boolean
  flags: { weekend: boolean; holiday: string | null }
  caseNumber: string | null
  deliveredOn: string | null
  daysLate: number | null
}
const get = async (url: string): Promise<Occ[]> => {
  const res = await t.app.inject(url)
  expect(res.statusCode).toBe(200)
  return res.json().data
}
const oyer2027 = () => get('/api/v1/occurrences?municipality=oyer&from=2027-01-01&to=2027-12-31&asOf=2027-08-01')
const one = (list: Occ[], eventType: string, subject = 'oyer') => list.filter(o => o.eventType === eventType && o.subject.slug === subject)

describe("Øyer's governance year 2027", () => {
  it('is sorted by date and lists each statutory deadline with its legal basis and treating meeting', async () => {
    const list = await oyer2027()
    const dates = list.map(o => `${o.date}${o.localStart ?? ''}`)
    expect(dates).toEqual([...dates].sort())
    const vedtak = one(list, 'arsregnskap_vedtak')
    expect(vedtak).toHaveLength(1)
    expect(vedtak[0]).toMatchObject({ date: '2027-06-30', responsibleBody: { slug: 'oyer-kommunestyre' } })
    expect(vedtak[0]!.legalBasis.map(l => l.section)).toContain('§ 14-3 (2)')
    // The kommunestyre's last default meeting before 30 June 2027: third Thursday of June.
    expect(vedtak[0]!.treatingMeeting?.date).toBe('2027-06-17')
    expect(one(list, 'okonomiplan_arsbudsjett')[0]).toMatchObject({ date: '2027-12-31', treatingMeeting: { date: '2027-12-16' } })
    expect(one(list, 'arsregnskap_avlagt')[0]!.date).toBe('2027-02-22')
    expect(one(list, 'revisjonsberetning')[0]!.date).toBe('2027-04-15')
    expect(one(list, 'kommunestyrevalg')[0]!.date).toBe('2027-09-13')
    expect(one(list, 'eierskapsmelding')[0]!.date).toBe('2027-10-30')
    // Plans for forvaltningsrevisjon fall due 31 Dec E+1, so none in 2027.
    expect(one(list, 'plan_forvaltningsrevisjon')).toHaveLength(0)
  })

  it('includes the meetings of its bodies at 18:00 Oslo time and its collaborations’ deadlines', async () => {
    const list = await oyer2027()
    const ks = list.filter(o => o.eventType === 'mote' && o.responsibleBody?.slug === 'oyer-kommunestyre')
    expect(ks.map(o => o.localStart)).toEqual([
      '2027-02-18T18:00', '2027-03-18T18:00', '2027-04-15T18:00', '2027-05-20T18:00', '2027-06-17T18:00',
      '2027-09-16T18:00', '2027-10-21T18:00', '2027-11-18T18:00', '2027-12-16T18:00',
    ])
    expect(ks[0]!.start).toBe('2027-02-18T17:00:00.000Z')
    expect(ks[1]!.start).toBe('2027-03-18T17:00:00.000Z')
    expect(ks[2]!.start).toBe('2027-04-15T16:00:00.000Z')
    expect(one(list, 'iks_arsregnskap_fastsatt', 'felles-renovasjonsselskap-glor')[0]!.date).toBe('2027-06-30')
    // Borgerlig vigsel has no Øyer participation: its vertskommune report is not in Øyer's year.
    expect(list.some(o => o.subject.slug === 'borgerlig-vigsel')).toBe(false)
  })

  it('derives overdue as of a date and flags weekends and holidays', async () => {
    const list = await oyer2027()
    const avlagt = one(list, 'arsregnskap_avlagt')[0]!
    expect(avlagt).toMatchObject({ overdue: true, daysOverdue: 160 })
    expect(one(list, 'okonomiplan_arsbudsjett')[0]!.overdue).toBe(false)
    const overdueOnly = await get('/api/v1/occurrences?municipality=oyer&from=2027-01-01&to=2027-12-31&asOf=2027-08-01&status=overdue')
    expect(overdueOnly.every(o => o.overdue)).toBe(true)
    expect(overdueOnly.length).toBeGreaterThan(5)
    const revisjon = one(list, 'iks_revisjonsberetning', 'felles-renovasjonsselskap-glor')[0]!
    expect(revisjon.date).toBe('2027-05-15')
    expect(revisjon.flags).toMatchObject({ weekend: true })
    expect(revisjon.warnings.map(w => w.code)).toContain('non_working_day')
  })

  it('filters by body, collaboration and event type', async () => {
    const ku = await get('/api/v1/occurrences?body=oyer-kontrollutvalg&from=2027-01-01&to=2027-12-31')
    expect(new Set(ku.map(o => o.eventType))).toContain('etterlevelseskontroll')
    expect(ku.every(o => o.subject.slug === 'oyer')).toBe(true)
    const glor = await get('/api/v1/occurrences?collaboration=felles-renovasjonsselskap-glor&from=2027-01-01&to=2027-12-31&eventType=iks_budsjett_okonomiplan')
    expect(glor.map(o => o.date)).toEqual(['2027-12-31'])
  })

  it('rejects bad windows and filters with a 400 naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['from=2027-12-31&to=2027-01-01', 'querystring/to'],
      ['from=2020-01-01&to=2030-01-01', 'querystring/to'],
      ['from=2027-01-01&to=2027-12-31&status=late', 'querystring/status'],
      ['from=2027-01-01&to=2027-12-31&eventType=nope', 'querystring/eventType'],
      ['from=27-01-01&to=2027-12-31', 'querystring/from'],
    ]
    for (const [q, path] of cases) {
      const res = await t.app.inject(`/api/v1/occurrences?${q}`)
      expect(res.statusCode, q).toBe(400)
      expect(res.json().details[0].path).toBe(path)
    }
  })
})

describe('PATCH /api/v1/occurrences/:id', () => {
  async function avlagt () { return one(await oyer2027(), 'arsregnskap_avlagt')[0]! }

  it('records delivery with case reference; a late delivery keeps its lateness as history', async () => {
    const o = await avlagt()
    const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${o.id}`, headers: t.auth(t.tokens.editorOyer), payload: { status: 'delivered', caseNumber: '2027/123', deliveredOn: '2027-03-01' } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'delivered', caseNumber: '2027/123', deliveredOn: '2027-03-01', daysLate: 7, overdue: false, revision: 1 })
    const audit = (await t.app.inject({ url: '/api/v1/audit?entityType=occurrence', headers: t.auth(t.tokens.admin) })).json().data
    expect(audit[0]).toMatchObject({ entityId: o.id, action: 'update', actor: 'editor:test-editor-oyer' })
  })

  it('moves a meeting and keeps its identity; cancelling bumps the revision and touches nothing else', async () => {
    const before = await oyer2027()
    const meeting = before.find(o => o.eventType === 'mote' && o.localStart === '2027-10-21T18:00')!
    const moved = await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${meeting.id}`, headers: t.auth(t.tokens.admin), payload: { movedTo: '2027-10-28T17:00' } })
    expect(moved.json()).toMatchObject({ id: meeting.id, localStart: '2027-10-28T17:00', moved: true, revision: 1, start: '2027-10-28T15:00:00.000Z' })
    // The eierskapsmelding (due 30 Oct) is now treated in the moved meeting.
    expect(one(await oyer2027(), 'eierskapsmelding')[0]!.treatingMeeting?.date).toBe('2027-10-28')
    const cancelled = await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${meeting.id}`, headers: t.auth(t.tokens.admin), payload: { status: 'cancelled' } })
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', revision: 2 })
    const after = await oyer2027()
    // A cancelled meeting treats nothing: the case falls back to the September meeting.
    expect(one(after, 'eierskapsmelding')[0]!.treatingMeeting?.date).toBe('2027-09-16')
    const others = (list: Occ[]) => list.filter(o => o.id !== meeting.id).map(o => JSON.stringify({ ...o, treatingMeeting: null }))
    expect(others(after)).toEqual(others(before))
  })

  it('refuses bad input without storing anything', async () => {
    const o = await avlagt()
    const cases: Array<[unknown, number, string]> = [
      [{ status: 'done' }, 400, 'body/status'],
      [{ movedTo: '2027-03-01T10:00' }, 400, 'body/movedTo'],
      [{ movedTo: '2029-03-01' }, 400, 'body/movedTo'],
      [{ caseUrl: 'javascript:alert(1)' }, 400, 'body/caseUrl'],
      [{ deliveredOn: '2030-01-01' }, 400, 'body/deliveredOn'],
      [{}, 400, 'body'],
    ]
    for (const [payload, status, path] of cases) {
      const before = await t.snapshot()
      const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${o.id}`, headers: t.auth(t.tokens.admin), payload: payload as object })
      expect(res.statusCode, JSON.stringify(payload)).toBe(status)
      expect(res.json().details.map((d: { path: string }) => d.path).join(' ')).toContain(path)
      expect(await t.snapshot()).toBe(before)
    }
  })

  it('404s for an id that is not an occurrence of its rule, and checks the token', async () => {
    const o = await avlagt()
    const wrongDate = o.id.replace(/\d{8}$/, '20270223')
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${wrongDate}`, headers: t.auth(t.tokens.admin), payload: { note: 'x' } })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${o.id}`, payload: { note: 'x' } })).statusCode).toBe(401)
    const gausdal = one(await get('/api/v1/occurrences?municipality=gausdal&from=2027-01-01&to=2027-12-31'), 'arsregnskap_avlagt', 'gausdal')[0]!
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${gausdal.id}`, headers: t.auth(t.tokens.editorOyer), payload: { note: 'x' } })).statusCode).toBe(403)
  })
})

describe('the occurrences API contract', () => {
  it('pages (OParl list, 500 by default) and keeps total and asOf', async () => {
    const url = '/api/v1/occurrences?municipality=oyer&from=2027-01-01&to=2027-12-31'
    const whole = (await t.app.inject(url)).json()
    expect(whole.pagination).toMatchObject({ elementsPerPage: 500, currentPage: 1 })
    expect(whole.total).toBe(whole.pagination.totalElements)
    expect(whole.asOf).toBe('2027-08-01')
    const second = (await t.app.inject(`${url}&limit=10&offset=10`)).json()
    expect(second.data.map((o: Occ) => o.id)).toEqual(whole.data.slice(10, 20).map((o: Occ) => o.id))
    expect(second.links.prev).toContain('offset=0')
    expect((await t.app.inject(`${url}&limit=5001`)).statusCode).toBe(400)
    expect((await t.app.inject(`${url}&limit=5000`)).statusCode).toBe(200)
  })

  it('lists changed items and tombstones of deleted rules under modified_since', async () => {
    const url = '/api/v1/occurrences?municipality=oyer&from=2027-01-01&to=2027-12-31'
    const all: Occ[] = (await t.app.inject(url)).json().data
    t.clock.advance(60_000)
    const since = t.clock.now().toISOString()
    const changed = all.find(o => o.eventType === 'eierskapsmelding')!
    await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${changed.id}`, headers: t.auth(t.tokens.editorOyer), payload: { note: 'Utkast' } })
    const gone = all.find(o => o.eventType === 'arsberetning')!
    await t.app.inject({ method: 'DELETE', url: `/api/v1/rules/${gone.id.split('-')[0]}`, headers: t.auth(t.tokens.editorOyer) })
    const data = (await t.app.inject(`${url}&modified_since=${since}`)).json().data
    expect(data.map((o: { id: string; deleted: boolean }) => [o.id, o.deleted])).toEqual([[changed.id, false], [gone.id, true]])
    expect(data[1]).toEqual({ id: gone.id, modified: since, deleted: true })
  })

  it('hides a private body’s meetings and deadlines from anonymous readers, in the list and one by one', async () => {
    const url = '/api/v1/occurrences?municipality=oyer&from=2027-01-01&to=2027-12-31'
    const meeting = (await get(url)).find(o => o.eventType === 'mote' && o.responsibleBody?.slug === 'oyer-kommunestyre')!
    await t.sql.run("update body set feed_visibility = 'private' where slug = 'oyer-kommunestyre'")
    expect((await get(url)).filter(o => o.responsibleBody?.slug === 'oyer-kommunestyre')).toEqual([])
    expect((await t.app.inject(`/api/v1/occurrences/${meeting.id}`)).statusCode).toBe(404)
    expect((await t.app.inject({ url: `/api/v1/occurrences/${meeting.id}`, headers: t.auth(t.tokens.editorOyer) })).statusCode).toBe(200)
  })
})

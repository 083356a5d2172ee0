// PUT /api/v1/bodies/:ref/moteplan (issue 12): the real-world files over HTTP, the dry run, the period
// options, and what subscribers' calendars see afterwards — read from the real feed with a real iCal parser.
import fs from 'node:fs'
import ICAL from 'ical.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp() })
afterEach(async () => { await t.close() })

const BODY = 'oyer-kommunestyre'
const URL_ = `/api/v1/bodies/${BODY}/moteplan`
const fixture = (name: string) => fs.readFileSync(new URL(`../domain/fixtures/moteplan/${name}`, import.meta.url), 'utf8')
const put = (opts: { query?: string; type: string; body: string; token?: string }) => t.app.inject({
  method: 'PUT', url: `${URL_}${opts.query ?? ''}`, headers: { ...t.auth(opts.token ?? t.tokens.editorOyer), 'content-type': opts.type }, body: opts.body,
})

/** The body's meetings (timed events) in its feed as a calendar client reads them: UID → start (Oslo wall time) and STATUS. */
async function feed (from: string, to: string): Promise<Map<string, { start: string; status: string }>> {
  const res = await t.app.inject(`/feeds/bodies/${BODY}.ics?from=${from}&to=${to}`)
  expect(res.statusCode).toBe(200)
  const out = new Map<string, { start: string; status: string }>()
  for (const e of new ICAL.Component(ICAL.parse(res.body)).getAllSubcomponents('vevent')) {
    const start = e.getFirstPropertyValue('dtstart') as ICAL.Time
    if (start.isDate) continue // the deadlines the body treats
    out.set(String(e.getFirstPropertyValue('uid')), { start: start.toString().slice(0, 16), status: String(e.getFirstPropertyValue('status')) })
  }
  return out
}
const byStatus = (f: Map<string, { start: string; status: string }>, status: string) => [...f.values()].filter(e => e.status === status).map(e => e.start).sort()

describe('PUT /api/v1/bodies/:ref/moteplan', () => {
  it('adopts the Outlook export: its two meetings stay, the default plan\'s other 2027 meetings go out as CANCELLED, other years are untouched', async () => {
    const manual = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: t.auth(t.tokens.editorOyer),
      payload: { eventType: 'mote', municipality: 'oyer', responsibleBody: BODY, title: 'Ekstraordinært kommunestyre', dtstart: 'DTSTART;TZID=Europe/Oslo:20270505T180000' },
    })
    expect(manual.statusCode).toBe(201)
    const before2027 = await feed('2027-01-01', '2027-12-31')
    const before2028 = await feed('2028-01-01', '2028-12-31')
    expect(before2028.size).toBe(9)

    const res = await put({ type: 'text/calendar', body: fixture('outlook-w-europe-standard-time.ics') })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ dryRun: false, changed: true, meetings: 2, period: { from: '2027-01-01', to: '2027-12-31' }, added: [], warnings: [] })
    expect(res.json().kept.map((m: { local: string }) => m.local)).toEqual(['2027-02-18T18:00', '2027-06-17T18:00'])

    const after2027 = await feed('2027-01-01', '2027-12-31')
    // Every event calendars had seen is still there: the dropped ones as CANCELLED, the manual meeting as it was.
    const removed = [...before2027.keys()].filter(uid => !after2027.has(uid))
    expect(removed.map(uid => before2027.get(uid)!.start).sort()).toEqual(['2027-02-18T18:00', '2027-06-17T18:00'])
    expect(byStatus(after2027, 'CANCELLED')).toEqual(['2027-03-18T18:00', '2027-04-15T18:00', '2027-05-20T18:00', '2027-09-16T18:00', '2027-10-21T18:00', '2027-11-18T18:00', '2027-12-16T18:00'])
    expect(byStatus(after2027, 'CONFIRMED')).toEqual(['2027-02-18T18:00', '2027-05-05T18:00', '2027-06-17T18:00'])
    expect(await feed('2028-01-01', '2028-12-31')).toEqual(before2028)

    // The cancelled meetings leave the feed after the grace period of 30 days.
    t.clock.set(new Date('2027-02-20T09:00:00Z'))
    expect(byStatus(await feed('2027-01-01', '2027-12-31'), 'CANCELLED')).toEqual([])
  })

  it('dryRun=true answers what would change and stores nothing', async () => {
    const before = await t.snapshot()
    const res = await put({ query: '?dryRun=true', type: 'text/csv', body: fixture('excel-sep-line.csv') })
    expect(res.statusCode).toBe(200)
    const preview = res.json()
    expect(preview).toMatchObject({ dryRun: true, changed: true, meetings: 2, period: { from: '2027-01-01', to: '2027-12-31' } })
    expect(preview.kept.map((m: { local: string }) => m.local)).toEqual(['2027-03-18T18:00'])
    expect(preview.added).toEqual([{ local: '2027-02-11T18:00', durationMinutes: 180, occurrenceId: null }])
    expect(preview.removed).toHaveLength(8)
    expect(await t.snapshot()).toBe(before)
    const adopted = (await put({ type: 'text/csv', body: fixture('excel-sep-line.csv') })).json()
    // The preview is the adoption rolled back: the same answer, ids included.
    expect({ ...adopted, dryRun: true }).toEqual(preview)
    expect(adopted.kept).toEqual([{ local: '2027-03-18T18:00', occurrenceId: `${adopted.ruleId}-20270318T1800`, previousOccurrenceId: expect.stringMatching(/-20270318T1800$/) }])
  })

  it('reads a CSV saved by Excel as Windows-1252 ("CSV (semikolondelt)"): the Utvalg column with Ø still names this body', async () => {
    const text = 'Dato;Tid;Utvalg;Sted\r\n11.02.2027;18:00;Kommunestyret i Øyer;Øyer rådhus\r\n12.02.2027;09:00;Formannskapet i Øyer;Øyer rådhus\r\n'
    const bytes = Buffer.from([...text].map(c => ({ Ø: 0xd8, å: 0xe5 } as Record<string, number>)[c] ?? c.charCodeAt(0)))
    const res = await t.app.inject({ method: 'PUT', url: `${URL_}?dryRun=true`, headers: { ...t.auth(t.tokens.editorOyer), 'content-type': 'text/csv' }, payload: bytes })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ meetings: 1, added: [{ local: '2027-02-11T18:00' }] })
    expect(res.json().warnings).toEqual([
      { line: null, message: 'fila er ikke UTF-8; den er lest som windows-1252' },
      { line: 3, message: 'raden gjelder «Formannskapet i Øyer», ikke Kommunestyret i Øyer; den er hoppet over' },
    ])
    // A charset the request names wins.
    const named = await t.app.inject({ method: 'PUT', url: `${URL_}?dryRun=true`, headers: { ...t.auth(t.tokens.editorOyer), 'content-type': 'text/csv; charset=utf-16le' }, payload: bytes })
    expect(named.statusCode).toBe(400)
  })

  it('adopts for the period from–to only', async () => {
    const res = await put({ query: '?from=2027-01-01&to=2027-06-30', type: 'text/calendar', body: fixture('series-rrule-exdate.ics') })
    expect(res.statusCode).toBe(200)
    expect(res.json().period).toEqual({ from: '2027-01-01', to: '2027-06-30' })
    const f = await feed('2027-01-01', '2027-12-31')
    expect(byStatus(f, 'CONFIRMED').filter(s => s < '2027-07')).toEqual(['2027-01-13T18:00', '2027-02-10T18:00', '2027-03-10T18:00', '2027-03-24T18:00', '2027-04-07T18:00'])
    // The default plan's autumn meetings are still there, as placeholders or confirmed, but not cancelled.
    expect(byStatus(f, 'CANCELLED').every(s => s < '2027-07')).toBe(true)
    expect([...f.values()].filter(e => e.start >= '2027-07').map(e => e.start).sort()).toEqual(['2027-09-16T18:00', '2027-10-21T18:00', '2027-11-18T18:00', '2027-12-16T18:00'])
  })

  it('refuses what it cannot read with 400 naming the line or the field, and changes nothing', async () => {
    const cases: Array<[string, string, string, string]> = [
      ['', 'text/calendar', fixture('zone-without-summer-time.ics'), 'body/line/18'],
      ['', 'text/calendar', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Pacific/Auckland:20270301T180000\r\nEND:VEVENT\r\nEND:VCALENDAR', 'body/line/3'],
      ['', 'text/calendar', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270301\r\nEND:VEVENT\r\nEND:VCALENDAR', 'body/line/3'],
      ['', 'text/calendar', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Europe/Oslo:20270301T180000\r\nRRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\nEND:VCALENDAR', 'body/line/4'],
      ['', 'text/csv', 'sep=;\r\nDato;Tid\r\n31.02.2027;18:00\r\n', 'body/line/3'],
      ['?from=2027-07-01', 'text/csv', 'Dato;Tid\n11.02.2027;18:00\n', 'querystring/from'],
      ['?from=2027-07-01&to=2027-01-01', 'text/csv', 'Dato;Tid\n11.08.2027;18:00\n', 'querystring/to'],
    ]
    for (const [query, type, body, path] of cases) {
      const before = await t.snapshot()
      const res = await put({ query, type, body })
      expect(res.statusCode, body).toBe(400)
      expect(res.json().details[0].path, body).toBe(path)
      expect(res.json().message, body).toMatch(path.startsWith('body/line/') ? `linje ${path.slice(10)}:` : /./)
      expect(await t.snapshot()).toBe(before)
    }
  })

  it('answers 401 and 403 before reading the file', async () => {
    const before = await t.snapshot()
    const bad = 'dato;tid\n31.02.2027;18:00\n'
    expect((await t.app.inject({ method: 'PUT', url: URL_, headers: { 'content-type': 'text/csv' }, body: bad })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/bodies/gausdal-kommunestyre/moteplan?dryRun=true', headers: { ...t.auth(t.tokens.editorOyer), 'content-type': 'text/csv' }, body: bad })).statusCode).toBe(403)
    expect(await t.snapshot()).toBe(before)
  })

  it('documents the dry run and the period in the OpenAPI description', async () => {
    const op = (await t.app.inject('/docs/json')).json().paths['/api/v1/bodies/{ref}/moteplan'].put
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['dryRun', 'from', 'to']))
    expect(op.summary).toMatch(/dryRun=true forhåndsviser/)
    expect(op.description).toMatch(/STATUS:CANCELLED/)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp() })
afterEach(async () => { await t.close() })

const meetingsOf = async (body: string, from = '2027-01-01', to = '2027-12-31') =>
  (await t.app.inject(`/api/v1/occurrences?body=${body}&from=${from}&to=${to}&eventType=mote`)).json().data
    .filter((o: { responsibleBody: { slug: string } }) => o.responsibleBody.slug === body) as Array<{ id: string; localStart: string; status: string; note: string | null; start: string }>

describe('catalogue and valgperioder', () => {
  it('lists event types with legal basis, and packages', async () => {
    const types = (await t.app.inject('/api/v1/event-types')).json().data
    const vedtak = types.find((e: { key: string }) => e.key === 'arsregnskap_vedtak')
    expect(vedtak.legalBasis[0].url).toMatch(/^https:\/\/lovdata\.no\//)
    const packages = (await t.app.inject('/api/v1/packages')).json().data.map((p: { key: string }) => p.key).sort()
    expect(packages).toEqual(['as', 'iks', 'interkommunalt_politisk_rad', 'kommunalt_oppgavefellesskap', 'kommune', 'paragraf_27', 'regional_formannskapskonferanse', 'vertskommune'])
  })

  it('lists the catalogue as OParl lists whose items were modified when the catalogue was loaded', async () => {
    for (const path of ['/api/v1/event-types', '/api/v1/packages', '/api/v1/valgperioder']) {
      const page = (await t.app.inject(`${path}?limit=2&offset=1`)).json()
      expect(page.data, path).toHaveLength(2)
      expect(page.pagination.totalElements, path).toBeGreaterThan(2)
      expect(page.links.self, path).toBe(`https://arshjul.test${path}?limit=2&offset=1`)
      const modified = page.data[0].modified
      expect(Date.parse(modified), path).toBeGreaterThan(0)
      expect((await t.app.inject(`${path}?modified_since=${modified}`)).json().data.length, path).toBeGreaterThan(0)
      expect((await t.app.inject(`${path}?modified_since=${new Date(Date.parse(modified) + 1).toISOString()}`)).json().data, path).toEqual([])
    }
  })

  it('lists the election periods from constitution to constitution', async () => {
    const periods = (await t.app.inject('/api/v1/valgperioder?from=2019-01-01&to=2031-12-31')).json().data
    expect(periods.map((p: { label: string; start: string; end: string; electionDay: string }) => [p.label, p.electionDay, p.start, p.end])).toEqual([
      ['2015–2019', '2015-09-14', '2015-10-31', '2019-10-30'],
      ['2019–2023', '2019-09-09', '2019-10-31', '2023-10-30'],
      ['2023–2027', '2023-09-11', '2023-10-31', '2027-10-30'],
      ['2027–2031', '2027-09-13', '2027-10-31', '2031-10-30'],
      ['2031–2035', '2031-09-08', '2031-10-31', '2035-10-30'],
    ])
  })
})

describe('PUT /api/v1/bodies/:ref/moteplan', () => {
  it('replaces the default plan with the adopted dates (JSON) and keeps state on unchanged dates', async () => {
    const defaults = await meetingsOf('gausdal-kommunestyre')
    expect(defaults).toHaveLength(9)
    const kept = defaults.find(m => m.localStart === '2027-03-18T18:00')!
    await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${kept.id}`, headers: t.auth(t.tokens.admin), payload: { note: 'Budsjettsak', status: 'in_progress' } })
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/bodies/gausdal-kommunestyre/moteplan',
      headers: t.auth(t.tokens.admin),
      payload: { meetings: [{ start: '2027-03-18T18:00' }, { start: '2027-02-11T18:00' }, { start: '2027-06-24T18:00', durationMinutes: 240 }] },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ dryRun: false, changed: true, meetings: 3, kept: [{ local: '2027-03-18T18:00', previousOccurrenceId: kept.id }] })
    expect(res.json().removed).toHaveLength(8)
    const adopted = (await meetingsOf('gausdal-kommunestyre')).filter(m => m.status !== 'cancelled')
    expect(adopted.map(m => m.localStart)).toEqual(['2027-02-11T18:00', '2027-03-18T18:00', '2027-06-24T18:00'])
    expect(adopted[1]).toMatchObject({ status: 'in_progress', note: 'Budsjettsak' })
    // The accounts are now treated in the adopted June meeting.
    const vedtak = (await t.app.inject('/api/v1/occurrences?municipality=gausdal&from=2027-06-30&to=2027-06-30&eventType=arsregnskap_vedtak')).json().data[0]
    expect(vedtak.treatingMeeting.date).toBe('2027-06-24')
  })

  it('reads CSV and an iCal export, and warns when no meeting precedes a deadline', async () => {
    const csv = await t.app.inject({ method: 'PUT', url: '/api/v1/bodies/oyer-formannskap/moteplan', headers: { ...t.auth(t.tokens.editorOyer), 'content-type': 'text/csv' }, body: 'dato;tid\n04.02.2027;09:00\n2027-03-04;09:30\n' })
    expect(csv.json()).toMatchObject({ meetings: 2 })
    expect((await meetingsOf('oyer-formannskap')).filter(m => m.status !== 'cancelled').map(m => m.localStart)).toEqual(['2027-02-04T09:00', '2027-03-04T09:30'])
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:a', 'DTSTART;TZID=Europe/Oslo:20270120T180000', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:b', 'DTSTART:20270615T160000Z', 'END:VEVENT', 'BEGIN:VEVENT', 'UID:c', 'STATUS:CANCELLED', 'DTSTART;TZID=Europe/Oslo:20270301T180000', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n')
    const ical = await t.app.inject({ method: 'PUT', url: '/api/v1/bodies/oyer-kommunestyre/moteplan', headers: { ...t.auth(t.tokens.editorOyer), 'content-type': 'text/calendar' }, body: ics })
    expect(ical.json()).toMatchObject({ meetings: 2 })
    expect((await meetingsOf('oyer-kommunestyre')).filter(m => m.status !== 'cancelled').map(m => m.localStart)).toEqual(['2027-01-20T18:00', '2027-06-15T18:00'])
    const budget = (await t.app.inject('/api/v1/occurrences?municipality=oyer&from=2027-12-31&to=2027-12-31&eventType=okonomiplan_arsbudsjett')).json().data[0]
    expect(budget.treatingMeeting).toBeNull()
    expect(budget.warnings.map((w: { code: string }) => w.code)).toContain('no_treating_meeting')
  })

  it('rejects a bad plan without changing anything', async () => {
    const cases: Array<[string, string, number]> = [
      ['text/csv', 'dato;tid\n31.02.2027;09:00\n', 400],
      ['text/csv', 'dato;tid\n2027-03-28;02:30\n', 400],
      ['text/calendar', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270301\r\nEND:VEVENT\r\nEND:VCALENDAR', 400],
      ['text/calendar', 'not a calendar', 400],
      ['application/xml', '<x/>', 415],
    ]
    for (const [type, body, status] of cases) {
      const before = await t.snapshot()
      const res = await t.app.inject({ method: 'PUT', url: '/api/v1/bodies/oyer-formannskap/moteplan', headers: { ...t.auth(t.tokens.admin), 'content-type': type }, body })
      expect(res.statusCode, body).toBe(status)
      expect(await t.snapshot()).toBe(before)
    }
    const json = await t.app.inject({ method: 'PUT', url: '/api/v1/bodies/gausdal-formannskap/moteplan', headers: t.auth(t.tokens.editorOyer), payload: { meetings: [{ start: '2027-02-04T09:00' }] } })
    expect(json.statusCode).toBe(403)
  })
})

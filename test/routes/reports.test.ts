import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp({ now: '2027-06-01T10:00:00Z' }) })
afterEach(async () => { await t.close() })

interface Row {
  id: string;
  eventType: string;
  title: string;
  subject: { slug: string; name: string };
  responsibleBody: { slug: string } | null
  dueDate: string;
  status: string;
  daysOverdue: number;
  daysLeft: number;
  daysLate: number;
  done: boolean;
  doneOn: string | null
  lastReminderSentAt: string | null;
  treatingMeeting: { date: string } | null;
  url: string
}
const get = async (url: string) => {
  const res = await t.app.inject(url)
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as { data: Row[]; pagination: { totalElements: number }; links: { self: string; next?: string }; asOf: string }
}
const find = (rows: Row[], eventType: string, subject = 'oyer') => rows.find(r => r.eventType === eventType && r.subject.slug === subject)
const lines = (csv: string) => csv.replace(/^\uFEFF/, '').split('\r\n')

describe('GET /api/v1/reports/overdue', () => {
  it("lists Øyer's overdue occurrences on 1 June 2027, most overdue first, with days overdue", async () => {
    const report = await get('/api/v1/reports/overdue?municipality=oyer&asOf=2027-06-01&limit=500')
    expect(report).toMatchObject({ asOf: '2027-06-01', from: '2026-06-01' })
    expect(report.pagination.totalElements).toBe(report.data.length)
    expect(report.data.length).toBeGreaterThan(10)
    expect(report.data.every(r => r.daysOverdue > 0 && r.status === 'overdue' && r.dueDate < '2027-06-01' && r.dueDate >= '2026-06-01')).toBe(true)
    const days = report.data.map(r => r.daysOverdue)
    expect(days).toEqual([...days].sort((a, b) => b - a))
    expect(find(report.data, 'arsregnskap_avlagt')).toMatchObject({
      dueDate: '2027-02-22',
      daysOverdue: 99,
      title: 'Årsregnskapet avlagt',
      responsibleBody: { slug: 'oyer-kommunedirektor' },
      lastReminderSentAt: null,
      url: expect.stringMatching(/^https:\/\/arshjul\.test\/hendelse\/\d+-20270222$/),
    })
    // Meetings are never overdue; the budget for next year is not due yet.
    expect(report.data.some(r => r.eventType === 'mote' || (r.eventType === 'okonomiplan_arsbudsjett' && r.dueDate > '2027-06-01'))).toBe(false)
  })

  it('shows when a reminder was last sent, and drops what has been delivered', async () => {
    const avlagt = find((await get('/api/v1/reports/overdue?municipality=oyer&asOf=2027-06-01')).data, 'arsregnskap_avlagt')!
    const sub = await t.repos.subscriptions.insert({ name: 'Kari', channel: 'email', email: 'kari@oyer.kommune.no', webhookUrl: null, webhookSecret: null, municipalityId: null, collaborationId: null, bodyId: null, eventTypes: ['arsregnskap_avlagt'], digest: false, active: true }, Date.now())
    await t.repos.outbox.enqueue([{ outboxKey: 'k', messageId: '<k@arshjul.test>', kind: 'overdue', occurrenceId: avlagt.id, reminderKey: 'overdue-1@2027-02-22', recipient: 'mailto:kari@oyer.kommune.no', subscriptionId: sub.id, channel: 'email', municipalityId: null, sendOn: '2027-03-01', dueDate: '2027-02-22', payload: {} }], Date.parse('2027-03-01T07:00:00Z'))
    const [row] = await t.repos.outbox.claim({ worker: 'w', now: Date.parse('2027-03-01T07:00:00Z'), leaseMs: 60_000, limit: 1, channels: ['email'] })
    await t.repos.outbox.markSent(row!.id, Date.parse('2027-03-01T07:00:05Z'), '250 OK')
    expect(find((await get('/api/v1/reports/overdue?municipality=oyer&asOf=2027-06-01')).data, 'arsregnskap_avlagt')!.lastReminderSentAt).toBe('2027-03-01T07:00:05.000Z')

    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${avlagt.id}`, headers: t.auth(t.tokens.editorOyer), payload: { status: 'delivered', deliveredOn: '2027-03-01', caseNumber: '2027/123' } })
    expect(patched.statusCode).toBe(200)
    expect(find((await get('/api/v1/reports/overdue?municipality=oyer&asOf=2027-06-01')).data, 'arsregnskap_avlagt')).toBeUndefined()
  })

  it('as CSV for Norwegian Excel: UTF-8 BOM, semicolons, CRLF, dates as dd.mm.yyyy', async () => {
    const res = await t.app.inject('/api/v1/reports/overdue?municipality=oyer&asOf=2027-06-01&format=csv')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toBe('attachment; filename="forfalt-2027-06-01.csv"')
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const rows = lines(res.body)
    expect(rows[0]).toBe('Frist;Dager over fristen;Hva;Gjelder;Ansvarlig organ;Status;Saksnummer;Siste påminnelse;Lenke')
    expect(rows.at(-1)).toBe('')
    const json = await get('/api/v1/reports/overdue?municipality=oyer&asOf=2027-06-01')
    expect(rows.length).toBe(json.pagination.totalElements + 2)
    const avlagt = rows.find(r => r.includes(';Årsregnskapet avlagt;Øyer;'))!
    expect(avlagt).toMatch(/^22\.02\.2027;99;Årsregnskapet avlagt;Øyer;Kommunedirektøren i Øyer;Forfalt;;;https:\/\/arshjul\.test\/hendelse\/\d+-20270222$/)
    for (const r of rows.slice(1, -1)) expect(r).toMatch(/^\d{2}\.\d{2}\.\d{4};\d+;/)
  })

  it('refuses bad parameters with a 400 naming them, and 404s for an unknown municipality', async () => {
    for (const [q, path] of [
      ['format=xml', 'querystring/format'], ['asOf=01.06.2027', 'querystring/asOf'], ['asOf=2027-06-01&from=2027-07-01', 'querystring/from'],
      ['eventType=nope', 'querystring/eventType'], ['extra=1', 'querystring/extra'],
    ]) {
      const res = await t.app.inject(`/api/v1/reports/overdue?${q}`)
      expect(res.statusCode, q).toBe(400)
      expect(res.json().details[0].path, q).toBe(path)
    }
    expect((await t.app.inject('/api/v1/reports/overdue?municipality=atlantis')).statusCode).toBe(404)
  })
})

describe('GET /api/v1/reports/upcoming', () => {
  it('lists the next 30 days’ deadlines with days left and the treating meeting, JSON and CSV', async () => {
    const report = await get('/api/v1/reports/upcoming?municipality=oyer&asOf=2027-06-01')
    expect(report.data.every(r => r.dueDate >= '2027-06-01' && r.dueDate <= '2027-07-01' && r.eventType !== 'mote')).toBe(true)
    expect(find(report.data, 'arsregnskap_vedtak')).toMatchObject({ dueDate: '2027-06-30', daysLeft: 29, treatingMeeting: { date: '2027-06-17' }, status: 'planned' })
    const withMeetings = await get('/api/v1/reports/upcoming?municipality=oyer&asOf=2027-06-01&meetings=true&days=7')
    expect(withMeetings.data.some(r => r.eventType === 'mote')).toBe(true)

    const res = await t.app.inject('/api/v1/reports/upcoming?municipality=oyer&asOf=2027-06-01&format=csv')
    const rows = lines(res.body)
    expect(res.body.startsWith('\uFEFF')).toBe(true)
    expect(rows[0]).toBe('Frist;Dager igjen;Hva;Gjelder;Ansvarlig organ;Behandles i møte;Status;Saksnummer;Lenke')
    expect(rows.find(r => r.includes('Kommunestyrets vedtak av årsregnskap'))).toMatch(/^30\.06\.2027;29;Kommunestyrets vedtak av årsregnskap og årsberetning;Øyer;Kommunestyret i Øyer;17\.06\.2027;Planlagt;;https:/)
  })
})

describe('GET /api/v1/reports/late', () => {
  it('keeps lateness as history: delivered 7 days late is still listed with its days late after it was done', async () => {
    const before = await get('/api/v1/reports/late?municipality=oyer&year=2027&asOf=2027-06-01')
    expect(find(before.data, 'arsregnskap_avlagt')).toMatchObject({ done: false, doneOn: null, daysLate: 99, status: 'overdue' })
    const id = find(before.data, 'arsregnskap_avlagt')!.id
    await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${id}`, headers: t.auth(t.tokens.admin), payload: { status: 'delivered', deliveredOn: '2027-03-01' } })
    const after = await get('/api/v1/reports/late?municipality=oyer&year=2027&asOf=2027-06-01')
    expect(find(after.data, 'arsregnskap_avlagt')).toMatchObject({ done: true, doneOn: '2027-03-01', daysLate: 7, status: 'delivered', dueDate: '2027-02-22' })
    // Delivered on time: not late, not listed.
    const vedtak = find((await get('/api/v1/reports/upcoming?municipality=oyer&asOf=2027-06-01')).data, 'arsregnskap_vedtak')!
    await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${vedtak.id}`, headers: t.auth(t.tokens.admin), payload: { status: 'approved', approvedOn: '2027-06-01' } })
    expect(find((await get('/api/v1/reports/late?municipality=oyer&year=2027&asOf=2027-06-01')).data, 'arsregnskap_vedtak')).toBeUndefined()

    const csv = await t.app.inject('/api/v1/reports/late?municipality=oyer&year=2027&asOf=2027-06-01&format=csv')
    expect(csv.headers['content-disposition']).toBe('attachment; filename="for-sent-2027.csv"')
    const rows = lines(csv.body)
    expect(rows[0]).toBe('Frist;Levert/godkjent;Dager for sent;Hva;Gjelder;Ansvarlig organ;Status;Saksnummer;Lenke')
    expect(rows.find(r => r.includes(';Årsregnskapet avlagt;'))).toMatch(/^22\.02\.2027;01\.03\.2027;7;Årsregnskapet avlagt;Øyer;Kommunedirektøren i Øyer;Levert;;https:/)
  })

  it('defaults the year to that of asOf', async () => {
    const res = await t.app.inject('/api/v1/reports/late?municipality=oyer&asOf=2026-12-31')
    expect(res.json()).toMatchObject({ year: 2026, asOf: '2026-12-31' })
    expect(res.json().data.every((r: Row) => r.dueDate.startsWith('2026-'))).toBe(true)
  })
})

describe('reports are OParl lists', () => {
  it('page with limit/offset and links; CSV has every row unless paged', async () => {
    const all = await get('/api/v1/reports/overdue?municipality=oyer&asOf=2027-06-01')
    const first = await get('/api/v1/reports/overdue?municipality=oyer&asOf=2027-06-01&limit=5')
    expect(first.data).toEqual(all.data.slice(0, 5))
    expect(first.pagination.totalElements).toBe(all.pagination.totalElements)
    expect(first.links.next).toContain('offset=5')
    const second = await get('/api/v1/reports/overdue?municipality=oyer&asOf=2027-06-01&limit=5&offset=5')
    expect(second.data).toEqual(all.data.slice(5, 10))
    const csv = await t.app.inject('/api/v1/reports/overdue?municipality=oyer&asOf=2027-06-01&format=csv')
    expect(lines(csv.body).length).toBe(all.pagination.totalElements + 2)
  })

  it('modified_since: only occurrences changed since then', async () => {
    const id = find((await get('/api/v1/reports/overdue?municipality=oyer&asOf=2027-06-01')).data, 'arsregnskap_avlagt')!.id
    t.clock.set('2027-06-02T10:00:00Z')
    await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${id}`, headers: t.auth(t.tokens.admin), payload: { caseNumber: '2027/9' } })
    const changed = await get('/api/v1/reports/overdue?municipality=oyer&asOf=2027-06-01&modified_since=2027-06-02T00:00:00Z')
    expect(changed.data.map(r => r.id)).toEqual([id])
  })
})

describe('private bodies in reports', () => {
  beforeEach(async () => {
    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/bodies/oyer-kommunedirektor', headers: t.auth(t.tokens.admin), payload: { feedVisibility: 'private' } })
    expect(res.statusCode, res.body).toBe(200)
  })
  const reports = ['overdue?municipality=oyer&asOf=2027-06-01', 'upcoming?municipality=oyer&asOf=2027-02-01&days=60', 'late?municipality=oyer&year=2027&asOf=2027-06-01', 'overdue?asOf=2027-06-01']
  const as = async (path: string, token?: string) => {
    const res = await t.app.inject({ url: `/api/v1/reports/${path}`, headers: token ? t.auth(token) : {} })
    expect(res.statusCode, res.body).toBe(200)
    return res
  }

  it("a private body's items are absent anonymously, in JSON and CSV", async () => {
    for (const path of reports) {
      const json = (await as(path)).json() as { data: Row[] }
      expect(json.data.length, path).toBeGreaterThan(0)
      expect(json.data.some(r => r.responsibleBody?.slug === 'oyer-kommunedirektor'), path).toBe(false)
      expect((await as(`${path}&format=csv`)).body, path).not.toContain('Kommunedirektøren i Øyer')
    }
  })

  it("the admin and the owning municipality's editor see them", async () => {
    for (const token of [t.tokens.admin, t.tokens.editorOyer]) {
      for (const path of reports) {
        const json = (await as(path, token)).json() as { data: Row[] }
        expect(json.data.some(r => r.responsibleBody?.slug === 'oyer-kommunedirektor'), path).toBe(true)
        expect((await as(`${path}&format=csv`, token)).body, path).toContain('Kommunedirektøren i Øyer')
      }
    }
  })
})

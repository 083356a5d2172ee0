import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import ICAL from 'ical.js'
import nodeIcal from 'node-ical'
import { BASE_URL, buildTestApp, catalogue, type TestApp } from '../helpers/app.js'
import { openPgTestDatabase } from '../helpers/database.js'
import { createDependencies } from '../../src/composition.js'
import { openDatabase, type DatabaseHandle } from '../../src/db/client.js'
import { systemViewer } from '../../src/services/access.js'
import { holidayName } from '../../src/domain/holidays.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp({ now: '2027-01-15T09:00:00Z' }) })
afterEach(async () => { await t.close() })

const WINDOW = 'from=2027-01-01&to=2027-12-31'

function parseWithIcalJs (text: string) {
  const comp = new ICAL.Component(ICAL.parse(text))
  return comp.getAllSubcomponents('vevent').map(v => new ICAL.Event(v))
}

/** Every page of an API list. */
async function apiAll<T = unknown> (url: string, headers: Record<string, string> = {}): Promise<T[]> {
  const all: T[] = []
  for (let offset = 0; ; offset += 500) {
    const res = await t.app.inject({ url: `${url}&limit=500&offset=${offset}`, headers })
    expect(res.statusCode, url).toBe(200)
    const data = res.json().data as T[]
    all.push(...data)
    if (data.length < 500) return all
  }
}

async function feed (url: string) {
  const res = await t.app.inject(url)
  expect(res.statusCode, url).toBe(200)
  return res
}

describe('every feed of the seeded database', () => {
  interface ApiOccurrence { id: string; allDay: boolean; date: string; start: string | null; status: string; revision: number; title: string; kind: string; subject: { name: string }; responsibleBody: { name: string } | null; tentative: boolean }
  const KIND_WORDS: Record<string, string> = { deadline: 'Frist', report: 'Rapport', plan: 'Plan' }

  it('equals the API event for event — id, start, status, SEQUENCE and title — across both DST switches, with a cancelled meeting in its grace period', async () => {
    // Cancel one meeting now: it stays in feeds (STATUS:CANCELLED) for 30 days, as in the API.
    const meetings = await apiAll<ApiOccurrence>(`/api/v1/occurrences?municipality=oyer&eventType=mote&${WINDOW}`)
    const cancelled = meetings.find(m => m.date > '2027-03-28' && m.date < '2027-10-31')!
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${cancelled.id}`, headers: t.auth(t.tokens.admin), payload: { status: 'cancelled' } })).statusCode).toBe(200)

    const bodies = (await t.app.inject('/api/v1/bodies?limit=500')).json().data as Array<{ slug: string }>
    const municipalities = (await t.app.inject('/api/v1/municipalities?inRegion=true')).json().data as Array<{ slug: string }>
    const collaborations = (await t.app.inject('/api/v1/collaborations?limit=500')).json().data as Array<{ slug: string }>
    const urls: Array<[string, string]> = [
      ...bodies.map((b): [string, string] => [`/feeds/bodies/${b.slug}.ics?${WINDOW}`, `/api/v1/occurrences?body=${b.slug}&${WINDOW}`]),
      ...collaborations.map((c): [string, string] => [`/feeds/collaborations/${c.slug}.ics?${WINDOW}`, `/api/v1/occurrences?collaboration=${c.slug}&${WINDOW}`]),
      ...municipalities.map((m): [string, string] => [`/feeds/municipalities/${m.slug}.ics?${WINDOW}`, `/api/v1/occurrences?municipality=${m.slug}&${WINDOW}`]),
    ]
    expect(urls.length).toBeGreaterThan(100)
    let compared = 0
    let sawCancelled = false
    for (const [feedUrl, apiUrl] of urls) {
      const text = (await feed(feedUrl)).body
      const events = parseWithIcalJs(text)
      expect(Object.values(nodeIcal.sync.parseICS(text)).filter(c => c?.type === 'VEVENT').length, feedUrl).toBe(events.length)
      const api = await apiAll<ApiOccurrence>(apiUrl)
      const fromFeed = events.map(e => ({
        id: e.uid.split('@')[0],
        start: e.startDate.isDate ? e.startDate.toString() : e.startDate.toJSDate().toISOString(),
        status: e.component.getFirstPropertyValue('status'),
        sequence: e.sequence,
        summary: e.summary,
      }))
      const fromApi = api.map(o => {
        // A default møteplan's meeting is a placeholder: "(foreløpig)" and STATUS:TENTATIVE (issue 12).
        const what = (o.kind === 'meeting' ? `Møte: ${o.responsibleBody?.name ?? o.title}` : `${KIND_WORDS[o.kind]}: ${o.title} – ${o.subject.name}`) + (o.tentative ? ' (foreløpig)' : '')
        return {
          id: o.id,
          start: o.allDay ? o.date : o.start,
          status: o.status === 'cancelled' ? 'CANCELLED' : o.tentative ? 'TENTATIVE' : 'CONFIRMED',
          sequence: o.revision,
          summary: o.status === 'cancelled' ? `AVLYST: ${what}` : what,
        }
      })
      expect(fromFeed, feedUrl).toEqual(fromApi)
      compared += fromFeed.length
      sawCancelled ||= fromFeed.some(e => e.id === cancelled.id && e.status === 'CANCELLED' && e.sequence === 1)
    }
    expect(compared).toBeGreaterThan(1000)
    expect(sawCancelled).toBe(true)
  }, 180_000)

  it('accepts a window of exactly ten years and refuses one day more, naming `to`', async () => {
    const decade = 'from=2027-01-01&to=2036-12-31'
    expect((await t.app.inject(`/feeds/municipalities/oyer.ics?${decade}`)).statusCode).toBe(200)
    const api = await t.app.inject(`/api/v1/occurrences?municipality=oyer&${decade}&limit=1000`)
    expect(api.statusCode).toBe(200)
    expect(api.json().total).toBeGreaterThan(2000)
    for (const url of ['/feeds/municipalities/oyer.ics?from=2027-01-01&to=2037-01-01', '/api/v1/occurrences?municipality=oyer&from=2027-01-01&to=2037-01-01']) {
      const res = await t.app.inject(url)
      expect(res.statusCode, url).toBe(400)
      expect(res.json().details[0].path, url).toBe('querystring/to')
      expect(res.json().code, url).toMatch(/^(feed|occurrences)\.window_too_large$/)
    }
  })

  it('shows a municipality feed with its own items, its companies’ meetings and an owner preparation deadline per owner meeting', async () => {
    const text = (await feed(`/feeds/municipalities/oyer.ics?${WINDOW}`)).body
    const events = parseWithIcalJs(text)
    const api = await apiAll<{ id: string; date: string; eventType: string; responsibleBody: { kind: string } | null; subject: { type: string; slug: string } }>(`/api/v1/occurrences?municipality=oyer&${WINDOW}`)
    const ownerMeetings = api.filter(o => o.eventType === 'mote' && o.subject.type === 'collaboration' && ['representantskap', 'generalforsamling'].includes(o.responsibleBody?.kind ?? ''))
    expect(ownerMeetings.length).toBeGreaterThan(5)
    // The preparations are occurrences like any other: the feed has exactly the API's events.
    expect(events.length).toBe(api.length)
    const preparations = api.filter(o => o.eventType === 'eierbehandling')
    expect(preparations.map(p => p.id).sort()).toEqual(ownerMeetings.filter(m => api.some(o => o.id === `${m.id}-eier-oyer`)).map(m => `${m.id}-eier-oyer`).sort())
    expect(preparations.length).toBeGreaterThanOrEqual(ownerMeetings.length - 1)
    expect(preparations.every(p => p.subject.slug === 'oyer')).toBe(true)
    const glor = events.filter(e => e.summary.includes('Representantskapet i Felles renovasjonsselskap: GLØR'))
    expect(glor.map(e => e.summary)).toEqual(expect.arrayContaining([
      'Møte: Representantskapet i Felles renovasjonsselskap: GLØR (foreløpig)',
      'Frist: Eierbehandling før møte i Representantskapet i Felles renovasjonsselskap: GLØR – Øyer',
    ]))
  })
})

describe('feed content', () => {
  it('keeps 18:00 Europe/Oslo in winter and summer and all-day deadlines on their date', async () => {
    const text = (await feed(`/feeds/bodies/oyer-kommunestyre.ics?${WINDOW}`)).body
    expect(text).toContain('DTSTART;TZID=Europe/Oslo:20270218T180000')
    expect(text).toContain('DTSTART;TZID=Europe/Oslo:20270617T180000')
    expect(text).toContain('DTSTART;VALUE=DATE:20270630')
    expect(text).toContain('DTEND;VALUE=DATE:20270701')
    expect(text).toMatch(/BEGIN:VTIMEZONE\r\nTZID:Europe\/Oslo/)
    const events = parseWithIcalJs(text)
    const winter = events.find(e => e.startDate.toString().startsWith('2027-02-18'))!
    const summer = events.find(e => e.startDate.toString().startsWith('2027-06-17T'))!
    expect(winter.startDate.toUnixTime()).toBe(Date.parse('2027-02-18T17:00:00Z') / 1000)
    expect(summer.startDate.toUnixTime()).toBe(Date.parse('2027-06-17T16:00:00Z') / 1000)
    const vedtak = events.find(e => e.summary.startsWith('Frist: Kommunestyrets vedtak av årsregnskap'))!
    expect(vedtak.startDate.isDate).toBe(true)
    expect(vedtak.startDate.toString()).toBe('2027-06-30')
    expect(vedtak.description.split('\n')[0]).toMatch(/^https:\/\/arshjul\.test\/hendelse\/\d+-20270630$/)
    expect(vedtak.description).toContain('Lovgrunnlag: kommuneloven § 14-2 bokstav b')
  })

  it('has calendar properties, deterministic stamps and byte-identical output for unchanged data', async () => {
    const a = (await feed('/feeds/bodies/lillehammer-formannskap.ics')).body
    t.clock.advance(3_600_000)
    const b = (await feed('/feeds/bodies/lillehammer-formannskap.ics')).body
    expect(b).toBe(a)
    for (const line of ['NAME:Formannskapet i Lillehammer – årshjul', 'X-WR-CALNAME:Formannskapet i Lillehammer – årshjul', 'X-WR-TIMEZONE:Europe/Oslo', 'REFRESH-INTERVAL;VALUE=DURATION:PT1H', 'X-PUBLISHED-TTL:PT1H']) {
      expect(a).toContain(line)
    }
    expect(a).toMatch(/^PRODID:-\/\/Årshjul\/\/arshjul\/\/NB\r$/m)
    // No METHOD, so no iTIP rules (RFC 5546 §3.2.1 would want an ORGANIZER): README "Feeds and METHOD".
    expect(a).not.toMatch(/^METHOD[:;]/m)
    expect(a).not.toContain('RRULE:FREQ=WEEKLY')
    expect(a.match(/^DTSTAMP:\d{8}T\d{6}Z\r$/gm)?.length).toBe(a.match(/BEGIN:VEVENT/g)?.length)
  })

  it('keeps Norwegian letters, folds at 75 octets without splitting a character, and escapes , ; and newlines', async () => {
    await t.app.inject({ method: 'PATCH', url: '/api/v1/collaborations/felles-renovasjonsselskap-glor', headers: t.auth(t.tokens.admin), payload: { name: 'GLØR; renovasjon, Æ Ø Å æøå og et veldig langt navn som går over mange linjer i kalenderen' } })
    const text = (await feed(`/feeds/collaborations/felles-renovasjonsselskap-glor.ics?${WINDOW}`)).body
    const bytes = Buffer.from(text, 'utf8')
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75)
    expect(bytes.toString('utf8')).toBe(text)
    expect(text).not.toContain('\uFFFD')
    const summaries = parseWithIcalJs(text).map(e => e.summary)
    expect(summaries.filter(s => s.endsWith(' – GLØR; renovasjon, Æ Ø Å æøå og et veldig langt navn som går over mange linjer i kalenderen')).length).toBeGreaterThan(3)
    expect(text).toContain('GLØR\\; renovasjon\\,')
  })

  it('keeps UIDs across unrelated edits, raises SEQUENCE on a move and marks cancellations', async () => {
    const url = `/feeds/bodies/oyer-kommunestyre.ics?${WINDOW}`
    const uids = (text: string) => parseWithIcalJs(text).map(e => e.uid).sort()
    const before = (await feed(url)).body
    await t.app.inject({ method: 'PATCH', url: '/api/v1/collaborations/valg-samarbeid', headers: t.auth(t.tokens.admin), payload: { comment: 'uvesentlig' } })
    const meetingId = '20270415T1800'
    const occ = (await t.app.inject('/api/v1/occurrences?body=oyer-kommunestyre&from=2027-04-15&to=2027-04-15&eventType=mote')).json().data[0]
    expect(occ.id.endsWith(meetingId)).toBe(true)
    expect(uids((await feed(url)).body)).toEqual(uids(before))
    await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${occ.id}`, headers: t.auth(t.tokens.admin), payload: { movedTo: '2027-04-22T18:00' } })
    const moved = parseWithIcalJs((await feed(url)).body).find(e => e.uid === `${occ.id}@arshjul.test`)!
    expect(moved.sequence).toBe(1)
    expect(moved.startDate.toString()).toBe('2027-04-22T18:00:00')
    expect(uids((await feed(url)).body)).toEqual(uids(before))
    await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${occ.id}`, headers: t.auth(t.tokens.admin), payload: { status: 'cancelled' } })
    const text = (await feed(url)).body
    const cancelled = parseWithIcalJs(text).find(e => e.uid === `${occ.id}@arshjul.test`)!
    expect(cancelled.sequence).toBe(2)
    expect(cancelled.summary).toBe('AVLYST: Møte: Kommunestyret i Øyer (foreløpig)')
    expect(cancelled.component.getFirstPropertyValue('status')).toBe('CANCELLED')
    expect((await feed(`${url}&cancelled=hide`)).body).not.toContain(occ.id)
    // After 30 days a cancelled item leaves the feed.
    t.clock.advance(31 * 86_400_000)
    expect((await feed(url)).body).not.toContain(occ.id)
  })

  it('adds alarms from the event type’s offsets only when asked', async () => {
    expect((await feed(`/feeds/bodies/oyer-kommunestyre.ics?${WINDOW}`)).body).not.toContain('BEGIN:VALARM')
    const text = (await feed(`/feeds/bodies/oyer-kommunestyre.ics?${WINDOW}&alarms=1`)).body
    const vedtak = parseWithIcalJs(text).find(e => e.summary.startsWith('Frist: Kommunestyrets vedtak'))!
    expect(vedtak.component.getAllSubcomponents('valarm').map(a => a.getFirstPropertyValue('trigger')?.toString())).toEqual(['-P42D', '-P14D', '-P3D', 'PT0S'])
    // A short text per alarm: clients show the event's SUMMARY with it (README "Feed size").
    expect(vedtak.component.getAllSubcomponents('valarm').map(a => a.getFirstPropertyValue('description'))).toEqual(['Frist om 42 dager', 'Frist om 14 dager', 'Frist om 3 dager', 'Frist i dag'])
  })

  it('filters by type and rejects bad parameters with a 400', async () => {
    const text = (await feed(`/feeds/municipalities/oyer.ics?${WINDOW}&types=arsregnskap_vedtak,arsberetning`)).body
    expect(parseWithIcalJs(text).map(e => e.startDate.toString()).sort()).toEqual(['2027-03-31', '2027-06-30'])
    for (const q of ['from=2027-12-31&to=2027-01-01', 'from=2020-01-01&to=2031-01-01', 'types=nope', 'alarms=yes', 'from=2027-1-1', 'colour=red']) {
      const res = await t.app.inject(`/feeds/municipalities/oyer.ics?${q}`)
      expect(res.statusCode, q).toBe(400)
    }
    expect((await t.app.inject('/feeds/municipalities/atlantis.ics')).statusCode).toBe(404)
    expect((await t.app.inject('/feeds/planets/oyer.ics')).statusCode).toBe(400)
  })
})

describe('every feed of the seed, to the letter, over real HTTP', () => {
  /** RFC 5545 §3.1 and our METHOD rule (README "Feeds and METHOD"), checked on one feed body. */
  function expectToTheLetter (text: string, where: string) {
    expect(text.endsWith('END:VCALENDAR\r\n'), where).toBe(true)
    expect(text.startsWith('BEGIN:VCALENDAR\r\n'), where).toBe(true)
    // Every line ends with CRLF: no bare LF or CR anywhere.
    expect(/[\r\n]/.test(text.replace(/\r\n/g, '')), where).toBe(false)
    expect(text, where).not.toMatch(/^(METHOD|ORGANIZER)[:;]/m)
    const cal = new ICAL.Component(ICAL.parse(text))
    expect(cal.getFirstPropertyValue('method'), where).toBeNull()
    const vevents = cal.getAllSubcomponents('vevent')
    expect(vevents.every(v => v.getFirstProperty('organizer') === null), where).toBe(true)
    expect(Object.values(nodeIcal.sync.parseICS(text)).filter(c => c?.type === 'VEVENT').length, where).toBe(vevents.length)
  }

  it('every body, municipality and collaboration feed, default window and alarms=1: CRLF after every line and END:VCALENDAR, no METHOD or ORGANIZER, parsed by ical.js and node-ical, under Google’s 1 MB', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const address = t.app.server.address()
    if (!address || typeof address === 'string') throw new Error('no port')
    const base = `http://127.0.0.1:${address.port}`
    // As an admin: private bodies' feeds open, and their items are in the municipality feeds, which are then at their largest.
    const admin = t.auth(t.tokens.admin)
    const slugs = async (path: string) => ((await t.app.inject(`${path}?limit=500`)).json().data as Array<{ slug: string }>).map(x => x.slug)
    const feeds = [
      ...(await slugs('/api/v1/bodies')).map(s => `bodies/${s}`),
      ...(await slugs('/api/v1/municipalities')).map(s => `municipalities/${s}`),
      ...(await slugs('/api/v1/collaborations')).map(s => `collaborations/${s}`),
    ]
    expect(feeds.length).toBeGreaterThan(120)
    let largest = { where: '', bytes: 0 }
    for (const feed of feeds) {
      for (const query of ['', '?alarms=1']) {
        const where = `/feeds/${feed}.ics${query}`
        const res = await fetch(`${base}${where}`, { headers: admin })
        expect(res.status, where).toBe(200)
        const bytes = Buffer.from(await res.arrayBuffer())
        expect(bytes.length, where).toBeLessThan(1_000_000)
        if (bytes.length > largest.bytes) largest = { where, bytes: bytes.length }
        expectToTheLetter(bytes.toString('utf8'), where)
      }
    }
    // The measure reaches the big feeds: a municipality's with alarms is several hundred kB.
    expect(largest.where).toMatch(/^\/feeds\/municipalities\/.*\?alarms=1$/)
    expect(largest.bytes).toBeGreaterThan(500_000)
  }, 180_000)

  it('the same bytes and ETag on GET, HEAD, a 304, a cache hit and gzip: the ETag is the hash of the bytes that end with CRLF', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const address = t.app.server.address()
    if (!address || typeof address === 'string') throw new Error('no port')
    const url = `http://127.0.0.1:${address.port}/feeds/municipalities/oyer.ics`
    const first = await fetch(url, { headers: { 'accept-encoding': 'identity' } })
    const body = Buffer.from(await first.arrayBuffer())
    expect(body.subarray(-15).toString()).toBe('END:VCALENDAR\r\n')
    const etag = first.headers.get('etag')!
    expect(etag).toBe(`"${createHash('sha256').update(body).digest('base64url')}"`)
    expect(Number(first.headers.get('content-length'))).toBe(body.length)

    const head = await fetch(url, { method: 'HEAD', headers: { 'accept-encoding': 'identity' } })
    expect([head.status, head.headers.get('etag'), head.headers.get('content-length')]).toEqual([200, etag, String(body.length)])
    const conditional = await fetch(url, { headers: { 'if-none-match': etag } })
    expect([conditional.status, conditional.headers.get('etag')]).toEqual([304, etag])
    // Served again from the feed cache: byte for byte the same.
    const again = await fetch(url, { headers: { 'accept-encoding': 'identity' } })
    expect(Buffer.from(await again.arrayBuffer()).equals(body)).toBe(true)
    expect(again.headers.get('etag')).toBe(etag)
    // gzip when asked (fetch inflates it): the same bytes underneath.
    const gz = await fetch(url, { headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(Buffer.from(await gz.arrayBuffer()).equals(body)).toBe(true)
  })
})

describe('HTTP caching', () => {
  it('serves inline text/calendar with a strong ETag and answers 304 only to a real match', async () => {
    const url = '/feeds/bodies/oyer-formannskap.ics'
    const res = await feed(url)
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8')
    expect(res.headers['content-disposition']).toBeUndefined()
    expect(res.headers['cache-control']).toBe('public, max-age=3600')
    const etag = res.headers.etag as string
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    expect((await t.app.inject({ url, headers: { 'if-none-match': etag } })).statusCode).toBe(304)
    expect((await t.app.inject({ url, headers: { 'if-none-match': '"other"' } })).statusCode).toBe(200)
    // If-None-Match wins over If-Modified-Since; an unparsable date is ignored.
    expect((await t.app.inject({ url, headers: { 'if-none-match': '"other"', 'if-modified-since': new Date(Date.now() + 1e9).toUTCString() } })).statusCode).toBe(200)
    expect((await t.app.inject({ url, headers: { 'if-modified-since': 'yesterday-ish' } })).statusCode).toBe(200)
    expect((await t.app.inject({ url, headers: { 'if-modified-since': res.headers['last-modified'] as string } })).statusCode).toBe(304)
    expect((await t.app.inject({ method: 'HEAD', url })).headers.etag).toBe(etag)
  })

  it('changes the ETag and moves Last-Modified forward on a write, also a deletion', async () => {
    const url = `/feeds/municipalities/oyer.ics?${WINDOW}`
    const first = await feed(url)
    t.clock.advance(60_000)
    const rule = (await t.app.inject('/api/v1/rules?municipality=oyer&eventType=arsberetning')).json().data[0]
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/rules/${rule.id}`, headers: t.auth(t.tokens.admin) })).statusCode).toBe(204)
    const second = await feed(url)
    expect(second.headers.etag).not.toBe(first.headers.etag)
    expect(Date.parse(second.headers['last-modified'] as string)).toBeGreaterThan(Date.parse(first.headers['last-modified'] as string))
    expect((await t.app.inject({ url, headers: { 'if-none-match': first.headers.etag as string } })).statusCode).toBe(200)
  })

  it('compresses only when the client asks', async () => {
    expect((await feed('/feeds/bodies/oyer-formannskap.ics')).headers['content-encoding']).toBeUndefined()
    const gz = await t.app.inject({ url: '/feeds/bodies/oyer-formannskap.ics', headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers['content-encoding']).toBe('gzip')
  })
})

describe('feed caches, per calendar', () => {
  const gausdal = `/feeds/municipalities/gausdal.ics?${WINDOW}`
  const oyer = `/feeds/municipalities/oyer.ics?${WINDOW}`
  const conditional = async (url: string, etag: string) => (await t.app.inject({ url, headers: { 'if-none-match': etag } })).statusCode

  it('answer an unchanged feed from memory, before any database work: even with the database closed', async () => {
    const first = await feed(oyer)
    await t.deps.database.close()
    expect(await conditional(oyer, first.headers.etag as string)).toBe(304)
    const again = await t.app.inject(oyer)
    expect(again.statusCode).toBe(200)
    expect(again.body).toBe(first.body)
  })

  it('keep a feed when another calendar changes, and drop it when its own does', async () => {
    const [g, o] = [await feed(gausdal), await feed(oyer)]
    // Øyer's own deadline: Øyer's feed changes, Gausdal's does not.
    const own = (await t.app.inject(`/api/v1/occurrences?municipality=oyer&eventType=arsberetning&${WINDOW}`)).json().data[0]
    expect(own.subject.slug).toBe('oyer')
    await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${own.id}`, headers: t.auth(t.tokens.admin), payload: { status: 'delivered' } })
    expect(await conditional(gausdal, g.headers.etag as string)).toBe(304)
    expect(await conditional(oyer, o.headers.etag as string)).toBe(200)
    // A collaboration both take part in: both feeds change.
    const [g2, o2] = [await feed(gausdal), await feed(oyer)]
    const shared = (await t.app.inject(`/api/v1/occurrences?collaboration=innlandet-revisjon&${WINDOW}`)).json().data.find((x: { kind: string }) => x.kind !== 'meeting')
    await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${shared.id}`, headers: t.auth(t.tokens.admin), payload: { status: 'in_progress' } })
    expect(await conditional(gausdal, g2.headers.etag as string)).toBe(200)
    expect(await conditional(oyer, o2.headers.etag as string)).toBe(200)
  })

  it('drop a feed when a body in it turns private, and when a municipality leaves a collaboration', async () => {
    const o = await feed(oyer)
    await t.app.inject({ method: 'PATCH', url: '/api/v1/bodies/oyer-kontrollutvalg', headers: t.auth(t.tokens.admin), payload: { feedVisibility: 'private' } })
    const o2 = await feed(oyer)
    expect(o2.headers.etag).not.toBe(o.headers.etag)
    expect(o2.body).not.toContain('Kontrollutvalget i Øyer')
    const collaboration = (await t.app.inject('/api/v1/collaborations/innlandet-revisjon')).json()
    const rest = collaboration.participants.filter((p: { municipality: string }) => p.municipality !== 'oyer').map((p: { municipality: string }) => ({ municipality: p.municipality }))
    const left = await t.app.inject({ method: 'PATCH', url: '/api/v1/collaborations/innlandet-revisjon', headers: t.auth(t.tokens.admin), payload: { participants: rest } })
    expect(left.statusCode, left.body).toBe(200)
    expect(await conditional(oyer, o2.headers.etag as string)).toBe(200)
    // Øyer no longer prepares Innlandet Revisjon's meetings.
    const unfold = (text: string) => text.replace(/\r\n /g, '')
    expect(unfold((await feed(oyer)).body)).not.toMatch(/Eierbehandling før møte i Representantskapet i Innlandet/)
    expect(unfold(o2.body)).toMatch(/Eierbehandling før møte i Representantskapet i Innlandet/)
  })

  it('learn of another process’s writes within a second (the revisions are read from the database)', async () => {
    const o = await feed(oyer)
    // A second connection (SQLite) or pool (PostgreSQL) on the same database, as another process has.
    const database: DatabaseHandle = t.deps.database.dialect === 'sqlite' ? openDatabase(t.file!) : openPgTestDatabase(t.deps.database.pool.options.connectionString!)
    const other = await createDependencies({ config: { BASE_URL, DATABASE_PATH: t.file ?? ':memory:' }, clock: t.clock, catalogue, database })
    try {
      const own = (await other.services.occurrences.list({ municipality: 'oyer', from: '2027-01-01', to: '2027-12-31', eventTypes: ['arsberetning'] }, systemViewer))[0]!
      await other.services.occurrences.change(own.id, { status: 'in_progress' }, { tokenId: null, label: 'other', role: 'admin', municipalityIds: [] })
    } finally {
      await other.close()
    }
    await t.services.occurrenceIndex.syncRevisions()
    expect(await conditional(oyer, o.headers.etag as string)).toBe(200)
  })
})

describe('private feeds', () => {
  it('need their secret; a missing, wrong or rotated-out secret is a 404; private events stay out of public feeds', async () => {
    await t.app.inject({ method: 'PATCH', url: '/api/v1/bodies/oyer-kontrollutvalg', headers: t.auth(t.tokens.admin), payload: { feedVisibility: 'private' } })
    const url = `/feeds/bodies/oyer-kontrollutvalg.ics?${WINDOW}`
    expect((await t.app.inject(url)).statusCode).toBe(404)
    const first = (await t.app.inject({ method: 'POST', url: '/api/v1/bodies/oyer-kontrollutvalg/feed-secret', headers: t.auth(t.tokens.editorOyer) })).json()
    expect(first.feed.webcal).toMatch(/^webcal:\/\/arshjul\.test\/feeds\/bodies\/oyer-kontrollutvalg\.ics\?token=feed_/)
    const ok = await t.app.inject(`${url}&token=${first.token}`)
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['cache-control']).toBe('private, max-age=3600')
    expect((await t.app.inject(`${url}&token=feed_wrong`)).statusCode).toBe(404)
    const second = (await t.app.inject({ method: 'POST', url: '/api/v1/bodies/oyer-kontrollutvalg/feed-secret', headers: t.auth(t.tokens.admin) })).json()
    expect((await t.app.inject(`${url}&token=${first.token}`)).statusCode).toBe(404)
    expect((await t.app.inject(`${url}&token=${second.token}`)).statusCode).toBe(200)
    const stored = (await t.sql.get<{ feed_secret_hash: string }>("select feed_secret_hash from body where slug = 'oyer-kontrollutvalg'"))!
    expect(stored.feed_secret_hash).not.toContain(second.token)
    const publicFeed = (await feed(`/feeds/municipalities/oyer.ics?${WINDOW}`)).body
    expect(publicFeed).not.toContain('Møte: Kontrollutvalget i Øyer')
    expect(publicFeed).not.toContain('Ansvarlig: Kontrollutvalget i Øyer')
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/bodies/gausdal-kontrollutvalg/feed-secret', headers: t.auth(t.tokens.editorOyer) })).statusCode).toBe(403)
  })
})

describe('private bodies in the municipality, collaboration and body feeds', () => {
  const uids = (text: string) => new Set(parseWithIcalJs(text).map(e => e.uid.replace(/@.*$/, '')))
  const get = (url: string, token?: string) => t.app.inject({ url, headers: token ? t.auth(token) : {} })

  it('shows a private body’s items to admins and Øyer’s editors, never to anonymous readers or another municipality’s editor, also after a signed-in read was cached', async () => {
    type Item = { id: string; responsibleBody: { slug: string } | null; treatedBy: { slug: string } | null }
    const kuCalendar = await apiAll<Item>(`/api/v1/occurrences?body=oyer-kontrollutvalg&${WINDOW}`)
    // The kontrollutvalg's own items: it is responsible for them or treats them.
    const ku = kuCalendar.filter(o => o.responsibleBody?.slug === 'oyer-kontrollutvalg' || o.treatedBy?.slug === 'oyer-kontrollutvalg').map(o => o.id)
    const glorRep = (await apiAll<{ slug: string; kind: string }>('/api/v1/bodies?collaboration=felles-renovasjonsselskap-glor')).find(b => b.kind === 'representantskap')!
    const glorMeetings = (await apiAll<{ id: string; responsibleBody: { slug: string } | null }>(`/api/v1/occurrences?collaboration=felles-renovasjonsselskap-glor&${WINDOW}`))
      .filter(o => o.responsibleBody?.slug === glorRep.slug).map(o => o.id)
    expect(ku.length).toBeGreaterThan(5)
    expect(glorMeetings.length).toBeGreaterThan(0)
    for (const slug of ['oyer-kontrollutvalg', glorRep.slug]) {
      expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/bodies/${slug}`, headers: t.auth(t.tokens.admin), payload: { feedVisibility: 'private' } })).statusCode).toBe(200)
    }
    const gausdal = (await t.services.tokens.create({ label: 'test-editor-gausdal', role: 'editor', municipality: (await t.services.municipalities.get('gausdal')).id })).token

    // Gausdal takes part in GLØR, so its editors see GLØR's private representantskap, but not Øyer's kontrollutvalg.
    const cases: Array<[string, string[], string[]]> = [
      [`/feeds/municipalities/oyer.ics?${WINDOW}`, ku, glorMeetings],
      [`/feeds/collaborations/felles-renovasjonsselskap-glor.ics?${WINDOW}`, [], glorMeetings],
    ]
    for (const [url, hidden, hiddenFromAnonymous] of cases) {
      // The admin reads first, so a cache keyed only by the address would hand the private items on.
      const admin = await get(url, t.tokens.admin)
      expect(admin.statusCode).toBe(200)
      expect(admin.headers['cache-control']).toBe('private, max-age=3600')
      const anonymous = await get(url)
      expect(anonymous.headers['cache-control']).toBe('public, max-age=3600')
      const seen = { admin: uids(admin.body), oyer: uids((await get(url, t.tokens.editorOyer)).body), anonymous: uids(anonymous.body), gausdal: uids((await get(url, gausdal)).body) }
      for (const id of [...hidden, ...hiddenFromAnonymous]) {
        expect(seen.admin.has(id), `${url} ${id}`).toBe(true)
        expect(seen.oyer.has(id), `${url} ${id}`).toBe(true)
        expect(seen.anonymous.has(id), `${url} ${id}`).toBe(false)
        expect(seen.gausdal.has(id), `${url} ${id}`).toBe(hiddenFromAnonymous.includes(id))
      }
      expect(anonymous.body).not.toContain('Ansvarlig: Kontrollutvalget i Øyer')
    }
    // The owner preparation before a private owner meeting is as private as the meeting.
    expect((await get(`/feeds/municipalities/oyer.ics?${WINDOW}`)).body).not.toContain(`Eierbehandling før møte i ${glorRep.slug}`)

    // The private body's own feed: its secret, or a token that may see it; otherwise the same 404 as an unknown feed.
    const own = `/feeds/bodies/oyer-kontrollutvalg.ics?${WINDOW}`
    expect((await get(own)).statusCode).toBe(404)
    expect((await get(own, gausdal)).statusCode).toBe(404)
    const kuIds = new Set(kuCalendar.map(o => o.id))
    expect(uids((await get(own, t.tokens.admin)).body)).toEqual(kuIds)
    expect(uids((await get(own, t.tokens.editorOyer)).body)).toEqual(kuIds)
    const { token } = (await t.app.inject({ method: 'POST', url: '/api/v1/bodies/oyer-kontrollutvalg/feed-secret', headers: t.auth(t.tokens.editorOyer) })).json()
    expect(uids((await get(`${own}&token=${token}`)).body)).toEqual(kuIds)
  }, 60_000)
})

describe('placeholders (issue 12)', () => {
  it('sends a default møteplan’s meetings as TENTATIVE, «(foreløpig)», never as deadlines; an adopted plan’s as CONFIRMED', async () => {
    const events = () => feed(`/feeds/bodies/gausdal-kommunestyre.ics?${WINDOW}`).then(r => parseWithIcalJs(r.body))
    const defaults = (await events()).filter(e => e.summary.startsWith('Møte:'))
    expect(defaults).toHaveLength(9)
    for (const e of defaults) {
      expect(e.component.getFirstPropertyValue('status')).toBe('TENTATIVE')
      expect(e.summary).toBe('Møte: Kommunestyret i Gausdal (foreløpig)')
      expect(e.description).toContain('Foreløpig: standard møteplan, ikke vedtatt')
      expect(`${e.summary}\n${e.description}`).not.toMatch(/frist/i)
    }
    const api = (await t.app.inject(`/api/v1/occurrences?body=gausdal-kommunestyre&eventType=mote&${WINDOW}`)).json().data as Array<{ tentative: boolean }>
    expect(api.every(o => o.tentative)).toBe(true)

    const adopt = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/bodies/gausdal-kommunestyre/moteplan',
      headers: t.auth(t.tokens.admin),
      payload: { meetings: [{ start: '2027-02-11T18:00' }, { start: '2027-03-18T18:00' }, { start: '2027-06-24T18:00' }] },
    })
    expect(adopt.statusCode).toBe(200)
    const after = (await events()).filter(e => e.summary.includes('Møte:') && e.component.getFirstPropertyValue('status') !== 'CANCELLED')
    expect(after.map(e => [e.startDate.toString().slice(0, 16), e.component.getFirstPropertyValue('status'), e.summary])).toEqual([
      ['2027-02-11T18:00', 'CONFIRMED', 'Møte: Kommunestyret i Gausdal'],
      ['2027-03-18T18:00', 'CONFIRMED', 'Møte: Kommunestyret i Gausdal'],
      ['2027-06-24T18:00', 'CONFIRMED', 'Møte: Kommunestyret i Gausdal'],
    ])
    for (const e of after) expect(e.description).not.toContain('Foreløpig')
  })

  it('holds a default plan’s meeting on Kristi himmelfartsdag the day before, with the UID of its nominal date', async () => {
    const events = parseWithIcalJs((await feed(`/feeds/bodies/oyer-formannskap.ics?${WINDOW}`)).body).filter(e => e.summary === 'Møte: Formannskapet i Øyer (foreløpig)')
    expect(events).toHaveLength(9)
    const may = events.filter(e => e.startDate.toString().startsWith('2027-05'))
    expect(may.map(e => e.startDate.toString())).toEqual(['2027-05-05T09:00:00'])
    expect(may[0]!.uid).toMatch(/^\d+-20270506T0900@/)
    expect(may[0]!.component.getFirstPropertyValue('status')).toBe('TENTATIVE')
    for (const e of events) expect(holidayName(e.startDate.toString().slice(0, 10)), e.startDate.toString()).toBeNull()
  })
})

describe('one word per status', () => {
  it('calls an approved deadline «Godkjent» on the page, in the feed and in the CSV report', async () => {
    const august = await buildTestApp({ now: '2027-08-01T10:00:00Z' })
    try {
      const list = (await august.app.inject('/api/v1/occurrences?municipality=oyer&from=2027-03-01&to=2027-07-31&limit=500')).json().data as Array<{ id: string; kind: string; responsibleBody: unknown }>
      const item = list.find(o => o.kind !== 'meeting' && o.responsibleBody)!
      expect(item).toBeDefined()
      const res = await august.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${item.id}`, headers: august.auth(august.tokens.admin), payload: { status: 'approved' } })
      expect(res.statusCode).toBe(200)

      const page = (await august.app.inject('/arshjul?municipality=oyer&year=2027')).body
      const at = page.indexOf(`id="occ-${item.id}"`)
      expect(at).toBeGreaterThan(0)
      expect(page.slice(at, page.indexOf('</li>', at))).toContain('Godkjent')
      const ics = (await august.app.inject(`/feeds/municipalities/oyer.ics?${WINDOW}`)).body
      const event = parseWithIcalJs(ics).find(e => e.uid.startsWith(`${item.id}@`))!
      expect(event.description).toContain('Status: godkjent')
      const csv = (await august.app.inject('/api/v1/reports/late?municipality=oyer&year=2027&asOf=2027-08-01&format=csv')).body
      const line = csv.split('\r\n').find(l => l.includes(item.id))
      expect(line).toBeDefined()
      expect(line!.split(';')).toContain('Godkjent')
      for (const text of [page, ics, csv]) expect(text).not.toMatch(/behandlet\/godkjent|;behandlet;/)
    } finally {
      await august.close()
    }
  })
})

describe('host time zone', () => {
  it('gives byte-identical feeds whether the server runs in UTC, New York or Auckland', async () => {
    const original = process.env.TZ
    const outputs: string[] = []
    try {
      for (const zone of ['UTC', 'America/New_York', 'Pacific/Auckland']) {
        process.env.TZ = zone
        const app = await buildTestApp({ now: '2027-01-15T09:00:00Z' })
        outputs.push((await app.app.inject(`/feeds/bodies/oyer-kommunestyre.ics?${WINDOW}`)).body)
        await app.close()
      }
      expect(new Date(0).getTimezoneOffset()).toBe(-720) // the switch really took effect (NZST in 1970)
    } finally {
      process.env.TZ = original
    }
    expect(outputs[0]).toContain('DTSTART;TZID=Europe/Oslo:20270218T180000')
    expect(outputs[1]).toBe(outputs[0])
    expect(outputs[2]).toBe(outputs[0])
  })
})

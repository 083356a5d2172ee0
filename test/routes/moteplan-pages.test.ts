// The møteplan pages (issue 14): upload a plan (CSV, iCal) as a person in the browser would (multipart with the
// CSRF field first), see the preview, keep it; an extra meeting; cancelling one; and the refusals that change nothing.
import fs from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { csrfOf, signIn, type SignedIn } from '../helpers/people.js'
import { outcomeHash, planFormatOf, readExtraMeeting } from '../../src/routes/moteplan-pages.js'
import { anonymousViewer, systemViewer } from '../../src/services/access.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp() })
afterEach(async () => { await t.close() })

const BODY = 'oyer-kommunestyre'
const fixture = (name: string) => fs.readFileSync(new URL(`../domain/fixtures/moteplan/${name}`, import.meta.url))
const kari = () => signIn(t, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Kari Nordmann')

/** A multipart/form-data body as a browser sends the upload form: the fields in order, then the file. */
function multipart (fields: Array<[string, string]>, file: { name: string; type: string; content: Buffer } | null) {
  const boundary = '----arshjulTest7MA4YWxkTrZu0gW'
  const parts: Buffer[] = []
  for (const [name, value] of fields) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="fil"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`))
    parts.push(file.content, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

async function upload (who: SignedIn, file: { name: string; type: string; content: Buffer } | null, opts: { csrf?: string | null; body?: string; fra?: string; til?: string } = {}) {
  const fields: Array<[string, string]> = opts.csrf === null ? [] : [['_csrf', opts.csrf ?? who.csrf]]
  if (opts.fra !== undefined) fields.push(['fra', opts.fra])
  if (opts.til !== undefined) fields.push(['til', opts.til])
  const { payload, contentType } = multipart(fields, file)
  return t.app.inject({ method: 'POST', url: `/moteplan/${opts.body ?? BODY}/forhandsvis`, headers: { ...who.headers, 'content-type': contentType }, payload })
}

/** The keep form's hidden fields on a preview page. */
function keepForm (html: string): Record<string, string> {
  const form = /<form method="post" action="\/moteplan\/[^"]+\/behold"[\s\S]*?<\/form>/.exec(html)![0]
  return Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(m => [m[1]!, m[2]!.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&')]))
}
const count = (html: string, what: string) => Number(new RegExp(`data-count="${what}">(\\d+)<`).exec(html)![1])
const snapshot = () => t.snapshot()

/** The body's meetings in 2027 (wall time → status), from the service the feeds read. */
async function meetings2027 (): Promise<Map<string, string>> {
  const items = await t.services.occurrences.list({ from: '2027-01-01', to: '2027-12-31', body: BODY }, systemViewer)
  return new Map(items.filter(o => o.kind === 'meeting' && o.responsibleBody?.slug === BODY).map(o => [o.localStart!, o.status]))
}

describe('the møteplan page', () => {
  it('shows the body\'s meetings to anyone, and the forms only to an editor who may change the body', async () => {
    const anon = await t.app.inject(`/moteplan/${BODY}`)
    expect(anon.statusCode).toBe(200)
    expect(anon.body).toContain('Møteplan for Kommunestyret')
    expect(anon.body).toContain('torsdag 18. mars 2027 kl. 18.00')
    expect(anon.body).not.toContain('enctype="multipart/form-data"')
    const k = await kari()
    const mine = await t.app.inject({ url: `/moteplan/${BODY}`, headers: k.headers })
    expect(mine.body).toContain('enctype="multipart/form-data"')
    // The CSRF field comes before the file input, so the server has it before it reads the file.
    const form = /<form[^>]+forhandsvis[\s\S]*?<\/form>/.exec(mine.body)![0]
    expect(form.indexOf('name="_csrf"')).toBeLessThan(form.indexOf('type="file"'))
    const other = await t.app.inject({ url: '/moteplan/gausdal-kommunestyre', headers: k.headers })
    expect(other.statusCode).toBe(200)
    expect(other.body).not.toContain('enctype="multipart/form-data"')
    expect(other.body).toContain('ikke endre den')
    expect((await t.app.inject('/moteplan/finnes-ikke')).statusCode).toBe(404)
  })

  it('CSV: the preview shows added, removed and kept before anything is saved; keeping it adopts the plan', async () => {
    const k = await kari()
    const before = await snapshot()
    const res = await upload(k, { name: 'møteplan 2027.csv', type: 'text/csv', content: fixture('excel-sep-line.csv') })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['cache-control']).toBe('private, no-store')
    expect(count(res.body, 'added')).toBe(1)
    expect(count(res.body, 'removed')).toBe(8)
    expect(count(res.body, 'kept')).toBe(1)
    expect(res.body).toContain('torsdag 11. februar 2027 kl. 18.00')
    expect(res.body).toContain('Ingenting er lagret ennå')
    expect(await snapshot()).toBe(before)

    const fields = keepForm(res.body)
    expect(fields.format).toBe('csv')
    const keep = await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/behold`, headers: k.headers, payload: fields })
    expect(keep.statusCode, keep.body).toBe(303)
    expect(keep.headers.location).toBe(`/moteplan/${BODY}`)
    const after = await meetings2027()
    expect(after.get('2027-02-11T18:00')).toBe('planned')
    expect(after.get('2027-03-18T18:00')).toBe('planned')
    expect([...after.values()].filter(s => s === 'cancelled')).toHaveLength(8)
    // The calendar feed has the new meeting.
    const feed = await t.app.inject(`/feeds/bodies/${BODY}.ics?from=2027-01-01&to=2027-12-31`)
    expect(feed.body).toContain('DTSTART;TZID=Europe/Oslo:20270211T180000')
    // The audit log names the person.
    const audit = await t.sql.all('select actor, user_id as "userId" from audit_log where action = \'adopt_moteplan\'') as Array<{ actor: string; userId: number }>
    expect(audit).toEqual([{ actor: 'Kari Nordmann <kari@oyer.kommune.no>', userId: k.userId }])
    const page = await t.app.inject({ url: `/moteplan/${BODY}`, headers: { cookie: `${k.cookie}; ${keep.headers['set-cookie']!.toString().split(';')[0]}` } })
    expect(page.body).toContain('Møteplanen er lagret: 1 lagt til, 8 avlyst, 1 beholdt.')
    expect(page.body).toContain('Vedtatt møteplan')
  })

  it('iCal (Outlook export): preview then keep', async () => {
    const k = await kari()
    const res = await upload(k, { name: 'kommunestyret.ics', type: 'text/calendar', content: fixture('outlook-w-europe-standard-time.ics') })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.body).toContain('(iCal)')
    expect([count(res.body, 'added'), count(res.body, 'removed'), count(res.body, 'kept')]).toEqual([0, 7, 2])
    const keep = await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/behold`, headers: k.headers, payload: keepForm(res.body) })
    expect(keep.statusCode, keep.body).toBe(303)
    const after = await meetings2027()
    expect([...after].filter(([, s]) => s !== 'cancelled').map(([l]) => l).sort()).toEqual(['2027-02-18T18:00', '2027-06-17T18:00'])
  })

  it('shows the reader\'s warnings in the preview (a row for another body is skipped)', async () => {
    const k = await kari()
    const res = await upload(k, { name: 'plan.csv', type: 'text/csv', content: fixture('csv-headers-any-order.csv') })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.body).toContain('Advarsler fra lesingen av filen')
    expect(res.body).toMatch(/Linje 3: /)
  })

  it('a plan for part of the year (Gjelder fra/til) touches only that period; the period is bound to the preview', async () => {
    const k = await kari()
    const res = await upload(k, { name: 'plan.csv', type: 'text/csv', content: fixture('excel-sep-line.csv') }, { fra: '2027-02-01', til: '2027-03-31' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.body).toContain('perioden 1. februar 2027–31. mars 2027')
    // Only February and March: the default plan's 18 March is kept, 18 February is removed, 11 February added.
    expect([count(res.body, 'added'), count(res.body, 'removed'), count(res.body, 'kept')]).toEqual([1, 1, 1])
    const fields = keepForm(res.body)
    expect([fields.fra, fields.til]).toEqual(['2027-02-01', '2027-03-31'])
    const before = await snapshot()
    // A wider period than the one previewed: refused, nothing changes.
    const widened = await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/behold`, headers: k.headers, payload: { ...fields, til: '2027-12-31' } })
    expect(widened.statusCode).toBe(400)
    expect(await snapshot()).toBe(before)
    expect((await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/behold`, headers: k.headers, payload: fields })).statusCode).toBe(303)
    const after = await meetings2027()
    expect(after.get('2027-04-15T18:00')).toBe('planned')
    expect(after.get('2027-02-18T18:00')).toBe('cancelled')
  })

  it('a bad period is a 400 naming the field; a meeting outside it is named too; nothing changes', async () => {
    const k = await kari()
    const before = await snapshot()
    const bad = await upload(k, { name: 'plan.csv', type: 'text/csv', content: fixture('excel-sep-line.csv') }, { fra: '2027-13-01' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('<a href="#fra">Gjelder fra: «2027-13-01» er ikke en gyldig dato (ÅÅÅÅ-MM-DD).</a>')
    const outside = await upload(k, { name: 'plan.csv', type: 'text/csv', content: fixture('excel-sep-line.csv') }, { fra: '2027-03-01' })
    expect(outside.statusCode).toBe(400)
    expect(outside.body).toContain('<a href="#fra">Perioden: ')
    expect(outside.body).toContain('value="2027-03-01"')
    expect(await snapshot()).toBe(before)
  })

  it('a file changed between preview and keep is refused, and nothing changes', async () => {
    const k = await kari()
    const res = await upload(k, { name: 'plan.csv', type: 'text/csv', content: fixture('excel-sep-line.csv') })
    const fields = keepForm(res.body)
    const before = await snapshot()
    const tampered = Buffer.from('sep=;\nDato;Tid\n11.02.2027;18:00\n').toString('base64url')
    const refused = await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/behold`, headers: k.headers, payload: { ...fields, fil: tampered } })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('ikke den som ble forhåndsvist')
    expect(await snapshot()).toBe(before)
    // The format switched: also another file than the one previewed.
    expect((await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/behold`, headers: k.headers, payload: { ...fields, format: 'ical' } })).statusCode).toBe(400)
    expect(await snapshot()).toBe(before)
  })

  it('meetings changed by someone else after the preview: 409 with the new preview, nothing saved until kept again', async () => {
    const k = await kari()
    const res = await upload(k, { name: 'plan.csv', type: 'text/csv', content: fixture('excel-sep-line.csv') })
    const fields = keepForm(res.body)
    // Someone adopts another plan meanwhile (the API, a token).
    const other = await t.app.inject({ method: 'PUT', url: `/api/v1/bodies/${BODY}/moteplan`, headers: { ...t.auth(t.tokens.editorOyer), 'content-type': 'text/calendar' }, body: fixture('outlook-w-europe-standard-time.ics') })
    expect(other.statusCode).toBe(200)
    const before = await snapshot()
    const stale = await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/behold`, headers: k.headers, payload: fields })
    expect(stale.statusCode).toBe(409)
    expect(stale.body).toContain('Møtene er endret siden forhåndsvisningen')
    expect(await snapshot()).toBe(before)
    const again = await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/behold`, headers: k.headers, payload: keepForm(stale.body) })
    expect(again.statusCode).toBe(303)
    expect((await meetings2027()).get('2027-02-11T18:00')).toBe('planned')
  })

  it('a bad file is a 400 page naming the problem, and nothing changes', async () => {
    const k = await kari()
    const before = await snapshot()
    const bad = await upload(k, { name: 'plan.csv', type: 'text/csv', content: Buffer.from('Dato;Tid\n31.02.2027;18:00\n') })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Noe må rettes')
    expect(bad.body).toMatch(/Linje 2: /)
    expect(bad.body).toContain('aria-invalid="true"')
    const empty = await upload(k, { name: 'plan.csv', type: 'text/csv', content: Buffer.alloc(0) })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Filen er tom.')
    const none = await upload(k, null)
    expect(none.statusCode).toBe(400)
    expect(none.body).toContain('Velg en fil')
    const ical = await upload(k, { name: 'plan.ics', type: 'text/calendar', content: Buffer.from('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n') })
    expect(ical.statusCode).toBe(400)
    expect(ical.body).toContain('kunne ikke leses som iCal')
    const big = await upload(k, { name: 'plan.csv', type: 'text/csv', content: Buffer.alloc(1024 * 1024 + 10, 'a') })
    expect(big.statusCode).toBe(413)
    expect(big.body).toContain('Filen er for stor')
    expect(await snapshot()).toBe(before)
  })

  it('an Øyer editor on a Gausdal body: 403 on upload, keep, extra meeting and cancel; nothing changes', async () => {
    const k = await kari()
    const before = await snapshot()
    const res = await upload(k, { name: 'plan.csv', type: 'text/csv', content: fixture('excel-sep-line.csv') }, { body: 'gausdal-kommunestyre' })
    expect(res.statusCode).toBe(403)
    expect(res.body).toContain('Ikke tillatt')
    // A keep form made for Øyer's body, sent to Gausdal's.
    const mine = await upload(k, { name: 'plan.csv', type: 'text/csv', content: fixture('excel-sep-line.csv') })
    expect((await t.app.inject({ method: 'POST', url: '/moteplan/gausdal-kommunestyre/behold', headers: k.headers, payload: keepForm(mine.body) })).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'POST', url: '/moteplan/gausdal-kommunestyre/ekstra-mote', headers: k.headers, payload: { _csrf: k.csrf, dato: '2027-05-05', start: '18:00' } })).statusCode).toBe(403)
    const gausdal = (await t.services.occurrences.list({ from: '2027-01-01', to: '2027-12-31', body: 'gausdal-kommunestyre' }, systemViewer)).find(o => o.kind === 'meeting')!
    expect((await t.app.inject({ method: 'POST', url: '/moteplan/gausdal-kommunestyre/avlys', headers: k.headers, payload: { _csrf: k.csrf, mote: gausdal.id } })).statusCode).toBe(403)
    expect(await snapshot()).toBe(before)
  })

  // `npm run fuzz`: a multipart body without a boundary, or cut off before its end, was a 500 from the parser.
  it('a multipart body the parser cannot read (no boundary, never closed) is a 400 page, and nothing changes', async () => {
    const k = await kari()
    const before = await snapshot()
    const sent = [
      { contentType: 'multipart/form-data', payload: `_csrf=${k.csrf}` },
      { contentType: 'multipart/form-data; boundary=x', payload: `--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${k.csrf}\r\n--x\r\nContent-Disposition: form-data; name="fil"; filename="p.csv"\r\n\r\nDato;Tid\n11.02.2027;18:00` },
    ]
    for (const { contentType, payload } of sent) {
      const res = await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/forhandsvis`, headers: { ...k.headers, 'content-type': contentType }, payload })
      expect(res.statusCode, res.body).toBe(400)
      expect(res.headers['content-type']).toMatch(/^text\/html/)
      expect(res.body).toContain('Skjemaet med filen kom ikke fram helt')
    }
    expect(await snapshot()).toBe(before)
  })

  it('missing or wrong CSRF token: 403, nothing changes', async () => {
    const k = await kari()
    const before = await snapshot()
    const none = await upload(k, { name: 'plan.csv', type: 'text/csv', content: fixture('excel-sep-line.csv') }, { csrf: null })
    expect(none.statusCode).toBe(403)
    expect(none.body).toContain('Skjemaet er utløpt')
    expect((await upload(k, { name: 'plan.csv', type: 'text/csv', content: fixture('excel-sep-line.csv') }, { csrf: 'feil' })).statusCode).toBe(403)
    const mine = await upload(k, { name: 'plan.csv', type: 'text/csv', content: fixture('excel-sep-line.csv') })
    const { _csrf: _ignored, ...noToken } = keepForm(mine.body)
    expect((await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/behold`, headers: k.headers, payload: noToken })).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/ekstra-mote`, headers: k.headers, payload: { dato: '2027-05-05', start: '18:00' } })).statusCode).toBe(403)
    expect(await snapshot()).toBe(before)
    // Not signed in at all: 401 (the write needs a session).
    expect((await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/ekstra-mote`, payload: { dato: '2027-05-05', start: '18:00' } })).statusCode).toBe(401)
  })
})

describe('an extra meeting and cancelling one', () => {
  it('adds an extra meeting as its own rule; a later plan upload leaves it alone', async () => {
    const k = await kari()
    const res = await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/ekstra-mote`, headers: k.headers, payload: { _csrf: k.csrf, dato: '2027-05-05', start: '18:00', slutt: '20:30', tittel: 'Ekstraordinært kommunestyre' } })
    expect(res.statusCode, res.body).toBe(303)
    const items = await t.services.occurrences.list({ from: '2027-05-05', to: '2027-05-05', body: BODY }, anonymousViewer)
    const extra = items.find(o => o.localStart === '2027-05-05T18:00')!
    expect(extra).toMatchObject({ title: 'Ekstraordinært kommunestyre', origin: 'manual', status: 'planned' })
    expect(extra.end!.getTime() - extra.start!.getTime()).toBe(150 * 60_000)
    const audit = await t.sql.get("select actor from audit_log where entity_type = 'rule' order by id desc limit 1") as { actor: string }
    expect(audit.actor).toBe('Kari Nordmann <kari@oyer.kommune.no>')
    // Adopting a plan without it keeps it.
    const up = await upload(k, { name: 'plan.csv', type: 'text/csv', content: fixture('excel-sep-line.csv') })
    expect(up.body).not.toContain('onsdag 5. mai 2027')
    await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/behold`, headers: k.headers, payload: keepForm(up.body) })
    expect((await meetings2027()).get('2027-05-05T18:00')).toBe('planned')
  })

  it('a bad extra meeting re-renders the form (400) naming the fields, values kept; nothing changes', async () => {
    const k = await kari()
    const before = await snapshot()
    const res = await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/ekstra-mote`, headers: k.headers, payload: { _csrf: k.csrf, dato: '2027-02-30', start: '25:00', tittel: 'Mitt møte' } })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('Dato «2027-02-30» er ikke en gyldig dato')
    expect(res.body).toContain('Starttid «25:00» er ikke et klokkeslett')
    expect(res.body).toContain('value="Mitt møte"')
    expect(res.body).toContain('aria-describedby="dato-hint dato-feil"')
    const end = await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/ekstra-mote`, headers: k.headers, payload: { _csrf: k.csrf, dato: '2027-05-05', start: '18:00', slutt: '17:00' } })
    expect(end.statusCode).toBe(400)
    expect(end.body).toContain('Sluttid må være etter starttid')
    // The autumn night's ambiguous hour is refused by the rules service, named on the start field.
    const dst = await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/ekstra-mote`, headers: k.headers, payload: { _csrf: k.csrf, dato: '2027-10-31', start: '02:30' } })
    expect(dst.statusCode).toBe(400)
    expect(dst.body).toContain('id="start-feil"')
    expect(await snapshot()).toBe(before)
  })

  it('cancels one meeting: status cancelled, the feed says CANCELLED, the audit names the person', async () => {
    const k = await kari()
    const page = await t.app.inject({ url: `/moteplan/${BODY}`, headers: k.headers })
    const id = /<tr data-meeting="([^"]+)"[^>]*>\s*<td data-label="Når">torsdag 18\. mars 2027/.exec(page.body)![1]!
    const res = await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/avlys`, headers: k.headers, payload: { _csrf: csrfOf(page.body), mote: id } })
    expect(res.statusCode, res.body).toBe(303)
    expect((await meetings2027()).get('2027-03-18T18:00')).toBe('cancelled')
    const feed = await t.app.inject(`/feeds/bodies/${BODY}.ics?from=2027-03-01&to=2027-03-31`)
    expect(feed.body).toMatch(/DTSTART;TZID=Europe\/Oslo:20270318T180000[\s\S]*?STATUS:CANCELLED/)
    const audit = await t.sql.get('select actor, user_id as "userId" from audit_log order by id desc limit 1')
    expect(audit).toEqual({ actor: 'Kari Nordmann <kari@oyer.kommune.no>', userId: k.userId })
    // Not a meeting of this body: 404, nothing changes.
    const before = await snapshot()
    const gausdal = (await t.services.occurrences.list({ from: '2027-01-01', to: '2027-12-31', body: 'oyer-formannskap' }, systemViewer)).find(o => o.kind === 'meeting')!
    expect((await t.app.inject({ method: 'POST', url: `/moteplan/${BODY}/avlys`, headers: k.headers, payload: { _csrf: k.csrf, mote: gausdal.id } })).statusCode).toBe(404)
    expect(await snapshot()).toBe(before)
  })
})

describe('the pure parts', () => {
  it('reads the extra-meeting form', () => {
    expect(readExtraMeeting({ dato: '2027-05-05', start: '18:00' })).toEqual({ local: '2027-05-05T18:00', durationMinutes: null, title: null })
    expect(readExtraMeeting({ dato: '2027-05-05', start: '09:15', slutt: '11:00', tittel: ' Ekstra ' })).toEqual({ local: '2027-05-05T09:15', durationMinutes: 105, title: 'Ekstra' })
    expect(readExtraMeeting({})).toEqual({ problems: [{ field: 'dato', message: 'Dato mangler.' }, { field: 'start', message: 'Starttid mangler.' }] })
  })
  it('tells CSV from iCal by name, else by content', () => {
    expect(planFormatOf('a.ICS', new Uint8Array())).toBe('ical')
    expect(planFormatOf('a.csv', Buffer.from('BEGIN:VCALENDAR'))).toBe('csv')
    expect(planFormatOf('plan', Buffer.from('\uFEFFBEGIN:VCALENDAR\r\n'))).toBe('ical')
    expect(planFormatOf('plan', Buffer.from('Dato;Tid\n'))).toBe('csv')
  })
  it('the outcome hash changes with what the person saw', () => {
    const a = { period: { from: '2027-01-01', to: '2027-12-31' }, added: [{ local: '2027-02-11T18:00', durationMinutes: 180, occurrenceId: null }], removed: [], kept: [] }
    expect(outcomeHash(a)).toBe(outcomeHash({ ...a }))
    expect(outcomeHash(a)).not.toBe(outcomeHash({ ...a, added: [] }))
  })
})
